"""Every change to an inslussning programme. Each service: one transaction, the case row locked
through the access rule (404 outside scope), the actor's right checked, the facts saved, an audit
event written. The group's external members are in ``inslussning.services_group``."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from cases import events as case_events
from cases.models import Case, DeadlineKind, Membership, Organisation, Participation
from cases.permissions import acting_membership
from cases.personnummer import IdentityNumber
from cases.roles import CHEF_ROLES, OrganisationKind
from cases.selectors import case_for_user
from cases.services.cases import case_create
from cases.services.deadlines import deadline_close, deadline_set
from cases.services.notifications import notify_case_parties
from cases.services.transitions import transition_take
from cases.states import CLOSED_STATES, CaseType, State
from inslussning import events
from inslussning.dates import meeting_due_dates
from inslussning.models import (
    Area,
    AreaStatus,
    Criterion,
    GroupMember,
    MeetingPoint,
    PlanningMeeting,
    Programme,
    ProgrammeArea,
    ReleaseBooking,
    ReleaseMeasure,
    ReleaseMeasureKind,
)
from inslussning.roles import STAFF_ROLES
from inslussning.rules import failed_criteria
from inslussning.workflow import Inslussning, is_kriminalvarden, is_programme_staff

if TYPE_CHECKING:
    from accounts.models import User

MEETING_KEY = "mote-{point}"
FOLLOW_UP_KEY = "omrade-{area}"

# Which meetings can be recorded in which state (001 § 9.1): a meeting belongs to its phase,
# and the release meeting may be held on the release day before the release is registered.
MEETINGS_BY_STATE: dict[str, set[int]] = {
    State.PLANERING: {MeetingPoint.VERKSTALLIGHET},
    State.INFOR_FRIGIVNING: {
        MeetingPoint.VERKSTALLIGHET,
        MeetingPoint.INFOR_FRIGIVNING,
        MeetingPoint.FRIGIVNING,
    },
    State.FRIGIVEN: {MeetingPoint.FRIGIVNING, MeetingPoint.OVERVAKNING, MeetingPoint.INFOR_AVSLUT},
    State.INFOR_AVSLUT: {MeetingPoint.OVERVAKNING, MeetingPoint.INFOR_AVSLUT},
}
SCHEDULE_STATES = (State.INFOR_FRIGIVNING, State.FRIGIVEN)


# --- Helpers -----------------------------------------------------------------------------------


def locked_programme(case_id: int, actor: User) -> tuple[Inslussning, Programme]:
    """The programme's case row-locked through the access rule, seen as the workflow proxy.
    Every change to a programme takes this lock first, so the lock on the case row serialises
    changes to the programme's own rows (members, areas, meetings) too."""
    case = case_for_user(actor, case_id, for_update=True)
    if case.case_type != CaseType.INSLUSSNING:
        raise Http404
    case.__class__ = Inslussning
    programme = Programme.objects.select_for_update().get(case_id=case.pk)
    case.__dict__["_programme"] = programme
    return case, programme  # type: ignore[return-value]


def _acting_organisation(case: Case, actor: User) -> Organisation:
    membership = acting_membership(actor, case)
    if membership is None:
        raise PermissionDenied
    return membership.organisation


def _require_staff(case: Inslussning, actor: User) -> Organisation:
    """The kommun, frivård or anstalt staff of the programme; never an external member."""
    if not is_programme_staff(case, actor):
        raise PermissionDenied
    if case.state in CLOSED_STATES:
        raise ValidationError(_("Programmet är avslutat och kan inte längre ändras."))
    return _acting_organisation(case, actor)


def _require_organisation(organisation: Organisation, kind: str, message: str) -> None:
    if organisation.kind != kind:
        raise ValidationError(message)


# --- Identification and the target group -------------------------------------------------------


