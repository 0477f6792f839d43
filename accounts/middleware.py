from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

# Pages a logged-in but not yet verified user may reach: the 2FA pages themselves, logout,
# static files and the health check.
_EXEMPT_PREFIXES = ("/konto/", "/static/", "/healthz", "/tillganglighet")


class RequireTwoFactorMiddleware:
    """With BRYGGA_REQUIRE_2FA, a password alone is not enough: every request of a user who
    has not passed a TOTP check in this session goes to enrolment or verification."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.BRYGGA_REQUIRE_2FA
            and user.is_authenticated
            and not user.is_verified()  # type: ignore[attr-defined] # added by OTPMiddleware
            and not request.path.startswith(_EXEMPT_PREFIXES)
        ):
            return redirect(f"{reverse('accounts:two_factor')}?next={request.path}")
        return self.get_response(request)
