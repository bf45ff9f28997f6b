"""Connected applications: grants are validated, tokens are shown once and stored hashed."""

import io

import pytest
from django.core.management import CommandError, call_command

from stadhuis.accounts import applications
from stadhuis.accounts.models import Application, ApplicationToken
from stadhuis.accounts.services import staff_actor
from stadhuis.cases.models import Confidentiality
from stadhuis.core.context import ActorKind
from stadhuis.core.errors import InvalidInput, NotAllowed, NotFound


@pytest.fixture
def app(db):
    return applications.application_create(actor=None, name="Meldingen-app", org_unit="Stadsbeheer")


def test_confidentiality_levels_match_the_cases_model_in_order():
    assert tuple(Confidentiality.values) == applications.CONFIDENTIALITY_LEVELS


def test_levels_up_to_include_the_maximum_and_everything_less_confidential():
    assert applications.confidentiality_up_to("intern") == (
        "openbaar",
        "beperkt_openbaar",
        "intern",
    )


def test_token_is_returned_once_and_only_its_hash_is_stored(app):
    token, raw = applications.token_issue(actor=None, application=app)
    assert len(raw) >= 43  # 32 random bytes, url-safe base64
    stored = ApplicationToken.objects.get(pk=token.pk)
    assert stored.token_hash == applications.hash_token(raw) != raw
    assert raw not in {stored.token_hash, stored.prefix} and raw.startswith(stored.prefix)
    _token, other = applications.token_issue(actor=None, application=app)
    assert other != raw


def test_token_finds_its_application_and_grants(app):
    applications.grant(
        actor=None,
        application=app,
        case_type_code="klacht",
        actions=["read", "create"],
        max_confidentiality="zaakvertrouwelijk",
    )
    _token, raw = applications.token_issue(actor=None, application=app)
    found, grants = applications.application_for_token(raw)
    assert found == app
    assert [(g.case_type_code, g.actions, g.max_confidentiality) for g in grants] == [
        ("klacht", frozenset({"read", "create"}), "zaakvertrouwelijk")
    ]
    assert ApplicationToken.objects.get().last_used_at is not None


@pytest.mark.parametrize("raw", ["", "nope", "x" * 300, "é" * 10])
def test_unknown_or_malformed_tokens_are_not_found(app, raw):
    with pytest.raises(NotFound):
        applications.application_for_token(raw)


def test_revoked_token_and_inactive_application_stop_working(app):
    token, raw = applications.token_issue(actor=None, application=app)
    _second, raw2 = applications.token_issue(actor=None, application=app)
    applications.token_revoke(actor=None, token=token)
    with pytest.raises(NotFound):
        applications.application_for_token(raw)
    applications.application_for_token(raw2)  # the other token still works
    Application.objects.filter(pk=app.pk).update(is_active=False)
    with pytest.raises(NotFound):
        applications.application_for_token(raw2)


def test_grant_refuses_unknown_actions_and_levels_and_replaces_an_earlier_grant(app):
    with pytest.raises(InvalidInput):
        applications.grant(
            actor=None,
            application=app,
            case_type_code="klacht",
            actions=["delete"],
            max_confidentiality="intern",
        )
    with pytest.raises(InvalidInput):
        applications.grant(
            actor=None,
            application=app,
            case_type_code="klacht",
            actions=["read"],
            max_confidentiality="topgeheim",
        )
    applications.grant(
        actor=None, application=app, case_type_code="klacht", actions=["read"],
        max_confidentiality="intern",
    )  # fmt: skip
    applications.grant(
        actor=None, application=app, case_type_code="klacht", actions=["update", "read"],
        max_confidentiality="geheim",
    )  # fmt: skip
    assert list(app.grants.values_list("actions", "max_confidentiality")) == [
        (["read", "update"], "geheim")
    ]


def test_only_administrators_manage_applications(app, make_staff):
    handler = staff_actor(make_staff("case_handler"))
    with pytest.raises(NotAllowed):
        applications.application_create(actor=handler, name="Andere", org_unit="X")
    with pytest.raises(NotAllowed):
        applications.token_issue(actor=handler, application=app)
    admin = staff_actor(make_staff("administrator"))
    applications.token_issue(actor=admin, application=app)


def test_application_actor_names_the_application_and_its_unit(app):
    actor = applications.application_actor(app)
    assert (actor.kind, actor.unit, actor.role, actor.name) == (
        ActorKind.APPLICATION,
        "Stadsbeheer",
        "applicatie",
        "Meldingen-app",
    )


def test_issue_token_command_creates_grants_and_prints_the_token_once(db):
    out = io.StringIO()
    call_command(
        "issue_token",
        "Balie-app",
        "--unit",
        "Burgerzaken",
        "--grant",
        "klacht:read,create:zaakvertrouwelijk",
        stdout=out,
        stderr=io.StringIO(),
    )
    raw = out.getvalue().strip().splitlines()[-1]
    app, grants = applications.application_for_token(raw)
    assert app.name == "Balie-app" and app.org_unit == "Burgerzaken"
    assert grants[0].actions == {"read", "create"}


def test_issue_token_command_needs_a_unit_for_a_new_application_and_valid_grants(db):
    with pytest.raises(CommandError, match="--unit"):
        call_command("issue_token", "Nieuw", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command(
            "issue_token", "Nieuw", "--unit", "X", "--grant", "klacht:fly:intern",
            stdout=io.StringIO(),
        )  # fmt: skip
    assert not Application.objects.exists()  # nothing half-made
