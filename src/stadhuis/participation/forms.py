"""Forms of participation. They check the shape of the input; who may take part and
what the phase allows is checked by the services, whose errors land on these forms."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from stadhuis.cases.forms_resident import ServiceErrorsMixin
from stadhuis.cases.uploads import MAX_BYTES
from stadhuis.participation import services
from stadhuis.participation.models import (
    BallotType,
    PhaseKind,
    ProcessKind,
    Question,
    QuestionKind,
    Scope,
)
from stadhuis.participation.services import PhaseSpec

# The most money any field takes: a billion euros, far below what a database integer
# holds (a larger number would otherwise be a database error, a 500).
MAX_EUROS = 1_000_000_000

RECEIPT_HELP = _("De code die u kreeg toen u stemde, bijvoorbeeld 7K3M-P9QX-2B4T-VW8N-R5C1.")


class Form(ServiceErrorsMixin, forms.Form):
    pass


def coordinate_field(label, *, limit: int) -> forms.DecimalField:
    """A latitude (``limit`` 90) or longitude (180) in degrees, not required, with the
    six decimals (about 10 cm) the models keep."""
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=-limit,
        max_value=limit,
        max_digits=9,
        decimal_places=6,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "form-input--short"}),
    )


def euro_field(label, *, min_value: int, **kwargs) -> forms.IntegerField:
    """An amount in whole euros, at most ``MAX_EUROS``."""
    return forms.IntegerField(label=label, min_value=min_value, max_value=MAX_EUROS, **kwargs)


def photo_field(**kwargs) -> forms.FileField:
    """A JPG or PNG photo, not required, at most ``MAX_BYTES`` (the service checks the
    content again)."""
    return forms.FileField(
        label=_("Foto (niet verplicht)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
        validators=[_photo_size],
        **kwargs,
    )


def _photo_size(photo) -> None:
    if photo.size > MAX_BYTES:
        raise forms.ValidationError(_("De foto is te groot. Hij mag hoogstens 10 MB zijn."))


class IdeaFilterForm(forms.Form):
    sort = forms.ChoiceField(
        label=_("Sorteren"),
        choices=[("nieuw", _("Nieuwste eerst")), ("steun", _("Meeste steun eerst"))],
        required=False,
    )
    buurt = forms.ChoiceField(label=_("Buurt"), required=False)
    zoek = forms.CharField(label=_("Zoeken"), required=False, max_length=100)

    def __init__(self, *args, neighbourhoods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buurt"].choices = [("", _("Alle buurten"))] + [
            (n.code, n.name) for n in neighbourhoods
        ]


class IdeaForm(Form):
    field_map = {"attachments": "image"}  # clean_upload names its field "attachments"

    title = forms.CharField(
        label=_("Titel van uw idee"),
        max_length=150,
        error_messages={"required": _("Geef uw idee een korte titel.")},
    )
    body = forms.CharField(
        label=_("Uw idee"),
        help_text=_("Wat wilt u, waar, en waarom is het goed voor de buurt?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        error_messages={"required": _("Beschrijf uw idee.")},
    )
    location = forms.CharField(
        label=_("Plek (niet verplicht)"),
        help_text=_("Bijvoorbeeld: het grasveld achter de bibliotheek."),
        required=False,
        max_length=200,
    )
    latitude = coordinate_field(_("Breedtegraad (niet verplicht)"), limit=90)
    longitude = coordinate_field(_("Lengtegraad (niet verplicht)"), limit=180)
    image = photo_field(
        help_text=_(
            "JPG of PNG, hoogstens 10 MB. We halen de plek waar de foto is gemaakt eruit. "
            "Kies de foto bij de laatste stap."
        ),
    )

    def coordinates(self) -> tuple[float | None, float | None]:
        """The place as the service takes it: (latitude, longitude), each None if empty."""
        latitude, longitude = self.cleaned_data.get("latitude"), self.cleaned_data.get("longitude")
        return (
            None if latitude is None else float(latitude),
            None if longitude is None else float(longitude),
        )


class CommentForm(Form):
    body = forms.CharField(
        label=_("Uw reactie"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Schrijf uw reactie.")},
    )
    parent = forms.UUIDField(required=False, widget=forms.HiddenInput)


class ReportForm(Form):
    reason = forms.CharField(
        label=_("Wat is er mis?"),
        help_text=_("Bijvoorbeeld: scheldwoorden, reclame of persoonlijke gegevens van anderen."),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        error_messages={"required": _("Vertel kort wat er mis is.")},
    )
    comment = forms.UUIDField(required=False, widget=forms.HiddenInput)


class ConsultationForm(Form):
    """One field per question of the consultation; ``answers()`` gives the service input."""

    def __init__(self, *args, questions: list[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            name = f"q{question.pk}"
            required_msg = {"required": _("Beantwoord deze vraag.")}
            if question.kind == QuestionKind.SINGLE:
                field = forms.ChoiceField(
                    choices=[(c, c) for c in question.choices], widget=forms.RadioSelect
                )
            elif question.kind == QuestionKind.MULTIPLE:
                field = forms.MultipleChoiceField(
                    choices=[(c, c) for c in question.choices], widget=forms.CheckboxSelectMultiple
                )
            elif question.kind == QuestionKind.SCALE:
                field = forms.ChoiceField(
                    choices=[
                        (str(n), str(n)) for n in range(question.scale_min, question.scale_max + 1)
                    ],
                    widget=forms.RadioSelect,
                )
            elif question.kind == QuestionKind.RANKING:
                # Works without JavaScript: a place number per choice.
                for index, choice in enumerate(question.choices):
                    self.fields[f"{name}_{index}"] = forms.TypedChoiceField(
                        label=choice,
                        choices=[("", "-")]
                        + [(str(n), str(n)) for n in range(1, len(question.choices) + 1)],
                        coerce=int,
                        required=question.required,
                        error_messages=required_msg,
                    )
                continue
            else:
                field = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
            field.label = question.text
            field.required = question.required
            field.error_messages.update(required_msg)
            self.fields[name] = field

    def add_service_error(self, exc) -> None:
        field = exc.details.get("field")
        if field and field not in self.fields:
            field = next((n for n in self.fields if n.startswith(f"{field}_")), None)
        self.add_error(field if field in self.fields else None, str(exc.message))

    def sections(self) -> list[tuple[Question, list]]:
        """Each question with its bound fields (a ranking has one per choice)."""
        result = []
        for question in self.questions:
            name = f"q{question.pk}"
            if question.kind == QuestionKind.RANKING:
                fields = [self[f"{name}_{i}"] for i in range(len(question.choices))]
            else:
                fields = [self[name]]
            result.append((question, fields))
        return result

    def answers(self) -> dict[int, object]:
        data = self.cleaned_data
        result: dict[int, object] = {}
        for question in self.questions:
            name = f"q{question.pk}"
            if question.kind == QuestionKind.RANKING:
                places = [
                    (data.get(f"{name}_{i}"), choice) for i, choice in enumerate(question.choices)
                ]
                if all(place in (None, "") for place, _c in places):
                    result[question.pk] = []
                elif len({p for p, _c in places}) != len(places) or any(
                    p in (None, "") for p, _c in places
                ):
                    result[question.pk] = ["?"]  # the service names the problem
                else:
                    result[question.pk] = [choice for _p, choice in sorted(places)]
            else:
                result[question.pk] = data.get(name)
        return result

    @classmethod
    def initial_from(cls, response) -> dict:
        if response is None:
            return {}
        initial = {}
        for answer in response.answers.all():
            name = f"q{answer.question_id}"
            value = answer.value
            if isinstance(value, list) and answer.question.kind == QuestionKind.RANKING:
                for place, choice in enumerate(value, start=1):
                    index = answer.question.choices.index(choice)
                    initial[f"{name}_{index}"] = str(place)
            else:
                initial[name] = value if isinstance(value, list) else str(value)
        return initial


class BallotForm(Form):
    """The ballot: a checkbox per project, or points per project for cumulative voting."""

    receipt = forms.CharField(
        label=_("Uw stembewijs (alleen als u uw stem wijzigt)"),
        help_text=RECEIPT_HELP,
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, process, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.process = process
        self.projects = projects
        kind = process.ballot_type
        if kind == BallotType.CUMULATIVE:
            for project in projects:
                self.fields[f"p_{project.code}"] = forms.IntegerField(
                    label=project.title,
                    min_value=0,
                    max_value=process.ballot_points,
                    required=False,
                    widget=forms.NumberInput(attrs={"class": "form-input--short"}),
                )
        elif kind == BallotType.CHOOSE_ONE:
            self.fields["project"] = forms.ChoiceField(
                label=_("Kies één project"),
                choices=[(p.code, p.title) for p in projects],
                widget=forms.RadioSelect,
                error_messages={"required": _("Kies een project.")},
            )
        else:
            self.fields["projects"] = forms.MultipleChoiceField(
                label=_("Kies projecten"),
                choices=[(p.code, p.title) for p in projects],
                widget=forms.CheckboxSelectMultiple,
                error_messages={"required": _("Kies minstens één project.")},
            )
        self.order_fields([n for n in self.fields if n != "receipt"] + ["receipt"])

    def choices(self) -> dict[str, int]:
        data = self.cleaned_data
        kind = self.process.ballot_type
        if kind == BallotType.CUMULATIVE:
            points = {p.code: data.get(f"p_{p.code}") for p in self.projects}
            return {code: n for code, n in points.items() if n}
        if kind == BallotType.CHOOSE_ONE:
            return {data["project"]: 1}
        return dict.fromkeys(data["projects"], 1)


class PaperBallotForm(BallotForm):
    """A paper ballot from the ballot box, entered by staff: the ballot's choices without
    the receipt field (a paper voter has no receipt to give). A refusal of the ballot as
    a whole (too many projects, over the budget) lands at the choice field, or, for
    points per project, above them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["receipt"]

    def add_service_error(self, exc) -> None:
        field = exc.details.get("field")
        if field not in self.fields:
            field = next((n for n in ("project", "projects") if n in self.fields), None)
        self.add_error(field, str(exc.message))


