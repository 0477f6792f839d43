"""Views of deviations: thin. Load through the access rule (404 outside scope), call a
service, render or redirect. The dashboard and drill-down exist only for chefs (404 for
anyone else, as a case outside one's scope does)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.typing import AuthenticatedRequest
from cases import access_log, selectors
from cases.form_errors import apply_service_errors
from cases.models import AccessLog, Organisation
from cases.presenters import client_identity
from cases.selectors_log import reviewing_organisation
from deviations import exports, permissions, services
from deviations.forms import (
    ActionForm,
    CloseForm,
    DashboardFilterForm,
    DeviationReportForm,
    DrilldownForm,
    InformedForm,
    ResolveForm,
)
from deviations.models import Deviation, DeviationAction, RoutineDeviation
from deviations.presenters import dashboard_tables
from deviations.selectors import (
    dashboard,
    drilldown_cases,
    is_chef,
    scope_cases,
    scope_units,
    unit_scope_ids,
)

View = Callable[..., HttpResponseBase]
DRILLDOWN_LIMIT = 200


def chef_required(view: View) -> View:
    @functools.wraps(view)
    def wrapper(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not is_chef(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return login_required(wrapper)


# "Räkna om nu": compute the figures again instead of showing the kept ones.
REFRESH_KEY = "rakna_om"


def dashboard_cache_key(user_id: int, period: Any, unit: int | None, today: date) -> str:
    return f"dashboard:{user_id}:{period.start}:{period.end}:{unit}:{today}"


@dataclass(frozen=True)
class KeptDashboard:
    tables: list[Any]
    figures: str  # the rendered charts and tables (safe HTML)
    today: date
    computed_at: datetime


def _filters(
    request: AuthenticatedRequest, units: list[Organisation] | None = None
) -> DashboardFilterForm:
    units = scope_units(request.user) if units is None else units
    form = DashboardFilterForm(request.GET or None, units=units)
    form.is_valid()
    return form


@chef_required
@require_safe
def dashboard_view(request: AuthenticatedRequest) -> HttpResponse:
    units = scope_units(request.user)
    form = _filters(request, units)
    period, unit = form.period(), form.unit_id()
    today = timezone.localdate()
    # The figures aggregate every case of the chef's organisations (nine queries through the
    # access rule, about a second at region scale): kept for a few minutes per chef and filter,
    # with the time they were computed on the page and a button to compute them again
    # (docs/decisions.md).
    key = dashboard_cache_key(request.user.pk, period, unit, today)
    export_query = f"start={period.start:%Y-%m}&end={period.end:%Y-%m}" + (
        f"&unit={unit}" if unit else ""
    )
    kept = None if request.GET.get(REFRESH_KEY) else cache.get(key)
    if not isinstance(kept, KeptDashboard):  # none kept, or kept by an older release
        data = dashboard(
            request.user,
            period=period,
            unit=unit,
            today=today,
            organisation_ids=unit_scope_ids(units, unit),
        )
        tables = dashboard_tables(data, unit=unit)
        # Kept rendered: the charts and tables are most of the page's own time.
        figures = render_to_string(
            "deviations/_figures.html", {"tables": tables, "export_query": export_query}
        )
        kept = KeptDashboard(tables, figures, data.today, data.computed_at)
        cache.set(key, kept, settings.BRYGGA_DASHBOARD_CACHE_SECONDS)
    context = {
        "form": form,
        "period": period,
        "tables": kept.tables,
        "figures": kept.figures,
        "export_query": export_query,
        "refresh_query": f"{export_query}&{REFRESH_KEY}=1",
        "today": kept.today,
        "computed_at": kept.computed_at,
    }
    return render(request, "deviations/dashboard.html", context)


@chef_required
@require_safe
def drilldown_view(request: AuthenticatedRequest) -> HttpResponse:
    filters = _filters(request)
    spec_form = DrilldownForm(request.GET)
    if not spec_form.is_valid():
        raise Http404
    period, unit = filters.period(), filters.unit_id()
    cases = drilldown_cases(
        request.user, spec_form.spec(), period=period, unit=unit, today=timezone.localdate()
    )
    rows = list(cases[: DRILLDOWN_LIMIT + 1])
    context = {
        "rows": [
            {"case": case, "client": client_identity(case)} for case in rows[:DRILLDOWN_LIMIT]
        ],
        "truncated": len(rows) > DRILLDOWN_LIMIT,
        "limit": DRILLDOWN_LIMIT,
        "back": f"{reverse('deviations:dashboard')}?start={period.start:%Y-%m}"
        f"&end={period.end:%Y-%m}" + (f"&unit={unit}" if unit else ""),
    }
    return render(request, "deviations/drilldown.html", context)


EXPORT_TABLES = ("deviation_list", "statistics")


@chef_required
@require_safe
def export_view(request: AuthenticatedRequest, table: str, fmt: str) -> HttpResponse:
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    form = _filters(request)
    period, unit = form.period(), form.unit_id()
    if table == "deviation_list":
        rows = exports.deviation_list_rows(scope_cases(request.user, unit), period)
        title = _("Avvikelser")
    elif table == "statistics":
        rows = exports.statistics_rows(scope_cases(request.user, unit), period)
        title = _("Statistik")
    else:
        data = dashboard(request.user, period=period, unit=unit, today=timezone.localdate())
        found = next((t for t in dashboard_tables(data, unit=unit) if t.key == table), None)
        if found is None:
            raise Http404
        rows, title = found.as_rows(), found.title
    # Taking figures out of the system is a read that must be traceable.
    access_log.record(
        request=request,
        action=AccessLog.Action.EXPORT,
        organisation=reviewing_organisation(request.user),
    )
    filename = f"{table}-{period.start:%Y-%m}-{period.end:%Y-%m}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.to_xlsx(rows, sheet_name=str(title)),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


# --- The case's deviations -----------------------------------------------------------------


def _back_to_case(case_id: int) -> HttpResponse:
    return redirect(f"{reverse('cases:detail', args=[case_id])}#avvikelser")


def _form_page(
    request: AuthenticatedRequest, case: Any, form: Any, *, title: str, submit: str
) -> HttpResponse:
    status = 400 if form.is_bound and form.errors else 200
    context = {"case": case, "form": form, "title": title, "submit": submit}
    return render(request, "deviations/form.html", context, status=status)


@login_required
def report(request: AuthenticatedRequest, case_pk: int) -> HttpResponse:
    case = selectors.case_for_user(request.user, case_pk)
    if not permissions.may_report(request.user, case):
        raise Http404
    form = DeviationReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.deviation_report(case_id=case.pk, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Avvikelsen är rapporterad."))
            return _back_to_case(case.pk)
    return _form_page(
        request, case, form, title=_("Rapportera avvikelse"), submit=_("Rapportera avvikelse")
    )


def _deviation_for(request: AuthenticatedRequest, pk: int) -> tuple[Any, Deviation]:
    deviation = get_object_or_404(Deviation, pk=pk)
    case = selectors.case_for_user(request.user, deviation.case_id)
    if not permissions.may_follow_up(request.user, case):
        raise Http404
    return case, deviation


@login_required
def record_informed(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case, deviation = _deviation_for(request, pk)
    form = InformedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.deviation_record_informed(
                deviation_id=deviation.pk,
                actor=request.user,
                informed_at=form.informed_at(),
                how=form.cleaned_data["how"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Det är registrerat att andra parten har informerats."))
            return _back_to_case(case.pk)
    return _form_page(
        request,
        case,
        form,
        title=_("Registrera att andra parten informerats"),
        submit=_("Spara"),
    )


@login_required
def action_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case, deviation = _deviation_for(request, pk)
    form = ActionForm(request.POST or None, candidates=services.responsible_candidates(case))
    if request.method == "POST" and form.is_valid():
        try:
            services.deviation_action_add(
                deviation_id=deviation.pk,
                actor=request.user,
                description=form.cleaned_data["description"],
                responsible=form.candidates[form.cleaned_data["responsible"]],
                due_date=form.cleaned_data["due_date"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Åtgärden är tillagd."))
            return _back_to_case(case.pk)
    return _form_page(request, case, form, title=_("Lägg till åtgärd"), submit=_("Lägg till"))


@login_required
@require_POST
def action_complete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(DeviationAction.objects.select_related("deviation"), pk=pk)
    case, _deviation = _deviation_for(request, action.deviation_id)
    try:
        services.deviation_action_complete(action_id=action.pk, actor=request.user)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("Åtgärden är markerad som klar."))
    return _back_to_case(case.pk)


@login_required
def close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case, deviation = _deviation_for(request, pk)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.deviation_close(
                deviation_id=deviation.pk, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Avvikelsen är stängd."))
            return _back_to_case(case.pk)
    return _form_page(request, case, form, title=_("Stäng avvikelse"), submit=_("Stäng avvikelsen"))


@login_required
def routine_resolve(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(RoutineDeviation, pk=pk)
    case = selectors.case_for_user(request.user, row.case_id)
    if not permissions.may_resolve_routine(request.user, case):
        raise Http404
    form = ResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.routine_deviation_resolve(
                row_id=row.pk, actor=request.user, comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Avvikelsen från rutinen är hanterad."))
            return _back_to_case(case.pk)
    return _form_page(
        request,
        case,
        form,
        title=_("Hantera avvikelse från rutinen: %(rule)s") % {"rule": row.rule_label},
        submit=_("Markera som hanterad"),
    )
