"""Database helpers shared by the apps."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def _plan_cache_mode(mode: str) -> Iterator[None]:
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL plan_cache_mode = {mode}")
        yield


@contextmanager
def planned_for_each_call() -> Iterator[None]:
    """Plan every query inside with its actual parameters.

    The application's connections use prepared statements (config/settings.py), and PostgreSQL
    then keeps a generic plan for a statement once it estimates that plan no dearer than the
    custom ones. For the short list and page queries that saves the planning. For aggregations
    over a whole scope it can be ruinous: the dashboard's workload figure ran 5.4 s on a generic
    plan against 0.2 s planned for the chef's organisations (docs/performance.md). Inside this
    block (one transaction) each statement is planned for its parameters again."""
    with _plan_cache_mode("force_custom_plan"):
        yield


@contextmanager
def planned_once() -> Iterator[None]:
    """Run every query inside on its statement's generic plan, made once per connection.

    The opposite case: PostgreSQL keeps planning a statement for its parameters (3-4 ms for
    the case list's access rule) because the generic plan's *estimated* cost is higher, though
    it runs no slower. Only for statements whose every parameter leaves the plan's shape alone
    (docs/performance.md has the measurements, and the filters for which a generic plan was
    20 times slower)."""
    with _plan_cache_mode("force_generic_plan"):
        yield
