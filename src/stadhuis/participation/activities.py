"""Processing activities the participation app's own code names (seeded after migrate)."""

from django.utils.translation import gettext_noop as _

IDEAS = "meedoen-ideeen"
MODERATION = "meedoen-moderatie"
CONSULTATION = "meedoen-raadplegingen"
VOTING = "meedoen-stemregister"
FUNDS = "meedoen-wijkfondsen"

_BASIS = "Gemeentewet, art. 150 (participatieverordening)"
_SECURITY = _(
    "U staat er alleen als pseudoniem in, niet met uw naam of BSN. Alleen medewerkers met "
    "een rol zien meer; elke verwerking wordt gelogd."
)

ACTIVITIES = [
    {
        "code": IDEAS,
        "name": _("Ideeën, steun en reacties bij een participatieproces"),
        "purpose": _(
            "Uw idee, uw steun voor ideeën van anderen en uw reacties tonen en meenemen in "
            "het proces. We kijken naar uw postcode en leeftijd om te zien of u mee mag doen."
        ),
        "legal_basis": "public_task",
        "legal_basis_detail": _BASIS,
        "controller_unit": "Participatie",
        "data_subject_categories": ["deelnemers aan participatie"],
        "personal_data_categories": [
            "pseudoniem",
            "tekst van uw idee of reactie",
            "foto",
            "postcode (buurt)",
            "leeftijd",
        ],
        "recipients": [],
        "retention_days": 5 * 365,
        "retention_description": _("5 jaar na afloop van het proces"),
        "security_measures": _SECURITY,
        "dpia_required": False,
    },
    {
        "code": MODERATION,
        "name": _("Modereren van ideeën en reacties"),
        "purpose": _(
            "Ideeën en reacties die de regels breken verbergen of afwijzen, met een reden die "
            "de schrijver ziet, en meldingen van misbruik afhandelen."
        ),
        "legal_basis": "public_task",
        "legal_basis_detail": _BASIS,
        "controller_unit": "Participatie",
        "data_subject_categories": ["deelnemers aan participatie", "melders van misbruik"],
        "personal_data_categories": ["pseudoniem", "tekst van uw idee of reactie", "melding"],
        "recipients": [],
        "retention_days": 5 * 365,
        "retention_description": _("5 jaar na afloop van het proces"),
        "security_measures": _SECURITY,
        "dpia_required": False,
    },
    {
        "code": CONSULTATION,
        "name": _("Antwoorden op een raadpleging"),
        "purpose": _(
            "Uw antwoorden op een vragenlijst van de gemeente tellen en, als ze open zijn, "
            "na moderatie tonen zonder uw naam."
        ),
        "legal_basis": "public_task",
        "legal_basis_detail": _BASIS,
        "controller_unit": "Participatie",
        "data_subject_categories": ["deelnemers aan raadplegingen"],
        "personal_data_categories": ["pseudoniem", "antwoorden", "postcode (buurt)", "leeftijd"],
        "recipients": [],
        "retention_days": 2 * 365,
        "retention_description": _("2 jaar na afloop van de raadpleging"),
        "security_measures": _SECURITY,
        "dpia_required": False,
    },
    {
        "code": VOTING,
        "name": _("Stemregister van de burgerbegroting"),
        "purpose": _(
            "Bijhouden dát u hebt gestemd en wanneer, zodat iedereen één keer stemt. Wat u "
            "stemde staat apart, zonder verband met u: dat kan niemand bij de gemeente zien."
        ),
        "legal_basis": "public_task",
        "legal_basis_detail": _BASIS,
        "controller_unit": "Participatie",
        "data_subject_categories": ["stemmers in de burgerbegroting"],
        "personal_data_categories": [
            "pseudoniem",
            "moment van stemmen",
            "begin van uw stembewijs",
            "postcode (buurt)",
            "leeftijd",
        ],
        "recipients": [],
        "retention_days": 365,
        "retention_description": _("1 jaar na de uitslag"),
        "security_measures": _(
            "Stemregister en stembiljetten zijn gescheiden: een stembiljet heeft geen tijd, "
            "geen volgnummer en geen verwijzing naar u, alleen een hash van uw stembewijs."
        ),
        "dpia_required": False,
    },
    {
        "code": FUNDS,
        "name": _("Aanvragen voor het wijkfonds en right to challenge"),
        "purpose": _(
            "Uw aanvraag of uitdaging beoordelen en volgen als zaak, handtekeningen van buren "
            "tellen, en het besluit en bedrag openbaar maken."
        ),
        "legal_basis": "public_task",
        "legal_basis_detail": _BASIS,
        "controller_unit": "Participatie",
        "data_subject_categories": ["aanvragers", "buren die tekenen"],
        "personal_data_categories": ["pseudoniem", "plan en begroting", "handtekening"],
        "recipients": [],
        "retention_days": 7 * 365,
        "retention_description": _("7 jaar na het besluit (financiële verantwoording)"),
        "security_measures": _SECURITY,
        "dpia_required": False,
    },
]
