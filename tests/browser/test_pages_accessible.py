"""Every page each kind of user reaches has zero axe violations (WCAG 2.1 AA, lag 2018:1937),
and the everyday pages work on a 360 px wide phone without scrolling the whole page sideways.

One test with a subtest per role: the demo data is seeded once, and each role still reports
on its own."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from cases.models import Case
from cases.roles import CASEWORKER_ROLES, CHEF_ROLES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = (
    "soc.nordost",
    "chef.nordost",
    "fi.frivard-gbg",
    "kh.radanefors",
    "extern.af-gbg",
    "sysf.nordost",
)
PHONE_WIDTH = 360


def _open_every_disclosure(page: Page) -> None:
    """The forms behind "Dokumentera samtycke", "Skriv anteckning" … are checked too: the case
    page fetches each as its panel opens, so wait until every panel holds its form."""
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    expect(page.locator(".form-slot:not(:has(form))")).to_have_count(0)


def _assert_no_page_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{page.url} scrolls sideways at {PHONE_WIDTH} px ({width} px)"


def _visit_everything_as(
    page: Page, username: str, assert_accessible: Callable[[Page], None]
) -> None:
    user = get_user_model().objects.get(username=username)
    page.goto("/")
    menu = page.get_by_role("navigation", name="Huvudmeny").get_by_role("link")
    expect(menu.first).to_have_text("Start")
    targets = [
        (link.inner_text(), link.get_attribute("href") or "")
        for link in menu.all()
        if link.inner_text() != "Administration"  # Django's own admin, outside Brygga's pages
    ]
    for label, href in targets:
        response = page.goto(href)
        assert response is not None and response.ok, f"{label} ({href}): {response}"
        expect(
            page.get_by_role("navigation", name="Huvudmeny").locator("[aria-current=page]")
        ).to_have_text(label)
        assert_accessible(page)

    case = Case.objects.visible_to(user).order_by("pk").first()
    if case is not None:
        page.goto(f"/arenden/{case.pk}/")
        expect(page.get_by_role("heading", level=1)).to_contain_text(case.reference)
        _open_every_disclosure(page)
        assert_accessible(page)

    response = page.goto("/arenden/nytt/")
    assert response is not None
    if user.memberships.filter(role__in=CASEWORKER_ROLES | CHEF_ROLES).exists():
        assert response.status == 200
        expect(page.get_by_role("heading", level=1)).to_have_text("Nytt ärende")
        assert_accessible(page)
    else:
        assert response.status == 404  # only caseworkers and chefs open cases

    page.goto("/")
    footer = page.get_by_role("contentinfo")
    footer.get_by_role("link", name="Tillgänglighetsredogörelse").click()
    expect(page).to_have_url("/tillganglighet/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    footer.get_by_role("link", name="Rapportera brist i tillgänglighet").click()
    expect(page).to_have_url("/tillganglighet/rapportera/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)


def test_every_page_of_every_role_is_accessible_and_fits_a_phone(
    page: Page,
    demo_accounts: dict[str, object],
    login_as: Callable[[Page, str], None],
    assert_accessible: Callable[[Page], None],
    subtests: pytest.Subtests,
) -> None:
    for username in ROLES:
        with subtests.test(msg=username):
            page.context.clear_cookies()
            login_as(page, username)
            _visit_everything_as(page, username, assert_accessible)

    with subtests.test(msg=f"{PHONE_WIDTH} px"):
        page.context.clear_cookies()
        page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
        login_as(page, "fi.frivard-gbg")
        page.goto("/arenden/organisation/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Organisationens ärenden")
        _assert_no_page_scroll(page)
        assert_accessible(page)

        page.locator("#case-results").get_by_role("link").first.click()
        expect(page.get_by_role("heading", level=2, name="Sammanfattning")).to_be_visible()
        _assert_no_page_scroll(page)
        _open_every_disclosure(page)
        _assert_no_page_scroll(page)
        assert_accessible(page)
