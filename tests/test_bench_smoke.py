"""`make bench` end to end on a tiny data set: every page is measured and reported, and the
bare view really renders its rows. No timing is asserted (timings belong to `make bench`)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from bench import run as bench_run

pytestmark = pytest.mark.django_db

MEASURED = {
    "case_list",
    "case_list_deep",
    "my_cases",
    "search_name",
    "search_identity",
    "case_detail",
    "log_review",
}


def test_bench_reports_every_page_beside_its_bare_view() -> None:
    call_command("seed_synthetic", "--cases", "200", "--seed", "3", "--i-know", stdout=StringIO())

    report = bench_run.run(repeats=3, warmup=1, sweep_repeats=1, log=lambda line: None)

    pages = {page["key"]: page for page in report["pages"]}
    assert set(pages) >= MEASURED
    for key in MEASURED:
        page = pages[key]
        assert page["note"] == "", (key, page["note"])
        assert page["median_ms"] > 0 and page["p95_ms"] >= page["median_ms"]
        assert page["bare_median_ms"] > 0 and page["ratio_p95"] > 0
        assert page["queries"] > 0
        assert page["passed"] is not None
    for key in ("case_list", "case_list_deep", "my_cases", "case_detail", "search_identity"):
        assert pages[key]["bare_rows"] == 50, key
    # The personnummer search is also shown beside the bare view of the person's cases (one on
    # the bench's data, a few on this small set), reported without a budget.
    one_row = pages["search_identity_one_row"]
    assert 0 < one_row["bare_rows"] < 50 and one_row["passed"] is None and one_row["median_ms"] > 0
    assert pages["log_review"]["bare_rows"] == 100
    # Skipped pages say why; measured ones have numbers.
    for page in report["pages"]:
        assert page["note"] or page["median_ms"] is not None, page["key"]
    assert pages["sweep"]["median_ms"] is not None or pages["sweep"]["note"]
    assert report["machine"]["cores"] >= 1 and report["machine"]["postgresql"]
    assert report["dataset"]["cases"] == 200
    json.dumps(report, default=str)  # what `make bench` writes to var/bench/
    assert "Ärendelista, sida 1" in bench_run.table(report)
