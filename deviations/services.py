"""Writers of deviations. Each service: one transaction, the case row locked through the
access rule (404 outside scope), the permission checked, the change audited.

Informing the other party (000: "skyndsamt informera och involvera den andre parten"):
reporting notifies the other party's responsible handläggare and the chefs of both parties at
once, in the app. ``other_party_informed_at`` is set to the moment those notifications are
stored, in the same transaction as the deviation, when at least one person of the other party
received one: Brygga's notification *is* the information, and its time is the fact the case
records. A reporter who informs in another way (by phone, in a meeting) unticks "Informera via
Brygga" and records the time afterwards (``deviation_record_informed``); until then the
detection raises "Avvikelse inte kommunicerad" after N hours."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, DeadlineKind, Membership, Notification
from cases.permissions import acting_membership
from cases.roles import CASEWORKER_ROLES, CHEF_ROLES
from cases.selectors import case_for_user
from cases.services.deadlines import deadline_close, deadline_set
from deviations import events, permissions
from deviations.detect import detect_for_case
from deviations.models import (
    Deviation,
    DeviationAction,
    DeviationStatus,
    InformedHow,
    RoutineDeviation,
)

if TYPE_CHECKING:
    from accounts.models import User


def _locked_case(actor: User, case_id: int) -> Case:
    return case_for_user(actor, case_id, for_update=True)


def _organisation_of(actor: User, case: Case) -> Membership:
    membership = acting_membership(actor, case)
    if membership is None:
        raise PermissionDenied
    return membership


def _recipients(case: Case, reporter_org_id: int) -> tuple[set[int], set[int]]:
    """(people of the other party, chefs of both parties): the other party's responsible
    handläggare and the chefs of every participating organisation of either side (and of
    their parent organisation, whose chefs answer for their units)."""
    participations = list(case.participations.select_related("organisation"))
    reporter = next(p.organisation for p in participations if p.organisation_id == reporter_org_id)
    other_kinds = permissions.other_side(reporter.kind)
    others = [p for p in participations if p.organisation.kind in other_kinds]
    other_ids = {p.organisation_id for p in others}
    other_people = {p.handlaggare_id for p in others if p.handlaggare_id}
    org_ids = {reporter.pk, *other_ids}
    parents = {
        p.organisation.parent_id
        for p in participations
        if p.organisation_id in org_ids and p.organisation.parent_id
    }
    chefs: set[int] = set()
    for user_id, organisation_id in (
        Membership.objects.in_force()
        .filter(organisation_id__in=org_ids | parents, role__in=CHEF_ROLES, user__is_active=True)
        .values_list("user_id", "organisation_id")
    ):
        chefs.add(user_id)
        if organisation_id in other_ids:
            other_people.add(user_id)
    return other_people, chefs


def _message(case: Case, deviation: Deviation) -> str:
    # The case reference and the kind only: a notification never carries personal data.
    return _(
        "Avvikelse i ärende %(reference)s: %(kind)s. Informera och planera fortsatt "
        "hantering tillsammans skyndsamt."
    ) % {"reference": case.reference, "kind": deviation.get_kind_display()}


@transaction.atomic
def deviation_report(
    *,
    case_id: int,
    actor: User,
    kind: str,
    severity: str,
    occurred_on: date,
    description: str,
    notify_other_party: bool = True,
) -> Deviation:
    """Either party reports a deviation. The other party's handläggare and the chefs of both
    parties are notified at once (see the module docstring on ``other_party_informed_at``)."""
    case = _locked_case(actor, case_id)
    if not permissions.may_report(actor, case):
        raise PermissionDenied
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": _("Datumet kan inte vara senare än i dag.")})
    if not description.strip():
        raise ValidationError({"description": _("Beskriv avvikelsen.")})
    membership = _organisation_of(actor, case)
    deviation = Deviation.objects.create(
        case=case,
        kind=kind,
        severity=severity,
        occurred_on=occurred_on,
        description=description.strip(),
        reported_by=actor,
        organisation=membership.organisation,
    )
    events.deviation_reported(
        case=case, actor=actor, organisation=membership.organisation, deviation=deviation
    )
    other_people, chefs = _recipients(case, membership.organisation_id)
    recipients = (chefs | (other_people if notify_other_party else set())) - {actor.pk}
    message = _message(case, deviation)
    Notification.objects.bulk_create(
        [Notification(recipient_id=pk, case=case, message=message) for pk in sorted(recipients)]
    )
    if notify_other_party and other_people - {actor.pk}:
        deviation.other_party_informed_at = timezone.now()
        deviation.informed_by = actor
        deviation.informed_how = InformedHow.NOTIS
        deviation.save(update_fields=["other_party_informed_at", "informed_by", "informed_how"])
        events.deviation_informed(
            case=case, actor=actor, organisation=membership.organisation, deviation=deviation
        )
    detect_for_case(case.pk)
    return deviation


def _locked_deviation(actor: User, deviation_id: int) -> tuple[Case, Deviation]:
    case_id = Deviation.objects.filter(pk=deviation_id).values_list("case_id", flat=True).first()
    if case_id is None:
        raise Http404
    case = _locked_case(actor, case_id)
    deviation = Deviation.objects.select_for_update().get(pk=deviation_id)
    if not permissions.may_follow_up(actor, case):
        raise PermissionDenied
    return case, deviation


@transaction.atomic
def deviation_record_informed(
    *, deviation_id: int, actor: User, informed_at: datetime, how: str
) -> Deviation:
    """Record when and how the other party was informed outside Brygga (e.g. by phone)."""
    case, deviation = _locked_deviation(actor, deviation_id)
    if deviation.other_party_informed_at is not None:
        raise ValidationError(_("Det är redan registrerat att andra parten har informerats."))
    if informed_at > timezone.now():
        raise ValidationError({"informed_at": _("Tidpunkten kan inte vara i framtiden.")})
    deviation.other_party_informed_at = informed_at
    deviation.informed_by = actor
    deviation.informed_how = how
    deviation.save(update_fields=["other_party_informed_at", "informed_by", "informed_how"])
    membership = acting_membership(actor, case)
    events.deviation_informed(
        case=case,
        actor=actor,
        organisation=membership.organisation if membership else None,
        deviation=deviation,
    )
    detect_for_case(case.pk)
    return deviation


def responsible_candidates(case: Case) -> list[User]:
    """Who may be responsible for an action: caseworkers and chefs of the participating
    organisations (a membership in force)."""
    organisation_ids = case.participations.values("organisation_id")
    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__organisation_id__in=organisation_ids,
            memberships__role__in=CASEWORKER_ROLES | CHEF_ROLES,
        )
        .filter(pk__in=Membership.objects.in_force().values("user_id"))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


@transaction.atomic
def deviation_action_add(
    *, deviation_id: int, actor: User, description: str, responsible: User, due_date: date
) -> DeviationAction:
    """A follow-up action with a responsible person and a due date (a Deadline, so the
    reminders reach the responsible person)."""
    case, deviation = _locked_deviation(actor, deviation_id)
    if not deviation.is_open:
        raise ValidationError(_("Avvikelsen är stängd."))
    if not description.strip():
        raise ValidationError({"description": _("Beskriv åtgärden.")})
    responsible_membership = (
        Membership.objects.in_force()
        .filter(
            user=responsible,
            organisation__participations__case=case,
            role__in=CASEWORKER_ROLES | CHEF_ROLES,
        )
        .select_related("organisation")
        .first()
    )
    if responsible_membership is None:
        raise ValidationError(
            {"responsible": _("Den ansvariga ska arbeta i en organisation som deltar i ärendet.")}
        )
    number = (deviation.actions.aggregate(n=Max("number"))["n"] or 0) + 1
    action = DeviationAction.objects.create(
        deviation=deviation,
        number=number,
        description=description.strip(),
        responsible=responsible,
        due_date=due_date,
        created_by=actor,
    )
    action.deadline = deadline_set(
        case=case,
        kind=DeadlineKind.OVRIGT,
        key=action.deadline_key,
        due_date=due_date,
        label=_("Åtgärd %(n)s för avvikelse (%(kind)s)")
        % {"n": number, "kind": deviation.get_kind_display()},
        responsible_organisation=responsible_membership.organisation,
        responsible_user=responsible,
        rule=_("Åtgärd beslutad vid avvikelse"),
        actor=actor,
    )
    action.save(update_fields=["deadline"])
    if deviation.status == DeviationStatus.ADDRESSED:
        deviation.status = DeviationStatus.OPEN
        deviation.save(update_fields=["status"])
    membership = acting_membership(actor, case)
    events.deviation_action_added(
        case=case,
        actor=actor,
        organisation=membership.organisation if membership else None,
        action=action,
    )
    return action


@transaction.atomic
def deviation_action_complete(*, action_id: int, actor: User) -> DeviationAction:
    deviation_id = (
        DeviationAction.objects.filter(pk=action_id).values_list("deviation_id", flat=True).first()
    )
    if deviation_id is None:
        raise Http404
    case, deviation = _locked_deviation(actor, deviation_id)
    action = DeviationAction.objects.select_for_update().get(pk=action_id)
    if action.done_at is not None:
        return action
    action.done_at = timezone.now()
    action.done_by = actor
    action.save(update_fields=["done_at", "done_by"])
    deadline_close(case=case, kind=DeadlineKind.OVRIGT, key=action.deadline_key, actor=actor)
    if (
        deviation.status == DeviationStatus.OPEN
        and not deviation.actions.filter(done_at__isnull=True).exists()
    ):
        deviation.status = DeviationStatus.ADDRESSED
        deviation.save(update_fields=["status"])
    membership = acting_membership(actor, case)
    events.deviation_action_done(
        case=case,
        actor=actor,
        organisation=membership.organisation if membership else None,
        action=action,
    )
    detect_for_case(case.pk)
    return action


@transaction.atomic
def deviation_close(
    *, deviation_id: int, actor: User, outcome_kind: str, outcome: str
) -> Deviation:
    """Close with an outcome. Every action must be done first: an open action is a promise
    someone still has to keep."""
    case, deviation = _locked_deviation(actor, deviation_id)
    if not deviation.is_open:
        raise ValidationError(_("Avvikelsen är redan stängd."))
    if deviation.actions.filter(done_at__isnull=True).exists():
        raise ValidationError(_("Alla åtgärder ska vara klara innan avvikelsen stängs."))
    if not outcome_kind:
        raise ValidationError({"outcome_kind": _("Välj utfall.")})
    deviation.status = DeviationStatus.CLOSED
    deviation.outcome_kind = outcome_kind
    deviation.outcome = outcome.strip()
    deviation.closed_at = timezone.now()
    deviation.closed_by = actor
    deviation.save(update_fields=["status", "outcome_kind", "outcome", "closed_at", "closed_by"])
    membership = acting_membership(actor, case)
    events.deviation_closed(
        case=case,
        actor=actor,
        organisation=membership.organisation if membership else None,
        deviation=deviation,
    )
    return deviation


@transaction.atomic
def routine_deviation_resolve(*, row_id: int, actor: User, comment: str) -> RoutineDeviation:
    """A chef resolves a detected deviation by hand, with a comment (e.g. "the court extended
    the time orally; recorded afterwards")."""
    case_id = RoutineDeviation.objects.filter(pk=row_id).values_list("case_id", flat=True).first()
    if case_id is None:
        raise Http404
    case = _locked_case(actor, case_id)
    if not permissions.may_resolve_routine(actor, case):
        raise PermissionDenied
    row = RoutineDeviation.objects.select_for_update().get(pk=row_id)
    if row.resolved_at is not None:
        raise ValidationError(_("Avvikelsen från rutinen är redan hanterad."))
    if not comment.strip():
        raise ValidationError({"comment": _("Skriv en kommentar om hur avvikelsen hanterades.")})
    row.resolved_at = timezone.now()
    row.resolved_by = actor
    row.resolution = comment.strip()
    row.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    membership = acting_membership(actor, case)
    events.routine_deviation_resolved(
        case=case,
        actor=actor,
        organisation=membership.organisation if membership else None,
        row=row,
    )
    return row
