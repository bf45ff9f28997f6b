"""Staff pages of track & trace: the work queue, the case page and the ombudsman.

Thin: each view checks the page guard, validates a form, calls one service and
renders. Every service error becomes a visible form error with the service's status
(400, 403, 409); on a conflict the page shows the fresh case and keeps what was typed.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from stadhuis.accounts.decorators import staff_required
from stadhuis.accounts.services import staff_actor
from stadhuis.cases import forms_staff as forms
from stadhuis.cases import queries_staff as queries
from stadhuis.cases import services
from stadhuis.core.errors import Conflict, InvalidInput, NotAllowed, StadhuisError
from stadhuis.core.roles import Role

# --- Work queue ------------------------------------------------------------------------


def _queue_form(data, *, fresh: bool = False):
    """The filter form; its options come from a short per-process cache. A case type or
    status code the cached options lack (published since) is looked up afresh before
    the form calls it invalid."""
    form = forms.QueueFilterForm(
        data,
        case_types=queries.queue_case_types(fresh=fresh),
        statuses=queries.queue_status_codes(fresh=fresh),
    )
    stale = form.is_bound and not form.is_valid() and {"case_type", "status"} & set(form.errors)
    if stale and not fresh:
        return _queue_form(data, fresh=True)
    return form


@never_cache
@require_GET
@staff_required(Role.CASE_HANDLER)
def queue(request):
    """Open cases of my department (or assigned to me), by deadline, one page at a time."""
    actor = staff_actor(request.user, Role.CASE_HANDLER)
    form = _queue_form(request.GET or None)
    filters = queries.QueueFilter()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = queries.QueueFilter(
            scope=data["scope"] or queries.Scope.DEPARTMENT,
            case_type=data["case_type"],
            status=data["status"],
            overdue=data["overdue"],
            q=data["q"],
        )
    page = queries.work_queue(
        actor=actor, filters=filters, cursor=request.GET.get("cursor"), size=queries.PAGE_SIZE
    )
    next_url = None
    if page.next_cursor:
        query = request.GET.copy()
        query["cursor"] = page.next_cursor
        next_url = f"{request.path}?{urlencode(sorted(query.lists()), doseq=True)}"
    return render(
        request,
        "cases/staff/queue.html",
        {
            "form": form,
            "page": page,
            "next_url": next_url,
            "first_url": request.path if request.GET.get("cursor") else None,
            "today": timezone.localdate(),
            "department": actor.unit,
            "case_url": _case_url_prefix(),
        },
    )


_REFERENCE_SHAPE = "0000-0000-0000-0000"


def _case_url_prefix() -> str:
    """The staff case URL without its reference: one ``reverse`` per page instead of one
    per row (references are [0-9A-Z-] only, nothing to quote)."""
    url = reverse("cases:staff_case", args=[_REFERENCE_SHAPE])
    return url.removesuffix(_REFERENCE_SHAPE)


# --- Case page -------------------------------------------------------------------------


def _handler_case(request, reference):
    """The case and the handler's actor; the read is logged, another department is 403."""
    case = queries.staff_case(reference)
    if case is None:
        raise Http404
    actor = staff_actor(request.user, Role.CASE_HANDLER)
    try:
        services.case_open_for_staff(actor=actor, case=case)
    except NotAllowed as exc:
        raise PermissionDenied(str(exc.message)) from exc
    return case, actor


def _forms(detail, bound=None):
    """Every action form of the page, unbound, except ``bound`` = (action, form)."""
    case = detail.case
    version = {"expected_version": case.version}
    made = {
        "claim": forms.ClaimForm(initial=version, prefix="claim"),
        "assign": forms.AssignForm(initial=version, prefix="assign", colleagues=detail.colleagues),
        "status": forms.StatusForm(
            initial=version,
            prefix="status",
            next_statuses=detail.next_statuses,
            results=detail.results,
        ),
        "suspend": forms.ReasonForm(initial=version, prefix="suspend"),
        "resume": forms.ResumeForm(initial=version, prefix="resume"),
        "extend": forms.ReasonForm(initial=version, prefix="extend"),
        "message": forms.MessageForm(prefix="message"),
        "note": forms.NoteForm(prefix="note"),
        "respond": forms.RespondForm(prefix="respond"),
    }
    if bound is not None:
        made[bound[0]] = bound[1]
    return made


