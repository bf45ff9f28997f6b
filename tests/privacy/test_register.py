"""The processing register: versioned, role-checked, seeded with what the code uses."""

import ast
from pathlib import Path

import pytest

from stadhuis.core.context import Actor
from stadhuis.core.errors import InvalidInput, NotAllowed
from stadhuis.privacy.builtin import declared_activities
from stadhuis.privacy.models import ProcessingActivity
from stadhuis.privacy.services import activity_register, activity_revise

CONTENT = dict(
    name="Test",
    purpose="Testen",
    legal_basis="public_task",
    controller_unit="ICT",
    data_subject_categories=["inwoners"],
    personal_data_categories=["naam"],
    retention_description="1 jaar",
    security_measures="Versleuteling",
)


def test_every_declared_activity_is_in_the_register_after_migrate(db):
    codes = {spec["code"] for spec in declared_activities()}
    assert codes
    registered = set(
        ProcessingActivity.objects.filter(is_active=True).values_list("code", flat=True)
    )
    assert codes <= registered


def test_only_privacy_officer_or_administrator_changes_the_register(db, make_staff):
    from stadhuis.accounts.services import staff_actor

    with pytest.raises(NotAllowed):
        activity_register(actor=Actor.system("x"), code="test", **CONTENT)
    with pytest.raises(NotAllowed):
        activity_register(actor=staff_actor(make_staff("case_handler")), code="test", **CONTENT)
    admin = staff_actor(make_staff("administrator"))
    assert activity_register(actor=admin, code="test", **CONTENT).current_version.version == 1


def test_invalid_register_content_is_refused_with_a_message(db, privacy_officer):
    with pytest.raises(InvalidInput):
        activity_register(actor=privacy_officer, code="x", **{**CONTENT, "legal_basis": "zomaar"})
    assert not ProcessingActivity.objects.filter(code="x").exists()
    with pytest.raises(InvalidInput):
        activity_revise(actor=privacy_officer, code="inloggen-inwoner", colour="blauw")


def test_activity_codes_named_in_code_are_declared():
    """Every literal ``activity="..."`` in production code names a declared activity."""
    declared = {spec["code"] for spec in declared_activities()}
    used = set()
    for path in Path("src/stadhuis").rglob("*.py"):
        if "demo" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.keyword)
                and node.arg == "activity"
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ):
                used.add(node.value.value)
    assert used <= declared, used - declared
