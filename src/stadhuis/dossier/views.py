"""The resident's "Mijn gegevens": all my data, who processed it and why, export, rights.

Every page is logged as the resident's own read (they see it in the log too) and is
never cached (it is personal: the private-cache middleware sends ``no-store``).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from stadhuis.accounts.services import resident_actor
from stadhuis.api.pagination import CursorParams, paginate
from stadhuis.cases.views_resident import resident_required
from stadhuis.core.context import Actor
from stadhuis.core.errors import InvalidInput, StadhuisError
from stadhuis.dossier import export, queries, services
from stadhuis.dossier.forms import LogFilterForm, RightsRequestForm
from stadhuis.privacy import queries as privacy_queries
from stadhuis.privacy import services as privacy_services

LOG_PAGE_SIZE = 25
PREVIEW = 5  # records per section on the overview


def _actor(request) -> Actor:
    return resident_actor(request.user.resident)


def overview_context(actor: Actor) -> dict:
    sections = queries.overview(actor.subject, preview=PREVIEW)
    return {"sections": sections, "preview": PREVIEW}


@resident_required
@require_GET
def overview(request):
    """All my data, by source, with what the city does with it."""
    actor = _actor(request)
    services.dossier_view(actor=actor, part="overzicht")
    return render(request, "dossier/overview.html", overview_context(actor))


@resident_required
@require_GET
def section(request, key: str):
    """Every record of one section (the overview shows the newest few)."""
    found = queries.section(key)
    if found is None:
        raise Http404
    actor = _actor(request)
    services.dossier_view(actor=actor, part=key)
    return render(request, "dossier/section.html", section_context(request, actor, found))


SECTION_PAGE = 50


def section_context(request, actor: Actor, found) -> dict:
    """One page of a section (``?pagina=2``; a bad number is the first page, a number past
    the end is the last page)."""
    try:
        number = max(1, min(int(request.GET.get("pagina", "1")), 10_000))
    except ValueError:
        number = 1

    def read(number):
        return queries.section_view(
            actor.subject, found, limit=SECTION_PAGE, offset=(number - 1) * SECTION_PAGE
        )

    view = read(number)
    pages = max(1, -(-view.count // SECTION_PAGE))
    if number > pages:  # an old link after records went: the last page, not an empty one
        number = pages
        view = read(number)
    return {
        "view": view,
        "page": number,
        "pages": pages,
        "previous_page": number - 1 if number > 1 else None,
        "next_page": number + 1 if number < pages else None,
    }


def log_context(request, subject: str) -> tuple[dict, int]:
    """The filter form and one page of the subject's log (400 on a bad filter or cursor)."""
    form = LogFilterForm(request.GET or None, activities=queries.activity_choices())
    filters = queries.LogFilter()
    status = 200
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            filters = queries.LogFilter(
                since=data["since"],
                until=data["until"],
                activity=data["activity"],
                action=data["action"],
                others_only=data["others_only"],
            )
        else:
            status = 400
    cursor = request.GET.get("cursor") or None
    try:
        page = paginate(
            request,
            queries.processing_log(subject, filters),
            CursorParams(cursor=cursor[:512] if cursor else None, limit=LOG_PAGE_SIZE),
            keys=("-id",),
        )
    except InvalidInput:
        messages.error(request, _("Deze pagina bestaat niet (meer). U ziet de nieuwste."))
        page = paginate(
            request,
            queries.processing_log(subject, filters),
            CursorParams(limit=LOG_PAGE_SIZE),
            keys=("-id",),
        )
        status = 400
    return {
        "form": form,
        "rows": queries.log_rows(subject, page.results),
        "next_url": page.next,
        "first_url": request.path if cursor else None,
    }, status


@resident_required
@require_GET
def processing_log(request):
    """Who processed my data, when, and why: newest first, filterable."""
    actor = _actor(request)
    services.dossier_view(actor=actor, part="verwerkingen")
    context, status = log_context(request, actor.subject)
    return render(request, "dossier/log.html", context, status=status)


