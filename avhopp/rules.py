"""The dates and sums of the avhoppare agreement (003; DOMAIN.md §3.4, §6). Pure functions: the
models, services and selectors call them; nothing else computes these numbers."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

# 003 § 12: "med en veckas uppsägningstid om det föreligger synnerliga skäl".
ASSIGNMENT_NOTICE_DAYS = 7
# 003 § 4: "högst två ärenden och tar emot högst två ärenden" per kommun during the project.
BALANCE_LIMIT = 2
# The overview warns this many months before the agreement ends (a project of 24 months needs
# time to agree on how ongoing uppdrag continue, § 4).
END_WARNING_MONTHS = 6

CENT = Decimal("0.01")


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), clamped to the month's last day: 2027-12-31
    minus three months is 2027-09-30."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


# --- The agreement (003 §§ 3, 11) --------------------------------------------------------------


def agreement_end(*, starts_on: date, term_months: int) -> date:
    """The last day of the term: "24 månader från och med 2026-01-01" ends 2027-12-31."""
    return add_months(starts_on, term_months) - timedelta(days=1)


def agreement_notice_latest(*, ends_on: date, notice_months: int) -> date:
    """The last day a party can give notice (§ 11, "tre månaders uppsägningstid") and still end
    the agreement before its term runs out: the end date minus the notice period."""
    return add_months(ends_on, -notice_months)


def agreement_notice_end(*, given_on: date, notice_months: int) -> date:
    """A party's written notice ends the agreement when the notice period has passed."""
    return add_months(given_on, notice_months)


def agreement_end_warning(*, effective_end: date, today: date) -> bool:
    """The overview warns when the (possibly earlier, after a notice) end is near."""
    return effective_end <= add_months(today, END_WARNING_MONTHS)


# --- An uppdrag ending early (003 § 12) ----------------------------------------------------------


def assignment_notice_end(*, given_on: date) -> date:
    """The uppdrag ends when the week's notice has run: given on 2026-03-02, ends 2026-03-09."""
    return given_on + timedelta(days=ASSIGNMENT_NOTICE_DAYS)


# --- Balance (003 § 4) ---------------------------------------------------------------------------


def balance_exceeded(*, sent: int, received: int, limit: int = BALANCE_LIMIT) -> bool:
    return sent > limit or received > limit


def balance_warnings_for(
    *, home_name: str, home_sent: int, receiving_name: str, receiving_received: int
) -> list[str]:
    """The Swedish warnings shown before one more uppdrag from ``home`` to ``receiving`` would
    pass the target of at most two sent and two received per kommun."""
    warnings = []
    if home_sent + 1 > BALANCE_LIMIT:
        warnings.append(
            _(
                "%(kommun)s har redan lämnat %(count)s uppdrag; målet i avtalet (§ 4) är högst "
                "%(limit)s. Det nya uppdraget blir nummer %(next)s."
            )
            % {
                "kommun": home_name,
                "count": home_sent,
                "limit": BALANCE_LIMIT,
                "next": home_sent + 1,
            }
        )
    if receiving_received + 1 > BALANCE_LIMIT:
        warnings.append(
            _(
                "%(kommun)s har redan tagit emot %(count)s uppdrag; målet i avtalet (§ 4) är "
                "högst %(limit)s. Det nya uppdraget blir nummer %(next)s."
            )
            % {
                "kommun": receiving_name,
                "count": receiving_received,
                "limit": BALANCE_LIMIT,
                "next": receiving_received + 1,
            }
        )
    return warnings


# --- Six-monthly cost reconciliation (003 § 8) --------------------------------------------------


@dataclass(frozen=True)
class HalfYear:
    year: int
    half: int  # 1 = January-June, 2 = July-December

    @classmethod
    def of(cls, day: date) -> HalfYear:
        return cls(day.year, 1 if day.month <= 6 else 2)

    @classmethod
    def parse(cls, key: str) -> HalfYear:
        """``2026-H1`` → HalfYear(2026, 1); ValueError for anything else."""
        year, _, half = key.partition("-H")
        if not (year.isdigit() and len(year) == 4 and half in {"1", "2"}):
            raise ValueError(key)
        return cls(int(year), int(half))

    @property
    def key(self) -> str:
        return f"{self.year}-H{self.half}"

    @property
    def starts_on(self) -> date:
        return date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def ends_on(self) -> date:
        return date(self.year, 6, 30) if self.half == 1 else date(self.year, 12, 31)

    @property
    def label(self) -> str:
        return f"{self.starts_on:%Y-%m-%d} – {self.ends_on:%Y-%m-%d}"

    def due_on(self) -> date:
        """The reconciliation is due by the end of the month after the half-year: the costs of
        the period are booked by then."""
        first_after = self.ends_on + timedelta(days=1)
        return add_months(first_after, 1) - timedelta(days=1)


@dataclass(frozen=True)
class Settlement:
    """The arithmetic of § 8 for one pair of kommuner and one half-year.

    ``cost_a`` is what kommun A bore as mottagande kommun for B's uppdrag, ``cost_b`` the
    reverse. A "skälig och lika fördelning" means each bears half the total, so the one who bore
    less pays half the difference to the other."""

    cost_a: Decimal
    cost_b: Decimal

    @property
    def total(self) -> Decimal:
        return self.cost_a + self.cost_b

    @property
    def difference(self) -> Decimal:
        return abs(self.cost_a - self.cost_b)

    @property
    def to_settle(self) -> Decimal:
        return (self.difference / 2).quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def payer(self) -> str | None:
        """ "a" or "b": the side that pays ``to_settle`` to the other; None when even."""
        if self.cost_a == self.cost_b:
            return None
        return "a" if self.cost_a < self.cost_b else "b"
