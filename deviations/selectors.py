"""Reads of the chefs' dashboard (DOMAIN.md §8: "open deviations and their age, overdue
deadlines, lead times, who has too many cases ... numbers that drill down to the cases behind
them").

Scope: the cases the chef sees (``Case.objects.visible_to``) in which one of the chef's
organisations (or their units, or the one unit chosen) takes part. Every figure is one SQL
query over that scope, a subquery and never a list of ids, so the number of queries does not
depend on the number of cases; the drill-down lists exactly the cases behind a figure with the
same conditions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Aggregate,
    Count,
    DateField,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from cases.db import planned_for_each_call
from cases.models import CareProcess, Case, Deadline, JointPlan, Organisation, Participation
from cases.selectors_log import chef_organisations
from cases.states import CLOSED_STATES
from deviations.models import OPEN_STATUSES, Deviation, RoutineDeviation

if TYPE_CHECKING:
    from accounts.models import User

AGE_BUCKETS: tuple[tuple[str, str, int, int | None], ...] = (
    # (key, label, minimum age in days, maximum age in days)
    ("0-7", "0–7 dagar", 0, 7),
    ("8-30", "8–30 dagar", 8, 30),
    ("31-", "Över 30 dagar", 31, None),
)

LEAD_TIMES: dict[str, str] = {
    "request_decision": "Begäran om personutredning → kommunens beslut",
    "decision_judgment": "Kommunens beslut → dom",
    "placement_plan": "Placeringsstart → gemensam plan",
}


class Percentile(Aggregate):
    """PostgreSQL ``percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)``: the
    continuous percentile (linear interpolation between the two nearest values)."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        super().__init__(expression, fraction=float(fraction), **extra)


class DaysBetween(Func):
    """``end - start`` of two dates in PostgreSQL: an integer number of days."""

    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = IntegerField()


# --- Scope ---------------------------------------------------------------------------------


def is_chef(user: User) -> bool:
    return bool(user.is_authenticated) and chef_organisations(user).exists()


def scope_units(user: User) -> list[Organisation]:
    """The organisations the chef may filter on: theirs and their units."""
    return list(Organisation.objects.filter(id__in=chef_organisations(user)).order_by("name"))


def scope_organisation_ids(user: User, unit: int | None = None) -> QuerySet[Any, Any]:
    orgs = chef_organisations(user)
    if unit is None:
        return orgs
    return Organisation.objects.filter(
        Q(id=unit) | Q(parent_id=unit), id__in=chef_organisations(user)
    ).values("id")


def unit_scope_ids(units: list[Organisation], unit: int | None) -> list[int]:
    """``scope_organisation_ids`` from the ``scope_units`` already read (no query): the chosen
    unit and its own units, or all of them."""
    if unit is None:
        return [org.pk for org in units]
    return [org.pk for org in units if unit in (org.pk, org.parent_id)]


def scope_cases(
    user: User, unit: int | None = None, *, organisation_ids: list[int] | None = None
) -> QuerySet[Case]:
    """The cases behind every figure: visible to the chef and with one of the scope's
    organisations taking part.

    ``organisation_ids`` (from ``unit_scope_ids``) as a list rather than the subquery: the
    planner cannot estimate "own organisation or its units" and guesses 45 of 60, then
    hashes every participation for each figure instead of reading the scope's through
    ``participation_org_case_idx``; the dashboard took 4.6 s instead of 1.9 s
    (docs/performance.md)."""
    organisations: Any = (
        organisation_ids if organisation_ids is not None else scope_organisation_ids(user, unit)
    )
    takes_part = Participation.objects.filter(
        case=OuterRef("pk"), organisation_id__in=organisations
    )
    return Case.objects.visible_to(user).filter(Exists(takes_part))


# --- Periods -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date  # first day of the first month
    end: date  # first day of the last month

    @property
    def end_exclusive(self) -> date:
        return add_months(self.end, 1)

    @property
    def months(self) -> list[date]:
        months, month = [], self.start
        while month <= self.end:
            months.append(month)
            month = add_months(month, 1)
        return months


def add_months(day: date, n: int) -> date:
    index = day.year * 12 + day.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def default_period(today: date | None = None) -> Period:
    today = today or timezone.localdate()
    end = today.replace(day=1)
    return Period(add_months(end, -11), end)


def _start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def age_bounds(bucket: str, today: date) -> tuple[datetime | None, datetime | None]:
    """(from, to) of a reported/detected time for an age bucket: an item reported ``today``
    is 0 days old, one reported 8 days ago is in "8–30"."""
    for key, _label, low, high in AGE_BUCKETS:
        if key == bucket:
            newest = _start_of_day(today - timedelta(days=low - 1))
            oldest = _start_of_day(today - timedelta(days=high)) if high is not None else None
            return oldest, newest
    raise ValueError(bucket)


