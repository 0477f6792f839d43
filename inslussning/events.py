"""Audit events of the inslussning programme. The timeline shows the messages as written here:
short Swedish sentences with no personal data (no names of members or relatives, no answers of
the target-group assessment)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cases.events import record
from cases.models import AuditEvent, Case, Organisation

if TYPE_CHECKING:
    from accounts.models import User


def _record(*, kind: str, **fields: Any) -> AuditEvent:
    """Every programme event is a shared event of the case, its kind prefixed."""
    return record(kind=f"inslussning_{kind}", **fields)


def target_group_assessed(
    *, case: Case, actor: User, organisation: Organisation, satisfied: bool
) -> AuditEvent:
    message = (
        "Målgruppsbedömning registrerad: kriterierna är uppfyllda."
        if satisfied
        else "Målgruppsbedömning registrerad: minst ett kriterium är inte uppfyllt."
    )
    return _record(
        case=case, actor=actor, organisation=organisation, kind="assessed", message=message
    )


def target_group_overridden(*, case: Case, actor: User, organisation: Organisation) -> AuditEvent:
    return _record(
        case=case,
        actor=actor,
        organisation=organisation,
        kind="overridden",
        message="En chef beslutade att klienten ingår i programmet trots målgruppsbedömningen.",
    )


def samordnare_appointed(
    *, case: Case, actor: User, organisation: Organisation, samordnare_organisation: Organisation
) -> AuditEvent:
    return _record(
        case=case,
        actor=actor,
        organisation=organisation,
        kind="samordnare",
        message=(
            "Inslussningssamordnare utsedd från "
            f"{samordnare_organisation.short_name or samordnare_organisation.name}."
        ),
    )


def member_changed(
    *, case: Case, actor: User, organisation: Organisation, role_label: str, added: bool
) -> AuditEvent:
    verb = "tillkom i" if added else "lämnade"
    return _record(
        case=case,
        actor=actor,
        organisation=organisation,
        kind="member_added" if added else "member_left",
        message=f"{role_label} {verb} inslussningsgruppen.",
    )


def master_dates_recorded(*, case: Case, actor: User, organisation: Organisation) -> AuditEvent:
    return _record(
        case=case,
        actor=actor,
        organisation=organisation,
        kind="master_dates",
        message="Datum för villkorlig frigivning och övervakningens slut registrerade.",
    )


def area_updated(
    *, case: Case, actor: User, organisation: Organisation | None, area_label: str
) -> AuditEvent:
    return _record(
        case=case,
        actor=actor,
        organisation=organisation,
        kind="area",
        message=f"Planen uppdaterad: {area_label}.",
    )


def meeting_recorded(
    *, case: Case, actor: User, organisation: Organisation, point_label: str
) -> AuditEvent:
    return _record(
        case=case,
        actor=actor,
        organisation=organisation,
        kind="meeting",
        message=f"Planeringsmöte genomfört: {point_label}.",
    )


def schedule_changed(
    *, case: Case, actor: User, organisation: Organisation, added: bool
) -> AuditEvent:
    return _record(
        case=case,
        actor=actor,
        organisation=organisation,
        kind="schedule",
        message="Bokning tillagd i schemat för första tiden i frihet."
        if added
        else "Bokning borttagen ur schemat för första tiden i frihet.",
    )


def release_measure_changed(
    *, case: Case, actor: User, organisation: Organisation, kind_label: str, added: bool
) -> AuditEvent:
    verb = "registrerad" if added else "borttagen"
    return _record(
        case=case,
        actor=actor,
        organisation=organisation,
        kind="release_measure",
        message=f"Utslussningsåtgärd {verb}: {kind_label}.",
    )
