"""The demo city's processing register: realistic activities, processors and DPIAs."""

from __future__ import annotations

import datetime as dt

PROCESSORS = [
    {
        "name": "Voorbeeld Hosting B.V.",
        "service": "Hosting van de servers en database van Stadhuis",
        "agreement_status": "signed",
        "agreement_signed_on": dt.date(2025, 1, 15),
        "agreement_expires_on": dt.date(2029, 1, 14),
    },
    {
        "name": "Inlogmakelaar Noord B.V.",
        "service": "Koppeling met DigiD en eHerkenning (OpenID Connect)",
        "agreement_status": "signed",
        "agreement_signed_on": dt.date(2024, 6, 1),
        "agreement_expires_on": dt.date(2027, 5, 31),
    },
    {
        "name": "Mailbezorging Nederland B.V.",
        "service": "Versturen van e-mailberichten over uw aanvragen",
        "agreement_status": "signed",
        "agreement_signed_on": dt.date(2025, 3, 1),
        "agreement_expires_on": None,
    },
    {
        "name": "Koeriersdienst Thuis B.V.",
        "service": "Bezorgen van paspoorten en identiteitskaarten aan huis",
        "agreement_status": "signed",
        "agreement_signed_on": dt.date(2022, 9, 1),
        "agreement_expires_on": dt.date(2026, 8, 31),
    },
    {
        "name": "Enquête Online B.V.",
        "service": "Vragenlijsten voor raadplegingen",
        "agreement_status": "draft",
        "agreement_signed_on": None,
        "agreement_expires_on": None,
    },
]

_SECURITY = (
    "Toegang alleen voor medewerkers met de juiste rol en tweestapsverificatie; "
    "versleutelde verbindingen; elke verwerking wordt gelogd in een logboek dat niet "
    "ongemerkt te wijzigen is."
)

