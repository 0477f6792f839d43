"""The case page's forms are fetched when their panel is opened (cases/form_panels.py): the page
carries only the panels, htmx gets one form, a plain link brings the page back with that form
open, a form the user may not use is never given out, and a form with errors comes back open.
What the page fetches or links to of the case (a form, the timeline) is a logged read."""

from __future__ import annotations

import re

from django.test import Client as HttpClient
from django.urls import reverse

from cases.models import AccessLog, Case
from tests.cases.workflow_helpers import make_case, walk_kontraktsvard_to_enforcement

HTMX = {"HX-Request": "true"}


def _url(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


def _open_panels(body: str) -> list[str]:
    return re.findall(r'<details class="panel" id="formular-([\w-]+)" open>', body)


def test_the_page_has_the_panels_but_not_their_forms(world: dict, client: HttpClient) -> None:
    case = make_case(world, "kontraktsvard")
    client.force_login(world["users"]["soc"])
    body = client.get(_url(case)).content.decode()
    for summary in ("Dokumentera samtycke", "Skriv anteckning", "Ladda upp fil"):
        assert f"<summary>{summary}</summary>" in body
    assert f'hx-get="{_url(case)}?formular=samtycke"' in body
    assert 'name="scope"' not in body and 'name="body"' not in body  # no consent, no note form
    assert _open_panels(body) == []


def test_opening_a_panel_fetches_only_its_form(world: dict, client: HttpClient) -> None:
    case = make_case(world, "kontraktsvard")
    client.force_login(world["users"]["soc"])
    response = client.get(_url(case), {"formular": "anteckning"}, headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith("<form")
    assert f'action="{reverse("cases:note_create", args=[case.pk])}"' in body
    assert 'name="body"' in body and "csrfmiddlewaretoken" in body
    assert "<html" not in body and "Sammanfattning" not in body
    assert "HX-Request" in response["Vary"]  # never cached as the page at the same address


def test_without_javascript_the_link_opens_the_page_with_that_form(
    world: dict, client: HttpClient
) -> None:
    case = make_case(world, "kontraktsvard")
    client.force_login(world["users"]["soc"])
    body = client.get(_url(case), {"formular": "register_application"}).content.decode()
    assert _open_panels(body) == ["register_application"]
    assert 'name="register_application-received_on"' in body
    assert "<h1>" in body  # the whole page


def test_a_form_the_user_may_not_use_is_not_given_out(world: dict, client: HttpClient) -> None:
    case = make_case(world, "kontraktsvard")
    client.force_login(world["users"]["fi"])  # frivården takes no kommun step
    body = client.get(
        _url(case), {"formular": "register_application"}, headers=HTMX
    ).content.decode()
    assert "<form" not in body
    assert "Formuläret går inte att använda längre. Ladda om sidan." in body
    client.force_login(world["users"]["other"])  # outside the case: 404 as the page itself
    assert client.get(_url(case), {"formular": "samtycke"}, headers=HTMX).status_code == 404


def test_a_fetched_form_is_a_logged_read_of_the_case(world: dict, client: HttpClient) -> None:
    case = make_case(world, "kontraktsvard")
    walk_kontraktsvard_to_enforcement(world, case)
    client.force_login(world["users"]["soc"])
    before = AccessLog.objects.filter(case=case, action=AccessLog.Action.VIEW_CASE).count()
    body = client.get(_url(case), {"formular": "joint_plan"}, headers=HTMX).content.decode()
    assert 'name="joint_plan-insatser"' in body  # filled with the plan: case data
    after = AccessLog.objects.filter(case=case, action=AccessLog.Action.VIEW_CASE).count()
    assert after == before + 1


def test_a_form_with_errors_comes_back_open_with_the_others_closed(
    world: dict, client: HttpClient
) -> None:
    case = make_case(world, "kontraktsvard")
    client.force_login(world["users"]["soc"])
    response = client.post(reverse("cases:note_create", args=[case.pk]), {"body": ""})
    body = response.content.decode()
    assert response.status_code == 400
    assert _open_panels(body) == ["anteckning"]
    assert "Det finns ett problem" in body
    assert 'name="scope"' not in body  # the consent form still waits for its panel
    # Opened from this page, a panel fetches from the case page, not from the POST address.
    assert f'hx-get="{_url(case)}?formular=samtycke"' in body


def test_a_correction_opens_the_note_form_filled_in(world: dict, client: HttpClient) -> None:
    case = make_case(world, "kontraktsvard")
    client.force_login(world["users"]["soc"])
    body = client.get(_url(case), {"rattar": "7"}).content.decode()
    assert _open_panels(body) == ["anteckning"]
    assert "<summary>Skriv rättelse</summary>" in body
    assert re.search(r'name="corrects" value="7"', body)


def test_the_timeline_alone_is_a_logged_read_of_the_case(world: dict, client: HttpClient) -> None:
    case = make_case(world, "kontraktsvard")
    client.force_login(world["users"]["soc"])
    views = AccessLog.objects.filter(case=case, action=AccessLog.Action.VIEW_CASE)
    before = views.count()
    url = reverse("cases:timeline", args=[case.pk])
    assert client.get(url).status_code == 200  # the page without JavaScript
    assert client.get(url, {"kind": ""}, headers=HTMX).status_code == 200  # the htmx filter
    assert views.count() == before + 2