def _bucket_counts(field_name: str, today: date) -> dict[str, Count]:
    counts = {}
    for key, _label, _low, _high in AGE_BUCKETS:
        oldest, newest = age_bounds(key, today)
        condition = Q(**{f"{field_name}__lt": newest})
        if oldest is not None:
            condition &= Q(**{f"{field_name}__gte": oldest})
        counts[f"b{key}"] = Count("id", filter=condition)
    return counts


# --- Figures -------------------------------------------------------------------------------


def open_deviations_by_kind(cases: QuerySet[Case], today: date) -> list[Any]:
    return list(
        Deviation.objects.filter(case_id__in=cases.values("pk"), status__in=OPEN_STATUSES)
        .values("kind")
        .annotate(total=Count("id"), **_bucket_counts("reported_at", today))
        .order_by("kind")
    )


def open_routine_by_rule(cases: QuerySet[Case], today: date) -> list[Any]:
    return list(
        RoutineDeviation.objects.filter(case_id__in=cases.values("pk"), resolved_at__isnull=True)
        .values("rule")
        .annotate(total=Count("id"), **_bucket_counts("detected_at", today))
        .order_by("rule")
    )


def overdue_deadlines_by_kind(cases: QuerySet[Case], today: date) -> list[Any]:
    return list(
        Deadline.objects.filter(
            case_id__in=cases.values("pk"),
            status__in=Deadline.ACTIVE_STATUSES,
            due_date__lt=today,
        )
        .values("kind")
        .annotate(total=Count("id"))
        .order_by("kind")
    )


def cases_by_type_and_state(cases: QuerySet[Case]) -> list[Any]:
    return list(
        Case.objects.filter(pk__in=cases.values("pk"))
        .values("case_type", "state")
        .annotate(total=Count("id"))
        .order_by("case_type", "state")
    )


def lead_time_queryset(which: str, cases: QuerySet[Case], period: Period) -> QuerySet[Any, Any]:
    """The rows behind one lead time, each with ``month`` (of the end event) and ``days``."""
    scope = cases.values("pk")
    if which == "request_decision":
        return CareProcess.objects.filter(
            case_id__in=scope,
            request_date__isnull=False,
            decision_date__gte=period.start,
            decision_date__lt=period.end_exclusive,
        ).annotate(
            month=TruncMonth("decision_date"),
            days=DaysBetween(F("decision_date"), F("request_date")),
        )
    if which == "decision_judgment":
        return CareProcess.objects.filter(
            case_id__in=scope,
            decision_date__isnull=False,
            judgment_date__gte=period.start,
            judgment_date__lt=period.end_exclusive,
        ).annotate(
            month=TruncMonth("judgment_date"),
            days=DaysBetween(F("judgment_date"), F("decision_date")),
        )
    if which == "placement_plan":
        return (
            JointPlan.objects.annotate(plan_day=TruncDate("created_at"))
            .filter(
                case_id__in=scope,
                case__care__placement_start__isnull=False,
                plan_day__gte=period.start,
                plan_day__lt=period.end_exclusive,
            )
            .annotate(
                month=TruncMonth("plan_day", output_field=DateField()),
                days=DaysBetween(F("plan_day"), F("case__care__placement_start")),
            )
        )
    raise ValueError(which)


def lead_times(which: str, cases: QuerySet[Case], period: Period) -> list[dict[str, Any]]:
    """Median and 90th percentile in days per month, in one query."""
    return list(
        lead_time_queryset(which, cases, period)
        .values("month")
        .annotate(
            n=Count("pk"),
            median=Percentile(F("days"), 0.5),
            p90=Percentile(F("days"), 0.9),
        )
        .order_by("month")
    )


def deadlines_counted(cases: QuerySet[Case], period: Period, today: date) -> QuerySet[Any, Any]:
    """Deadlines due in the period that count for "met": not cancelled, and either done or
    already passed (a deadline still ahead is neither met nor missed yet)."""
    return (
        Deadline.objects.filter(
            case_id__in=cases.values("pk"),
            due_date__gte=period.start,
            due_date__lt=period.end_exclusive,
        )
        .exclude(status=Deadline.Status.CANCELLED)
        .filter(Q(status=Deadline.Status.DONE) | Q(due_date__lt=today))
        .annotate(done_day=TruncDate("completed_at"), month=TruncMonth("due_date"))
    )


MET = Q(status=Deadline.Status.DONE, done_day__lte=F("due_date"))


def deadlines_met(cases: QuerySet[Case], period: Period, today: date) -> list[Any]:
    return list(
        deadlines_counted(cases, period, today)
        .values("month")
        .annotate(total=Count("id"), met=Count("id", filter=MET))
        .order_by("month")
    )


