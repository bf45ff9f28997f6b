"""Processing activities the dossier's own code names (seeded after migrate)."""

from django.utils.translation import gettext_noop as _

DOSSIER = "burgerdossier"
ASSISTED = "balie-hulp"

ACTIVITIES = [
    {
        "code": DOSSIER,
        "name": _("Uw burgerdossier: inzien en downloaden"),
        "purpose": _(
            "U laten zien welke gegevens de gemeente over u heeft, wie ze gebruikte en "
            "waarom, en ze u laten downloaden."
        ),
        "legal_basis": "legal_obligation",
        "legal_basis_detail": "AVG art. 15 (recht op inzage) en art. 20 (overdraagbaarheid)",
        "controller_unit": "Privacy en Informatiebeveiliging",
        "data_subject_categories": ["inwoners die hun dossier bekijken"],
        "personal_data_categories": ["alle gegevens die de gemeente over u heeft"],
        "recipients": [],
        "retention_days": None,
        "retention_description": _(
            "Het dossier zelf bewaart niets. Dat u keek of downloadde, staat als bewijs in "
            "het logboek, zolang het logboek bestaat."
        ),
        "security_measures": _(
            "Alleen na inloggen met DigiD; u ziet alleen uw eigen gegevens; elke inzage en "
            "download komt in het logboek."
        ),
        "dpia_required": False,
    },
    {
        "code": ASSISTED,
        "name": _("Hulp aan de balie of aan de telefoon"),
        "purpose": _(
            "Een medewerker helpt u met uw zaken als u dat zelf online niet kunt, nadat u "
            "daar toestemming voor heeft gegeven."
        ),
        "legal_basis": "public_task",
        "legal_basis_detail": "Wet digitale overheid, art. 8; Gemeentewet, art. 160",
        "controller_unit": "Dienstverlening",
        "data_subject_categories": ["inwoners die hulp vragen"],
        "personal_data_categories": ["naam", "reden van de hulp", "wat samen is gedaan"],
        "recipients": [],
        "retention_days": 365,
        "retention_description": _("1 jaar"),
        "security_measures": _(
            "Alleen met uw toestemming, vastgelegd met de reden; de hulp stopt vanzelf na "
            "een half uur; alles wat de medewerker doet staat in uw logboek."
        ),
        "dpia_required": False,
    },
]
