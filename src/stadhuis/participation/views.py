"""Public and resident pages of participation. Thin: a form checks the input, one
service or query does the work, and a ``StadhuisError`` becomes a message on the form
(4xx, never 5xx). Everything works without JavaScript; actions are POST forms that
redirect after success."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from stadhuis.accounts.services import resident_actor
from stadhuis.api.pagination import MAX_CURSOR_LENGTH, CursorParams, paginate
from stadhuis.cases.services import Upload
from stadhuis.cases.views_resident import _is_resident, resident_required
from stadhuis.core import shared
from stadhuis.core.errors import InvalidInput, StadhuisError
from stadhuis.participation import eligibility, forms, queries, services, tally
from stadhuis.participation.models import (
    ApplicationKind,
    Decision,
    PhaseKind,
    ProcessKind,
    Scope,
)


def _found(value):
    """What a query found, or a 404: an unknown id is the visitor's mistake, not ours."""
    if value is None:
        raise Http404
    return value


def _phase_label(kind):
    return PhaseKind(kind).label if kind else None


def _eligibility(request, process, *, logged: bool = False):
    """Whether the logged-in resident may take part, for the page's notice. Logged as
    their read unless the page already logged one under the same activity (``logged``)."""
    if not _is_resident(request.user):
        return None
    resident = request.user.resident
    if logged:
        return eligibility.check(process, resident)
    return services.eligibility_shown(
        actor=resident_actor(resident), resident=resident, process=process
    )


@require_GET
def index(request):
    """All participation processes, with the phase each is in now."""
    processes = list(queries.public_processes())
    return render(
        request,
        "participation/index.html",
        {"processes": [(p, _phase_label(services.current_phase(p))) for p in processes]},
    )


@require_GET
def process_detail(request, process_id):
    """A process: the city's question, its phases, and what you can do in this phase.
    Anonymous visitors of a list share one rendering (``queries.SHARED_KINDS``)."""
    rendered = {}

    def render():
        response, rendered["process"] = _process_page(request, process_id)
        return response

    return shared.answer(
        request,
        lambda: queries.shared_key(request, process_id, "process"),
        render,
        until=lambda started: services.next_phase_change(rendered["process"], started),
    )


def _process_page(request, process_id):
    process = _found(queries.shown_process(request, process_id))
    body, status = shared.fragment(
        request,
        lambda: queries.shared_key(request, process_id, "process-body"),
        lambda: _process_body(request, process),
        until=lambda started: services.next_phase_change(process, started),
    )
    context = {"process": process, "eligibility": _eligibility(request, process), "body": body}
    return render(request, "participation/process_detail.html", context, status=status), process


def _process_body(request, process) -> tuple[str, int]:
    """What a process's page shows below its question: the same for every visitor, so
    the idea list is shared by all of them (``shared.fragment``). The phase is read here,
    after the part began rendering: its copy ends at the next phase change after that."""
    phase = services.current_phase(process)
    context = {"process": process, "phase": phase}
    status = 200
    if process.kind in (ProcessKind.CROWDSOURCING, ProcessKind.BUDGET):
        # a city-wide process can still be filtered by the neighbourhood an idea is about
        neighbourhoods = (
            queries.neighbourhoods()
            if process.scope == Scope.CITY
            else list(process.neighbourhoods.all())
        )
        form = forms.IdeaFilterForm(request.GET or None, neighbourhoods=neighbourhoods)
        valid = form.is_valid() if form.is_bound else True
        filters = form.cleaned_data if form.is_bound and valid else {}
        ideas, status = _idea_page(request, process, filters)
        if not valid:
            status = 400  # the form says which filter was wrong; the list is unfiltered
        context.update(ideas, filter_form=form, can_propose=phase == PhaseKind.IDEAS)
    if process.kind == ProcessKind.BUDGET:
        context["projects"] = list(queries.process_projects(process))
        context["voting"] = phase == PhaseKind.VOTING
        context["count"] = queries.published_count(process)
    if process.kind in (ProcessKind.FUND, ProcessKind.CHALLENGE):
        context["applications"] = list(queries.public_applications(process))
        context["can_apply"] = phase == PhaseKind.IDEAS
    if process.kind == ProcessKind.CONSULTATION:
        context["open"] = phase == PhaseKind.IDEAS
    return render_to_string("participation/_process_body.html", context, request), status


IDEA_PAGE_SIZE = 20  # as the API's default page


