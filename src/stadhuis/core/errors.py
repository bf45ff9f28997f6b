"""Errors that services raise; web and API turn them into 4xx answers.

Each carries a message fit for the person in front of the screen (translated) and
a stable ``code`` for the API's problem+json ``type``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class StadhuisError(Exception):
    """Base class: a rule of the city was not met. Never a 5xx."""

    code = "error"
    status = 400
    default_message = _("Dit kan niet.")

    def __init__(self, message=None, **details):
        self.message = message or self.default_message
        self.details = details
        super().__init__(str(self.message))


class NotAllowed(StadhuisError):
    code = "forbidden"
    status = 403
    default_message = _("U mag dit niet doen.")


class NotFound(StadhuisError):
    code = "not-found"
    status = 404
    default_message = _("Dit is niet gevonden.")


class InvalidInput(StadhuisError):
    code = "invalid-input"
    status = 400
    default_message = _("De gegevens kloppen niet.")


class Conflict(StadhuisError):
    code = "conflict"
    status = 409
    default_message = _("Iemand anders heeft dit intussen gewijzigd.")
