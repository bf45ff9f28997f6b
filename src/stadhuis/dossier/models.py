"""The dossier composes what the apps hold; it stores only assisted-service sessions."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AssistedSession(models.Model):
    """A staff member helps a resident at the desk or on the phone (assisted service).

    Opened only after the resident's consent and the reason are recorded; while it is
    open the staff member acts *for* the resident, and every processing is logged with
    both (the entry as the resident's, the audit record with the staff member). It ends
    when the staff member closes it, or by itself after ``ends_at``.
    """

    class Channel(models.TextChoices):
        DESK = "desk", _("aan de balie")
        PHONE = "phone", _("aan de telefoon")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    staff_unit = models.CharField(max_length=120)
    subject = models.CharField(max_length=64, db_index=True)
    channel = models.CharField(_("hoe"), max_length=10, choices=Channel.choices)
    reason = models.TextField(_("reden"))
    consent_recorded = models.BooleanField(default=False)
    started_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("hulp aan een inwoner")
        verbose_name_plural = _("hulp aan inwoners")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(consent_recorded=True), name="assisted_needs_consent"
            )
        ]

    def __str__(self) -> str:
        return f"assisted {self.public_id}"

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.closed_at is None and now < self.ends_at
