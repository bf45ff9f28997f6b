"""The demo city's case types (zaaktypen), in plain language."""

from __future__ import annotations

from django.utils.translation import gettext_noop as _


def _flow(*, received: str, working: str, done: str, waiting: str | None = None) -> list[dict]:
    statuses = [
        {
            "code": "ontvangen",
            "name": _("Ontvangen"),
            "resident_text": received,
            "notify": True,
            "next": ["in-behandeling", "afgehandeld"],
        },
        {
            "code": "in-behandeling",
            "name": _("In behandeling"),
            "resident_text": working,
            "notify": True,
            "next": ["afgehandeld"] + (["wacht-op-u"] if waiting else []),
        },
    ]
    if waiting:
        statuses.append(
            {
                "code": "wacht-op-u",
                "name": _("Wacht op u"),
                "resident_text": waiting,
                "notify": True,
                "next": ["in-behandeling", "afgehandeld"],
            }
        )
    statuses.append(
        {
            "code": "afgehandeld",
            "name": _("Afgehandeld"),
            "resident_text": done,
            "notify": True,
            "final": True,
        }
    )
    return statuses


CASE_TYPES = [
    {
        "code": "melding-openbare-ruimte",
        "kind": "report",
        "name": _("Melding openbare ruimte"),
        "explanation": _(
            "Ziet u iets kapot of vies op straat, in het park of op de stoep? "
            "Meld het hier. U mag dit ook zonder in te loggen doen."
        ),
        "processing_activity": "meldingen-openbare-ruimte",
        "confidentiality": "intern",
        "department": "Stadsbeheer",
        "term_amount": 10,
        "term_unit": "working_days",
        "term_is_statutory": False,
        "anonymous_allowed": True,
        "questions": [
            {
                "name": "categorie",
                "label": _("Waar gaat het over?"),
                "kind": "choice",
                "required": True,
                "choices": [
                    _("Straatverlichting"),
                    _("Afval"),
                    _("Bestrating"),
                    _("Groen"),
                    _("Overlast"),
                    _("Anders"),
                ],
            },
        ],
        "statuses": _flow(
            received=_("We hebben uw melding ontvangen."),
            working=_("Een medewerker of aannemer gaat ermee aan de slag."),
            done=_(
                "We hebben uw melding afgehandeld. Niet tevreden? Laat het ons binnen 14 "
                "dagen weten, dan kijken we opnieuw."
            ),
        ),
        "results": [
            {
                "code": "opgelost",
                "name": _("Opgelost"),
                "resident_text": _("Het probleem is opgelost."),
            },
            {
                "code": "niet-gemeente",
                "name": _("Niet van de gemeente"),
                "resident_text": _(
                    "Dit valt niet onder de gemeente. We hebben u verteld wie wel helpt."
                ),
            },
        ],
    },
    {
        "code": "klacht",
        "kind": "complaint",
        "name": _("Klacht over de gemeente"),
        "explanation": _(
            "Bent u niet tevreden over hoe de gemeente u heeft behandeld? Dien "
            "een klacht in. We reageren binnen 6 weken. Bent u daarna nog niet tevreden, dan kunt "
            "u naar de ombudsman."
        ),
        "processing_activity": "klachtbehandeling",
        "confidentiality": "zaakvertrouwelijk",
        "department": "Klachtencoördinatie",
        "term_amount": 6,
        "term_unit": "weeks",
        "can_extend": True,
        "extension_amount": 4,
        "extension_unit": "weeks",
        "statuses": _flow(
            received=_("We hebben uw klacht ontvangen. U krijgt een ontvangstbevestiging."),
            working=_("Een klachtbehandelaar bekijkt uw klacht en neemt contact met u op."),
            waiting=_("We wachten op informatie van u. Kijk bij de berichten wat we nodig hebben."),
            done=_("We hebben uw klacht afgehandeld. Leest u de uitkomst hieronder."),
        ),
        "results": [
            {
                "code": "gegrond",
                "name": _("Gegrond"),
                "resident_text": _("U heeft gelijk. We vertellen wat we eraan doen."),
            },
            {
                "code": "ongegrond",
                "name": _("Ongegrond"),
                "resident_text": _("We vinden dat de gemeente goed heeft gehandeld."),
            },
        ],
    },
    {
        "code": "reisdocument-thuisbezorgen",
        "kind": "request",
        "name": _("Paspoort of ID-kaart thuis laten bezorgen"),
        "explanation": _(
            "Laat uw nieuwe paspoort of identiteitskaart thuis bezorgen. Kies een "
            "dag en tijdvak. U moet zelf thuis zijn en uw oude document laten zien."
        ),
        "processing_activity": "reisdocumenten-thuisbezorging",
        "confidentiality": "vertrouwelijk",
        "department": "Burgerzaken",
        "term_amount": 10,
        "term_unit": "working_days",
        "term_is_statutory": False,
        "questions": [
            {"name": "bezorgadres", "label": _("Bezorgadres"), "kind": "text", "required": True},
            {
                "name": "tijdvak",
                "label": _("Tijdvak"),
                "kind": "choice",
                "required": True,
                "choices": ["08:00-12:00", "12:00-17:00", "17:00-21:00"],
            },
        ],
        "statuses": _flow(
            received=_("We hebben uw aanvraag ontvangen."),
            working=_("Uw document ligt klaar voor bezorging."),
            done=_("Uw document is bezorgd."),
        ),
        "results": [
            {
                "code": "bezorgd",
                "name": _("Bezorgd"),
                "resident_text": _("Uw document is bezorgd."),
            },
            {
                "code": "niet-thuis",
                "name": _("Niet thuis"),
                "resident_text": _(
                    "We troffen u niet thuis. Haal het document op in het stadhuis."
                ),
            },
        ],
    },
    {
        "code": "bezwaar",
        "kind": "objection",
        "name": _("Bezwaar tegen een besluit"),
        "explanation": _(
            "Bent u het niet eens met een besluit van de gemeente? Maak binnen 6 "
            "weken na het besluit bezwaar. We beslissen binnen 6 weken; dat kan één keer met 6 "
            "weken worden verlengd."
        ),
        "processing_activity": "bezwaarschriften",
        "confidentiality": "vertrouwelijk",
        "department": "Juridische Zaken",
        "term_amount": 6,
        "term_unit": "weeks",
        "can_suspend": True,
        "can_extend": True,
        "extension_amount": 6,
        "extension_unit": "weeks",
        "questions": [
            {
                "name": "besluit",
                "label": _("Over welk besluit gaat het? (datum en kenmerk)"),
                "kind": "text",
                "required": True,
            },
        ],
        "statuses": _flow(
            received=_("We hebben uw bezwaar ontvangen."),
            working=_("We bekijken uw bezwaar. Misschien nodigen we u uit voor een gesprek."),
            waiting=_("We wachten op informatie van u."),
            done=_("We hebben besloten op uw bezwaar."),
        ),
        "results": [
            {
                "code": "gegrond",
                "name": _("Gegrond"),
                "resident_text": _("U krijgt gelijk. Het besluit wordt aangepast."),
            },
            {
                "code": "ongegrond",
                "name": _("Ongegrond"),
                "resident_text": _(
                    "Het besluit blijft zoals het was. U kunt in beroep bij de rechter."
                ),
            },
        ],
    },
    {
        "code": "avg-inzage",
        "kind": "access_request",
        "name": _("Inzage in uw gegevens (AVG artikel 15)"),
        "explanation": _(
            "Vraag welke gegevens de gemeente over u heeft en wat we ermee doen. "
            "U krijgt binnen een maand antwoord."
        ),
        "processing_activity": "avg-verzoeken",
        "confidentiality": "vertrouwelijk",
        "department": "Privacy en Informatiebeveiliging",
        "term_amount": 1,
        "term_unit": "months",
        "can_extend": True,
        "extension_amount": 2,
        "extension_unit": "months",
        "statuses": _flow(
            received=_("We hebben uw verzoek ontvangen."),
            working=_("We verzamelen uw gegevens."),
            done=_("We hebben uw verzoek afgehandeld. Hieronder leest u het resultaat."),
        ),
        "results": [
            {
                "code": "verstrekt",
                "name": _("Verstrekt"),
                "resident_text": _("U heeft een overzicht van uw gegevens gekregen."),
            },
            {
                "code": "geweigerd",
                "name": _("Geweigerd"),
                "resident_text": _(
                    "We geven u de gegevens niet. Waarom niet, leest u in de toelichting. Bent "
                    "u het daar niet mee eens? Dan kunt u een klacht indienen bij de Autoriteit "
                    "Persoonsgegevens of naar de rechter gaan."
                ),
                "closes_without_answer": True,
            },
            {
                "code": "ingetrokken",
                "name": _("Ingetrokken"),
                "resident_text": _(
                    "U heeft uw verzoek ingetrokken. U kunt altijd een nieuw verzoek doen."
                ),
                "closes_without_answer": True,
            },
        ],
    },
    {
        "code": "avg-correctie",
        "kind": "correction_request",
        "name": _("Correctie van uw gegevens (AVG artikel 16)"),
        "explanation": _("Kloppen gegevens niet die de gemeente over u heeft? Vraag om correctie."),
        "processing_activity": "avg-verzoeken",
        "confidentiality": "vertrouwelijk",
        "department": "Privacy en Informatiebeveiliging",
        "term_amount": 1,
        "term_unit": "months",
        "can_extend": True,
        "extension_amount": 2,
        "extension_unit": "months",
        "questions": [
            {
                "name": "gegeven",
                "label": _("Welk gegeven klopt niet?"),
                "kind": "text",
                "required": True,
            },
            {"name": "juist", "label": _("Wat moet het zijn?"), "kind": "text", "required": True},
        ],
        "statuses": _flow(
            received=_("We hebben uw verzoek ontvangen."),
            working=_("We controleren het gegeven."),
            done=_("We hebben besloten over uw verzoek."),
        ),
        "results": [
            {
                "code": "gecorrigeerd",
                "name": _("Gecorrigeerd"),
                "resident_text": _("We hebben het gegeven verbeterd."),
            },
            {
                "code": "afgewezen",
                "name": _("Afgewezen"),
                "resident_text": _("Het gegeven klopt volgens ons. We leggen uit waarom."),
            },
        ],
    },
    {
        "code": "avg-bezwaar",
        "kind": "processing_objection",
        "name": _("Bezwaar tegen het gebruik van uw gegevens (AVG artikel 21)"),
        "explanation": _(
            "Gebruikt de gemeente uw gegevens voor een taak van algemeen belang, en wilt u "
            "dat niet? Maak bezwaar. De gemeente stopt, tenzij zij zwaarwegende redenen "
            "heeft. U krijgt binnen een maand antwoord."
        ),
        "processing_activity": "avg-verzoeken",
        "confidentiality": "vertrouwelijk",
        "department": "Privacy en Informatiebeveiliging",
        "term_amount": 1,
        "term_unit": "months",
        "can_extend": True,
        "extension_amount": 2,
        "extension_unit": "months",
        "questions": [
            {
                "name": "gegeven",
                "label": _("Tegen welk gebruik van uw gegevens maakt u bezwaar?"),
                "kind": "text",
                "required": True,
            },
        ],
        "statuses": _flow(
            received=_("We hebben uw bezwaar ontvangen."),
            working=_("We wegen uw bezwaar af tegen de reden om uw gegevens te gebruiken."),
            done=_("We hebben besloten over uw bezwaar."),
        ),
        "results": [
            {
                "code": "gestopt",
                "name": _("Gestopt"),
                "resident_text": _("We gebruiken uw gegevens hier niet meer voor."),
            },
            {
                "code": "afgewezen",
                "name": _("Afgewezen"),
                "resident_text": _(
                    "We hebben zwaarwegende redenen om door te gaan. We leggen uit welke."
                ),
            },
        ],
    },
    {
        "code": "avg-verwijdering",
        "kind": "erasure_request",
        "name": _("Uw gegevens laten verwijderen (AVG artikel 17)"),
        "explanation": _(
            "Vraag de gemeente gegevens te verwijderen die zij niet meer nodig heeft, of "
            "die zij met uw toestemming gebruikte. U krijgt binnen een maand antwoord."
        ),
        "processing_activity": "avg-verzoeken",
        "confidentiality": "vertrouwelijk",
        "department": "Privacy en Informatiebeveiliging",
        "term_amount": 1,
        "term_unit": "months",
        "can_extend": True,
        "extension_amount": 2,
        "extension_unit": "months",
        "questions": [
            {
                "name": "gegeven",
                "label": _("Welke gegevens wilt u laten verwijderen?"),
                "kind": "text",
                "required": True,
            },
        ],
        "statuses": _flow(
            received=_("We hebben uw verzoek ontvangen."),
            working=_("We kijken of we de gegevens mogen verwijderen."),
            done=_("We hebben besloten over uw verzoek."),
        ),
        "results": [
            {
                "code": "verwijderd",
                "name": _("Verwijderd"),
                "resident_text": _("We hebben de gegevens verwijderd."),
            },
            {
                "code": "afgewezen",
                "name": _("Afgewezen"),
                "resident_text": _("We moeten de gegevens bewaren. We leggen uit waarom."),
            },
        ],
    },
    {
        "code": "wijkfonds-aanvraag",
        "start_url": "/meedoen",
        "kind": "request",
        "name": _("Aanvraag wijkfonds"),
        "explanation": _(
            "Geld uit het wijkfonds voor een plan van bewoners voor de buurt. Vraag het aan via "
            "Meedoen; daar tekenen buren die uw plan steunen, en besluit de commissie."
        ),
        "processing_activity": "meedoen-wijkfondsen",
        "confidentiality": "beperkt_openbaar",
        "department": "Participatie",
        "term_amount": 8,
        "term_unit": "weeks",
        "statuses": _flow(
            received=_("We hebben uw aanvraag ontvangen. Buren kunnen nu tekenen."),
            working=_("De wijkcommissie beoordeelt uw aanvraag."),
            done=_("De commissie heeft besloten. Het besluit staat ook op de pagina van uw plan."),
        ),
        "results": [
            {
                "code": "toegekend",
                "name": _("Toegekend"),
                "resident_text": _("U krijgt het geld. Vertel later waaraan u het uitgaf."),
            },
            {
                "code": "afgewezen",
                "name": _("Afgewezen"),
                "resident_text": _("U krijgt het geld niet. We leggen uit waarom."),
            },
        ],
    },
    {
        "code": "right-to-challenge",
        "start_url": "/meedoen",
        "kind": "request",
        "name": _("Right to challenge"),
        "explanation": _(
            "Denkt u met uw buurt of organisatie een taak van de gemeente beter of goedkoper te "
            "kunnen doen? Daag de gemeente uit via Meedoen. We beoordelen uw plan op criteria "
            "die vooraf openbaar zijn."
        ),
        "processing_activity": "meedoen-wijkfondsen",
        "confidentiality": "beperkt_openbaar",
        "department": "Participatie",
        "term_amount": 12,
        "term_unit": "weeks",
        "statuses": _flow(
            received=_("We hebben uw uitdaging ontvangen."),
            working=_("We vergelijken uw plan met hoe de gemeente de taak nu doet."),
            done=_("We hebben besloten. Het besluit en de redenen zijn openbaar."),
        ),
        "results": [
            {
                "code": "toegekend",
                "name": _("Uitdaging aangenomen"),
                "resident_text": _("U mag de taak overnemen. We maken samen afspraken."),
            },
            {
                "code": "afgewezen",
                "name": _("Uitdaging afgewezen"),
                "resident_text": _("De gemeente blijft de taak doen. We leggen uit waarom."),
            },
        ],
    },
]