def _idea_page(request, process, filters) -> tuple[dict, int]:
    """One page of the process's visible ideas with the filters, and the links to the
    next page and back to the first. Keyset pages (``api.pagination``): each is one
    indexed query however deep one pages; a cursor that is not ours is a 400 with a
    message, and the first page."""
    sort = filters.get("sort") or "nieuw"
    ideas = queries.public_ideas(
        process,
        sort=sort,
        neighbourhood=filters.get("buurt") or "",
        search=filters.get("zoek") or "",
    )
    keys = queries.IDEA_SORTS[sort]
    cursor = request.GET.get("cursor") or None
    status = 200
    try:
        page = paginate(
            request,
            ideas,
            CursorParams(
                cursor=cursor[:MAX_CURSOR_LENGTH] if cursor else None, limit=IDEA_PAGE_SIZE
            ),
            keys=keys,
        )
    except InvalidInput:
        messages.error(
            request,
            _("Deze pagina van de lijst bestaat niet (meer). U ziet het begin van de lijst."),
        )
        page = paginate(request, ideas, CursorParams(limit=IDEA_PAGE_SIZE), keys=keys)
        status = 400
    first_url = None
    if cursor:
        query = request.GET.copy()
        query.pop("cursor", None)
        first_url = f"{request.path}?{query.urlencode()}" if query else request.path
    return {"ideas": page.results, "next_url": page.next, "first_url": first_url}, status


# --- Ideas ---------------------------------------------------------------------------------


@resident_required
@require_http_methods(["GET", "POST"])
def idea_new(request, process_id):
    """Write an idea. Step one shows similar ideas; step two sends it."""
    process = _found(queries.public_process(process_id))
    request.personal_data = True
    form = forms.IdeaForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    similar = None
    step = request.POST.get("step", "check")
    if form.is_valid():
        data = form.cleaned_data
        if step == "check":
            similar = queries.similar_ideas(process, f"{data['title']} {data['body']}")
        else:
            image = data.get("image")
            latitude, longitude = form.coordinates()
            try:
                idea = services.idea_submit(
                    actor=resident_actor(request.user.resident),
                    process=process,
                    title=data["title"],
                    body=data["body"],
                    location=data.get("location") or "",
                    latitude=latitude,
                    longitude=longitude,
                    image=Upload(image.read(), image.name) if image else None,
                )
            except StadhuisError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("Uw idee staat online. Bedankt!"))
                return redirect("participation:idea", idea_id=idea.public_id)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "participation/idea_new.html",
        {
            "process": process,
            "form": form,
            "similar": similar,
            # the last step (with the photo field) once the similar ideas were shown
            "checked": similar is not None or (form.is_bound and step == "send"),
            "eligibility": _eligibility(request, process),
        },
        status=status,
    )


def _render_idea(request, idea, *, comment_form=None, report_form=None, status=200):
    subject = request.user.resident.pseudonym if _is_resident(request.user) else ""
    if subject:  # the page says whether I support the idea: my data, my read
        services.participation_open_for_resident(
            actor=resident_actor(request.user.resident), part="steun", about=idea
        )
    return render(
        request,
        "participation/idea_detail.html",
        {
            "idea": idea,
            "process": idea.process,
            "phase": services.current_phase(idea.process),
            "threads": queries.threads(idea),
            "supported": queries.has_supported(idea, subject),
            "logged_in": bool(subject),
            "comment_form": comment_form or forms.CommentForm(prefix="comment"),
            "report_form": report_form or forms.ReportForm(prefix="report"),
        },
        status=status,
    )


@require_GET
def idea_detail(request, idea_id):
    return _render_idea(request, _found(queries.public_idea(idea_id)))


@require_GET
def idea_image(request, idea_id):
    """The idea's photo: re-encoded at upload, so its type is known; never sniffed."""
    idea = _found(queries.public_idea(idea_id))
    if not idea.image:
        raise Http404
    return _image(idea.image, idea.image_type)


def _image(file, content_type: str) -> FileResponse:
    """A resident's photo: never sniffed, never run as a page (sandbox)."""
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _idea_action(request, idea_id, run):
    idea = _found(queries.public_idea(idea_id))
    try:
        message = run(resident_actor(request.user.resident), idea)
    except StadhuisError as exc:
        messages.error(request, str(exc.message))
        return _render_idea(request, idea, status=exc.status)
    messages.success(request, message)
    return redirect("participation:idea", idea_id=idea.public_id)


