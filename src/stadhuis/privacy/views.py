"""The public processing register (AVG art. 30): readable by anyone, no login."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import cache_control

from stadhuis.privacy import queries

# Public and the same for everyone: shared caches may keep it for a few minutes.
# (For a logged-in visitor core.middleware.PrivateCacheMiddleware turns this into no-store.)
public_page = cache_control(public=True, max_age=300)


@public_page
def register(request):
    """Every active processing activity, in its current version."""
    activities = queries.public_activities()
    rows = [(activity, queries.dpia_status(activity)) for activity in activities]
    return render(request, "privacy/register_list.html", {"rows": rows})


@public_page
def register_detail(request, code: str):
    """One activity of the register, with processors, retention, security and DPIA."""
    activity = queries.public_activity(code)
    if activity is None:
        raise Http404
    return render(
        request,
        "privacy/register_detail.html",
        {
            "activity": activity,
            "version": activity.current_version,
            "dpia": queries.dpia_status(activity),
            "today": timezone.localdate(),
        },
    )
