"""Date-driven workflow steps (DOMAIN.md §3.1 step 10, §3.2 step 9)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from cases.services.care import responsibility_transfer, transfer_due_case_ids


@shared_task(ignore_result=True, acks_late=True)
def transfer_responsibilities() -> int:
    """Move every case whose transfer date has come to the kommun's responsibility.

    Runs hourly and just after midnight (beat). Idempotent and catch-up safe: each case is
    locked and checked again, so a second run, a retry, a second worker or a run after days
    of downtime moves each due case exactly once."""
    moved = 0
    for case_id in transfer_due_case_ids(today=timezone.localdate()):
        moved += responsibility_transfer(case_id=case_id)
    return moved
