"""Pages that belong to no single app: home, the demo login and the error pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.http import Http404, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from stadhuis.accounts.models import RoleAssignment
from stadhuis.accounts.services import resident_login
from stadhuis.accounts.views import safe_next_url
from stadhuis.core.errors import InvalidInput
from stadhuis.core.roles import Role
from stadhuis.web.forms import DemoLoginForm


def home(request):
    """Public welcome; the resident's "Mijn omgeving"; or the staff landing with their roles."""
    user = request.user
    context = {}
    if user.is_authenticated and user.is_resident:
        context["resident"] = getattr(user, "resident", None)
        template = "web/home_resident.html"
    elif user.is_authenticated and user.is_verified():
        assignments = list(RoleAssignment.objects.filter(user=user).order_by("role"))
        context["roles"] = [assignment.get_role_display() for assignment in assignments]
        codes = {assignment.role for assignment in assignments}
        # participation's staff pages: moderators (case handlers) and administrators
        context["participation_staff"] = bool(codes & {Role.ADMINISTRATOR, Role.CASE_HANDLER})
        template = "web/home_staff.html"
    else:
        template = "web/home.html"
    return render(request, template, context)


@sensitive_post_parameters("bsn", "resident", "postcode", "birth_date")
@never_cache
@require_http_methods(["GET", "POST"])
def demo_login(request):
    """Demo mode only: log in as a made-up resident. Does not exist otherwise."""
    if not settings.DEMO_MODE:
        raise Http404
    form = DemoLoginForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            user = resident_login(
                bsn=form.cleaned_data["login_bsn"],
                display_name=form.cleaned_data["display_name"],
                postcode=form.cleaned_data.get("postcode"),
                birth_date=form.cleaned_data.get("birth_date"),
            )
        except InvalidInput as exc:
            form.add_error("bsn", str(exc.message))
        else:
            auth_login(request, user, backend="stadhuis.accounts.backends.AccountBackend")
            return redirect(safe_next_url(request) or settings.LOGIN_REDIRECT_URL)
    return render(
        request,
        "web/demo_login.html",
        {"form": form, "next": safe_next_url(request)},
        status=400 if form.is_bound else 200,
    )


ERRORS = {
    400: (
        _("Er ging iets mis met uw verzoek"),
        _("De gegevens die uw browser stuurde, kunnen wij niet lezen. Probeer het opnieuw."),
    ),
    403: (
        _("U mag deze pagina niet zien"),
        _(
            "U heeft geen toegang tot deze pagina. Bent u medewerker? Log dan in met een "
            "account dat de juiste rol heeft."
        ),
    ),
    404: (
        _("Deze pagina bestaat niet"),
        _(
            "Misschien is de pagina verplaatst, of staat er een typefout in het adres. "
            "Ga naar de startpagina en zoek het daar verder."
        ),
    ),
}


def _api_problem(request, status):
    """Under /api/ every error is problem+json, also when it arises outside the API's views."""
    from stadhuis.api import problems

    handler = {
        403: problems.permission_denied,
        404: problems.not_found,
        500: problems.server_error,
    }.get(status)
    if handler is None:
        return problems.problem_response(
            request, status=status, code="bad-request", title=str(ERRORS[status][0])
        )
    return handler(request)


def _error(request, status):
    if request.path.startswith("/api/"):
        return _api_problem(request, status)
    title, message = ERRORS[status]
    return render(
        request,
        "web/error.html",
        {"status": status, "title": title, "message": message},
        status=status,
    )


@requires_csrf_token
def bad_request(request, exception=None):
    return _error(request, 400)


@requires_csrf_token
def forbidden(request, exception=None):
    return _error(request, 403)


def csrf_failure(request, reason=""):
    """A form was sent without a valid CSRF token: mostly an old page or blocked cookies.

    Meant for ``settings.CSRF_FAILURE_VIEW = "stadhuis.web.views.csrf_failure"``.
    """
    return render(
        request,
        "web/error.html",
        {
            "status": 403,
            "title": _("Dit formulier is verlopen"),
            "message": _(
                "De pagina stond te lang open, of uw browser blokkeert cookies. Ga terug, "
                "laad de pagina opnieuw en probeer het nog een keer."
            ),
        },
        status=403,
    )


@requires_csrf_token
def not_found(request, exception=None):
    return _error(request, 404)


@requires_csrf_token
def server_error(request):
    if request.path.startswith("/api/"):
        return _api_problem(request, 500)
    # Rendered without context processors or the database: whatever broke may be
    # exactly what they depend on.
    template = loader.get_template("web/500.html")
    return HttpResponseServerError(
        template.render({"MUNICIPALITY_NAME": settings.MUNICIPALITY_NAME})
    )