def _form_for(action, detail, data=None):
    kwargs = {"prefix": action}
    if action == "assign":
        kwargs["colleagues"] = detail.colleagues
    if action == "status":
        kwargs.update(next_statuses=detail.next_statuses, results=detail.results)
    classes = {
        "claim": forms.ClaimForm,
        "assign": forms.AssignForm,
        "status": forms.StatusForm,
        "suspend": forms.ReasonForm,
        "resume": forms.ResumeForm,
        "extend": forms.ReasonForm,
        "message": forms.MessageForm,
        "note": forms.NoteForm,
        "respond": forms.RespondForm,
    }
    return classes[action](data, **kwargs)


def _run(action, actor, case, detail, data):
    """Call the one service behind ``action``; returns the success message."""
    version = data.get("expected_version")
    if action == "claim":
        services.case_assign(actor=actor, case=case, expected_version=version)
        return _("U heeft de zaak opgepakt.")
    if action == "assign":
        services.case_assign(
            actor=actor, case=case, expected_version=version, assignee_id=data["assignee"]
        )
        return _("De zaak is toegewezen.")
    if action == "status":
        services.case_set_status(
            actor=actor,
            case=case,
            expected_version=version,
            status_code=data["status"],
            explanation=data["explanation"],
            result_code=data["result"] or None,
        )
        return _("De status is gewijzigd.")
    if action == "suspend":
        services.case_suspend(
            actor=actor, case=case, expected_version=version, reason=data["reason"]
        )
        return _("De zaak is opgeschort. De termijn staat stil.")
    if action == "resume":
        services.case_resume(actor=actor, case=case, expected_version=version)
        return _("De zaak loopt weer. De einddatum is opnieuw berekend.")
    if action == "extend":
        services.case_extend(
            actor=actor, case=case, expected_version=version, reason=data["reason"]
        )
        return _("De termijn is verlengd.")
    if action == "message":
        services.case_message_resident(actor=actor, case=case, body=data["body"])
        return _("Uw bericht is verstuurd.")
    if action == "note":
        services.case_add_note(actor=actor, case=case, body=data["body"])
        return _("De notitie is opgeslagen.")
    if action == "respond":
        if detail.escalation is None:
            raise InvalidInput(_("Deze zaak ligt niet bij de ombudsman."))
        services.escalation_respond(
            actor=actor, escalation=detail.escalation, response=data["response"]
        )
        return _("De reactie van de gemeente is opgeslagen.")
    raise Http404


ACTIONS = ("claim", "assign", "status", "suspend", "resume", "extend", "message", "note", "respond")


def _render_case(request, case, actor, forms_by_action, *, failed=None, conflict=False, status=200):
    detail = queries.case_detail(case)
    if forms_by_action is None:
        forms_by_action = _forms(detail)
    return render(
        request,
        "cases/staff/case.html",
        {
            "case": case,
            "detail": detail,
            "forms": forms_by_action,
            "failed": failed,
            "conflict": conflict,
            "today": timezone.localdate(),
            "is_mine": case.assignee_id == request.user.pk,
            # an access request is answered (and so closed) on the privacy officer's page
            "can_answer": actor.has_role(Role.PRIVACY_OFFICER),
        },
        status=status,
    )


@never_cache
@require_GET
@staff_required(Role.CASE_HANDLER)
def case(request, reference):
    """Everything about one case, with the handler's actions."""
    case, actor = _handler_case(request, reference)
    return _render_case(request, case, actor, None)


