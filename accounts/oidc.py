from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from mozilla_django_oidc.auth import OIDCAuthenticationBackend


class BryggaOIDCBackend(OIDCAuthenticationBackend):
    """Municipal SSO logs in users that an administrator has created (matched on e-mail).

    Memberships decide what a user sees, so SSO never creates users on its own."""

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        email = claims.get("email")
        if not email:
            return get_user_model().objects.none()
        return get_user_model().objects.filter(email__iexact=email, is_active=True)
