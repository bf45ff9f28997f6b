"""Staff pages of participation: moderation, feasibility review, paper ballots, counting,
fund decisions and progress. Administrators and case handlers may use them; each
service checks the role again.

Each view parses its input, calls one service or query and renders or redirects with
a message. A form that was refused comes back on its own card, with the errors at its
fields (and in an error summary on top that links to them), as a 4xx.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from stadhuis.accounts.decorators import staff_required
from stadhuis.accounts.services import staff_actor
from stadhuis.cases.services import Upload
from stadhuis.core.errors import Conflict, StadhuisError
from stadhuis.core.roles import Role
from stadhuis.participation import forms, queries, services, tally
from stadhuis.participation.models import Feasibility, ProcessKind, Visibility
from stadhuis.participation.views import _found

ROLES = (Role.ADMINISTRATOR, Role.CASE_HANDLER)


def _is_admin(request) -> bool:
    """New processes, questions, Pabulib import, closing the vote and counting are the
    administrator's: other staff are not offered forms that would answer 403."""
    return request.user.role_assignments.filter(role=Role.ADMINISTRATOR).exists()


def _actor(request):
    roles = set(request.user.role_assignments.values_list("role", flat=True))
    role = Role.ADMINISTRATOR if Role.ADMINISTRATOR in roles else Role.CASE_HANDLER
    return staff_actor(request.user, role)


def _process_url(process) -> str:
    return reverse("participation:staff_process", kwargs={"process_id": process.public_id})


# --- Forms on cards ----------------------------------------------------------------------


@dataclass
class _Failed:
    """A form that was sent and refused, with its errors, and the card it belongs to."""

    key: tuple
    form: forms.Form
    shown: bool = False


def _card_form(form_class, failed: _Failed | None, key: tuple, ids: str, **kwargs):
    """The form on one card of a page. ``ids`` gives its fields ids of their own (a page
    has a card per report, project or application); the card whose form was refused
    shows it again, once, with what was sent and the errors at the fields."""
    auto_id = f"{ids}-%s"
    if failed is not None and failed.key == key and not failed.shown:
        failed.shown = True
        failed.form.auto_id = auto_id
        return failed.form
    return form_class(auto_id=auto_id, **kwargs)


def _summary(request, failed: _Failed | None):
    """The refused form, for the error summary on top of the page; the summary links to
    its fields. A form whose card is not on the page (any more) has nothing to link to:
    its errors become messages instead."""
    if failed is None:
        return None
    if not failed.shown:
        for errors in failed.form.errors.values():
            for message in errors:
                messages.error(request, message)
        return None
    return failed.form


def _report_key(report) -> tuple:
    if report.idea_id is not None:
        return ("idee", report.idea.public_id)
    return ("reactie", report.comment.public_id)


# --- Pages -------------------------------------------------------------------------------


@never_cache
@require_GET
@staff_required(*ROLES)
def dashboard(request):
    """Everything that waits for staff: reports, reviews, open answers, applications."""
    return _render_dashboard(request)


def _render_dashboard(request, status=200, failed: _Failed | None = None):
    reports = list(queries.open_reports()[:50])
    answers = list(queries.pending_open_answers()[:50])
    applications = list(queries.pending_applications()[:50])
    projects = list(queries.projects_to_review()[:50])
    services.staff_queue_open(
        actor=_actor(request), reports=reports, answers=answers, applications=applications
    )
    context = {
        "is_admin": _is_admin(request),
        "reports": [
            (r, _card_form(forms.ModerateForm, failed, _report_key(r), f"melding-{r.pk}"))
            for r in reports
        ],
        "projects": [
            (
                p,
                _card_form(
                    forms.ReviewForm,
                    failed,
                    ("beoordeling", p.public_id),
                    f"beoordeling-{p.pk}",
                    initial={"cost": p.cost},
                ),
            )
            for p in projects
        ],
        "answers": answers,
        "applications": [
            (
                a,
                _card_form(
                    forms.DecideForm,
                    failed,
                    ("besluit", a.public_id),
                    f"besluit-{a.pk}",
                    initial={"amount": a.amount},
                ),
            )
            for a in applications
        ],
        "processes": list(queries.staff_processes()),
    }
    context["failed_form"] = _summary(request, failed)
    return render(request, "participation/staff/dashboard.html", context, status=status)


