"""How a client is shown to a given viewer: the masking rule in one place (DOMAIN.md §2).

Lists, the case page, search results, exports, e-mails and PDFs all go through
``client_identity`` so that protected identity and missing consent are masked everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cases.models import AuditEvent, Case
from cases.rendering import local_minute


@dataclass(frozen=True)
class ClientIdentity:
    visible: bool
    name: str
    id_number: str
    address: str
    protected: bool
    reason: str


def client_identity(case: Case) -> ClientIdentity:
    """``case`` must come from ``Case.objects.visible_to(user)`` (it reads its annotations)."""
    client = case.client
    if not getattr(case, "shared_access", False):
        return ClientIdentity(
            visible=False,
            name=_("Uppgift saknas – inget samtycke"),
            id_number="",
            address="",
            protected=client.protected_identity,
            reason=_("Samtycke som omfattar din organisation saknas."),
        )
    return protected_identity_masked(case)


def protected_identity_masked(case: Case) -> ClientIdentity:
    """The protected-identity half of the rule alone, for case types whose access is an explicit
    assignment rather than consent (avhopparuppdrag): only the explicit grant shows who a
    protected client is."""
    client = case.client
    if not getattr(case, "identity_visible", False):
        return ClientIdentity(
            visible=False,
            name=_("Skyddad identitet"),
            id_number="",
            address="",
            protected=True,
            reason=_("Klienten har skyddade personuppgifter."),
        )
    return ClientIdentity(
        visible=True,
        name=client.full_name,
        id_number=client.identity.formatted,
        address=client.address,
        protected=client.protected_identity,
        reason="",
    )


@dataclass(frozen=True)
class TimelineRow:
    """One event of the case timeline as ``cases/_timeline.html`` shows it. The two time strings
    are those of the template's ``date:'c'`` and ``date:"Y-m-d H:i"`` (local time), made once
    per row instead of through two template filters."""

    created_iso: str
    created: str
    message: str
    who: str  # "actor, organisation" as the template wrote it, either part left out if missing


def timeline_rows(events: QuerySet[AuditEvent], *, limit: int | None = None) -> list[TimelineRow]:
    """The rows of ``selectors.timeline_for`` (the newest ``limit``, if given): one query
    reading only the shown columns (no model instances of events, actors and organisations)."""
    rows = []
    columns: Any = events.values_list(
        "created_at",
        "message",
        "actor_id",
        "actor__first_name",
        "actor__last_name",
        "organisation_id",
        "organisation__short_name",
        "organisation__name",
    )
    if limit is not None:
        columns = columns[:limit]
    for created_at, message, actor_id, first, last, org_id, short_name, name in columns:
        created, created_iso = local_minute(created_at)
        who = f"{first} {last}".strip() if actor_id is not None else ""  # User.get_full_name
        if org_id is not None:
            who += f", {short_name or name}"
        rows.append(
            TimelineRow(
                created_iso=created_iso,
                created=created,
                message=message,
                who=who,
            )
        )
    return rows
