from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

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


class PrivatePagesNotStoredMiddleware:
    """A signed-in user's pages hold personal data: no browser or proxy may store them, so that
    Back after logging out on a shared workstation shows nothing (OWASP ASVS 8.2.1). Responses
    that set their own Cache-Control (file downloads, exports) keep it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response
