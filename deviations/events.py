"""Audit events of deviations (the case's tidslinje). Messages are short Swedish sentences with
no personal data: the kind of deviation, never its description."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cases.events import record
from cases.models import AuditEvent, Case, Organisation

if TYPE_CHECKING:
    from accounts.models import User


def deviation_reported(
    *, case: Case, actor: User, organisation: Organisation, deviation: Any
) -> AuditEvent:
    return record(
        case=case,
        actor=actor,
        organisation=organisation,
        kind="deviation_reported",
        message=f"Avvikelse rapporterad: {deviation.get_kind_display()} "
        f"({deviation.get_severity_display().lower()} allvarlighetsgrad).",
        deviation=deviation.pk,
    )


def deviation_informed(
    *, case: Case, actor: User, organisation: Organisation | None, deviation: Any
) -> AuditEvent:
    return record(
        case=case,
        actor=actor,
        organisation=organisation,
        kind="deviation_informed",
        message=f"Andra parten informerad om avvikelsen ({deviation.get_informed_how_display()}).",
        deviation=deviation.pk,
        how=deviation.informed_how,
    )


def deviation_action_added(
    *, case: Case, actor: User, organisation: Organisation | None, action: Any
) -> AuditEvent:
    return record(
        case=case,
        actor=actor,
        organisation=organisation,
        kind="deviation_action_added",
        message=f"Åtgärd {action.number} lades till avvikelsen, klar senast "
        f"{action.due_date:%Y-%m-%d}.",
        deviation=action.deviation_id,
        action=action.pk,
    )


def deviation_action_done(
    *, case: Case, actor: User, organisation: Organisation | None, action: Any
) -> AuditEvent:
    return record(
        case=case,
        actor=actor,
        organisation=organisation,
        kind="deviation_action_done",
        message=f"Åtgärd {action.number} för avvikelsen är klar.",
        deviation=action.deviation_id,
        action=action.pk,
    )


def deviation_closed(
    *, case: Case, actor: User, organisation: Organisation | None, deviation: Any
) -> AuditEvent:
    return record(
        case=case,
        actor=actor,
        organisation=organisation,
        kind="deviation_closed",
        message=f"Avvikelsen stängdes. Utfall: {deviation.get_outcome_kind_display()}.",
        deviation=deviation.pk,
        outcome=deviation.outcome_kind,
    )


def routine_deviation_resolved(
    *, case: Case, actor: User, organisation: Organisation | None, row: Any
) -> AuditEvent:
    return record(
        case=case,
        actor=actor,
        organisation=organisation,
        kind="routine_deviation_resolved",
        message=f"Avvikelse från rutinen hanterad: {row.rule_label}.",
        routine_deviation=row.pk,
        rule=row.rule,
    )
