"""Ending an uppdrag early (003 § 12: one week's written notice for synnerliga skäl), the § 6
catalogue of insatser and the balance target (§ 4)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from avhopp import selectors, services
from avhopp.forms import MeasureForm
from avhopp.models import AssignmentDetails, AssignmentMeasure, MeasureKind
from avhopp.tasks import end_assignments_after_notice
from cases.models import AuditEvent, Case, Deadline, DeadlineKind
from cases.states import State

pytestmark = pytest.mark.django_db


def _state(case) -> str:
    return Case.objects.get(pk=case.pk).state


def _terminate(world, case, *, given_on, actor="soc_b", **overrides):
    arguments = {
        "case_id": case.pk,
        "actor": world.users[actor],
        "given_on": given_on,
        "reason_kind": "ingen_medverkan",
        "reason": "Har inte medverkat på tre veckor.",
        "written": True,
    }
    arguments.update(overrides)
    return services.assignment_terminate(**arguments)


def test_notice_runs_one_week_then_the_task_ends_the_uppdrag(world) -> None:
    case = world.walk(world.create(), "genomforande")
    today = timezone.localdate()
    _terminate(world, case, given_on=today - timedelta(days=2))
    details = AssignmentDetails.objects.get(case=case)
    assert details.notice_ends_on == today + timedelta(days=5)
    assert _state(case) == State.GENOMFORANDE  # the week has not run yet
    deadline = Deadline.objects.get(case=case, kind=DeadlineKind.OVRIGT, key="uppsagning")
    assert deadline.due_date == details.notice_ends_on
    assert end_assignments_after_notice() == 0
    # A week later (moved back rather than waiting).
    AssignmentDetails.objects.filter(case=case).update(
        notice_given_on=today - timedelta(days=7), notice_ends_on=today
    )
    assert end_assignments_after_notice() == 1
    assert _state(case) == State.AVBRUTEN
    assert end_assignments_after_notice() == 0  # idempotent
    event = AuditEvent.objects.filter(case=case, kind="transition").first()
    assert event is not None and event.data["target"] == State.AVBRUTEN
    assert event.actor is None
    deadline.refresh_from_db()
    assert deadline.status == Deadline.Status.DONE


def test_a_notice_recorded_after_the_week_has_run_ends_the_uppdrag_at_once(world) -> None:
    case = world.walk(world.create(), "accepterat")
    _terminate(world, case, given_on=timezone.localdate() - timedelta(days=7), actor="soc_a")
    assert _state(case) == State.AVBRUTEN
    assert AssignmentDetails.objects.get(case=case).notice_by == world.orgs["a1"]


def test_the_next_action_ends_an_uppdrag_whose_notice_has_run(world) -> None:
    case = world.walk(world.create(), "genomforande")
    today = timezone.localdate()
    _terminate(world, case, given_on=today - timedelta(days=1))
    AssignmentDetails.objects.filter(case=case).update(
        notice_given_on=today - timedelta(days=8), notice_ends_on=today - timedelta(days=1)
    )
    with pytest.raises(ValidationError):
        world.book(case, "100.00")  # refused: the uppdrag has ended...
    assert _state(case) == State.AVBRUTEN  # ...and the ending stays
    assert not AssignmentMeasure.objects.filter(case=case).exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"written": False}, "written"),
        ({"reason": " "}, "reason"),
        ({"reason_kind": "trott"}, "reason_kind"),
    ],
)
def test_notice_needs_written_form_and_synnerliga_skal(world, overrides, field) -> None:
    case = world.walk(world.create(), "accepterat")
    with pytest.raises(ValidationError) as refused:
        _terminate(world, case, given_on=timezone.localdate(), **overrides)
    assert field in refused.value.error_dict
    assert AssignmentDetails.objects.get(case=case).notice_given_on is None


def test_notice_is_for_accepted_uppdrag_only_and_only_once(world) -> None:
    case = world.create()
    with pytest.raises(ValidationError):
        _terminate(world, case, given_on=timezone.localdate())
    world.walk(case, "accepterat")
    with pytest.raises(ValidationError):
        _terminate(world, case, given_on=timezone.localdate() + timedelta(days=1))
    _terminate(world, case, given_on=timezone.localdate())
    with pytest.raises(ValidationError, match="redan uppsagt"):
        _terminate(world, case, given_on=timezone.localdate(), actor="soc_a")


def test_only_the_catalogue_of_section_6_can_be_booked(world) -> None:
    assert {value for value, _ in MeasureForm().fields["kind"].choices if value} == set(
        MeasureKind.values
    )
    assert len(MeasureKind.values) == 10
    assert "hemkommunen" in str(MeasureForm().fields["kind"].help_text)
    case = world.walk(world.create(), "genomforande")
    today = timezone.localdate()
    for kind in ("boende", "forsorjningsstod", "hemtjanst"):
        with pytest.raises(ValidationError) as refused:
            services.measure_book(
                case_id=case.pk,
                actor=world.users["soc_b"],
                kind=kind,
                starts_on=today,
                ends_on=None,
                cost=Decimal("100"),
                cost_date=today,
            )
        assert "kind" in refused.value.error_dict
    with pytest.raises(ValidationError):
        services.measure_book(
            case_id=case.pk,
            actor=world.users["soc_b"],
            kind=MeasureKind.KRISSTOD,
            starts_on=today,
            ends_on=None,
            cost=Decimal("-1"),
            cost_date=today,
        )
    # The database refuses them too.
    base = {
        "case": case,
        "starts_on": today,
        "cost_date": today,
        "booked_by": world.users["soc_b"],
        "booked_by_organisation": world.orgs["b1"],
    }
    for bad in ({"kind": "boende", "cost": 1}, {"kind": MeasureKind.KRISSTOD, "cost": -1}):
        with pytest.raises(IntegrityError), transaction.atomic():
            AssignmentMeasure.objects.create(**base, **bad)


def test_only_the_mottagande_kommun_books_and_only_during_implementation(world) -> None:
    case = world.walk(world.create(), "accepterat")
    with pytest.raises(ValidationError):
        world.book(case, "100.00")
    services.implementation_start(
        case_id=case.pk,
        actor=world.users["soc_b"],
        genomforandeplan="Plan",
        started_on=timezone.localdate(),
    )
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        world.book(case, "100.00", receiving="soc_a")
    measure = world.book(case, "1250.50")
    assert measure.booked_by_organisation == world.orgs["b1"]


def test_balance_warns_before_a_third_uppdrag_and_needs_confirmation(world) -> None:
    world.create(confirm_over_balance=False)
    world.create(home="soc_a2", receiving="soc_c", confirm_over_balance=False)
    warnings = selectors.balance_warnings(
        agreement=world.agreement, home=world.orgs["a1"], receiving=world.orgs["b1"]
    )
    assert len(warnings) == 1 and "A har redan lämnat 2 uppdrag" in warnings[0]
    with pytest.raises(ValidationError) as refused:
        world.create(confirm_over_balance=False)
    assert "confirm_over_balance" in refused.value.error_dict
    assert Case.objects.count() == 2
    case = world.create(confirm_over_balance=True)
    assert AuditEvent.objects.get(case=case, kind="avhopp_requested").data["over_balance"]
    summary = selectors.agreement_summary(world.agreement, today=timezone.localdate())
    rows = {
        row.kommun.short_name: row for row in selectors.balance(world.agreement, summary.groups)
    }
    assert (rows["A"].sent, rows["A"].received, rows["A"].sent_over) == (3, 0, True)
    assert (rows["B"].sent, rows["B"].received, rows["B"].received_over) == (0, 2, False)
    assert (rows["C"].received, rows["C"].received_over) == (1, False)


def test_a_request_declined_before_acceptance_does_not_count(world) -> None:
    first = world.create(confirm_over_balance=False)
    world.create(confirm_over_balance=False)
    services.assignment_decline(case_id=first.pk, actor=world.users["soc_b"], reason="Nej")
    assert (
        selectors.balance_warnings(
            agreement=world.agreement, home=world.orgs["a1"], receiving=world.orgs["b1"]
        )
        == []
    )
    world.create(confirm_over_balance=False)
