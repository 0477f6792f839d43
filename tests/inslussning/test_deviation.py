"""A planning meeting whose date has passed without being held is a routine deviation on the
chefs' dashboard (001 § 9.1); holding the meeting resolves it."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from deviations.detect import detect_all
from deviations.models import RoutineDeviation
from inslussning import services
from inslussning.models import PlanningMeeting
from tests.inslussning.conftest import consent, hold_meeting, identify, start_planning


def _open_deviations(case):
    return RoutineDeviation.objects.filter(
        case=case, rule="planning_meeting_not_held", resolved_at__isnull=True
    )


def test_a_meeting_not_held_in_time_is_a_deviation_until_it_is_held(region):
    case = identify(region)
    consent(region, case, region["frivard"], region["kommun"], region["anstalt"])
    services.programme_step(case_id=case.pk, actor=region["users"]["fi"], name="include")
    start_planning(region, case)
    detect_all()
    assert not _open_deviations(case).exists()

    # Time passes: meeting 1 was due yesterday.
    yesterday = timezone.localdate() - timedelta(days=1)
    PlanningMeeting.objects.filter(programme_id=case.pk, point=1).update(planned_for=yesterday)
    detect_all()
    assert _open_deviations(case).count() == 1

    hold_meeting(region, case, 1, decisions="Planen för verkställigheten fastställd.")
    detect_all()
    assert not _open_deviations(case).exists()
