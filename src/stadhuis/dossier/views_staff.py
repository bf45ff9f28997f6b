"""Staff pages of the dossier: assisted service, and the privacy officer's requests queue."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from stadhuis.accounts.decorators import staff_required
from stadhuis.accounts.services import staff_actor
from stadhuis.cases import queries_staff as cases_queries
from stadhuis.core.errors import NotAllowed, NotFound, StadhuisError
from stadhuis.core.roles import Role
from stadhuis.dossier import export, queries, services
from stadhuis.dossier.forms import AccessAnswerForm, AccessPostForm, AssistedStartForm
from stadhuis.dossier.views import log_context, overview_context, section_context

HELPERS = (Role.CASE_HANDLER, Role.PRIVACY_OFFICER)


def _helper(request):
    role = (
        Role.CASE_HANDLER
        if request.user.role_assignments.filter(role=Role.CASE_HANDLER).exists()
        else Role.PRIVACY_OFFICER
    )
    return staff_actor(request.user, role)


@never_cache
@staff_required(*HELPERS)
@require_http_methods(["GET", "POST"])
def assisted_start(request):
    """Begin helping a resident: identity checked, reason written, consent recorded."""
    form = AssistedStartForm(request.POST or None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            session = services.assisted_session_start(
                actor=_helper(request),
                bsn=data["bsn"],
                channel=data["channel"],
                reason=data["reason"],
                consent=data["consent"],
            )
        except StadhuisError as exc:
            form.add_service_error(exc)
        else:
            return redirect("dossier:assisted", public_id=session.public_id)
    return render(
        request,
        "dossier/staff/assisted_start.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


def _session(request, public_id):
    try:
        return services.assisted_session_for(actor=_helper(request), public_id=public_id)
    except NotFound as exc:
        raise Http404 from exc


@never_cache
@staff_required(*HELPERS)
@require_GET
def assisted(request, public_id):
    """The resident's dossier, as they see it, while the staff member helps them."""
    session = _session(request, public_id)
    actor = services.assisted_actor(session)
    services.dossier_view(actor=actor, part="overzicht")
    context = overview_context(actor)
    context.update({"session": session, "assisted": True})
    return render(request, "dossier/staff/assisted.html", context)


@never_cache
@staff_required(*HELPERS)
@require_GET
def assisted_section(request, public_id, key: str):
    """All of one section of the resident's dossier, a page at a time."""
    session = _session(request, public_id)
    found = queries.section(key)
    if found is None:
        raise Http404
    actor = services.assisted_actor(session)
    services.dossier_view(actor=actor, part=key)
    context = section_context(request, actor, found)
    context.update({"session": session, "assisted": True})
    return render(request, "dossier/section.html", context)


@never_cache
@staff_required(*HELPERS)
@require_GET
def assisted_record(request, public_id, key: str, object_id: str):
    """One item of the resident's dossier in full, such as a case with its messages."""
    session = _session(request, public_id)
    actor = services.assisted_actor(session)
    item = queries.find_record(actor.subject, key, object_id[:64])
    if item is None:
        raise Http404
    services.dossier_view(actor=actor, part=key)
    return render(
        request,
        "dossier/staff/assisted_record.html",
        {"session": session, "assisted": True, "item": item, "section_key": key},
    )


@never_cache
@staff_required(*HELPERS)
@require_GET
def assisted_log(request, public_id):
    session = _session(request, public_id)
    actor = services.assisted_actor(session)
    services.dossier_view(actor=actor, part="verwerkingen")
    context, status = log_context(request, actor.subject)
    context["form"].fields["others_only"].label = _("Verberg wat de inwoner zelf deed")
    context.update({"session": session, "assisted": True})
    return render(request, "dossier/staff/assisted_log.html", context, status=status)


@staff_required(*HELPERS)
@require_POST
def assisted_end(request, public_id):
    session = _session(request, public_id)
    services.assisted_session_end(actor=_helper(request), session=session)
    messages.success(request, _("De hulp is afgesloten. U ziet de gegevens niet meer."))
    return redirect("dossier:assisted_start")


# --- The privacy officer ------------------------------------------------------------------


@never_cache
@staff_required(Role.PRIVACY_OFFICER)
@require_GET
def requests_queue(request):
    """Open access, correction, erasure and objection requests, by statutory deadline."""
    page = cases_queries.gdpr_requests(cursor=request.GET.get("cursor"))
    next_url = None
    if page.next_cursor:
        next_url = f"{request.path}?{urlencode({'cursor': page.next_cursor})}"
    return render(
        request,
        "dossier/staff/requests.html",
        {
            "page": page,
            "next_url": next_url,
            "first_url": request.path if request.GET.get("cursor") else None,
            "today": timezone.localdate(),
            # the case page is the handlers' (with their actions); a privacy officer who
            # is not also a handler sees the queue and makes answers here
            "can_open": request.user.role_assignments.filter(role=Role.CASE_HANDLER).exists(),
        },
    )


