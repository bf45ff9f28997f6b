import pytest

from stadhuis.accounts.services import resident_actor, resident_login
from tests.cases.conftest import catalogue, handler, me  # noqa: F401  (shared fixtures)


@pytest.fixture
def other(db):
    """A second resident, to prove that nobody sees anyone else's data."""
    return resident_actor(resident_login(bsn="123456782", display_name="Mohamed Yilmaz").resident)


@pytest.fixture
def resident_client(client, resident):
    client.force_login(resident.user)
    return client
