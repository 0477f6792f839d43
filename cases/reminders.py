"""Which reminders are due on a given day, and to whom. Pure functions: the sweep
(``cases.services.reminders``) loads the facts, calls ``plan`` and stores the result.

The rule (DOMAIN.md §6, issue 6: "never twice and never skip"), for one active deadline with
due date D, reminder offsets N₁ > N₂ > … (days before; ``ReminderOffset``) and today T:

* D has passed (T > D): one reminder ``overdue``, due on D + 1, to the responsible person and,
  unless turned off for the kind, to every chef of the responsible organisation. No "before"
  reminder is sent any more: it would announce a date that has already passed.
* Otherwise: of the offsets whose day has come (D − N ≤ T), only the **smallest** N — the most
  urgent reminder — is due. Normally the sweep runs every 15 minutes, so each offset becomes the
  smallest one on its own day and every reminder goes out on time. After downtime the sweep
  catches up with the most urgent reminder whose day has come and drops the less urgent ones
  missed during the outage (a "7 days left" after a "1 day left" says nothing new).

Example, a two-day outage with offsets 7, 3, 1: a deadline due in two days whose "3 days"
reminder fell in the outage gets that reminder once when the sweep runs again; a deadline whose
due date passed during the outage gets the overdue reminder (to the chef too) and no "before"
reminder; a deadline due tomorrow gets "1 day" and never the missed "3 days".

Uniqueness is per (deadline, recipient, kind, due day): a moved deadline (the court extended
the time for the yttrande) is reminded again for its new date; the same date never twice."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

OVERDUE = "overdue"
BEFORE_PREFIX = "before:"


def before_kind(days: int) -> str:
    return f"{BEFORE_PREFIX}{days}"


def days_of(kind: str) -> int | None:
    """The offset of a "before:N" reminder kind (None for "overdue")."""
    if kind.startswith(BEFORE_PREFIX):
        return int(kind.removeprefix(BEFORE_PREFIX))
    return None


def reminder_due_on(kind: str, due_date: date) -> date:
    """The day a reminder of ``kind`` for a deadline due on ``due_date`` becomes due."""
    days = days_of(kind)
    if days is None:
        return due_date + timedelta(days=1)
    return due_date - timedelta(days=days)


@dataclass(frozen=True)
class DueReminder:
    kind: str
    due_on: date

    @property
    def overdue(self) -> bool:
        return self.kind == OVERDUE


def due_reminder(*, due_date: date, today: date, offsets: Collection[int]) -> DueReminder | None:
    """The one reminder due today for a deadline (the rule in the module docstring)."""
    if today > due_date:
        return DueReminder(OVERDUE, reminder_due_on(OVERDUE, due_date))
    come = [days for days in offsets if due_date - timedelta(days=days) <= today]
    if not come:
        return None
    kind = before_kind(min(come))
    return DueReminder(kind, reminder_due_on(kind, due_date))


def still_meaningful(*, kind: str, due_on: date, due_date: date, today: date) -> bool:
    """Checked again at delivery: a deadline moved since the reminder was planned gets new
    reminders for its new date instead, and a "before" reminder delivered after the due date
    (a long queue) would be wrong; the overdue reminder covers that case."""
    if reminder_due_on(kind, due_date) != due_on:
        return False
    return kind == OVERDUE or today <= due_date


@dataclass(frozen=True)
class DeadlineFacts:
    """What planning needs to know about one active deadline."""

    id: int
    kind: str
    due_date: date
    organisation_id: int
    responsible_user_id: int | None
    # The responsible organisation's handläggare in the case (Participation).
    handlaggare_id: int | None


@dataclass(frozen=True)
class Staff:
    """Active users with a membership in force, per organisation: ``members`` hold a
    caseworker or chef role there, ``chefs`` a chef role."""

    members: Mapping[int, frozenset[int]] = field(default_factory=dict)
    chefs: Mapping[int, frozenset[int]] = field(default_factory=dict)


def responsible_recipients(deadline: DeadlineFacts, staff: Staff) -> frozenset[int]:
    """Who is reminded before the due date: the deadline's responsible user; without one (or
    when they have left the organisation), the organisation's handläggare in the case; and
    when nobody is responsible at all, the chefs, so that an unassigned deadline still reaches
    someone who can act (the issue: "never skip")."""
    members = staff.members.get(deadline.organisation_id, frozenset())
    for candidate in (deadline.responsible_user_id, deadline.handlaggare_id):
        if candidate is not None and candidate in members:
            return frozenset({candidate})
    return staff.chefs.get(deadline.organisation_id, frozenset())


@dataclass(frozen=True)
class PlannedReminder:
    deadline_id: int
    recipient_id: int
    kind: str
    due_on: date


@dataclass(frozen=True)
class ReminderSettings:
    """The admin-editable settings: active offsets per kind, the kinds that have any offset
    rows at all (a kind without rows uses ``default_offsets``), and the kinds whose overdue
    reminder does *not* go to the chefs."""

    offsets: Mapping[str, frozenset[int]]
    configured_kinds: frozenset[str]
    default_offsets: frozenset[int]
    no_chef_kinds: frozenset[str] = frozenset()

    def offsets_for(self, kind: str) -> frozenset[int]:
        if kind in self.configured_kinds:
            return self.offsets.get(kind, frozenset())
        return self.default_offsets

    @property
    def max_offset(self) -> int:
        every = [*self.default_offsets, *(d for days in self.offsets.values() for d in days)]
        return max(every, default=0)


def plan(
    *,
    deadlines: Iterable[DeadlineFacts],
    settings: ReminderSettings,
    staff: Staff,
    today: date,
) -> list[PlannedReminder]:
    """Every reminder due today, one row per recipient. Rows already stored are planned
    again; the unique constraint makes storing them a no-op."""
    planned: list[PlannedReminder] = []
    for deadline in deadlines:
        due = due_reminder(
            due_date=deadline.due_date, today=today, offsets=settings.offsets_for(deadline.kind)
        )
        if due is None:
            continue
        recipients = set(responsible_recipients(deadline, staff))
        if due.overdue and deadline.kind not in settings.no_chef_kinds:
            # DOMAIN.md §6: "to the chef when overdue".
            recipients |= staff.chefs.get(deadline.organisation_id, frozenset())
        planned.extend(
            PlannedReminder(deadline.id, recipient, due.kind, due.due_on)
            for recipient in sorted(recipients)
        )
    return planned