@resident_required
@require_POST
def idea_support(request, idea_id):
    def run(actor, idea):
        services.idea_support(actor=actor, idea=idea)
        return _("U steunt dit idee.")

    return _idea_action(request, idea_id, run)


@resident_required
@require_POST
def idea_unsupport(request, idea_id):
    def run(actor, idea):
        services.idea_unsupport(actor=actor, idea=idea)
        return _("U steunt dit idee niet meer.")

    return _idea_action(request, idea_id, run)


def _comment_of(idea, public_id):
    if public_id is None:
        return None
    for comment in idea.visible_comments:
        if comment.public_id == public_id:
            return comment
    raise StadhuisError(_("Deze reactie is niet (meer) zichtbaar."))


@resident_required
@require_POST
def idea_comment(request, idea_id):
    idea = _found(queries.public_idea(idea_id))
    form = forms.CommentForm(request.POST, prefix="comment")
    if form.is_valid():
        try:
            services.comment_add(
                actor=resident_actor(request.user.resident),
                idea=idea,
                body=form.cleaned_data["body"],
                parent=_comment_of(idea, form.cleaned_data.get("parent")),
            )
        except StadhuisError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Uw reactie staat online."))
            return redirect("participation:idea", idea_id=idea.public_id)
    return _render_idea(request, idea, comment_form=form, status=400)


@resident_required
@require_POST
def idea_report(request, idea_id):
    idea = _found(queries.public_idea(idea_id))
    form = forms.ReportForm(request.POST, prefix="report")
    if form.is_valid():
        try:
            comment = _comment_of(idea, form.cleaned_data.get("comment"))
            services.abuse_report(
                actor=resident_actor(request.user.resident),
                reason=form.cleaned_data["reason"],
                idea=None if comment else idea,
                comment=comment,
            )
        except StadhuisError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Bedankt. Een moderator kijkt ernaar."))
            return redirect("participation:idea", idea_id=idea.public_id)
    return _render_idea(request, idea, report_form=form, status=400)


@resident_required
@require_GET
def my_participation(request):
    """My ideas (also hidden or rejected ones, with the moderator's reason), my answers,
    my votes (that and when, never what) and my applications."""
    subject = request.user.resident.pseudonym
    services.participation_open_for_resident(
        actor=resident_actor(request.user.resident), part="mijn-meedoen"
    )
    return render(
        request,
        "participation/mine.html",
        {
            "ideas": list(queries.my_ideas(subject)),
            "responses": list(queries.my_responses(subject)),
            "votes": list(queries.my_votes(subject)),
            "applications": list(queries.my_applications(subject)),
        },
    )


# --- Consultations --------------------------------------------------------------------------


@resident_required
@require_http_methods(["GET", "POST"])
def consultation(request, process_id):
    """Answer the questionnaire; while it is open you can change your answers."""
    process = _found(queries.public_process(process_id))
    if process.kind != ProcessKind.CONSULTATION:
        raise Http404
    request.personal_data = True
    questions = queries.questions(process)
    subject = request.user.resident.pseudonym
    existing = queries.my_response(process, subject)
    if existing is not None and request.method == "GET":
        services.participation_open_for_resident(
            actor=resident_actor(request.user.resident), part="raadpleging", process=process
        )
    form = forms.ConsultationForm(
        request.POST if request.method == "POST" else None,
        questions=questions,
        initial=forms.ConsultationForm.initial_from(existing),
    )
    if form.is_valid():
        try:
            services.response_submit(
                actor=resident_actor(request.user.resident), process=process, answers=form.answers()
            )
        except StadhuisError as exc:
            form.add_service_error(exc)
        else:
            messages.success(
                request,
                _("Uw antwoorden zijn opgeslagen. U kunt ze wijzigen zolang de raadpleging loopt."),
            )
            return redirect("participation:process", process_id=process.public_id)
    return render(
        request,
        "participation/consultation.html",
        {
            "process": process,
            "form": form,
            "sections": form.sections(),
            "answered": existing is not None,
            "open": services.current_phase(process) == PhaseKind.IDEAS,
            "eligibility": _eligibility(
                request, process, logged=existing is not None and request.method == "GET"
            ),
        },
        status=400 if form.is_bound else 200,
    )


