"""Participation: processes with phases, ideas, consultations, a citizens' budget,
neighbourhood funds and right to challenge.

Residents appear only as the keyed pseudonym of their BSN (``subject``), never as a
foreign key to an account. Ballots are kept apart from the voter roll with no link
between them (see ``Ballot`` and docs/architecture.md, "Participation").
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stadhuis.core.append_only import AppendOnly, AppendOnlyQuerySet


class Neighbourhood(models.Model):
    """A neighbourhood (buurt) of the city, in a district (wijk)."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("naam"), max_length=120)
    district = models.CharField(_("wijk"), max_length=120)

    class Meta:
        ordering = ["district", "name"]
        verbose_name = _("buurt")
        verbose_name_plural = _("buurten")

    def __str__(self) -> str:
        return self.name


class PostcodeArea(models.Model):
    """A range of postcodes (``1011AA``-``1011ZZ``) that lies in one neighbourhood.

    Eligibility "living in the area" maps the resident's postcode (from the BRP, held
    by accounts) onto a neighbourhood with these ranges; no address is stored here.
    """

    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.CASCADE, related_name="postcode_areas"
    )
    postcode_from = models.CharField(_("vanaf postcode"), max_length=6)
    postcode_to = models.CharField(_("tot en met postcode"), max_length=6)

    class Meta:
        ordering = ["postcode_from"]
        indexes = [models.Index(fields=["postcode_from", "postcode_to"], name="postcode_range")]
        verbose_name = _("postcodegebied")
        verbose_name_plural = _("postcodegebieden")

    def __str__(self) -> str:
        return f"{self.postcode_from}-{self.postcode_to}"


class ProcessKind(models.TextChoices):
    CROWDSOURCING = "crowdsourcing", _("ideeën verzamelen")
    CONSULTATION = "consultation", _("raadpleging")
    BUDGET = "budget", _("burgerbegroting")
    FUND = "fund", _("wijkfonds")
    CHALLENGE = "challenge", _("right to challenge")


class Scope(models.TextChoices):
    CITY = "city", _("hele stad")
    DISTRICTS = "districts", _("wijken")
    NEIGHBOURHOODS = "neighbourhoods", _("buurten")


class BallotType(models.TextChoices):
    APPROVAL = "approval", _("instemmen met projecten")
    KNAPSACK = "knapsack", _("projecten kiezen binnen het budget")
    CUMULATIVE = "cumulative", _("punten verdelen")
    CHOOSE_ONE = "choose_one", _("één project kiezen")