ACTIVITIES = [
    {
        "code": "parkeervergunningen",
        "name": "Parkeervergunning voor bewoners",
        "purpose": "Uw aanvraag voor een parkeervergunning behandelen en de vergunning "
        "koppelen aan uw kenteken.",
        "legal_basis": "public_task",
        "legal_basis_detail": "Gemeentewet, art. 225; Parkeerverordening",
        "controller_unit": "Parkeren",
        "data_subject_categories": ["aanvragers van een parkeervergunning"],
        "personal_data_categories": ["naam", "adres", "kenteken"],
        "recipients": ["parkeerhandhaving"],
        "processors": ["Voorbeeld Hosting B.V."],
        "retention_days": 365 * 2,
        "retention_description": "2 jaar na het einde van de vergunning",
        "dpia_required": False,
    },
    {
        "code": "meldingen-openbare-ruimte",
        "name": "Meldingen over de openbare ruimte",
        "purpose": "Meldingen over bijvoorbeeld kapotte straatverlichting of afval behandelen, "
        "en u op de hoogte houden als u dat wilt.",
        "legal_basis": "public_task",
        "legal_basis_detail": "Gemeentewet, art. 160; Wegenwet",
        "controller_unit": "Stadsbeheer",
        "data_subject_categories": ["melders"],
        "personal_data_categories": ["naam", "e-mailadres", "locatie van de melding", "foto"],
        "recipients": ["aannemer openbare ruimte (alleen locatie en foto)"],
        "processors": ["Voorbeeld Hosting B.V.", "Mailbezorging Nederland B.V."],
        "retention_days": 365 * 2,
        "retention_description": "2 jaar na afhandeling",
        "dpia_required": False,
    },
    {
        "code": "klachtbehandeling",
        "name": "Klachten over de gemeente",
        "purpose": "Uw klacht over de dienstverlening behandelen binnen de wettelijke termijn, "
        "en zo nodig doorsturen naar de ombudsman.",
        "legal_basis": "legal_obligation",
        "legal_basis_detail": "Algemene wet bestuursrecht, hoofdstuk 9",
        "controller_unit": "Klachtencoördinatie",
        "data_subject_categories": ["indieners van klachten", "medewerkers"],
        "personal_data_categories": ["naam", "contactgegevens", "inhoud van de klacht"],
        "recipients": ["lokale ombudsman (alleen bij doorverwijzing)"],
        "processors": ["Voorbeeld Hosting B.V.", "Mailbezorging Nederland B.V."],
        "retention_days": 365 * 5,
        "retention_description": "5 jaar na afhandeling (Archiefwet, selectielijst)",
        "dpia_required": False,
    },
    {
        "code": "reisdocumenten-thuisbezorging",
        "name": "Paspoort of ID-kaart thuis laten bezorgen",
        "purpose": "Uw paspoort of identiteitskaart op het gekozen moment bij u thuis bezorgen.",
        "legal_basis": "public_task",
        "legal_basis_detail": "Paspoortwet, art. 26; Paspoortuitvoeringsregeling",
        "controller_unit": "Burgerzaken",
        "data_subject_categories": ["aanvragers van reisdocumenten"],
        "personal_data_categories": [
            "naam",
            "burgerservicenummer",
            "bezorgadres",
            "tijdvak",
            "documentnummer",
        ],
        "recipients": ["Rijksdienst voor Identiteitsgegevens"],
        "processors": ["Koeriersdienst Thuis B.V.", "Voorbeeld Hosting B.V."],
        "retention_days": 365,
        "retention_description": "1 jaar na bezorging",
        "dpia_required": True,
    },
    {
        "code": "bezwaarschriften",
        "name": "Bezwaar maken tegen een besluit",
        "purpose": "Uw bezwaar tegen een besluit van de gemeente behandelen en erover beslissen.",
        "legal_basis": "legal_obligation",
        "legal_basis_detail": "Algemene wet bestuursrecht, hoofdstukken 6 en 7",
        "controller_unit": "Juridische Zaken",
        "data_subject_categories": ["indieners van bezwaar", "belanghebbenden"],
        "personal_data_categories": ["naam", "contactgegevens", "gegevens uit het besluit"],
        "recipients": ["bezwaarcommissie", "rechtbank (bij beroep)"],
        "processors": ["Voorbeeld Hosting B.V."],
        "retention_days": 365 * 10,
        "retention_description": "10 jaar na het besluit op bezwaar",
        "dpia_required": False,
    },
    {
        "code": "avg-verzoeken",
        "name": "Uw rechten onder de AVG (inzage, correctie, bezwaar, verwijdering)",
        "purpose": "Uw verzoek om inzage, correctie, bezwaar of verwijdering behandelen.",
        "legal_basis": "legal_obligation",
        "legal_basis_detail": "AVG, art. 12 tot en met 22",
        "controller_unit": "Privacy en Informatiebeveiliging",
        "data_subject_categories": ["verzoekers"],
        "personal_data_categories": ["naam", "contactgegevens", "inhoud van het verzoek"],
        "recipients": [],
        "processors": ["Voorbeeld Hosting B.V."],
        "retention_days": 365 * 2,
        "retention_description": "2 jaar na afhandeling",
        "dpia_required": False,
    },
    {
        "code": "burgerbegroting",
        "name": "Meedoen aan de burgerbegroting en raadplegingen",
        "purpose": "Ideeën, steunbetuigingen en stemmen verwerken zodat iedere inwoner één "
        "keer kan stemmen en de uitslag eerlijk is.",
        "legal_basis": "public_task",
        "legal_basis_detail": "Gemeentewet, art. 150 (participatieverordening)",
        "controller_unit": "Participatie",
        "data_subject_categories": ["deelnemende inwoners"],
        "personal_data_categories": ["pseudoniem", "wijk", "leeftijdsgroep", "stem"],
        "recipients": [],
        "processors": ["Voorbeeld Hosting B.V.", "Enquête Online B.V."],
        "retention_days": 365 * 2,
        "retention_description": "2 jaar na afloop van het proces",
        "dpia_required": True,
    },
    {
        "code": "nieuwsbrief",
        "name": "Nieuwsbrief van de gemeente",
        "purpose": "U de nieuwsbrief sturen als u daarvoor heeft gekozen.",
        "legal_basis": "consent",
        "legal_basis_detail": "",
        "controller_unit": "Communicatie",
        "data_subject_categories": ["abonnees"],
        "personal_data_categories": ["e-mailadres"],
        "recipients": [],
        "processors": ["Mailbezorging Nederland B.V."],
        "retention_days": 30,
        "retention_description": "Tot 30 dagen nadat u zich afmeldt",
        "dpia_required": False,
    },
    {
        "code": "wijkanalyse",
        "name": "Wijkanalyse: meldingen en participatie gekoppeld per wijk",
        "purpose": "Per wijk zien waar meldingen en ideeën samenvallen, om onderhoud en "
        "wijkbudgetten beter te verdelen. Alleen samengevatte cijfers worden gepubliceerd.",
        "legal_basis": "public_task",
        "legal_basis_detail": "Gemeentewet, art. 160",
        "controller_unit": "Data en Onderzoek",
        "data_subject_categories": ["melders", "deelnemende inwoners"],
        "personal_data_categories": ["pseudoniem", "wijk", "soort melding"],
        "recipients": [],
        "processors": ["Voorbeeld Hosting B.V."],
        "retention_days": 365,
        "retention_description": "1 jaar; gepubliceerde cijfers bevatten geen persoonsgegevens",
        "dpia_required": True,
    },
]

