"""The chefs' dashboard: scope, figures recomputed in Python, constant query count,
drill-down and exports."""

from __future__ import annotations

import io
import statistics
import zipfile
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import AccessLog, CareProcess, Deadline
from cases.roles import OrganisationKind, Role
from deviations.detect import detect_all
from deviations.exports import to_xlsx
from deviations.models import Deviation
from deviations.selectors import Period, lead_times, scope_cases
from tests.deviations.conftest import bulk_cases, bulk_overdue, month_start
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

# Session, user, memberships, the chef check, the unit list, the navigation, the notification
# count, one query per figure, and the SET that has the figures planned for their parameters
# (cases.db.planned_for_each_call) with the savepoint around it (a transaction in production).
QUERIES_DASHBOARD = 20


@pytest.fixture
def two_orgs(db):
    a = OrganisationFactory(name="SN Alfa", kind=OrganisationKind.KOMMUN)
    b = OrganisationFactory(name="SN Beta", kind=OrganisationKind.KOMMUN)
    f = OrganisationFactory(name="Frivården Gamma", kind=OrganisationKind.FRIVARD)
    users = {
        "chef_a": MembershipFactory(organisation=a, role=Role.ENHETSCHEF).user,
        "chef_b": MembershipFactory(organisation=b, role=Role.ENHETSCHEF).user,
        "soc_a": MembershipFactory(organisation=a, role=Role.SOCIALSEKRETERARE).user,
        "soc_b": MembershipFactory(organisation=b, role=Role.SOCIALSEKRETERARE).user,
        "kvi": MembershipFactory(organisation=f, role=Role.KRIMINALVARDSINSPEKTOR).user,
    }
    return {"a": a, "b": b, "f": f, "users": users}


def _deviations(cases, org, user, kind="aterfall", days_ago=0):
    rows = Deviation.objects.bulk_create(
        [
            Deviation(
                case=c,
                kind=kind,
                severity="medel",
                occurred_on=timezone.localdate(),
                description="Hemligt",
                reported_by=user,
                organisation=org,
            )
            for c in cases
        ]
    )
    if days_ago:
        Deviation.objects.filter(pk__in=[r.pk for r in rows]).update(
            reported_at=timezone.now() - timedelta(days=days_ago)
        )


def _table(response, key):
    return next(t for t in response.context["tables"] if t.key == key)


def test_a_chef_sees_only_their_organisations_numbers(two_orgs, client):
    o, u = two_orgs, two_orgs["users"]
    a_cases = bulk_cases(3, owner=o["a"], counterpart=o["f"], handlaggare=u["soc_a"])
    b_cases = bulk_cases(5, owner=o["b"], counterpart=o["f"], start=100, handlaggare=u["soc_b"])
    bulk_overdue(a_cases, o["a"])
    bulk_overdue(b_cases, o["b"])
    _deviations(a_cases[:1], o["a"], u["soc_a"])
    _deviations(b_cases, o["b"], u["soc_b"], days_ago=10)
    detect_all()

    def figures(user):
        client.force_login(user)
        response = client.get(reverse("deviations:dashboard"))
        assert response.status_code == 200
        return {
            "overdue": sum(c[0].number for _l, c in _table(response, "frister").rows),
            "deviations": sum(c[-1].number for _l, c in _table(response, "avvikelser").rows),
            "routine": sum(c[-1].number for _l, c in _table(response, "rutin").rows),
            "cases": sum(c[0].number for _l, c in _table(response, "arenden").rows),
            "workload": {
                name: c[0].number for name, c in _table(response, "arbetsbelastning").rows
            },
        }

    a, b, kv = figures(u["chef_a"]), figures(u["chef_b"]), figures(u["kvi"])
    assert (a["overdue"], a["deviations"], a["routine"], a["cases"]) == (
        3,
        1,
        6,
        3,
    )  # deadline + consent missing
    assert (b["overdue"], b["deviations"], b["routine"], b["cases"]) == (
        5,
        5,
        15,
        5,
    )  # + not communicated
    assert (kv["overdue"], kv["deviations"], kv["cases"]) == (8, 6, 8)
    assert list(a["workload"].values()) == [3] and list(b["workload"].values()) == [5]
    # Age: B's deviations are 10 days old.
    client.force_login(u["chef_b"])
    row = _table(client.get(reverse("deviations:dashboard")), "avvikelser").rows[0]
    assert [c.number for c in row[1]] == [0, 5, 0, 5]


