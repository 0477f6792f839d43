""" "Mina frister" and moving a deadline. Thin: selectors read (through the access rule),
the deadline service writes (with history and audit event)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.typing import AuthenticatedRequest
from cases import selectors, selectors_deadlines
from cases.forms_deadlines import DeadlineExtendForm
from cases.models import DeadlineKind
from cases.rendering import jinja2_html, path_by_id
from cases.services.deadlines import deadline_extend


@dataclass(frozen=True)
class DeadlineRow:
    deadline: selectors_deadlines.DeadlineListRow
    kind: str
    due: str  # "2026-01-31"
    responsible: str  # "Sara Sekreterare, SN Nordost" or the organisation alone
    case_url: str
    extend_url: str


def _rows(table: selectors_deadlines.DeadlineTable, kinds: dict[str, str]) -> list[DeadlineRow]:
    # The kind's label from one dict per page: ``get_kind_display`` rebuilds and translates all
    # the choices on every call (docs/performance.md).
    case_path, extend_path = path_by_id("cases:detail"), path_by_id("deadlines:extend")
    rows = []
    for deadline in table.rows:
        responsible = deadline.organisation
        if deadline.responsible_user:
            responsible = f"{deadline.responsible_user}, {responsible}"
        rows.append(
            DeadlineRow(
                deadline=deadline,
                kind=kinds.get(deadline.kind, deadline.kind),
                due=f"{deadline.due_date:%Y-%m-%d}",
                responsible=responsible,
                case_url=case_path(deadline.case_id),
                extend_url=extend_path(deadline.id),
            )
        )
    return rows


def _rows_html(
    table: selectors_deadlines.DeadlineTable, kinds: dict[str, str], today: date
) -> SafeString:
    context = {"rows": _rows(table, kinds), "today": today}
    return jinja2_html("deadlines/_deadline_rows.html", context)


@login_required
@require_http_methods(["GET"])
def my_deadlines(request: AuthenticatedRequest) -> HttpResponse:
    overview = selectors_deadlines.my_deadlines(request.user, today=timezone.localdate())
    kinds = {value: str(label) for value, label in DeadlineKind.choices}
    context = {
        "overview": overview,
        # The markup of each table's rows (deadlines/_deadline_table.html).
        "overdue_rows_html": _rows_html(overview.overdue, kinds, overview.today),
        "upcoming_rows_html": _rows_html(overview.upcoming, kinds, overview.today),
    }
    return render(request, "deadlines/mine.html", context)


def _return_to(request: AuthenticatedRequest) -> str:
    """Back to where the form was opened (the case page or Mina frister), never off-site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("deadlines:mine")


@login_required
@require_http_methods(["GET", "POST"])
def extend(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Move a deadline to a new date, with the reason (kept in its history)."""
    deadline = selectors_deadlines.deadline_for_user(request.user, pk)  # 404 outside scope
    case = selectors.case_for_user(request.user, deadline.case_id)
    if not request.user.has_perm("cases.extend_deadline", case):
        raise PermissionDenied
    form = DeadlineExtendForm(
        request.POST if request.method == "POST" else None, current_due_date=deadline.due_date
    )
    status = 200
    if form.is_bound:
        if form.is_valid():
            try:
                moved = deadline_extend(
                    deadline_id=deadline.pk,
                    actor=request.user,
                    new_due_date=form.cleaned_data["new_due_date"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                for field, errors in getattr(error, "error_dict", {None: error.error_list}).items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request,
                    _("Fristen i %(reference)s är flyttad till %(date)s.")
                    % {"reference": case.reference, "date": f"{moved.due_date:%Y-%m-%d}"},
                )
                return redirect(_return_to(request))
        status = 400
    context = {
        "deadline": deadline,
        "case": case,
        "form": form,
        "changes": deadline.changes.select_related("changed_by"),
        "next": _return_to(request),
    }
    return render(request, "deadlines/extend.html", context, status=status)
