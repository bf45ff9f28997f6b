"""The staff login form: password and TOTP code in one step."""

from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_otp import match_token

from stadhuis.accounts.models import User


class StaffLoginForm(forms.Form):
    """Username, password and the 6-digit code from the authenticator app.

    Every wrong combination gives the same message, so the form does not tell which
    part was wrong. A wrong code counts as a failed login for django-axes, just like a
    wrong password, so guessing codes leads to the same lockout.
    """

    username = forms.CharField(
        label=_("Gebruikersnaam"),
        max_length=150,
        error_messages={"required": _("Vul uw gebruikersnaam in.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label=_("Wachtwoord"),
        strip=False,
        error_messages={"required": _("Vul uw wachtwoord in.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    otp_token = forms.RegexField(
        label=_("Code uit uw authenticator-app"),
        help_text=_("De 6 cijfers die de app nu laat zien."),
        regex=r"^\s*\d{6}\s*$",
        error_messages={
            "required": _("Vul de code uit uw authenticator-app in."),
            "invalid": _("De code bestaat uit 6 cijfers."),
        },
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "form-input--short",
            }
        ),
    )

    error_messages = {
        "invalid_login": _(
            "De gebruikersnaam, het wachtwoord of de code klopt niet. Let op hoofdletters en "
            "kijk of de code nog geldig is."
        ),
    }

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user = None
        self.device = None
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        username = cleaned.get("username")
        password = cleaned.get("password")
        token = (cleaned.get("otp_token") or "").strip()
        if self.errors or not (username and password and token):
            return cleaned
        # django-axes (the first backend) refuses locked-out users here and counts
        # a wrong password as a failure.
        user = authenticate(self.request, username=username, password=password)
        if user is None:
            raise ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        device = match_token(user, token) if user.kind == User.Kind.STAFF else None
        if device is None:
            # Residents never log in here, and a wrong code is a failed login.
            user_login_failed.send(
                sender=__name__, credentials={"username": username}, request=self.request
            )
            raise ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        self.user = user
        self.device = device
        return cleaned
