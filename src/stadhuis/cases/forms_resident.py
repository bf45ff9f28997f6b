"""Forms of the resident's track & trace pages. They check the shape of the input;
the rules of the city are checked by the services (whose errors land on these forms)."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from stadhuis.cases.models import CaseKind, CaseType
from stadhuis.cases.uploads import MAX_BYTES
from stadhuis.core.errors import StadhuisError

MAX_FILES = 5
QUESTION_PREFIX = "q_"

postcode_validator = RegexValidator(
    r"^\s*[1-9][0-9]{3}\s?[A-Za-z]{2}\s*$",
    _("Vul een postcode in zoals 1234 AB."),
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Zero or more files from one ``<input type="file" multiple>``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


def _check_files(files) -> None:
    if len(files) > MAX_FILES:
        raise forms.ValidationError(
            _("U kunt hoogstens %(count)d bestanden meesturen."), params={"count": MAX_FILES}
        )
    for item in files:
        if item.size > MAX_BYTES:
            raise forms.ValidationError(
                _("Het bestand %(name)s is te groot. Het mag hoogstens 10 MB zijn."),
                params={"name": item.name},
            )


class ServiceErrorsMixin:
    """Put a services error on the field it names, or above the form."""

    field_map: dict[str, str] = {}

    def add_service_error(self, exc: StadhuisError) -> None:
        field = exc.details.get("field")
        field = self.field_map.get(field, field)
        self.add_error(field if field in self.fields else None, str(exc.message))


class CaseSubmitForm(ServiceErrorsMixin, forms.Form):
    """Open a case of one type. Its questions come from the case type."""

    description = forms.CharField(
        label=_("Omschrijving"),
        help_text=_("Vertel in een paar zinnen wat er aan de hand is."),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": _("Beschrijf kort waar het om gaat.")},
    )

    def __init__(self, *args, case_type: CaseType, anonymous: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.case_type = case_type
        self.field_map = {}
        for question in case_type.questions:
            name = QUESTION_PREFIX + question["name"]
            self.field_map[question["name"]] = name
            self.fields[name] = self._question_field(question)
        # The type's own questions (such as the category) come before the free text.
        self.order_fields([*self.field_map.values(), "description"])
        if case_type.kind == CaseKind.REPORT:
            self.fields["address"] = forms.CharField(
                label=_("Adres of plek (niet verplicht)"),
                help_text=_("Bijvoorbeeld: Dorpsstraat 12, of: bij de speeltuin in het park."),
                required=False,
                max_length=200,
                widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
            )
            self.fields["latitude"] = forms.DecimalField(
                label=_("Breedtegraad (niet verplicht)"),
                help_text=_("Alleen als u de precieze plek weet, bijvoorbeeld 52.370216."),
                required=False,
                min_value=-90,
                max_value=90,
                max_digits=9,
                decimal_places=6,
                widget=forms.TextInput(
                    attrs={"inputmode": "decimal", "class": "form-input--short"}
                ),
            )
            self.fields["longitude"] = forms.DecimalField(
                label=_("Lengtegraad (niet verplicht)"),
                help_text=_("Bijvoorbeeld 4.895168."),
                required=False,
                min_value=-180,
                max_value=180,
                max_digits=9,
                decimal_places=6,
                widget=forms.TextInput(
                    attrs={"inputmode": "decimal", "class": "form-input--short"}
                ),
            )
        self.fields["attachments"] = MultipleFileField(
            label=_("Foto's of documenten (niet verplicht)"),
            help_text=_("Foto (JPG of PNG) of PDF, hoogstens 10 MB per bestand, 5 bestanden."),
            required=False,
            widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
        )
        self.fields["keep_location"] = forms.BooleanField(
            label=_("Locatie in mijn foto bewaren"),
            help_text=_(
                "Een foto van een telefoon bevat vaak de plek waar u hem maakte. Die halen we "
                "eruit, tenzij u dit aanvinkt."
            ),
            required=False,
        )
        if anonymous:
            self.fields["email"] = forms.EmailField(
                label=_("E-mailadres (niet verplicht)"),
                help_text=_("Dan sturen we u bericht, en kunt u uw melding volgen."),
                required=False,
                max_length=254,
                error_messages={"invalid": _("Vul een e-mailadres in zoals naam@voorbeeld.nl.")},
                widget=forms.EmailInput(attrs={"autocomplete": "email"}),
            )
            self.fields["postcode"] = forms.CharField(
                label=_("Postcode (niet verplicht)"),
                help_text=_("Met uw postcode en het kenmerk kunt u uw melding later volgen."),
                required=False,
                max_length=7,
                validators=[postcode_validator],
                widget=forms.TextInput(
                    attrs={"autocomplete": "postal-code", "class": "form-input--short"}
                ),
            )

    @staticmethod
    def _question_field(question: dict) -> forms.Field:
        label = gettext(question["label"])
        required = bool(question.get("required"))
        messages = {"required": gettext("Vul dit in: %(label)s") % {"label": label}}
        if question.get("kind") == "choice":
            return forms.ChoiceField(
                label=label,
                required=required,
                choices=[(choice, gettext(choice)) for choice in question.get("choices", [])],
                widget=forms.RadioSelect,
                error_messages={
                    **messages,
                    "invalid_choice": gettext("Kies een van de mogelijkheden."),
                },
            )
        widget = forms.Textarea(attrs={"rows": 4}) if question.get("kind") == "textarea" else None
        return forms.CharField(
            label=label,
            required=required,
            max_length=2000,
            widget=widget,
            error_messages=messages,
        )

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        _check_files(files)
        return files

    def clean(self):
        cleaned = super().clean()
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        one_missing = (latitude is None) != (longitude is None)
        if one_missing and not (self.has_error("latitude") or self.has_error("longitude")):
            self.add_error(
                "latitude" if latitude is None else "longitude",
                gettext("Vul beide in: breedtegraad en lengtegraad. Of laat ze allebei leeg."),
            )
        return cleaned

    def answers(self) -> dict:
        return {
            question["name"]: self.cleaned_data.get(QUESTION_PREFIX + question["name"], "")
            for question in self.case_type.questions
            if self.cleaned_data.get(QUESTION_PREFIX + question["name"], "") not in ("", None)
        }


class ReplyForm(ServiceErrorsMixin, forms.Form):
    body = forms.CharField(
        label=_("Uw bericht"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": _("Schrijf een bericht.")},
    )


class DocumentForm(ServiceErrorsMixin, forms.Form):
    field_map = {None: "file"}

    file = forms.FileField(
        label=_("Bestand"),
        help_text=_("Foto (JPG of PNG) of PDF, hoogstens 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
        error_messages={"required": _("Kies een bestand."), "empty": _("Het bestand is leeg.")},
    )
    keep_location = forms.BooleanField(label=_("Locatie in mijn foto bewaren"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        _check_files([upload])
        return upload


class WithdrawForm(ServiceErrorsMixin, forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label=_("Waarom trekt u het in? (niet verplicht)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FeedbackForm(ServiceErrorsMixin, forms.Form):
    satisfied = forms.TypedChoiceField(
        label=_("Bent u tevreden over hoe we dit hebben afgehandeld?"),
        choices=[("ja", _("Ja, tevreden")), ("nee", _("Nee, niet tevreden"))],
        coerce=lambda value: value == "ja",
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies ja of nee.")},
    )
    text = forms.CharField(
        label=_("Wat wilt u ons vertellen?"),
        help_text=_("Niet tevreden? Vertel kort wat er niet goed ging."),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class EscalateForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Waarom bent u het niet eens met de afhandeling?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Schrijf waarom u het niet eens bent.")},
    )


class LookupForm(forms.Form):
    reference = forms.CharField(
        label=_("Kenmerk"),
        help_text=_("16 tekens, bijvoorbeeld AB12-CD34-EF56-GH78. U vindt het in uw bevestiging."),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("Vul het kenmerk in.")},
    )
    email_or_postcode = forms.CharField(
        label=_("E-mailadres of postcode"),
        help_text=_("Hetzelfde e-mailadres of dezelfde postcode als bij uw melding."),
        max_length=254,
        error_messages={"required": _("Vul uw e-mailadres of postcode in.")},
    )