def test_non_chefs_get_404(two_orgs, client):
    client.force_login(two_orgs["users"]["soc_a"])
    assert client.get(reverse("deviations:dashboard")).status_code == 404
    assert client.get(reverse("deviations:drilldown") + "?metric=cases").status_code == 404
    assert client.get(reverse("deviations:export", args=["statistics", "csv"])).status_code == 404


def _percentile(values, fraction):
    """percentile_cont: linear interpolation between the closest ranks."""
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def test_lead_times_match_a_python_computation(two_orgs):
    o, u = two_orgs, two_orgs["users"]
    cases = bulk_cases(11, owner=o["a"], counterpart=o["f"])
    this_month = month_start(timezone.localdate())
    previous = date(this_month.year - (this_month.month == 1), (this_month.month - 2) % 12 + 1, 1)
    spans = [3, 9, 14, 1, 30, 7, 21, 2, 18, 5, 11]
    expected: dict[date, list[int]] = {}
    for i, (case, days) in enumerate(zip(cases, spans, strict=True)):
        month = this_month if i % 2 else previous
        decided = month + timedelta(days=i % 20)
        CareProcess.objects.create(
            case=case, request_date=decided - timedelta(days=days), decision_date=decided
        )
        expected.setdefault(month, []).append(days)
    # Another organisation's case must not count.
    other = bulk_cases(1, owner=o["b"], start=500)[0]
    CareProcess.objects.create(
        case=other, request_date=this_month, decision_date=this_month + timedelta(days=1)
    )
    scope = scope_cases(u["chef_a"])
    rows = lead_times("request_decision", scope, Period(previous, this_month))
    assert [r["month"] for r in rows] == sorted(expected)
    for row in rows:
        values = expected[row["month"]]
        assert row["n"] == len(values)
        assert row["median"] == pytest.approx(statistics.median(values))
        assert row["p90"] == pytest.approx(_percentile(values, 0.9))


def _dashboard_queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        # "Räkna om nu": the figures computed, not the ones kept from the last view.
        response = client.get(reverse("deviations:dashboard") + "?rakna_om=1")
    assert response.status_code == 200
    return len(queries)


def _populate(o, u, n, start):
    cases = bulk_cases(n, owner=o["a"], counterpart=o["f"], start=start, handlaggare=u["soc_a"])
    bulk_overdue(cases, o["a"])
    _deviations(cases, o["a"], u["soc_a"])
    today = timezone.localdate()
    CareProcess.objects.bulk_create(
        [
            CareProcess(
                case=c,
                request_date=today - timedelta(days=20 + i % 7),
                decision_date=today - timedelta(days=i % 5),
                judgment_date=today,
            )
            for i, c in enumerate(cases)
        ]
    )
    Deadline.objects.bulk_create(
        [
            Deadline(
                case=c,
                kind="kommun_beslut",
                label="Beslut",
                due_date=today - timedelta(days=1),
                status="klar",
                completed_at=timezone.now() - timedelta(days=2),
                responsible_organisation=o["a"],
            )
            for c in cases
        ]
    )
    detect_all()


def test_dashboard_query_count_is_constant(two_orgs, client):
    o, u = two_orgs, two_orgs["users"]
    _populate(o, u, 20, 0)
    small = _dashboard_queries(client, u["chef_a"])
    _populate(o, u, 380, 1000)
    large = _dashboard_queries(client, u["chef_a"])
    # Session, user, memberships, the chef check, the unit list, the navigation, the
    # notification count and one query per figure: 17, whatever the number of cases.
    assert small == large == QUERIES_DASHBOARD


def test_figures_are_kept_for_a_few_minutes_and_computed_again_on_request(two_orgs, client):
    o, u = two_orgs, two_orgs["users"]
    _populate(o, u, 3, 0)
    client.force_login(u["chef_a"])
    url = reverse("deviations:dashboard")

    def cases_shown(response) -> int:
        return sum(c[0].number for _l, c in _table(response, "arenden").rows)

    first = client.get(url)
    assert cases_shown(first) == 3 and "Siffrorna räknades fram kl." in first.text
    _populate(o, u, 2, 100)
    with CaptureQueriesContext(connection) as kept:
        again = client.get(url)
    assert cases_shown(again) == 3  # the kept figures, without the figure queries
    assert '<section aria-labelledby="arenden"' in again.text  # kept as HTML, not escaped
    assert len(kept) < QUERIES_DASHBOARD
    assert cases_shown(client.get(url + "?rakna_om=1")) == 5
    assert cases_shown(client.get(url)) == 5  # the new figures are kept in turn


