"""Every write about people who log in, and the actor each of them acts as."""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from stadhuis.accounts import activities
from stadhuis.accounts.bsn import validate_bsn
from stadhuis.accounts.models import Resident, RoleAssignment, User
from stadhuis.core.context import Actor, ActorKind
from stadhuis.core.errors import InvalidInput, NotAllowed
from stadhuis.core.roles import Role, require_role
from stadhuis.privacy.crypto import _decrypt_bsn, encrypt_bsn, pseudonym_for_bsn
from stadhuis.privacy.models import Action
from stadhuis.privacy.services import record_processing


def resident_actor(resident: Resident, *, assisted_by: int | None = None) -> Actor:
    return Actor(
        kind=ActorKind.RESIDENT,
        unit="inwoner",
        role="zelf",
        subject=resident.pseudonym,
        assisted_by=assisted_by,
    )


def staff_actor(user: User, role: str | None = None) -> Actor:
    """The actor for a staff member; ``role`` is the role they act in (default: their first)."""
    roles = frozenset(user.role_assignments.values_list("role", flat=True))
    if role is not None and role not in roles:
        raise NotAllowed(_("U heeft deze rol niet."))
    acting = role or (sorted(roles)[0] if roles else "")
    return Actor(
        kind=ActorKind.STAFF, unit=user.org_unit, role=acting, user_id=user.pk, roles=roles
    )


def actor_for_user(user: User) -> Actor | None:
    if not user.is_authenticated:
        return None
    if user.kind == User.Kind.RESIDENT:
        return resident_actor(user.resident)
    return staff_actor(user)


def resident_login(
    *,
    bsn: str,
    display_name: str = "",
    helper: Actor | None = None,
    postcode: str | None = None,
    birth_date: dt.date | None = None,
) -> User:
    """Find or create the resident with this BSN at login, and log the processing.

    ``postcode`` and ``birth_date`` are what the BRP says, passed on by the login broker
    (see ``accounts.brp``): given, they replace what was stored (a postcode ``""``: the
    resident has none now); ``None`` leaves it (a login without the broker, e.g. at the
    desk).

    With ``helper`` (a staff member at the desk who checked the resident's ID), the
    account is found or made for assisted service: logged as done for the resident,
    with the staff member in the audit record. Raises ``InvalidInput`` with a clear
    Dutch message for an invalid BSN.
    """
    try:
        bsn = validate_bsn(bsn)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], field="bsn") from exc
    pseudonym = pseudonym_for_bsn(bsn)
    with transaction.atomic():
        resident = Resident.objects.select_related("user").filter(pseudonym=pseudonym).first()
        created = resident is None
        if created:
            try:
                with transaction.atomic():
                    user = User(username=f"r-{pseudonym[:24]}", kind=User.Kind.RESIDENT)
                    user.set_unusable_password()
                    user.save()
                    resident = Resident.objects.create(
                        user=user,
                        pseudonym=pseudonym,
                        bsn_encrypted=encrypt_bsn(bsn),
                        display_name=display_name,
                    )
            except IntegrityError:  # a simultaneous first login won the race
                created = False
                resident = Resident.objects.select_related("user").get(pseudonym=pseudonym)
        facts = {"postcode": postcode, "birth_date": birth_date}
        changed = {k: v for k, v in facts.items() if v is not None and getattr(resident, k) != v}
        if changed:
            Resident.objects.filter(pk=resident.pk).update(**changed)
            for name, value in changed.items():
                setattr(resident, name, value)
        actor = resident_actor(resident)
        if helper is not None:
            require_role(helper, Role.CASE_HANDLER, Role.PRIVACY_OFFICER)
            actor = Actor(
                kind=ActorKind.RESIDENT,
                unit=helper.unit,
                role="hulp",
                subject=resident.pseudonym,
                assisted_by=helper.user_id,
            )
        record_processing(
            actor=actor,
            activity=activities.LOGIN,
            # new BRP facts stored: an update the resident sees as such in their log
            action=Action.CREATE if created else (Action.UPDATE if changed else Action.READ),
            subjects=[pseudonym],
            object_type="inwoner",
            object_id=str(resident.user.public_id),
        )
    return resident.user


def _activity_covers_bsn(activity: str) -> bool:
    """The activity's current register entry names the BSN among its personal data."""
    from stadhuis.privacy.models import ProcessingActivity

    categories = (
        ProcessingActivity.objects.filter(code=activity, is_active=True)
        .values_list("current_version__personal_data_categories", flat=True)
        .first()
    )
    return any("burgerservicenummer" in str(c).lower() or c == "BSN" for c in categories or [])


def resident_reveal_bsn(*, actor: Actor, resident: Resident, activity: str) -> str:
    """The one way to read a stored BSN: names a processing activity whose register entry
    includes the BSN, and logs the read. Residents read only their own; staff need a role;
    jobs and applications never decrypt a BSN here."""
    if actor.kind == ActorKind.RESIDENT:
        if actor.subject != resident.pseudonym:
            raise NotAllowed()
    elif actor.kind != ActorKind.STAFF or not actor.roles:
        raise NotAllowed(_("Alleen medewerkers met een rol mogen een BSN inzien."))
    if not _activity_covers_bsn(activity):
        raise NotAllowed(
            _("Voor verwerkingsactiviteit %(code)s staat het BSN niet in het register.")
            % {"code": activity}
        )
    with transaction.atomic():
        record_processing(
            actor=actor,
            activity=activity,
            action=Action.READ,
            subjects=[resident.pseudonym],
            object_type="bsn",
            object_id=str(resident.user.public_id),
        )
        return _decrypt_bsn(resident.bsn_encrypted)


def staff_create(
    *,
    actor: Actor | None,
    username: str,
    password: str,
    roles: list[str],
    org_unit: str,
    email: str = "",
    full_name: str = "",
    totp_key: str | None = None,
) -> tuple[User, TOTPDevice]:
    """Create a staff member with a confirmed TOTP device.

    ``actor`` is None only from the command line (``stadhuis createstaff``), where the
    operator already has server access; otherwise an administrator must do this.
    """
    if actor is not None:
        require_role(actor, Role.ADMINISTRATOR)
    unknown = [role for role in roles if role not in Role.values]
    if unknown or not roles:
        raise InvalidInput(
            _("Kies een of meer rollen uit: %(roles)s") % {"roles": ", ".join(Role.values)}
        )
    if User.objects.filter(username=username).exists():
        raise InvalidInput(_("Deze gebruikersnaam bestaat al."))
    first, _sep, last = full_name.partition(" ")
    user = User(
        username=username,
        kind=User.Kind.STAFF,
        org_unit=org_unit,
        email=email,
        first_name=first,
        last_name=last,
        is_staff=Role.ADMINISTRATOR in roles,
        is_superuser=False,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages)) from exc
    user.set_password(password)
    with transaction.atomic():
        user.save()
        RoleAssignment.objects.bulk_create(RoleAssignment(user=user, role=role) for role in roles)
        device = TOTPDevice.objects.create(
            user=user,
            name="authenticator",
            confirmed=True,
            key=totp_key or secrets.token_hex(20),
        )
    return user, device
