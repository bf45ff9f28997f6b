"""Track & trace: case types (a catalogue, ZGW Catalogi style) and cases (ZGW Zaken style).

A case type is versioned: publishing freezes a version and puts it in use, and changing
a published type writes a new draft version (the published one stays in use until the
draft is published), so every case keeps the exact rules it was opened under.
Cases carry an optimistic-lock ``version``; every change is appended to ``CaseEvent``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stadhuis.cases.terms import TermUnit


class Confidentiality(models.TextChoices):
    """ZGW vertrouwelijkheidaanduiding, from least to most confidential."""

    PUBLIC = "openbaar", _("openbaar")
    LIMITED_PUBLIC = "beperkt_openbaar", _("beperkt openbaar")
    INTERNAL = "intern", _("intern")
    CASE_CONFIDENTIAL = "zaakvertrouwelijk", _("zaakvertrouwelijk")
    CONFIDENTIAL = "vertrouwelijk", _("vertrouwelijk")
    SECRET = "confidentieel", _("confidentieel")
    TOP_SECRET = "geheim", _("geheim")
    VERY_SECRET = "zeer_geheim", _("zeer geheim")

    @classmethod
    def rank(cls, value: str) -> int:
        return list(cls.values).index(value)


class CaseKind(models.TextChoices):
    """What procedure a case type follows beyond its statuses."""

    REQUEST = "request", _("aanvraag")
    REPORT = "report", _("melding")
    COMPLAINT = "complaint", _("klacht")
    OBJECTION = "objection", _("bezwaar")
    ACCESS_REQUEST = "access_request", _("inzageverzoek (AVG art. 15)")
    CORRECTION_REQUEST = "correction_request", _("correctieverzoek (AVG art. 16)")
    ERASURE_REQUEST = "erasure_request", _("verwijderverzoek (AVG art. 17)")
    PROCESSING_OBJECTION = "processing_objection", _("bezwaar tegen verwerking (AVG art. 21)")


class CaseType(models.Model):
    """One version of a kind of case the city handles (zaaktype).

    Per code at most one version is in use (``is_current``, always a published one) and
    at most one is a draft (unpublished); older published versions stay for the cases
    opened under them.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.SlugField(_("code"), max_length=60)
    version = models.PositiveIntegerField(_("versie"), default=1)
    published_at = models.DateTimeField(_("gepubliceerd op"), null=True, blank=True)
    # The version in use: residents and applications open cases of this code under it.
    # Only publishing sets it (on the newest published version, off the one before), so
    # a draft never is, and the version in use stays while a newer one is a draft.
    is_current = models.BooleanField(
        _("in gebruik"),
        default=False,
        help_text=_(
            "De gepubliceerde versie waarmee inwoners en applicaties nu zaken indienen. "
            "Een conceptversie komt pas in gebruik als u die publiceert."
        ),
    )
    kind = models.CharField(_("soort"), max_length=20, choices=CaseKind.choices)
    name = models.CharField(_("naam"), max_length=200)
    explanation = models.TextField(_("uitleg voor inwoners (B1)"))
    processing_activity = models.SlugField(_("verwerkingsactiviteit"), max_length=80)
    confidentiality = models.CharField(
        _("vertrouwelijkheid"),
        max_length=20,
        choices=Confidentiality.choices,
        default=Confidentiality.CASE_CONFIDENTIAL,
    )
    department = models.CharField(_("afdeling"), max_length=120)
    term_amount = models.PositiveIntegerField(_("termijn"))
    term_unit = models.CharField(_("eenheid"), max_length=15, choices=TermUnit.choices)
    term_is_statutory = models.BooleanField(_("wettelijke termijn"), default=True)
    can_suspend = models.BooleanField(_("kan worden opgeschort"), default=False)
    can_extend = models.BooleanField(_("kan worden verlengd"), default=False)
    extension_amount = models.PositiveIntegerField(_("verlenging"), default=0)
    extension_unit = models.CharField(
        _("eenheid verlenging"), max_length=15, choices=TermUnit.choices, blank=True
    )
    anonymous_allowed = models.BooleanField(_("anoniem indienen mag"), default=False)
    questions = models.JSONField(_("vragen op het formulier"), default=list, blank=True)
    # Some cases are opened by another part of the platform, with more than the general
    # form holds (a neighbourhood-fund application with its neighbours' signatures):
    # residents start them there, and the general form and the API refuse them.
    start_url = models.CharField(
        _("aanvragen via"),
        max_length=200,
        blank=True,
        help_text=_("Leeg: met het algemene formulier. Anders de pagina waar inwoners beginnen."),
        validators=[
            RegexValidator(r"^/(?![/\\])\S*$", _("Een pad op deze website, zoals /meedoen."))
        ],
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="casetype_code_version"),
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(is_current=True), name="casetype_one_current"
            ),
        ]
        verbose_name = _("zaaktype")
        verbose_name_plural = _("zaaktypen")

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class StatusType(models.Model):
    """A step of a case type; ``next_statuses`` are the transitions the type allows."""

    case_type = models.ForeignKey(CaseType, on_delete=models.CASCADE, related_name="statuses")
    order = models.PositiveIntegerField(_("volgorde"))
    code = models.SlugField(max_length=40)
    name = models.CharField(_("naam"), max_length=120)
    resident_text = models.TextField(_("tekst voor de inwoner (B1)"))
    notify_resident = models.BooleanField(_("inwoner krijgt bericht"), default=False)
    is_final = models.BooleanField(_("eindstatus"), default=False)
    next_statuses = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="previous_statuses"
    )

    class Meta:
        ordering = ["case_type", "order"]
        constraints = [
            models.UniqueConstraint(fields=["case_type", "code"], name="statustype_code"),
        ]
        verbose_name = _("statustype")
        verbose_name_plural = _("statustypen")

    def __str__(self) -> str:
        return self.name


