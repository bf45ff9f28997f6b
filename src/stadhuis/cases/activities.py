"""Processing activities the cases app's own code names (seeded after migrate)."""

from django.utils.translation import gettext_noop as _

NOTIFY = "zaken-berichten"

ACTIVITIES = [
    {
        "code": NOTIFY,
        "name": _("Berichten over uw zaak per e-mail"),
        "purpose": _(
            "U per e-mail laten weten dat er iets is veranderd in uw aanvraag, melding of "
            "klacht, als die stap dat vraagt."
        ),
        "legal_basis": "public_task",
        "legal_basis_detail": "Algemene wet bestuursrecht, art. 2:14",
        "controller_unit": "Dienstverlening",
        "data_subject_categories": ["indieners van zaken"],
        "personal_data_categories": ["e-mailadres", "kenmerk van de zaak"],
        "recipients": [],
        "retention_days": 365,
        "retention_description": _("1 jaar na verzending"),
        "security_measures": _("Berichten bevatten alleen het kenmerk en de status, geen inhoud."),
        "dpia_required": False,
    },
]
