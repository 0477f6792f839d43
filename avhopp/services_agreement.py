"""The agreement and the six-monthly cost reconciliation (003 §§ 8, 11): the services that are
not about one uppdrag. Same rules as ``avhopp.services``: one transaction, the rows locked, the
actor checked, an audit event written."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from avhopp import events, rules, selectors
from avhopp import permissions as p
from avhopp.models import (
    Agreement,
    AgreementNotice,
    AssignmentDetails,
    DefectorAssignment,
    Reconciliation,
)
from cases.models import DeadlineKind, Organisation, Participation
from cases.roles import Role
from cases.services.deadlines import deadline_close, deadline_set

if TYPE_CHECKING:
    from datetime import date

    from accounts.models import User


# --- Reconciliation (003 § 8) -------------------------------------------------------------------


def _anchor_case(
    agreement: Agreement, kommun_a_id: int, kommun_b_id: int
) -> DefectorAssignment | None:
    """The first uppdrag between the two kommuner: its deadline list carries the reminders."""
    details = (
        AssignmentDetails.objects.filter(agreement=agreement)
        .annotate(home_k=selectors._home_kommun_id(), receiving_k=selectors._receiving_kommun_id())
        .filter(
            Q(home_k=kommun_a_id, receiving_k=kommun_b_id)
            | Q(home_k=kommun_b_id, receiving_k=kommun_a_id)
        )
        .order_by("case__created_at", "case_id")
        .first()
    )
    if details is None:
        return None
    return DefectorAssignment.objects.get(pk=details.case_id)


def reconciliation_ensure(
    *,
    agreement: Agreement,
    kommun_x: Organisation,
    kommun_y: Organisation,
    period: rules.HalfYear,
    actor: User | None,
) -> Reconciliation:
    """The reconciliation of the pair for the half-year, created with its deadline when the
    first cost of the period is booked. Each kommun gets its own deadline (key
    ``<period>:<kommun id>``) on the pair's first uppdrag, for its nämnd and handläggare there,
    so that the reminder sweep reminds both sides and, when overdue, their chefs."""
    kommun_a_id, kommun_b_id = selectors.ordered_pair(kommun_x.pk, kommun_y.pk)
    reconciliation, created = Reconciliation.objects.get_or_create(
        agreement=agreement,
        kommun_a_id=kommun_a_id,
        kommun_b_id=kommun_b_id,
        period_start=period.starts_on,
        defaults={"due_on": period.due_on()},
    )
    if not created or reconciliation.is_settled:
        return reconciliation
    anchor = _anchor_case(agreement, kommun_a_id, kommun_b_id)
    if anchor is None:
        return reconciliation
    reconciliation.anchor_case = anchor
    reconciliation.save(update_fields=["anchor_case"])
    names = {kommun_x.pk: kommun_x, kommun_y.pk: kommun_y}
    for participation in Participation.objects.filter(case=anchor).select_related("organisation"):
        kommun_id = participation.organisation.parent_id or participation.organisation_id
        if kommun_id not in names:
            continue
        other = names[kommun_b_id if kommun_id == kommun_a_id else kommun_a_id]
        deadline_set(
            case=anchor,
            kind=DeadlineKind.AVSTAMNING,
            key=f"{period.key}:{kommun_id}",
            label=_("Kostnadsavstämning %(period)s med %(other)s")
            % {"period": period.key, "other": other.short_name or other.name},
            due_date=reconciliation.due_on,
            responsible_organisation=participation.organisation,
            responsible_user=participation.handlaggare,
            rule=_("Var sjätte månad (§ 8): senast månaden efter halvåret"),
            actor=actor,
        )
    return reconciliation


@transaction.atomic
def reconciliation_settle(
    *,
    actor: User,
    agreement: Agreement,
    kommun_a_id: int,
    kommun_b_id: int,
    period_key: str,
    note: str = "",
) -> Reconciliation:
    """An enhetschef of either kommun marks the half-year reconciled: the figures are kept as
    settled and the period is closed to new costs."""
    report = selectors.reconciliation_report(
        actor,
        agreement=agreement,
        kommun_a_id=kommun_a_id,
        kommun_b_id=kommun_b_id,
        period_key=period_key,
    )
    chef = next(
        (
            m
            for m in p.kommun_memberships(actor)
            if m.role == Role.ENHETSCHEF
            and (m.organisation.parent_id or m.organisation_id)
            in (report.kommun_a.pk, report.kommun_b.pk)
        ),
        None,
    )
    if chef is None:
        raise PermissionDenied
    if report.period.ends_on >= timezone.localdate():
        raise ValidationError(_("Halvåret är inte slut ännu."))
    reconciliation = reconciliation_ensure(
        agreement=agreement,
        kommun_x=report.kommun_a,
        kommun_y=report.kommun_b,
        period=report.period,
        actor=actor,
    )
    reconciliation = Reconciliation.objects.select_for_update().get(pk=reconciliation.pk)
    if reconciliation.is_settled:
        raise ValidationError(_("Avstämningen är redan markerad som genomförd."))
    # Recomputed under the lock: what is settled is what the books say now.
    settlement = selectors.pair_costs(
        agreement=agreement,
        kommun_a_id=report.kommun_a.pk,
        kommun_b_id=report.kommun_b.pk,
        period=report.period,
    )
    reconciliation.settled_at = timezone.now()
    reconciliation.settled_by = actor
    reconciliation.settled_cost_a = settlement.cost_a
    reconciliation.settled_cost_b = settlement.cost_b
    reconciliation.settled_note = note.strip()
    reconciliation.save()
    if reconciliation.anchor_case is not None:
        for kommun_id in (report.kommun_a.pk, report.kommun_b.pk):
            deadline_close(
                case=reconciliation.anchor_case,
                kind=DeadlineKind.AVSTAMNING,
                key=f"{report.period.key}:{kommun_id}",
                actor=actor,
            )
    events.reconciliation_settled(
        actor=actor,
        organisation=chef.organisation,
        reconciliation_id=reconciliation.pk,
        period=report.period.key,
        to_settle=settlement.to_settle,
    )
    return reconciliation


# --- The agreement (003 § 11) ------------------------------------------------------------------


@transaction.atomic
def agreement_notice_record(
    *, agreement_id: int, actor: User, given_on: date, note: str = ""
) -> AgreementNotice:
    """An enhetschef records that their nämnd has given written notice on the agreement; it
    ends three months later (§ 11) and the overview warns every party."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement_id)
    party_ids = set(agreement.parties.values_list("pk", flat=True))
    membership = next(
        (
            m
            for m in p.kommun_memberships(actor)
            if m.role == Role.ENHETSCHEF and m.organisation_id in party_ids
        ),
        None,
    )
    if membership is None:
        raise PermissionDenied
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": _("Datumet kan inte ligga i framtiden.")})
    if given_on < agreement.starts_on or given_on > agreement.ends_on:
        raise ValidationError({"given_on": _("Datumet ligger utanför avtalstiden.")})
    if agreement.notices.filter(party=membership.organisation).exists():
        raise ValidationError(_("Din nämnd har redan sagt upp avtalet."))
    notice = AgreementNotice.objects.create(
        agreement=agreement,
        party=membership.organisation,
        given_on=given_on,
        note=note.strip(),
        recorded_by=actor,
    )
    events.agreement_notice_recorded(
        actor=actor,
        organisation=membership.organisation,
        agreement_id=agreement.pk,
        given_on=f"{given_on:%Y-%m-%d}",
    )
    return notice
