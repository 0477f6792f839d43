"""The unread notification count in the page header (templates/base.html)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

from cases.selectors_deadlines import unread_notification_count

_CACHE_ATTRIBUTE = "_brygga_unread_notifications"


def unread_count_for_request(request: HttpRequest) -> int:
    """One COUNT query per request, however many templates ask."""
    if not hasattr(request, _CACHE_ATTRIBUTE):
        setattr(request, _CACHE_ATTRIBUTE, unread_notification_count(request.user))  # type: ignore[arg-type]
    return int(getattr(request, _CACHE_ATTRIBUTE))


def notification_count(request: HttpRequest) -> dict[str, Callable[[], int]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # A callable: the template calls it only where the header is rendered (a partial for htmx
    # costs no query).
    return {"notification_count": lambda: unread_count_for_request(request)}