class ResultType(models.Model):
    """A possible outcome of a case type."""

    case_type = models.ForeignKey(CaseType, on_delete=models.CASCADE, related_name="results")
    code = models.SlugField(max_length=40)
    name = models.CharField(_("naam"), max_length=120)
    resident_text = models.TextField(_("tekst voor de inwoner (B1)"))
    # Fail closed: a new result of an access request means "answered" unless marked.
    closes_without_answer = models.BooleanField(
        _("sluit af zonder antwoord"),
        default=False,
        help_text=_(
            "Alleen voor inzageverzoeken: dit resultaat (zoals geweigerd of ingetrokken) "
            "sluit het verzoek af zonder de gegevens, met een toelichting voor de inwoner. "
            "Elk ander resultaat kan alleen samen met het antwoord uit het dossier."
        ),
    )

    class Meta:
        ordering = ["case_type", "name"]
        constraints = [
            models.UniqueConstraint(fields=["case_type", "code"], name="resulttype_code"),
        ]
        verbose_name = _("resultaattype")
        verbose_name_plural = _("resultaattypen")

    def __str__(self) -> str:
        return self.name

    @property
    def needs_answer(self) -> bool:
        """An access request (AVG art. 15) closed with this result must carry its answer:
        ``cases.services.case_set_status`` refuses it without one."""
        return self.case_type.kind == CaseKind.ACCESS_REQUEST and not self.closes_without_answer


class Case(models.Model):
    """A request, report, complaint, objection or data-subject request of a resident."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("kenmerk"), max_length=24, unique=True)
    case_type = models.ForeignKey(CaseType, on_delete=models.PROTECT, related_name="cases")
    subject = models.CharField(max_length=64, blank=True, db_index=True)
    contact_email = models.EmailField(_("e-mailadres"), blank=True)
    contact_postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    description = models.TextField(_("omschrijving"))
    answers = models.JSONField(_("antwoorden"), default=dict, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    address = models.CharField(_("adres"), max_length=200, blank=True)
    status = models.ForeignKey(StatusType, on_delete=models.PROTECT, related_name="+")
    status_since = models.DateTimeField()
    received_on = models.DateField()
    deadline = models.DateField(db_index=True)
    suspended_since = models.DateField(null=True, blank=True)
    suspended_days = models.PositiveIntegerField(default=0)
    extended = models.BooleanField(default=False)
    department = models.CharField(max_length=120)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        db_index=False,  # the case_queue_mine index starts with assignee
    )
    result = models.ForeignKey(
        ResultType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    confidentiality = models.CharField(max_length=20, choices=Confidentiality.choices)
    escalated = models.BooleanField(default=False)
    # Set when the retention period passed and the personal data was removed; the
    # case itself stays (without the resident) for the public figures.
    anonymised_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["department", "closed_at", "deadline"], name="case_queue"),
            models.Index(fields=["assignee", "closed_at", "deadline"], name="case_queue_mine"),
            models.Index(fields=["subject", "-created_at"], name="case_subject_newest"),
            # The API list (newest first, filtered by type and open/closed) walks this
            # index and stops after one page instead of sorting every case of the type.
            models.Index(fields=["-created_at", "-id"], name="case_newest"),
            # The retention job looks only at closed cases that still hold personal data.
            models.Index(
                fields=["closed_at"],
                name="case_retention_due",
                condition=models.Q(closed_at__isnull=False, anonymised_at__isnull=True),
            ),
        ]
        verbose_name = _("zaak")
        verbose_name_plural = _("zaken")

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class CaseStatus(models.Model):
    """A status a case reached: the resident's timeline (append-only)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="statuses")
    status_type = models.ForeignKey(StatusType, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)
    explanation = models.TextField(_("toelichting voor de inwoner"), blank=True)

    class Meta:
        ordering = ["case", "set_at", "id"]
        verbose_name = _("status")
        verbose_name_plural = _("statussen")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.status_type_id}"


