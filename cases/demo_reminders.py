"""Reminders in the demo (issue 6: "demo data includes deadlines that are due soon and
overdue, so the reminders show up in the demo"). Called at the end of ``cases.demo.seed``.

Runs the sweep synchronously for today instead of waiting for beat, so that the first page
a demo user opens already shows notifications. Idempotent like the rest of the demo: the
unique constraints make a second run add nothing."""

from __future__ import annotations

import logging

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Deadline, Notification, Reminder
from cases.services.deadlines import deadlines_mark_overdue
from cases.services.reminders import (
    DELIVERY_ERRORS,
    ReminderBusy,
    reminder_deliver,
    reminders_create_due,
)

logger = logging.getLogger(__name__)
# Left waiting; the next sweep queues the reminder again.
RETRY_LATER: tuple[type[Exception], ...] = (*DELIVERY_ERRORS, ReminderBusy)


def seed_reminder_demo() -> None:
    today = timezone.localdate()
    deadlines_mark_overdue(today=today)
    reminders_create_due(today=today)
    pending = Reminder.objects.filter(status=Reminder.Status.PENDING).values_list("pk", flat=True)
    for reminder_id in list(pending):
        try:
            # E-mail goes to the console backend in the demo (DEBUG).
            reminder_deliver(reminder_id=reminder_id)
        except RETRY_LATER:
            logger.warning("Demo: påminnelse %s kunde inte skickas med e-post.", reminder_id)
    _seed_new_deadline_notifications()


def _seed_new_deadline_notifications() -> None:
    """A "new deadline" notice to each responsible handläggare, so that the list shows read
    and unread items of more than one kind."""
    deadlines = Deadline.objects.filter(
        status__in=Deadline.ACTIVE_STATUSES, responsible_user__isnull=False
    ).select_related("case")
    for deadline in deadlines:
        assert deadline.responsible_user_id is not None
        message = _("Ny frist i %(reference)s: %(kind)s, %(date)s.") % {
            "reference": deadline.case.reference,
            "kind": deadline.get_kind_display(),
            "date": f"{deadline.due_date:%Y-%m-%d}",
        }
        Notification.objects.get_or_create(
            recipient_id=deadline.responsible_user_id,
            deadline=deadline,
            reminder=None,
            message=message,
            defaults={"case_id": deadline.case_id},
        )
