"""Migration cases/0007: an existing ``avg-inzage`` with only "Verstrekt" gets the demo's
refusal results in a new version; nothing happens where they are there already."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from stadhuis.accounts.services import staff_actor
from stadhuis.cases import services as cases
from stadhuis.cases.models import CaseType
from stadhuis.demo import register
from stadhuis.demo.catalogue import CASE_TYPES
from stadhuis.privacy.services import activity_register
from tests.cases.conftest import publish_as_before_the_refusal_rule

migration = importlib.import_module("stadhuis.cases.migrations.0007_avg_inzage_refusal_results")
in_use = importlib.import_module(
    "stadhuis.cases.migrations.0009_case_type_in_use_is_newest_published"
)


def as_before_0009(run) -> None:
    """Run a migration from before 0009 as an upgrade does: on ``is_current`` as the
    services left it then (on the newest version, a draft too), then 0009 moves it back
    to the version in use."""
    in_use.current_is_newest_version(apps, None)
    run(apps, None)
    in_use.in_use_is_newest_published(apps, None)


def _old_spec() -> dict:
    """avg-inzage as installations made it before refusals existed: only Verstrekt."""
    spec = dict(next(s for s in CASE_TYPES if s["code"] == "avg-inzage"))
    spec["results"] = [r for r in spec["results"] if r["code"] == "verstrekt"]
    return spec


@pytest.fixture
def admin(make_staff):
    officer = staff_actor(make_staff("privacy_officer", username="po"))
    activity = next(a for a in register.ACTIVITIES if a["code"] == "avg-verzoeken")
    content = {k: v for k, v in activity.items() if k not in ("code", "processors")}
    activity_register(actor=officer, code="avg-verzoeken", security_measures="x", **content)
    return staff_actor(make_staff("administrator", username="beheer"))


def _results(case_type) -> dict[str, bool]:
    return dict(case_type.results.values_list("code", "closes_without_answer"))


def test_a_published_type_with_only_verstrekt_gets_a_new_version_with_refusals(admin, me):
    old = publish_as_before_the_refusal_rule(
        admin, cases.case_type_create(actor=admin, spec=_old_spec())
    )
    request = cases.case_submit(actor=me, case_type_code="avg-inzage", description="Inzage")

    as_before_0009(migration.add_refusal_results)

    old.refresh_from_db()
    new = CaseType.objects.get(code="avg-inzage", is_current=True)
    assert (old.version, old.is_current, new.version) == (1, False, 2)
    assert new.is_published and new.name == old.name and new.term_amount == old.term_amount
    assert _results(old) == {"verstrekt": False}  # the published version is untouched
    assert _results(new) == {"verstrekt": False, "geweigerd": True, "ingetrokken": True}
    assert new.results.get(code="geweigerd").resident_text.startswith("We geven u de gegevens")
    transitions = {
        s.code: sorted(n.code for n in s.next_statuses.all()) for s in new.statuses.all()
    }
    assert transitions == {
        s.code: sorted(n.code for n in s.next_statuses.all()) for s in old.statuses.all()
    }
    assert all(n.case_type_id == new.pk for s in new.statuses.all() for n in s.next_statuses.all())
    request.refresh_from_db()
    assert request.case_type_id == old.pk  # an open case keeps the rules it was opened under
    # new requests are opened under the new version, and handlers can refuse them
    later = cases.case_submit(actor=me, case_type_code="avg-inzage", description="Nog eens")
    assert later.case_type_id == new.pk


def test_nothing_happens_when_a_refusal_is_there_or_the_type_is_not(catalogue):
    migration.add_refusal_results(apps, None)  # the demo type has both already
    assert CaseType.objects.filter(code="avg-inzage").count() == 1
    assert _results(CaseType.objects.get(code="avg-inzage"))["geweigerd"] is True
    CaseType.objects.filter(code="avg-inzage").update(code="inzage-anders")
    migration.add_refusal_results(apps, None)  # no avg-inzage at all
    assert not CaseType.objects.filter(code="avg-inzage").exists()


def test_a_draft_is_completed_in_place_and_a_second_run_does_nothing(admin):
    spec = _old_spec()
    spec["results"] = [
        *spec["results"],
        {"code": "geweigerd", "name": "Geweigerd", "resident_text": "Nee."},  # not marked
    ]
    draft = cases.case_type_create(actor=admin, spec=spec)
    as_before_0009(migration.add_refusal_results)
    as_before_0009(migration.add_refusal_results)
    assert list(CaseType.objects.filter(code="avg-inzage").values_list("pk", flat=True)) == [
        draft.pk
    ]
    assert _results(draft) == {"verstrekt": False, "geweigerd": True, "ingetrokken": True}
    assert draft.results.get(code="geweigerd").resident_text == "Nee."  # marked, not replaced