@never_cache
@require_GET
@staff_required(*ROLES)
def process(request, process_id):
    """One process for staff: ideas to turn into projects, paper ballots, counts."""
    return _render_process(request, _found(queries.process_by_id(process_id)))


def _project_form(idea, failed: _Failed | None):
    """The row's form that makes a project of the idea; none once it is one, nor for a
    hidden or rejected idea (a project is public and takes the idea's text)."""
    if getattr(idea, "project", None) is not None:  # no project: the relation raises
        return None
    if idea.visibility != Visibility.PUBLISHED:
        return None
    return _card_form(
        forms.ProjectFromIdeaForm,
        failed,
        ("project", idea.public_id),
        f"project-{idea.pk}",
        initial={"title": idea.title},
    )


def _render_process(request, found, status=200, failed: _Failed | None = None):
    projects = list(queries.process_projects(found))
    # the ballot's projects, as queries.ballot_projects gives them (one query fewer)
    feasible = [p for p in projects if p.feasibility == Feasibility.FEASIBLE]
    applications = list(queries.public_applications(found))
    rules = tally.rules()
    context = {
        "process": found,
        "phase": services.current_phase(found),
        "is_admin": _is_admin(request),
        "ideas": [
            (idea, _project_form(idea, failed)) for idea in queries.ideas_for_staff(found)[:100]
        ],
        "projects": projects,
        "milestone_forms": [
            (
                p,
                _card_form(
                    forms.MilestoneForm,
                    failed,
                    ("voortgang", "project", p.public_id),
                    f"voortgang-{p.pk}",
                ),
            )
            for p in feasible
        ],
        "count": queries.latest_count(found),
        "count_form": _card_form(
            forms.CountForm,
            failed,
            ("tellen",),
            "tellen",
            rules=rules,
            initial={"rule": found.counting_rule},
        ),
        "turnout": queries.turnout(found),
        "is_budget": found.kind == ProcessKind.BUDGET,
        "ballot_form": _card_form(
            forms.PaperBallotForm,
            failed,
            ("papier",),
            "papier",
            process=found,
            projects=feasible,
        ),
        "applications": [
            (
                a,
                _card_form(
                    forms.MilestoneForm,
                    failed,
                    ("voortgang", "aanvraag", a.public_id),
                    f"voortgang-aanvraag-{a.pk}",
                ),
            )
            for a in applications
        ],
        "roll_form": _card_form(forms.PaperRollForm, failed, ("stemregister",), "stemmer"),
        "import_form": _card_form(forms.PabulibImportForm, failed, ("pabulib",), "pabulib"),
        "question_form": _card_form(forms.QuestionForm, failed, ("vraag",), "vraag"),
        "questions": queries.questions(found),
        "history": queries.process_history(found),
    }
    context["failed_form"] = _summary(request, failed)
    return render(request, "participation/staff/process.html", context, status=status)


def _done(request, message, *, to=None):
    messages.success(request, message)
    return redirect(to or "participation:staff")


def _failed(request, problem, *, process=None, card: tuple | None = None):
    """Show the page again with the problem on top, as a 4xx. ``card`` is the key and the
    form that was sent: that card shows the errors at its fields, and the error summary
    on top links to them."""
    status = 400
    if isinstance(problem, StadhuisError):
        status = problem.status
        if card is not None:
            card[1].add_service_error(problem)
        else:
            messages.error(request, str(problem.message))
    elif card is None:
        for errors in problem.errors.values():
            for message in errors:
                messages.error(request, message)
    # With a card, the errors are at its fields and in the summary on top (see _summary).
    failed = _Failed(*card) if card is not None else None
    if process is not None:
        return _render_process(request, queries.process_by_id(process.public_id), status, failed)
    return _render_dashboard(request, status, failed)


# --- Moderation, review and decisions ------------------------------------------------------