@resident_required
@require_GET
def download(request):
    return render(request, "dossier/download.html")


@resident_required
@require_GET
def export_json(request):
    """Everything, machine-readable (the schema is in docs/dossier-export.schema.json)."""
    data = services.dossier_export(actor=_actor(request))
    response = HttpResponse(export.to_json(data), content_type="application/json; charset=utf-8")
    name = f"mijn-gegevens-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@resident_required
@require_GET
def export_readable(request):
    """Everything, as a page that prints well (or saves as PDF from the browser)."""
    actor = _actor(request)
    data = services.dossier_export(actor=actor, with_log=False)
    return render(request, "dossier/export.html", export.readable_context(actor.subject, data))


RIGHT_TITLES = {
    "correctie": gettext_lazy("Vraag om correctie"),
    "bezwaar": gettext_lazy("Maak bezwaar tegen het gebruik"),
    "verwijderen": gettext_lazy("Vraag om verwijdering"),
}


@resident_required
@require_http_methods(["GET", "POST"])
def rights_request(request, right: str):
    """Ask for correction (art. 16), erasure (art. 17) or object (art. 21) about an item."""
    if right not in RIGHT_TITLES:
        raise Http404
    actor = _actor(request)
    params = request.POST if request.method == "POST" else request.GET
    # free parameters from a link: cut to size, and no NUL (no database column holds it)
    section_key = params.get("onderdeel", "")[:40].replace("\x00", "")
    object_id = params.get("object", "")[:64].replace("\x00", "")
    item = params.get("gegeven", "")[:200].replace("\x00", "")
    found = queries.find_record(actor.subject, section_key, object_id)
    if found is None or not found.rights.allows(right):
        raise Http404  # the page offers only the rights the legal basis gives
    form = RightsRequestForm(request.POST if request.method == "POST" else None, right=right)
    if form.is_valid():
        try:
            case = services.rights_request_submit(
                actor=actor,
                right=right,
                section=section_key,
                object_id=object_id,
                item=item,
                explanation=form.cleaned_data.get("explanation", ""),
                correct_value=form.cleaned_data.get("correct_value", ""),
            )
        except StadhuisError as exc:
            form.add_service_error(exc)
        else:
            messages.success(
                request,
                _("Uw verzoek is verstuurd. U volgt het hier, met kenmerk %(reference)s.")
                % {"reference": case.reference},
            )
            return redirect("cases:case_detail", reference=case.reference)
    return render(
        request,
        "dossier/rights_request.html",
        {
            "form": form,
            "right": right,
            "title": RIGHT_TITLES[right],
            "found": found,
            "section_key": section_key,
            "object_id": object_id,
            "item": item,
        },
        status=400 if form.is_bound else 200,
    )


@resident_required
@require_GET
def consents(request):
    """Optional processing and my consent for each: withdrawing is one click."""
    actor = _actor(request)
    services.dossier_view(actor=actor, part="toestemmingen")
    return render(
        request,
        "dossier/consents.html",
        {"items": privacy_queries.consents_for(actor.subject)},
    )


@resident_required
@require_POST
def consent_change(request, code: str):
    actor = _actor(request)
    give = request.POST.get("geef") == "1"
    try:
        if give:
            privacy_services.consent_give(actor=actor, activity=code)
            messages.success(request, _("U heeft toestemming gegeven."))
        else:
            privacy_services.consent_withdraw(actor=actor, activity=code)
            messages.success(request, _("U heeft uw toestemming ingetrokken. Dat geldt meteen."))
    except StadhuisError as exc:
        messages.error(request, str(exc.message))
        return render(
            request,
            "dossier/consents.html",
            {"items": privacy_queries.consents_for(actor.subject)},
            status=exc.status,
        )
    return redirect("dossier:consents")
