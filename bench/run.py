"""Measures the pages in-process with Django's test client, each beside its bare view.

Method (docs/performance.md): per page, a few warm-up requests of the page and of its bare view,
then ``repeats`` rounds of one page request and one bare request in alternating order, so both
share the machine's noise. The time is the wall time of the request through the whole
middleware stack (sessions, CSRF, auth, CSP, ...), which both sides pay alike. Queries are
counted with an execute wrapper (no SQL is recorded, so counting costs nothing measurable)."""

from __future__ import annotations

import html
import os
import platform
import re
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import override_settings
from django.urls import NoReverseMatch, reverse

from accounts.models import User
from cases.models import (
    AccessLog,
    AuditEvent,
    Case,
    Consent,
    Deadline,
    JointPlan,
    Membership,
    Notification,
    Participation,
)
from cases.models import (
    Client as CaseClient,
)
from cases.roles import Role
from cases.selectors import MAX_PAGE, PAGE_SIZE

RATIO_BUDGET = 1.5
SWEEP_BUDGET_S = 10.0
PDF_BUDGET_S = 1.0
BENCH_SETTINGS = {
    "ROOT_URLCONF": "bench.urls",
    # Production uses the manifest storage after collectstatic; the bench needs no collected
    # files (the lookup is a dictionary read either way).
    "STORAGES": {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    },
}
_ROW = re.compile(rb'<tr class="row">')


class BenchError(RuntimeError):
    pass


@dataclass
class Subjects:
    """Who and what the pages are measured with, chosen from the data."""

    caseworker: User
    chef: User
    detail_case: Case
    plan_case: Case | None
    search_name: str
    search_identity: str
    deep_page: int
    visible_cases: int

    def describe(self) -> dict[str, Any]:
        return {
            "caseworker": self.caseworker.username,
            "caseworker_handles_cases": Participation.objects.filter(
                handlaggare=self.caseworker
            ).count(),
            "caseworker_visible_cases": self.visible_cases,
            "chef": self.chef.username,
            "detail_case": self.detail_case.reference,
            "detail_case_audit_events": AuditEvent.objects.filter(case=self.detail_case).count(),
            "plan_case": self.plan_case.reference if self.plan_case else None,
            "search_name": self.search_name,
            "search_identity": "ÅÅÅÅMMDD-****",
            "deep_page": self.deep_page,
        }


