"""The privacy spine: processing register (GDPR art. 30), DPIAs and the processing log.

The register is versioned: a log entry points at the exact version of the activity
that was in force, so the purpose and legal basis a resident reads in the dossier
are the ones that applied at the time. The log itself is append-only (ORM, and a
database trigger installed by migration) and tamper-evident (see ``chain.py``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stadhuis.core.append_only import AppendOnly, NoCascadeQuerySet


class LegalBasis(models.TextChoices):
    CONSENT = "consent", _("Toestemming (AVG art. 6 lid 1 a)")
    CONTRACT = "contract", _("Uitvoering van een overeenkomst (AVG art. 6 lid 1 b)")
    LEGAL_OBLIGATION = "legal_obligation", _("Wettelijke verplichting (AVG art. 6 lid 1 c)")
    VITAL_INTERESTS = "vital_interests", _("Vitaal belang (AVG art. 6 lid 1 d)")
    PUBLIC_TASK = (
        "public_task",
        _("Taak van algemeen belang of openbaar gezag (AVG art. 6 lid 1 e)"),
    )
    LEGITIMATE_INTERESTS = "legitimate_interests", _("Gerechtvaardigd belang (AVG art. 6 lid 1 f)")


class AgreementStatus(models.TextChoices):
    NONE = "none", _("Geen verwerkersovereenkomst")
    DRAFT = "draft", _("In voorbereiding")
    SIGNED = "signed", _("Getekend")
    TERMINATED = "terminated", _("Beëindigd")


class Processor(models.Model):
    """A party that processes personal data on the city's behalf (verwerker, AVG art. 28)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("naam"), max_length=200, unique=True)
    service = models.CharField(_("dienst"), max_length=300)
    country = models.CharField(_("land van verwerking"), max_length=100, default="Nederland")
    agreement_status = models.CharField(
        _("status verwerkersovereenkomst"),
        max_length=20,
        choices=AgreementStatus.choices,
        default=AgreementStatus.NONE,
    )
    agreement_signed_on = models.DateField(_("getekend op"), null=True, blank=True)
    agreement_expires_on = models.DateField(_("verloopt op"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("verwerker")
        verbose_name_plural = _("verwerkers")

    def __str__(self) -> str:
        return self.name

    def agreement_valid(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.agreement_status == AgreementStatus.SIGNED and (
            self.agreement_expires_on is None or self.agreement_expires_on >= on
        )


class ProcessingActivity(models.Model):
    """A registered processing activity: its stable identity. The content lives in versions.

    Services name an activity by ``code``; a processing naming no active activity is
    refused (``privacy.services.record_processing``).
    """

    code = models.SlugField(_("code"), max_length=80, unique=True)
    is_active = models.BooleanField(_("actief"), default=True)
    current_version = models.ForeignKey(
        "ProcessingActivityVersion",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("huidige versie"),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("verwerkingsactiviteit")
        verbose_name_plural = _("verwerkingsactiviteiten")

    def __str__(self) -> str:
        return self.code


class DPIAStatus(models.TextChoices):
    NOT_REQUIRED = "not_required", _("Niet nodig")
    MISSING = "missing", _("Nog niet gestart")
    DRAFT = "draft", _("Concept")
    APPROVED = "approved", _("Goedgekeurd")
    REJECTED = "rejected", _("Afgewezen")


class ProcessingActivityVersion(models.Model):
    """One version of a processing activity's register entry; never changed once written."""

    activity = models.ForeignKey(
        ProcessingActivity, on_delete=models.PROTECT, related_name="versions"
    )
    version = models.PositiveIntegerField(_("versie"))
    name = models.CharField(_("naam"), max_length=200)
    purpose = models.TextField(_("doel"))
    legal_basis = models.CharField(_("grondslag"), max_length=30, choices=LegalBasis.choices)
    legal_basis_detail = models.CharField(
        _("wettelijke bepaling"),
        max_length=300,
        blank=True,
        help_text=_("Bijvoorbeeld: Algemene wet bestuursrecht, hoofdstuk 9."),
    )
    controller_unit = models.CharField(_("verantwoordelijke afdeling"), max_length=200)
    data_subject_categories = models.JSONField(_("categorieën betrokkenen"), default=list)
    personal_data_categories = models.JSONField(_("categorieën persoonsgegevens"), default=list)
    special_categories = models.BooleanField(_("bijzondere persoonsgegevens"), default=False)
    recipients = models.JSONField(_("ontvangers"), default=list, blank=True)
    processors = models.ManyToManyField(Processor, blank=True, verbose_name=_("verwerkers"))
    retention_days = models.PositiveIntegerField(_("bewaartermijn (dagen)"), null=True, blank=True)
    retention_description = models.CharField(_("bewaartermijn"), max_length=300)
    security_measures = models.TextField(_("beveiligingsmaatregelen"))
    dpia_required = models.BooleanField(_("DPIA nodig"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["activity__code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "version"], name="activity_version_unique")
        ]
        verbose_name = _("versie van verwerkingsactiviteit")
        verbose_name_plural = _("versies van verwerkingsactiviteiten")

    def __str__(self) -> str:
        return f"{self.activity.code} v{self.version}"


class DPIA(models.Model):
    """A data protection impact assessment, in the parts of the Rijksmodel DPIA.

    Only an approved DPIA opens the gate for linking or publishing personal data under
    its activity (``privacy.services.require_approved_dpia``).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Concept")
        APPROVED = "approved", _("Goedgekeurd")
        REJECTED = "rejected", _("Afgewezen")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    activity = models.ForeignKey(ProcessingActivity, on_delete=models.PROTECT, related_name="dpias")
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("A. beschrijving van de verwerking"))
    lawfulness = models.TextField(_("B. rechtmatigheid"))
    risks = models.TextField(_("C. risico's voor betrokkenen"))
    measures = models.TextField(_("D. maatregelen"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("toelichting besluit"), blank=True)
    review_before = models.DateField(_("opnieuw beoordelen voor"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("DPIA")
        verbose_name_plural = _("DPIA's")

    def __str__(self) -> str:
        return self.title


class Action(models.TextChoices):
    READ = "read", _("bekeken")
    CREATE = "create", _("vastgelegd")
    UPDATE = "update", _("gewijzigd")
    DELETE = "delete", _("verwijderd")
    EXPORT = "export", _("geëxporteerd")
    SHARE = "share", _("gedeeld")


class Outcome(models.TextChoices):
    SUCCESS = "success", _("gelukt")
    DENIED = "denied", _("geweigerd")
    FAILED = "failed", _("mislukt")


class ProcessingAudit(AppendOnly):
    """Which staff member performed a processing: kept apart from the log entry itself.

    The Logboek Dataverwerkingen standard keeps the individual employee out of the
    log the data subject reads; the city can still answer "who exactly" from here.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assisted_resident = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    trace_id = models.CharField(max_length=32)
    span_id = models.CharField(max_length=16)

    objects = NoCascadeQuerySet.as_manager()

    class Meta:
        verbose_name = _("auditregel")
        verbose_name_plural = _("auditregels")

    def __str__(self) -> str:
        return f"audit {self.pk} ({self.trace_id})"


class ProcessingLogEntry(AppendOnly):
    """One processing of one data subject's personal data (Logboek Dataverwerkingen).

    Written only by ``privacy.services.record_processing``, in the same transaction as
    the processing itself. ``entry_hash`` is an HMAC over the entry's fields; blocks
    (``LogBlock``) chain the entries so removal and out-of-order insertion show.
    """

    occurred_at = models.DateTimeField()
    trace_id = models.CharField(max_length=32)
    span_id = models.CharField(max_length=16)
    parent_span_id = models.CharField(max_length=16, blank=True)
    subject = models.CharField(max_length=64)
    # No foreign-key constraints in the database for these two (the ORM still
    # protects): checking one locks the parent row, and every writer of an activity
    # locks the same version row, which made concurrent writers queue (architecture.md,
    # "The processing log without foreign-key constraints"). The INSERT itself checks
    # that the version is the activity's active one; versions cannot be deleted
    # (trigger, privacy migration 0004); the audit row is written in the same
    # transaction and the audit table is append-only.
    activity_version = models.ForeignKey(
        ProcessingActivityVersion, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    actor_kind = models.CharField(max_length=12)
    actor_unit = models.CharField(max_length=120, blank=True)
    actor_role = models.CharField(max_length=60, blank=True)
    audit = models.ForeignKey(
        ProcessingAudit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        db_constraint=False,
    )
    entry_hash = models.CharField(max_length=64)

    objects = NoCascadeQuerySet.as_manager()

    class Meta:
        verbose_name = _("verwerkingslogregel")
        verbose_name_plural = _("verwerkingslog")
        indexes = [
            models.Index(fields=["subject", "-id"], name="log_subject_newest"),
            models.Index(fields=["trace_id"], name="log_trace"),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.action} {self.object_type} {self.occurred_at:%Y-%m-%d %H:%M}"


class LogBlock(AppendOnly):
    """A sealed run of log entries, chained to the block before it.

    ``missing_ids`` lists the ids in ``[first_id, last_id]`` that did not exist when the
    block was sealed (sequence gaps from rolled-back transactions), so that
    ``verify-log`` can name an entry removed later, and one inserted afterwards.
    """

    number = models.PositiveBigIntegerField(primary_key=True)
    first_id = models.BigIntegerField()
    last_id = models.BigIntegerField()
    entry_count = models.PositiveIntegerField()
    missing_ids = models.JSONField(default=list, blank=True)
    previous_hash = models.CharField(max_length=64)
    block_hash = models.CharField(max_length=64)
    sealed_at = models.DateTimeField(default=timezone.now)

    objects = NoCascadeQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("logblok")
        verbose_name_plural = _("logblokken")

    def __str__(self) -> str:
        return f"block {self.number} ({self.first_id}-{self.last_id})"


class Consent(models.Model):
    """A resident's consent for an optional processing (AVG art. 6 lid 1 a, art. 7).

    One row per giving; withdrawing sets ``withdrawn_at`` on the open row, so the
    history of giving and withdrawing stays visible. At most one open consent per
    resident and activity (a partial unique constraint). Services that process under
    consent call ``privacy.services.require_consent`` first: a withdrawal takes effect
    at the very next processing.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subject = models.CharField(max_length=64)
    activity = models.ForeignKey(ProcessingActivity, on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("toestemming")
        verbose_name_plural = _("toestemmingen")
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "activity"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="consent_one_open",
            )
        ]
        indexes = [models.Index(fields=["subject", "activity"], name="consent_subject")]

    def __str__(self) -> str:
        state = "withdrawn" if self.withdrawn_at else "given"
        return f"consent {self.activity_id} {state}"
