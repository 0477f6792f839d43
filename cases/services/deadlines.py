"""Deadlines change only here, when the facts behind them change; every change is kept."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import events
from cases.models import Case, Deadline, DeadlineChange, Organisation
from cases.permissions import acting_membership
from cases.selectors import case_for_user

if TYPE_CHECKING:
    from accounts.models import User


def deadline_set(
    *,
    case: Case,
    kind: str,
    due_date: date,
    label: str,
    responsible_organisation: Organisation,
    responsible_user: User | None = None,
    rule: str = "",
    actor: User | None,
    reason: str = "",
    key: str = "",
) -> Deadline:
    """Create the active deadline of ``kind`` for the case, or move it when the date changed.

    Called inside the caller's transaction (the case row is already locked). A moved deadline
    becomes open again (a new date may no longer be overdue); the old date stays in history."""
    deadline = (
        Deadline.objects.select_for_update()
        .filter(case=case, kind=kind, key=key, status__in=Deadline.ACTIVE_STATUSES)
        .first()
    )
    if deadline is None:
        deadline = Deadline.objects.create(
            case=case,
            kind=kind,
            key=key,
            label=label,
            due_date=due_date,
            responsible_organisation=responsible_organisation,
            responsible_user=responsible_user,
            rule=rule,
        )
        DeadlineChange.objects.create(
            deadline=deadline,
            change=DeadlineChange.Change.CREATED,
            new_due_date=due_date,
            reason=reason or rule,
            changed_by=actor,
        )
        events.deadline_changed(case=case, actor=actor, deadline=deadline, change="created")
        return deadline
    if (deadline.responsible_organisation_id, deadline.responsible_user_id) != (
        responsible_organisation.pk,
        responsible_user.pk if responsible_user else None,
    ):
        # A new responsible person (e.g. another samordnare) gets the reminders from now on.
        deadline.responsible_organisation = responsible_organisation
        deadline.responsible_user = responsible_user
        deadline.save(update_fields=["responsible_organisation", "responsible_user"])
    if deadline.due_date == due_date:
        return deadline
    DeadlineChange.objects.create(
        deadline=deadline,
        change=DeadlineChange.Change.MOVED,
        old_due_date=deadline.due_date,
        new_due_date=due_date,
        reason=reason,
        changed_by=actor,
    )
    deadline.due_date = due_date
    deadline.status = Deadline.Status.OPEN
    deadline.rule = rule or deadline.rule
    deadline.save(update_fields=["due_date", "status", "rule"])
    events.deadline_changed(case=case, actor=actor, deadline=deadline, change="moved")
    return deadline


def deadline_close(
    *,
    case: Case,
    kind: str,
    actor: User | None,
    key: str = "",
    cancelled: bool = False,
    reason: str = "",
) -> Deadline | None:
    """Mark the active deadline of ``kind`` done (the fact happened) or cancelled (it no
    longer applies, e.g. the case ended). Nothing to close is not an error."""
    deadline = (
        Deadline.objects.select_for_update()
        .filter(case=case, kind=kind, key=key, status__in=Deadline.ACTIVE_STATUSES)
        .first()
    )
    if deadline is None:
        return None
    deadline.status = Deadline.Status.CANCELLED if cancelled else Deadline.Status.DONE
    deadline.completed_at = timezone.now()
    deadline.save(update_fields=["status", "completed_at"])
    DeadlineChange.objects.create(
        deadline=deadline,
        change=DeadlineChange.Change.CANCELLED if cancelled else DeadlineChange.Change.DONE,
        reason=reason,
        changed_by=actor,
    )
    events.deadline_changed(
        case=case, actor=actor, deadline=deadline, change="cancelled" if cancelled else "done"
    )
    return deadline


def deadlines_cancel_all(*, case: Case, actor: User | None, reason: str) -> None:
    """A case that ends takes its open deadlines with it (no reminders for a closed case)."""
    for deadline in Deadline.objects.filter(case=case, status__in=Deadline.ACTIVE_STATUSES):
        deadline_close(
            case=case,
            kind=deadline.kind,
            key=deadline.key,
            actor=actor,
            cancelled=True,
            reason=reason,
        )


@transaction.atomic
def deadline_extend(*, deadline_id: int, actor: User, new_due_date: date, reason: str) -> Deadline:
    """A person moves a deadline (e.g. the court extended the time for the yttrande: "kan
    förlängas, vilket inte är känt i förväg"). The reason is required and kept."""
    deadline = Deadline.objects.select_related("case").get(pk=deadline_id)
    case = case_for_user(actor, deadline.case_id, for_update=True)
    membership = acting_membership(actor, case)
    if not actor.has_perm("cases.extend_deadline", case) or membership is None:
        raise PermissionDenied
    if membership.organisation_id != deadline.responsible_organisation_id:
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Ange skälet till att fristen ändras.")})
    if not deadline.is_active:
        raise ValidationError(_("Fristen är redan avslutad."))
    return deadline_set(
        case=case,
        kind=deadline.kind,
        key=deadline.key,
        due_date=new_due_date,
        label=deadline.label,
        responsible_organisation=deadline.responsible_organisation,
        responsible_user=deadline.responsible_user,
        actor=actor,
        reason=reason.strip(),
    )


def deadlines_mark_overdue(*, today: date) -> int:
    """Mark every open deadline whose due date has passed ``forsenad``, with a history row and
    an audit event each (the sweep, issue 6). Set-based: one UPDATE and two bulk INSERTs,
    whatever the number. Rows another transaction holds (a deadline being moved right now)
    are skipped and marked by the next sweep; a second sweep running at the same time finds
    nothing left to mark, so nothing is recorded twice."""
    with transaction.atomic():
        deadlines = list(
            Deadline.objects.select_for_update(skip_locked=True)
            .filter(status=Deadline.Status.OPEN, due_date__lt=today)
            .only("pk", "case_id", "label", "due_date", "responsible_organisation_id")
        )
        if not deadlines:
            return 0
        Deadline.objects.filter(pk__in=[deadline.pk for deadline in deadlines]).update(
            status=Deadline.Status.OVERDUE
        )
        DeadlineChange.objects.bulk_create(
            [
                DeadlineChange(
                    deadline_id=deadline.pk,
                    change=DeadlineChange.Change.OVERDUE,
                    old_due_date=deadline.due_date,
                    new_due_date=deadline.due_date,
                    reason=_("Förfallodatum passerat."),
                    changed_by=None,
                )
                for deadline in deadlines
            ],
            batch_size=1000,
        )
        events.deadlines_overdue(deadlines=deadlines)
    return len(deadlines)
