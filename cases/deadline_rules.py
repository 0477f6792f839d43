"""Where each date comes from (DOMAIN.md §6, the guideline 000). Pure functions: the services
call them when the facts change; nothing else computes a deadline."""

from __future__ import annotations

import math
from datetime import date, timedelta

from django.conf import settings


def yttrande_due(*, request_date: date, haktad: bool) -> date | None:
    """000, Arbetsprocess kontraktsvård step 1: "som regel 14 dagar när personen är häktad,
    men kan förlängas". Without häktning the court sets the date; there is no default."""
    if not haktad:
        return None
    return request_date + timedelta(days=settings.BRYGGA_YTTRANDE_DAYS_HAKTAD)


def kommun_beslut_due(*, yttrande_due_date: date) -> date:
    """The kommun's decision is needed before the yttrande goes to the court (000 step 5): the
    day before the yttrande deadline, so that the yttrande can say whether the kommun pays."""
    return yttrande_due_date - timedelta(days=settings.BRYGGA_BESLUT_DAYS_BEFORE_YTTRANDE)


def gemensam_plan_due(*, placement_start: date) -> date:
    """000 "Gemensam plan": made when the care has started; the region's routine follows up
    that it exists some weeks after placement start (a setting)."""
    return placement_start + timedelta(weeks=settings.BRYGGA_GEMENSAM_PLAN_WEEKS)


def preliminary_payment_end(*, enforcement_start: date, alternative_term_days: int) -> date:
    """Kriminalvården pays until two thirds of the alternative prison term have passed
    (000; villkorlig frigivning, BrB 26 kap. 6 §). Strafftidslagen (2018:1251) counts a month
    as 30 days and a year as 365 days; part of a day counts as a whole day, so round up.
    Only a hint: the real date is Kriminalvården's decision (master data)."""
    return enforcement_start + timedelta(days=math.ceil(alternative_term_days * 2 / 3))


def term_in_days(*, years: int = 0, months: int = 0, days: int = 0) -> int:
    """Strafftidslagen (2018:1251): one month = 30 days, one year = 365 days."""
    return years * 365 + months * 30 + days
