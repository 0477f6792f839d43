"""One function per kind of audit event (Saleor's events.py style). The timeline shows the
messages as written here, so they are short Swedish sentences with no personal data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cases.models import AuditEvent, Case, Organisation

if TYPE_CHECKING:
    from accounts.models import User


def record(
    *,
    case: Case | None,
    actor: User | None,
    organisation: Organisation | None,
    kind: str,
    message: str,
    shared: bool = True,
    **data: Any,
) -> AuditEvent:
    return AuditEvent.objects.create(
        case=case,
        actor=actor,
        organisation=organisation,
        kind=kind,
        # The column holds 300 characters; a long free-text reason is cut, never refused.
        message=message[:300],
        shared=shared,
        data=data,
    )


def case_created(*, case: Case, actor: User, organisation: Organisation) -> AuditEvent:
    return record(
        case=case,
        actor=actor,
        organisation=organisation,
        kind="case_created",
        message=f"Ärendet skapades av {organisation.short_name or organisation.name}.",
        state=case.state,
    )


def participation_added(
    *, case: Case, actor: User, organisation: Organisation, added: Organisation
) -> AuditEvent:
    return record(
        case=case,
        actor=actor,
        organisation=organisation,
        kind="participation_added",
        message=f"{added.short_name or added.name} deltar i ärendet.",
        added_organisation=added.pk,
    )


def handlaggare_assigned(
    *, case: Case, actor: User, organisation: Organisation, handlaggare: User | None
) -> AuditEvent:
    return record(
        case=case,
        actor=actor,
        organisation=organisation,
        kind="handlaggare_assigned",
        message="Ansvarig handläggare ändrades.",
        handlaggare=handlaggare.pk if handlaggare else None,
    )


def consent_recorded(
    *, case: Case, actor: User, organisation: Organisation, consent_id: int, parties: list[int]
) -> AuditEvent:
    return record(
        case=case,
        actor=actor,
        organisation=organisation,
        kind="consent_recorded",
        message="Samtycke dokumenterades.",
        consent=consent_id,
        parties=parties,
    )


def consent_withdrawn(
    *, case: Case, actor: User, organisation: Organisation, consent_id: int
) -> AuditEvent:
    return record(
        case=case,
        actor=actor,
        organisation=organisation,
        kind="consent_withdrawn",
        message="Samtycket återkallades. Parternas åtkomst till delad information upphörde.",
        consent=consent_id,
    )


def note_added(
    *,
    case: Case,
    actor: User,
    organisation: Organisation,
    note_id: int,
    shared: bool,
    corrects: int | None,
) -> AuditEvent:
    message = "Anteckning rättades." if corrects else "Anteckning skrevs."
    return record(
        case=case,
        actor=actor,
        organisation=organisation,
        kind="note_added",
        message=message,
        shared=shared,
        note=note_id,
        corrects=corrects,
    )


def attachment_added(
    *, case: Case, actor: User, organisation: Organisation, attachment_id: int, shared: bool
) -> AuditEvent:
    return record(
        case=case,
        actor=actor,
        organisation=organisation,
        kind="attachment_added",
        message="Bilaga lades till.",
        shared=shared,
        attachment=attachment_id,
    )


_DEADLINE_MESSAGES = {
    "created": "Frist skapad: {label}, {date}.",
    "moved": "Frist flyttad: {label}, nytt datum {date}.",
    "done": "Frist klar: {label}.",
    "cancelled": "Frist makulerad: {label}.",
    "overdue": "Frist passerad: {label}, {date}.",
}


def deadline_changed(*, case: Case, actor: User | None, deadline: Any, change: str) -> AuditEvent:
    return record(
        case=case,
        actor=actor,
        organisation=deadline.responsible_organisation,
        kind=f"deadline_{change}",
        message=_DEADLINE_MESSAGES[change].format(
            label=deadline.label, date=f"{deadline.due_date:%Y-%m-%d}"
        ),
        deadline=deadline.pk,
        due_date=f"{deadline.due_date:%Y-%m-%d}",
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
    from cases.states import State

    message = f"{label}: {State(source).label} → {State(target).label}."
    if reason:
        message = f"{message} Skäl: {reason}"[:300]
    return record(
        case=case,
        actor=actor,
        organisation=organisation,
        kind="transition",
        message=message,
        source=source,
        target=target,
        reason=reason,
    )


def care_provider_changed(
    *, case: Case, actor: User, organisation: Organisation | None
) -> AuditEvent:
    return record(
        case=case,
        actor=actor,
        organisation=organisation,
        kind="care_provider_changed",
        message="Byte av vårdgivare registrerades.",
    )


def joint_plan_saved(
    *, case: Case, actor: User, organisation: Organisation | None, created: bool
) -> AuditEvent:
    return record(
        case=case,
        actor=actor,
        organisation=organisation,
        kind="joint_plan_saved",
        message="Gemensam plan upprättades." if created else "Gemensam plan uppdaterades.",
    )


def deadlines_overdue(*, deadlines: list[Any]) -> list[AuditEvent]:
    """One "Frist passerad" event per deadline, written in bulk by the sweep (the sweep may
    find thousands after downtime; one INSERT per batch, not one per deadline)."""
    return AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                case_id=deadline.case_id,
                actor=None,
                organisation_id=deadline.responsible_organisation_id,
                kind="deadline_overdue",
                message=_DEADLINE_MESSAGES["overdue"].format(
                    label=deadline.label, date=f"{deadline.due_date:%Y-%m-%d}"
                ),
                shared=True,
                data={"deadline": deadline.pk, "due_date": f"{deadline.due_date:%Y-%m-%d}"},
            )
            for deadline in deadlines
        ],
        batch_size=1000,
    )
