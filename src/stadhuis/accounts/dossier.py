"""What the city keeps about a resident's account, for the burgerdossier."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stadhuis.accounts import activities
from stadhuis.accounts.models import Resident
from stadhuis.core.dossier import Field, Record, Section


def records(subject: str) -> list[Record]:
    resident = (
        Resident.objects.filter(pseudonym=subject)
        .select_related("user")
        .only(
            "display_name",
            "email",
            "postcode",
            "birth_date",
            "created_at",
            "user__public_id",
            "user__last_login",
        )
        .first()
    )
    if resident is None:
        return []
    fields = [
        Field(_("Naam"), resident.display_name or _("(niet bekend)")),
        Field(
            _("Burgerservicenummer (BSN)"),
            _(
                "Versleuteld bewaard. Overal elders kent de gemeente u alleen onder een "
                "pseudoniem dat van uw BSN is afgeleid."
            ),
            correctable=False,
        ),
    ]
    if resident.email:
        fields.append(Field(_("E-mailadres"), resident.email))
    if resident.postcode:
        fields.append(Field(_("Postcode"), resident.postcode))
    if resident.birth_date:
        fields.append(Field(_("Geboortedatum"), date_format(resident.birth_date, "j F Y")))
    if resident.user.last_login:
        fields.append(
            Field(
                _("Laatst ingelogd"),
                date_format(resident.user.last_login, "j F Y, H:i"),
                correctable=False,
            )
        )
    return [
        Record(
            object_type="inwoner",
            object_id=str(resident.user.public_id),
            title=_("Uw account"),
            activity=activities.LOGIN,
            source=_(
                "Van DigiD; postcode en geboortedatum uit de Basisregistratie Personen (bij elke "
                "inlog); wat u zelf heeft ingevuld"
            ),
            created_at=resident.created_at,
            fields=fields,
        )
    ]


def describe(subject: str, object_type: str, ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    return {object_id: (_("Uw account"), "") for object_id in ids}


SECTIONS = [
    Section(
        key="account",
        title=gettext_lazy("Uw account"),
        description=gettext_lazy("Wie u bent voor de gemeente als u inlogt."),
        models=("accounts.Resident", "accounts.User"),
        records=records,
        object_types=("inwoner", "bsn"),
        describe=describe,
        position=10,
    )
]
