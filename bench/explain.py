"""`python -m bench.explain [name ...]`: EXPLAIN (ANALYZE, BUFFERS) of the queries behind the
measured pages, on the bench database, for the same users as `make bench`.

The queries come from the application's own selectors (nothing is rewritten here), so the plans
are those the pages run. Used to write the EXPLAIN notes in docs/performance.md."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from bench.main import configure


def _queries() -> dict[str, Callable[[], Any]]:
    from django.utils import timezone

    from bench.run import pick_subjects
    from cases import selectors, selectors_deadlines, selectors_log
    from cases.selectors import PAGE_SIZE, CaseFilters

    subjects = pick_subjects()
    user, chef = subjects.caseworker, subjects.chef
    deep = (subjects.deep_page - 1) * PAGE_SIZE

    def case_list(**filters: Any) -> Any:
        return selectors.case_list_for_user(user, CaseFilters(**filters))

    def deep_page() -> Any:
        # What the "Nästa" button of the page before posts: the keyset cursor of its last row
        # (selectors.paginate), not an offset.
        last_before = case_list()[deep - 1]
        cursor = selectors.page_cursor(last_before, selectors.DEFAULT_SORT)
        values = selectors._parse_cursor(cursor, selectors.DEFAULT_SORT)
        assert values is not None
        seek = selectors._seek(selectors.DEFAULT_SORT, values, forward=True)
        return case_list().filter(seek)[: PAGE_SIZE + 1]

    def my_deadlines_table(which: str) -> Any:
        overdue, upcoming = selectors_deadlines.my_deadline_queries(
            user, today=timezone.localdate()
        )
        table = overdue if which == "overdue" else upcoming
        return table.values_list(*selectors_deadlines._MY_DEADLINES_COLUMNS)[:101]

    return {
        "case_list": lambda: case_list()[: PAGE_SIZE + 1],
        "case_list_deep": deep_page,
        "case_list_deep_offset": lambda: case_list()[deep : deep + PAGE_SIZE + 1],
        "my_cases": lambda: case_list(mine=True)[: PAGE_SIZE + 1],
        "search_name": lambda: case_list(query=subjects.search_name)[: PAGE_SIZE + 1],
        "search_identity": lambda: case_list(query=subjects.search_identity)[: PAGE_SIZE + 1],
        "case_detail": lambda: selectors.case_detail_qs(user).filter(pk=subjects.detail_case.pk),
        "timeline": lambda: selectors.timeline_for(
            user, selectors.case_for_user(user, subjects.detail_case.pk)
        ),
        "log_review": lambda: selectors_log.access_log_for_chef(chef)[:101],
        "my_deadlines_overdue": lambda: my_deadlines_table("overdue"),
        "my_deadlines_upcoming": lambda: my_deadlines_table("upcoming"),
        "notifications": lambda: selectors_deadlines.Notification.objects.filter(
            recipient=user
        ).select_related("case")[:100],
        "unread_count": lambda: selectors_deadlines.Notification.objects.filter(
            recipient=user, read_at__isnull=True
        ),
    }


def explain(name: str, queryset: Any) -> str:
    from django.db import connection

    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return f"== {name}\n{plan}\n"


def main(argv: list[str]) -> int:
    configure()
    import django

    django.setup()
    queries = _queries()
    for name in argv or list(queries):
        print(explain(name, queries[name]()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
