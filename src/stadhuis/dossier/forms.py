"""Forms of the burgerdossier: they check the shape of the input; services decide."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stadhuis.cases.forms_resident import ServiceErrorsMixin
from stadhuis.dossier.models import AssistedSession
from stadhuis.dossier.services import NOTE_MAX
from stadhuis.privacy.models import Action

# Dates a database can hold, with a day to spare at either end for "until + 1 day".
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(9998, 12, 31)


class LogFilterForm(forms.Form):
    """Filter "who processed my data" by period, activity and action (GET)."""

    since = forms.DateField(
        label=_("Vanaf"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Vul een datum in, zoals 2026-03-31.")},
    )
    until = forms.DateField(
        label=_("Tot en met"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Vul een datum in, zoals 2026-03-31.")},
    )
    activity = forms.ChoiceField(label=_("Waarvoor"), required=False)
    action = forms.ChoiceField(
        label=_("Wat er gebeurde"),
        required=False,
        choices=[("", _("Alles")), *list(Action.choices)],
    )

    others_only = forms.BooleanField(label=_("Verberg wat ik zelf deed"), required=False)

    def __init__(self, *args, activities: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].choices = [("", _("Alles")), *activities]

    def _in_range(self, name):
        day = self.cleaned_data.get(name)
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise forms.ValidationError(_("Kies een datum tussen 1900 en 9998."))
        return day

    def clean_since(self):
        return self._in_range("since")

    def clean_until(self):
        return self._in_range("until")

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("Deze datum ligt voor de datum bij 'Vanaf'."))
        return cleaned


class RightsRequestForm(ServiceErrorsMixin, forms.Form):
    """Ask for correction, erasure, or object, about one data item."""

    field_map = {"correct_value": "correct_value", "explanation": "explanation"}

    correct_value = forms.CharField(
        label=_("Wat is het juiste gegeven?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    explanation = forms.CharField(
        label=_("Waarom vraagt u dit?"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, right: str, **kwargs):
        super().__init__(*args, **kwargs)
        if right != "correctie":
            del self.fields["correct_value"]
            self.fields["explanation"].required = True
            self.fields["explanation"].error_messages["required"] = _("Leg kort uit waarom.")
        else:
            self.fields["correct_value"].required = True
            self.fields["correct_value"].error_messages["required"] = _(
                "Schrijf op wat het juiste gegeven is."
            )
            self.fields["explanation"].label = _("Toelichting (als u wilt)")


class AssistedStartForm(ServiceErrorsMixin, forms.Form):
    """Start helping a resident: who (BSN, checked with their ID), how, why, and consent."""

    bsn = forms.CharField(
        label=_("Burgerservicenummer (BSN) van de inwoner"),
        help_text=_("Controleer eerst het identiteitsbewijs. 9 cijfers."),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("Vul het BSN van de inwoner in.")},
    )
    channel = forms.ChoiceField(
        label=_("Hoe helpt u?"),
        choices=AssistedSession.Channel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies hoe u de inwoner helpt.")},
    )
    reason = forms.CharField(
        label=_("Waarmee helpt u de inwoner?"),
        help_text=_("De inwoner leest dit later terug in het eigen dossier."),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Schrijf op waarmee u de inwoner helpt.")},
    )
    consent = forms.BooleanField(
        label=_("De inwoner geeft toestemming dat ik meekijk en help"),
        required=False,
    )


class AccessAnswerForm(ServiceErrorsMixin, forms.Form):
    """The privacy officer sends the answer to an access request and finishes it. The
    case's version is sent along (rendered from the case), so a second click or a
    colleague's change in between is refused instead of doing it twice."""

    field_map = {"result": "result", "explanation": "explanation"}

    version = forms.IntegerField(
        min_value=0,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Laad de pagina opnieuw."),
            "invalid": _("Laad de pagina opnieuw."),
            "min_value": _("Laad de pagina opnieuw."),
        },
    )
    result = forms.ChoiceField(
        label=_("Resultaat"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies een resultaat om de zaak af te sluiten."),
            "invalid_choice": _("Kies een resultaat om de zaak af te sluiten."),
        },
    )
    explanation = forms.CharField(
        label=_("Toelichting voor de inwoner (als u wilt)"),
        help_text=_(
            "De inwoner leest dit bij de afhandeling in Mijn zaken. Zonder toelichting "
            "staat er waar het antwoord te vinden is."
        ),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, results: list[tuple[str, str]], notes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].choices = results
        if len(results) == 1:
            self.fields["result"].initial = results[0][0]
        # Per internal note on the resident's cases: include it or not (not by default),
        # and the text as it goes out, which the officer rewrites without others' data.
        self.notes = []
        for note in notes:
            include = f"note-{note.pk}"
            text = f"note-{note.pk}-text"
            self.fields[include] = forms.BooleanField(
                label=_("Stuur deze notitie mee"), required=False
            )
            self.fields[text] = forms.CharField(
                label=_("Tekst voor de inwoner, zonder gegevens van anderen"),
                required=False,
                max_length=NOTE_MAX,
                initial=note.body,
                widget=forms.Textarea(attrs={"rows": 4}),
                strip=False,
            )
            self.notes.append((note, self[include], self[text]))

    def included_notes(self) -> dict[int, str]:
        """{note id: text} of the notes ticked (after ``is_valid``)."""
        return {
            note.pk: self.cleaned_data[f"note-{note.pk}-text"]
            for note, _include, _text in self.notes
            if self.cleaned_data.get(f"note-{note.pk}")
        }

    def clean(self):
        cleaned = super().clean()
        hidden = self._errors.pop("version", None) if self._errors else None
        if hidden:  # no field to show it at: above the form
            self.add_error(None, list(hidden))
        return cleaned


class AccessPostForm(AccessAnswerForm):
    """The privacy officer records that the answer to a request made without DigiD went
    by post, and finishes it: the day it was posted, with the case's version as above."""

    field_map = {"result": "result", "explanation": "explanation", "sent_on": "sent_on"}

    sent_on = forms.DateField(
        label=_("Op de post gedaan op"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Vul in op welke dag de brief op de post ging."),
            "invalid": _("Vul een datum in, zoals 2026-03-31."),
        },
    )
    field_order = ["version", "sent_on", "result", "explanation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sent_on"].initial = timezone.localdate()
        self.fields["explanation"].help_text = _(
            "De aanvrager leest dit bij de afhandeling, onder de dag en het adres van de brief."
        )
