"""The detection run: every rule of ``deviations.rules`` against the cases, set-based.

Per rule, three statements whatever the number of cases:
1. resolve the open rows whose condition no longer holds (one UPDATE);
2. note, on rows a chef resolved by hand, that the condition has ended (one UPDATE), so that
   a later recurrence is raised again;
3. insert a row for each case where the condition holds and no open row exists (one SELECT
   and one bulk INSERT ... ON CONFLICT DO NOTHING against the partial unique constraint).

Idempotent: a second run, a retry or two runs at once store each open deviation once.

When it runs: beat starts ``deviations.tasks.detect_deviations`` after midnight (conditions
that become true because a date passed) and every 15 minutes (conditions changed by people
during the day; the services of other apps are not ours to edit, so the frequent run stands in
for an on-change hook). The deviation services of this app call ``detect_for_case`` at once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from deviations.models import RoutineDeviation
from deviations.rules import RULES


@dataclass
class DetectionResult:
    created: dict[str, int] = field(default_factory=dict)
    resolved: dict[str, int] = field(default_factory=dict)


def _run(
    *, case_ids: Iterable[int] | None, today: date | None = None, now: datetime | None = None
) -> DetectionResult:
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    ids = list(case_ids) if case_ids is not None else None
    result = DetectionResult()
    for code, rule in RULES.items():
        holding: QuerySet[Case] = rule.cases(today=today, now=now)
        rows = RoutineDeviation.objects.filter(rule=code)
        if ids is not None:
            holding = holding.filter(pk__in=ids)
            rows = rows.filter(case_id__in=ids)
        holding_ids = holding.values("pk")
        with transaction.atomic():
            result.resolved[code] = (
                rows.filter(resolved_at__isnull=True)
                .exclude(case_id__in=holding_ids)
                .update(
                    resolved_at=now,
                    condition_ended_at=now,
                    resolution=_("Åtgärdad automatiskt: villkoret gäller inte längre."),
                )
            )
            rows.filter(resolved_by__isnull=False, condition_ended_at__isnull=True).exclude(
                case_id__in=holding_ids
            ).update(condition_ended_at=now)
            # An open row, or one a chef resolved while the condition still holds.
            already = RoutineDeviation.objects.filter(
                Q(resolved_at__isnull=True)
                | Q(resolved_by__isnull=False, condition_ended_at__isnull=True),
                case_id=OuterRef("pk"),
                rule=code,
            )
            new_ids = list(holding.filter(~Exists(already)).values_list("pk", flat=True))
            created = RoutineDeviation.objects.bulk_create(
                [RoutineDeviation(case_id=pk, rule=code) for pk in new_ids],
                ignore_conflicts=True,
                batch_size=2000,
            )
            result.created[code] = len(created)
    return result


def detect_all(*, today: date | None = None, now: datetime | None = None) -> DetectionResult:
    return _run(case_ids=None, today=today, now=now)


def detect_for_case(case: Case | int, *, now: datetime | None = None) -> DetectionResult:
    """Run every rule for one case (called by this app's services after a change)."""
    pk = case if isinstance(case, int) else case.pk
    return _run(case_ids=[pk], now=now)
