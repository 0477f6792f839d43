"""Shared fixtures. Tests run on real PostgreSQL and Redis: the machine's servers when
DATABASE_URL/REDIS_URL are set (CI), otherwise the embedded ones under var/."""

from __future__ import annotations

import os

import pytest
from django.core.cache import cache

from config import embedded
from tests.factories import DEMO_TEST_PASSWORD

# Playwright's sync API runs an event loop in the test thread; Django's async-safety check
# would otherwise refuse ORM calls made by the test itself (DESIGN.md "Tests").
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # Only the controlling process stops the embedded servers, and only those it started:
    # a developer's running `make demo` keeps its servers.
    if not hasattr(session.config, "workerinput"):
        embedded.stop_started_here()


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Each test starts with an empty cache (lockout counters, sessions, heartbeats)."""
    cache.clear()


@pytest.fixture
def demo_accounts(db: None) -> dict[str, object]:
    """The demo organisations and one user per role per organisation, as `make demo` has them."""
    from django.contrib.auth import get_user_model

    from cases import demo

    demo.seed(password=DEMO_TEST_PASSWORD)
    return {user.username: user for user in get_user_model().objects.all()}