def _access_request(request, reference: str):
    actor = staff_actor(request.user, Role.PRIVACY_OFFICER)
    try:
        return actor, services.access_request_case(actor=actor, reference=reference)
    except NotFound as exc:
        raise Http404 from exc
    except NotAllowed as exc:
        raise PermissionDenied(str(exc.message)) from exc


@never_cache
@staff_required(Role.PRIVACY_OFFICER)
@require_http_methods(["GET", "POST"])
def access_answer(request, reference: str):
    """Check the answer to an access request (the resident's dossier, as it will go
    out), then send it and finish the request in one step ("Verstuur en rond af")."""
    actor, case = _access_request(request, reference)
    if case.is_open and services.access_request_by_post(case):
        return redirect("dossier:access_answer_post", reference=case.reference)
    notes = []
    if services.access_request_problem(case) is None:
        notes = services.access_request_notes(actor=actor, case=case)
    form = AccessAnswerForm(
        request.POST or None, results=services.access_request_results(case), notes=notes
    )
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                answer = services.access_request_answer(
                    actor=actor,
                    reference=case.reference,
                    expected_version=data["version"],
                    result_code=data["result"],
                    explanation=data["explanation"],
                    notes=form.included_notes(),
                )
            except StadhuisError as exc:
                form.add_service_error(exc)
                status = exc.status
                case = services.access_request_case(actor=actor, reference=case.reference)
            else:
                messages.success(
                    request,
                    _(
                        "Het antwoord op %(reference)s is verstuurd en het verzoek is "
                        "afgehandeld. De inwoner vindt %(name)s en het JSON-bestand bij de zaak."
                    )
                    % {"reference": answer.case.reference, "name": answer.readable.original_name},
                )
                return redirect("dossier:requests")
    context = {
        "case": case,
        "form": form,
        "problem": services.access_request_problem(case),
        "today": timezone.localdate(),
        "answer_language": settings.LANGUAGE_CODE,  # the document's (export.readable_document)
    }
    if context["problem"] is None:
        data = services.access_request_preview(actor=actor, case=case)
        with translation.override(settings.LANGUAGE_CODE):  # the log lines as they go out
            context.update(export.readable_context(case.subject, data))
    elif status == 200:
        status = context["problem"].status
    return render(request, "dossier/staff/access_answer.html", context, status=status)


@never_cache
@staff_required(Role.PRIVACY_OFFICER)
@require_http_methods(["GET", "POST"])
def access_answer_post(request, reference: str):
    """A request made without DigiD: print the answer, post it to the address in the
    request, then record the day it was posted, which finishes the request."""
    actor, case = _access_request(request, reference)
    form = AccessPostForm(request.POST or None, results=services.access_request_results(case))
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.access_request_answer_by_post(
                    actor=actor,
                    reference=case.reference,
                    expected_version=data["version"],
                    result_code=data["result"],
                    sent_on=data["sent_on"],
                    explanation=data["explanation"],
                )
            except StadhuisError as exc:
                form.add_service_error(exc)
                status = exc.status
                case = services.access_request_case(actor=actor, reference=case.reference)
            else:
                messages.success(
                    request,
                    _(
                        "Vastgelegd: het antwoord op %(reference)s ging per post, en het "
                        "verzoek is afgehandeld. Een kopie van de brief staat bij de zaak."
                    )
                    % {"reference": case.reference},
                )
                return redirect("dossier:requests")
    problem = services.access_request_post_problem(case)
    if problem is not None and status == 200:
        status = problem.status
    context = {
        "case": case,
        "form": form,
        "problem": problem,
        "today": timezone.localdate(),
    }
    if problem is None:  # the page shows the address: a logged read
        context["address"] = services.access_request_post_view(actor=actor, case=case)
    return render(request, "dossier/staff/access_answer_post.html", context, status=status)


@never_cache
@staff_required(Role.PRIVACY_OFFICER)
@require_GET
def access_answer_letter(request, reference: str):
    """The answer by post, as a page that prints as the letter (no JavaScript)."""
    actor, case = _access_request(request, reference)
    try:
        letter = services.access_request_letter(
            actor=actor,
            case=case,
            back_url=reverse("dossier:access_answer_post", args=[case.reference]),
        )
    except StadhuisError as exc:
        return render(
            request,
            "dossier/staff/access_answer_post.html",
            {"case": case, "problem": exc, "today": timezone.localdate()},
            status=exc.status,
        )
    return HttpResponse(letter, content_type="text/html; charset=utf-8")
