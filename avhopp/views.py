"""The avhopparuppdrag pages, thin: read through the selectors (404 outside scope), change
through the services, render. Every read of an uppdrag is access-logged."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.typing import AuthenticatedRequest
from avhopp import presenters, rules, selectors, services, services_agreement
from avhopp.forms import AgreementNoticeForm, AssignmentCreateForm, SettleForm
from avhopp.models import Agreement
from avhopp.permissions import kommun_memberships, side_of
from cases import access_log
from cases.form_errors import apply_service_errors
from cases.models import AccessLog
from cases.roles import Role


def _agreement() -> Agreement:
    agreement = selectors.current_agreement()
    if agreement is None:
        raise Http404
    return agreement


def _require_kommun_user(request: AuthenticatedRequest) -> None:
    # The pages of the agreement are for socialsekreterare and enhetschefer.
    if not kommun_memberships(request.user):
        raise Http404


# --- Overview ----------------------------------------------------------------------------------


def _render_overview(
    request: AuthenticatedRequest, *, notice_form: Any = None, status: int = 200
) -> HttpResponse:
    user = request.user
    assignments = selectors.assignments_for_user(user)
    context: dict[str, Any] = {
        "assignments": [(case, presenters.assignment_identity(case)) for case in assignments],
        "balance_limit": rules.BALANCE_LIMIT,
    }
    agreement = selectors.current_agreement()
    if agreement is not None:  # before the agreement is registered the page says so
        today = timezone.localdate()
        summary = selectors.agreement_summary(agreement, today=today)
        party_ids = {o.pk for group in summary.groups for o in group.namnder}
        memberships = kommun_memberships(user)
        is_party = any(m.organisation_id in party_ids for m in memberships)
        may_give_notice = any(
            m.role == Role.ENHETSCHEF and m.organisation_id in party_ids for m in memberships
        )
        context |= {
            "summary": summary,
            "balance": selectors.balance(agreement, summary.groups),
            "reconciliations": selectors.reconciliations_for_user(user, agreement, assignments),
            "may_create": is_party and selectors.agreement_in_force(agreement, today=today),
            "notice_form": notice_form
            or (AgreementNoticeForm(prefix="notice") if may_give_notice else None),
        }
    return render(request, "avhopp/overview.html", context, status=status)


@login_required
def overview(request: AuthenticatedRequest) -> HttpResponse:
    _require_kommun_user(request)
    return _render_overview(request)


@login_required
@require_POST
def agreement_notice(request: AuthenticatedRequest) -> HttpResponse:
    _require_kommun_user(request)
    agreement = _agreement()
    form = AgreementNoticeForm(request.POST, prefix="notice")
    if form.is_valid():
        try:
            services_agreement.agreement_notice_record(
                agreement_id=agreement.pk, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Uppsägningen av avtalet är registrerad."))
            return redirect("avhopp:overview")
    return _render_overview(request, notice_form=form, status=400)


# --- Creating the request ----------------------------------------------------------------------


@login_required
def create(request: AuthenticatedRequest) -> HttpResponse:
    _require_kommun_user(request)
    agreement = _agreement()
    summary = selectors.agreement_summary(agreement, today=timezone.localdate())
    parties = [o for group in summary.groups for o in group.namnder]
    form = AssignmentCreateForm(request.POST or None, user=request.user, parties=parties)
    if not form.fields["home_municipality"].queryset.exists():  # type: ignore[attr-defined]
        raise Http404  # only the parties' socialsekreterare and chefs send uppdrag
    warnings: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        receiver = data["receiver"]
        warnings = selectors.balance_warnings(
            agreement=agreement,
            home=data["home_municipality"],
            receiving=receiver.organisation,
        )
        try:
            case = services.assignment_create(
                actor=request.user,
                agreement=agreement,
                home_municipality=data["home_municipality"],
                receiving_municipality=receiver.organisation,
                receiving_handlaggare=receiver.user,
                identity=data["identity"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                protected_identity=data["protected_identity"],
                disclosure_basis=data["disclosure_basis"],
                confirm_over_balance=data["confirm_over_balance"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict") and "receiving_municipality" in error.error_dict:
                error.error_dict["receiver"] = error.error_dict.pop("receiving_municipality")
            if hasattr(error, "error_dict") and "receiving_handlaggare" in error.error_dict:
                error.error_dict["receiver"] = error.error_dict.pop("receiving_handlaggare")
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Förfrågan %(ref)s är skickad.") % {"ref": case.reference})
            return redirect("avhopp:detail", pk=case.pk)
    context = {
        "form": form,
        "warnings": warnings,
        "balance": selectors.balance(agreement, summary.groups),
        "balance_limit": rules.BALANCE_LIMIT,
    }
    return render(request, "avhopp/create.html", context, status=400 if form.errors else 200)


# --- The uppdrag -------------------------------------------------------------------------------


def _render_detail(
    request: AuthenticatedRequest,
    pk: int,
    *,
    bound: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    from cases.selectors import deadlines_for

    user = request.user
    case = selectors.assignment_for_user(user, pk)
    identity = presenters.assignment_identity(case)
    side = side_of(case, user)
    organisation = {
        "home": case.assignment.home_municipality,
        "receiving": case.assignment.receiving_municipality,
    }.get(side or "")
    access_log.record(
        request=request,
        action=AccessLog.Action.VIEW_CASE,
        organisation=organisation,
        case=case,
        client=case.client if identity.visible else None,
    )
    assigned = selectors.assigned_users(case)
    measures = selectors.measures_for(case)
    context = {
        "case": case,
        "details": case.assignment,
        "client": identity,
        "side": side,
        "panel": presenters.panel(case, user, bound=bound, assigned_ids=[u.pk for u in assigned]),
        "assigned": assigned,
        "participations": case.participations.all(),
        "measures": measures,
        "measures_total": sum((m.cost for m in measures), start=Decimal("0.00")),
        "deadlines": deadlines_for(case),
        "timeline": selectors.assignment_timeline(user, case),
    }
    return render(request, "avhopp/detail.html", context, status=status)


@login_required
def detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    selectors.assignment_for_user(request.user, pk)  # 404 before anything else
    # The date-driven end after notice (§ 12) is caught up here too, so the page never shows
    # an uppdrag as running after its notice has run (the hourly task may not have run yet).
    services.assignment_end_if_notice_run(case_id=pk)
    return _render_detail(request, pk)


STEP_SERVICES: dict[str, tuple[Callable[..., Any], Any]] = {
    "start_consultation": (services.consultation_start, gettext_lazy("Samrådet är påbörjat.")),
    "police": (
        services.police_consultation_record,
        gettext_lazy("Samrådet med polisen är registrerat."),
    ),
    "motivation": (
        services.motivation_record,
        gettext_lazy("Bedömningen av motivationen är sparad."),
    ),
    "description": (services.description_save, gettext_lazy("Uppdragsbeskrivningen är sparad.")),
    "accept": (services.assignment_accept, gettext_lazy("Uppdraget är accepterat.")),
    "start_implementation": (
        services.implementation_start,
        gettext_lazy("Genomförandet har startat."),
    ),
    "measure": (services.measure_book, gettext_lazy("Insatsen är registrerad.")),
    "close": (services.assignment_close, gettext_lazy("Uppdraget är avslutat.")),
    "children_flag": (
        services.children_flag_raise,
        gettext_lazy("Att barn har aktualiserats är registrerat."),
    ),
    "children_clarify": (services.children_clarify, gettext_lazy("Klargörandet är sparat.")),
    "decline": (services.assignment_decline, gettext_lazy("Förfrågan är avslutad.")),
    "terminate": (services.assignment_terminate, gettext_lazy("Uppsägningen är registrerad.")),
    "assign": (services.assignment_assign_user, gettext_lazy("Kollegan är tilldelad uppdraget.")),
}


@login_required
@require_POST
def step(request: AuthenticatedRequest, pk: int, name: str) -> HttpResponse:
    if name not in STEP_SERVICES:
        raise Http404
    case = selectors.assignment_for_user(request.user, pk)
    service, done = STEP_SERVICES[name]
    form = presenters.make_form(
        name,
        case=case,
        user=request.user,
        data=request.POST,
        assigned_ids=[u.pk for u in selectors.assigned_users(case)],
    )
    if form.is_valid():
        try:
            service(case_id=pk, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("avhopp:detail", pk=pk)
    return _render_detail(request, pk, bound={name: form}, status=400)


# --- Reconciliation ----------------------------------------------------------------------------


def _render_report(
    request: AuthenticatedRequest,
    kommun_a: int,
    kommun_b: int,
    period: str,
    *,
    form: Any = None,
    status: int = 200,
) -> HttpResponse:
    agreement = _agreement()
    report = selectors.reconciliation_report(
        request.user,
        agreement=agreement,
        kommun_a_id=kommun_a,
        kommun_b_id=kommun_b,
        period_key=period,
    )
    chef_kommuner = {
        m.organisation.parent_id or m.organisation_id
        for m in kommun_memberships(request.user)
        if m.role == Role.ENHETSCHEF
    }
    may_settle = (
        bool(chef_kommuner & {report.kommun_a.pk, report.kommun_b.pk})
        and not (report.reconciliation and report.reconciliation.is_settled)
        and report.period.ends_on < timezone.localdate()
    )
    context = {
        "report": report,
        "settle_form": form or (SettleForm(prefix="settle") if may_settle else None),
    }
    return render(request, "avhopp/reconciliation.html", context, status=status)


@login_required
def reconciliation(
    request: AuthenticatedRequest, kommun_a: int, kommun_b: int, period: str
) -> HttpResponse:
    return _render_report(request, kommun_a, kommun_b, period)


@login_required
@require_POST
def reconciliation_settle(
    request: AuthenticatedRequest, kommun_a: int, kommun_b: int, period: str
) -> HttpResponse:
    agreement = _agreement()
    form = SettleForm(request.POST, prefix="settle")
    if form.is_valid():
        try:
            services_agreement.reconciliation_settle(
                actor=request.user,
                agreement=agreement,
                kommun_a_id=kommun_a,
                kommun_b_id=kommun_b,
                period_key=period,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Avstämningen är markerad som genomförd."))
            return redirect(
                "avhopp:reconciliation", kommun_a=kommun_a, kommun_b=kommun_b, period=period
            )
    return _render_report(request, kommun_a, kommun_b, period, form=form, status=400)
