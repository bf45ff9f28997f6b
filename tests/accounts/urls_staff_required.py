"""A URLconf for testing ``staff_required``: the real site plus two guarded views."""

from django.http import HttpResponse
from django.urls import include, path

from stadhuis.accounts.decorators import staff_required
from stadhuis.core.roles import Role


@staff_required(Role.PRIVACY_OFFICER)
def privacy_only(request):
    return HttpResponse("ok")


@staff_required
def any_staff(request):
    return HttpResponse("ok")


urlpatterns = [
    path("alleen-privacy", privacy_only),
    path("alle-medewerkers", any_staff),
    path("", include("stadhuis.urls")),
]