@transaction.atomic
def programme_identify(
    *,
    actor: User,
    frivard: Organisation,
    identity: IdentityNumber,
    first_name: str,
    last_name: str,
    protected_identity: bool,
    home_kommun: Organisation,
    anstalt: Organisation,
    criteria: dict[str, bool],
) -> Case:
    """002: "Frivårdskoordinatorn ansvarar för att identifiera och inkludera klienter". Opens
    the case with the frivård as owner, the home kommun and the anstalt as parties (they see the
    request only until consent covers them), and records the target-group assessment."""
    _require_organisation(frivard, OrganisationKind.FRIVARD, _("Välj ditt frivårdskontor."))
    _require_organisation(
        home_kommun, OrganisationKind.KOMMUN, _("Hemkommunen ska vara en socialnämnd.")
    )
    _require_organisation(anstalt, OrganisationKind.ANSTALT, _("Välj anstalten."))
    if set(criteria) != {c.value for c in Criterion}:
        raise ValidationError(_("Besvara alla frågor i målgruppsbedömningen."))
    case = case_create(
        actor=actor,
        organisation=frivard,
        case_type=CaseType.INSLUSSNING,
        identity=identity,
        first_name=first_name,
        last_name=last_name,
        protected_identity=protected_identity,
        counterpart=home_kommun,
    )
    Participation.objects.create(
        case=case, organisation=anstalt, part_role=Participation.PartRole.ANSTALT
    )
    case_events.participation_added(case=case, actor=actor, organisation=frivard, added=anstalt)
    programme = Programme.objects.create(
        case=case,
        **criteria,
        assessed_by=actor,
        assessed_at=timezone.now(),
        # 001 § 11: the samordnare is frivården's "i normalfallet"; the identifying
        # frivårdsinspektör until someone else is appointed.
        samordnare=actor,
        samordnare_organisation=frivard,
    )
    ProgrammeArea.objects.bulk_create(ProgrammeArea(programme=programme, area=a) for a in Area)
    PlanningMeeting.objects.bulk_create(
        PlanningMeeting(programme=programme, point=p) for p in MeetingPoint
    )
    GroupMember.objects.bulk_create(
        [
            GroupMember(
                programme=programme,
                role="frivard",
                organisation=frivard,
                contact_name=actor.get_full_name(),
                contact_email=actor.email,
                user=actor,
            ),
            GroupMember(programme=programme, role="anstalt", organisation=anstalt),
            GroupMember(programme=programme, role="socialtjanst", organisation=home_kommun),
        ]
    )
    events.target_group_assessed(
        case=case, actor=actor, organisation=frivard, satisfied=not failed_criteria(programme)
    )
    return case


@transaction.atomic
def target_group_reassess(*, case_id: int, actor: User, criteria: dict[str, bool]) -> Programme:
    """A new assessment before inclusion (the client's situation changed, or an answer was
    wrong). The earlier one stays in the row history."""
    case, programme = locked_programme(case_id, actor)
    organisation = _require_staff(case, actor)
    if case.state != State.IDENTIFIERAD:
        raise ValidationError(_("Målgruppsbedömningen kan bara ändras innan klienten inkluderas."))
    for name, value in criteria.items():
        if name not in Criterion.values:
            raise ValidationError(_("Okänt kriterium."))
        setattr(programme, name, value)
    programme.assessed_by = actor
    programme.assessed_at = timezone.now()
    programme.save()
    events.target_group_assessed(
        case=case, actor=actor, organisation=organisation, satisfied=not failed_criteria(programme)
    )
    return programme


@transaction.atomic
def target_group_override(*, case_id: int, actor: User, reason: str) -> Programme:
    """A chef includes a client who fails a criterion (DOMAIN.md §3.3; 001 § 7 allows a broad
    target group: "Exakt var gränsen bör gå får analyseras och bedömas")."""
    case, programme = locked_programme(case_id, actor)
    organisation = _require_staff(case, actor)
    membership = acting_membership(actor, case)
    if membership is None or membership.role not in CHEF_ROLES:
        raise PermissionDenied
    if case.state != State.IDENTIFIERAD:
        raise ValidationError(_("Undantag görs innan klienten inkluderas."))
    if not failed_criteria(programme):
        raise ValidationError(_("Alla kriterier är uppfyllda; inget undantag behövs."))
    if not reason.strip():
        raise ValidationError({"reason": _("Ange skälet till undantaget.")})
    programme.override_reason = reason.strip()
    programme.overridden_by = actor
    programme.overridden_at = timezone.now()
    programme.save()
    events.target_group_overridden(case=case, actor=actor, organisation=organisation)
    return programme