def test_figures_kept_by_an_older_release_are_computed_again(two_orgs, client):
    from django.core.cache import cache

    from deviations.views import dashboard_cache_key

    u = two_orgs["users"]
    client.force_login(u["chef_a"])
    response = client.get(reverse("deviations:dashboard"))
    period = response.context["period"]
    key = dashboard_cache_key(u["chef_a"].pk, period, None, timezone.localdate())
    assert cache.get(key) is not None
    cache.set(key, {"an": "older format"})
    assert client.get(reverse("deviations:dashboard")).status_code == 200


def test_drilldown_lists_the_cases_behind_a_number_in_scope(two_orgs, client):
    o, u = two_orgs, two_orgs["users"]
    a_cases = bulk_cases(2, owner=o["a"], counterpart=o["f"], names="Aaklient")
    b_cases = bulk_cases(3, owner=o["b"], counterpart=o["f"], start=100, names="Bbklient")
    bulk_overdue(a_cases + b_cases, o["f"])
    client.force_login(u["chef_a"])
    response = client.get(
        _table(client.get(reverse("deviations:dashboard")), "frister").rows[0][1][0].url
    )
    assert response.status_code == 200
    references = {row["case"].reference for row in response.context["rows"]}
    assert references == {c.reference for c in a_cases}
    # The chef of the owning kommun sees names (own organisation); never another's clients.
    assert "Aaklient0" in response.text and "Bbklient" not in response.text
    # Tampering with the GET parameters cannot widen the scope.
    response = client.get(reverse("deviations:drilldown") + f"?metric=cases&unit={o['b'].pk}")
    assert {row["case"].reference for row in response.context["rows"]} == {
        c.reference for c in a_cases
    }
    # Frivården without consent: the request view masks the client.
    client.force_login(u["kvi"])
    response = client.get(reverse("deviations:drilldown") + "?metric=overdue")
    assert len(response.context["rows"]) == 5
    assert "Aaklient" not in response.text and "Bbklient" not in response.text


def test_exports_csv_and_xlsx_without_client_data(two_orgs, client):
    o, u = two_orgs, two_orgs["users"]
    cases = bulk_cases(2, owner=o["a"], counterpart=o["f"], names="Hemlignamn")
    _deviations(cases, o["a"], u["soc_a"])
    bulk_overdue(cases, o["a"])
    client.force_login(u["chef_a"])

    response = client.get(reverse("deviations:export", args=["deviation_list", "csv"]))
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff") and "Ärende;Typ;" in body
    assert cases[0].reference in body and "Återfall" in body
    assert "Hemlignamn" not in body and "Hemligt" not in body
    assert cases[0].client.id_number not in body

    response = client.get(reverse("deviations:export", args=["statistics", "xlsx"]))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert "xl/worksheets/sheet1.xml" in archive.namelist()
    sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "Månad" in sheet and "Återfall" in sheet and "<v>2</v>" in sheet
    assert "KV-2026" not in sheet  # statistics: not even the case reference

    response = client.get(reverse("deviations:export", args=["frister", "xlsx"]))
    sheet = zipfile.ZipFile(io.BytesIO(response.content)).read("xl/worksheets/sheet1.xml").decode()
    assert "Typ av frist" in sheet and "<v>2</v>" in sheet
    assert AccessLog.objects.filter(user=u["chef_a"], action="export").count() == 3


def test_xlsx_is_a_valid_package():
    data = to_xlsx([["Rubrik", "Tal"], ["=SUMMA(A1)", 3.5], ["<&>", 2]])
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert set(archive.namelist()) >= {
        "[Content_Types].xml",
        "_rels/.rels",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "xl/worksheets/sheet1.xml",
    }
    sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "'=SUMMA(A1)" in sheet and "&lt;&amp;&gt;" in sheet and "<v>3.5</v>" in sheet