DPIAS = [
    {
        "activity": "reisdocumenten-thuisbezorging",
        "title": "DPIA thuisbezorging reisdocumenten",
        "description": "Koerier bezorgt reisdocumenten; de gemeente deelt naam, adres en tijdvak.",
        "lawfulness": "Paspoortwet art. 26; alleen noodzakelijke gegevens worden gedeeld.",
        "risks": "Verlies of diefstal van een document; onjuist bezorgadres.",
        "measures": "Identiteitscontrole bij bezorging; verwerkersovereenkomst; "
        "gegevens bij de koerier na 30 dagen verwijderd.",
        "approve": True,
    },
    {
        "activity": "burgerbegroting",
        "title": "DPIA burgerbegroting",
        "description": "Stemmen worden aan een pseudoniem gekoppeld, om dubbel stemmen "
        "te voorkomen.",
        "lawfulness": "Publieke taak; participatieverordening.",
        "risks": "Herleidbaarheid van stemgedrag.",
        "measures": "Uitslagen alleen geaggregeerd; stemmen gescheiden van namen bewaard.",
        "approve": True,
    },
    {
        "activity": "wijkanalyse",
        "title": "DPIA wijkanalyse (concept)",
        "description": "Koppelen van meldingen en participatie op wijkniveau.",
        "lawfulness": "Nog te beoordelen.",
        "risks": "Herleidbaarheid in kleine wijken.",
        "measures": "Drempel van minimaal 10 personen per cel (nog uit te werken).",
        "approve": None,
    },
]

STAFF = [
    ("behandelaar", "Bram Visser", "case_handler", "Stadsbeheer"),
    ("ombudsman", "Ingrid Mulder", "ombudsman", "Ombudsman"),
    ("privacy", "Priya Ramdin", "privacy_officer", "Privacy en Informatiebeveiliging"),
    ("security", "Sven de Boer", "security_officer", "Privacy en Informatiebeveiliging"),
    ("datasteward", "Daan Smit", "data_steward", "Data en Onderzoek"),
    ("algoritme", "Lotte Hendriks", "algorithm_steward", "Data en Onderzoek"),
    ("ethiek", "Ruben Kok", "ethics_commission", "Ethische commissie"),
    ("beheerder", "Eva van Dijk", "administrator", "Informatievoorziening"),
    # More case handlers, so every demo case type has a department that handles it.
    ("burgerzaken", "Yusuf Demir", "case_handler", "Burgerzaken"),
    ("klachten", "Marieke Post", "case_handler", "Klachtencoördinatie"),
    ("juridisch", "Thomas Bakker", "case_handler", "Juridische Zaken"),
    ("avg", "Noor Haddou", "case_handler", "Privacy en Informatiebeveiliging"),
    # Helps residents at the desk and on the phone (assisted service).
    ("balie", "Sanne de Wit", "case_handler", "Publiekszaken"),
    # Participation: moderation, feasibility reviews, neighbourhood-fund decisions.
    ("participatie", "Ayla Koç", "case_handler", "Participatie"),
]

# The password of every demo staff account (demo only; printed and shown on the login page).
DEMO_STAFF_PASSWORD = "stadhuis-demo-2026"  # noqa: S105
