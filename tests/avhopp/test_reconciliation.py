"""The six-monthly cost reconciliation (003 § 8): sums per side, the difference and what is
settled, the deadline that the reminders catch, and settling."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from avhopp import selectors, services_agreement
from avhopp.models import Reconciliation
from avhopp.rules import HalfYear
from cases.models import AuditEvent, Deadline, DeadlineKind

pytestmark = pytest.mark.django_db


def _previous_half() -> HalfYear:
    return HalfYear.of(HalfYear.of(timezone.localdate()).starts_on - timedelta(days=1))


@pytest.fixture
def costs(world):
    """A→B and B→A uppdrag with costs in the previous half-year, plus costs that must not
    count: another half-year, another pair."""
    period = _previous_half()
    inside = period.starts_on + timedelta(days=30)
    a_to_b = world.walk(world.create(), "genomforande")
    b_to_a = world.walk(
        world.create(home="soc_b", receiving="soc_a2"),
        "genomforande",
        home="soc_b",
        receiving="soc_a2",
    )
    a_to_c = world.walk(world.create(receiving="soc_c"), "genomforande", receiving="soc_c")
    world.book(a_to_b, "10000.00", on=inside)  # B bore
    world.book(a_to_b, "2500.50", on=period.ends_on)  # B bore, last day of the period
    world.book(b_to_a, "700.00", on=inside, receiving="soc_a2")  # A bore
    world.book(a_to_b, "999.00")  # this half-year: not in the report
    world.book(a_to_c, "5000.00", on=inside, receiving="soc_c")  # another pair
    return {"period": period, "a_to_b": a_to_b, "b_to_a": b_to_a}


def test_costs_are_summed_per_side_and_the_difference_is_split(world, costs) -> None:
    a, b = world.orgs["a"], world.orgs["b"]
    settlement = selectors.pair_costs(
        agreement=world.agreement,
        kommun_a_id=min(a.pk, b.pk),
        kommun_b_id=max(a.pk, b.pk),
        period=costs["period"],
    )
    by_kommun = {
        min(a.pk, b.pk): settlement.cost_a,
        max(a.pk, b.pk): settlement.cost_b,
    }
    assert by_kommun[b.pk] == Decimal("12500.50")
    assert by_kommun[a.pk] == Decimal("700.00")
    assert settlement.difference == Decimal("11800.50")
    assert settlement.to_settle == Decimal("5900.25")


def test_the_report_names_only_the_uppdrag_the_user_is_assigned_to(world, costs) -> None:
    a, b = world.orgs["a"], world.orgs["b"]
    report = selectors.reconciliation_report(
        world.users["chef_b"],
        agreement=world.agreement,
        kommun_a_id=a.pk,
        kommun_b_id=b.pk,
        period_key=costs["period"].key,
    )
    assert report.payer == a and report.payee == b
    assert report.lines_a == report.lines_b == []  # the chef is assigned to none of them
    assert report.hidden_a + report.hidden_b == Decimal("13200.50")
    mine = selectors.reconciliation_report(
        world.users["soc_a"],
        agreement=world.agreement,
        kommun_a_id=b.pk,  # either order
        kommun_b_id=a.pk,
        period_key=costs["period"].key,
    )
    referenced = [line.reference for line in mine.lines_a + mine.lines_b]
    assert referenced.count(costs["a_to_b"].reference) == 2
    assert costs["b_to_a"].reference not in referenced  # soc_a is not assigned to it
    assert mine.hidden_a + mine.hidden_b == Decimal("700.00")
    for name in ("colleague_b", "colleague_a", "soc_c", "outsider"):
        with pytest.raises(Http404):
            selectors.reconciliation_report(
                world.users[name],
                agreement=world.agreement,
                kommun_a_id=a.pk,
                kommun_b_id=b.pk,
                period_key=costs["period"].key,
            )


def test_a_reconciliation_and_its_deadlines_exist_once_costs_are_booked(world, costs) -> None:
    a, b = world.orgs["a"], world.orgs["b"]
    reconciliation = Reconciliation.objects.get(
        kommun_a_id=min(a.pk, b.pk),
        kommun_b_id=max(a.pk, b.pk),
        period_start=costs["period"].starts_on,
    )
    assert reconciliation.due_on == costs["period"].due_on()
    assert reconciliation.anchor_case_id == costs["a_to_b"].pk
    period = costs["period"].key
    deadlines = Deadline.objects.filter(
        kind=DeadlineKind.AVSTAMNING, case=costs["a_to_b"], key__startswith=period
    )
    keys = {d.key: d for d in deadlines}
    assert set(keys) == {f"{period}:{a.pk}", f"{period}:{b.pk}"}
    assert keys[f"{period}:{a.pk}"].responsible_organisation == world.orgs["a1"]
    assert keys[f"{period}:{b.pk}"].responsible_user == world.users["soc_b"]
    assert {d.due_date for d in deadlines} == {costs["period"].due_on()}


def test_a_chef_settles_and_the_period_closes(world, costs) -> None:
    a, b = world.orgs["a"], world.orgs["b"]
    arguments = {
        "agreement": world.agreement,
        "kommun_a_id": a.pk,
        "kommun_b_id": b.pk,
        "period_key": costs["period"].key,
    }
    with pytest.raises(PermissionDenied):
        services_agreement.reconciliation_settle(actor=world.users["soc_b"], **arguments)
    reconciliation = services_agreement.reconciliation_settle(
        actor=world.users["chef_a"], note="Faktura 2026-114", **arguments
    )
    assert reconciliation.is_settled and reconciliation.settled_by == world.users["chef_a"]
    assert {reconciliation.settled_cost_a, reconciliation.settled_cost_b} == {
        Decimal("12500.50"),
        Decimal("700.00"),
    }
    assert (
        not Deadline.objects.filter(
            kind=DeadlineKind.AVSTAMNING, status__in=Deadline.ACTIVE_STATUSES
        )
        .filter(key__startswith=costs["period"].key, case=costs["a_to_b"])
        .exists()
    )
    event = AuditEvent.objects.get(kind="avhopp_reconciliation_settled")
    assert event.data["to_settle"] == "5900.25"
    with pytest.raises(ValidationError, match="redan"):
        services_agreement.reconciliation_settle(actor=world.users["chef_b"], **arguments)
    with pytest.raises(ValidationError) as refused:
        world.book(costs["a_to_b"], "1.00", on=costs["period"].ends_on)
    assert "avstämt" in str(refused.value)


def test_the_current_half_year_cannot_be_settled_yet(world, costs) -> None:
    with pytest.raises(ValidationError, match="inte slut"):
        services_agreement.reconciliation_settle(
            actor=world.users["chef_a"],
            agreement=world.agreement,
            kommun_a_id=world.orgs["a"].pk,
            kommun_b_id=world.orgs["b"].pk,
            period_key=HalfYear.of(timezone.localdate()).key,
        )
