"""Session inactivity and absolute timeouts (staff and residents alike).

``last_seen`` is written at most once per ``LAST_SEEN_RESOLUTION`` seconds (60), not on
every request: saving the session costs an ``UPDATE`` and a commit, and most page views
then need no write at all. The stored value may therefore lag the last request by up to
a minute, and the idle timeout is measured from that stored value: a session ends after
between ``SESSION_IDLE_TIMEOUT - 60`` and ``SESSION_IDLE_TIMEOUT`` seconds without a
request (with the default of 15 minutes: after 14 to 15 minutes), never later. The
absolute timeout is exact.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext as _

# Seconds between writes of ``last_seen``; the idle timeout is exact to within this.
LAST_SEEN_RESOLUTION = 60


def _clock() -> int:
    """Seconds since the epoch (a function, so tests can move the clock)."""
    return int(time.time())


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            session = request.session
            now = _clock()
            started = session.get("login_at")
            if started is None:
                session["login_at"] = started = now
            last_seen = session.get("last_seen")
            idle = 0 if last_seen is None else now - last_seen
            if (
                idle > settings.SESSION_IDLE_TIMEOUT
                or now - started > settings.SESSION_ABSOLUTE_TIMEOUT
            ):
                logout(request)
                messages.info(request, _("U was een tijd niet actief. Log opnieuw in."))
            elif last_seen is None or now - last_seen >= LAST_SEEN_RESOLUTION:
                session["last_seen"] = now  # marks the session modified: one save
        return self.get_response(request)
