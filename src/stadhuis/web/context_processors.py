from django.conf import settings

from stadhuis.core import shared
from stadhuis.web import demo


def site(request):
    """Values that every page's layout needs.

    In demo mode also the demo staff logins, as functions: the template calls them
    only on the page that shows them (the staff login).
    """
    context = {
        "MUNICIPALITY_NAME": settings.MUNICIPALITY_NAME,
        "DEMO_MODE": settings.DEMO_MODE,
        "OIDC_ENABLED": settings.OIDC_ENABLED,
    }
    if getattr(request, "shared_answer", False):
        # rendered once for every anonymous visitor: each gets their own token in place
        context["csrf_token"] = shared.csrf_placeholder()
    if settings.DEMO_MODE:
        context["demo_staff_logins"] = demo.staff_logins
        context["demo_staff_password"] = demo.staff_password
    return context
