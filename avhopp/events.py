"""One function per audit event of the avhopparuppdrag (the ``cases.events`` conventions): short
Swedish sentences for the case's tidslinje, never personal data."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from cases.events import record
from cases.models import AuditEvent, Case, Organisation
from cases.states import State

if TYPE_CHECKING:
    from accounts.models import User


def _name(organisation: Organisation | None) -> str:
    if organisation is None:
        return "Brygga"
    return organisation.short_name or organisation.name


def assignment_requested(
    *, case: Case, actor: User, organisation: Organisation, over_balance: bool
) -> AuditEvent:
    message = f"Förfrågan om avhopparuppdrag skickades av {_name(organisation)}."
    if over_balance:
        message += " Balansmålet i avtalet (§ 4) överskrids; bekräftat av handläggaren."
    return record(
        case=case,
        actor=actor,
        organisation=organisation,
        kind="avhopp_requested",
        message=message,
        over_balance=over_balance,
    )


def transition_recorded(
    *,
    case: Case,
    actor: User | None,
    organisation: Organisation | None,
    source: str,
    target: str,
    label: str,
    reason: str = "",
) -> AuditEvent:
    message = f"{label}: {State(source).label} → {State(target).label}."
    if reason:
        message = f"{message} Skäl: {reason}"
    return record(
        case=case,
        actor=actor,
        organisation=organisation,
        kind="transition",
        message=message,
        source=source,
        target=target,
        reason=reason[:500],
    )


def fact_recorded(
    *, case: Case, actor: User, organisation: Organisation | None, fact: str, message: str
) -> AuditEvent:
    """Police consultation, motivation, children, uppdragsbeskrivning, genomförandeplan."""
    return record(
        case=case,
        actor=actor,
        organisation=organisation,
        kind=f"avhopp_{fact}",
        message=message,
    )


def user_assigned(
    *, case: Case, actor: User, organisation: Organisation | None, assigned: User
) -> AuditEvent:
    return record(
        case=case,
        actor=actor,
        organisation=organisation,
        kind="avhopp_user_assigned",
        message=f"En medarbetare i {_name(organisation)} tilldelades uppdraget.",
        assigned_user=assigned.pk,
    )


def notice_given(
    *, case: Case, actor: User, organisation: Organisation, given_on: str, ends_on: str
) -> AuditEvent:
    return record(
        case=case,
        actor=actor,
        organisation=organisation,
        kind="avhopp_notice",
        message=(
            f"{_name(organisation)} sade upp uppdraget {given_on} (§ 12). "
            f"Uppsägningstiden löper ut {ends_on}."
        ),
        given_on=given_on,
        ends_on=ends_on,
    )


def measure_booked(
    *,
    case: Case,
    actor: User,
    organisation: Organisation,
    measure_id: int,
    kind_label: str,
    cost: Decimal,
) -> AuditEvent:
    return record(
        case=case,
        actor=actor,
        organisation=organisation,
        kind="avhopp_measure",
        message=f"Insats registrerad: {kind_label}, {cost} kr.",
        measure=measure_id,
        cost=str(cost),
    )


def reconciliation_settled(
    *,
    actor: User,
    organisation: Organisation,
    reconciliation_id: int,
    period: str,
    to_settle: Decimal,
) -> AuditEvent:
    # Not tied to one case: the reconciliation covers every uppdrag of the pair.
    return record(
        case=None,
        actor=actor,
        organisation=organisation,
        kind="avhopp_reconciliation_settled",
        message=f"Kostnadsavstämningen {period} markerades som genomförd ({to_settle} kr).",
        reconciliation=reconciliation_id,
        period=period,
        to_settle=str(to_settle),
    )


def agreement_notice_recorded(
    *, actor: User, organisation: Organisation, agreement_id: int, given_on: str
) -> AuditEvent:
    return record(
        case=None,
        actor=actor,
        organisation=organisation,
        kind="avhopp_agreement_notice",
        message=f"{_name(organisation)} sade upp samverkansavtalet {given_on} (§ 11).",
        agreement=agreement_id,
        given_on=given_on,
    )
