"""Template filters shared by every page."""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils.translation import gettext

register = template.Library()


@register.filter
def catalog(value):
    """Translate stored text that was written from a translatable source.

    Texts that the platform seeds into the database (e.g. the built-in processing
    activities, marked with ``gettext_noop``) are stored in Dutch; this shows them in
    the reader's language when the catalogue has them, and as stored otherwise.
    """
    if not value:
        return value
    return gettext(str(value))


@register.filter
def minutes(value):
    """Whole minutes in a timedelta (rounded up), for texts such as "over 30 minuten"."""
    if not isinstance(value, timedelta):
        return value
    seconds = int(value.total_seconds())
    return max(0, -(-seconds // 60))


@register.filter
def hidden_errors(form) -> bool:
    """Whether a hidden field of the form is wrong: only a changed or broken page sends
    that, and the visitor can do nothing with the field's own message."""
    return any(field.errors for field in form.hidden_fields())
