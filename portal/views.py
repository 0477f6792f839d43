from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.typing import AuthenticatedRequest
from cases.models import Membership
from config.tasks import HEARTBEAT_KEY
from portal.forms import AccessibilityReportForm


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    memberships = (
        Membership.objects.in_force()
        .filter(user=request.user)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    return render(request, "portal/home.html", {"memberships": memberships})


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For the load balancer and monitoring: database, Redis and the Celery worker (through the
    heartbeat task beat schedules every minute). 503 when any part is down."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 - any failure means "down" here
        checks["database"] = "fel"
    try:
        heartbeat = cache.get(HEARTBEAT_KEY)
        checks["redis"] = "ok"
        age = time.time() - heartbeat if heartbeat else None
        ok = age is not None and age < settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS
        checks["worker"] = "ok" if ok else "fel"
    except Exception:  # noqa: BLE001
        checks["redis"] = "fel"
        checks["worker"] = "okänd"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "fel", **checks}, status=200 if healthy else 503
    )


def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/accessibility_statement.html",
        {"report_url": reverse("accessibility_report")},
    )


def accessibility_report(request: HttpRequest) -> HttpResponse:
    form = AccessibilityReportForm(
        request.POST or None, initial={"page": request.GET.get("sida", "")}
    )
    if request.method == "POST" and form.is_valid():
        report = form.save(commit=False)
        if request.user.is_authenticated:
            report.reporter = request.user
        report.save()
        messages.success(
            request, _("Tack! Vi har tagit emot din rapport och svarar inom två veckor.")
        )
        return redirect("accessibility_report")
    return render(request, "portal/accessibility_report.html", {"form": form})