class Process(models.Model):
    """A participation process: a question the city asks, with phases and rules of who joins."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("soort"), max_length=20, choices=ProcessKind.choices)
    title = models.CharField(_("titel"), max_length=200)
    question = models.TextField(_("vraag van de gemeente (B1)"))
    description = models.TextField(_("uitleg"), blank=True)
    criteria = models.TextField(_("criteria waarop de gemeente beoordeelt"), blank=True)
    scope = models.CharField(_("gebied"), max_length=20, choices=Scope.choices, default=Scope.CITY)
    neighbourhoods = models.ManyToManyField(
        Neighbourhood, blank=True, related_name="processes", verbose_name=_("buurten")
    )
    min_age = models.PositiveSmallIntegerField(_("minimumleeftijd"), default=0)
    must_live_in_area = models.BooleanField(_("alleen voor bewoners van het gebied"), default=True)
    budget = models.PositiveBigIntegerField(_("budget (euro)"), default=0)
    ballot_type = models.CharField(
        _("soort stembiljet"), max_length=20, choices=BallotType.choices, blank=True
    )
    ballot_min = models.PositiveSmallIntegerField(_("minimaal aantal projecten"), default=0)
    ballot_max = models.PositiveSmallIntegerField(_("maximaal aantal projecten"), default=0)
    ballot_points = models.PositiveSmallIntegerField(_("te verdelen punten"), default=0)
    counting_rule = models.CharField(_("telregel"), max_length=30, blank=True)
    # Amsterdam's rule: after greedy, the money left pays part of the best-placed project
    # that did not fit (Pabulib ``leftover_budget``); only the greedy rules read it.
    leftover_partial = models.BooleanField(
        _("geld dat overblijft betaalt een deel van het volgende project"), default=False
    )
    is_published = models.BooleanField(_("gepubliceerd"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Optimistic lock for staff edits (``services.process_edit``): up by one at every
    # change of the process's fields or phases, so the second of two editors is told.
    # Not ``ProcessVersion``: that one also goes up with every idea and support.
    revision = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("proces")
        verbose_name_plural = _("processen")

    def __str__(self) -> str:
        return self.title


class ProcessVersion(models.Model):
    """Goes up by one whenever what the public sees of a process changes: its fields,
    phases, ideas and their support, projects, or the published count.

    Shared answers (``core.shared``) hold the number they were rendered under, so every
    server process learns that its copy is outdated (within ``SHARED_DELAY_MS``) with
    no shared cache. A row of its own, never a
    column of ``Process``: saving a process (the admin) writes all of its columns and
    would put back a number that was already used.
    """

    process = models.OneToOneField(
        Process, on_delete=models.CASCADE, primary_key=True, related_name="version"
    )
    number = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.process_id}: {self.number}"


class ProcessChange(AppendOnly):
    """One change of a process by staff (``services.process_edit``, ``phase_move``):
    when, who, and per field its old and new value in short form. Append-only.

    ``changes`` is a list of ``{"field": name, "old": value, "new": value}`` with
    language-neutral values (codes, numbers, ISO moments, texts cut short), turned into
    words when shown (``queries.process_history``), so the English site reads them in
    English. A process holds no resident's data, so neither does its history; the staff
    member is staff data. ``published``: the process was public when it changed (the
    public page says "Gewijzigd op" for those changes only).
    """

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published = models.BooleanField()
    changes = models.JSONField()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["process", "-at", "-id"]
        indexes = [models.Index(fields=["process", "-at"], name="process_change_at")]
        verbose_name = _("wijziging van een proces")
        verbose_name_plural = _("wijzigingen van processen")

    def __str__(self) -> str:
        return f"{self.process_id} {self.at:%Y-%m-%d %H:%M}"


class PhaseKind(models.TextChoices):
    INFORMATION = "information", _("informatie")
    IDEAS = "ideas", _("ideeën")
    REVIEW = "review", _("beoordeling")
    VOTING = "voting", _("stemmen")
    RESULTS = "results", _("uitslag")
    IMPLEMENTATION = "implementation", _("uitvoering")


PHASE_ORDER = [kind.value for kind in PhaseKind]


class Phase(models.Model):
    """One phase of a process, from ``starts_at`` up to (not including) ``ends_at``."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("fase"), max_length=20, choices=PhaseKind.choices)
    starts_at = models.DateTimeField(_("begint"))
    ends_at = models.DateTimeField(_("eindigt"))

    class Meta:
        ordering = ["process", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["process", "kind"], name="phase_once_per_process"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="phase_ends_after"
            ),
        ]
        verbose_name = _("fase")
        verbose_name_plural = _("fases")

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def last_moment(self):
        """The last moment of the phase, for showing its last day: a phase that ends at
        midnight of 1 April ends on 31 March (``ends_at`` itself is not part of it)."""
        return self.ends_at - dt.timedelta(microseconds=1)


