"""Date-driven steps of the avhopparuppdrag (autodiscovered by ``config.celery``)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from avhopp.services import assignment_end_if_notice_run, notice_run_case_ids


@shared_task(ignore_result=True, acks_late=True)
def end_assignments_after_notice() -> int:
    """Move every uppdrag whose week of notice has run (003 § 12) to *avbrutet*.

    Meant to run hourly and just after midnight (beat). Idempotent and catch-up safe: each
    uppdrag is locked and checked again, so a repeated, retried or late run ends each one
    exactly once. Any action on the uppdrag, and opening its page, does the same for that
    uppdrag, so the state is right even before the task has run."""
    ended = 0
    for case_id in notice_run_case_ids(today=timezone.localdate()):
        ended += assignment_end_if_notice_run(case_id=case_id)
    return ended