@require_GET
def results(request, process_id):
    """Results: consultation counts, or the budget's outcome with a reason per project."""
    process = _found(queries.public_process(process_id))
    context = {"process": process}
    if process.kind == ProcessKind.CONSULTATION:
        results = queries.published_consultation_results(process)
        context["results"] = results or []
        context["still_open"] = results is None
    elif process.kind == ProcessKind.BUDGET:
        count = queries.published_count(process)
        context["count"] = count
        context["rows"] = tally.explained_rows(process, count) if count else []
        context["rule_label"] = tally.rules().get(count.rule, count.rule) if count else ""
        context["funds_in_part"] = bool(count) and tally.funds_in_part(process, count.rule)
        context["turnout"] = queries.turnout(process)
    else:
        raise Http404
    return render(request, "participation/results.html", context)


# --- Budget -----------------------------------------------------------------------------------


@sensitive_post_parameters("receipt")
@resident_required
@require_http_methods(["GET", "POST"])
def ballot(request, process_id):
    """Vote (or change your vote) in a citizens' budget."""
    process = _found(queries.public_process(process_id))
    if process.kind != ProcessKind.BUDGET:
        raise Http404
    request.personal_data = True
    projects = queries.ballot_projects(process)
    form = forms.BallotForm(
        request.POST if request.method == "POST" else None, process=process, projects=projects
    )
    if form.is_valid():
        try:
            receipt = services.ballot_cast(
                actor=resident_actor(request.user.resident),
                process=process,
                choices=form.choices(),
                previous_receipt=form.cleaned_data.get("receipt", ""),
            )
        except StadhuisError as exc:
            form.add_service_error(exc)
        else:
            # Shown in the answer to the POST itself, never put in the session: a
            # session row holds the user id, so a receipt there would link voter and
            # ballot in the database. (Reloading re-sends the form, which is refused.)
            return render(
                request,
                "participation/voted.html",
                {"process": process, "receipt": receipt, "groups": receipt.split("-")},
            )
    roll = queries.my_roll_entry(process, request.user.resident.pseudonym)
    if roll is not None:
        services.participation_open_for_resident(
            actor=resident_actor(request.user.resident), part="stembiljet", process=process
        )
    return render(
        request,
        "participation/ballot.html",
        {
            "process": process,
            "form": form,
            "projects": projects,
            "voted": roll is not None,
            "voting": services.current_phase(process) == PhaseKind.VOTING,
            "eligibility": _eligibility(request, process, logged=roll is not None),
        },
        status=400 if form.is_bound else 200,
    )


