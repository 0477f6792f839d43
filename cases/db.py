"""Database helpers shared by the apps."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def planned_for_each_call() -> Iterator[None]:
    """Plan every query inside with its actual parameters.

    The application's connections use prepared statements (config/settings.py), and PostgreSQL
    then keeps a generic plan for a statement once it estimates that plan no dearer than the
    custom ones. For the short list and page queries that saves the planning. For aggregations
    over a whole scope it can be ruinous: the dashboard's workload figure ran 5.4 s on a generic
    plan against 0.2 s planned for the chef's organisations (docs/performance.md). Inside this
    block (one transaction) each statement is planned for its parameters again."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        yield
