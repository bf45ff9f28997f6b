"""The resident's side of track & trace: ask, follow, reply; and the anonymous look-up.

Views stay thin: a form checks the shape of the input, one service or query does the
work, and every ``StadhuisError`` of a service becomes a message on the form (4xx,
never a 5xx). Actions are POST forms that redirect after success.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from stadhuis.accounts.services import resident_actor
from stadhuis.cases import queries, services
from stadhuis.cases.forms_resident import (
    CaseSubmitForm,
    DocumentForm,
    EscalateForm,
    FeedbackForm,
    LookupForm,
    ReplyForm,
    WithdrawForm,
)
from stadhuis.core.context import Actor, ActorKind
from stadhuis.core.errors import Conflict, NotFound, StadhuisError
from stadhuis.core.middleware import client_address

ANONYMOUS = Actor(kind=ActorKind.RESIDENT, unit="inwoner", role="anoniem")
SUBMITTED_SESSION_KEY = "cases_submitted"


def _is_resident(user) -> bool:
    return user.is_authenticated and user.is_resident and hasattr(user, "resident")


def resident_required(view):
    """Only a logged-in resident; anyone else (visitors, staff) goes to the login page."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _is_resident(request.user):
            return redirect_to_login(request.get_full_path(), login_url=reverse("accounts:login"))
        return view(request, *args, **kwargs)

    return wrapped


# --- Asking something of the city ------------------------------------------------------


@require_GET
def catalogue(request):
    """Everything a resident can ask or report, in plain language."""
    return render(
        request,
        "cases/resident/catalogue.html",
        {"case_types": queries.published_case_types(), "logged_in": _is_resident(request.user)},
    )


def _uploads(form) -> list[services.Upload]:
    keep = form.cleaned_data.get("keep_location", False)
    return [
        services.Upload(data=item.read(), name=item.name, keep_location=keep)
        for item in form.cleaned_data.get("attachments", [])
    ]


@require_http_methods(["GET", "POST"])
def submit(request, code: str):
    """The form of one case type. Anonymous only where the type allows it."""
    case_type = queries.published_case_type(code)
    if case_type is None:
        raise Http404
    if case_type.start_url:  # started elsewhere, e.g. a neighbourhood fund in Meedoen
        return redirect(case_type.start_url)
    resident = _is_resident(request.user)
    anonymous = not request.user.is_authenticated
    if request.method == "POST":
        request.personal_data = True
    refused = (anonymous and not case_type.anonymous_allowed) or (
        request.user.is_authenticated and not resident
    )
    if refused:
        return render(
            request,
            "cases/resident/login_needed.html",
            {"case_type": case_type, "staff": request.user.is_authenticated},
            status=403 if request.method == "POST" else 200,
        )
    form = CaseSubmitForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        case_type=case_type,
        anonymous=anonymous,
    )
    if form.is_valid():
        data = form.cleaned_data
        actor = resident_actor(request.user.resident) if resident else ANONYMOUS
        try:
            case = services.case_submit(
                actor=actor,
                case_type_code=case_type.code,
                description=data["description"],
                answers=form.answers(),
                email=data.get("email", ""),
                postcode=data.get("postcode", ""),
                address=data.get("address", ""),
                latitude=float(data["latitude"]) if data.get("latitude") is not None else None,
                longitude=float(data["longitude"]) if data.get("longitude") is not None else None,
                uploads=_uploads(form),
            )
        except StadhuisError as exc:
            form.add_service_error(exc)
        else:
            request.session[SUBMITTED_SESSION_KEY] = {
                "reference": case.reference,
                "type_name": case_type.name,
                "kind": case_type.kind,
                "anonymous": anonymous,
                "email": bool(case.contact_email),
                "postcode": bool(case.contact_postcode),
            }
            return redirect("cases:submitted", code=case_type.code)
    return render(
        request,
        "cases/resident/submit.html",
        {"case_type": case_type, "form": form, "anonymous": anonymous},
        status=400 if form.is_bound else 200,
    )


@require_GET
def submitted(request, code: str):
    """After sending: the reference, big and readable, and how to follow the case."""
    info = request.session.get(SUBMITTED_SESSION_KEY)
    if not info:
        return redirect("cases:catalogue")
    request.personal_data = True
    return render(
        request,
        "cases/resident/submitted.html",
        {"info": info, "groups": info["reference"].split("-")},
    )


# --- Mijn zaken ---------------------------------------------------------------------------


@resident_required
@require_GET
def my_cases(request):
    """All my cases, open ones first, each list newest first."""
    cases = list(queries.resident_cases(request.user.resident.pseudonym))
    return render(
        request,
        "cases/resident/my_cases.html",
        {
            "open_cases": [case for case in cases if case.is_open],
            "closed_cases": [case for case in cases if not case.is_open],
        },
    )