# --- Samordnare and master dates ---------------------------------------------------------------


def _samordnare_organisation(case: Case, user: User) -> Organisation | None:
    """The participating frivård (preferred, 001 § 11) or kommun the user works for."""
    participating = {p.organisation_id for p in case.participations.all()}
    memberships = (
        Membership.objects.in_force()
        .filter(
            user=user,
            role__in=STAFF_ROLES,
            organisation_id__in=participating,
            organisation__kind__in=(OrganisationKind.FRIVARD, OrganisationKind.KOMMUN),
        )
        .select_related("organisation")
    )
    ranked = sorted(memberships, key=lambda m: m.organisation.kind != OrganisationKind.FRIVARD)
    return ranked[0].organisation if ranked else None


@transaction.atomic
def samordnare_appoint(*, case_id: int, actor: User, samordnare: User) -> Programme:
    case, programme = locked_programme(case_id, actor)
    organisation = _require_staff(case, actor)
    samordnare_org = _samordnare_organisation(case, samordnare)
    if samordnare_org is None:
        raise ValidationError(
            {"samordnare": _("Samordnaren ska arbeta på frivården eller socialtjänsten i ärendet.")}
        )
    programme.samordnare = samordnare
    programme.samordnare_organisation = samordnare_org
    programme.save(update_fields=["samordnare", "samordnare_organisation", "updated_at"])
    if case.client.protected_identity:
        # The samordnare is assigned to the client, like a responsible handläggare.
        assign_perm("cases.view_protected_identity", samordnare, case.client)
    events.samordnare_appointed(
        case=case, actor=actor, organisation=organisation, samordnare_organisation=samordnare_org
    )
    schedule_meetings(case, programme, actor=actor)
    return programme


@transaction.atomic
def master_dates_record(
    *, case_id: int, actor: User, release_date: date, supervision_end: date
) -> Programme:
    """Kriminalvården's VF date and end of övervakning (master data); the meeting dates follow."""
    case, programme = locked_programme(case_id, actor)
    organisation = _require_staff(case, actor)
    if not is_kriminalvarden(case, actor):
        raise PermissionDenied
    if supervision_end <= release_date:
        raise ValidationError(
            {"supervision_end": _("Övervakningen upphör efter dagen för villkorlig frigivning.")}
        )
    programme.release_date = release_date
    programme.supervision_end = supervision_end
    programme.save(update_fields=["release_date", "supervision_end", "updated_at"])
    events.master_dates_recorded(case=case, actor=actor, organisation=organisation)
    schedule_meetings(case, programme, actor=actor)
    return programme


def _rule_text(point: int, programme: Programme) -> str:
    """Where the date comes from, for the deadline's history (DOMAIN.md §6)."""
    anchor = {
        MeetingPoint.VERKSTALLIGHET: programme.included_on,
        MeetingPoint.INFOR_FRIGIVNING: programme.release_date,
        MeetingPoint.FRIGIVNING: programme.release_date,
        MeetingPoint.OVERVAKNING: programme.supervision_end,
        MeetingPoint.INFOR_AVSLUT: programme.supervision_end,
    }[MeetingPoint(point)]
    template = {
        MeetingPoint.VERKSTALLIGHET: _("Inkluderad %(date)s; samråd i början av verkställigheten"),
        MeetingPoint.INFOR_FRIGIVNING: _("I god tid före villkorlig frigivning %(date)s"),
        MeetingPoint.FRIGIVNING: _("Uppföljning efter villkorlig frigivning %(date)s"),
        MeetingPoint.OVERVAKNING: _("Mitt i övervakningstiden, som slutar %(date)s"),
        MeetingPoint.INFOR_AVSLUT: _("Före övervakningens slut %(date)s"),
    }[MeetingPoint(point)]
    return template % {"date": f"{anchor:%Y-%m-%d}" if anchor else "–"}


