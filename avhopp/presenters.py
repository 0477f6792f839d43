"""What the uppdrag page shows a given user: the client (masked unless granted), and the next
steps the user's kommun may take now, each as a form, or what they wait for."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy

from avhopp import forms as f
from avhopp import permissions as p
from avhopp.models import DefectorAssignment
from avhopp.workflow import plan_written
from cases.presenters import ClientIdentity, protected_identity_masked
from cases.states import CLOSED_STATES, State
from cases.workflows.common import unmet_conditions

if TYPE_CHECKING:
    from accounts.models import User

BEFORE_ACCEPTANCE = (State.FORFRAGAN, State.SAMRAD)


@dataclass(frozen=True)
class StepSpec:
    label: Any
    form: type[forms.Form]
    button: Any
    warning: bool = False


# Step name -> how it is shown. The views map the same names to the services.
STEPS: dict[str, StepSpec] = {
    "start_consultation": StepSpec(
        gettext_lazy("Påbörja samråd"), f.ConfirmForm, gettext_lazy("Påbörja samråd")
    ),
    "police": StepSpec(
        gettext_lazy("Registrera samråd med polisen"),
        f.PoliceForm,
        gettext_lazy("Spara samrådet med polisen"),
    ),
    "motivation": StepSpec(
        gettext_lazy("Registrera bedömning av motivation"),
        f.MotivationForm,
        gettext_lazy("Spara bedömningen"),
    ),
    "description": StepSpec(
        gettext_lazy("Uppdragsbeskrivning"),
        f.DescriptionForm,
        gettext_lazy("Spara uppdragsbeskrivningen"),
    ),
    "accept": StepSpec(
        gettext_lazy("Acceptera uppdraget"), f.ConfirmForm, gettext_lazy("Acceptera uppdraget")
    ),
    "start_implementation": StepSpec(
        gettext_lazy("Upprätta genomförandeplan och starta genomförandet"),
        f.ImplementationForm,
        gettext_lazy("Starta genomförandet"),
    ),
    "measure": StepSpec(
        gettext_lazy("Registrera insats och kostnad"),
        f.MeasureForm,
        gettext_lazy("Registrera insatsen"),
    ),
    "close": StepSpec(
        gettext_lazy("Avsluta uppdraget"), f.CloseForm, gettext_lazy("Avsluta uppdraget")
    ),
    "children_flag": StepSpec(
        gettext_lazy("Barn har aktualiserats"),
        f.ChildrenFlagForm,
        gettext_lazy("Registrera att barn har aktualiserats"),
        warning=True,
    ),
    "children_clarify": StepSpec(
        gettext_lazy("Klargör ansvaret för barnen"),
        f.ChildrenClarifyForm,
        gettext_lazy("Spara klargörandet"),
    ),
    "decline": StepSpec(
        gettext_lazy("Avböj eller återkalla förfrågan"),
        f.DeclineForm,
        gettext_lazy("Avsluta förfrågan"),
        warning=True,
    ),
    "terminate": StepSpec(
        gettext_lazy("Säg upp uppdraget (en veckas uppsägningstid)"),
        f.TerminateForm,
        gettext_lazy("Registrera uppsägningen"),
        warning=True,
    ),
    "assign": StepSpec(
        gettext_lazy("Tilldela en kollega uppdraget"),
        f.AssignUserForm,
        gettext_lazy("Tilldela"),
    ),
}


@dataclass
class Step:
    name: str
    label: str
    button: str
    form: forms.Form
    warning: bool = False


@dataclass
class Blocked:
    label: str
    blockers: list[str]


@dataclass
class Panel:
    side: str | None
    steps: list[Step] = field(default_factory=list)
    blocked: list[Blocked] = field(default_factory=list)


def assignment_identity(case: DefectorAssignment) -> ClientIdentity:
    """Access to an uppdrag already requires the assignment; the identity of a protected
    client is shown only to those holding the explicit grant (every assigned user gets it)."""
    return protected_identity_masked(case)


def make_form(
    name: str,
    *,
    case: DefectorAssignment,
    user: User,
    data: Any = None,
    assigned_ids: list[int] | None = None,
) -> forms.Form:
    spec = STEPS[name]
    if spec.form is f.AssignUserForm:
        side = p.side_of(case, user)
        details = case.assignment
        organisation = {
            "home": details.home_municipality,
            "receiving": details.receiving_municipality,
        }.get(side or "")
        return f.AssignUserForm(
            data, prefix=name, organisation=organisation, exclude=assigned_ids or []
        )
    return spec.form(data, prefix=name)


def _available(case: DefectorAssignment, side: str) -> list[str]:
    """The non-transition actions the user's kommun may take in the current state."""
    details = case.assignment
    state = case.state
    names: list[str] = []
    if state in BEFORE_ACCEPTANCE:
        names.append("police")
        if side == "home":
            names += ["motivation", "description"]
    if side == "receiving" and details.implementation_started_on is not None:
        names.append("measure")  # also after the end: late invoices (services.measure_book)
    if state not in CLOSED_STATES:
        if details.children_flag:
            names.append("children_clarify")
        else:
            names.append("children_flag")
    if state in (State.ACCEPTERAT, State.GENOMFORANDE) and details.notice_given_on is None:
        names.append("terminate")
    if state not in CLOSED_STATES:
        names.append("assign")
    return names


# Transition name -> the step that takes it on the page.
TRANSITION_STEPS = {
    "start_consultation": "start_consultation",
    "accept": "accept",
    "start_implementation": "start_implementation",
    "close": "close",
    "decline": "decline",
}


def panel(
    case: DefectorAssignment,
    user: User,
    *,
    bound: dict[str, forms.Form] | None = None,
    assigned_ids: list[int] | None = None,
) -> Panel:
    bound = bound or {}
    side = p.side_of(case, user)
    result = Panel(side=side)
    if side is None:
        return result

    def form_for(name: str) -> forms.Form:
        return bound.get(name) or make_form(name, case=case, user=user, assigned_ids=assigned_ids)

    names: list[str] = []
    for transition in case.get_all_state_transitions():  # type: ignore[attr-defined]
        step = TRANSITION_STEPS.get(transition.name)
        if transition.source != case.state or step is None:
            continue  # another state's step, or the date-driven ending after notice
        if not transition.has_perm(case, user):
            continue
        # The genomförandeplan is written in the step's own form.
        unmet = [
            message
            for message in unmet_conditions(getattr(case, transition.name))
            if message != str(plan_written.message)  # type: ignore[attr-defined]
        ]
        if unmet:
            result.blocked.append(Blocked(str(STEPS[step].label), unmet))
            continue
        names.append(step)
    names += _available(case, side)
    for name in sorted(names, key=lambda n: STEPS[n].warning):
        spec = STEPS[name]
        result.steps.append(
            Step(name, str(spec.label), str(spec.button), form_for(name), spec.warning)
        )
    return result
