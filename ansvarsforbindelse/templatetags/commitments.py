"""Template filters of the ansvarsförbindelse: Swedish number formats."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()

# Swedish typography: a (no-break) space groups thousands, a comma separates the decimals.
NBSP = "\u00a0"


@register.filter
def sek(value: Decimal | int | None) -> str:
    """``Decimal("2450.5")`` → ``"2 450,50 kr"`` (no-break spaces, so it never wraps)."""
    if value is None or value == "":
        return ""
    amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    whole, _sep, cents = f"{amount:,.2f}".partition(".")
    return f"{whole.replace(',', NBSP)},{cents}{NBSP}kr"


@register.filter
def term(days: int | None) -> str:
    """An alternative prison term in days, with months or years when it is a whole number of
    them (strafftidslagen 2018:1251: a month is 30 days, a year 365)."""
    if not days:
        return ""
    text = ngettext("%(n)d dag", "%(n)d dagar", days) % {"n": days}
    if days % 365 == 0:
        years = days // 365
        return f"{text} ({ngettext('%(n)d år', '%(n)d år', years) % {'n': years}})"
    if days % 30 == 0:
        months = days // 30
        return f"{text} ({ngettext('%(n)d månad', '%(n)d månader', months) % {'n': months}})"
    return text


@register.filter
def or_missing(value: Any) -> Any:
    """A value, or the words a reader of a draft understands as "not yet filled in"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return _("Ej ifyllt")
    return value