class CaseEvent(models.Model):
    """Everything that happened to a case, in order; never changed or removed."""

    class Kind(models.TextChoices):
        CREATED = "created", _("ingediend")
        STATUS = "status", _("status gewijzigd")
        ASSIGNED = "assigned", _("toegewezen")
        SUSPENDED = "suspended", _("opgeschort")
        RESUMED = "resumed", _("hervat")
        EXTENDED = "extended", _("verlengd")
        MESSAGE = "message", _("bericht")
        NOTE = "note", _("interne notitie")
        DOCUMENT = "document", _("document toegevoegd")
        WITHDRAWN = "withdrawn", _("ingetrokken")
        FEEDBACK = "feedback", _("reactie op afhandeling")
        REOPENED = "reopened", _("heropend")
        ESCALATED = "escalated", _("naar de ombudsman")
        OMBUDSMAN = "ombudsman", _("oordeel ombudsman")
        RESPONSE = "response", _("reactie gemeente op ombudsman")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    actor_kind = models.CharField(max_length=12)
    actor_role = models.CharField(max_length=60, blank=True)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    visible_to_resident = models.BooleanField(default=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["case", "at", "id"]
        verbose_name = _("gebeurtenis")
        verbose_name_plural = _("gebeurtenissen")

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("case history is append-only")
        super().save(*args, **kwargs)


class CaseMessage(models.Model):
    """A message between the handler and the resident (not an internal note)."""

    class Direction(models.TextChoices):
        TO_RESIDENT = "to_resident", _("aan inwoner")
        FROM_RESIDENT = "from_resident", _("van inwoner")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=15, choices=Direction.choices)
    body = models.TextField(_("bericht"))
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "at", "id"]
        verbose_name = _("bericht")
        verbose_name_plural = _("berichten")

    def __str__(self) -> str:
        return f"{self.case_id} {self.direction}"


class InternalNote(models.Model):
    """A note among staff; never shown to the resident."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("notitie"))
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "at", "id"]
        verbose_name = _("interne notitie")
        verbose_name_plural = _("interne notities")

    def __str__(self) -> str:
        return f"{self.case_id} note"


class CaseDocument(models.Model):
    """An attachment. Served only as a download, never inline."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to="cases/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    location_removed = models.BooleanField(default=False)
    uploaded_by = models.CharField(max_length=12)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "at", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documenten")

    def __str__(self) -> str:
        return self.original_name


class Feedback(models.Model):
    """The resident's verdict on a closed case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="feedback")
    satisfied = models.BooleanField()
    text = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "at"]
        verbose_name = _("reactie")
        verbose_name_plural = _("reacties")

    def __str__(self) -> str:
        return f"{self.case_id} {'tevreden' if self.satisfied else 'ontevreden'}"


class Escalation(models.Model):
    """A complaint taken to the local ombudsman, with findings and the city's response."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="escalation")
    reason = models.TextField(_("waarom naar de ombudsman"))
    grounds = models.CharField(max_length=20)  # "unhappy" or "overdue"
    escalated_at = models.DateTimeField(default=timezone.now)
    findings = models.TextField(_("bevindingen"), blank=True)
    recommendation = models.TextField(_("aanbeveling"), blank=True)
    judged_at = models.DateTimeField(null=True, blank=True)
    city_response = models.TextField(_("reactie van de gemeente"), blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-escalated_at"]
        verbose_name = _("ombudsmanzaak")
        verbose_name_plural = _("ombudsmanzaken")

    def __str__(self) -> str:
        return f"ombudsman {self.case_id}"


class Notification(models.Model):
    """An e-mail to send (outbox): written in the case's transaction, sent by the worker.

    ``key`` is unique per event, so the same notification is never queued twice; the
    worker marks it sent only after the mail server accepted it, and retries with
    back-off when it did not, so nothing is lost while the server is down.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("wacht")
        SENT = "sent", _("verstuurd")
        FAILED = "failed", _("mislukt")

    key = models.CharField(max_length=120, unique=True)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notifications")
    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="notification_due")]
        verbose_name = _("e-mailbericht")
        verbose_name_plural = _("e-mailberichten")

    def __str__(self) -> str:
        return self.key


class LookupAttempt(models.Model):
    """A failed anonymous track & trace look-up, for rate limiting (kept one day)."""

    client = models.CharField(max_length=64, db_index=True)  # hashed address
    at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.client[:8]} {self.at}"
