"""Generate the demo city: register, staff, residents with histories; scalable for benchmarks.

Deterministic for a given ``seed``: the same residents, names, TOTP secrets and
histories. Running it again adds only what is missing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from stadhuis.accounts import activities as account_activities
from stadhuis.accounts.bsn import is_valid_bsn
from stadhuis.accounts.models import Resident, User
from stadhuis.accounts.services import (
    resident_actor,
    resident_login,
    resident_reveal_bsn,
    staff_actor,
    staff_create,
)
from stadhuis.cases.models import CaseType
from stadhuis.cases.services import (
    case_assign,
    case_escalate,
    case_feedback,
    case_message_resident,
    case_open_for_staff,
    case_set_status,
    case_submit,
    case_suspend,
    case_type_create,
    case_type_publish,
    escalation_judge,
    escalation_respond,
)
from stadhuis.core.context import Actor
from stadhuis.demo import catalogue, participation, register
from stadhuis.demo.register import DEMO_STAFF_PASSWORD
from stadhuis.demo.residents import DEMO_RESIDENTS
from stadhuis.dossier.services import (
    assisted_actor,
    assisted_session_end,
    assisted_session_start,
    rights_request_submit,
)
from stadhuis.privacy import chain
from stadhuis.privacy.crypto import encrypt_bsn, pseudonym_for_bsn
from stadhuis.privacy.models import DPIA, Action, ProcessingActivity, Processor
from stadhuis.privacy.services import (
    activity_register,
    consent_give,
    consent_withdraw,
    dpia_create,
    dpia_decide,
    processor_save,
    record_processing,
)

FIRST_NAMES = [
    "Anna",
    "Bram",
    "Chantal",
    "Daan",
    "Emma",
    "Fleur",
    "Gijs",
    "Hanna",
    "Ilse",
    "Jasper",
    "Kim",
    "Lars",
    "Mila",
    "Noah",
    "Olivia",
    "Pim",
    "Quinten",
    "Roos",
    "Sem",
    "Tess",
    "Youssef",
    "Zoë",
    "Mehmet",
    "Aylin",
    "Priya",
    "Rajesh",
    "Wei",
    "Lucas",
    "Sophie",
    "Milan",
]
LAST_NAMES = [
    "de Jong",
    "Jansen",
    "de Vries",
    "van den Berg",
    "van Dijk",
    "Bakker",
    "Janssen",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "Yılmaz",
    "El Idrissi",
    "Ramdin",
    "Nguyen",
    "Kaya",
]


@dataclass
class DemoSummary:
    residents: list[dict] = field(default_factory=list)
    staff: list[dict] = field(default_factory=list)
    extra_residents: int = 0
    extra_cases: int = 0
    sealed: int = 0


def totp_key_for(username: str, seed: int) -> str:
    return hashlib.sha1(f"stadhuis-demo:{seed}:{username}".encode()).hexdigest()  # noqa: S324


def random_bsn(rng: random.Random) -> str:
    """A BSN that passes the elfproef, drawn from ``rng``."""
    while True:
        digits = [rng.randint(0, 9) for _ in range(8)]
        if digits[0] == 0 and digits[1] == 0:
            continue
        total = sum(d * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2), strict=True))
        last = total % 11
        if last <= 9:
            bsn = "".join(map(str, digits)) + str(last)
            if is_valid_bsn(bsn):
                return bsn


def _ensure_staff(seed: int, summary: DemoSummary) -> dict[str, User]:
    users = {}
    for username, name, role, unit in register.STAFF:
        user = User.objects.filter(username=username).first()
        if user is None:
            user, _device = staff_create(
                actor=None,
                username=username,
                password=DEMO_STAFF_PASSWORD,
                roles=[role],
                org_unit=unit,
                email=f"{username}@gemeente.example",
                full_name=name,
                totp_key=totp_key_for(username, seed),
            )
        users.setdefault(role, user)
        users[username] = user
        summary.staff.append({"username": username, "name": name, "role": role, "unit": unit})
    return users


def _ensure_register(officer: Actor) -> None:
    for spec in register.PROCESSORS:
        spec = dict(spec)
        processor_save(actor=officer, name=spec.pop("name"), **spec)
    for spec in register.ACTIVITIES:
        spec = dict(spec)
        code = spec.pop("code")
        if ProcessingActivity.objects.filter(code=code).exists():
            continue
        processors = list(Processor.objects.filter(name__in=spec.pop("processors")))
        activity_register(
            actor=officer, code=code, processors=processors, security_measures=_security(), **spec
        )
    for spec in register.DPIAS:
        spec = dict(spec)
        approve = spec.pop("approve")
        if DPIA.objects.filter(title=spec["title"]).exists():
            continue
        dpia = dpia_create(actor=officer, **spec)
        if approve is not None:
            dpia_decide(
                actor=officer, dpia=dpia, approve=approve, note="Risico's voldoende beperkt."
            )


def _security() -> str:
    return register._SECURITY


def _history(bsn: str, resident: Resident, staff: dict[str, User]) -> None:
    """Give each named resident a different history: real cases, through the services."""
    pseudonym = resident.pseudonym
    me = resident_actor(resident)

    def handler(username):
        return staff_actor(staff[username])

    def log(actor, activity, action, object_type, object_id):
        record_processing(
            actor=actor,
            activity=activity,
            action=action,
            subjects=[pseudonym],
            object_type=object_type,
            object_id=object_id,
        )

    def move(case, username, status, **extra):
        case_set_status(
            actor=handler(username),
            case=case,
            expected_version=case.version,
            status_code=status,
            **extra,
        )

    story = {
        "111222333": "anna",
        "123456782": "mohamed",
        "111111110": "kees",
        "555555550": "fatma",
    }.get(bsn)
    if story == "anna":  # passport delivered at home, newsletter
        case = case_submit(
            actor=me,
            case_type_code="reisdocument-thuisbezorgen",
            description="Mijn nieuwe paspoort graag thuis bezorgen.",
            answers={"bezorgadres": "Breestraat 12, Voorbeeldstad", "tijdvak": "17:00-21:00"},
        )
        case_open_for_staff(actor=handler("burgerzaken"), case=case)
        resident_reveal_bsn(
            actor=handler("burgerzaken"),
            resident=resident,
            activity="reisdocumenten-thuisbezorging",
        )
        move(
            case,
            "burgerzaken",
            "in-behandeling",
            explanation="Uw paspoort is klaar. De koerier komt op de gekozen dag.",
        )
        consent_give(actor=me, activity="nieuwsbrief")
        rights_request_submit(
            actor=me,
            right="correctie",
            section="zaken",
            object_id=case.reference,
            item="Bezorgadres",
            explanation="Ik ben verhuisd.",
            correct_value="Breestraat 14, Voorbeeldstad",
        )
    elif story == "mohamed":  # helped at the desk with a report; the report was fixed
        session = assisted_session_start(
            actor=handler("balie"),
            bsn=bsn,
            channel="desk",
            reason="Samen een melding gedaan over een kapotte lantaarnpaal.",
            consent=True,
        )
        desk = assisted_actor(session)
        case = case_submit(
            actor=desk,
            case_type_code="melding-openbare-ruimte",
            description="Lantaarnpaal bij de bushalte Stationsweg doet het niet.",
            answers={"categorie": "Straatverlichting"},
            address="Stationsweg 4",
        )
        assisted_session_end(actor=handler("balie"), session=session)
        case_open_for_staff(actor=handler("behandelaar"), case=case)
        move(case, "behandelaar", "in-behandeling")
        move(
            case,
            "behandelaar",
            "afgehandeld",
            result_code="opgelost",
            explanation="De lamp is vervangen.",
        )
        case_feedback(actor=me, case=case, satisfied=True, text="Snel geregeld, dank!")
    elif story == "kees":  # votes, objects to a decision (suspended while waiting for him)
        log(me, "burgerbegroting", Action.CREATE, "stem", "burgerbegroting-2026")
        case = case_submit(
            actor=me,
            case_type_code="bezwaar",
            description="Ik ben het niet eens met de afwijzing van mijn vergunning.",
            answers={"besluit": "12 oktober 2026, kenmerk OV-2026-881"},
        )
        case_open_for_staff(actor=handler("juridisch"), case=case)
        case_assign(actor=handler("juridisch"), case=case, expected_version=case.version)
        move(case, "juridisch", "in-behandeling")
        case_message_resident(
            actor=handler("juridisch"),
            case=case,
            body="Wilt u een kopie van het besluit sturen? Dan kunnen we verder.",
        )
        case_suspend(
            actor=handler("juridisch"),
            case=case,
            expected_version=case.version,
            reason="Wacht op kopie van het besluit",
        )
    elif story == "fatma":  # a complaint, judged by the ombudsman; newsletter on and off
        case = case_submit(
            actor=me,
            case_type_code="klacht",
            description="Ik werd aan de telefoon drie keer doorverbonden en niemand hielp me.",
        )
        case_open_for_staff(actor=handler("klachten"), case=case)
        move(case, "klachten", "in-behandeling")
        move(
            case,
            "klachten",
            "afgehandeld",
            result_code="ongegrond",
            explanation="Volgens ons is u op tijd geholpen.",
        )
        escalation = case_escalate(
            actor=me, case=case, reason="Dat klopt niet, ik ben niet geholpen."
        )
        ombudsman = staff_actor(staff["ombudsman"])
        case_open_for_staff(actor=ombudsman, case=case)
        escalation_judge(
            actor=ombudsman,
            escalation=escalation,
            findings="Uit de gespreksnotities blijkt dat mevrouw drie keer is doorverbonden.",
            recommendation="Bied excuses aan en bel mevrouw terug over haar vraag.",
        )
        escalation_respond(
            actor=handler("klachten"),
            escalation=escalation,
            response="We bieden onze excuses aan. Een medewerker belt u deze week terug.",
        )
        consent_give(actor=me, activity="nieuwsbrief")
        consent_withdraw(actor=me, activity="nieuwsbrief")
        case_submit(
            actor=me,
            case_type_code="avg-inzage",
            description="Ik wil weten welke gegevens de gemeente over mij heeft.",
        )


def _named_residents(staff: dict[str, User], summary: DemoSummary) -> None:
    for spec in DEMO_RESIDENTS:
        pseudonym = pseudonym_for_bsn(spec["bsn"])
        existed = Resident.objects.filter(pseudonym=pseudonym).exists()
        user = resident_login(bsn=spec["bsn"], display_name=spec["name"])
        resident = user.resident
        summary.residents.append({**spec})
        if existed:
            continue
        with transaction.atomic():
            Resident.objects.filter(pk=resident.pk).update(
                email=spec.get("email", ""), postcode=spec.get("postcode", "")
            )
            record_processing(
                actor=resident_actor(resident),
                activity=account_activities.LOGIN,
                action=Action.UPDATE,
                subjects=[pseudonym],
                object_type="contactgegevens",
                object_id=str(user.public_id),
            )
            _history(spec["bsn"], resident, staff)


def _extra_residents(count: int, rng: random.Random, batch: int = 1000) -> int:
    """Bulk-create ``count`` more residents (for load tests), logged as one import per batch."""
    existing = Resident.objects.count() - len(DEMO_RESIDENTS)
    to_make = max(0, count - max(existing, 0))
    made = 0
    seen: set[str] = set(Resident.objects.values_list("pseudonym", flat=True))
    job = Actor.system("demo-import")
    while made < to_make:
        users, residents = [], []
        for _ in range(min(batch, to_make - made)):
            bsn = random_bsn(rng)
            pseudonym = pseudonym_for_bsn(bsn)
            if pseudonym in seen:
                continue
            seen.add(pseudonym)
            user = User(username=f"r-{pseudonym[:24]}", kind=User.Kind.RESIDENT)
            user.set_unusable_password()
            users.append(user)
            residents.append(
                Resident(
                    pseudonym=pseudonym,
                    bsn_encrypted=encrypt_bsn(bsn),
                    display_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    postcode=f"{rng.randint(1000, 9999)} {rng.choice('ABCDEFGHJKLMNPRSTVWXZ')}"
                    f"{rng.choice('ABCDEFGHJKLMNPRSTVWXZ')}",
                )
            )
        with transaction.atomic():
            User.objects.bulk_create(users)
            for user, resident in zip(users, residents, strict=True):
                resident.user = user
            Resident.objects.bulk_create(residents)
            record_processing(
                actor=job,
                activity=account_activities.LOGIN,
                action=Action.CREATE,
                subjects=[r.pseudonym for r in residents],
                object_type="inwoner",
                object_id="demo-import",
            )
        made += len(residents)
    return made


def _bulk_cases(count: int, rng: random.Random, batch: int | None = None) -> int:
    """Bulk-create ``count`` cases with their status histories, for load tests.

    Rows follow the same rules as the services (transitions of the type, a result on
    every closed case, deadlines from the terms); the creation is logged per batch.
    About three quarters of the cases are closed. Paths walk the type's transitions:
    types that can wait for the resident loop between "in behandeling" and "wacht op u"
    (up to 19 statuses), so a million cases carry about five million statuses.
    On PostgreSQL the rows are written with COPY (ids drawn from the sequences first);
    elsewhere with ``bulk_create``.
    """
    from django.db import connection

    from stadhuis.cases.models import Case, CaseStatus
    from stadhuis.cases.services import new_reference
    from stadhuis.cases.terms import deadline

    existing = Case.objects.filter(events__isnull=True).count()  # earlier bulk cases
    to_make = max(0, count - existing)
    if not to_make:
        return 0
    postgres = connection.vendor == "postgresql"
    batch = batch or (10_000 if postgres else 2000)
    types = []
    for case_type in CaseType.objects.filter(is_current=True).prefetch_related(
        "statuses__next_statuses", "results"
    ):
        statuses = sorted(case_type.statuses.all(), key=lambda s: s.order)
        nexts = {s.pk: sorted(s.next_statuses.all(), key=lambda n: n.order) for s in statuses}
        loops = any(not n.is_final for s in statuses[1:] for n in nexts[s.pk])
        # an access request closes as answered only with its answer, which bulk rows
        # do not make: such requests are closed only with a result that needs none
        results = [r for r in case_type.results.all() if not r.needs_answer]
        types.append((case_type, statuses[0], nexts, results, loops))
    subjects = list(Resident.objects.values_list("pseudonym", flat=True)[:200_000])
    job = Actor.system("demo-import")
    today = timezone.localdate()
    deadlines: dict[tuple, dt.date] = {}
    made = 0
    while made < to_make:
        cases, paths, activities = [], [], []
        for _ in range(min(batch, to_make - made)):
            case_type, first, nexts, results, loops = rng.choice(types)
            closing = bool(results) and rng.random() < 0.75
            length = rng.randint(5, 19) if loops else 3
            if not closing:
                length = rng.randint(1, length - 1)
            path = [first]
            while not path[-1].is_final and len(path) < length:
                options = nexts[path[-1].pk]
                if not options:
                    break
                # prefer going on while the path is short, ending once it is long enough
                end = closing and len(path) >= length - 1
                wanted = [o for o in options if o.is_final == end]
                if not wanted and not results:
                    break  # only final statuses left, and no result to close with
                path.append(rng.choice(wanted or options))
            received = today - dt.timedelta(days=rng.randint(0, 730))
            opened = timezone.make_aware(
                dt.datetime.combine(received, dt.time(rng.randint(8, 17), rng.randint(0, 59)))
            )
            closed = opened + dt.timedelta(days=rng.randint(1, 60)) if path[-1].is_final else None
            key = (received, case_type.term_amount, case_type.term_unit)
            if key not in deadlines:
                deadlines[key] = deadline(
                    received_on=received, amount=case_type.term_amount, unit=case_type.term_unit
                )
            cases.append(
                {
                    "reference": new_reference(),
                    "case_type_id": case_type.pk,
                    "subject": rng.choice(subjects) if subjects else "",
                    "description": rng.choice(DESCRIPTIONS),
                    "status_id": path[-1].pk,
                    "status_since": closed or opened,
                    "received_on": received,
                    "deadline": deadlines[key],
                    "department": case_type.department,
                    "confidentiality": case_type.confidentiality,
                    "result_id": rng.choice(results).pk if closed else None,
                    "closed_at": closed,
                    "created_at": opened,
                }
            )
            activities.append(case_type.processing_activity)
            paths.append(path)
        with transaction.atomic():
            if postgres:
                _copy_cases(connection, cases, paths)
            else:
                objects = Case.objects.bulk_create(Case(**values) for values in cases)
                CaseStatus.objects.bulk_create(
                    CaseStatus(
                        case=case,
                        status_type=status,
                        set_at=case.created_at + dt.timedelta(hours=3 * index),
                    )
                    for case, path in zip(objects, paths, strict=True)
                    for index, status in enumerate(path)
                )
            by_activity: dict[str, list[str]] = {}
            for values, activity in zip(cases, activities, strict=True):
                by_activity.setdefault(activity, []).append(values["subject"])
            for activity, activity_subjects in by_activity.items():
                record_processing(
                    actor=job,
                    activity=activity,
                    action=Action.CREATE,
                    subjects=activity_subjects,
                    object_type="zaak",
                    object_id="demo-import",
                )
        made += len(cases)
    return made


def _copy_cases(connection, cases: list[dict], paths: list) -> None:
    """Write cases and their statuses with COPY (PostgreSQL only), ids taken up front.

    Columns not generated here get the model's default, as ``Model()`` would give.
    """
    import json

    from django.db import models

    from stadhuis.cases.models import Case, CaseStatus

    quote = connection.ops.quote_name

    def ids(model, n):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [model._meta.db_table, n],
            )
            return [row[0] for row in cursor.fetchall()]

    def copy(model, fields, rows):
        columns = ", ".join(quote(f.column) for f in fields)
        sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as stream:
            for row in rows:
                stream.write_row(row)

    def defaults(model, given):
        """Per column: a constant default, or a callable to call for every row."""
        fields = [f for f in model._meta.concrete_fields if f.attname != "id"]
        template = model()
        constant, per_row = [None] * len(fields), []
        for i, f in enumerate(fields):
            if f.attname in given:
                continue
            value = getattr(template, f.attname)
            if isinstance(f, models.JSONField):
                constant[i] = json.dumps(value)
            elif f.has_default() and callable(f.default) and f.default is not timezone.now:
                per_row.append((i, f.default))  # e.g. a fresh uuid4 for every row
            else:
                constant[i] = f.get_db_prep_save(value, connection)
        return fields, constant, per_row

    case_fields, case_constant, case_per_row = defaults(Case, cases[0])
    case_at = [(i, f.attname) for i, f in enumerate(case_fields) if f.attname in cases[0]]
    case_ids = ids(Case, len(cases))

    def case_rows():
        for values, pk in zip(cases, case_ids, strict=True):
            row = [pk, *case_constant]
            for i, make in case_per_row:
                row[i + 1] = make()
            for i, name in case_at:
                row[i + 1] = values[name]
            yield row

    copy(Case, [Case._meta.pk, *case_fields], case_rows())
    status_fields, status_constant, _per_row = defaults(
        CaseStatus, {"case_id", "status_type_id", "set_at"}
    )
    at = {f.attname: i for i, f in enumerate(status_fields)}
    case_i, type_i, set_i = at["case_id"], at["status_type_id"], at["set_at"]
    step = dt.timedelta(hours=3)

    def status_rows():
        for values, pk, path in zip(cases, case_ids, paths, strict=True):
            when = values["created_at"]
            for status in path:
                row = list(status_constant)
                row[case_i], row[type_i], row[set_i] = pk, status.pk, when
                yield row
                when += step

    copy(CaseStatus, status_fields, status_rows())


DESCRIPTIONS = [
    "Lantaarnpaal doet het niet meer.",
    "Afvalcontainer zit vol en er staat afval naast.",
    "Stoeptegels liggen los, gevaarlijk voor ouderen.",
    "Ik wacht al weken op antwoord op mijn vraag.",
    "Graag mijn ID-kaart thuis bezorgen.",
    "Ik ben het niet eens met het besluit over mijn aanvraag.",
    "Ik wil weten welke gegevens u over mij heeft.",
    "Mijn adres staat verkeerd in uw systeem.",
]


def _ensure_catalogue(admin: Actor) -> None:
    for spec in catalogue.CASE_TYPES:
        if CaseType.objects.filter(code=spec["code"]).exists():
            continue
        case_type = case_type_create(actor=admin, spec=spec)
        case_type_publish(actor=admin, case_type=case_type)


def generate_city(*, seed: int = 2026, residents: int = 0, cases: int = 0) -> DemoSummary:
    summary = DemoSummary()
    staff = _ensure_staff(seed, summary)
    officer = staff_actor(staff["privacy_officer"])
    with transaction.atomic():
        _ensure_register(officer)
        _ensure_catalogue(staff_actor(staff["administrator"]))
    _named_residents(staff, summary)
    participation.generate_participation(staff)
    if residents:
        summary.extra_residents = _extra_residents(residents, random.Random(seed))
    if cases:
        summary.extra_cases = _bulk_cases(cases, random.Random(seed + 1))
    summary.sealed = chain.seal()
    return summary