@require_POST
@staff_required(*ROLES)
def moderate(request, kind, public_id):
    """Hide, restore or reject an idea (``idee``) or a comment (``reactie``)."""
    if kind == "idee":
        target = _found(queries.staff_idea(public_id))
        run = partial(services.idea_moderate, idea=target)
    elif kind == "reactie":
        target = _found(queries.staff_comment(public_id))
        run = partial(services.comment_moderate, comment=target)
    else:
        raise Http404
    key = (kind, target.public_id)
    form = forms.ModerateForm(request.POST)
    if not form.is_valid():
        return _failed(request, form, card=(key, form))
    try:
        run(
            actor=_actor(request),
            action=form.cleaned_data["action"],
            reason=form.cleaned_data["reason"],
        )
    except StadhuisError as exc:
        return _failed(request, exc, card=(key, form))
    return _done(request, _("Het moderatiebesluit is opgeslagen en gelogd."))


@require_POST
@staff_required(*ROLES)
def answer_moderate(request, answer_id):
    answer = _found(queries.staff_answer(answer_id))
    form = forms.AnswerModerateForm(request.POST)
    if not form.is_valid():
        return _failed(request, form)
    try:
        services.answer_moderate(
            actor=_actor(request), answer=answer, approve=form.cleaned_data["approve"]
        )
    except StadhuisError as exc:
        return _failed(request, exc)
    return _done(request, _("Het antwoord is beoordeeld."))


@require_POST
@staff_required(*ROLES)
def project_from_idea(request, idea_id):
    idea = _found(queries.staff_idea(idea_id))
    key = ("project", idea.public_id)
    form = forms.ProjectFromIdeaForm(request.POST)
    if not form.is_valid():
        return _failed(request, form, process=idea.process, card=(key, form))
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
        return _failed(request, exc, process=idea.process, card=(key, form))
    return _done(
        request, _("Het project wacht nu op de beoordeling."), to=_process_url(idea.process)
    )


@require_POST
@staff_required(*ROLES)
def project_review(request, project_id):
    project = _found(queries.staff_project(project_id))
    key = ("beoordeling", project.public_id)
    form = forms.ReviewForm(request.POST)
    if not form.is_valid():
        return _failed(request, form, card=(key, form))
    try:
        services.project_review(
            actor=_actor(request),
            project=project,
            feasible=form.cleaned_data["feasible"],
            reason=form.cleaned_data["reason"],
            cost=form.cleaned_data["cost"],
        )
    except StadhuisError as exc:
        return _failed(request, exc, card=(key, form))
    return _done(request, _("De beoordeling is opgeslagen."))


@require_POST
@staff_required(*ROLES)
def application_decide(request, application_id):
    application = _found(queries.staff_application(application_id))
    key = ("besluit", application.public_id)
    form = forms.DecideForm(request.POST)
    if not form.is_valid():
        return _failed(request, form, card=(key, form))
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
        return _failed(request, exc, card=(key, form))
    return _done(request, _("Het besluit is opgeslagen en openbaar."))


# --- Voting and counting -------------------------------------------------------------------


@sensitive_post_parameters("voter_bsn")
@require_POST
@staff_required(*ROLES)
def roll_mark(request, process_id):
    found = _found(queries.process_by_id(process_id))
    key = ("stemregister",)
    form = forms.PaperRollForm(request.POST)
    if not form.is_valid():
        return _failed(request, form, process=found, card=(key, form))
    try:
        services.roll_mark_paper(
            actor=_actor(request), process=found, voter_bsn=form.cleaned_data["voter_bsn"]
        )
    except StadhuisError as exc:
        return _failed(request, exc, process=found, card=(key, form))
    return _done(
        request, _("De stemmer staat op het stemregister (papier)."), to=_process_url(found)
    )


@require_POST
@staff_required(*ROLES)
def paper_ballot(request, process_id):
    found = _found(queries.process_by_id(process_id))
    key = ("papier",)
    form = forms.PaperBallotForm(
        request.POST, process=found, projects=queries.ballot_projects(found)
    )
    if not form.is_valid():
        return _failed(request, form, process=found, card=(key, form))
    try:
        services.ballot_enter_paper(actor=_actor(request), process=found, choices=form.choices())
    except StadhuisError as exc:
        return _failed(request, exc, process=found, card=(key, form))
    return _done(request, _("Het papieren stembiljet is ingevoerd."), to=_process_url(found))