def pick_subjects() -> Subjects:
    """A socialsekreterare with the most cases, the enhetschef of the same organisation, and
    that caseworker's busiest shared case (the one with the longest timeline)."""
    caseworker = (
        User.objects.filter(
            memberships__role=Role.SOCIALSEKRETERARE, memberships__valid_until__isnull=True
        )
        .annotate(handled=Count("participations", distinct=True))
        .order_by("-handled", "id")
        .first()
    )
    if caseworker is None:
        raise BenchError("Ingen socialsekreterare i databasen: kör seed_synthetic först.")
    organisation_id = (
        caseworker.memberships.filter(role=Role.SOCIALSEKRETERARE)
        .values_list("organisation_id", flat=True)
        .first()
    )
    chef_membership = (
        Membership.objects.filter(organisation_id=organisation_id or 0, role=Role.ENHETSCHEF)
        .select_related("user")
        .order_by("id")
        .first()
        or Membership.objects.filter(role=Role.ENHETSCHEF).select_related("user").first()
    )
    if chef_membership is None:
        raise BenchError("Ingen enhetschef i databasen.")
    own = Participation.objects.filter(handlaggare=caseworker).values("case_id")
    active_consent = Consent.objects.filter(withdrawn_at__isnull=True).values("case_id")
    shared = Case.objects.filter(
        pk__in=own, client__protected_identity=False, case_type="kontraktsvard"
    ).filter(pk__in=active_consent)
    detail_case = (
        shared.annotate(timeline_length=Count("audit_events"))
        .order_by("-timeline_length", "id")
        .first()
        or Case.objects.filter(pk__in=own).order_by("id").first()
    )
    if detail_case is None:
        raise BenchError("Socialsekreteraren har inga ärenden.")
    plan_case = (
        shared.filter(pk__in=JointPlan.objects.values("case_id"), case_type__in=["kontraktsvard"])
        .order_by("id")
        .first()
    )
    client = CaseClient.objects.get(pk=detail_case.client_id)
    visible = Case.objects.visible_to(caseworker).count()
    return Subjects(
        caseworker=caseworker,
        chef=chef_membership.user,
        detail_case=detail_case,
        plan_case=plan_case,
        search_name=client.last_name,
        search_identity=f"{client.id_number[:8]}-{client.id_number[8:]}",
        deep_page=max(2, min(MAX_PAGE // 2, visible // PAGE_SIZE)),
        visible_cases=visible,
    )


@dataclass
class Page:
    key: str
    label: str
    url_name: str
    user: User
    bare: str  # query string of the bare view: "<url name>?params"
    method: str = "get"
    args: tuple[Any, ...] = ()
    data: dict[str, str] | None = None
    budget: str = "ratio"  # "ratio" (median and p95 ratio ≤ 1.5) or "" (reported only)
    # Reached with the page's "Nästa" button: the data of the page before, posted once before
    # measuring; the button's hidden fields (filters, page number, keyset cursor) are then what
    # is posted, as a browser would.
    next_of: dict[str, str] | None = None
    query: str = ""  # appended to the page's URL (GET parameters)


@dataclass
class Result:
    key: str
    label: str
    median_ms: float | None = None
    p95_ms: float | None = None
    queries: int | None = None
    queries_constant: bool | None = None
    bare_median_ms: float | None = None
    bare_p95_ms: float | None = None
    ratio_median: float | None = None
    ratio_p95: float | None = None
    bare_rows: int | None = None
    budget: str = ""
    passed: bool | None = None
    note: str = ""
    samples: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def p95(values: list[float]) -> float:
    """The 95th percentile (inclusive method: never outside the measured values)."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


@contextmanager
def count_queries() -> Iterator[list[int]]:
    counter = [0]

    def wrapper(
        execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        counter[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield counter


def _request(
    client: Client, method: str, url: str, data: dict[str, str] | None
) -> tuple[float, int, bytes]:
    with count_queries() as counter:
        started = time.perf_counter()
        response = client.post(url, data or {}) if method == "post" else client.get(url)
        elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise BenchError(f"{url} svarade {response.status_code}")
    content = b"".join(response) if response.streaming else response.content
    return elapsed, counter[0], content


def measure_page(page: Page, *, repeats: int, warmup: int) -> Result:
    result = Result(key=page.key, label=page.label, budget=page.budget)
    try:
        url = reverse(page.url_name, args=page.args) + (f"?{page.query}" if page.query else "")
    except NoReverseMatch:
        result.note = f"URL-namnet {page.url_name} finns inte (ännu): hoppas över"
        return result
    bare_name, _, bare_query = page.bare.partition("?")
    bare_url = reverse(bare_name) + (f"?{bare_query}" if bare_query else "")
    # A server error becomes a 500 (reported in the table), not an exception that ends the run.
    client = Client(raise_request_exception=False)
    client.force_login(page.user)
    try:
        if page.next_of is not None:
            followed = _next_button_data(client, url, page.next_of)
            # A data set too small for the page before to have a next page: by number.
            result.extra["reached_by"] = "Nästa-knappen (markör)" if followed else "sidnummer"
            page = replace(page, data=followed or page.data)
        return _measure(page, result, client, url, bare_url, repeats=repeats, warmup=warmup)
    except BenchError as error:
        result.note = str(error)
        result.passed = False
        return result


_NEXT_FORM = re.compile(
    r'<form method="post"[^>]*>((?:(?!</form>).)*?name="efter"(?:(?!</form>).)*?)</form>', re.S
)
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def _next_button_data(client: Client, url: str, data: dict[str, str]) -> dict[str, str] | None:
    """The fields the "Nästa" button of the page posted with ``data`` sends (None: no such
    button)."""
    _elapsed, _count, content = _request(client, "post", url, data)
    found = _NEXT_FORM.search(content.decode())
    if found is None:
        return None
    fields = dict(_HIDDEN.findall(found.group(1)))
    fields.pop("csrfmiddlewaretoken", None)
    return {name: html.unescape(value) for name, value in fields.items()}


def _measure(
    page: Page,
    result: Result,
    client: Client,
    url: str,
    bare_url: str,
    *,
    repeats: int,
    warmup: int,
) -> Result:
    times: list[float] = []
    bare_times: list[float] = []
    queries: set[int] = set()
    for _ in range(warmup):
        _request(client, page.method, url, page.data)
        _request(client, "get", bare_url, None)
    for round_number in range(repeats):
        # Alternate which goes first so that neither always follows the other.
        order = ("page", "bare") if round_number % 2 == 0 else ("bare", "page")
        for which in order:
            if which == "page":
                elapsed, count, _ = _request(client, page.method, url, page.data)
                times.append(elapsed)
                queries.add(count)
            else:
                elapsed, _, content = _request(client, "get", bare_url, None)
                bare_times.append(elapsed)
                result.bare_rows = len(_ROW.findall(content))
    result.samples = repeats
    result.median_ms = round(statistics.median(times) * 1000, 2)
    result.p95_ms = round(p95(times) * 1000, 2)
    result.bare_median_ms = round(statistics.median(bare_times) * 1000, 2)
    result.bare_p95_ms = round(p95(bare_times) * 1000, 2)
    result.queries = max(queries)
    result.queries_constant = len(queries) == 1
    result.ratio_median = round(result.median_ms / result.bare_median_ms, 2)
    result.ratio_p95 = round(result.p95_ms / result.bare_p95_ms, 2)
    if page.budget == "ratio":
        # DESIGN.md "Performance budgets": the median and the p95 ratio, each ≤ 1.5.
        result.budget = f"kvoter ≤ {RATIO_BUDGET}"
        result.passed = max(result.ratio_median, result.ratio_p95) <= RATIO_BUDGET
    return result


class _Rollback(Exception):
    pass


def measure_sweep(repeats: int) -> Result:
    """One synchronous run of the reminder sweep over every deadline, rolled back afterwards
    (so every run does the same work: the first sweep of a day, the heaviest)."""
    result = Result(
        key="sweep", label="Påminnelsesvep (alla frister)", budget=f"< {SWEEP_BUDGET_S:.0f} s"
    )
    try:
        from cases.tasks import sweep_deadlines
    except ImportError:
        result.note = "cases.tasks.sweep_deadlines finns inte (ännu): hoppas över"
        return result
    times: list[float] = []
    outcome: Any = None
    queries: set[int] = set()
    for _ in range(repeats):
        try:
            with transaction.atomic(), count_queries() as counter:
                started = time.perf_counter()
                outcome = sweep_deadlines()
                times.append(time.perf_counter() - started)
                queries.add(counter[0])
                raise _Rollback
        except _Rollback:
            pass
    result.samples = repeats
    result.median_ms = round(statistics.median(times) * 1000, 1)
    result.p95_ms = round(max(times) * 1000, 1)
    result.queries = max(queries)
    result.queries_constant = len(queries) == 1
    result.passed = max(times) < SWEEP_BUDGET_S
    result.extra = {
        "active_deadlines": Deadline.objects.filter(status__in=Deadline.ACTIVE_STATUSES).count(),
        "outcome": outcome,
    }
    return result


def measure_pdf(subjects: Subjects, repeats: int) -> Result:
    result = Result(key="pdf", label="PDF: gemensam plan", budget=f"< {PDF_BUDGET_S:.0f} s")
    try:
        from ansvarsforbindelse.pdf import render_joint_plan_pdf
    except ImportError:
        result.note = "ingen PDF-rendering finns (ännu): hoppas över"
        return result
    if subjects.plan_case is None:
        result.note = "inget ärende med gemensam plan: hoppas över"
        return result
    from cases.selectors import case_for_user

    times = []
    try:
        with count_queries() as counter:
            for _ in range(repeats + 1):
                case = case_for_user(subjects.caseworker, subjects.plan_case.pk)
                started = time.perf_counter()
                pdf = render_joint_plan_pdf(case, subjects.caseworker)
                times.append(time.perf_counter() - started)
    except Exception as error:  # noqa: BLE001 - reported in the table, the run goes on
        result.note = f"renderingen misslyckades: {type(error).__name__}"
        result.passed = False
        return result
    times = times[1:]  # the first render loads the fonts
    result.samples = repeats
    result.median_ms = round(statistics.median(times) * 1000, 1)
    result.p95_ms = round(p95(times) * 1000, 1)
    result.queries = counter[0] // (repeats + 1)
    result.passed = result.p95_ms < PDF_BUDGET_S * 1000
    result.extra = {"bytes": len(pdf)}
    return result


def pages_for(subjects: Subjects) -> list[Page]:
    caseworker, chef = subjects.caseworker, subjects.chef
    deep = subjects.deep_page
    pages = [
        Page(
            "case_list",
            "Ärendelista, sida 1",
            "cases:organisation_cases",
            caseworker,
            "bench_bare_cases",
        ),
        Page(
            "case_list_deep",
            f"Ärendelista, sida {deep}",
            "cases:organisation_cases",
            caseworker,
            f"bench_bare_cases?offset={(deep - 1) * PAGE_SIZE}",
            method="post",
            data={"sida": str(deep)},
            next_of={"sida": str(deep - 1)},
        ),
        Page("my_cases", "Mina ärenden", "cases:my_cases", caseworker, "bench_bare_cases"),
        Page(
            "search_name",
            "Sökning på efternamn",
            "cases:organisation_cases",
            caseworker,
            f"bench_bare_cases?q={subjects.search_name}",
            method="post",
            data={"sok": subjects.search_name},
        ),
        # A search by personnummer finds one case. Its budget is DESIGN.md's, as for the case
        # page (one case too): against the bare view of 50 rows. Beside the bare view of its
        # one row it is reported: that ratio measures a page's fixed cost (layout, filter
        # form, the access-log row a personnummer search must write), not how the page
        # scales, and no page with them fits in 1.5 times a one-row table (docs/decisions.md).
        Page(
            "search_identity",
            "Sökning på personnummer",
            "cases:organisation_cases",
            caseworker,
            "bench_bare_cases",
            method="post",
            data={"sok": subjects.search_identity},
        ),
        Page(
            "search_identity_one_row",
            "Sökning på personnummer, mot en rad",
            "cases:organisation_cases",
            caseworker,
            "bench_bare_cases?q=" + subjects.search_identity.replace("-", ""),
            method="post",
            data={"sok": subjects.search_identity},
            budget="",
        ),
        Page(
            "case_detail",
            "Ärendesida",
            "cases:detail",
            caseworker,
            "bench_bare_cases",
            args=(subjects.detail_case.pk,),
        ),
        Page(
            "log_review",
            "Loggkontroll (chef)",
            "cases:log_review",
            chef,
            "bench_bare_access_log?rows=100",
        ),
        Page(
            "notifications",
            "Notiser",
            "deadlines:notifications",
            caseworker,
            f"bench_bare_notifications?rows=100&user={caseworker.pk}",
        ),
        Page(
            "my_deadlines",
            "Mina frister",
            "deadlines:mine",
            caseworker,
            "bench_bare_deadlines?rows=100",
        ),
        # The chefs' dashboard (issue 8) beside a bare view of the same organisation's cases.
        # As chefs mostly see it (the figures kept for a few minutes), and computed again on
        # every request ("Räkna om nu"), which is what the first view in a while costs.
        Page("dashboard", "Översikt (chef)", "deviations:dashboard", chef, "bench_bare_cases"),
        Page(
            "dashboard_fresh",
            "Översikt (chef), omräknad",
            "deviations:dashboard",
            chef,
            "bench_bare_cases",
            query="rakna_om=1",
            budget="",
        ),
    ]
    if subjects.plan_case is not None:
        pages.append(
            Page(
                "joint_plan_print",
                "Gemensam plan, utskrift",
                "cases:joint_plan_print",
                caseworker,
                "bench_bare_cases",
                args=(subjects.plan_case.pk,),
            )
        )
    return pages


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    ram_gib: float | None = None
    try:
        with open("/proc/meminfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    ram_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
                    break
    except OSError:
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    import django

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": ram_gib,
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": postgres,
        "database": connection.settings_dict["NAME"],
        "platform": platform.platform(),
    }


def dataset() -> dict[str, int]:
    """Exact row counts of the main tables (COUNT(*) once per run; not part of any page)."""
    return {
        "cases": Case.objects.count(),
        "clients": CaseClient.objects.count(),
        "audit_events": AuditEvent.objects.count(),
        "deadlines": Deadline.objects.count(),
        "active_deadlines": Deadline.objects.filter(status__in=Deadline.ACTIVE_STATUSES).count(),
        "organisations": Membership.objects.values("organisation").distinct().count(),
        "users": User.objects.count(),
        "access_log": AccessLog.objects.count(),
        "notifications": Notification.objects.count(),
        "consents_in_force": Consent.objects.filter(withdrawn_at__isnull=True).count(),
        "participations": Participation.objects.count(),
        "protected_clients": CaseClient.objects.filter(protected_identity=True).count(),
        "deadlines_overdue": Deadline.objects.filter(
            Q(status=Deadline.Status.OVERDUE)
            | Q(status=Deadline.Status.OPEN, due_date__lt=datetime.now().date())
        ).count(),
    }


def run(
    *,
    repeats: int = 60,
    warmup: int = 5,
    sweep_repeats: int = 3,
    only: set[str] | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Measure every page; returns the report (what ``make bench`` prints and stores)."""
    with override_settings(**BENCH_SETTINGS):
        subjects = pick_subjects()
        results: list[Result] = []
        for page in pages_for(subjects):
            if only and page.key not in only:
                continue
            log(f"  {page.label} …")
            results.append(measure_page(page, repeats=repeats, warmup=warmup))
        if not only or "sweep" in only:
            log("  påminnelsesvep …")
            results.append(measure_sweep(sweep_repeats))
        if not only or "pdf" in only:
            log("  PDF …")
            results.append(measure_pdf(subjects, max(3, repeats // 5)))
        return {
            "timestamp": datetime.now().astimezone().isoformat(timespec="seconds"),
            "machine": machine(),
            "dataset": dataset(),
            "subjects": subjects.describe(),
            "method": {
                "repeats": repeats,
                "warmup": warmup,
                "ratio_budget": RATIO_BUDGET,
                "client": "django.test.Client, in-process, full middleware stack",
            },
            "pages": [asdict(result) for result in results],
        }


def _fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "NEJ"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def table(report: dict[str, Any]) -> str:
    """The report as a fixed-width table (Markdown-compatible)."""
    headings = [
        "sida",
        "median ms",
        "p95 ms",
        "frågor",
        "bar median",
        "bar p95",
        "kvot median",
        "kvot p95",
        "budget",
        "klarar",
    ]
    lines = [headings]
    for page in report["pages"]:
        queries = _fmt(page["queries"])
        if page["queries_constant"] is False:
            queries += " (varierar)"
        lines.append(
            [
                page["label"],
                _fmt(page["median_ms"]),
                _fmt(page["p95_ms"]),
                queries,
                _fmt(page["bare_median_ms"]),
                _fmt(page["bare_p95_ms"]),
                _fmt(page["ratio_median"], 2),
                _fmt(page["ratio_p95"], 2),
                page["budget"] or "–",
                "hoppas över"
                if page["note"] and page["median_ms"] is None
                else ("–" if page["passed"] is None else ("ja" if page["passed"] else "NEJ")),
            ]
        )
    widths = [max(len(row[i]) for row in lines) for i in range(len(headings))]
    out = []
    for index, row in enumerate(lines):
        out.append("| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) + " |")
        if index == 0:
            out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    m = report["machine"]
    out.append("")
    out.append(
        f"Maskin: {m['cpu']}, {m['cores']} kärnor, {m['ram_gib']} GiB RAM; Python {m['python']}, "
        f"Django {m['django']}, PostgreSQL {m['postgresql']} (databas {m['database']})."
    )
    d = report["dataset"]
    out.append(
        f"Data: {d['cases']} ärenden, {d['clients']} klienter, {d['audit_events']} händelser, "
        f"{d['deadlines']} frister ({d['active_deadlines']} aktiva), {d['users']} användare, "
        f"{d['access_log']} loggposter."
    )
    for page in report["pages"]:
        if page["note"]:
            out.append(f"Not: {page['label']}: {page['note']}")
    return "\n".join(out)
