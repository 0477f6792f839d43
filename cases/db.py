"""Database helpers shared by the apps."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from operator import attrgetter
from typing import Any, TypeVar

from django.db import connection, transaction
from django.db.models import Model, QuerySet
from django.db.models.constants import LOOKUP_SEP

M = TypeVar("M", bound=Model)


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


def sorted_here(queryset: QuerySet[M]) -> list[M]:
    """The rows of ``queryset`` in its order (its ``order_by``, else its model's
    ``Meta.ordering``), sorted in Python instead of by PostgreSQL. For the case page's short
    lists: a case's notes, deadlines, deviations, ansvarsförbindelse versions.

    Django 5.2 compiles an ORDER BY by matching each term against the whole SELECT list, and
    so hashes every selected column (``Expression.identity`` goes through
    ``inspect.signature``): 0.3–0.5 ms a query, some 3 ms of the case page, where sorting a
    case's few rows takes microseconds (docs/performance.md). The terms must be plain fields
    that are never NULL (PostgreSQL and Python would place NULLs differently)."""
    ordering = queryset.query.order_by or queryset.model._meta.ordering or ()
    return sort_like(list(queryset.order_by()), ordering)


def sort_like(rows: list[M], ordering: Sequence[Any]) -> list[M]:
    """``rows`` sorted as ``ORDER BY`` would with these terms ("-created_at", "id")."""
    for term in reversed(ordering):  # stable sorts, the last key first
        if not isinstance(term, str) or LOOKUP_SEP in term:
            raise ValueError(f"not a plain field to sort by: {term!r}")
        name = term.removeprefix("-")
        rows.sort(key=attrgetter(name), reverse=term.startswith("-"))
    return rows