class NeighbourhoodCap(models.Model):
    """The most money the budget may spend in one neighbourhood (as Amsterdam's budgets do)."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="caps")
    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.CASCADE, related_name="+")
    amount = models.PositiveBigIntegerField(_("maximum (euro)"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["process", "neighbourhood"], name="cap_once"),
        ]
        verbose_name = _("buurtplafond")
        verbose_name_plural = _("buurtplafonds")

    def __str__(self) -> str:
        return f"{self.neighbourhood_id}: {self.amount}"


class Visibility(models.TextChoices):
    PUBLISHED = "published", _("zichtbaar")
    HIDDEN = "hidden", _("verborgen door moderator")
    REJECTED = "rejected", _("afgewezen door moderator")


class Idea(models.Model):
    """An idea of a resident for a process. ``supports`` counts its ``Support`` rows."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="ideas")
    author = models.CharField(max_length=64, db_index=True)  # pseudonym
    title = models.CharField(_("titel"), max_length=150)
    body = models.TextField(_("uw idee"))
    location = models.CharField(_("plek"), max_length=200, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    image = models.FileField(upload_to="participation/ideas/%Y/%m/", blank=True)
    image_type = models.CharField(max_length=40, blank=True)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLISHED
    )
    moderation_reason = models.TextField(_("reden van de moderator"), blank=True)
    supports = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["process", "visibility", "-created_at"], name="idea_list_new"),
            models.Index(fields=["process", "visibility", "-supports"], name="idea_list_popular"),
        ]
        verbose_name = _("idee")
        verbose_name_plural = _("ideeën")

    def __str__(self) -> str:
        return self.title

    def named_for(self, subject: str) -> bool:
        """Whether a record about something else (a support, a comment) of ``subject`` may
        name this idea: someone else's idea only while it is published, so a title a
        moderator hid does not live on with its supporters."""
        return self.visibility == Visibility.PUBLISHED or self.author == subject