def schedule_meetings(case: Case, programme: Programme, *, actor: User | None) -> None:
    """Set each not yet held meeting's date and its deadline (with reminders) from the facts;
    a meeting whose facts are missing has no date and no deadline. Before inclusion there is
    nothing to plan."""
    if case.state in (State.IDENTIFIERAD, *CLOSED_STATES):
        return
    due = meeting_due_dates(
        included_on=programme.included_on,
        release_date=programme.release_date,
        supervision_end=programme.supervision_end,
    )
    responsible = programme.samordnare_organisation or case.owner_organisation
    for meeting in programme.meetings.filter(held_on__isnull=True):
        key = MEETING_KEY.format(point=meeting.point)
        due_date = due[meeting.point]
        if meeting.planned_for != due_date:
            meeting.planned_for = due_date
            meeting.save(update_fields=["planned_for"])
        if due_date is None:
            deadline_close(
                case=case, kind=DeadlineKind.PLANERINGSMOTE, key=key, actor=actor, cancelled=True
            )
            continue
        deadline_set(
            case=case,
            kind=DeadlineKind.PLANERINGSMOTE,
            key=key,
            label=_("Planeringsmöte %(label)s") % {"label": meeting.get_point_display()},
            due_date=due_date,
            responsible_organisation=responsible,
            responsible_user=programme.samordnare,
            rule=_rule_text(meeting.point, programme),
            actor=actor,
        )


# --- The plan ----------------------------------------------------------------------------------


def _member(programme: Programme, member_id: int | None) -> GroupMember | None:
    if member_id is None:
        return None
    try:
        return programme.members.get(pk=member_id, left_at__isnull=True)
    except GroupMember.DoesNotExist:
        raise ValidationError({"responsible": _("Välj en aktör i inslussningsgruppen.")}) from None


@transaction.atomic
def area_update(
    *,
    case_id: int,
    actor: User,
    area: str,
    status: str,
    follow_up_on: date | None,
    need: str | None = None,
    insats: str | None = None,
    responsible_id: int | None = None,
) -> ProgrammeArea:
    """One area of the plan. The staff set everything; an external member responsible for the
    area reports its status and next follow-up (``need``/``insats``/``responsible_id`` None)."""
    case, programme = locked_programme(case_id, actor)
    if case.state in CLOSED_STATES:
        raise ValidationError(_("Programmet är avslutat och kan inte längre ändras."))
    row = ProgrammeArea.objects.select_related("responsible").get(programme=programme, area=area)
    staff = is_programme_staff(case, actor)
    membership = acting_membership(actor, case)
    if not staff:
        responsible_org = row.responsible.organisation_id if row.responsible else None
        if (
            membership is None
            or not getattr(case, "shared_access", False)
            or responsible_org != membership.organisation_id
        ):
            raise PermissionDenied
    else:
        row.need = (need or "").strip()
        row.insats = (insats or "").strip()
        row.responsible = _member(programme, responsible_id)
    if status not in AreaStatus.values:
        raise ValidationError({"status": _("Välj en status.")})
    if status in (AreaStatus.PLANNED, AreaStatus.ONGOING, AreaStatus.DONE) and not (
        row.insats and row.responsible
    ):
        raise ValidationError(
            {
                "status": _(
                    "En planerad insats ska ha en överenskommen insats och en ansvarig aktör."
                )
            }
        )
    if (
        follow_up_on is not None
        and follow_up_on < timezone.localdate()
        and (follow_up_on != row.follow_up_on)
    ):
        raise ValidationError({"follow_up_on": _("Uppföljningen kan inte ligga bakåt i tiden.")})
    row.status = status
    row.follow_up_on = follow_up_on
    row.updated_by = actor
    row.save()
    _follow_up_deadline(case, programme, row, actor=actor)
    events.area_updated(
        case=case,
        actor=actor,
        organisation=membership.organisation if membership else None,
        area_label=str(row.get_area_display()),
    )
    return row


