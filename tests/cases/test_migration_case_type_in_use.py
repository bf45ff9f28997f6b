"""Migration cases/0009: ``is_current`` moves from the newest version (where the services
before it put it, on a draft too) to the newest published version of each code, the
version in use. The data is made with today's services and put back as the old services
left it with 0009's own reverse; then 0009 runs with the loader's historical models."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from stadhuis.accounts.services import staff_actor
from stadhuis.cases import services
from stadhuis.cases.models import CaseType
from stadhuis.core.errors import InvalidInput, NotFound

NAME = "0009_case_type_in_use_is_newest_published"
MELDING = "melding-openbare-ruimte"
migration = import_module(f"stadhuis.cases.migrations.{NAME}")


def _apps():
    return MigrationLoader(connection).project_state(("cases", NAME), at_end=False).apps


def _in_use() -> dict[str, int]:
    return dict(CaseType.objects.filter(is_current=True).values_list("code", "version"))


@pytest.fixture
def admin(make_staff):
    return staff_actor(make_staff("administrator", username="beheer-m"))


def _submit(me):
    return services.case_submit(
        actor=me, case_type_code=MELDING, description="Kapotte bank", answers={"categorie": "Groen"}
    )


def test_the_published_version_beside_a_draft_is_in_use_again(catalogue, admin, me):
    published = catalogue[MELDING]
    draft = services.case_type_new_version(actor=admin, case_type=published)
    services.case_type_publish(
        actor=admin,
        case_type=services.case_type_new_version(actor=admin, case_type=catalogue["klacht"]),
    )
    migration.current_is_newest_version(_apps(), None)  # as the old services left it
    assert _in_use()[MELDING] == 2
    with pytest.raises(NotFound):  # the bug: the type was offline while it had a draft
        _submit(me)

    migration.in_use_is_newest_published(_apps(), None)

    assert (_in_use()[MELDING], _in_use()["klacht"]) == (1, 2)
    assert len(_in_use()) == len({t.code for t in catalogue.values()})
    assert _submit(me).case_type_id == published.pk
    services.case_type_publish(actor=admin, case_type=draft)
    assert _submit(me).case_type_id == draft.pk
    migration.in_use_is_newest_published(_apps(), None)  # a second run changes nothing
    assert _in_use()[MELDING] == 2


def test_a_type_that_was_never_published_has_no_version_in_use(catalogue, admin):
    from stadhuis.demo.catalogue import CASE_TYPES

    spec = {**next(s for s in CASE_TYPES if s["code"] == "klacht"), "code": "klacht-proef"}
    draft = services.case_type_create(actor=admin, spec=spec)
    migration.current_is_newest_version(_apps(), None)
    draft.refresh_from_db()
    assert draft.is_current
    migration.in_use_is_newest_published(_apps(), None)
    draft.refresh_from_db()
    assert not draft.is_current and "klacht-proef" not in _in_use()


def test_a_draft_left_behind_by_a_newer_published_version_cannot_be_published(catalogue, admin):
    """The old services could make a draft of a draft and publish the newer one; the
    older draft stays unpublished. It never comes back in use, and does not block the
    next version."""
    v1 = catalogue[MELDING]
    v2 = services.case_type_new_version(actor=admin, case_type=v1)
    services.case_type_publish(actor=admin, case_type=v2)
    v3 = services.case_type_new_version(actor=admin, case_type=v2)
    services.case_type_publish(actor=admin, case_type=v3)
    CaseType.objects.filter(pk=v2.pk).update(published_at=None)  # as the old services left it
    migration.current_is_newest_version(_apps(), None)
    migration.in_use_is_newest_published(_apps(), None)
    assert _in_use()[MELDING] == 3
    with pytest.raises(InvalidInput, match="al een nieuwere versie gepubliceerd"):
        services.case_type_publish(actor=admin, case_type=v2)
    assert _in_use()[MELDING] == 3
    v4 = services.case_type_new_version(actor=admin, case_type=v3)
    assert v4.version == 4 and not v4.is_current
