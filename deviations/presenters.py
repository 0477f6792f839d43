"""What the dashboard and the case panel show, built from the selectors' rows.

A dashboard table is a plain structure (title, columns, rows of cells with an optional
drill-down link, and the chart's bars) that the page, the CSV and the XLSX export all render,
so the figures on screen and in a file are the same figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.db import sorted_here
from cases.models import Case, DeadlineKind
from cases.states import CaseType, State
from deviations import permissions
from deviations.models import Deviation, DeviationAction, DeviationKind, RoutineDeviation
from deviations.rules import RULES
from deviations.selectors import AGE_BUCKETS, LEAD_TIMES, Dashboard, Period

if TYPE_CHECKING:
    from accounts.models import User


@dataclass
class Cell:
    value: str
    url: str = ""
    number: float | None = None


@dataclass
class Bar:
    label: str
    value: float
    display: str


@dataclass
class Table:
    key: str
    title: str
    caption: str
    columns: list[str]
    rows: list[tuple[str, list[Cell]]] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    empty: str = ""

    @property
    def header(self) -> list[str]:
        return self.columns

    def as_rows(self) -> list[list[Any]]:
        """Header plus data rows, for the exports (numbers stay numbers)."""
        out: list[list[Any]] = [self.columns]
        for label, cells in self.rows:
            out.append([label, *[c.number if c.number is not None else c.value for c in cells]])
        return out


def _fmt(number: float | None, decimals: int = 0) -> str:
    if number is None:
        return "–"
    if decimals == 0:
        return f"{round(number):d}"
    return f"{number:.{decimals}f}".replace(".", ",")


class Links:
    """Drill-down URLs carrying the dashboard's period and unit."""

    def __init__(self, period: Period, unit: int | None) -> None:
        self.base = {"start": f"{period.start:%Y-%m}", "end": f"{period.end:%Y-%m}"}
        if unit:
            self.base["unit"] = str(unit)

    def __call__(self, metric: str, **params: Any) -> str:
        query = {"metric": metric, **{k: v for k, v in params.items() if v not in ("", None)}}
        return f"{reverse('deviations:drilldown')}?{urlencode({**query, **self.base})}"


def _count_cell(value: int, url: str) -> Cell:
    return Cell(str(value), url if value else "", value)


def _month_label(month: date) -> str:
    return f"{month:%Y-%m}"


