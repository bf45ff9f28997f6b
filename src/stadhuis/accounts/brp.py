"""Facts about a resident that come from the BRP with the login: postcode and birth date.

The municipality's login broker (DigiD through an OpenID Connect broker) can pass the
resident's postcode and birth date from the Basisregistratie Personen. They are the only
source for the checks that depend on them (who may take part in a neighbourhood's
process, a minimum age): never a form field the resident fills in.

Claims are read as OpenID Connect Core names them by default: ``birthdate`` as
``YYYY-MM-DD`` and ``address.postal_code``; the claim names are settings because brokers
differ. A value that is not a complete, plausible fact is left out (``None``), so the
checks fail closed rather than guess: a year-only birth date does not prove an age.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

_POSTCODE = re.compile(r"^[1-9][0-9]{3}[A-Z]{2}$")


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
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        born = dt.date.fromisoformat(value)
    except ValueError:
        return None
    today = today or timezone.localdate()
    if born > today or born.year < today.year - 130:
        return None
    return born


def postcode_from_claim(value: Any) -> str | None:
    """A valid Dutch postcode, normalised, else None."""
    if not isinstance(value, str):
        return None
    return normalise_postcode(value) or None
