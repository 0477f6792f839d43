"""Browser harness: Playwright driving Debian's Chromium against the live server.

Never `playwright install`: the browser is the system's /usr/bin/chromium. The flags are the
ones this machine's closed network needs (no background networking, no component updates)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.cached_db import SessionStore
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.factories import DEMO_TEST_PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Every browser test runs in a transaction-flushing database with the live server.
pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server: object) -> Iterator[Page]:
    context = browser.new_context(
        base_url=str(live_server), locale="sv-SE", timezone_id="Europe/Stockholm"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login_with_password(page: Page) -> Callable[[str, str], None]:
    """Log in through the real login form, the way a person does."""

    def login(username: str, password: str = DEMO_TEST_PASSWORD) -> None:
        page.goto("/konto/logga-in/")
        page.get_by_label("Användarnamn").fill(username)
        page.get_by_label("Lösenord").fill(password)
        page.get_by_role("button", name="Logga in").click()

    return login


@pytest.fixture
def login_as(
    page: Page, live_server: object, demo_accounts: dict[str, object]
) -> Callable[[Page, str], None]:
    """Put an authenticated session for a demo account into the browser (fast path for tests
    that are not about logging in). The login form itself is tested in test_authentication."""

    def login(target: Page, username: str) -> None:
        user = demo_accounts[username]
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)  # type: ignore[attr-defined]
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()  # type: ignore[attr-defined]
        session.save()
        target.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session.session_key or "",
                    "url": str(live_server),
                }
            ]
        )

    return login


@pytest.fixture
def assert_accessible() -> Callable[[Page], None]:
    """Zero axe-core violations (all rules axe enables by default, WCAG 2.1 A/AA included)."""
    axe = Axe()

    def check(target: Page) -> None:
        results = axe.run(target)
        assert results.violations_count == 0, (
            f"axe found violations on {target.url}:\n{results.generate_report()}"
        )

    return check


def heading(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(text))
