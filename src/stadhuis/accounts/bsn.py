"""The burgerservicenummer: nine digits that pass the elfproef (11-check)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def is_valid_bsn(value: str) -> bool:
    if len(value) != 9 or not value.isascii() or not value.isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(value, _WEIGHTS, strict=True))
    return total % 11 == 0 and value != "000000000"


def normalise_bsn(value: str) -> str:
    """Strip spaces, dots and dashes a person may type; keep everything else as given."""
    return "".join(ch for ch in str(value) if ch not in " .-\t")


def validate_bsn(value: str) -> str:
    """Return the normalised BSN, or raise a ValidationError with a clear Dutch message."""
    bsn = normalise_bsn(value)
    if len(bsn) != 9 or not bsn.isascii() or not bsn.isdigit():
        raise ValidationError(
            _("Een burgerservicenummer (BSN) bestaat uit 9 cijfers. U vulde iets anders in."),
            code="bsn_format",
        )
    if not is_valid_bsn(bsn):
        raise ValidationError(
            _(
                "Dit burgerservicenummer (BSN) bestaat niet. Kijk of u een cijfer verkeerd "
                "heeft getypt."
            ),
            code="bsn_checksum",
        )
    return bsn
