"""Who may take part in a process: checked from the resident's identity, never from a form.

Two facts decide it, both from the BRP as the login broker delivers them to
``accounts``: the postcode (mapped onto a neighbourhood by this app's
``PostcodeArea`` ranges) and the birth date (for a minimum age). When a fact the
process needs is missing, the answer is "no", with a message saying why: the check
fails closed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from stadhuis.accounts.brp import normalise_postcode
from stadhuis.accounts.models import Resident
from stadhuis.participation.models import Neighbourhood, PostcodeArea, Process, Scope


def neighbourhood_for_postcode(postcode: str) -> Neighbourhood | None:
    """The neighbourhood whose postcode range holds ``postcode`` (one query), or None."""
    postcode = normalise_postcode(postcode)
    if not postcode:
        return None
    area = (
        PostcodeArea.objects.filter(postcode_from__lte=postcode, postcode_to__gte=postcode)
        .select_related("neighbourhood")
        .order_by("postcode_from")
        .first()
    )
    return area.neighbourhood if area else None


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Completed years on ``day`` (someone born on 29 February turns a year older on 1 March)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


@dataclass(frozen=True)
class Eligibility:
    allowed: bool
    reason: str = ""
    neighbourhood: Neighbourhood | None = None


def resident_for(subject: str) -> Resident | None:
    if not subject:
        return None
    return Resident.objects.filter(pseudonym=subject).only("postcode", "birth_date").first()


def check(process: Process, resident: Resident | None, *, today: dt.date | None = None):
    """May this resident take part in this process today? With the reason when not."""
    if resident is None:
        return Eligibility(False, _("Log in met DigiD om mee te doen."))
    today = today or timezone.localdate()
    if process.min_age:
        if resident.birth_date is None:
            return Eligibility(
                False,
                _(
                    "Voor dit proces geldt een minimumleeftijd, maar we weten uw leeftijd niet. "
                    "Neem contact op met de gemeente."
                ),
            )
        if age_on(resident.birth_date, today) < process.min_age:
            return Eligibility(
                False,
                _("Om mee te doen moet u minstens %(age)d jaar zijn.") % {"age": process.min_age},
            )
    neighbourhood = neighbourhood_for_postcode(resident.postcode)
    if process.must_live_in_area:
        if neighbourhood is None:
            return Eligibility(
                False,
                _("Volgens onze gegevens woont u niet in de gemeente. Dan kunt u niet meedoen."),
            )
        if process.scope != Scope.CITY:
            # .all(): the neighbourhoods a page prefetched with the process, if it did
            allowed = {n.pk for n in process.neighbourhoods.all()}
            if neighbourhood.pk not in allowed:
                return Eligibility(
                    False,
                    _("Dit proces is alleen voor bewoners van het gebied. U woont in %(name)s.")
                    % {"name": neighbourhood.name},
                    neighbourhood,
                )
    return Eligibility(True, "", neighbourhood)