class Support(models.Model):
    """A resident supports an idea: once per resident per idea."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="support_rows")
    subject = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "subject"], name="support_once"),
        ]
        verbose_name = _("steunbetuiging")
        verbose_name_plural = _("steunbetuigingen")

    def __str__(self) -> str:
        return f"{self.idea_id}"


class Comment(models.Model):
    """A comment on an idea; ``parent`` makes it a reply in a thread."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author = models.CharField(max_length=64, db_index=True)
    body = models.TextField(_("reactie"))
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLISHED
    )
    moderation_reason = models.TextField(_("reden van de moderator"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("reactie")
        verbose_name_plural = _("reacties")

    def __str__(self) -> str:
        return self.body[:40]


class AbuseReport(models.Model):
    """A resident reports an idea or comment as abusive; moderators handle it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    idea = models.ForeignKey(
        Idea, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    reporter = models.CharField(max_length=64, db_index=True)
    reason = models.TextField(_("waarom"))
    created_at = models.DateTimeField(default=timezone.now)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(idea__isnull=False, comment__isnull=True)
                | models.Q(idea__isnull=True, comment__isnull=False),
                name="report_one_target",
            ),
        ]
        verbose_name = _("melding van misbruik")
        verbose_name_plural = _("meldingen van misbruik")

    def __str__(self) -> str:
        return self.reason[:40]


class ModerationAction(models.TextChoices):
    HIDE = "hide", _("verbergen")
    RESTORE = "restore", _("terugzetten")
    REJECT = "reject", _("afwijzen")


class Moderation(models.Model):
    """One decision of a moderator about an idea, comment or open answer (append-only)."""

    idea = models.ForeignKey(
        Idea, on_delete=models.CASCADE, null=True, blank=True, related_name="moderations"
    )
    comment = models.ForeignKey(
        "Comment", on_delete=models.CASCADE, null=True, blank=True, related_name="moderations"
    )
    action = models.CharField(max_length=10, choices=ModerationAction.choices)
    reason = models.TextField(_("reden"))
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("moderatiebesluit")
        verbose_name_plural = _("moderatiebesluiten")

    # --- Consultations -------------------------------------------------------------------

    def __str__(self) -> str:
        return f"{self.action}: {self.reason[:40]}"


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("één keuze")
    MULTIPLE = "multiple", _("meer keuzes")
    RANKING = "ranking", _("volgorde")
    SCALE = "scale", _("schaal")
    OPEN = "open", _("open vraag")


class Question(models.Model):
    """A question of a consultation's questionnaire."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("volgorde"))
    kind = models.CharField(_("soort"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("vraag"), max_length=300)
    choices = models.JSONField(_("keuzes"), default=list, blank=True)
    scale_min = models.SmallIntegerField(default=1)
    scale_max = models.SmallIntegerField(default=5)
    required = models.BooleanField(_("verplicht"), default=True)

    class Meta:
        ordering = ["process", "order"]
        constraints = [
            models.UniqueConstraint(fields=["process", "order"], name="question_order"),
        ]
        verbose_name = _("vraag")
        verbose_name_plural = _("vragen")

    def __str__(self) -> str:
        return self.text


class Response(models.Model):
    """A resident's answers to a consultation: one per resident, editable while it runs."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="responses")
    subject = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["process", "subject"], name="response_once"),
        ]
        indexes = [models.Index(fields=["subject"], name="response_subject")]
        verbose_name = _("antwoord op raadpleging")
        verbose_name_plural = _("antwoorden op raadplegingen")

    def __str__(self) -> str:
        return str(self.public_id)


class OpenAnswerStatus(models.TextChoices):
    PENDING = "pending", _("wacht op moderatie")
    APPROVED = "approved", _("goedgekeurd")
    REJECTED = "rejected", _("afgewezen")


class Answer(models.Model):
    """The answer to one question; an open answer is published only after moderation."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField()
    open_status = models.CharField(
        max_length=10, choices=OpenAnswerStatus.choices, blank=True, default=""
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_once"),
        ]
        verbose_name = _("antwoord")
        verbose_name_plural = _("antwoorden")

    def __str__(self) -> str:
        return f"{self.question_id}"


# --- Citizens' budget ----------------------------------------------------------------


class Feasibility(models.TextChoices):
    PENDING = "pending", _("wordt beoordeeld")
    FEASIBLE = "feasible", _("uitvoerbaar")
    NOT_FEASIBLE = "not_feasible", _("niet uitvoerbaar")


class Project(models.Model):
    """A project on the ballot: made from an idea after the city's feasibility review.

    ``code`` is the project's id in the count and in Pabulib files (short, random).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(max_length=20)
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="projects")
    idea = models.OneToOneField(
        Idea, on_delete=models.SET_NULL, null=True, blank=True, related_name="project"
    )
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("omschrijving"))
    cost = models.PositiveBigIntegerField(_("geschatte kosten (euro)"), default=0)
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    feasibility = models.CharField(
        max_length=15, choices=Feasibility.choices, default=Feasibility.PENDING
    )
    feasibility_reason = models.TextField(_("uitleg bij de beoordeling"), blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    progress = models.PositiveSmallIntegerField(_("voortgang (procent)"), default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["process", "title"]
        constraints = [
            models.UniqueConstraint(fields=["process", "code"], name="project_code"),
        ]
        verbose_name = _("project")
        verbose_name_plural = _("projecten")

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    """A step in carrying out a funded project or initiative, shown publicly."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="milestones"
    )
    application = models.ForeignKey(
        "FundApplication",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="milestones",
    )
    title = models.CharField(_("mijlpaal"), max_length=200)
    note = models.TextField(_("toelichting"), blank=True)
    progress = models.PositiveSmallIntegerField(_("voortgang (procent)"))
    photo = models.FileField(upload_to="participation/milestones/%Y/%m/", blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("mijlpaal")
        verbose_name_plural = _("mijlpalen")

    def __str__(self) -> str:
        return self.title


class VoterRollEntry(models.Model):
    """The voter roll: THAT a resident voted in a budget vote, and when. Never what.

    ``receipt_check`` is ``HMAC(key, receipt)``: with the receipt in hand the service
    can confirm it belongs to this voter and replace that ballot; without the receipt
    (which only the voter has) nothing leads from this row to a ``Ballot``.
    """

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="roll")
    subject = models.CharField(max_length=64)
    voted_at = models.DateTimeField()
    receipt_hint = models.CharField(max_length=4)  # first characters, for the dossier
    receipt_check = models.CharField(max_length=64)
    channel = models.CharField(max_length=10, default="online")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["process", "subject"], name="roll_once"),
        ]
        indexes = [models.Index(fields=["subject"], name="roll_subject")]
        verbose_name = _("stemregister")
        verbose_name_plural = _("stemregister")

    def __str__(self) -> str:
        return f"{self.process_id}: {self.voted_at:%Y-%m-%d}"


