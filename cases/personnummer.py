"""Swedish identity numbers: personnummer, samordningsnummer and reservnummer.

Pure parsing and validation (no models, no database) so it can be used from forms, imports, the
demo data generator and tests alike. The rules follow Skatteverket's description of the
personnummer (SKV 704, "Personnummer"):

* The number is ``YYMMDD-NNNN``: birth date, a three-digit serial number and a check digit.
  The check digit is computed with the Luhn algorithm (weights 2, 1, 2, 1, ... over the first nine
  digits, the ten digits without century).
* The separator carries the century: ``-`` for people younger than 100, ``+`` from the year the
  person turns 100. The twelve-digit form ``YYYYMMDD-NNNN`` states the century explicitly.
* A samordningsnummer (coordination number, for people who are not or have not been registered
  in Sweden) looks the same but has 60 added to the day of birth, so day 61-91.

A reservnummer is a local stand-in (used by e.g. regions and Kriminalvården) for someone whose
identity number is not known. It has no national format and no check digit.

Personal data: error messages never contain the number that was typed, because validation errors
end up in logs, error trackers and re-rendered forms. ``IdentityNumber.__repr__`` masks the
serial number for the same reason.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

__all__ = [
    "IdKind",
    "IdentityNumber",
    "IdentityNumberField",
    "luhn_check_digit",
    "parse_identity_number",
    "parse_reservnummer",
]


class IdKind(enum.StrEnum):
    PERSONNUMMER = "personnummer"
    SAMORDNINGSNUMMER = "samordningsnummer"
    RESERVNUMMER = "reservnummer"


# SKV 704: a samordningsnummer is written like a personnummer with 60 added to the day of birth.
SAMORDNING_DAY_OFFSET = 60

# Nobody alive was born earlier; an earlier date is a typo (or a wrongly chosen `+`), not a person.
EARLIEST_BIRTH_YEAR = 1870

RESERVNUMMER_MAX_LENGTH = 20

# Character classes are spelled out ([0-9], [ ]) instead of \d and \s, which also match digits
# and spaces from other scripts: the canonical value must be plain ASCII digits.
_PNR_RE = re.compile(
    r"""
    (?P<century>[0-9]{2})?
    (?P<yy>[0-9]{2})(?P<mm>[0-9]{2})(?P<dd>[0-9]{2})
    (?:[ ]*(?P<sep>[-+])[ ]*|[ ]+)?
    (?P<serial>[0-9]{3})(?P<check>[0-9])
    """,
    re.VERBOSE | re.ASCII,
)

_RESERVNUMMER_RE = re.compile(r"[A-Za-z0-9ÅÄÖåäö-]+")

_MSG_FORMAT = _("Personnumret ska ha formen ÅÅÅÅMMDD-NNNN eller ÅÅMMDD-NNNN.")
_MSG_CHECKSUM = _("Kontrollsiffran stämmer inte. Kontrollera att personnumret är rätt skrivet.")
_MSG_DATE = _("Datumdelen i personnumret är inte ett giltigt datum.")
_MSG_FUTURE = _("Födelsedatumet kan inte ligga i framtiden.")
# No year in the text: messages must not contain digits that could coincide with the input.
_MSG_TOO_OLD = _("Födelsedatumet ligger för långt tillbaka i tiden. Kontrollera århundradet.")
_MSG_RESERV_EMPTY = _("Ange ett reservnummer.")
_MSG_RESERV_LENGTH = _("Reservnumret får vara högst tjugo tecken långt.")
_MSG_RESERV_FORMAT = _("Reservnumret får bara innehålla bokstäver, siffror och bindestreck.")


def luhn_check_digit(nine_digits: str) -> int:
    """Check digit for ``YYMMDDNNN`` (the ten-digit form without its last digit).

    Luhn as used by Skatteverket (SKV 704): multiply the digits alternately by 2 and 1 starting
    with 2, add the digits of the products, and the check digit is what takes the sum up to the
    next multiple of ten.
    """
    if len(nine_digits) != 9 or not nine_digits.isascii() or not nine_digits.isdigit():
        raise ValueError("luhn_check_digit expects exactly nine ASCII digits")
    total = 0
    for index, char in enumerate(nine_digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


@dataclass(frozen=True)
class IdentityNumber:
    """A validated identity number in canonical storage form.

    ``value`` is ``YYYYMMDDNNNN`` (twelve digits, century included, day + 60 kept for a
    samordningsnummer) for personnummer and samordningsnummer; for a reservnummer it is the
    trimmed, upper-case text as typed. Build instances with the ``parse_*`` functions.
    """

    kind: IdKind
    value: str

    def __post_init__(self) -> None:
        # Guards against programming errors (e.g. a ten-digit value from an old import), not
        # against user input, which goes through the parse functions.
        if self.kind != IdKind.RESERVNUMMER and not (
            len(self.value) == 12 and self.value.isascii() and self.value.isdigit()
        ):
            raise ValueError("IdentityNumber.value must be twelve digits YYYYMMDDNNNN")

    @property
    def birth_date(self) -> date | None:
        """Date of birth; ``None`` for a reservnummer, which carries no date."""
        if self.kind == IdKind.RESERVNUMMER:
            return None
        day = int(self.value[6:8])
        if self.kind == IdKind.SAMORDNINGSNUMMER:
            day -= SAMORDNING_DAY_OFFSET
        return date(int(self.value[0:4]), int(self.value[4:6]), day)

    @property
    def formatted(self) -> str:
        """``YYYYMMDD-NNNN``; the twelve-digit form is unambiguous, so it never needs ``+``."""
        if self.kind == IdKind.RESERVNUMMER:
            return self.value
        return f"{self.value[:8]}-{self.value[8:]}"

    @property
    def masked(self) -> str:
        """``YYYYMMDD-****`` for lists and logs where the full number is not needed."""
        if self.kind == IdKind.RESERVNUMMER:
            return "****"
        return f"{self.value[:8]}-****"

    def __str__(self) -> str:
        return self.formatted

    def __repr__(self) -> str:
        # Reprs land in logs, tracebacks and test output: show only the masked form.
        return f"IdentityNumber(kind={self.kind.value!r}, value={self.masked!r})"


def _resolve_century(yy: int, mm: int, day: int, *, plus: bool, today: date) -> int:
    """Full year for a ten-digit number (SKV 704).

    With ``-`` (or no separator) it is the latest year ending in ``yy`` that does not put the
    birth date in the future. With ``+`` the person has turned 100, so it is the latest year
    ending in ``yy`` that makes the age at least 100. Compared as tuples so that an impossible
    date (30 February) still gets a year and is reported as a date error afterwards.
    """
    today_key = (today.year, today.month, today.day)
    year = today.year - today.year % 100 + yy
    age_offset = 100 if plus else 0
    while (year + age_offset, mm, day) > today_key:
        year -= 100
    return year


def parse_identity_number(raw: str, *, today: date | None = None) -> IdentityNumber:
    """Parse a personnummer or samordningsnummer as people type it.

    Accepts ``YYMMDD-NNNN``, ``YYMMDDNNNN``, ``YYMMDD+NNNN``, ``YYYYMMDDNNNN`` and
    ``YYYYMMDD-NNNN``, with surrounding whitespace and spaces instead of the hyphen. Raises
    ``ValidationError`` (codes ``format``, ``date``, ``checksum``, ``future``, ``too_old``).

    ``today`` defaults to the system date; pass it explicitly for reproducible results.
    """
    if today is None:
        today = date.today()
    if not isinstance(raw, str):
        raise ValidationError(_MSG_FORMAT, code="format")
    match = _PNR_RE.fullmatch(raw.strip())
    if match is None:
        raise ValidationError(_MSG_FORMAT, code="format")

    century = match["century"]
    separator = match["sep"]
    if century is not None and separator == "+":
        # The twelve-digit form already states the century; a `+` there is a contradiction.
        raise ValidationError(_MSG_FORMAT, code="format")

    yy, mm, dd = int(match["yy"]), int(match["mm"]), int(match["dd"])
    # SKV 704: day 61-91 is a samordningsnummer; its real day of birth is day - 60.
    if dd > SAMORDNING_DAY_OFFSET:
        kind = IdKind.SAMORDNINGSNUMMER
        day = dd - SAMORDNING_DAY_OFFSET
    else:
        kind = IdKind.PERSONNUMMER
        day = dd

    if century is not None:
        year = int(century) * 100 + yy
    else:
        year = _resolve_century(yy, mm, day, plus=separator == "+", today=today)

    try:
        birth_date = date(year, mm, day)
    except ValueError:
        # `from None`: the chained ValueError adds nothing for the user and must not carry data.
        raise ValidationError(_MSG_DATE, code="date") from None

    # The check digit covers the ten-digit form only (no century), including the day + 60.
    core = f"{match['yy']}{match['mm']}{match['dd']}{match['serial']}"
    if luhn_check_digit(core) != int(match["check"]):
        raise ValidationError(_MSG_CHECKSUM, code="checksum")

    if birth_date > today:
        raise ValidationError(_MSG_FUTURE, code="future")
    if birth_date.year < EARLIEST_BIRTH_YEAR:
        raise ValidationError(_MSG_TOO_OLD, code="too_old")

    return IdentityNumber(kind=kind, value=f"{year:04d}{core[2:]}{match['check']}")


def parse_reservnummer(raw: str) -> IdentityNumber:
    """Accept a reservnummer: 1-20 letters, digits and hyphens, stored trimmed and upper-case.

    Reservnummer have no national format (each issuer has its own), so there is no check digit
    to verify; the character rule only keeps out text that cannot be an identifier.
    """
    if not isinstance(raw, str):
        raise ValidationError(_MSG_RESERV_FORMAT, code="format")
    text = raw.strip()
    if not text:
        raise ValidationError(_MSG_RESERV_EMPTY, code="required")
    if len(text) > RESERVNUMMER_MAX_LENGTH:
        raise ValidationError(_MSG_RESERV_LENGTH, code="max_length")
    # Matched before upper-casing: str.upper() maps some non-Latin letters (e.g. dotless i)
    # onto A-Z, and those should be rejected, not silently rewritten.
    if _RESERVNUMMER_RE.fullmatch(text) is None:
        raise ValidationError(_MSG_RESERV_FORMAT, code="format")
    return IdentityNumber(kind=IdKind.RESERVNUMMER, value=text.upper())


class IdentityNumberField(forms.CharField):
    """Form field for a personnummer or samordningsnummer; ``clean()`` returns an
    ``IdentityNumber`` (or ``None`` for an empty, non-required field)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Personnummer eller samordningsnummer"))
        kwargs.setdefault("help_text", _("Till exempel 19121212-1212 eller 121212-1212."))
        # Room for the longest accepted form with some extra spaces; limits pathological input.
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        # Initial values from the database are IdentityNumber objects; show them formatted.
        if isinstance(value, IdentityNumber):
            return value.formatted
        return super().prepare_value(value)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        # Browsers should neither store personal identity numbers nor "correct" them.
        attrs.setdefault("autocomplete", "off")
        attrs.setdefault("spellcheck", "false")
        return attrs

    def clean(self, value: Any) -> IdentityNumber | None:
        text = super().clean(value)
        if text in self.empty_values:
            return None
        return parse_identity_number(text)

    def has_changed(self, initial: Any | None, data: Any | None) -> bool:
        # Compare canonical values so "121212-1212" vs the stored 191212121212 is "unchanged".
        if self.disabled:
            return False

        def canonical(value: Any) -> str:
            if isinstance(value, IdentityNumber):
                return value.value
            if value in self.empty_values:
                return ""
            try:
                return parse_identity_number(str(value)).value
            except ValidationError:
                return str(value)

        return canonical(initial) != canonical(data)
