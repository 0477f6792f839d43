"""What the programme page shows to whom. Staff of the kommun, frivården and the anstalt see
and change everything; an external member (extern_deltagare, only while consent covers their
organisation) sees the group, the plan, the meeting dates and decisions and the schedule, and
reports on the areas they are responsible for. The target-group assessment, the meeting notes
and the utslussningsåtgärder are Kriminalvården's and the kommun's working material."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone

from cases.permissions import acting_membership
from cases.presenters import client_identity
from cases.presenters_care import Step as WorkflowStep
from cases.roles import CHEF_ROLES
from cases.states import CLOSED_STATES, State
from cases.workflows.common import unmet_conditions
from inslussning import forms as f
from inslussning import selectors
from inslussning.models import (
    CORE_ROLES,
    Criterion,
    GroupMember,
    PlanningMeeting,
    Programme,
    ProgrammeArea,
)
from inslussning.rules import failed_criteria
from inslussning.services import MEETINGS_BY_STATE, SCHEDULE_STATES
from inslussning.workflow import Inslussning, is_kriminalvarden, is_programme_staff

if TYPE_CHECKING:
    from accounts.models import User
    from cases.models import Case


class Step(WorkflowStep):
    """A step of the programme as the workflow panel of the case page shows one; abort is set
    apart on the page (it needs a reason and is open from every state)."""

    @property
    def is_abort(self) -> bool:
        return self.name == "abort"


@dataclass
class AreaRow:
    area: ProgrammeArea
    form: forms.Form | None


@dataclass
class MeetingRow:
    meeting: PlanningMeeting
    overdue: bool
    form: forms.Form | None


def as_programme_case(case: Case) -> Inslussning:
    """The loaded case seen as the workflow proxy (same row, same annotations: no new read)."""
    import copy

    proxy = copy.copy(case)
    proxy.__class__ = Inslussning
    proxy.__dict__["_programme"] = case.programme
    return proxy  # type: ignore[return-value]


def _steps(case: Any, user: User, bound: dict[str, forms.Form]) -> tuple[list[Step], list[Step]]:
    steps, blocked = [], []
    for transition in case.get_all_state_transitions():
        if transition.source != case.state or not transition.has_perm(case, user):
            continue
        method = getattr(case, transition.name)
        label = str(transition.custom["label"])
        blockers = unmet_conditions(method)
        if blockers:
            blocked.append(Step(transition.name, label, None, blockers))
            continue
        form = bound.get(f"step-{transition.name}") or f.StepForm(
            prefix=transition.name, form_kind=transition.custom["form"]
        )
        steps.append(Step(transition.name, label, form))
    return steps, blocked


def programme_page(
    case: Case, user: User, bound: dict[str, forms.Form] | None = None
) -> dict[str, Any]:
    bound = bound or {}
    proxy = as_programme_case(case)
    programme: Programme = case.programme
    parts = selectors.programme_parts(programme)
    members: list[GroupMember] = parts["members"]
    staff = is_programme_staff(proxy, user)
    open_programme = case.state not in CLOSED_STATES
    editable = staff and open_programme
    membership = acting_membership(user, case)
    is_chef = membership is not None and membership.role in CHEF_ROLES
    today = timezone.localdate()
    steps, blocked = _steps(proxy, user, bound) if staff else ([], [])

    recordable = MEETINGS_BY_STATE.get(case.state, set()) if editable else set()
    meetings = [
        MeetingRow(
            meeting=m,
            overdue=m.held_on is None and m.planned_for is not None and m.planned_for < today,
            form=(
                bound.get(f"meeting-{m.point}")
                or f.MeetingForm(
                    prefix=f"mote{m.point}",
                    members=members,
                    initial=_meeting_initial(m),
                )
            )
            if m.point in recordable
            else None,
        )
        for m in parts["meetings"]
    ]
    areas = [
        AreaRow(area=a, form=_area_form(a, members, bound, staff=editable, membership=membership))
        for a in parts["areas"]
    ]
    failed = failed_criteria(programme)
    in_identification = case.state == State.IDENTIFIERAD
    return {
        "case": case,
        "programme": programme,
        "client": client_identity(case),
        "membership": membership,
        "is_staff": staff,
        "editable": editable,
        "steps": steps,
        "blocked": blocked,
        "criteria": [(c, getattr(programme, c.value)) for c in Criterion],
        "failed_criteria": failed,
        "members": members,
        "former_members": parts["former_members"],
        "areas": areas,
        "meetings": meetings,
        "bookings": parts["bookings"],
        "measures": parts["measures"],
        "uncovered_members": _uncovered(case, members),
        "reassess_form": (
            bound.get("reassess")
            or f.ReassessForm(
                prefix="bedomning",
                initial={
                    c.value: "ja" if getattr(programme, c.value) else "nej" for c in Criterion
                },
            )
        )
        if editable and in_identification
        else None,
        "override_form": (bound.get("override") or f.OverrideForm(prefix="undantag"))
        if editable and in_identification and is_chef and failed and not programme.override_reason
        else None,
        "samordnare_form": (
            bound.get("samordnare")
            or f.SamordnareForm(
                prefix="samordnare",
                candidates=selectors.samordnare_candidates(case),
                initial={"samordnare": programme.samordnare_id},
            )
        )
        if editable
        else None,
        "dates_form": (
            bound.get("dates")
            or f.MasterDatesForm(
                prefix="datum",
                initial={
                    "release_date": programme.release_date,
                    "supervision_end": programme.supervision_end,
                },
            )
        )
        if editable and is_kriminalvarden(proxy, user)
        else None,
        "member_form": (bound.get("member") or f.MemberForm(prefix="medlem")) if editable else None,
        "responsibility_form": (
            bound.get("responsibility")
            or f.ResponsibilityForm(
                prefix="ansvar",
                initial={"overall_responsibility": programme.overall_responsibility},
            )
        )
        if editable
        else None,
        "booking_form": (bound.get("booking") or f.BookingForm(prefix="bokning"))
        if editable and case.state in SCHEDULE_STATES
        else None,
        "measure_form": (
            bound.get("measure")
            or f.MeasureForm(prefix="utsluss", care_cases=f.vardvistelse_cases(user, case))
        )
        if editable and is_kriminalvarden(proxy, user)
        else None,
        "may_remove_measures": editable and is_kriminalvarden(proxy, user),
    }


def _meeting_initial(meeting: PlanningMeeting) -> dict[str, Any]:
    if meeting.held_on is None:
        return {}
    return {
        "held_on": meeting.held_on,
        "participants": [p.pk for p in meeting.participants.all()],
        "client_took_part": meeting.client_took_part,
        "notes": meeting.notes,
        "decisions": meeting.decisions,
        "follow_up_actions": meeting.follow_up_actions,
    }


def _area_form(
    area: ProgrammeArea,
    members: list[GroupMember],
    bound: dict[str, forms.Form],
    *,
    staff: bool,
    membership: Any,
) -> forms.Form | None:
    key = f"area-{area.area}"
    initial = {"status": area.status, "follow_up_on": area.follow_up_on}
    if staff:
        return bound.get(key) or f.AreaForm(
            prefix=f"omrade-{area.area}",
            members=members,
            initial={
                **initial,
                "need": area.need,
                "insats": area.insats,
                "responsible": area.responsible_id,
            },
        )
    responsible = getattr(area, "responsible", None)
    if (
        membership is not None
        and responsible is not None
        and responsible.organisation_id == membership.organisation_id
    ):
        return bound.get(key) or f.AreaStatusForm(prefix=f"omrade-{area.area}", initial=initial)
    return None


def _uncovered(case: Case, members: list[GroupMember]) -> list[GroupMember]:
    """External members whose organisation no consent in force covers yet: they see nothing."""
    from cases.models import ConsentParty

    covered = set(
        ConsentParty.objects.filter(
            consent__case=case, consent__withdrawn_at__isnull=True
        ).values_list("organisation_id", flat=True)
    )
    return [
        m
        for m in members
        if m.organisation_id is not None
        and m.organisation_id not in covered
        and m.role not in CORE_ROLES
    ]
