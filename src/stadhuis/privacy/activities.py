"""Processing activities the privacy spine's own code names (seeded after migrate)."""

from django.utils.translation import gettext_noop as _

CONSENTS = "toestemmingen"
RETENTION = "bewaartermijnen"

# The spine cannot work without these: they cannot be switched off in the register.
REQUIRED = (CONSENTS, RETENTION)

ACTIVITIES = [
    {
        "code": CONSENTS,
        "name": _("Uw toestemmingen bijhouden"),
        "purpose": _(
            "Vastleggen waarvoor u toestemming gaf en wanneer u die introk, zodat de gemeente "
            "kan laten zien dat zij alleen met uw toestemming die gegevens gebruikt."
        ),
        "legal_basis": "legal_obligation",
        "legal_basis_detail": "AVG art. 7 lid 1 (aantonen van toestemming)",
        "controller_unit": "Privacy en Informatiebeveiliging",
        "data_subject_categories": ["inwoners die toestemming gaven"],
        "personal_data_categories": ["pseudoniem", "verwerking", "datum van geven en intrekken"],
        "recipients": [],
        # counted from the withdrawal; an open consent is kept while it lasts
        "retention_days": 365,
        "retention_description": _(
            "Zolang uw toestemming geldt, en 1 jaar nadat u die introk, om te kunnen "
            "aantonen dat de gemeente toestemming had"
        ),
        "security_measures": _(
            "Alleen een pseudoniem van uw BSN; wijzigen kan alleen via uzelf (intrekken)."
        ),
        "dpia_required": False,
    },
    {
        "code": RETENTION,
        "name": _("Gegevens verwijderen na de bewaartermijn"),
        "purpose": _(
            "Uw gegevens verwijderen of anoniem maken zodra de bewaartermijn voorbij is, en "
            "vastleggen dat dat is gebeurd."
        ),
        "legal_basis": "legal_obligation",
        "legal_basis_detail": "AVG art. 5 lid 1 e (opslagbeperking) en art. 17",
        "controller_unit": "Privacy en Informatiebeveiliging",
        "data_subject_categories": ["iedereen van wie de gemeente gegevens heeft"],
        "personal_data_categories": ["pseudoniem", "welk gegeven werd verwijderd"],
        "recipients": [],
        "retention_days": None,
        "retention_description": _("Het bewijs van verwijderen blijft in het logboek"),
        "security_measures": _(
            "Een automatische taak; alleen het kenmerk van wat verwijderd is blijft over."
        ),
        "dpia_required": False,
    },
]
