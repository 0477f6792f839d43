"""The dates and sums of the agreement (003 §§ 3, 4, 8, 11, 12) as pure rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from avhopp import rules
from avhopp.rules import HalfYear, Settlement


def test_the_agreement_runs_24_months_from_2026_01_01() -> None:
    # § 3: "en avtalstid om 24 månader från och med 2026-01-01".
    assert rules.agreement_end(starts_on=date(2026, 1, 1), term_months=24) == date(2027, 12, 31)


def test_notice_on_the_agreement_is_three_months() -> None:
    # § 11: the last day to give notice and still end before the term is three months before.
    assert rules.agreement_notice_latest(ends_on=date(2027, 12, 31), notice_months=3) == date(
        2027, 9, 30
    )
    assert rules.agreement_notice_end(given_on=date(2026, 5, 31), notice_months=3) == date(
        2026, 8, 31
    )
    assert rules.agreement_notice_end(given_on=date(2026, 11, 30), notice_months=3) == date(
        2027, 2, 28
    )


def test_the_overview_warns_six_months_before_the_end() -> None:
    end = date(2027, 12, 31)
    assert not rules.agreement_end_warning(effective_end=end, today=date(2027, 6, 30))
    assert rules.agreement_end_warning(effective_end=end, today=date(2027, 7, 1))


def test_an_uppdrag_ends_one_week_after_the_notice() -> None:
    # § 12: "en veckas uppsägningstid".
    assert rules.assignment_notice_end(given_on=date(2026, 3, 2)) == date(2026, 3, 9)
    assert rules.assignment_notice_end(given_on=date(2026, 12, 28)) == date(2027, 1, 4)


@pytest.mark.parametrize(
    ("sent", "received", "warnings"),
    [(0, 0, 0), (1, 1, 0), (2, 1, 1), (1, 2, 1), (2, 2, 2), (3, 5, 2)],
)
def test_balance_warns_before_a_third_uppdrag_either_way(
    sent: int, received: int, warnings: int
) -> None:
    # § 4: "högst två ärenden och tar emot högst två ärenden".
    result = rules.balance_warnings_for(
        home_name="Göteborg",
        home_sent=sent,
        receiving_name="Malmö",
        receiving_received=received,
    )
    assert len(result) == warnings
    if sent >= 2:
        assert f"Göteborg har redan lämnat {sent} uppdrag" in result[0]


def test_half_years_and_when_their_reconciliation_is_due() -> None:
    assert HalfYear.of(date(2026, 6, 30)) == HalfYear(2026, 1)
    assert HalfYear.of(date(2026, 7, 1)) == HalfYear(2026, 2)
    assert HalfYear(2026, 1).due_on() == date(2026, 7, 31)
    assert HalfYear(2026, 2).due_on() == date(2027, 1, 31)
    assert HalfYear.parse("2026-H2").starts_on == date(2026, 7, 1)
    assert HalfYear(2027, 1).label == "2027-01-01 – 2027-06-30"
    for bad in ("2026-H3", "26-H1", "2026H1", "x"):
        with pytest.raises(ValueError):
            HalfYear.parse(bad)


def test_reconciliation_splits_the_costs_equally() -> None:
    # § 8: "skälig och lika fördelning": each bears half; the one who bore less pays half the
    # difference to the other.
    settlement = Settlement(cost_a=Decimal("100000.00"), cost_b=Decimal("40000.00"))
    assert settlement.total == Decimal("140000.00")
    assert settlement.difference == Decimal("60000.00")
    assert settlement.to_settle == Decimal("30000.00")
    assert settlement.payer == "b"
    assert Settlement(Decimal("10.00"), Decimal("10.00")).payer is None
    assert Settlement(Decimal("0.00"), Decimal("0.01")).to_settle == Decimal("0.01")
    assert Settlement(Decimal("0.00"), Decimal("0.01")).payer == "a"
