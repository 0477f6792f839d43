"""A socialsekreterare's morning: the header says there are unread notifications, she opens
them, marks one read with the keyboard, and the count goes down without a page reload."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from playwright.sync_api import Page, expect

from cases.demo_reminders import seed_reminder_demo
from tests.factories import DEMO_TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_accounts(db: None) -> dict[str, object]:
    """The demo as `manage.py seed_demo` makes it: in one transaction (the services lock rows),
    with the reminder sweep run for today."""
    from cases import demo

    with transaction.atomic():
        demo.seed(password=DEMO_TEST_PASSWORD)
        seed_reminder_demo()  # idempotent, whether or not cases.demo.seed calls it
    return {user.username: user for user in get_user_model().objects.all()}


def test_socialsekreterare_reads_a_notification_with_the_keyboard(
    page: Page,
    demo_accounts: dict[str, object],
    login_as: Callable[[Page, str], None],
    assert_accessible: Callable[[Page], None],
) -> None:
    login_as(page, "soc.nordost")
    page.goto("/")
    notifications_link = page.get_by_role("link", name=re.compile(r"^Notiser \d+ olästa$"))
    expect(notifications_link).to_be_visible()
    unread = int(page.locator("#notification-count .count").inner_text())
    assert unread >= 2  # a reminder and a "new deadline" notice from the demo

    notifications_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notiser")
    page.evaluate("window.stillTheSamePage = true")
    first_button = page.get_by_role("button", name=re.compile("^Markera som läst")).first
    row_id = first_button.get_attribute("id")
    first_button.focus()
    page.keyboard.press("Enter")

    expect(page.locator("#notification-count .count")).to_have_text(str(unread - 1))
    expect(page.get_by_role("link", name=f"Notiser {unread - 1} olästa")).to_be_visible()
    # Focus stays in the row, on the result, for keyboard and screen-reader users.
    focused = page.locator(":focus")
    expect(focused).to_have_text("Markerad som läst")
    assert focused.get_attribute("id") == row_id
    assert page.evaluate("window.stillTheSamePage") is True  # no reload
    assert_accessible(page)

    page.get_by_role("link", name="Mina frister").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina frister")
    expect(page.get_by_role("link", name=re.compile(r"^KV-\d{4}-\d{5}$")).first).to_be_visible()
    assert_accessible(page)

    # Moving a deadline without a reason: the error summary takes focus and names the field.
    page.get_by_role("link", name=re.compile("^Flytta fristen i")).first.click()
    page.get_by_role("button", name="Flytta fristen").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Ange skälet till att fristen ändras.")
    expect(summary).to_be_focused()
    assert_accessible(page)

    page.goto("/frister/installningar/")
    page.get_by_role("button", name="Skapa kalenderlänk").click()
    expect(page.get_by_label("Din kalenderlänk")).to_have_value(
        re.compile(r"/frister/kalender/[A-Za-z0-9_-]{43}\.ics$")
    )
    assert_accessible(page)
