"""Migrations cases/0007 and 0008 on a database like an existing installation's: access
requests opened under a version with only "Verstrekt", a type whose code was renamed, a
published version with a newer draft. Afterwards every open request can be refused.

The data is made with the real services (the schema before 0007 is today's: 0007 and 0008
only change data); then the two migrations run on it in order, each with the historical
models Django's migration loader gives it, as ``migrate`` runs them on an upgrade. (Not
the executor itself: on SQLite it cannot run inside a test's transaction, and a test that
commits runs on PostgreSQL only, see ``committed_db``.)"""

from __future__ import annotations

from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from stadhuis.cases import services as cases
from stadhuis.cases.models import Case, CaseType
from stadhuis.core.errors import InvalidInput
from stadhuis.demo.catalogue import CASE_TYPES
from tests.cases.conftest import publish_as_before_the_refusal_rule
from tests.cases.test_migration_refusal_results import _old_spec, _results
from tests.cases.test_migration_refusal_results import admin as admin  # the fixture

MIGRATIONS = [
    "0007_avg_inzage_refusal_results",
    "0008_access_request_refusals_every_version_in_use",
]
IN_USE = "0009_case_type_in_use_is_newest_published"
PRIVACY = "Privacy en Informatiebeveiliging"
WITH_REFUSALS = {"verstrekt": False, "geweigerd": True, "ingetrokken": True}


def _upgrade() -> None:
    """Run 0007, 0008 and 0009 on the database as it is, as an upgrade does. The data is
    made by today's services, so first ``is_current`` goes back to where the services
    before 0009 left it (the newest version, a draft too): 0009 in reverse."""
    loader = MigrationLoader(connection)
    in_use = import_module(f"stadhuis.cases.migrations.{IN_USE}")
    in_use.current_is_newest_version(loader.project_state(("cases", IN_USE)).apps, None)
    for name in MIGRATIONS:
        before = loader.project_state(("cases", name), at_end=False)
        module = import_module(f"stadhuis.cases.migrations.{name}")
        module.add_refusal_results(before.apps, None)
    before = loader.project_state(("cases", IN_USE), at_end=False)
    in_use.in_use_is_newest_published(before.apps, None)


def _new_version(admin, code: str) -> CaseType:
    return cases.case_type_new_version(
        actor=admin, case_type=CaseType.objects.get(code=code, is_current=True)
    )


def _refuse(actor, case) -> Case:
    case = Case.objects.get(pk=case.pk)
    return cases.case_set_status(
        actor=actor,
        case=case,
        expected_version=case.version,
        status_code="afgehandeld",
        result_code="geweigerd",
        explanation="Uw verzoek is kennelijk ongegrond.",
    )


@pytest.fixture
def old_installation(admin, me):
    """What an installation from before the refusal results holds."""
    # avg-inzage: v1 published, its request closed long ago; v2 published with an open one
    publish_as_before_the_refusal_rule(admin, cases.case_type_create(actor=admin, spec=_old_spec()))
    closed = cases.case_submit(actor=me, case_type_code="avg-inzage", description="Oud")
    cases.case_withdraw(actor=me, case=closed, expected_version=closed.version)
    publish_as_before_the_refusal_rule(admin, _new_version(admin, "avg-inzage"))
    open_v2 = cases.case_submit(actor=me, case_type_code="avg-inzage", description="Inzage")
    # a municipality that renamed the code: v1 published with an open request, v2 a draft
    renamed = {**_old_spec(), "code": "inzage-gemeente", "name": "Inzage bij de gemeente"}
    publish_as_before_the_refusal_rule(admin, cases.case_type_create(actor=admin, spec=renamed))
    open_renamed = cases.case_submit(
        actor=me, case_type_code="inzage-gemeente", description="Wat weet u van mij?"
    )
    draft = _new_version(admin, "inzage-gemeente")
    # another kind of case, without any refusal: not an access request, so not touched
    correction = next(s for s in CASE_TYPES if s["code"] == "avg-correctie")
    cases.case_type_publish(
        actor=admin, case_type=cases.case_type_create(actor=admin, spec=correction)
    )
    return {"closed": closed, "open_v2": open_v2, "open_renamed": open_renamed, "draft": draft}


