"""Guards for staff pages: a staff login with a verified second factor, and a role."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from stadhuis.accounts.models import User


def staff_required(*roles: str | Callable) -> Callable:
    """Only staff who logged in with password and TOTP code, holding one of ``roles``.

    Use as ``@staff_required`` (any staff member) or ``@staff_required(Role.X, Role.Y)``.
    Anonymous visitors, and staff whose session has no verified second factor, go to
    the staff login; residents, and staff without one of the roles, get a 403. This
    only guards the page: services check roles again (``core.roles.require_role``).
    """
    if len(roles) == 1 and callable(roles[0]):
        return staff_required()(roles[0])

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if user.is_authenticated and user.kind != User.Kind.STAFF:
                raise PermissionDenied
            if not (user.is_authenticated and user.is_verified()):
                return redirect_to_login(
                    request.get_full_path(), login_url=reverse("accounts:staff_login")
                )
            if roles and not user.role_assignments.filter(role__in=roles).exists():
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