@never_cache
@require_http_methods(["GET", "POST"])
@staff_required(Role.ADMINISTRATOR)
def close_voting(request, process_id):
    """Closing the vote cannot be undone: a page asks first (no script needed), and only
    its POST closes."""
    found = _found(queries.process_by_id(process_id))
    if request.method == "GET":
        return render(
            request,
            "participation/staff/close_voting.html",
            {
                "process": found,
                "turnout": queries.turnout(found),
                "phase": services.current_phase(found),
            },
        )
    try:
        services.voting_close(actor=_actor(request), process=found)
    except StadhuisError as exc:
        return _failed(request, exc, process=found)
    return _done(request, _("Het stemmen is gesloten."), to=_process_url(found))


@require_POST
@staff_required(Role.ADMINISTRATOR)
def count_request(request, process_id):
    found = _found(queries.process_by_id(process_id))
    key = ("tellen",)
    form = forms.CountForm(request.POST, rules=tally.rules())
    if not form.is_valid():
        return _failed(request, form, process=found, card=(key, form))
    try:
        services.count_request(actor=_actor(request), process=found, rule=form.cleaned_data["rule"])
    except StadhuisError as exc:
        return _failed(request, exc, process=found, card=(key, form))
    return _done(
        request,
        _("De telling staat klaar. De achtergrondtaak telt de stemmen."),
        to=_process_url(found),
    )


@require_POST
@staff_required(Role.ADMINISTRATOR)
def count_publish(request, count_id):
    count = _found(queries.staff_count(count_id))
    try:
        services.count_publish(actor=_actor(request), count=count)
    except StadhuisError as exc:
        return _failed(request, exc, process=count.process)
    return _done(request, _("De uitslag is gepubliceerd."), to=_process_url(count.process))


# --- Progress ------------------------------------------------------------------------------


@require_POST
@staff_required(*ROLES)
def milestone_add(request, kind, public_id):
    """Report progress on a funded project (``project``) or initiative (``aanvraag``)."""
    if kind == "project":
        target = _found(queries.staff_project(public_id))
        run = partial(services.milestone_add, project=target)
    elif kind == "aanvraag":
        target = _found(queries.staff_application(public_id))
        run = partial(services.milestone_add, application=target)
    else:
        raise Http404
    key = ("voortgang", kind, target.public_id)
    form = forms.MilestoneForm(request.POST, request.FILES)
    if not form.is_valid():
        return _failed(request, form, process=target.process, card=(key, form))
    data = form.cleaned_data
    photo = data.get("photo")
    try:
        run(
            actor=_actor(request),
            title=data["title"],
            progress=data["progress"],
            note=data.get("note", ""),
            photo=Upload(photo.read(), photo.name) if photo else None,
        )
    except StadhuisError as exc:
        return _failed(request, exc, process=target.process, card=(key, form))
    return _done(request, _("De voortgang is bijgewerkt."), to=_process_url(target.process))


# --- Processes -----------------------------------------------------------------------------


