from stadhuis.privacy import chain
from stadhuis.privacy.models import ProcessingLogEntry


def test_login_is_logged_and_chain_verifies(resident):
    assert ProcessingLogEntry.objects.filter(subject=resident.pseudonym).count() == 1
    assert chain.seal() == 1
    result = chain.verify()
    assert result.ok, result.problems
