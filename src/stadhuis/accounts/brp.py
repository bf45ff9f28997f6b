"""Facts about a resident that come from the BRP with the login: postcode and birth date.

The municipality's login broker (DigiD through an OpenID Connect broker) can pass the
resident's postcode and birth date from the Basisregistratie Personen. They are the only
source for the checks that depend on them (who may take part in a neighbourhood's
process, a minimum age): never a form field the resident fills in.

Claims are read as OpenID Connect Core names them by default: ``birthdate`` as
``YYYY-MM-DD`` and ``address.postal_code``; the claim names are settings because brokers
differ. Both fail closed rather than guess, each in its own way:

- The postcode is where the resident lives *now*, so every login replaces it: a login
  without a Dutch postcode (the resident moved abroad, or the broker passed none) leaves
  none (``""``), never the old one: a resident who moved away must not keep a say in
  their former neighbourhood.
- A birth date does not change: a login without a usable one (absent, year-only,
  ``0000-``) keeps what was stored (``None``); without any, an age check says no.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

_POSTCODE = re.compile(r"^[1-9][0-9]{3}[A-Z]{2}$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")  # fromisoformat also takes 1990-W20-4


def normalise_postcode(value: str) -> str:
    """``1011 ab`` → ``1011AB``; anything that is not a Dutch postcode → ``""``."""
    cleaned = "".join((value or "").split()).upper()
    return cleaned if _POSTCODE.match(cleaned) else ""


def claim(claims: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted claim path (``address.postal_code``), or None."""
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def birth_date_from_claim(value: Any, *, today: dt.date | None = None) -> dt.date | None:
    """A full ``YYYY-MM-DD`` date in the past 130 years, else None (``0000-05-17`` and
    ``1990`` are allowed by OpenID Connect but prove no age)."""
    if not isinstance(value, str) or not _DATE.match(value):
        return None
    try:
        born = dt.date.fromisoformat(value)
    except ValueError:
        return None
    today = today or timezone.localdate()
    if born > today or born.year < today.year - 130:
        return None
    return born


def postcode_from_claim(value: Any) -> str:
    """A valid Dutch postcode, normalised, else ``""``: the resident has none now (stored
    as such, so the old one does not stay)."""
    if not isinstance(value, str):
        return ""
    return normalise_postcode(value)
