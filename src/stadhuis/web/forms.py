"""Forms of the web layer itself (the demo login; app forms live in their apps)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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
        cleaned["login_bsn"] = bsn
        cleaned["display_name"] = person["name"] if person else gettext("Demo-inwoner")
        return cleaned
