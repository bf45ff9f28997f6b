"""Who may call the ``/api/v1/me/...`` endpoints: the resident, with their own session.

The resident's app runs in the browser (or embeds it), so it carries the resident's
login session; staff sessions and anonymous calls are refused with a 401 problem (see
``unauthenticated`` in ``api.py``). No ``/me`` endpoint takes a parameter that names a
resident: the session decides whose data it is.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import SessionAuth

from stadhuis.accounts.services import resident_actor
from stadhuis.core.context import Actor


class ResidentSession(SessionAuth):
    """The resident's own login session (cookie); staff sessions are refused."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_resident:
            return None
        return resident_actor(user.resident)
