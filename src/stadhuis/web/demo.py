"""Demo-mode helpers for the pages: never used when ``settings.DEMO_MODE`` is off."""

from __future__ import annotations

from django.conf import settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from stadhuis.accounts.models import User
from stadhuis.demo import register as demo_register

MAX_SHOWN = 20


def staff_logins() -> list[dict[str, str]]:
    """Demo staff usernames with the TOTP code their app would show right now.

    One query. Refuses outside demo mode, so a template mistake cannot leak codes.
    """
    if not settings.DEMO_MODE:
        return []
    devices = (
        TOTPDevice.objects.filter(confirmed=True, user__kind=User.Kind.STAFF, user__is_active=True)
        .select_related("user")
        .order_by("user__username", "pk")[:MAX_SHOWN]
    )
    logins, seen = [], set()
    for device in devices:
        if device.user_id in seen:
            continue
        seen.add(device.user_id)
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        logins.append(
            {
                "username": device.user.username,
                "name": device.user.get_full_name(),
                "code": str(totp.token()).zfill(device.digits),
            }
        )
    return logins


def staff_password() -> str:
    """The password of every demo staff account (set by the demo city generator)."""
    return demo_register.DEMO_STAFF_PASSWORD if settings.DEMO_MODE else ""
