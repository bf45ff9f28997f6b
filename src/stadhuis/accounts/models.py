"""People who log in: residents (by DigiD via OIDC) and staff (password + TOTP)."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stadhuis.core.roles import Role


class User(AbstractUser):
    """A login. ``kind`` says whether it belongs to a resident or to a staff member."""

    class Kind(models.TextChoices):
        RESIDENT = "resident", _("Inwoner")
        STAFF = "staff", _("Medewerker")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.STAFF)
    org_unit = models.CharField(_("afdeling"), max_length=120, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")

    @property
    def is_resident(self) -> bool:
        return self.kind == self.Kind.RESIDENT


class Resident(models.Model):
    """A resident, known everywhere by the keyed pseudonym of their BSN.

    The BSN itself is stored only encrypted (see ``privacy.crypto``) and read only
    through ``accounts.services.resident_reveal_bsn``, which logs the processing.
    """

    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="resident")
    pseudonym = models.CharField(max_length=64, unique=True)
    bsn_encrypted = models.BinaryField()
    display_name = models.CharField(_("naam"), max_length=200, blank=True)
    email = models.EmailField(_("e-mailadres"), blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    # From the BRP (via the login broker); only for age limits such as participation's.
    birth_date = models.DateField(_("geboortedatum"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("inwoner")
        verbose_name_plural = _("inwoners")

    def __str__(self) -> str:
        return self.display_name or self.pseudonym[:12]


class RoleAssignment(models.Model):
    """A staff member holds a role (in their organisation unit)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=30, choices=Role.choices)
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="role_assignment_unique")
        ]
        verbose_name = _("rol")
        verbose_name_plural = _("rollen")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


class Application(models.Model):
    """A connected (task) application that uses the API with a token, not a person.

    Modelled on the ZGW Autorisaties API: an application gets grants per case type
    (``ApplicationGrant``) and one or more tokens (``ApplicationToken``). It acts on
    behalf of ``org_unit``, which the processing log names as the acting unit.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("naam"), max_length=120, unique=True)
    org_unit = models.CharField(_("afdeling"), max_length=120)
    is_active = models.BooleanField(_("actief"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("applicatie")
        verbose_name_plural = _("applicaties")

    def __str__(self) -> str:
        return self.name


class ApplicationGrant(models.Model):
    """What an application may do with the cases of one case type (a ZGW autorisatie).

    ``actions`` is a list from ``read``, ``create``, ``update``. ``max_confidentiality``
    is the most confidential level (vertrouwelijkheidaanduiding) of case it may touch;
    the allowed values and their order live in ``accounts.applications`` as plain
    strings, since accounts sits below cases and may not import it.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="grants")
    case_type_code = models.SlugField(_("zaaktype (code)"), max_length=60)
    actions = models.JSONField(_("acties"), default=list)
    max_confidentiality = models.CharField(_("maximale vertrouwelijkheid"), max_length=20)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["application", "case_type_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "case_type_code"], name="application_grant_unique"
            )
        ]
        verbose_name = _("autorisatie")
        verbose_name_plural = _("autorisaties")

    def __str__(self) -> str:
        return f"{self.application_id}: {self.case_type_code} {','.join(self.actions)}"


class ApplicationToken(models.Model):
    """A bearer token of an application. Only its SHA-256 hash is stored.

    The token is shown once when issued; ``prefix`` (its first characters) lets staff
    recognise it in lists without being able to use it.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("begin van het token"), max_length=8)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("laatst gebruikt"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)

    class Meta:
        ordering = ["application", "-created_at"]
        verbose_name = _("token")
        verbose_name_plural = _("tokens")

    def __str__(self) -> str:
        return f"{self.prefix}…"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
