"""Staff pages of participation: moderation, feasibility review, paper ballots, counting,
fund decisions and progress. Administrators and case handlers may use them; each
service checks the role again."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from stadhuis.accounts.decorators import staff_required
from stadhuis.accounts.services import staff_actor
from stadhuis.cases.services import Upload
from stadhuis.core.errors import StadhuisError
from stadhuis.core.roles import Role
from stadhuis.participation import forms, queries, services, tally
from stadhuis.participation.models import (
    Answer,
    Comment,
    Count,
    FundApplication,
    Idea,
    PhaseKind,
    ProcessKind,
    Project,
)

ROLES = (Role.ADMINISTRATOR, Role.CASE_HANDLER)


def _actor(request):
    roles = set(request.user.role_assignments.values_list("role", flat=True))
    role = Role.ADMINISTRATOR if Role.ADMINISTRATOR in roles else Role.CASE_HANDLER
    return staff_actor(request.user, role)


@never_cache
@require_GET
@staff_required(*ROLES)
def dashboard(request):
    """Everything that waits for staff: reports, reviews, open answers, applications."""
    return _render_dashboard(request)


def _render_dashboard(request, status=200):
    reports = list(queries.open_reports()[:50])
    answers = list(queries.pending_open_answers()[:50])
    applications = list(queries.pending_applications()[:50])
    services.staff_queue_open(
        actor=_actor(request), reports=reports, answers=answers, applications=applications
    )
    return render(
        request,
        "participation/staff/dashboard.html",
        {
            "reports": reports,
            "projects": list(queries.projects_to_review()[:50]),
            "answers": answers,
            "applications": applications,
            "processes": list(queries.staff_processes()),
            "moderate_form": forms.ModerateForm(),
            "review_form": forms.ReviewForm(),
            "decide_form": forms.DecideForm(),
        },
        status=status,
    )


@never_cache
@require_GET
@staff_required(*ROLES)
def process(request, process_id):
    """One process for staff: ideas to turn into projects, paper ballots, counts."""
    found = queries.process_by_id(process_id)
    if found is None:
        raise Http404
    return _render_process(request, found)


def _render_process(request, found, status=200):
    return render(
        request,
        "participation/staff/process.html",
        {
            "process": found,
            "phase": services.current_phase(found),
            "ideas": list(queries.ideas_for_staff(found)[:100]),
            "projects": list(queries.process_projects(found)),
            "count": queries.latest_count(found),
            "rules": tally.rules(),
            "turnout": queries.turnout(found),
            "is_budget": found.kind == ProcessKind.BUDGET,
            "applications": list(queries.public_applications(found)),
            "project_form": forms.ProjectFromIdeaForm(),
            "roll_form": forms.PaperRollForm(),
            "milestone_form": forms.MilestoneForm(),
            "import_form": forms.PabulibImportForm(),
            "question_form": forms.QuestionForm(),
            "questions": list(found.questions.order_by("order")),
        },
        status=status,
    )


def _done(request, message, *, to=None):
    messages.success(request, message)
    return redirect(to or "participation:staff")


def _failed(request, exc_or_form, *, process=None):
    """Show the page again with the problem on top, as a 4xx."""
    status = 400
    if isinstance(exc_or_form, StadhuisError):
        messages.error(request, str(exc_or_form.message))
        status = exc_or_form.status
    else:
        for errors in exc_or_form.errors.values():
            for error in errors:
                messages.error(request, error)
    if process is not None:
        return _render_process(request, queries.process_by_id(process.public_id), status)
    return _render_dashboard(request, status)


def _get(model, **lookup):
    found = model.objects.filter(**lookup).first()
    if found is None:
        raise Http404
    return found


@require_POST
@staff_required(*ROLES)
def moderate(request, kind, public_id):
    target = _get(Idea if kind == "idee" else Comment, public_id=public_id)
    form = forms.ModerateForm(request.POST)
    if not form.is_valid():
        return _failed(request, form)
    run = services.idea_moderate if kind == "idee" else services.comment_moderate
    try:
        run(
            actor=_actor(request),
            **{"idea" if kind == "idee" else "comment": target},
            action=form.cleaned_data["action"],
            reason=form.cleaned_data["reason"],
        )
    except StadhuisError as exc:
        return _failed(request, exc)
    return _done(request, _("Het moderatiebesluit is opgeslagen en gelogd."))


@require_POST
@staff_required(*ROLES)
def answer_moderate(request, answer_id):
    answer = (
        Answer.objects.select_related("question", "response").filter(public_id=answer_id).first()
    )
    if answer is None:
        raise Http404
    try:
        services.answer_moderate(
            actor=_actor(request), answer=answer, approve=request.POST.get("approve") == "1"
        )
    except StadhuisError as exc:
        return _failed(request, exc)
    return _done(request, _("Het antwoord is beoordeeld."))


@require_POST
@staff_required(*ROLES)
def project_from_idea(request, idea_id):
    idea = _get(Idea, public_id=idea_id)
    to = redirect("participation:staff_process", process_id=idea.process.public_id).url
    form = forms.ProjectFromIdeaForm(request.POST)
    if not form.is_valid():
        return _failed(request, form, process=idea.process)
    try:
        services.project_create(
            actor=_actor(request),
            process=idea.process,
            idea=idea,
            title=form.cleaned_data["title"],
            description=idea.body,
            cost=form.cleaned_data["cost"],
        )
    except StadhuisError as exc:
        return _failed(request, exc, process=idea.process)
    return _done(request, _("Het project wacht nu op de beoordeling."), to=to)


@require_POST
@staff_required(*ROLES)
def project_review(request, project_id):
    project = _get(Project, public_id=project_id)
    form = forms.ReviewForm(request.POST)
    if not form.is_valid():
        return _failed(request, form)
    try:
        services.project_review(
            actor=_actor(request),
            project=project,
            feasible=form.cleaned_data["feasible"],
            reason=form.cleaned_data["reason"],
            cost=form.cleaned_data["cost"],
        )
    except StadhuisError as exc:
        return _failed(request, exc)
    return _done(request, _("De beoordeling is opgeslagen."))


@require_POST
@staff_required(*ROLES)
def application_decide(request, application_id):
    application = _get(FundApplication, public_id=application_id)
    form = forms.DecideForm(request.POST)
    if not form.is_valid():
        return _failed(request, form)
    data = form.cleaned_data
    try:
        services.application_decide(
            actor=_actor(request),
            application=application,
            score=data["score"],
            grant=data["grant"],
            reason=data["reason"],
            amount=data.get("amount"),
        )
    except StadhuisError as exc:
        return _failed(request, exc)
    return _done(request, _("Het besluit is opgeslagen en openbaar."))


def _process_action(request, process_id, run, message):
    found = queries.process_by_id(process_id)
    if found is None:
        raise Http404
    to = redirect("participation:staff_process", process_id=found.public_id).url
    try:
        run(found)
    except StadhuisError as exc:
        return _failed(request, exc, process=found)
    return _done(request, message, to=to)


@require_POST
@staff_required(*ROLES)
def roll_mark(request, process_id):
    form = forms.PaperRollForm(request.POST)
    if not form.is_valid():
        return _failed(request, form)

    def run(found):
        services.roll_mark_paper(
            actor=_actor(request), process=found, voter_bsn=form.cleaned_data["voter_bsn"]
        )

    return _process_action(
        request, process_id, run, _("De stemmer staat op het stemregister (papier).")
    )


@require_POST
@staff_required(*ROLES)
def paper_ballot(request, process_id):
    def run(found):
        projects = queries.ballot_projects(found)
        form = forms.BallotForm(request.POST, process=found, projects=projects)
        if not form.is_valid():
            raise StadhuisError(_("Het stembiljet is niet goed ingevuld."))
        services.ballot_enter_paper(actor=_actor(request), process=found, choices=form.choices())

    return _process_action(request, process_id, run, _("Het papieren stembiljet is ingevoerd."))


@require_POST
@staff_required(Role.ADMINISTRATOR)
def close_voting(request, process_id):
    def run(found):
        phase = next((p for p in found.phase_list if p.kind == PhaseKind.VOTING), None)
        if phase is None:
            raise StadhuisError(_("Dit proces heeft geen stemfase."))
        now = timezone.now()
        if now <= phase.starts_at:
            raise StadhuisError(_("Het stemmen is nog niet begonnen."))
        services.phase_move(
            actor=_actor(request),
            process=found,
            kind=PhaseKind.VOTING,
            starts_at=phase.starts_at,
            ends_at=min(phase.ends_at, now),
        )

    return _process_action(request, process_id, run, _("Het stemmen is gesloten."))


@require_POST
@staff_required(Role.ADMINISTRATOR)
def count_request(request, process_id):
    def run(found):
        services.count_request(
            actor=_actor(request), process=found, rule=request.POST.get("rule", "")
        )

    return _process_action(
        request, process_id, run, _("De telling staat klaar. De achtergrondtaak telt de stemmen.")
    )


@require_POST
@staff_required(Role.ADMINISTRATOR)
def count_publish(request, count_id):
    count = _get(Count, public_id=count_id)
    to = redirect("participation:staff_process", process_id=count.process.public_id).url
    try:
        services.count_publish(actor=_actor(request), count=count)
    except StadhuisError as exc:
        return _failed(request, exc, process=count.process)
    return _done(request, _("De uitslag is gepubliceerd."), to=to)


@require_POST
@staff_required(*ROLES)
def milestone_add(request, kind, public_id):
    target = _get(Project if kind == "project" else FundApplication, public_id=public_id)
    to = redirect("participation:staff_process", process_id=target.process.public_id).url
    form = forms.MilestoneForm(request.POST, request.FILES)
    if not form.is_valid():
        return _failed(request, form, process=target.process)
    data = form.cleaned_data
    photo = data.get("photo")
    try:
        services.milestone_add(
            actor=_actor(request),
            title=data["title"],
            progress=data["progress"],
            note=data.get("note", ""),
            project=target if kind == "project" else None,
            application=target if kind != "project" else None,
            photo=Upload(photo.read(), photo.name) if photo else None,
        )
    except StadhuisError as exc:
        return _failed(request, exc, process=target.process)
    return _done(request, _("De voortgang is bijgewerkt."), to=to)


@require_POST
@staff_required(Role.ADMINISTRATOR)
def pabulib_import(request, process_id):
    found = queries.process_by_id(process_id)
    if found is None:
        raise Http404
    form = forms.PabulibImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _failed(request, form, process=found)
    try:
        ballots = services.budget_import_pabulib(
            actor=_actor(request), process=found, text=form.cleaned_data["file"]
        )
    except StadhuisError as exc:
        return _failed(request, exc, process=found)
    to = redirect("participation:staff_process", process_id=found.public_id).url
    return _done(
        request,
        _("Het bestand is ingelezen: %(count)s stembiljetten.") % {"count": ballots},
        to=to,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@staff_required(Role.ADMINISTRATOR)
def process_new(request):
    """A new participation process with its phases."""
    form = forms.ProcessForm(
        request.POST if request.method == "POST" else None,
        neighbourhoods=queries.neighbourhoods(),
        rules=tally.rules(),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            created = services.process_create(
                actor=_actor(request),
                kind=data["kind"],
                title=data["title"],
                question=data["question"],
                description=data["description"],
                criteria=data["criteria"],
                scope=data["scope"],
                neighbourhood_codes=data["neighbourhoods"],
                min_age=data["min_age"],
                must_live_in_area=data["must_live_in_area"],
                budget=data["budget"],
                ballot_type=data["ballot_type"],
                ballot_min=data["ballot_min"],
                ballot_max=data["ballot_max"],
                ballot_points=data["ballot_points"],
                counting_rule=data["counting_rule"],
                phases=form.phases(),
                publish=data["publish"],
            )
        except StadhuisError as exc:
            form.add_service_error(exc)
        else:
            return _done(
                request,
                _("Het proces is aangemaakt."),
                to=redirect("participation:staff_process", process_id=created.public_id).url,
            )
    return render(
        request,
        "participation/staff/process_new.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


@require_POST
@staff_required(Role.ADMINISTRATOR)
def question_add(request, process_id):
    found = queries.process_by_id(process_id)
    if found is None:
        raise Http404
    form = forms.QuestionForm(request.POST)
    if not form.is_valid():
        return _failed(request, form, process=found)
    data = form.cleaned_data
    try:
        services.question_add(
            actor=_actor(request),
            process=found,
            kind=data["kind"],
            text=data["text"],
            choices=data["choices"].splitlines(),
            scale_min=data["scale_min"],
            scale_max=data["scale_max"],
            required=data["required"],
        )
    except StadhuisError as exc:
        return _failed(request, exc, process=found)
    to = redirect("participation:staff_process", process_id=found.public_id).url
    return _done(request, _("De vraag is toegevoegd."), to=to)
