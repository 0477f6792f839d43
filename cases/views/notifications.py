"""Notiser (the in-app notification list), the header count, the notification settings and
the calendar feed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from accounts.typing import AuthenticatedRequest
from cases import ical, selectors_deadlines
from cases.forms_deadlines import CalendarTokenForm, NotificationPreferenceForm
from cases.models import Notification, NotificationPreference
from cases.reminder_messages import case_url
from cases.rendering import jinja2_html, local_minute, path_by_id
from cases.services import notifications as services

# The event the header count listens for (templates/base.html).
CHANGED_EVENT = "notifications-changed"


@dataclass(frozen=True)
class NotificationRow:
    notification: Notification
    when: str  # local time, "2026-01-31 14:05"
    when_iso: str  # the same instant for <time datetime>
    read_url: str
    case_url: str  # "" without a case


def _rows(notifications: Iterable[Notification]) -> list[NotificationRow]:
    # Worked out once per row instead of by three ``date`` filters and two ``{% url %}`` tags
    # (docs/performance.md: 100 rows).
    read_path = path_by_id("deadlines:notification_read")
    case_path = path_by_id("cases:detail")
    rows = []
    for notification in notifications:
        when, when_iso = local_minute(notification.created_at)
        rows.append(
            NotificationRow(
                notification=notification,
                when=when,
                when_iso=when_iso,
                read_url=read_path(notification.pk),
                case_url=case_path(notification.case_id) if notification.case_id else "",
            )
        )
    return rows


def _rows_html(
    request: AuthenticatedRequest, rows: list[NotificationRow], *, just_read: bool = False
) -> SafeString:
    # The request gives the rows' forms their CSRF input.
    return jinja2_html(
        "deadlines/_notification_rows.html",
        {"rows": rows, "just_read": just_read},
        request=request,
    )


@login_required
@require_GET
def notification_list(request: AuthenticatedRequest) -> HttpResponse:
    notifications = selectors_deadlines.notifications_for(request.user)
    rows = _rows(notifications)
    context = {
        "notifications": notifications,
        "rows_html": _rows_html(request, rows) if rows else "",
    }
    return render(request, "deadlines/notifications.html", context)


@login_required
@require_POST
def notification_read(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    notification = services.notification_mark_read(notification_id=pk, actor=request.user)
    if request.htmx:
        # The one row, from the same template as the list's rows, to swap in place.
        response = HttpResponse(_rows_html(request, _rows([notification]), just_read=True))
        # The header count refreshes itself on this event (hx-trigger in base.html).
        return trigger_client_event(response, CHANGED_EVENT)
    return redirect("deadlines:notifications")


@login_required
@require_POST
def notifications_read_all(request: AuthenticatedRequest) -> HttpResponse:
    if services.notifications_mark_all_read(actor=request.user):
        messages.success(request, _("Alla notiser är markerade som lästa."))
    return redirect("deadlines:notifications")


@login_required
@require_GET
def notification_count(request: AuthenticatedRequest) -> HttpResponse:
    """The header's count alone, for htmx after a notification was marked read.

    Deliberately no polling: every request renews the 30-minute idle session
    (SESSION_SAVE_EVERY_REQUEST), so a page that polled would keep a forgotten session on a
    shared workstation alive forever. The count is fresh on every page load and after the
    user's own actions."""
    response = render(request, "deadlines/_notification_count.html")
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    preference = NotificationPreference.objects.filter(user=user).first()
    form = NotificationPreferenceForm(
        request.POST if request.method == "POST" else None,
        instance=preference or NotificationPreference(user=user),
    )
    if form.is_bound and form.is_valid():
        services.notification_preferences_update(
            user=user,
            email_enabled=form.cleaned_data["email_enabled"],
            daily_digest=form.cleaned_data["daily_digest"],
        )
        messages.success(request, _("Inställningarna är sparade."))
        return redirect("deadlines:preferences")
    token = selectors_deadlines.active_calendar_token(user)
    feed_url = (
        f"{settings.SITE_URL}{reverse('deadlines:ical', args=[token.token])}" if token else ""
    )
    return render(
        request,
        "deadlines/preferences.html",
        {"form": form, "token": token, "feed_url": feed_url},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def calendar_token(request: AuthenticatedRequest) -> HttpResponse:
    form = CalendarTokenForm(request.POST)
    if not form.is_valid():
        return redirect("deadlines:preferences")
    if form.cleaned_data["action"] == "skapa":
        services.calendar_token_create(user=request.user)
        messages.success(
            request, _("En ny kalenderlänk är skapad. En tidigare länk fungerar inte längre.")
        )
    else:
        services.calendar_token_revoke(user=request.user)
        messages.success(request, _("Kalenderlänken är avstängd."))
    return redirect("deadlines:preferences")


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The user's deadlines as iCalendar. No login (calendar programs cannot log in): the
    token is the key, and a revoked or unknown one is a 404. The case reference and the kind
    of deadline only; no client name or personnummer ever."""
    user = selectors_deadlines.calendar_owner(token)
    if user is None:
        raise Http404
    host = urlsplit(settings.SITE_URL).hostname or "brygga"
    events = [
        ical.AllDayEvent(
            uid=f"frist-{deadline.pk}@{host}",
            day=deadline.due_date,
            summary=_("Frist: %(kind)s (%(reference)s)")
            % {"kind": deadline.get_kind_display(), "reference": deadline.case.reference},
            url=case_url(deadline.case_id),
        )
        for deadline in selectors_deadlines.calendar_deadlines(user)
    ]
    body = ical.calendar(name=_("Brygga – mina frister"), events=events, now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    # Private: a shared proxy must never keep one person's calendar for another.
    response["Cache-Control"] = "private"
    response["Content-Disposition"] = 'inline; filename="brygga-frister.ics"'
    return response
