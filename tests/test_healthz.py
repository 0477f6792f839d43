"""/healthz for operations: database, Redis and a live Celery worker (real worker, real Redis)."""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.test import Client

from config.celery import app
from config.tasks import heartbeat


@pytest.mark.django_db
def test_healthz_reports_worker_down_when_no_heartbeat(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "fel", "database": "ok", "redis": "ok", "worker": "fel"}


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_healthz_is_ok_once_a_real_worker_has_run_the_heartbeat(client: Client) -> None:
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        heartbeat.delay()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            response = client.get("/healthz")
            if response.status_code == 200:
                break
            time.sleep(0.2)
    assert response.status_code == 200
    assert response.json()["worker"] == "ok"


@pytest.mark.django_db
def test_healthz_sends_no_cache_headers_and_needs_no_login(client: Client) -> None:
    response = client.get("/healthz")
    assert "no-cache" in response["Cache-Control"]
