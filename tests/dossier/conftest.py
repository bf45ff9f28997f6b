import pytest

from stadhuis.accounts.services import resident_actor, resident_login
from stadhuis.cases import services as cases
from stadhuis.privacy.services import activity_register
from tests.cases.conftest import catalogue, handler, me  # noqa: F401  (shared fixtures)


@pytest.fixture
def other(db):
    """A second resident, to prove that nobody sees anyone else's data."""
    return resident_actor(resident_login(bsn="123456782", display_name="Mohamed Yilmaz").resident)


@pytest.fixture
def resident_client(client, resident):
    client.force_login(resident.user)
    return client


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def report(actor, text="Lantaarnpaal kapot", **extra):
    """A public-space report through the real service (public task: objection, no erasure)."""
    return cases.case_submit(
        actor=actor,
        case_type_code="melding-openbare-ruimte",
        description=text,
        answers={"categorie": "Straatverlichting"},
        **extra,
    )


@pytest.fixture
def newsletter(privacy_officer):
    """An optional processing under consent."""
    return activity_register(
        actor=privacy_officer,
        code="nieuwsbrief",
        name="Nieuwsbrief",
        purpose="De nieuwsbrief sturen",
        legal_basis="consent",
        controller_unit="Communicatie",
        retention_description="Tot u zich afmeldt",
        data_subject_categories=["abonnees"],
        personal_data_categories=["e-mailadres"],
        security_measures="x",
    )
