"""Resident login through the municipality's OpenID Connect broker (DigiD, eHerkenning).

mozilla-django-oidc handles the protocol (state, nonce, token and signature checks);
this backend only maps the verified claims onto a resident: the BSN claim is
validated, turned into the pseudonym, and the login is logged as a processing. The
postcode and birth date claims (from the BRP, when the broker passes them) are stored
for the checks that need them; see ``accounts.brp``.
"""

from __future__ import annotations

from django.conf import settings
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from stadhuis.accounts import brp
from stadhuis.accounts.backends import user_with_resident
from stadhuis.accounts.models import User
from stadhuis.accounts.services import resident_login
from stadhuis.core.errors import InvalidInput


class ResidentOIDCBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        if not settings.OIDC_ENABLED:
            return None
        return super().authenticate(request, **kwargs)

    def get_user(self, user_id):
        return user_with_resident(user_id)

    def verify_claims(self, claims) -> bool:
        return bool(claims.get(settings.OIDC_BSN_CLAIM))

    def filter_users_by_claims(self, claims):
        # Every login goes through resident_login, which finds or creates the account.
        return User.objects.none()

    def create_user(self, claims):
        return self._login(claims)

    def update_user(self, user, claims):
        return self._login(claims)

    def _login(self, claims):
        name = " ".join(
            part for part in (claims.get("given_name", ""), claims.get("family_name", "")) if part
        )
        try:
            return resident_login(
                bsn=str(claims[settings.OIDC_BSN_CLAIM]),
                display_name=name,
                postcode=brp.postcode_from_claim(brp.claim(claims, settings.OIDC_POSTCODE_CLAIM)),
                birth_date=brp.birth_date_from_claim(
                    brp.claim(claims, settings.OIDC_BIRTHDATE_CLAIM)
                ),
            )
        except InvalidInput:
            return None
