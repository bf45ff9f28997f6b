import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from stadhuis.accounts.models import User


def test_createstaff_makes_a_staff_member_with_totp(db, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("een-lang-wachtwoord-123\n"))
    out = io.StringIO()
    call_command(
        "createstaff",
        "jdevries",
        "--role",
        "privacy_officer",
        "--unit",
        "Privacy",
        "--password-stdin",
        stdout=out,
    )
    user = User.objects.get(username="jdevries")
    assert user.kind == "staff" and user.check_password("een-lang-wachtwoord-123")
    assert list(user.role_assignments.values_list("role", flat=True)) == ["privacy_officer"]
    assert "otpauth://totp/jdevries" in out.getvalue()


def test_createstaff_refuses_a_weak_password(db, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("kort\n"))
    with pytest.raises(CommandError):
        call_command(
            "createstaff",
            "x",
            "--role",
            "ombudsman",
            "--unit",
            "O",
            "--password-stdin",
            stdout=io.StringIO(),
        )
    assert not User.objects.filter(username="x").exists()
