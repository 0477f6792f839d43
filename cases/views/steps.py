"""The workflow steps of the case page: one POST endpoint per step, thin. The service decides
(permission, guards, facts); a refused or invalid step changes nothing."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.typing import AuthenticatedRequest
from cases import selectors
from cases.form_errors import apply_service_errors
from cases.forms_care import (
    STEP_FORMS,
    CareProviderChangeForm,
    JointPlanForm,
    PresentenceRequestForm,
)
from cases.presenters_care import WORKFLOW_TYPES
from cases.services import care
from cases.views.detail import _render_case

# Transition name -> the service that records its facts and takes it.
STEP_SERVICES: dict[str, Callable[..., Any]] = {
    "register_application": care.application_register,
    "start_investigation": care.investigation_start,
    "record_decision": care.decision_record,
    "propose_care_provider": care.care_provider_propose,
    "register_treatment_plan": care.treatment_plan_register,
    "register_judgment": care.judgment_register,
    "start_enforcement": care.enforcement_start,
    "send_commitment": care.commitment_send,
    "start_placement": care.placement_start_record,
    "close": care.case_close,
    "abort": care.case_abort,
}
STEP_FORM_OF = {
    "register_application": "application",
    "start_investigation": "confirm",
    "record_decision": "decision",
    "propose_care_provider": "care_provider",
    "register_treatment_plan": "treatment_plan",
    "register_judgment": "judgment",
    "start_enforcement": "placement_kv",
    "send_commitment": "commitment",
    "start_placement": "placement_vv",
    "close": "close",
    "abort": "abort",
}


def _arguments(service: Callable[..., Any], data: dict[str, Any]) -> dict[str, Any]:
    """The form's cleaned data that the service takes (plus the free-text reason)."""
    accepted = set(inspect.signature(service).parameters) | set(getattr(service, "fact_names", ()))
    return {key: value for key, value in data.items() if key in accepted or key == "reason"}


def _submit(
    request: AuthenticatedRequest,
    pk: int,
    *,
    key: str,
    form: Any,
    run: Callable[[dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    case = selectors.case_for_user(request.user, pk)
    if case.case_type not in WORKFLOW_TYPES:
        raise Http404
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("cases:detail", pk=pk)
    case = selectors.case_for_user(request.user, pk)
    return _render_case(request, case, status=400, bound={key: form})


@login_required
@require_POST
def step(request: AuthenticatedRequest, pk: int, name: str) -> HttpResponse:
    if name not in STEP_SERVICES:
        raise Http404
    service = STEP_SERVICES[name]
    form = STEP_FORMS[STEP_FORM_OF[name]](request.POST, prefix=name)
    return _submit(
        request,
        pk,
        key=name,
        form=form,
        run=lambda data: service(case_id=pk, actor=request.user, **_arguments(service, data)),
        done=_("Steget är registrerat."),
    )


@login_required
@require_POST
def presentence_request(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    form = PresentenceRequestForm(request.POST, prefix="presentence")
    return _submit(
        request,
        pk,
        key="presentence",
        form=form,
        run=lambda data: care.presentence_request_record(case_id=pk, actor=request.user, **data),
        done=_("Begäran om personutredning och fristen för yttrandet är sparade."),
    )


@login_required
@require_POST
def care_provider_change(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    form = CareProviderChangeForm(request.POST, prefix="change_provider")
    return _submit(
        request,
        pk,
        key="change_provider",
        form=form,
        run=lambda data: care.care_provider_change(case_id=pk, actor=request.user, **data),
        done=_("Bytet av vårdgivare är registrerat."),
    )


@login_required
@require_POST
def joint_plan(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    form = JointPlanForm(request.POST, prefix="joint_plan")
    return _submit(
        request,
        pk,
        key="joint_plan",
        form=form,
        run=lambda data: care.joint_plan_save(case_id=pk, actor=request.user, **data),
        done=_("Den gemensamma planen är sparad."),
    )
