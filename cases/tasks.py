"""Deadline reminders (issue 6). Beat runs ``sweep_deadlines`` every 15 minutes and
``send_daily_digests`` each morning (config/settings.py, CELERY_BEAT_SCHEDULE).

Every task here may run twice, concurrently or days late: the services lock rows and the
unique constraint on ``Reminder`` decides, never the number of runs."""

from __future__ import annotations

from celery import Task, shared_task
from django.db import transaction
from django.utils import timezone

from cases.services.deadlines import deadlines_mark_overdue
from cases.services.reminders import (
    DELIVERY_ERRORS,
    MAX_DELIVERY_ATTEMPTS,
    ReminderBusy,
    digest_recipient_ids,
    reminder_deliver,
    reminders_create_due,
    reminders_queue_pending,
    reminders_send_digest,
)

# SMTP trouble is usually over within minutes: retry with exponential backoff (about 1, 2, 4,
# 8 and 15 minutes, jittered), then record the failure for the administrators.
_RETRY = {
    "autoretry_for": DELIVERY_ERRORS,
    "max_retries": MAX_DELIVERY_ATTEMPTS - 1,
    "retry_backoff": 60,
    "retry_backoff_max": 900,
    "retry_jitter": True,
}


@shared_task(ignore_result=True)
def sweep_deadlines() -> dict[str, int]:
    """Mark passed deadlines overdue, store the reminders due today, queue their delivery."""
    today = timezone.localdate()
    overdue = deadlines_mark_overdue(today=today)
    planned = reminders_create_due(today=today)
    queued = reminders_queue_pending(now=timezone.now())
    # After commit: a worker must find the rows. Called outside a transaction (beat, the
    # worker) this runs at once.
    transaction.on_commit(lambda: _queue_deliveries(queued))
    return {"overdue": overdue, "planned": planned, "queued": len(queued)}


def _queue_deliveries(reminder_ids: list[int]) -> None:
    for reminder_id in reminder_ids:
        deliver_reminder.delay(reminder_id)


# A row held by another transaction is tried again after this many seconds.
BUSY_RETRY_SECONDS = 2


@shared_task(bind=True, ignore_result=True, acks_late=True, **_RETRY)
def deliver_reminder(self: Task, reminder_id: int) -> str:
    try:
        return reminder_deliver(reminder_id=reminder_id)
    except ReminderBusy as busy:
        # Not an SMTP failure: the row's attempt count is untouched. Rows are held for
        # milliseconds (a sweep claiming) or while another delivery sends (then that one
        # delivers); should this chain run out, the sweep queues the reminder again.
        raise self.retry(exc=busy, countdown=BUSY_RETRY_SECONDS) from busy


@shared_task(ignore_result=True)
def send_daily_digests() -> int:
    """One digest task per user with reminders waiting for the morning e-mail."""
    user_ids = digest_recipient_ids()
    for user_id in user_ids:
        send_digest.delay(user_id)
    return len(user_ids)


@shared_task(bind=True, ignore_result=True, acks_late=True, **_RETRY)
def send_digest(self: Task, user_id: int) -> int:
    return reminders_send_digest(user_id=user_id)
