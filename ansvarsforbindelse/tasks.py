"""Background work of the ansvarsförbindelse (autodiscovered by ``config.celery``)."""

from __future__ import annotations

from celery import shared_task

from ansvarsforbindelse.services import commitment_archive_pdf


@shared_task(ignore_result=True, acks_late=True, autoretry_for=(OSError,), max_retries=5)
def render_signed_commitment(commitment_id: int) -> bool:
    """Render and store the archived PDF/A-3b of a signed commitment with its SHA-256.

    Enqueued after the signature commits. Idempotent: a retry, a second delivery or a run
    after the file exists writes nothing (the service locks the row and checks). A transient
    disk error is retried; a commitment that no longer exists is ignored."""
    return commitment_archive_pdf(commitment_id=commitment_id)