class Ballot(models.Model):
    """What was voted, with no link to who voted.

    The primary key is random (not a sequence), there is no timestamp, and the only
    key is ``receipt_hash`` = SHA-256 of the voter's receipt code, so neither order,
    time nor id ties a ballot to a row of the voter roll. ``choices`` maps project
    codes to points (1 for approval, knapsack and choose-one).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="ballots")
    receipt_hash = models.CharField(max_length=64, unique=True)
    choices = models.JSONField()
    paper = models.BooleanField(default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("stembiljet")
        verbose_name_plural = _("stembiljetten")

    def __str__(self) -> str:
        return str(self.id)


class CountStatus(models.TextChoices):
    QUEUED = "queued", _("in de wachtrij")
    RUNNING = "running", _("bezig")
    DONE = "done", _("klaar")
    FAILED = "failed", _("mislukt")


class Count(models.Model):
    """One count of a budget vote: queued by staff, run by the worker, stored with the
    checksum of its inputs so anyone can see what was counted."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="counts")
    rule = models.CharField(max_length=30)
    status = models.CharField(max_length=10, choices=CountStatus.choices)
    progress = models.PositiveSmallIntegerField(default=0)
    checksum = models.CharField(max_length=128, blank=True)
    ballots = models.PositiveIntegerField(default=0)
    funded = models.JSONField(default=list)
    explanations = models.JSONField(default=dict)
    budget_used = models.PositiveBigIntegerField(default=0)
    error = models.TextField(blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    is_published = models.BooleanField(default=False)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("telling")
        verbose_name_plural = _("tellingen")

    # --- Neighbourhood funds and right to challenge --------------------------------------

    def __str__(self) -> str:
        return f"{self.rule} ({self.status})"


class ApplicationKind(models.TextChoices):
    FUND = "fund", _("aanvraag wijkfonds")
    CHALLENGE = "challenge", _("right to challenge")


class Decision(models.TextChoices):
    PENDING = "pending", _("nog niet besloten")
    GRANTED = "granted", _("toegekend")
    REFUSED = "refused", _("afgewezen")


class FundApplication(models.Model):
    """A neighbourhood-fund application or a right-to-challenge bid, followed as a case.

    For a challenge, ``task`` names the municipal task and ``comparison`` compares the
    cost and quality of the group's plan with the city's own.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="applications")
    kind = models.CharField(max_length=10, choices=ApplicationKind.choices)
    applicant = models.CharField(max_length=64, db_index=True)
    organisation = models.CharField(_("namens (groep of organisatie)"), max_length=200, blank=True)
    title = models.CharField(_("naam van het plan"), max_length=200)
    plan = models.TextField(_("plan"))
    task = models.CharField(_("welke taak"), max_length=200, blank=True)
    comparison = models.TextField(_("vergelijking van kosten en kwaliteit"), blank=True)
    amount = models.PositiveBigIntegerField(_("gevraagd bedrag (euro)"))
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    case_reference = models.CharField(max_length=24, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decision_reason = models.TextField(blank=True)
    granted_amount = models.PositiveBigIntegerField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    spending_report = models.TextField(_("verantwoording van de uitgaven"), blank=True)
    spent_amount = models.PositiveBigIntegerField(null=True, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("aanvraag")
        verbose_name_plural = _("aanvragen")

    def __str__(self) -> str:
        return self.title


class Signature(models.Model):
    """A logged-in neighbour supports an application: once per resident."""

    application = models.ForeignKey(
        FundApplication, on_delete=models.CASCADE, related_name="signatures"
    )
    subject = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "subject"], name="signature_once"),
        ]
        verbose_name = _("handtekening")
        verbose_name_plural = _("handtekeningen")

    def __str__(self) -> str:
        return f"{self.application_id}"