def workload(cases: QuerySet[Case], organisation_ids: Any) -> list[Any]:
    """Active cases per responsible handläggare of the scope's organisations."""
    return list(
        Participation.objects.filter(
            case_id__in=cases.exclude(state__in=CLOSED_STATES).values("pk"),
            organisation_id__in=organisation_ids,
            handlaggare__isnull=False,
        )
        .values(
            "handlaggare_id",
            "handlaggare__first_name",
            "handlaggare__last_name",
            "handlaggare__username",
        )
        .annotate(total=Count("case_id", distinct=True))
        .order_by("-total", "handlaggare__last_name", "handlaggare_id")
    )


@dataclass
class Dashboard:
    period: Period
    today: date
    deviations: list[dict[str, Any]] = field(default_factory=list)
    routine: list[dict[str, Any]] = field(default_factory=list)
    overdue: list[dict[str, Any]] = field(default_factory=list)
    cases: list[dict[str, Any]] = field(default_factory=list)
    lead_times: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    deadlines_met: list[dict[str, Any]] = field(default_factory=list)
    workload: list[dict[str, Any]] = field(default_factory=list)
    computed_at: datetime = field(default_factory=timezone.now)


def dashboard(
    user: User,
    *,
    period: Period,
    unit: int | None,
    today: date,
    organisation_ids: list[int] | None = None,
) -> Dashboard:
    """Every figure; ``organisation_ids`` as in ``scope_cases`` (the view passes them)."""
    cases = scope_cases(user, unit, organisation_ids=organisation_ids)
    organisations: Any = (
        organisation_ids if organisation_ids is not None else scope_organisation_ids(user, unit)
    )
    with planned_for_each_call():
        return Dashboard(
            period=period,
            today=today,
            deviations=open_deviations_by_kind(cases, today),
            routine=open_routine_by_rule(cases, today),
            overdue=overdue_deadlines_by_kind(cases, today),
            cases=cases_by_type_and_state(cases),
            lead_times={which: lead_times(which, cases, period) for which in LEAD_TIMES},
            deadlines_met=deadlines_met(cases, period, today),
            workload=workload(cases, organisations),
        )


# --- Drill-down ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Drilldown:
    """The filter behind one figure (GET parameters: codes and dates, never personal data)."""

    metric: str
    kind: str = ""
    age: str = ""
    case_type: str = ""
    state: str = ""
    which: str = ""
    month: date | None = None
    handlaggare: int | None = None


def _in_age(field_name: str, bucket: str, today: date) -> Q:
    if not bucket:
        return Q()
    oldest, newest = age_bounds(bucket, today)
    condition = Q(**{f"{field_name}__lt": newest})
    if oldest is not None:
        condition &= Q(**{f"{field_name}__gte": oldest})
    return condition


def drilldown_cases(
    user: User, spec: Drilldown, *, period: Period, unit: int | None, today: date
) -> QuerySet[Case]:
    """The cases behind a figure, with the very conditions the figure counts."""
    cases = scope_cases(user, unit)
    if spec.metric == "deviation":
        rows: QuerySet[Any, Any] = Deviation.objects.filter(
            _in_age("reported_at", spec.age, today), status__in=OPEN_STATUSES
        )
        if spec.kind:
            rows = rows.filter(kind=spec.kind)
        cases = cases.filter(Exists(rows.filter(case=OuterRef("pk"))))
    elif spec.metric == "routine":
        rows = RoutineDeviation.objects.filter(
            _in_age("detected_at", spec.age, today), resolved_at__isnull=True
        )
        if spec.kind:
            rows = rows.filter(rule=spec.kind)
        cases = cases.filter(Exists(rows.filter(case=OuterRef("pk"))))
    elif spec.metric == "overdue":
        rows = Deadline.objects.filter(status__in=Deadline.ACTIVE_STATUSES, due_date__lt=today)
        if spec.kind:
            rows = rows.filter(kind=spec.kind)
        cases = cases.filter(Exists(rows.filter(case=OuterRef("pk"))))
    elif spec.metric == "cases":
        if spec.case_type:
            cases = cases.filter(case_type=spec.case_type)
        if spec.state:
            cases = cases.filter(state=spec.state)
    elif spec.metric == "lead" and spec.which in LEAD_TIMES:
        month_period = Period(spec.month, spec.month) if spec.month else period
        behind = lead_time_queryset(spec.which, cases, month_period)
        cases = cases.filter(pk__in=behind.values("case_id"))
    elif spec.metric in {"met", "missed"}:
        month_period = Period(spec.month, spec.month) if spec.month else period
        counted = deadlines_counted(cases, month_period, today)
        counted = counted.filter(MET) if spec.metric == "met" else counted.exclude(MET)
        cases = cases.filter(pk__in=counted.values("case_id"))
    elif spec.metric == "workload":
        responsible = Participation.objects.filter(
            case=OuterRef("pk"),
            organisation_id__in=scope_organisation_ids(user, unit),
            handlaggare_id=spec.handlaggare,
        )
        cases = cases.exclude(state__in=CLOSED_STATES).filter(Exists(responsible))
    else:
        return Case.objects.none()
    return cases.select_related("client", "owner_organisation").order_by("reference")
