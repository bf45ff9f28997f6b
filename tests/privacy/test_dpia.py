"""The DPIA gate: linking or publishing personal data needs an approved DPIA."""

import datetime as dt

import pytest

from stadhuis.accounts.services import staff_actor
from stadhuis.core.errors import InvalidInput, NotAllowed
from stadhuis.privacy.services import DPIARequired, dpia_create, dpia_decide, require_approved_dpia

PARTS = dict(description="d", lawfulness="l", risks="r", measures="m")


@pytest.fixture
def steward(make_staff):
    return staff_actor(make_staff("data_steward"))


def test_gate_refuses_without_any_dpia(db):
    with pytest.raises(DPIARequired, match="geen goedgekeurde DPIA"):
        require_approved_dpia("inloggen-inwoner")


def test_gate_refuses_a_draft_and_a_rejected_dpia(db, steward, privacy_officer):
    draft = dpia_create(actor=steward, activity="inloggen-inwoner", title="t", **PARTS)
    with pytest.raises(DPIARequired):
        require_approved_dpia("inloggen-inwoner")
    dpia_decide(actor=privacy_officer, dpia=draft, approve=False, note="Risico te hoog.")
    with pytest.raises(DPIARequired):
        require_approved_dpia("inloggen-inwoner")


def test_gate_opens_for_an_approved_dpia_only_for_its_activity(db, steward, privacy_officer):
    dpia = dpia_create(actor=steward, activity="inloggen-inwoner", title="t", **PARTS)
    dpia_decide(actor=privacy_officer, dpia=dpia, approve=True)
    assert require_approved_dpia("inloggen-inwoner") == dpia
    with pytest.raises(DPIARequired):
        require_approved_dpia("bsn-inzien")


def test_gate_refuses_when_the_review_date_has_passed(db, steward, privacy_officer):
    dpia = dpia_create(actor=steward, activity="inloggen-inwoner", title="t", **PARTS)
    dpia_decide(actor=privacy_officer, dpia=dpia, approve=True, review_before=dt.date(2020, 1, 1))
    with pytest.raises(DPIARequired):
        require_approved_dpia("inloggen-inwoner")


def test_only_the_privacy_officer_decides(db, steward, make_staff):
    dpia = dpia_create(actor=steward, activity="inloggen-inwoner", title="t", **PARTS)
    for role in ("data_steward", "administrator", "case_handler"):
        with pytest.raises(NotAllowed):
            dpia_decide(actor=staff_actor(make_staff(role, username=role)), dpia=dpia, approve=True)


def test_rejection_needs_a_reason_and_a_decision_is_final(db, steward, privacy_officer):
    dpia = dpia_create(actor=steward, activity="inloggen-inwoner", title="t", **PARTS)
    with pytest.raises(InvalidInput):
        dpia_decide(actor=privacy_officer, dpia=dpia, approve=False, note="  ")
    dpia_decide(actor=privacy_officer, dpia=dpia, approve=True)
    with pytest.raises(InvalidInput):
        dpia_decide(actor=privacy_officer, dpia=dpia, approve=False, note="toch niet")
