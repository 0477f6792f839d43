"""A chef's weekly look at the Översikt: every chart has its table, a number is reached with
the keyboard and drills down to the cases behind it; a socialsekreterare reports a deviation
and the frivård chef sees it."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from playwright.sync_api import Page, expect

from cases.models import Case
from cases.states import CLOSED_STATES
from deviations.demo import seed_deviations
from tests.factories import DEMO_TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_accounts(db: None) -> dict[str, object]:
    from cases import demo

    with transaction.atomic():
        demo.seed(password=DEMO_TEST_PASSWORD)
        seed_deviations()
    return {user.username: user for user in get_user_model().objects.all()}


def test_chef_drills_down_from_the_dashboard_with_the_keyboard(
    page: Page,
    demo_accounts: dict[str, object],
    login_as: Callable[[Page, str], None],
    assert_accessible: Callable[[Page], None],
) -> None:
    login_as(page, "chef.nordost")
    page.goto("/")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Översikt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Översikt")

    sections = page.locator("section.dashboard-section")
    charts = 0
    for index in range(sections.count()):
        section = sections.nth(index)
        chart = section.locator("svg[role=img]")
        if chart.count() == 0:
            continue
        charts += 1
        caption_id = chart.get_attribute("aria-labelledby")
        assert page.locator(f"#{caption_id}").inner_text().startswith("Diagram:")
        # The table behind the chart, in the same section, with the same figures as links.
        expect(section.locator("table caption")).to_contain_text("Tabell:")
    assert charts >= 3
    assert_accessible(page)

    # Tab from the top of the page to the first number that drills down.
    page.locator("body").focus()
    for _press in range(300):
        page.keyboard.press("Tab")
        href = page.evaluate("document.activeElement.getAttribute('href') || ''")
        if "/oversikt/arenden/" in href:
            break
    else:
        pytest.fail("no drill-down link reachable with Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ärenden bakom siffran")
    expect(page.get_by_role("link", name=re.compile(r"^(KV|VV)-\d{4}-"))).not_to_have_count(0)
    assert_accessible(page)


def test_reported_deviation_reaches_the_frivard_chef(
    page: Page,
    demo_accounts: dict[str, object],
    login_as: Callable[[Page, str], None],
    assert_accessible: Callable[[Page], None],
) -> None:
    case = (
        Case.objects.filter(
            case_type="kontraktsvard",
            participations__organisation__short_name="SN Nordost",
            consents__withdrawn_at__isnull=True,
        )
        .filter(participations__organisation__short_name="Frivården Göteborg")
        .exclude(state__in=CLOSED_STATES)
        .order_by("reference")
        .first()
    )
    assert case is not None
    login_as(page, "soc.nordost")
    page.goto(f"/avvikelser/arende/{case.pk}/rapportera/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapportera avvikelse")
    page.get_by_label("Typ av avvikelse").select_option("nytt_brott")
    page.get_by_label("Hög").check()
    page.get_by_label("Datum för avvikelsen").fill("2026-01-02")
    page.get_by_label("Beskrivning").fill("Klienten är misstänkt för ett nytt brott.")
    assert_accessible(page)
    page.get_by_role("button", name="Rapportera avvikelse").click()
    expect(page.get_by_role("status")).to_contain_text("Avvikelsen är rapporterad")

    page.context.clear_cookies()
    login_as(page, "kvi.frivard-gbg")
    page.goto("/")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Översikt").click()
    table = page.locator("section#avvikelser, section[aria-labelledby=avvikelser]").locator("table")
    row = table.get_by_role("row", name=re.compile("^Nytt brott"))
    row.get_by_role("link").last.click()
    expect(page.get_by_role("link", name=case.reference)).to_be_visible()