def _follow_up_deadline(
    case: Case, programme: Programme, row: ProgrammeArea, *, actor: User
) -> None:
    """SIP: every insats has a follow-up date; the samordnare is reminded of it."""
    key = FOLLOW_UP_KEY.format(area=row.area)
    finished = row.status in (AreaStatus.DONE, AreaStatus.NO_NEED)
    if row.follow_up_on is None or finished:
        deadline_close(
            case=case, kind=DeadlineKind.UPPFOLJNING, key=key, actor=actor, cancelled=not finished
        )
        return
    deadline_set(
        case=case,
        kind=DeadlineKind.UPPFOLJNING,
        key=key,
        label=_("Uppföljning: %(area)s") % {"area": row.get_area_display()},
        due_date=row.follow_up_on,
        responsible_organisation=programme.samordnare_organisation or case.owner_organisation,
        responsible_user=programme.samordnare,
        rule=_("Uppföljningsdatum i inslussningsplanen"),
        actor=actor,
    )


@transaction.atomic
def plan_responsibility_set(*, case_id: int, actor: User, overall_responsibility: str) -> Programme:
    """SIP: "vem som har det övergripande ansvaret" for the plan."""
    case, programme = locked_programme(case_id, actor)
    organisation = _require_staff(case, actor)
    programme.overall_responsibility = overall_responsibility.strip()
    programme.save(update_fields=["overall_responsibility", "updated_at"])
    events.area_updated(
        case=case, actor=actor, organisation=organisation, area_label=_("övergripande ansvar")
    )
    return programme


# --- Meetings, the release schedule, utslussning ------------------------------------------------


@transaction.atomic
def meeting_record(
    *,
    case_id: int,
    actor: User,
    point: int,
    held_on: date,
    participant_ids: list[int],
    client_took_part: bool,
    notes: str,
    decisions: str,
    follow_up_actions: str,
) -> PlanningMeeting:
    case, programme = locked_programme(case_id, actor)
    organisation = _require_staff(case, actor)
    if point not in MEETINGS_BY_STATE.get(case.state, set()):
        raise ValidationError(_("Planeringsmötet hör inte till programmets nuvarande skede."))
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("Mötet kan inte registreras innan det har hållits.")})
    participants = list(
        programme.members.filter(pk__in=participant_ids, left_at__isnull=True).order_by()
    )
    if not participants or len(participants) != len(set(participant_ids)):
        raise ValidationError({"participants": _("Välj vilka i gruppen som deltog.")})
    if not decisions.strip():
        raise ValidationError({"decisions": _("Skriv vad mötet beslutade.")})
    meeting = PlanningMeeting.objects.get(programme=programme, point=point)
    meeting.held_on = held_on
    meeting.client_took_part = client_took_part
    meeting.notes = notes.strip()
    meeting.decisions = decisions.strip()
    meeting.follow_up_actions = follow_up_actions.strip()
    meeting.recorded_by = actor
    meeting.save()
    meeting.participants.set(participants)
    deadline_close(
        case=case,
        kind=DeadlineKind.PLANERINGSMOTE,
        key=MEETING_KEY.format(point=point),
        actor=actor,
    )
    events.meeting_recorded(
        case=case, actor=actor, organisation=organisation, point_label=meeting.get_point_display()
    )
    return meeting


@transaction.atomic
def booking_add(
    *, case_id: int, actor: User, starts_at: datetime, place: str, with_whom: str, what: str
) -> ReleaseBooking:
    """001 § 9.1 point 2: "boka möten och i övrigt schemalägga den första tiden i frihet"."""
    case, programme = locked_programme(case_id, actor)
    organisation = _require_staff(case, actor)
    if case.state not in SCHEDULE_STATES:
        raise ValidationError(_("Schemat görs i förberedelserna inför frigivningen."))
    if starts_at < timezone.now():
        raise ValidationError({"starts_at": _("Tiden har redan passerat.")})
    booking = ReleaseBooking.objects.create(
        programme=programme,
        starts_at=starts_at,
        place=place.strip(),
        with_whom=with_whom.strip(),
        what=what.strip(),
        created_by=actor,
    )
    events.schedule_changed(case=case, actor=actor, organisation=organisation, added=True)
    return booking


