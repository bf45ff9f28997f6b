"""Forms of the web layer itself (the demo login; app forms live in their apps)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from stadhuis.accounts.brp import birth_date_from_claim, normalise_postcode
from stadhuis.accounts.bsn import validate_bsn
from stadhuis.demo.residents import DEMO_RESIDENTS, demo_resident

OTHER = "anders"


class DemoLoginForm(forms.Form):
    """Demo mode only: log in as a made-up resident, without DigiD."""

    resident = forms.ChoiceField(
        label=_("Als wie wilt u inloggen?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies een inwoner, of kies 'Een ander BSN'.")},
    )
    bsn = forms.CharField(
        label=_("Ander burgerservicenummer (BSN)"),
        help_text=_("Alleen invullen als u hierboven 'Een ander BSN' kiest. 9 cijfers."),
        required=False,
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "class": "form-input--short"}
        ),
    )

    # What the BRP says about a typed BSN: on the real site it comes with the login
    # (accounts.brp); in the demo the visitor plays the BRP, to try who may take part.
    postcode = forms.CharField(
        label=_("Postcode (optioneel)"),
        help_text=_(
            "Alleen bij 'Een ander BSN'. Op de echte website komt dit uit de Basisregistratie "
            "Personen. De demogemeente heeft de postcodes 1011 tot en met 1016."
        ),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "form-input--short"}),
    )
    birth_date = forms.DateField(
        label=_("Geboortedatum (optioneel)"),
        help_text=_("Alleen bij 'Een ander BSN'. Bijvoorbeeld 17-05-1990."),
        required=False,
        input_formats=["%d-%m-%Y", "%Y-%m-%d"],
        error_messages={
            "invalid": _("Schrijf de datum als dag-maand-jaar, bijvoorbeeld 17-05-1990.")
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "form-input--short"}),
    )

    def clean_postcode(self) -> str | None:
        typed = self.cleaned_data.get("postcode", "")
        if not typed.strip():
            return None
        postcode = normalise_postcode(typed)
        if not postcode:
            raise ValidationError(_("Schrijf een postcode zoals 1011 AB."))
        return postcode

    def clean_birth_date(self):
        born = self.cleaned_data.get("birth_date")
        if born is not None and birth_date_from_claim(born.isoformat()) is None:
            raise ValidationError(_("Deze geboortedatum kan niet kloppen."))
        return born

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resident"].choices = [
            (
                person["bsn"],
                format_html("<strong>{}</strong>: {}", person["name"], gettext(person["story"])),
            )
            for person in DEMO_RESIDENTS
        ] + [(OTHER, gettext("Een ander BSN"))]

    def clean(self):
        cleaned = super().clean()
        choice = cleaned.get("resident")
        if choice is None:
            return cleaned
        if choice == OTHER:
            typed = cleaned.get("bsn", "")
            if not typed:
                self.add_error("bsn", gettext("Vul een BSN in, of kies een inwoner uit de lijst."))
                return cleaned
            try:
                bsn = validate_bsn(typed)
            except ValidationError as exc:
                self.add_error("bsn", exc)
                return cleaned
        else:
            bsn = choice
        person = demo_resident(bsn)
        if person is not None:
            # a listed resident's BRP facts are the demo city's own, also when their BSN is
            # typed: ignore what was typed, so no visitor changes them for the next one
            cleaned["postcode"] = cleaned["birth_date"] = None
            for name in ("postcode", "birth_date"):
                self.errors.pop(name, None)
        cleaned["login_bsn"] = bsn
        cleaned["display_name"] = person["name"] if person else gettext("Demo-inwoner")
        return cleaned
