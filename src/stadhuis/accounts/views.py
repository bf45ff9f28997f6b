"""Logging in and out: residents (DigiD through OIDC), staff (password and TOTP code)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from stadhuis.accounts.forms import StaffLoginForm
from stadhuis.accounts.models import User


def safe_next_url(request) -> str:
    """The ``next`` address from the form or query, only when it points at this site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


@never_cache
def login(request):
    """Residents log in with DigiD; in demo mode there is also a demo login."""
    if request.user.is_authenticated and request.user.is_resident:
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/login.html", {"next": safe_next_url(request)})


@sensitive_post_parameters("password", "otp_token")
@never_cache
@require_http_methods(["GET", "POST"])
def staff_login(request):
    """Username, password and TOTP code in one form; django-axes locks out guessers."""
    user = request.user
    if user.is_authenticated and user.kind == User.Kind.STAFF and user.is_verified():
        return redirect(safe_next_url(request) or settings.LOGIN_REDIRECT_URL)
    form = StaffLoginForm(request, data=request.POST if request.method == "POST" else None)
    if form.is_valid():
        auth_login(request, form.user)
        otp_login(request, form.device)
        return redirect(safe_next_url(request) or settings.LOGIN_REDIRECT_URL)
    return render(
        request, "accounts/staff_login.html", {"form": form, "next": safe_next_url(request)}
    )


@never_cache
@require_http_methods(["GET", "POST"])
def logout(request):
    """Log out only by POST (a link cannot log you out); GET asks to confirm."""
    if request.method == "POST":
        # logout() flushes the session: its data is gone and it gets a new key.
        auth_logout(request)
        messages.success(request, _("U bent uitgelogd."))
        return redirect(settings.LOGOUT_REDIRECT_URL)
    return render(request, "accounts/logout.html")
