"""Processing activities that the accounts app itself needs (seeded after migrate)."""

from django.utils.translation import gettext_noop as _

LOGIN = "inloggen-inwoner"
BSN_LOOKUP = "bsn-inzien"

ACTIVITIES = [
    {
        "code": LOGIN,
        "name": _("Inloggen met DigiD en uw account bij de gemeente"),
        "purpose": _(
            "Vaststellen wie u bent als u inlogt, zodat u alleen uw eigen gegevens ziet "
            "en uw aanvragen kunt volgen. Uw postcode en geboortedatum gebruiken we alleen om "
            "te zien of u mag meedoen, bijvoorbeeld aan een wijkbudget of een peiling met een "
            "minimumleeftijd."
        ),
        "legal_basis": "public_task",
        "legal_basis_detail": "Wet digitale overheid, art. 8",
        "controller_unit": "Dienstverlening",
        "data_subject_categories": ["inwoners"],
        "personal_data_categories": [
            "burgerservicenummer (versleuteld)",
            "naam",
            "postcode en geboortedatum (uit de BRP, via de inlogdienst)",
            "inlogmomenten",
        ],
        "recipients": [],
        "retention_days": None,
        "retention_description": _("Zolang u een account heeft"),
        "security_measures": _(
            "BSN versleuteld opgeslagen; overal een pseudoniem in plaats van het BSN; "
            "inloggen via DigiD (betrouwbaarheidsniveau substantieel)."
        ),
        "dpia_required": False,
    },
    {
        "code": BSN_LOOKUP,
        "name": _("Uw burgerservicenummer gebruiken"),
        "purpose": _(
            "Uw BSN gebruiken waar de wet dat vraagt, bijvoorbeeld om gegevens op te vragen "
            "bij de Basisregistratie Personen."
        ),
        "legal_basis": "legal_obligation",
        "legal_basis_detail": "Wet algemene bepalingen burgerservicenummer, art. 10",
        "controller_unit": "Dienstverlening",
        "data_subject_categories": ["inwoners"],
        "personal_data_categories": ["burgerservicenummer"],
        "recipients": [],
        "retention_days": None,
        "retention_description": _("Zolang u een account heeft"),
        "security_measures": _("Alleen leesbaar via één dienst die elke inzage logt."),
        "dpia_required": False,
    },
]
