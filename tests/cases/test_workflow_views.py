"""The workflow steps over HTTP: the right role sees and takes the step, the wrong role is
refused and nothing changes, bad input gives a Swedish error, and the real worker runs the
automatic transfer exactly once."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from cases.models import AuditEvent, CareProcess, Case
from cases.services import care
from cases.states import State
from config.celery import app
from tests.cases.workflow_helpers import make_case, walk_kontraktsvard_to_enforcement


def _page(client: HttpClient, user: object, case: Case) -> str:
    client.force_login(user)
    return client.get(reverse("cases:detail", args=[case.pk])).content.decode()


def test_the_kommun_sees_its_next_step_and_frivarden_sees_what_it_waits_for(world, client) -> None:
    case = make_case(world, "kontraktsvard")
    kommun_page = _page(client, world["users"]["soc"], case)
    assert "Nästa steg" in kommun_page and "Registrera ansökan" in kommun_page
    frivard_page = _page(client, world["users"]["fi"], case)
    assert (
        "Registrera ansökan" not in frivard_page.split("Nästa steg")[-1]
        or "Nästa steg" not in frivard_page
    )
    assert "Begäran om personutredning" in frivard_page  # frivården's own form


def test_posting_a_step_records_it_and_the_wrong_role_changes_nothing(world, client) -> None:
    case = make_case(world, "kontraktsvard")
    url = reverse("cases:step", args=[case.pk, "register_application"])
    client.force_login(world["users"]["fi"])
    response = client.post(url, {"register_application-received_on": "2026-11-01"})
    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).state == State.SAMTYCKE
    client.force_login(world["users"]["soc"])
    response = client.post(url, {"register_application-received_on": "2026-11-01"})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == State.ANSOKAN
    assert CareProcess.objects.get(case=case).application_received_on.isoformat() == "2026-11-01"


def test_bad_input_gives_a_swedish_error_summary_and_changes_nothing(world, client) -> None:
    case = make_case(world, "kontraktsvard")
    client.force_login(world["users"]["soc"])
    response = client.post(
        reverse("cases:step", args=[case.pk, "register_application"]),
        {"register_application-received_on": "igår"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Det finns ett problem" in body and "Ange datum som ÅÅÅÅ-MM-DD." in body
    assert Case.objects.get(pk=case.pk).state == State.SAMTYCKE


def test_a_step_of_an_unrelated_organisation_is_404(world, client) -> None:
    case = make_case(world, "kontraktsvard")
    client.force_login(world["users"]["other"])
    response = client.post(
        reverse("cases:step", args=[case.pk, "register_application"]),
        {"register_application-received_on": "2026-11-01"},
    )
    assert response.status_code == 404


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_moves_a_due_case_once_even_when_the_task_runs_twice(world) -> None:
    case = make_case(world, "kontraktsvard")
    walk_kontraktsvard_to_enforcement(world, case)
    # The payment end passed yesterday (as after a night of downtime).
    CareProcess.objects.filter(case=case).update(
        kv_payment_end=timezone.localdate() - timedelta(days=2)
    )
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        first = app.send_task("cases.tasks_care.transfer_responsibilities")
        second = app.send_task("cases.tasks_care.transfer_responsibilities")
        deadline = timezone.now() + timedelta(seconds=20)
        while timezone.now() < deadline:
            if Case.objects.get(pk=case.pk).state == State.KOMMUN_BETALNINGSANSVAR:
                break
            time.sleep(0.1)
        assert first.id != second.id
    assert Case.objects.get(pk=case.pk).state == State.KOMMUN_BETALNINGSANSVAR
    assert AuditEvent.objects.filter(case=case, data__target="kommun_betalningsansvar").count() == 1
    assert care.responsibility_transfer(case_id=case.pk) is False
