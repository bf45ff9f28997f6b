"""What connected applications may see and do with cases, and the logging of their reads.

The rules of the ZGW Autorisaties model, applied in the database: an application sees
a case only when it holds a grant for the case's type with the needed action and a
maximum confidentiality at or above the case's. The scope is a ``WHERE`` clause on the
queryset, never a filter after fetching, so pagination and counts stay correct and a
page costs one query whatever the grants are.

(The querysets belong in a ``cases/queries.py`` once that exists; they are here so the
API has one place for its authorization rules.)
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from stadhuis.accounts.applications import Grant
from stadhuis.cases import services
from stadhuis.cases.models import Case, CaseDocument, CaseKind, CaseStatus, CaseType
from stadhuis.core.context import Actor, ActorKind
from stadhuis.core.errors import NotAllowed, NotFound
from stadhuis.privacy.models import Action
from stadhuis.privacy.services import record_processing

READ = "read"
CREATE = "create"
UPDATE = "update"


def _scope(grants: Iterable[Grant], action: str) -> Q | None:
    """The cases ``grants`` allow ``action`` on, as one condition; None when none."""
    condition = None
    for grant in grants:
        if grant.allows(action):
            step = Q(case_type__code=grant.case_type_code, confidentiality__in=grant.levels())
            condition = step if condition is None else condition | step
    return condition


def cases_in_scope(grants: Sequence[Grant], action: str = READ) -> QuerySet[Case]:
    """Every case the application may ``action``, with what the API shows of it."""
    queryset = Case.objects.select_related("case_type", "status", "result")
    condition = _scope(grants, action)
    return queryset.none() if condition is None else queryset.filter(condition)


def cases_for_application(
    grants: Sequence[Grant],
    *,
    case_type: str | None = None,
    status: str | None = None,
    open_only: bool = False,
    deadline_before: dt.date | None = None,
) -> QuerySet[Case]:
    """The case list of the API: the application's scope, narrowed by its filters."""
    queryset = cases_in_scope(grants, READ)
    if case_type:
        queryset = queryset.filter(case_type__code=case_type)
    if status:
        queryset = queryset.filter(status__code=status)
    if open_only:
        queryset = queryset.filter(closed_at__isnull=True)
    if deadline_before is not None:
        queryset = queryset.filter(deadline__lt=deadline_before)
    return queryset


def case_for_application(grants: Sequence[Grant], reference: str, action: str = READ) -> Case:
    """One case by reference. ``NotFound`` alike for a case that does not exist and one
    outside the application's scope, so the answer does not reveal that it exists.

    For ``update`` a case the application may read but not change is ``NotAllowed``.
    """
    ref = services.normalise_reference(reference)
    case = cases_in_scope(grants, READ).filter(reference=ref).first() if ref else None
    if case is None:
        raise NotFound(_("Er is geen zaak met dit kenmerk die deze applicatie mag zien."))
    if action != READ:
        allowed = any(
            g.case_type_code == case.case_type.code
            and g.allows(action)
            and case.confidentiality in g.levels()
            for g in grants
        )
        if not allowed:
            raise NotAllowed(_("Deze applicatie mag deze zaak niet wijzigen."))
    return case


def case_types_published() -> QuerySet[CaseType]:
    """The catalogue: current published case types with their status and result types."""
    return (
        CaseType.objects.filter(is_current=True, published_at__isnull=False)
        .prefetch_related("statuses__next_statuses", "results")
        .order_by("code")
    )


def case_type_by_id(public_id) -> CaseType:
    """One published case type version (also an older one that cases still refer to)."""
    case_type = (
        CaseType.objects.filter(public_id=public_id, published_at__isnull=False)
        .prefetch_related("statuses__next_statuses", "results")
        .first()
    )
    if case_type is None:
        raise NotFound(_("Dit zaaktype bestaat niet of is niet gepubliceerd."))
    return case_type


def case_statuses(case: Case) -> QuerySet[CaseStatus]:
    return CaseStatus.objects.filter(case=case).select_related("status_type")


def case_documents(case: Case) -> QuerySet[CaseDocument]:
    return CaseDocument.objects.filter(case=case)


def cases_read_by_application(
    actor: Actor, cases: Iterable[Case], *, object_type: str = "zaak"
) -> None:
    """Log that an application read ``cases``: one entry per data subject.

    Grouped by processing activity, so a page of any size costs one log statement per
    activity on it. The log entry names the case (``object_id``) when the group holds
    one case; for several it stays empty, because ``record_processing`` writes one
    object id for all entries of a call and one resident's log must not name another
    resident's case.

    An access request made without DigiD is the exception: its subject is the pseudonym
    of an e-mail or postal address that others may share, so its answer by post lists
    only the entries that name the request (``dossier.export.letter_context``). Each
    gets its own statement naming it; such requests are few on any page.
    """
    if actor.kind != ActorKind.APPLICATION:
        raise NotAllowed()
    groups: dict[tuple[str, str], list[Case]] = defaultdict(list)
    for case in cases:
        own = case.reference if _logged_by_reference(case) else ""
        groups[(case.case_type.processing_activity, own)].append(case)
    if not groups:
        return
    # All entries or none; no savepoint needed, as nothing here recovers from a failure.
    with transaction.atomic(savepoint=False):
        for (activity, own), group in groups.items():
            record_processing(
                actor=actor,
                activity=activity,
                action=Action.READ,
                subjects=[s for case in group for s in services.case_subjects(case)],
                object_type=object_type,
                object_id=own or (group[0].reference if len(group) == 1 else ""),
            )


def _logged_by_reference(case: Case) -> bool:
    """Whether the log of this case is read only by its reference: an access request
    without DigiD (its letter), whose pseudonym is not one person's."""
    return not case.subject and case.case_type.kind == CaseKind.ACCESS_REQUEST


def case_submit_by_application(
    *, actor: Actor, grants: Sequence[Grant], case_type_code: str, **fields
) -> Case:
    """An application opens a case: needs a ``create`` grant for the type that reaches
    the type's confidentiality; then ``services.case_submit`` does the rest (history,
    processing log, notification queue)."""
    grant = next(
        (g for g in grants if g.case_type_code == case_type_code and g.allows(CREATE)), None
    )
    if grant is None:
        raise NotAllowed(_("Deze applicatie mag geen zaken van dit type aanmaken."))
    confidentiality = (
        CaseType.objects.filter(code=case_type_code, is_current=True, published_at__isnull=False)
        .values_list("confidentiality", flat=True)
        .first()
    )
    if confidentiality is None:
        raise NotFound(_("Dit soort aanvraag bestaat niet (meer)."))
    if confidentiality not in grant.levels():
        raise NotAllowed(_("Zaken van dit type zijn vertrouwelijker dan deze applicatie mag zien."))
    return services.case_submit(actor=actor, case_type_code=case_type_code, **fields)


def case_set_status_by_application(
    *, actor: Actor, grants: Sequence[Grant], reference: str, **fields
) -> Case:
    """Set the next status as an application: 404 outside its scope, 403 without
    ``update``; the service checks the grant again and follows the state machine."""
    case = case_for_application(grants, reference, UPDATE)
    return services.case_set_status(
        actor=actor, case=case, expected_version=fields.pop("expected_version"), **fields
    )