def dashboard_tables(data: Dashboard, *, unit: int | None) -> list[Table]:
    link = Links(data.period, unit)
    bucket_titles = [_(label) for _key, label, _low, _high in AGE_BUCKETS]
    tables = []

    deviations = Table(
        "avvikelser",
        _("Öppna rapporterade avvikelser"),
        _("Öppna rapporterade avvikelser per typ och ålder"),
        [_("Typ"), *bucket_titles, _("Totalt")],
        empty=_("Inga öppna rapporterade avvikelser."),
    )
    for row in data.deviations:
        label = str(DeviationKind(row["kind"]).label)
        cells = [
            _count_cell(row[f"b{key}"], link("deviation", kind=row["kind"], age=key))
            for key, *_rest in AGE_BUCKETS
        ]
        cells.append(_count_cell(row["total"], link("deviation", kind=row["kind"])))
        deviations.rows.append((label, cells))
        deviations.bars.append(Bar(label, row["total"], str(row["total"])))
    tables.append(deviations)

    routine = Table(
        "rutin",
        _("Öppna avvikelser från rutinen"),
        _("Avvikelser från rutinen som systemet har upptäckt, per regel och ålder"),
        [_("Regel"), *bucket_titles, _("Totalt")],
        empty=_("Inga öppna avvikelser från rutinen."),
    )
    for row in data.routine:
        rule = RULES.get(row["rule"])
        label = str(rule.label) if rule else row["rule"]
        cells = [
            _count_cell(row[f"b{key}"], link("routine", kind=row["rule"], age=key))
            for key, *_rest in AGE_BUCKETS
        ]
        cells.append(_count_cell(row["total"], link("routine", kind=row["rule"])))
        routine.rows.append((label, cells))
        routine.bars.append(Bar(label, row["total"], str(row["total"])))
    tables.append(routine)

    overdue = Table(
        "frister",
        _("Försenade frister"),
        _("Frister vars datum har passerat, per typ"),
        [_("Typ av frist"), _("Antal")],
        empty=_("Inga försenade frister."),
    )
    for row in data.overdue:
        label = str(DeadlineKind(row["kind"]).label)
        overdue.rows.append((label, [_count_cell(row["total"], link("overdue", kind=row["kind"]))]))
        overdue.bars.append(Bar(label, row["total"], str(row["total"])))
    tables.append(overdue)

    cases = Table(
        "arenden",
        _("Ärenden per typ och status"),
        _("Antal ärenden per ärendetyp och status"),
        [_("Ärendetyp och status"), _("Antal")],
        empty=_("Inga ärenden."),
    )
    for row in data.cases:
        label = f"{CaseType(row['case_type']).label}: {State(row['state']).label}"
        url = link("cases", case_type=row["case_type"], state=row["state"])
        cases.rows.append((label, [_count_cell(row["total"], url)]))
        cases.bars.append(Bar(label, row["total"], str(row["total"])))
    tables.append(cases)

    for which, title in LEAD_TIMES.items():
        table = Table(
            f"ledtid-{which}",
            _("Ledtid: %(title)s") % {"title": _(title)},
            _("%(title)s, dagar per månad (median och 90:e percentilen)") % {"title": _(title)},
            [_("Månad"), _("Antal ärenden"), _("Median (dagar)"), _("90:e percentilen (dagar)")],
            empty=_("Inga ärenden under perioden."),
        )
        for row in data.lead_times[which]:
            month = _month_label(row["month"])
            url = link("lead", which=which, month=month)
            table.rows.append(
                (
                    month,
                    [
                        _count_cell(row["n"], url),
                        Cell(_fmt(row["median"], 1), url, row["median"]),
                        Cell(_fmt(row["p90"], 1), url, row["p90"]),
                    ],
                )
            )
            table.bars.append(Bar(f"{month} median", row["median"], _fmt(row["median"], 1)))
            table.bars.append(Bar(f"{month} p90", row["p90"], _fmt(row["p90"], 1)))
        tables.append(table)

    met = Table(
        "hallna-frister",
        _("Hållna frister"),
        _("Andel frister klara senast på förfallodagen, per månad"),
        [_("Månad"), _("Frister"), _("Hållna"), _("Missade"), _("Andel hållna (%)")],
        empty=_("Inga frister under perioden."),
    )
    for row in data.deadlines_met:
        month = _month_label(row["month"])
        share = 100.0 * row["met"] / row["total"] if row["total"] else 0.0
        missed = row["total"] - row["met"]
        met.rows.append(
            (
                month,
                [
                    Cell(str(row["total"]), "", row["total"]),
                    _count_cell(row["met"], link("met", month=month)),
                    _count_cell(missed, link("missed", month=month)),
                    Cell(_fmt(share, 1), "", round(share, 1)),
                ],
            )
        )
        met.bars.append(Bar(month, share, f"{_fmt(share, 1)} %"))
    tables.append(met)

    load = Table(
        "arbetsbelastning",
        _("Arbetsbelastning"),
        _("Aktiva ärenden per ansvarig handläggare"),
        [_("Handläggare"), _("Aktiva ärenden")],
        empty=_("Inga ärenden har en ansvarig handläggare."),
    )
    for row in data.workload:
        name = (
            " ".join(
                part
                for part in (row["handlaggare__first_name"], row["handlaggare__last_name"])
                if part
            )
            or row["handlaggare__username"]
        )
        url = link("workload", handlaggare=row["handlaggare_id"])
        load.rows.append((name, [_count_cell(row["total"], url)]))
        load.bars.append(Bar(name, row["total"], str(row["total"])))
    tables.append(load)
    return tables


# --- The case panel ------------------------------------------------------------------------


def _names(user_field: str) -> list[str]:
    return [f"{user_field}__{name}" for name in ("first_name", "last_name", "username")]


# What deviations/_case_panel.html shows: the columns alone compile in 0.8 ms instead of 1.9
# (three users and an organisation in full; docs/performance.md).
_PANEL_COLUMNS = (
    "kind",
    "severity",
    "occurred_on",
    "description",
    "reported_at",
    "other_party_informed_at",
    "informed_how",
    "status",
    "outcome_kind",
    "outcome",
    "closed_at",
    "organisation__name",
    "organisation__short_name",
    *_names("reported_by"),
    *_names("informed_by"),
)


def case_panel(case: Case, user: User) -> dict[str, Any] | None:
    """The Avvikelser section of the case page (``deviations/_case_panel.html``), or ``None``
    for a user who takes no part in the case. ``case`` comes from
    ``cases.selectors.case_for_user``. A fixed number of queries, whatever the number of
    deviations and actions."""
    if not permissions.takes_part(user, case):
        return None
    actions = DeviationAction.objects.select_related("responsible").only(
        "deviation", "number", "description", "due_date", "done_at", *_names("responsible")
    )
    deviations = sorted_here(
        Deviation.objects.filter(case=case)
        .select_related("organisation", "reported_by", "informed_by")
        .only(*_PANEL_COLUMNS)
        .prefetch_related(Prefetch("actions", queryset=actions))
    )
    routine = sorted_here(
        RoutineDeviation.objects.filter(case=case, resolved_at__isnull=True).order_by("detected_at")
    )
    can_follow_up = permissions.may_follow_up(user, case)
    return {
        "case": case,
        "deviations": deviations,
        "routine": routine,
        "show_description": permissions.may_see_description(user, case),
        "can_report": permissions.may_report(user, case),
        "can_follow_up": can_follow_up,
        "can_resolve": permissions.may_resolve_routine(user, case),
    }
