import itertools

from django.core.management import call_command

from stadhuis.accounts.models import Resident, RoleAssignment, User
from stadhuis.cases.models import Case, Escalation
from stadhuis.core.roles import Role
from stadhuis.demo import register
from stadhuis.demo.participation import BIRTH_DATES
from stadhuis.demo.residents import DEMO_RESIDENTS
from stadhuis.privacy import chain
from stadhuis.privacy.crypto import pseudonym_for_bsn
from stadhuis.privacy.models import ProcessingActivity, ProcessingLogEntry


def test_demo_city_is_complete_and_idempotent(db, capsys):
    call_command("demo", "--residents", "20", "--seed", "7")
    first_entries = ProcessingLogEntry.objects.count()
    assert Resident.objects.count() == len(DEMO_RESIDENTS) + 20
    assert User.objects.filter(kind="staff").count() == len(register.STAFF)
    roles = set(RoleAssignment.objects.values_list("role", flat=True))
    assert roles == set(Role.values)  # one staff member (at least) per role
    # 4 stories, plus a correction request (Anna) and an access request (Fatma)
    # ... and a neighbourhood-fund application (Anna), followed as a case
    assert Case.objects.count() == 7 and Escalation.objects.count() == 1
    assert ProcessingActivity.objects.filter(code="klachtbehandeling").exists()
    out = capsys.readouterr().out
    assert "Anna de Vries" in out and "privacy_officer" in out
    # the demo BRP's birth dates are stored as a login delivers them: an update of the
    # account ("inwoner"), which the resident's log names, not a bare code
    for bsn, born in BIRTH_DATES.items():
        resident = Resident.objects.get(pseudonym=pseudonym_for_bsn(bsn))
        assert resident.birth_date == born
        assert ProcessingLogEntry.objects.filter(
            subject=resident.pseudonym, object_type="inwoner", action="update"
        ).exists()
    assert not ProcessingLogEntry.objects.filter(object_type="geboortedatum").exists()

    call_command("demo", "--residents", "20", "--seed", "7", "--quiet")
    assert Resident.objects.count() == len(DEMO_RESIDENTS) + 20
    # only the named residents' logins are logged again; no case is made twice
    assert ProcessingLogEntry.objects.count() == first_entries + len(DEMO_RESIDENTS)
    assert Case.objects.count() == 7
    assert chain.verify().ok


def test_bulk_cases_follow_the_rules(db):
    from stadhuis.cases.models import CaseStatus

    call_command("demo", "--residents", "30", "--cases", "200", "--seed", "3", "--quiet")
    assert Case.objects.count() == 207  # 7 from the named residents
    bulk = Case.objects.exclude(subject="").exclude(events__isnull=False)
    assert bulk.count() == 200
    for case in bulk.select_related("status", "result")[:200]:
        path = list(
            CaseStatus.objects.filter(case=case).order_by("set_at").select_related("status_type")
        )
        assert path[-1].status_type == case.status
        for before, after in itertools.pairwise(path):
            assert after.status_type in before.status_type.next_statuses.all()
        assert (case.closed_at is not None) == case.status.is_final == (case.result is not None)
        if case.result is not None:  # no bulk case carries an answer it never got
            assert not case.result.needs_answer, case.reference
    assert chain.verify().ok


def test_bulk_access_requests_stay_open_where_the_type_has_no_result_without_an_answer(db):
    """An installation whose access-request type knows only 'verstrekt' (the catalogue
    before refusals existed): bulk cases of that type are never closed, as closing one
    needs the answer that bulk rows do not make."""
    import random

    from stadhuis.cases.models import CaseKind, ResultType
    from stadhuis.demo.services import _bulk_cases

    call_command("demo", "--residents", "30", "--cases", "0", "--seed", "3", "--quiet")
    ResultType.objects.filter(
        case_type__kind=CaseKind.ACCESS_REQUEST, closes_without_answer=True
    ).delete()
    assert _bulk_cases(400, random.Random(4)) == 400
    requests = Case.objects.filter(
        events__isnull=True, case_type__kind=CaseKind.ACCESS_REQUEST
    ).select_related("status")
    assert requests.exists()
    assert all(c.closed_at is None and not c.status.is_final for c in requests)


def test_bulk_cases_use_the_published_version_while_a_new_one_is_a_draft(db):
    """A draft is not in use: bulk cases of its type are opened under the published one."""
    import random

    from stadhuis.accounts.services import staff_actor
    from stadhuis.cases.models import CaseType
    from stadhuis.cases.services import case_type_new_version
    from stadhuis.demo.services import _bulk_cases

    call_command("demo", "--residents", "30", "--cases", "0", "--seed", "3", "--quiet")
    admin = staff_actor(
        User.objects.get(role_assignments__role=Role.ADMINISTRATOR), Role.ADMINISTRATOR
    )
    for case_type in CaseType.objects.all():
        case_type_new_version(actor=admin, case_type=case_type)
    assert _bulk_cases(100, random.Random(5)) == 100
    assert not Case.objects.filter(case_type__published_at__isnull=True).exists()
