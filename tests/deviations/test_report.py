"""Reporting a deviation: the other party and both chefs are notified at once, the case
records when and by whom the other party was informed; actions, closing, scope."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from cases.models import AuditEvent, Deadline, Notification
from cases.rendering import jinja2_html
from cases.selectors import case_for_user
from deviations import services
from deviations.models import Deviation
from deviations.presenters import case_panel
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _report(case, actor, **extra):
    data = {
        "case_id": case.pk,
        "actor": actor,
        "kind": "avvikit",
        "severity": "hog",
        "occurred_on": timezone.localdate(),
        "description": "Klienten lämnade behandlingshemmet i natt.",
    }
    data.update(extra)
    return services.deviation_report(**data)


def test_report_notifies_other_party_and_both_chefs_at_once(world, kv_case):
    u = world["users"]
    kv_chef = MembershipFactory(organisation=world["frivard"], role="kriminalvardsinspektor").user
    deviation = _report(kv_case, u["soc"])

    recipients = set(Notification.objects.filter(case=kv_case).values_list("recipient", flat=True))
    # The other party's handläggare (fi), the kommun's chef and Kriminalvården's chef.
    assert recipients == {u["fi"].pk, u["chef"].pk, kv_chef.pk}
    message = Notification.objects.filter(recipient=u["fi"]).get().message
    assert kv_case.reference in message and "Person" not in message
    assert "lämnade" not in message  # never the free text
    assert deviation.other_party_informed_at is not None
    assert deviation.informed_by == u["soc"] and deviation.informed_how == "notis"
    assert AuditEvent.objects.filter(case=kv_case, kind="deviation_reported").exists()
    assert AuditEvent.objects.filter(case=kv_case, kind="deviation_informed").exists()


def test_report_without_notice_then_informed_by_phone(world, kv_case):
    u = world["users"]
    deviation = _report(kv_case, u["fi"], notify_other_party=False)
    assert deviation.other_party_informed_at is None
    # Chefs are told anyway; the kommun's handläggare is not (the reporter will call).
    assert not Notification.objects.filter(recipient=u["soc"]).exists()
    assert Notification.objects.filter(recipient=u["chef"]).exists()

    called = timezone.now() - timedelta(hours=1)
    services.deviation_record_informed(
        deviation_id=deviation.pk, actor=u["fi"], informed_at=called, how="telefon"
    )
    deviation.refresh_from_db()
    assert deviation.other_party_informed_at == called and deviation.informed_how == "telefon"
    with pytest.raises(ValidationError):
        services.deviation_record_informed(
            deviation_id=deviation.pk, actor=u["fi"], informed_at=called, how="telefon"
        )


def test_outsiders_cannot_report(world, kv_case):
    with pytest.raises(Http404):
        _report(kv_case, world["users"]["other"])


def test_no_report_without_shared_access(world):
    from tests.cases.workflow_helpers import make_case

    case = make_case(world, "kontraktsvard", n=7, consent=False)
    with pytest.raises(PermissionDenied):
        _report(case, world["users"]["soc"])


def test_actions_deadlines_and_close(world, kv_case):
    u = world["users"]
    deviation = _report(kv_case, u["soc"])
    due = timezone.localdate() + timedelta(days=5)
    action = services.deviation_action_add(
        deviation_id=deviation.pk,
        actor=u["soc"],
        description="Samordnat möte",
        responsible=u["fi"],
        due_date=due,
    )
    deadline = Deadline.objects.get(key=f"deviation-{deviation.pk}-1")
    assert deadline.kind == "ovrigt" and deadline.due_date == due
    assert (
        deadline.responsible_user == u["fi"]
        and deadline.responsible_organisation == world["frivard"]
    )
    with pytest.raises(ValidationError):
        services.deviation_close(
            deviation_id=deviation.pk, actor=u["soc"], outcome_kind="planen_justerad", outcome=""
        )
    services.deviation_action_complete(action_id=action.pk, actor=u["fi"])
    deadline.refresh_from_db()
    assert deadline.status == "klar"
    deviation.refresh_from_db()
    assert deviation.status == "atgardad"
    services.deviation_close(
        deviation_id=deviation.pk, actor=u["fi"], outcome_kind="planen_justerad", outcome="Ok"
    )
    deviation.refresh_from_db()
    assert deviation.status == "stangd" and deviation.closed_by == u["fi"]

    with pytest.raises(ValidationError):
        services.deviation_action_add(
            deviation_id=deviation.pk,
            actor=u["soc"],
            description="x",
            responsible=u["other"],
            due_date=due,
        )


def test_case_panel_hides_description_without_shared_access(world, kv_case, client):
    u = world["users"]
    _report(kv_case, u["soc"])
    panel = case_panel(case_for_user(u["fi"], kv_case.pk), u["fi"])
    assert panel["show_description"] and len(panel["deviations"]) == 1
    # The anstalt takes no part: 404 on the report page.
    client.force_login(u["kh"])
    assert client.get(reverse("deviations:report", args=[kv_case.pk])).status_code == 404


def test_report_view_posts_and_redirects(world, kv_case, client):
    client.force_login(world["users"]["soc"])
    url = reverse("deviations:report", args=[kv_case.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": "aterfall", "severity": "medel"})
    assert response.status_code == 400 and "Det finns ett problem" in response.text
    response = client.post(
        url,
        {
            "kind": "aterfall",
            "severity": "medel",
            "occurred_on": f"{timezone.localdate():%Y-%m-%d}",
            "description": "Återfall i missbruk.",
            "notify_other_party": "on",
        },
    )
    assert response.status_code == 302
    assert Deviation.objects.filter(case=kv_case, kind="aterfall").exists()


def test_case_panel_renders_on_the_case_page_include(
    world, kv_case, rf, django_assert_max_num_queries
):
    u = world["users"]
    deviation = _report(kv_case, u["soc"])
    services.deviation_action_add(
        deviation_id=deviation.pk,
        actor=u["soc"],
        description="Möte",
        responsible=u["soc"],
        due_date=timezone.localdate() + timedelta(days=3),
    )
    request = rf.get("/")
    request.user = u["fi"]
    case = case_for_user(u["fi"], kv_case.pk)
    with django_assert_max_num_queries(12):
        html = jinja2_html(
            "deviations/_case_panel.html",
            {"deviation_panel": case_panel(case, u["fi"])},
            request=request,
        )
    assert "Avvikit från behandlingshem" in html
    assert "Klienten lämnade behandlingshemmet" in html  # shared access: the description
    assert "Markera åtgärd 1 som klar" in html
    assert reverse("deviations:report", args=[kv_case.pk]) in html
