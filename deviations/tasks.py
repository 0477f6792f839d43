"""Beat runs ``detect_deviations`` after midnight and every 15 minutes (config/settings.py,
CELERY_BEAT_SCHEDULE). The run is idempotent: any number of runs store each deviation once."""

from __future__ import annotations

from celery import shared_task

from deviations.detect import detect_all


@shared_task(ignore_result=True)
def detect_deviations() -> dict[str, int]:
    result = detect_all()
    return {
        "created": sum(result.created.values()),
        "resolved": sum(result.resolved.values()),
    }