@transaction.atomic
def booking_remove(*, case_id: int, actor: User, booking_id: int) -> None:
    case, programme = locked_programme(case_id, actor)
    organisation = _require_staff(case, actor)
    deleted, _rows = programme.bookings.filter(pk=booking_id).delete()
    if not deleted:
        raise Http404
    events.schedule_changed(case=case, actor=actor, organisation=organisation, added=False)


@transaction.atomic
def release_measure_add(
    *,
    case_id: int,
    actor: User,
    kind: str,
    starts_on: date,
    ends_on: date | None,
    linked_case_id: int | None,
    note: str = "",
) -> ReleaseMeasure:
    """An utslussningsåtgärd is Kriminalvården's decision (004); it is recorded on the programme
    because it changes the planning. A vårdvistelse is linked to its own case, never copied."""
    case, programme = locked_programme(case_id, actor)
    organisation = _require_staff(case, actor)
    if not is_kriminalvarden(case, actor):
        raise PermissionDenied
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("Perioden kan inte sluta innan den börjar.")})
    linked: Case | None = None
    if linked_case_id is not None:
        if kind != ReleaseMeasureKind.VARDVISTELSE:
            raise ValidationError({"linked_case": _("Bara en vårdvistelse har ett eget ärende.")})
        linked = (
            Case.objects.visible_to(actor)
            .filter(pk=linked_case_id, case_type=CaseType.VARDVISTELSE, client_id=case.client_id)
            .first()
        )
        if linked is None:
            raise ValidationError(
                {"linked_case": _("Välj ett vårdvistelseärende för samma klient.")}
            )
    measure = ReleaseMeasure.objects.create(
        programme=programme,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        linked_case=linked,
        note=note.strip(),
        created_by=actor,
    )
    events.release_measure_changed(
        case=case,
        actor=actor,
        organisation=organisation,
        kind_label=str(measure.get_kind_display()),
        added=True,
    )
    return measure


@transaction.atomic
def release_measure_remove(*, case_id: int, actor: User, measure_id: int) -> None:
    case, programme = locked_programme(case_id, actor)
    organisation = _require_staff(case, actor)
    if not is_kriminalvarden(case, actor):
        raise PermissionDenied
    measure = programme.measures.filter(pk=measure_id).first()
    if measure is None:
        raise Http404
    label = str(measure.get_kind_display())
    measure.delete()
    events.release_measure_changed(
        case=case, actor=actor, organisation=organisation, kind_label=label, added=False
    )


# --- The steps ---------------------------------------------------------------------------------


@transaction.atomic
def programme_step(*, case_id: int, actor: User, name: str, text: str = "") -> Inslussning:
    """Take the step ``name`` (a transition of ``Inslussning``) with its own facts: the
    inclusion date, the closing summary, the reason for an abort."""
    case, programme = locked_programme(case_id, actor)
    workflow: Any = case
    if name not in {t.name for t in workflow.get_all_state_transitions()}:
        raise Http404
    reason = ""
    if name == "close":
        if not text.strip():
            raise ValidationError(
                {"text": _("Summera programmet och vad som fortsätter utan Kriminalvården.")}
            )
        programme.end_summary = text.strip()
    elif name == "abort":
        if not text.strip():
            raise ValidationError({"text": _("Ange skälet till att programmet avbryts.")})
        programme.end_reason = reason = text.strip()
    transition_take(case, name, actor=actor, reason=reason)
    if name == "include":
        programme.included_on = timezone.localdate()
    programme.save()
    schedule_meetings(case, programme, actor=actor)
    notify_case_parties(
        case=case,
        message=_("Inslussning %(reference)s: %(state)s.")
        % {"reference": case.reference, "state": State(case.state).label},
    )
    return case