@sensitive_post_parameters("receipt")
@require_http_methods(["GET", "POST"])
def receipt_check(request, process_id):
    """Anyone can check that a ballot with their receipt is in the count."""
    process = _found(queries.public_process(process_id))
    form = forms.ReceiptForm(request.POST if request.method == "POST" else None)
    found = None
    if form.is_valid():
        found = queries.receipt_counted(process, form.cleaned_data["receipt"])
    return render(
        request,
        "participation/receipt.html",
        {"process": process, "form": form, "found": found},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_GET
def project_detail(request, project_id):
    project = _found(queries.public_project(project_id))
    return render(request, "participation/project_detail.html", {"project": project})


@require_GET
def milestone_photo(request, project_id, milestone_id):
    project = queries.public_project(project_id)
    return _milestone_photo(project.milestones.all() if project else (), milestone_id)


@require_GET
def application_milestone_photo(request, application_id, milestone_id):
    """A photo of a granted initiative's progress, as its page shows it."""
    application = queries.public_application(application_id)
    if application is None or application.decision != Decision.GRANTED:
        raise Http404
    return _milestone_photo(application.milestones.all(), milestone_id)


def _milestone_photo(milestones, milestone_id) -> FileResponse:
    milestone = next((m for m in milestones if m.public_id == milestone_id), None)
    if milestone is None or not milestone.photo:
        raise Http404
    # clean_upload named the file after the type it found in the content
    kind = "image/png" if milestone.photo.name.endswith(".png") else "image/jpeg"
    return _image(milestone.photo, kind)


@require_GET
def results_csv(request, process_id):
    """The published result per project as CSV (open data)."""
    process = _found(queries.public_process(process_id))
    count = queries.published_count(process) if process.kind == ProcessKind.BUDGET else None
    if count is None:
        raise Http404
    out = io.StringIO()
    writer = csv.writer(out)
    # New columns go at the end: scripts read these by position.
    writer.writerow(
        ["project_id", "title", "cost", "votes", "funded", "reason", "explanation", "paid"]
    )
    for row in tally.explained_rows(process, count):
        project = row["project"]
        writer.writerow(
            [
                _csv_safe(project.code),  # may come from an imported Pabulib file
                _csv_safe(project.title),
                project.cost,
                row["votes"],
                int(row["funded"]),
                row["reason"],
                row["sentence"],
                row["paid"],  # from the budget: the cost, less when funded in part, or 0
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="uitslag-{process.public_id}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _csv_safe(value: str) -> str:
    """Titles come from residents' ideas: keep spreadsheets from running them as formulas."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@require_GET
def pabulib_export(request, process_id):
    """The budget vote as a Pabulib ``.pb`` file, once a count is published (open data)."""
    process = _found(queries.public_process(process_id))
    if process.kind != ProcessKind.BUDGET or queries.published_count(process) is None:
        raise Http404
    response = HttpResponse(tally.export_text(process), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="stadhuis-{process.public_id}.pb"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Funds and right to challenge --------------------------------------------------------


@resident_required
@require_http_methods(["GET", "POST"])
def application_new(request, process_id):
    process = _found(queries.public_process(process_id))
    if process.kind not in (ProcessKind.FUND, ProcessKind.CHALLENGE):
        raise Http404
    request.personal_data = True
    form = forms.ApplicationForm(
        request.POST if request.method == "POST" else None,
        challenge=process.kind == ProcessKind.CHALLENGE,
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            application = services.application_submit(
                actor=resident_actor(request.user.resident),
                process=process,
                title=data["title"],
                plan=data["plan"],
                amount=data["amount"],
                organisation=data.get("organisation", ""),
                task=data.get("task", ""),
                comparison=data.get("comparison", ""),
            )
        except StadhuisError as exc:
            form.add_service_error(exc)
        else:
            messages.success(
                request,
                _("Uw aanvraag is ontvangen. U volgt hem bij Mijn zaken onder kenmerk %(ref)s.")
                % {"ref": application.case_reference},
            )
            return redirect("participation:application", application_id=application.public_id)
    return render(
        request,
        "participation/application_new.html",
        {"process": process, "form": form, "eligibility": _eligibility(request, process)},
        status=400 if form.is_bound else 200,
    )


def _render_application(request, application, *, report_form=None, status=200):
    subject = request.user.resident.pseudonym if _is_resident(request.user) else ""
    if subject:  # the page says whether I signed: my data, my read
        services.participation_open_for_resident(
            actor=resident_actor(request.user.resident), part="handtekening", about=application
        )
    is_mine = bool(subject) and subject == application.applicant
    can_report = application.decision == Decision.GRANTED
    if report_form is not None and not (is_mine and can_report):
        # the page shows no report form (not granted, or not yours): its errors as messages
        for errors in report_form.errors.values():
            for message in errors:
                messages.error(request, message)
    return render(
        request,
        "participation/application_detail.html",
        {
            "application": application,
            "process": application.process,
            "is_mine": is_mine,
            "signed": queries.has_signed(application, subject),
            "logged_in": bool(subject),
            "can_sign": application.decision == Decision.PENDING,
            "can_report": can_report,
            "challenge": application.kind == ApplicationKind.CHALLENGE,
            "report_form": report_form or forms.SpendingReportForm(prefix="report"),
        },
        status=status,
    )


@require_GET
def application_detail(request, application_id):
    return _render_application(request, _found(queries.public_application(application_id)))


@resident_required
@require_POST
def application_sign(request, application_id):
    application = _found(queries.public_application(application_id))
    try:
        services.application_sign(
            actor=resident_actor(request.user.resident), application=application
        )
    except StadhuisError as exc:
        messages.error(request, str(exc.message))
        return _render_application(request, application, status=exc.status)
    messages.success(request, _("U hebt de aanvraag ondertekend."))
    return redirect("participation:application", application_id=application.public_id)


@resident_required
@require_POST
def application_report(request, application_id):
    application = _found(queries.public_application(application_id))
    form = forms.SpendingReportForm(request.POST, prefix="report")
    if form.is_valid():
        try:
            services.application_report(
                actor=resident_actor(request.user.resident),
                application=application,
                report=form.cleaned_data["report"],
                spent=form.cleaned_data["spent"],
            )
        except StadhuisError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Bedankt voor uw verantwoording."))
            return redirect("participation:application", application_id=application.public_id)
    return _render_application(request, application, report_form=form, status=400)
