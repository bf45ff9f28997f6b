"""The dossier's own data on a resident: the times a staff member helped them."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stadhuis.core.dossier import Field, Record, Section
from stadhuis.dossier import activities
from stadhuis.dossier.models import AssistedSession
from stadhuis.privacy.queries import retention_days


def records(subject: str) -> list[Record]:
    sessions = AssistedSession.objects.filter(subject=subject).order_by("-started_at", "-id")
    days = retention_days({activities.ASSISTED}).get(activities.ASSISTED)
    return [
        Record(
            object_type="hulp",
            object_id=str(session.public_id),
            title=_("Hulp %(channel)s") % {"channel": session.get_channel_display()},
            activity=activities.ASSISTED,
            source=_("Vastgelegd door een medewerker van %(unit)s, met uw toestemming")
            % {"unit": session.staff_unit},
            created_at=session.started_at,
            fields=[
                Field(_("Waarmee u werd geholpen"), session.reason),
                Field(
                    _("Wanneer"),
                    date_format(session.started_at, "j F Y, H:i"),
                    correctable=False,
                ),
                Field(_("Afdeling"), session.staff_unit, correctable=False),
            ],
            # the retention job deletes it this long after the help started
            retained_until=(
                timezone.localtime(session.started_at).date() + dt.timedelta(days=days)
                if days is not None
                else None
            ),
        )
        for session in sessions
    ]


def describe(subject: str, object_type: str, ids) -> dict[str, tuple[str, str]]:
    rows = AssistedSession.objects.filter(subject=subject, public_id__in=list(ids)).values_list(
        "public_id", "channel"
    )
    channels = dict(AssistedSession.Channel.choices)
    return {
        str(public_id): (_("Hulp %(channel)s") % {"channel": channels[channel]}, "")
        for public_id, channel in rows
    }


SECTIONS = [
    Section(
        key="hulp",
        title=gettext_lazy("Hulp van een medewerker"),
        description=gettext_lazy(
            "Wanneer een medewerker u hielp aan de balie of aan de telefoon, en waarmee."
        ),
        models=("dossier.AssistedSession",),
        records=records,
        object_types=("hulp",),
        describe=describe,
        position=80,
    )
]