def test_every_open_access_request_can_be_refused_after_the_upgrade(
    old_installation, handler, me, admin
):
    avg = handler(unit=PRIVACY, username="avg")
    open_v2, open_renamed = old_installation["open_v2"], old_installation["open_renamed"]
    with pytest.raises(InvalidInput):  # what the review found: only "Verstrekt" to choose
        _refuse(avg, open_v2)
    correction_before = _results(CaseType.objects.get(code="avg-correctie"))

    _upgrade()

    # the open requests keep their versions, and those versions can now refuse them
    for case in (open_v2, open_renamed):
        assert Case.objects.get(pk=case.pk).case_type_id == case.case_type_id
        assert _results(case.case_type) == WITH_REFUSALS
        refused = _refuse(avg, case)
        assert (refused.is_open, refused.result.code) == (False, "geweigerd")
    # a renamed code is found by its kind, and the draft beside the published version is
    # completed too, so it has them once it is published
    draft = old_installation["draft"]
    assert _results(draft) == WITH_REFUSALS
    cases.case_type_publish(actor=admin, case_type=draft)
    later = cases.case_submit(actor=me, case_type_code="inzage-gemeente", description="Nog eens")
    assert later.case_type_id == draft.pk
    assert _refuse(avg, later).result.code == "geweigerd"
    # 0007 still gives the current avg-inzage a new version, with them; new requests use it
    current = CaseType.objects.get(code="avg-inzage", is_current=True)
    assert (current.version, _results(current)) == (3, WITH_REFUSALS)
    # a version that no open request uses and that is not in use stays as published
    assert _results(old_installation["closed"].case_type) == {"verstrekt": False}
    assert _results(CaseType.objects.get(code="avg-correctie")) == correction_before
    # a second run adds nothing
    count = sum(len(_results(t)) for t in CaseType.objects.all())
    _upgrade()
    assert sum(len(_results(t)) for t in CaseType.objects.all()) == count


def test_a_municipalitys_own_refusal_is_left_alone(admin, me):
    spec = _old_spec()
    spec["results"] = [
        *spec["results"],
        {
            "code": "afgewezen",
            "name": "Afgewezen",
            "resident_text": "Nee, met de reden.",
            "closes_without_answer": True,
        },
    ]
    spec["code"] = "inzage"
    version = cases.case_type_publish(
        actor=admin, case_type=cases.case_type_create(actor=admin, spec=spec)
    )
    cases.case_submit(actor=me, case_type_code="inzage", description="Inzage")
    _upgrade()
    assert _results(version) == {"verstrekt": False, "afgewezen": True}


def test_a_published_version_with_a_newer_draft_is_completed_with_the_draft(admin):
    """No request uses the published version yet; it is still the one in use until the
    draft is published, so it gets them as well as the draft."""
    spec = {**_old_spec(), "code": "inzage-balie"}
    published = publish_as_before_the_refusal_rule(
        admin, cases.case_type_create(actor=admin, spec=spec)
    )
    draft = _new_version(admin, "inzage-balie")
    _upgrade()
    assert (_results(published), _results(draft)) == (WITH_REFUSALS, WITH_REFUSALS)


def test_a_refusal_result_of_the_demo_code_is_marked_not_added_twice(admin, me):
    """A version in use that already has a result coded "geweigerd" (not marked as
    closing without the answer) gets that one marked and only "Ingetrokken" added."""
    spec = {**_old_spec(), "code": "inzage-loket"}
    spec["results"] = [
        *spec["results"],
        {"code": "geweigerd", "name": "Niet gegeven", "resident_text": "Nee."},
    ]
    version = publish_as_before_the_refusal_rule(
        admin, cases.case_type_create(actor=admin, spec=spec)
    )
    cases.case_submit(actor=me, case_type_code="inzage-loket", description="Inzage")
    _upgrade()
    assert _results(version) == WITH_REFUSALS
    assert version.results.get(code="geweigerd").name == "Niet gegeven"  # theirs, kept