@never_cache
@require_POST
@staff_required(Role.CASE_HANDLER)
def case_action(request, reference, action):
    """One action on the case (POST); errors are shown on the case page itself."""
    if action not in ACTIONS:
        raise Http404
    case, actor = _handler_case(request, reference)
    detail = queries.case_detail(case)
    form = _form_for(action, detail, request.POST)
    if form.is_valid():
        try:
            done = _run(action, actor, case, detail, form.cleaned_data)
        except Conflict as exc:
            # Show the fresh case; keep what was typed, now against the fresh version.
            fresh = queries.staff_case(reference)
            fresh_detail = queries.case_detail(fresh)
            data = QueryDict(mutable=True)
            data.update(request.POST)
            data[f"{action}-expected_version"] = str(fresh.version)
            again = _form_for(action, fresh_detail, data)
            again.is_valid()
            again.add_error(None, exc.message)
            return _render_case(
                request,
                fresh,
                actor,
                _forms(fresh_detail, (action, again)),
                failed=again,
                conflict=True,
                status=409,
            )
        except StadhuisError as exc:
            name = exc.details.get("field")
            form.add_error(name if name in form.fields else None, exc.message)
            status = exc.status
        else:
            messages.success(request, done)
            return redirect("cases:staff_case", reference=case.reference)
    else:
        status = 400
    case = queries.staff_case(reference)  # the service may have changed it in memory
    return _render_case(
        request,
        case,
        actor,
        _forms(queries.case_detail(case), (action, form)),
        failed=form,
        status=status,
    )


@never_cache
@require_GET
@staff_required(Role.CASE_HANDLER)
def document(request, reference, document_id):
    """A document as a download, never inline (the read is logged with the case)."""
    case, _actor = _handler_case(request, reference)
    item = queries.case_document(case, document_id)
    if item is None:
        raise Http404
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=item.original_name,
        content_type=item.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- Ombudsman -------------------------------------------------------------------------


@never_cache
@require_GET
@staff_required(Role.OMBUDSMAN)
def ombudsman_queue(request):
    """Only cases residents took to the ombudsman."""
    pending = request.GET.get("open") == "1"
    page = queries.ombudsman_queue(pending_only=pending, cursor=request.GET.get("cursor"))
    next_url = None
    if page.next_cursor:
        query = {"cursor": page.next_cursor, **({"open": "1"} if pending else {})}
        next_url = f"{request.path}?{urlencode(query)}"
    return render(
        request,
        "cases/staff/ombudsman_queue.html",
        {"page": page, "pending": pending, "next_url": next_url},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@staff_required(Role.OMBUDSMAN)
def ombudsman_case(request, reference):
    """An escalated case with its full history, and the ombudsman's judgement."""
    case = queries.staff_case(reference, escalated_only=True)
    if case is None:
        raise Http404
    actor = staff_actor(request.user, Role.OMBUDSMAN)
    try:
        services.case_open_for_staff(actor=actor, case=case)
    except NotAllowed as exc:
        raise PermissionDenied(str(exc.message)) from exc
    detail = queries.case_detail(case)
    form = forms.JudgeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if detail.escalation is None or detail.escalation.judged_at is not None:
            form.add_error(None, _("De ombudsman heeft deze zaak al beoordeeld."))
            status = 400
        elif form.is_valid():
            try:
                services.escalation_judge(
                    actor=actor,
                    escalation=detail.escalation,
                    findings=form.cleaned_data["findings"],
                    recommendation=form.cleaned_data["recommendation"],
                )
            except StadhuisError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, _("Uw oordeel is opgeslagen. De inwoner krijgt bericht."))
                return redirect(reverse("cases:ombudsman_case", args=[case.reference]))
        else:
            status = 400
    return render(
        request,
        "cases/staff/ombudsman_case.html",
        {"case": case, "detail": detail, "form": form, "today": timezone.localdate()},
        status=status,
    )
