import time

from celery import shared_task
from celery.signals import worker_ready
from django.core.cache import cache

HEARTBEAT_KEY = "brygga:worker-heartbeat"


@shared_task(ignore_result=True)
def heartbeat() -> None:
    """Run by beat every minute; /healthz reads the time to tell that worker and beat are alive."""
    cache.set(HEARTBEAT_KEY, time.time(), timeout=None)


@worker_ready.connect
def _heartbeat_on_start(**kwargs: object) -> None:
    # A freshly started worker is healthy before beat's first tick (up to a minute later).
    heartbeat.delay()
