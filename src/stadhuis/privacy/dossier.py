"""The resident's consents, for the burgerdossier."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stadhuis.core.dossier import Field, Record, Section
from stadhuis.privacy.models import Consent


def records(subject: str) -> list[Record]:
    consents = (
        Consent.objects.filter(subject=subject)
        .select_related("activity__current_version")
        .order_by("-given_at", "-id")
    )
    result = []
    for consent in consents:
        fields = [
            Field(_("Gegeven op"), date_format(consent.given_at, "j F Y, H:i"), correctable=False)
        ]
        if consent.withdrawn_at:
            fields.append(
                Field(
                    _("Ingetrokken op"),
                    date_format(consent.withdrawn_at, "j F Y, H:i"),
                    correctable=False,
                )
            )
        version = consent.activity.current_version
        result.append(
            Record(
                object_type="toestemming",
                object_id=str(consent.public_id),
                title=_("Toestemming: %(name)s") % {"name": _(version.name) if version else ""},
                activity=consent.activity.code,
                source=_("Door u gegeven"),
                created_at=consent.given_at,
                fields=fields,
            )
        )
    return result


SECTIONS = [
    Section(
        key="gegeven-toestemmingen",  # not "toestemmingen": that is the consents page
        title=gettext_lazy("Uw toestemmingen"),
        description=gettext_lazy("Waarvoor u de gemeente toestemming gaf, en wanneer."),
        models=("privacy.Consent",),
        records=records,
        object_types=("toestemming",),
        position=90,
    )
]