def _own_case(request, reference: str):
    """The case, if it is mine; opening it is logged (the resident sees it in the dossier)."""
    actor = resident_actor(request.user.resident)
    case = queries.resident_case(actor.subject, reference)
    if case is None:
        raise Http404
    try:
        services.case_open_for_resident(actor=actor, case=case)
    except NotFound as exc:
        raise Http404 from exc
    return actor, case


def _render_case(request, case, *, forms=None, status=200):
    forms = forms or {}
    actions = queries.resident_actions(case)
    context = {
        "case": case,
        "actions": actions,
        "escalation": getattr(case, "escalation", None) if case.escalated else None,
        "reply_form": forms.get("reply") or ReplyForm(prefix="reply"),
        "document_form": forms.get("document") or DocumentForm(prefix="document"),
        "withdraw_form": forms.get("withdraw")
        or WithdrawForm(prefix="withdraw", initial={"expected_version": case.version}),
        "feedback_form": forms.get("feedback") or FeedbackForm(prefix="feedback"),
        "escalate_form": forms.get("escalate") or EscalateForm(prefix="escalate"),
        "feedback_given": list(case.feedback.all()),
    }
    return render(request, "cases/resident/case_detail.html", context, status=status)


@resident_required
@require_GET
def case_detail(request, reference: str):
    _actor, case = _own_case(request, reference)
    return _render_case(request, case)


def _case_action(form_class, prefix: str, *, files: bool = False):
    """Wrap an action: validate its form, run it, redirect; on an error show the case."""

    def decorator(run):
        @resident_required
        @require_POST
        @wraps(run)
        def view(request, reference: str):
            actor, case = _own_case(request, reference)
            form = form_class(request.POST, request.FILES if files else None, prefix=prefix)
            if form.is_valid():
                try:
                    message = run(actor, case, form.cleaned_data)
                except Conflict as exc:
                    messages.error(request, str(exc.message))
                    return redirect("cases:case_detail", reference=case.reference)
                except StadhuisError as exc:
                    form.add_service_error(exc)
                else:
                    messages.success(request, message)
                    return redirect("cases:case_detail", reference=case.reference)
            return _render_case(request, case, forms={prefix: form}, status=400)

        return view

    return decorator


@_case_action(ReplyForm, "reply")
def case_reply(actor, case, data):
    services.case_reply(actor=actor, case=case, body=data["body"])
    return _("Uw bericht is verstuurd.")


@_case_action(DocumentForm, "document", files=True)
def case_add_document(actor, case, data):
    upload = data["file"]
    services.case_add_document(
        actor=actor,
        case=case,
        upload=services.Upload(upload.read(), upload.name, data["keep_location"]),
    )
    return _("Uw document is toegevoegd.")


@_case_action(WithdrawForm, "withdraw")
def case_withdraw(actor, case, data):
    services.case_withdraw(
        actor=actor, case=case, expected_version=data["expected_version"], reason=data["reason"]
    )
    return _("U heeft uw zaak ingetrokken. We doen er niets meer mee.")


@_case_action(FeedbackForm, "feedback")
def case_feedback(actor, case, data):
    services.case_feedback(actor=actor, case=case, satisfied=data["satisfied"], text=data["text"])
    if case.is_open:  # an unhappy answer reopened the report
        return _("Bedankt voor uw reactie. We kijken opnieuw naar uw melding.")
    return _("Bedankt voor uw reactie.")


@_case_action(EscalateForm, "escalate")
def case_escalate(actor, case, data):
    services.case_escalate(actor=actor, case=case, reason=data["reason"])
    return _("Uw klacht ligt nu bij de ombudsman. U hoort van de ombudsman wat er verder gebeurt.")


@resident_required
@require_GET
def document_download(request, reference: str, public_id):
    """Always a download, never shown in the browser: an upload could hold anything."""
    document = queries.resident_document(request.user.resident.pseudonym, reference, public_id)
    if document is None:
        raise Http404
    services.case_document_open_for_resident(
        actor=resident_actor(request.user.resident), document=document
    )
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- Anonymous look-up ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def lookup(request):
    """Follow a case with its reference plus the e-mail address or postcode given."""
    form = LookupForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        request.personal_data = True
    if form.is_valid():
        try:
            case = services.case_lookup(
                client=client_address(request),
                reference=form.cleaned_data["reference"],
                email_or_postcode=form.cleaned_data["email_or_postcode"],
            )
        except StadhuisError as exc:
            form.add_error(None, str(exc.message))
            status = exc.status if exc.status in (404, 429) else 400
        else:
            case = queries.case_with_timeline(case)
            return render(
                request,
                "cases/resident/track.html",
                {"case": case, "overdue": queries.resident_actions(case).overdue},
            )
    elif form.is_bound:
        status = 400
    return render(request, "cases/resident/lookup.html", {"form": form}, status=status)
