"""Connected applications: who they are, what they may do, and their bearer tokens.

Modelled on the ZGW Autorisaties API: an application holds grants per case type, each
with the actions it allows and the most confidential level of case it reaches
(``maxVertrouwelijkheidaanduiding``). Tokens are random (256 bits), shown once, and
stored only as their SHA-256 hash: a leaked database does not leak usable tokens, and
a token is found by its hash through a unique index, so checking one never compares
secret bytes one by one in Python (no timing side channel on the token).

Accounts sits below cases, so the confidentiality levels are plain strings here, in
the same order as ``cases.models.Confidentiality`` (a test keeps the two equal).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stadhuis.accounts.models import Application, ApplicationGrant, ApplicationToken
from stadhuis.core.context import Actor, ActorKind
from stadhuis.core.errors import InvalidInput, NotFound
from stadhuis.core.roles import Role, require_role

ACTIONS = ("read", "create", "update")
# ZGW vertrouwelijkheidaanduiding, from least to most confidential.
CONFIDENTIALITY_LEVELS = (
    "openbaar",
    "beperkt_openbaar",
    "intern",
    "zaakvertrouwelijk",
    "vertrouwelijk",
    "confidentieel",
    "geheim",
    "zeer_geheim",
)
TOKEN_PREFIX_LENGTH = 8
# Writing last_used_at on every call would add a write to every read; a few minutes
# of precision is enough to see whether a token is still in use.
LAST_USED_PRECISION = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class Grant:
    """What an application may do with one case type (a read-only copy of the row)."""

    case_type_code: str
    actions: frozenset[str]
    max_confidentiality: str

    def allows(self, action: str) -> bool:
        return action in self.actions

    def levels(self) -> tuple[str, ...]:
        """The confidentiality levels this grant reaches, least confidential first."""
        return confidentiality_up_to(self.max_confidentiality)


def confidentiality_up_to(level: str) -> tuple[str, ...]:
    """Every level from ``openbaar`` up to and including ``level``."""
    return CONFIDENTIALITY_LEVELS[: CONFIDENTIALITY_LEVELS.index(level) + 1]


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def application_actor(app: Application, grants: Sequence[Grant] = ()) -> Actor:
    """The actor an application acts as; the log names its unit, role and name.

    Its grants travel along as scopes, so services can check them too.
    """
    scopes = frozenset(
        f"{g.case_type_code}:{action}:{g.max_confidentiality}"
        for g in grants
        for action in g.actions
    )
    return Actor(
        kind=ActorKind.APPLICATION,
        unit=app.org_unit,
        role="applicatie",
        name=app.name,
        scopes=scopes,
    )


def _require_admin(actor: Actor | None) -> None:
    # ``actor`` is None only from the command line, where the operator has server access.
    if actor is not None:
        require_role(actor, Role.ADMINISTRATOR)


def application_create(*, actor: Actor | None, name: str, org_unit: str) -> Application:
    """Register an application that will use the API on behalf of ``org_unit``."""
    _require_admin(actor)
    name = name.strip()
    org_unit = org_unit.strip()
    if not name or not org_unit:
        raise InvalidInput(_("Geef de applicatie een naam en een afdeling."))
    if Application.objects.filter(name=name).exists():
        raise InvalidInput(_("Er is al een applicatie met deze naam."), field="name")
    return Application.objects.create(name=name, org_unit=org_unit)


def grant(
    *,
    actor: Actor | None,
    application: Application,
    case_type_code: str,
    actions: Iterable[str],
    max_confidentiality: str,
) -> ApplicationGrant:
    """Give ``application`` the ``actions`` on cases of one type, up to a confidentiality.

    Granting the same case type again replaces the earlier grant.
    """
    _require_admin(actor)
    actions = sorted(set(actions))
    unknown = [a for a in actions if a not in ACTIONS]
    if unknown or not actions:
        raise InvalidInput(
            _("Kies een of meer acties uit: %(actions)s") % {"actions": ", ".join(ACTIONS)},
            field="actions",
        )
    if max_confidentiality not in CONFIDENTIALITY_LEVELS:
        raise InvalidInput(
            _("Kies een vertrouwelijkheid uit: %(levels)s")
            % {"levels": ", ".join(CONFIDENTIALITY_LEVELS)},
            field="max_confidentiality",
        )
    code = case_type_code.strip()
    if not code:
        raise InvalidInput(_("Noem het zaaktype."), field="case_type_code")
    row, _created = ApplicationGrant.objects.update_or_create(
        application=application,
        case_type_code=code,
        defaults={"actions": actions, "max_confidentiality": max_confidentiality},
    )
    return row


def token_issue(*, actor: Actor | None, application: Application) -> tuple[ApplicationToken, str]:
    """A new token for ``application``: the row, and the token itself, shown only now."""
    _require_admin(actor)
    if not application.is_active:
        raise InvalidInput(_("Deze applicatie is niet actief."))
    raw = secrets.token_urlsafe(32)
    token = ApplicationToken.objects.create(
        application=application, token_hash=hash_token(raw), prefix=raw[:TOKEN_PREFIX_LENGTH]
    )
    return token, raw


def token_revoke(*, actor: Actor | None, token: ApplicationToken) -> ApplicationToken:
    """Stop a token from working, at once. Revoking twice keeps the first moment."""
    _require_admin(actor)
    with transaction.atomic():
        ApplicationToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        token.refresh_from_db(fields=["revoked_at"])
    return token


def application_for_token(raw: str) -> tuple[Application, list[Grant]]:
    """The active application behind a raw bearer token, and its grants.

    Raises ``NotFound`` for an unknown, revoked or malformed token, or an inactive
    application, all alike. Two queries: the token with its application, the grants.
    """
    if not raw or len(raw) > 256 or not raw.isascii():
        raise NotFound()
    digest = hash_token(raw)
    token = (
        ApplicationToken.objects.select_related("application")
        .filter(token_hash=digest, revoked_at__isnull=True, application__is_active=True)
        .first()
    )
    # The index found the row by hash; comparing again in constant time costs nothing
    # and keeps the check right even if the lookup were ever made case-insensitive.
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        raise NotFound()
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApplicationToken.objects.filter(pk=token.pk).update(last_used_at=now)
    grants = [
        Grant(
            case_type_code=row.case_type_code,
            actions=frozenset(row.actions),
            max_confidentiality=row.max_confidentiality,
        )
        for row in ApplicationGrant.objects.filter(application_id=token.application_id)
        if row.max_confidentiality in CONFIDENTIALITY_LEVELS  # a bad row grants nothing
    ]
    return token.application, grants