@require_POST
@staff_required(Role.ADMINISTRATOR)
def pabulib_import(request, process_id):
    found = _found(queries.process_by_id(process_id))
    key = ("pabulib",)
    form = forms.PabulibImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _failed(request, form, process=found, card=(key, form))
    try:
        done = services.budget_import_pabulib(
            actor=_actor(request), process=found, text=form.cleaned_data["file"]
        )
    except StadhuisError as exc:
        return _failed(request, exc, process=found, card=(key, form))
    response = _done(
        request,
        _("Het bestand is ingelezen: %(count)s stembiljetten.") % {"count": done.ballots},
        to=_process_url(found),
    )
    for warning in done.warnings:
        messages.warning(request, warning)
    return response


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
                leftover_partial=data["leftover_partial"],
                phases=form.phases(),
                publish=data["publish"],
            )
        except StadhuisError as exc:
            form.add_service_error(exc)
        else:
            return _done(request, _("Het proces is aangemaakt."), to=_process_url(created))
    return render(
        request,
        "participation/staff/process_new.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


def _edit_form(found, data=None, *, neighbourhoods, caps):
    return forms.ProcessEditForm(
        data,
        process=found,
        phases=found.phase_list,
        counting=found.kind == ProcessKind.BUDGET and not services.voting_started(found),
        eligibility=not services.participation_started(found),
        neighbourhoods=neighbourhoods,
        caps=caps,
        rules=tally.rules(),
    )


@never_cache
@require_http_methods(["GET", "POST"])
@staff_required(Role.ADMINISTRATOR)
def process_edit(request, process_id):
    """Change a process's texts, the phases that have not begun, before voting its
    budget, ballot, caps and counting settings, and before residents take part who may.
    Someone else saved since the page was shown: only what this editor changed counts;
    they see the page again (409) with the other's changes in it and a choice for each
    field both changed, and nothing is saved until they send it again."""
    found = _found(queries.process_by_id(process_id))
    neighbourhoods = queries.neighbourhoods()
    caps = queries.process_caps(found)
    edit_form = partial(_edit_form, neighbourhoods=neighbourhoods)
    form = edit_form(found, request.POST if request.method == "POST" else None, caps=caps)
    status, conflict = 200, False
    if form.is_bound:
        status = 400
        valid = form.is_valid()
        if form.merge is not None and form.merge.to_review:
            form, status, conflict = _edit_review(form, found, edit_form, caps)
        elif valid:
            data = form.cleaned_data
            try:
                services.process_edit(
                    actor=_actor(request),
                    process=found,
                    expected_revision=found.revision,
                    title=data["title"],
                    question=data["question"],
                    description=data["description"],
                    criteria=data["criteria"],
                    phases=form.phases(),
                    **form.counting_settings(),
                    **form.eligibility_settings(),
                )
            except Conflict:
                # saved by someone else since this request read the process
                found = queries.process_by_id(process_id)
                caps = queries.process_caps(found)
                form = edit_form(found, request.POST, caps=caps)
                form.is_valid()
                form, status, conflict = _edit_review(form, found, edit_form, caps)
            except StadhuisError as exc:
                form.add_service_error(exc)
                status = exc.status
            else:
                return _done(request, _("Het proces is gewijzigd."), to=_process_url(found))
    names = {n.code: n.name for n in neighbourhoods}
    return render(
        request,
        "participation/staff/process_edit.html",
        {
            "process": found,
            "form": form,
            "conflict": conflict,
            "phase": services.current_phase(found),
            "is_budget": found.kind == ProcessKind.BUDGET,
            "counting_locked": found.kind == ProcessKind.BUDGET and "budget" not in form.fields,
            "eligibility_locked": "scope" not in form.fields,
            "rule_label": tally.rules().get(found.counting_rule, found.counting_rule),
            "stored_caps": [
                (names.get(code, code), amount) for code, amount in sorted(caps.items())
            ],
        },
        status=status,
    )


def _edit_review(form, found, edit_form, caps):
    """The page again after someone else saved (409): each field as merged, counted from
    now as shown (what is stored), a choice for each field both changed."""
    if form.merge is not None:
        form = edit_form(found, form.review_data(), caps=caps)
        form.is_valid()
    form.add_error(
        None,
        _(
            "Iemand anders heeft dit proces intussen gewijzigd. Er is nog niets opgeslagen. "
            "In het formulier staat nu wat die ander veranderde, met wat u zelf veranderde. "
            "Hebt u allebei hetzelfde veranderd? Kies dan wat er moet blijven staan. Kijk "
            "het na en sla opnieuw op."
        ),
    )
    return form, 409, True


@require_POST
@staff_required(Role.ADMINISTRATOR)
def question_add(request, process_id):
    found = _found(queries.process_by_id(process_id))
    key = ("vraag",)
    form = forms.QuestionForm(request.POST)
    if not form.is_valid():
        return _failed(request, form, process=found, card=(key, form))
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
        return _failed(request, exc, process=found, card=(key, form))
    return _done(request, _("De vraag is toegevoegd."), to=_process_url(found))