class CountForm(Form):
    rule = forms.ChoiceField(
        label=_("Telregel"),
        required=False,  # empty: the process's own rule (the service decides)
        error_messages={"invalid_choice": _("Deze telregel bestaat niet.")},
    )

    def __init__(self, *args, rules, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = list(rules.items())


class ReceiptForm(Form):
    receipt = forms.CharField(
        label=_("Uw stembewijs"),
        help_text=RECEIPT_HELP,
        max_length=40,
        error_messages={"required": _("Vul uw stembewijs in.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ApplicationForm(Form):
    title = forms.CharField(
        label=_("Naam van uw plan"),
        max_length=200,
        error_messages={"required": _("Geef uw plan een naam.")},
    )
    organisation = forms.CharField(
        label=_("Namens welke groep of organisatie? (niet verplicht)"),
        max_length=200,
        required=False,
    )
    plan = forms.CharField(
        label=_("Uw plan"),
        help_text=_("Wat gaat u doen, met wie, en wanneer? Waar gaat het geld naartoe?"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10000,
        error_messages={"required": _("Beschrijf uw plan.")},
    )
    amount = euro_field(
        _("Bedrag dat u nodig hebt (euro)"),
        min_value=1,
        error_messages={
            "required": _("Vul het bedrag in dat u nodig hebt."),
            "invalid": _("Vul een bedrag in hele euro's in."),
        },
        widget=forms.NumberInput(attrs={"class": "form-input--short"}),
    )

    def __init__(self, *args, challenge: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if challenge:
            self.fields["task"] = forms.CharField(
                label=_("Welke taak van de gemeente wilt u overnemen?"),
                max_length=200,
                error_messages={"required": _("Welke taak wilt u overnemen?")},
            )
            self.fields["comparison"] = forms.CharField(
                label=_("Vergelijking met de gemeente"),
                help_text=_("Wat kost het bij u, en wat bij de gemeente? Wat doet u beter?"),
                widget=forms.Textarea(attrs={"rows": 5}),
                max_length=5000,
                error_messages={
                    "required": _("Vergelijk de kosten en de kwaliteit met die van de gemeente.")
                },
            )


class SpendingReportForm(Form):
    report = forms.CharField(
        label=_("Waaraan hebt u het geld uitgegeven?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": _("Vertel waaraan u het geld uitgaf.")},
    )
    spent = euro_field(
        _("Uitgegeven bedrag (euro)"),
        min_value=0,
        error_messages={"required": _("Vul het uitgegeven bedrag in.")},
    )


# --- Staff ---------------------------------------------------------------------------


class ModerateForm(Form):
    action = forms.ChoiceField(
        label=_("Besluit"),
        choices=[
            ("hide", _("Verbergen")),
            ("restore", _("Terugzetten")),
            ("reject", _("Afwijzen")),
        ],
    )
    reason = forms.CharField(
        label=_("Reden (de schrijver ziet deze)"),
        max_length=1000,
        error_messages={"required": _("Geef een reden: de schrijver ziet die.")},
    )


class AnswerModerateForm(Form):
    approve = forms.TypedChoiceField(
        label=_("Besluit"),
        choices=[("1", _("Publiceren")), ("0", _("Niet publiceren"))],
        coerce=lambda v: v == "1",
        error_messages={
            "required": _("Kies een van de mogelijkheden."),
            "invalid_choice": _("Kies een van de mogelijkheden."),
        },
    )


class ProjectFromIdeaForm(Form):
    title = forms.CharField(label=_("Titel van het project"), max_length=200)
    cost = euro_field(
        _("Geschatte kosten (euro)"),
        min_value=0,
        # the service's words: in a summary above the table, the message names its field
        error_messages={"min_value": _("De kosten kunnen niet negatief zijn.")},
    )


class ReviewForm(Form):
    feasible = forms.TypedChoiceField(
        label=_("Uitvoerbaar?"),
        choices=[("1", _("Ja, uitvoerbaar")), ("0", _("Nee, niet uitvoerbaar"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    cost = euro_field(_("Kostenraming (euro)"), min_value=0)
    reason = forms.CharField(
        label=_("Uitleg (openbaar)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": _("Leg uit waarom: inwoners lezen dit.")},
    )


class DecideForm(Form):
    score = forms.IntegerField(label=_("Score (0-10)"), min_value=0, max_value=10)
    grant = forms.TypedChoiceField(
        label=_("Besluit"),
        choices=[("1", _("Toekennen")), ("0", _("Afwijzen"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    amount = euro_field(_("Toegekend bedrag (euro)"), min_value=1, required=False)
    reason = forms.CharField(
        label=_("Uitleg van het besluit (openbaar)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        error_messages={"required": _("Leg het besluit uit: het is openbaar.")},
    )


class PaperRollForm(Form):
    voter_bsn = forms.CharField(label=_("BSN van de stemmer"), max_length=11)


class MilestoneForm(Form):
    field_map = {"attachments": "photo"}  # clean_upload names its field "attachments"

    title = forms.CharField(label=_("Mijlpaal"), max_length=200)
    progress = forms.IntegerField(label=_("Voortgang (procent)"), min_value=0, max_value=100)
    note = forms.CharField(label=_("Toelichting"), required=False, max_length=2000)
    photo = photo_field()


class PabulibImportForm(Form):
    file = forms.FileField(
        label=_("Pabulib-bestand (.pb)"),
        help_text=_("Projecten en stembiljetten van een eerdere stemming, hoogstens 50 MB."),
        error_messages={"required": _("Kies een .pb-bestand.")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 50 * 1024 * 1024:
            raise forms.ValidationError(_("Het bestand is te groot: hoogstens 50 MB."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("Het bestand is geen UTF-8-tekst.")) from exc


# The days a phase may have. Far wider than any process, but a day at the edge of what
# Python holds (9999-12-31, 0001-01-01) cannot be turned into a moment: that was a 500.
FIRST_PHASE_DAY = dt.date(1900, 1, 1)
LAST_PHASE_DAY = dt.date(2999, 12, 31)


def _phase_day(day: dt.date) -> None:
    if not FIRST_PHASE_DAY <= day <= LAST_PHASE_DAY:
        raise forms.ValidationError(_("Kies een dag tussen 1 januari 1900 en 31 december 2999."))


class PhaseFieldsMixin:
    """A first and a last day per phase (both or neither), for the kinds given. A date
    field shows its day as ISO (YYYY-MM-DD), the only value a browser's date field
    takes: in the Dutch format (07-12-2026) it shows an empty field, and the edit page
    sent that back as "this phase removed"."""

    phase_kinds: tuple[str, ...] = ()
    # kind -> the stored phase: its days unchanged give back its exact moments
    stored_phases: dict = {}

    def add_phase_fields(self, kinds) -> None:
        self.phase_kinds = tuple(kinds)
        for kind in self.phase_kinds:
            label = PhaseKind(kind).label
            self.fields[f"{kind}_start"] = forms.DateField(
                label=_("Fase %(phase)s: eerste dag") % {"phase": label},
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                validators=[_phase_day],
            )
            self.fields[f"{kind}_end"] = forms.DateField(
                label=_("Fase %(phase)s: laatste dag") % {"phase": label},
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                validators=[_phase_day],
            )

    def clean(self):
        data = super().clean()
        for kind in self.phase_kinds:
            if f"{kind}_start" in self.errors or f"{kind}_end" in self.errors:
                continue  # one of the days is wrong: that error says enough
            start, end = data.get(f"{kind}_start"), data.get(f"{kind}_end")
            if (start is None) != (end is None):
                self.add_error(f"{kind}_end", _("Vul de eerste en de laatste dag allebei in."))
            elif start and end and end < start:
                self.add_error(f"{kind}_end", _("De laatste dag moet na de eerste dag liggen."))
        return data

    def phases(self) -> list:
        """The phases from local midnight of the first day up to midnight after the last;
        a stored phase whose days did not change keeps its exact moments."""
        tz = timezone.get_current_timezone()
        specs = []
        for kind in self.phase_kinds:
            start, end = (
                self.cleaned_data.get(f"{kind}_start"),
                self.cleaned_data.get(f"{kind}_end"),
            )
            if not (start and end):
                continue
            stored = self.stored_phases.get(kind)
            if stored is not None and phase_days(stored) == (start, end):
                specs.append(PhaseSpec(kind, stored.starts_at, stored.ends_at))
                continue
            specs.append(
                PhaseSpec(
                    kind,
                    dt.datetime.combine(start, dt.time(), tzinfo=tz),
                    dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=tz),
                )
            )
        return specs


def phase_days(phase) -> tuple[dt.date, dt.date]:
    """The first and the last day of a phase, as the forms show them."""
    return timezone.localdate(phase.starts_at), timezone.localdate(phase.last_moment)


class ProcessForm(PhaseFieldsMixin, Form):
    """A new process (staff). Each phase is optional: a first and a last day, or neither."""

    kind = forms.ChoiceField(label=_("Soort proces"), choices=ProcessKind.choices)
    title = forms.CharField(label=_("Titel"), max_length=200)
    question = forms.CharField(
        label=_("Vraag aan inwoners (B1)"), widget=forms.Textarea(attrs={"rows": 3})
    )
    description = forms.CharField(
        label=_("Uitleg"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    criteria = forms.CharField(
        label=_("Criteria waarop de gemeente beoordeelt"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    scope = forms.ChoiceField(label=_("Gebied"), choices=Scope.choices)
    neighbourhoods = forms.MultipleChoiceField(
        label=_("Buurten (bij wijken of buurten)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    min_age = forms.IntegerField(label=_("Minimumleeftijd"), min_value=0, max_value=120, initial=0)
    must_live_in_area = forms.BooleanField(
        label=_("Alleen voor bewoners van het gebied"), required=False, initial=True
    )
    budget = euro_field(_("Budget (euro)"), min_value=0, initial=0)
    ballot_type = forms.ChoiceField(
        label=_("Soort stembiljet"), choices=[("", "-"), *BallotType.choices], required=False
    )
    ballot_min = forms.IntegerField(
        label=_("Minimaal aantal projecten"), min_value=0, max_value=10_000, initial=0
    )
    ballot_max = forms.IntegerField(
        label=_("Maximaal aantal projecten"), min_value=0, max_value=10_000, initial=0
    )
    ballot_points = forms.IntegerField(
        label=_("Te verdelen punten"), min_value=0, max_value=10_000, initial=0
    )
    counting_rule = forms.ChoiceField(label=_("Telregel"), required=False)
    leftover_partial = forms.BooleanField(
        label=_("Betaal met het geld dat overblijft een deel van het volgende project"),
        help_text=_(
            "Alleen met de telregel 'Meeste stemmen', zoals in Amsterdam. Past het volgende "
            "project niet meer helemaal? Dan krijgt het al het geld dat over is. Het project "
            "is dan gekozen: de rest van de kosten betaalt de gemeente uit ander geld."
        ),
        required=False,
    )
    publish = forms.BooleanField(label=_("Meteen publiceren"), required=False)

    def __init__(self, *args, neighbourhoods=(), rules=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighbourhoods"].choices = [(n.code, n.name) for n in neighbourhoods]
        self.fields["counting_rule"].choices = [("", "-"), *(rules or {}).items()]
        self.add_phase_fields(PhaseKind.values)


MISSING = object()  # the page did not say what it showed

KEEP_CHOICES = [
    (services.KEEP_STORED, _("Wat nu is opgeslagen")),
    (services.KEEP_SENT, _("Wat u invulde")),
]


def _raws(value) -> list[str]:
    """A cleaned value as a page sends it (for ``QueryDict.setlist``)."""
    if value is None:
        return [""]
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    if isinstance(value, dt.date):
        return [value.isoformat()]
    return [str(value)]


class ProcessEditForm(PhaseFieldsMixin, Form):
    """Change a process (staff): its texts, the phases that have not begun, before voting
    its budget, ballot, caps per neighbourhood and counting settings, and before residents
    take part who may (area, age). ``revision`` is what the editor saw.

    ``counting`` and ``eligibility`` say whether those groups can still change: a group
    that cannot has no fields (the page shows it without them, with the reason), nor has
    a phase that began. A page shown before such a lock still sends them: another value
    than stored is refused above the form (``clean``), never dropped unsaid."""

    VOTING_FIELDS = services.VOTING_SETTINGS  # locked together once voting began
    ELIGIBILITY_FIELDS = ("scope", "neighbourhoods", "min_age", "must_live_in_area")
    TEXT_FIELDS = ("title", "question", "description", "criteria")

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31)
    title = ProcessForm.base_fields["title"]
    question = ProcessForm.base_fields["question"]
    description = ProcessForm.base_fields["description"]
    criteria = ProcessForm.base_fields["criteria"]
    scope = ProcessForm.base_fields["scope"]
    neighbourhoods = ProcessForm.base_fields["neighbourhoods"]
    min_age = ProcessForm.base_fields["min_age"]
    must_live_in_area = ProcessForm.base_fields["must_live_in_area"]
    budget = ProcessForm.base_fields["budget"]
    ballot_type = ProcessForm.base_fields["ballot_type"]
    ballot_min = ProcessForm.base_fields["ballot_min"]
    ballot_max = ProcessForm.base_fields["ballot_max"]
    ballot_points = ProcessForm.base_fields["ballot_points"]
    counting_rule = ProcessForm.base_fields["counting_rule"]
    leftover_partial = ProcessForm.base_fields["leftover_partial"]

    def __init__(
        self,
        *args,
        process,
        phases,
        counting: bool,
        eligibility: bool = True,
        neighbourhoods=(),
        caps=None,
        rules=None,
        now=None,
        **kwargs,
    ):
        now = now or timezone.now()
        stored = {p.kind: p for p in phases}
        caps = caps or {}
        initial = {"revision": process.revision}
        for name in (*self.TEXT_FIELDS, *self.VOTING_FIELDS, *self.ELIGIBILITY_FIELDS):
            if name != "neighbourhoods":
                initial[name] = getattr(process, name)
        initial["neighbourhoods"] = [n.code for n in process.neighbourhoods.all()]
        for code, amount in caps.items():
            initial[f"cap_{code}"] = amount
        for kind, phase in stored.items():
            initial[f"{kind}_start"], initial[f"{kind}_end"] = phase_days(phase)
        super().__init__(*args, initial=initial, **kwargs)
        self.begun = [p for p in phases if p.starts_at <= now]
        self.stored_phases = stored
        # A group that is locked now may still come from a page shown before: its fields
        # are kept aside, to tell a changed value apart from what is stored (clean).
        self.locked_groups: list[tuple[str, dict]] = []
        self.fields["counting_rule"].choices = [("", "-"), *(rules or {}).items()]
        self.fields["neighbourhoods"].choices = [(n.code, n.name) for n in neighbourhoods]
        # one field per neighbourhood: works without a script; empty is no cap
        for n in neighbourhoods:
            self.fields[f"cap_{n.code}"] = euro_field(
                n.name,
                min_value=0,
                required=False,
                widget=forms.NumberInput(attrs={"class": "form-input--short"}),
                error_messages={"invalid": _("Vul een bedrag in hele euro's in.")},
            )
        cap_codes = tuple(n.code for n in neighbourhoods)
        self.cap_codes: tuple[str, ...] = cap_codes if counting else ()
        if not counting:
            voting = self._set_aside(*self.VOTING_FIELDS, *(f"cap_{c}" for c in cap_codes))
            if process.kind == ProcessKind.BUDGET:
                self.locked_groups.append((services.voting_locked_reason(), voting))
        if not eligibility:
            who = self._set_aside(*self.ELIGIBILITY_FIELDS)
            self.locked_groups.append((services.eligibility_locked_reason(), who))
        self.add_phase_fields(PhaseKind.values)
        for phase in self.begun:
            begun = self._set_aside(f"{phase.kind}_start", f"{phase.kind}_end")
            self.locked_groups.append((services.phase_begun_reason(phase.kind), begun))
        self.phase_kinds = tuple(k for k in self.phase_kinds if f"{k}_start" in self.fields)
        # What the page showed travels with it (a hidden "initial-" input per field), so
        # after someone else saved only what this editor changed counts (clean).
        self.revision_now = process.revision
        for field in self._editable().values():
            field.show_hidden_initial = True
        self.merge: services.EditMerge | None = None
        if self.is_bound:
            for unit, names in self._units().items():
                shown = self._unit(names, self._shown)
                if shown is not MISSING and shown != self._unit(names, self.initial.get):
                    # changed by someone else since the page was shown: maybe a choice
                    self.fields[f"keep_{unit}"] = forms.ChoiceField(
                        label=self._unit_label(unit),
                        choices=KEEP_CHOICES,
                        required=False,
                        widget=forms.RadioSelect,
                    )

    def _set_aside(self, *names) -> dict:
        return {name: self.fields.pop(name) for name in names}

    def _editable(self) -> dict:
        """Every field that shows a stored value, those set aside (locked) included."""
        fields = {
            name: field
            for name, field in self.fields.items()
            if name != "revision" and not name.startswith("keep_")
        }
        for _reason, group in self.locked_groups:
            fields.update(group)
        return fields

    def _units(self) -> dict[str, tuple[str, ...]]:
        """The items two editors' changes are merged by (each a field, a phase its two
        days), only those the form can change now."""
        units = {
            name: (name,)
            for name in (*self.TEXT_FIELDS, *self.VOTING_FIELDS, *self.ELIGIBILITY_FIELDS)
            if name in self.fields
        }
        units.update({f"cap_{code}": (f"cap_{code}",) for code in self.cap_codes})
        units.update({f"phase_{k}": (f"{k}_start", f"{k}_end") for k in self.phase_kinds})
        return units

    @staticmethod
    def _unit(names, get):
        """One item's value from ``get`` per field (a phase: its two days, or None)."""
        values = []
        for name in names:
            value = get(name)
            if value is MISSING:
                return MISSING
            values.append(tuple(sorted(value)) if isinstance(value, list | tuple) else value)
        if len(values) == 1:
            return values[0]
        return None if all(v is None for v in values) else tuple(values)

    def _shown(self, name):
        """What the page showed in this field (its hidden initial input), or ``MISSING``
        when it did not say (a page from before this was sent)."""
        field = self._editable()[name]
        key = self.add_initial_prefix(name)
        if not isinstance(field, forms.MultipleChoiceField) and key not in self.data:
            return MISSING  # an empty list of boxes sends nothing, so that is "none"
        raw = field.hidden_widget().value_from_datadict(self.data, self.files, key)
        try:
            return field.to_python(raw)
        except forms.ValidationError:
            return MISSING

    def _unit_label(self, unit: str) -> str:
        if unit.startswith("phase_"):
            return _("Fase %(phase)s") % {"phase": PhaseKind(unit.removeprefix("phase_")).label}
        if unit.startswith("cap_"):
            return _("Maximum per buurt: %(name)s") % {"name": self._editable()[unit].label}
        return str(self._editable()[unit].label)

    def _unit_text(self, unit: str, value) -> str:
        """An item's value as the page says it (in the choice between two values)."""
        if unit.startswith("phase_"):
            if value is None:
                return str(_("geen fase"))
            return f"{date_format(value[0])} – {date_format(value[1])}"
        field = self._editable()[unit]
        if isinstance(value, bool):
            return str(_("ja") if value else _("nee"))
        if unit.startswith("cap_") or unit == "budget":
            if value is None:
                return str(_("geen maximum"))
            return "€ " + number_format(value, force_grouping=True)
        if isinstance(field, forms.MultipleChoiceField):
            names = dict(field.choices)
            return ", ".join(str(names.get(code, code)) for code in value) or "-"
        if isinstance(field, forms.ChoiceField):
            return str(dict(field.choices).get(value, value)) or "-"
        return "-" if value in (None, "") else str(value)

    def clean(self):
        """A page shown before voting began, residents could take part or a phase began
        sends the values it showed: the same as stored is no change; another value is
        refused above the form (nothing is saved; the page then shows the group without
        fields, so what else was typed is sent again without it)."""
        data = super().clean()
        for reason, fields in self.locked_groups:
            if self._changed(fields):
                self.add_error(
                    None,
                    _(
                        "%(reason)s Er is nog niets opgeslagen. Wat u verder invulde, staat "
                        "hieronder. Sla het opnieuw op."
                    )
                    % {"reason": reason},
                )
        if self.errors or data.get("revision") in (None, self.revision_now):
            return data
        # Someone else saved since this page was shown: only what this editor changed
        # counts (services.edit_merge); a field both changed waits for a choice.
        units = self._units()
        sent = {unit: self._unit(names, data.get) for unit, names in units.items()}
        stored = {unit: self._unit(names, self.initial.get) for unit, names in units.items()}
        shown = {}
        for unit, names in units.items():
            value = self._unit(names, self._shown)
            if value is not MISSING:
                shown[unit] = value
        keep = {unit: data[f"keep_{unit}"] for unit in units if data.get(f"keep_{unit}")}
        self.merge = services.edit_merge(shown=shown, sent=sent, stored=stored, keep=keep)
        for unit in units:
            if unit in self.merge.contested:
                self.fields[f"keep_{unit}"].choices = [
                    (
                        services.KEEP_STORED,
                        _("Wat nu is opgeslagen: %(value)s")
                        % {"value": self._unit_text(unit, stored[unit])},
                    ),
                    (
                        services.KEEP_SENT,
                        _("Wat u invulde: %(value)s")
                        % {"value": self._unit_text(unit, sent[unit])},
                    ),
                ]
            if unit in self.merge.undecided:
                self.add_error(
                    f"keep_{unit}",
                    _(
                        "U en iemand anders veranderden dit allebei. Kies wat er moet "
                        "blijven staan."
                    ),
                )
            value = self.merge.values[unit]
            names = units[unit]
            if len(names) == 2:  # a phase: its two days
                data[names[0]], data[names[1]] = value or (None, None)
            elif isinstance(self.fields[names[0]], forms.MultipleChoiceField):
                data[names[0]] = list(value)
            else:
                data[names[0]] = value
        return data

    @property
    def shown_inputs(self):
        """The hidden inputs of what the page showed for fields drawn option by option
        (the boxes of the neighbourhoods): their ``{{ field }}``, which adds it, is not
        used."""
        return mark_safe(  # noqa: S308 - widgets Django rendered and escaped
            "".join(
                str(self[name].as_hidden(only_initial=True))
                for name, field in self.fields.items()
                if field.show_hidden_initial and self[name].use_fieldset
            )
        )

    @property
    def contested_fields(self) -> list:
        """The choices between two values, one per field both editors changed."""
        if self.merge is None:
            return []
        return [self[f"keep_{unit}"] for unit in self._units() if unit in self.merge.contested]

    def review_data(self):
        """What the page sends after a conflict (``merge`` made): each field as merged,
        shown as stored now, so only what the editor changes from here counts. A field
        both changed keeps what was shown before, so it stays a choice until decided."""
        data = self.data.copy()
        for unit, names in self._units().items():
            for name in names:
                data.setlist(name, _raws(self.cleaned_data.get(name)))
                if unit not in self.merge.contested:
                    data.setlist(self.add_initial_prefix(name), _raws(self.initial.get(name)))
        return data

    def _changed(self, fields: dict) -> bool:
        """Whether the page sent these fields (a checkbox left empty sends nothing, so
        only a group with another field counts as sent) with a value not as stored."""
        sent = [
            name
            for name, field in fields.items()
            if not isinstance(field.widget, forms.CheckboxInput)
            and self.add_prefix(name) in self.data
        ]
        if not sent:
            return False
        for name, field in fields.items():
            raw = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
            stored = self.initial.get(name)
            try:
                value = field.clean(raw)
            except forms.ValidationError:
                # not a value the field takes now (a counting rule no longer offered):
                # unchanged only when it is the stored one as the page showed it
                if raw != ("" if stored is None else str(stored)):
                    return True
                continue
            shown = self._shown(name)
            if isinstance(field, forms.MultipleChoiceField):
                value, stored = sorted(value), sorted(stored or ())
                shown = sorted(shown) if shown is not MISSING else shown
            # left as the page showed it: not this editor's change (someone else's,
            # saved before the lock, stands)
            if value != stored and value != shown:
                return True
        return False

    def _group(self, names) -> list:
        return [self[name] for name in names if name in self.fields]

    @property
    def text_fields(self) -> list:
        return self._group(self.TEXT_FIELDS)

    @property
    def eligibility_fields(self) -> list:
        return self._group(self.ELIGIBILITY_FIELDS)

    @property
    def voting_fields(self) -> list:
        return self._group(self.VOTING_FIELDS)

    @property
    def cap_fields(self) -> list:
        return self._group(f"cap_{code}" for code in self.cap_codes)

    @property
    def phase_fields(self) -> list:
        return self._group(f"{kind}_{end}" for kind in self.phase_kinds for end in ("start", "end"))

    def counting_settings(self) -> dict:
        """The budget, ballot, caps and counting settings sent, or none when the form has
        no such fields (voting began)."""
        if "budget" not in self.fields:
            return {}
        settings = {name: self.cleaned_data[name] for name in self.VOTING_FIELDS}
        settings["caps"] = {
            code: self.cleaned_data[f"cap_{code}"]
            for code in self.cap_codes
            if self.cleaned_data.get(f"cap_{code}") is not None
        }
        return settings

    def eligibility_settings(self) -> dict:
        """Who may take part as sent, or nothing when that can no longer change."""
        if "scope" not in self.fields:
            return {}
        data = self.cleaned_data
        return {
            "scope": data["scope"],
            "neighbourhood_codes": data["neighbourhoods"],
            "min_age": data["min_age"],
            "must_live_in_area": data["must_live_in_area"],
        }


class QuestionForm(Form):
    kind = forms.ChoiceField(label=_("Soort vraag"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("Vraag"), max_length=300)
    choices = forms.CharField(
        label=_("Keuzes (één per regel)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    scale_min = forms.IntegerField(label=_("Schaal van"), min_value=-10, max_value=10, initial=1)
    scale_max = forms.IntegerField(
        label=_("Schaal tot en met"), min_value=-10, max_value=10, initial=5
    )
    required = forms.BooleanField(label=_("Verplicht"), required=False, initial=True)
