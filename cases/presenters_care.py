"""What the case page shows of a kontraktsvård or vårdvistelse: the facts, the preliminary dates
with how they were computed, and the next steps this user may take (or why not yet)."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.form_panels import FormPanel, PanelRequest
from cases.forms_care import (
    STEP_FORMS,
    CareProviderChangeForm,
    JointPlanForm,
    PresentenceRequestForm,
)
from cases.models import CareProcess, CareProviderChoice, Case, JointPlan
from cases.permissions import acting_membership
from cases.roles import OrganisationKind
from cases.states import CLOSED_STATES
from cases.workflows import workflow_model
from cases.workflows.common import either_party, unmet_conditions

if TYPE_CHECKING:
    from accounts.models import User

WORKFLOW_TYPES = ("kontraktsvard", "vardvistelse")


@dataclass
class Step:
    name: str
    label: str
    form: forms.Form | None
    blockers: list[str] = field(default_factory=list)


@dataclass
class WorkflowPanel:
    process: CareProcess
    steps: list[FormPanel]
    blocked: list[Step]
    preliminary_note: str
    coordinator: str
    provider_choice: Any
    joint_plan: JointPlan | None
    # None: this user may not (the presentence request is frivården's; the rest need a party).
    presentence: FormPanel | None
    change_provider: FormPanel | None
    joint_plan_panel: FormPanel | None

    def form_panels(self) -> list[FormPanel]:
        extra = (self.presentence, self.change_provider, self.joint_plan_panel)
        return [*self.steps, *(panel for panel in extra if panel is not None)]


def as_workflow_case(case: Case) -> Any:
    """The case the page already loaded, seen as its workflow's proxy model. A proxy shares the
    table, so a shallow copy with the proxy class keeps the access annotations and the prefetched
    participants: no second read through ``visible_to``."""
    workflow_case = copy.copy(case)
    workflow_case.__class__ = workflow_model(case.case_type)
    return workflow_case


def workflow_panel(case: Case, user: User, panels: PanelRequest) -> WorkflowPanel | None:
    if case.case_type not in WORKFLOW_TYPES:
        return None
    workflow_case = as_workflow_case(case)
    process = _care_process(case)
    steps: list[FormPanel] = []
    blocked: list[Step] = []
    for transition in workflow_case.get_all_state_transitions():
        if transition.source != workflow_case.state:
            continue
        form_name = transition.custom.get("form")
        if form_name is None:
            continue  # automatic steps (consent, the date-driven transfer)
        method = getattr(workflow_case, transition.name)
        label = str(transition.custom["label"])
        if not transition.has_perm(workflow_case, user):
            continue
        blockers = unmet_conditions(method, before_facts=True)
        if blockers:
            blocked.append(Step(transition.name, label, None, blockers))
            continue
        steps.append(
            panels.panel(
                transition.name,
                partial(STEP_FORMS[form_name], prefix=transition.name),
                summary=label,
                action=reverse("cases:step", args=(case.pk, transition.name)),
                button=label,
                warning=transition.name == "abort",
            )
        )
    membership = acting_membership(user, case)
    is_frivard = membership is not None and membership.organisation.kind == OrganisationKind.FRIVARD
    open_case = case.state not in CLOSED_STATES
    current_choice = _current_provider_choice(case)
    joint_plan = _joint_plan(case)
    may_edit = open_case and either_party(workflow_case, user)
    return WorkflowPanel(
        process=process,
        steps=steps,
        blocked=blocked,
        preliminary_note=_preliminary_note(process),
        coordinator=_coordinator(case),
        provider_choice=current_choice,
        joint_plan=joint_plan,
        presentence=panels.panel(
            "presentence",
            lambda: PresentenceRequestForm(
                prefix="presentence",
                initial={"request_date": process.request_date, "haktad": process.haktad},
            ),
            summary=_("Begäran om personutredning och frist för yttrande"),
            action=reverse("cases:presentence_request", args=(case.pk,)),
            button=_("Spara"),
        )
        if case.case_type == "kontraktsvard" and is_frivard and open_case
        else None,
        change_provider=panels.panel(
            "change_provider",
            lambda: CareProviderChangeForm(prefix="change_provider"),
            summary=_("Byt vårdgivare"),
            action=reverse("cases:care_provider_change", args=(case.pk,)),
            button=_("Registrera byte"),
        )
        if may_edit and current_choice is not None
        else None,
        joint_plan_panel=panels.panel(
            "joint_plan",
            lambda: JointPlanForm(
                prefix="joint_plan",
                initial={f: getattr(joint_plan, f) for f in JointPlanForm.base_fields}
                if joint_plan
                else None,
            ),
            summary=_("Uppdatera gemensam plan") if joint_plan else _("Upprätta gemensam plan"),
            action=reverse("cases:joint_plan", args=(case.pk,)),
            button=_("Spara plan"),
        )
        if may_edit and process.placement_start is not None
        else None,
    )


def _with_care(case: Case) -> bool:
    """Whether the case page's query brought the care rows (``case_for_user(with_care=True)``);
    otherwise (a form posted with errors) they are read here."""
    return Case.care.is_cached(case)


def _care_process(case: Case) -> CareProcess:
    # Made when a case of a workflow type has none yet.
    process = getattr(case, "care", None) if _with_care(case) else None
    return process or CareProcess.objects.get_or_create(case=case)[0]


def _joint_plan(case: Case) -> JointPlan | None:
    if _with_care(case):
        return getattr(case, "joint_plan", None)
    return JointPlan.objects.filter(case=case).first()


def _current_provider_choice(case: Case) -> CareProviderChoice | None:
    if _with_care(case):  # the attribute is set only when the case has one
        return getattr(case, "current_provider_choice", None)
    return (
        case.care_provider_choices.filter(replaced_at__isnull=True)
        .select_related("provider")
        .first()
    )


def _preliminary_note(process: CareProcess) -> str:
    preliminary = process.preliminary_payment_end
    if preliminary is None:
        return ""
    days = process.alternative_prison_term_days or 0
    return _(
        "Preliminärt %(date)s: placeringsstart %(start)s + två tredjedelar av %(days)s dagars "
        "alternativt straff (%(part)s dagar, avrundat uppåt; strafftidslagen räknar en månad som "
        "30 dagar och ett år som 365). Det gällande datumet är Kriminalvårdens beslut."
    ) % {
        "date": f"{preliminary:%Y-%m-%d}",
        "start": f"{process.placement_start:%Y-%m-%d}",
        "days": days,
        "part": (preliminary - process.placement_start).days if process.placement_start else 0,
    }


def _coordinator(case: Case) -> str:
    from cases.services.care import coordinating_party

    try:
        party = coordinating_party(case)
    except AssertionError:
        return ""
    return party.organisation.name
