"""The inslussning demo: a programme in every state, with its group, plan and meetings, seen by
the demo's samordnare and external members as they would see them."""

from __future__ import annotations

import pytest
from django.utils import timezone

from cases import demo
from cases.models import Case
from cases.states import STATES_BY_TYPE
from inslussning.demo import seed_inslussning
from inslussning.models import Programme
from tests.factories import DEMO_TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_a_programme_in_every_state_with_groups_and_plans_and_a_second_run_adds_nothing(
    django_user_model,
) -> None:
    demo.seed(password=DEMO_TEST_PASSWORD)
    programmes = Programme.objects.select_related("case")
    assert {p.case.state for p in programmes} == set(STATES_BY_TYPE["inslussning"])
    planned = next(p for p in programmes if p.case.state == "planering")
    assert planned.members.filter(left_at__isnull=True).count() == 6
    assert planned.areas.exclude(status="ej_bedomt").count() == 5
    # The planning programme's first meeting is late, so the overview has something to show.
    assert planned.meetings.get(point=1).planned_for < timezone.localdate()
    closed = next(p for p in programmes if p.case.state == "avslutad")
    assert closed.meetings.filter(held_on__isnull=False).count() == 5 and closed.end_summary
    released = next(p for p in programmes if p.case.state == "frigiven")
    assert released.bookings.count() == 4
    assert released.bookings.first().starts_at.date() == timezone.localdate()

    # The demo's external member sees the programmes the client's consent covers them for.
    af = django_user_model.objects.get(username="extern.af-gbg")
    visible = Case.objects.visible_to(af).filter(case_type="inslussning")
    # Every programme that got as far as a group (six states); not the identified one nor the
    # one the client left before the group was formed.
    assert visible.count() == 6

    count = Programme.objects.count()
    seed_inslussning({})  # every client exists already: nothing is created
    assert Programme.objects.count() == count
