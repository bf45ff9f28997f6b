"""The made-up residents of the demo city.

Shared by the demo login page (``accounts.views``) and the demo city generator
(``demo.services``, which gives some of them a history by BSN). Every BSN passes
the elfproef (a test checks it) and is a well-known test number, not a real person's.
Never used outside demo mode.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop as _

DEMO_RESIDENTS: list[dict[str, str]] = [
    {
        "bsn": "111222333",
        "name": "Anna de Vries",
        "story": _("Laat haar nieuwe paspoort thuisbezorgen en krijgt de nieuwsbrief."),
        "email": "anna.devries@example.nl",
        "postcode": "1011AB",
    },
    {
        "bsn": "123456782",
        "name": "Mohamed El Amrani",
        "story": _("Werd aan de balie van het stadhuis geholpen."),
        "email": "m.elamrani@example.nl",
        "postcode": "1012CD",
    },
    {
        "bsn": "111111110",
        "name": "Kees Jansen",
        "story": _("Stemde voor de burgerbegroting en maakte bezwaar tegen een besluit."),
        "email": "kees.jansen@example.nl",
        "postcode": "1013EF",
    },
    {
        "bsn": "555555550",
        "name": "Fatma Yılmaz",
        "story": _("Gaf toestemming voor de nieuwsbrief en trok die later weer in."),
        "email": "fatma.yilmaz@example.nl",
        "postcode": "1014GH",
    },
    {
        "bsn": "999910024",
        "name": "Sanne Bakker",
        "story": _("Logt voor het eerst in en heeft nog niets bij de gemeente lopen."),
        "email": "sanne.bakker@example.nl",
        "postcode": "1015IJ",
    },
]


def demo_resident(bsn: str) -> dict[str, str] | None:
    """The demo resident with this BSN, or None."""
    return next((r for r in DEMO_RESIDENTS if r["bsn"] == bsn), None)
