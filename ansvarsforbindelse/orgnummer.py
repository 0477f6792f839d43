"""Swedish organisationsnummer (the identity number of a legal entity).

The ansvarsförbindelse names the vårdgivare by name and organisationsnummer (DOMAIN.md §5), and
the vårdgivare register is keyed on it, so a mistyped number must be caught at input. The rules
follow Bolagsverket's and Skatteverket's description of the organisationsnummer (SKV 709):

* Ten digits, written ``NNNNNN-NNNN``. The first digit is the group (type of legal entity).
* The third digit is always 2 or higher (the third and fourth digits together are at least 20).
  That is what keeps an organisationsnummer apart from a personnummer, whose third and fourth
  digits are a month (01-12). An enskild firma has the owner's personnummer as its number; such
  a number is rejected here, because a procured vårdgivare is a legal entity and a personnummer
  is personal data that must not end up in the register.
* The last digit is a Luhn check digit over the first nine, exactly as for a personnummer, so
  ``cases.personnummer.luhn_check_digit`` is reused.
* In some registers (e.g. Skatteverket's) the number is written with twelve digits and the prefix
  ``16``; that form is accepted and stored in the same canonical ten-digit form.

Error messages never echo the input: an enskild firma's number is a personnummer.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.personnummer import luhn_check_digit

__all__ = [
    "OrganisationNumberField",
    "is_valid_organisation_number",
    "parse_organisation_number",
    "validate_organisation_number",
    "with_check_digit",
]

# SKV 709: the twelve-digit form of an organisationsnummer has the prefix 16.
TWELVE_DIGIT_PREFIX = "16"

# The lowest third digit of a legal entity's number (below it, the digits would be a month).
MIN_THIRD_DIGIT = 2

CANONICAL_LENGTH = 11  # NNNNNN-NNNN

# [0-9] rather than \d, which also matches digits from other scripts: the canonical value must be
# plain ASCII. The prefix 16 is optional; the hyphen after the sixth digit is optional.
_ORGNR_RE = re.compile(r"(?:16)?(?P<head>[0-9]{6})-?(?P<tail>[0-9]{4})", re.ASCII)

_MSG_FORMAT = _(
    "Organisationsnumret ska ha formen NNNNNN-NNNN: tio siffror, med eller utan bindestreck."
)
_MSG_NOT_LEGAL_ENTITY = _(
    "Det här är inte ett organisationsnummer för en juridisk person (tredje siffran ska vara "
    "minst 2). Enskilda firmor har ägarens personnummer och kan inte läggas in här."
)
_MSG_CHECKSUM = _(
    "Kontrollsiffran stämmer inte. Kontrollera att organisationsnumret är rätt skrivet."
)


def with_check_digit(nine_digits: str) -> str:
    """``NNNNNN-NNNN`` for the first nine digits of a number plus its computed check digit.

    For generating numbers (demo data, tests); it does not check the third digit.
    """
    check = luhn_check_digit(nine_digits)
    return f"{nine_digits[:6]}-{nine_digits[6:]}{check}"


def parse_organisation_number(raw: str) -> str:
    """Validate an organisationsnummer as people type it; return the canonical ``NNNNNN-NNNN``.

    Accepts ``NNNNNNNNNN``, ``NNNNNN-NNNN``, ``16NNNNNNNNNN`` and ``16NNNNNN-NNNN`` with
    surrounding whitespace. Raises ``ValidationError`` with code ``format``,
    ``not_legal_entity`` or ``checksum`` (checked in that order).
    """
    if not isinstance(raw, str):
        raise ValidationError(_MSG_FORMAT, code="format")
    text = raw.strip()
    # Exactly ten digits after the optional prefix, so a ten-digit number that starts with 16 is
    # read whole. A twelve-digit number with another prefix (19 or 20: a personnummer with its
    # century) does not match and is a format error.
    match = _ORGNR_RE.fullmatch(text)
    if match is None:
        raise ValidationError(_MSG_FORMAT, code="format")
    digits = match["head"] + match["tail"]
    if int(digits[2]) < MIN_THIRD_DIGIT:
        raise ValidationError(_MSG_NOT_LEGAL_ENTITY, code="not_legal_entity")
    if luhn_check_digit(digits[:9]) != int(digits[9]):
        raise ValidationError(_MSG_CHECKSUM, code="checksum")
    return f"{digits[:6]}-{digits[6:]}"


def validate_organisation_number(value: Any) -> None:
    """Django validator (model fields, serializers): raises ``ValidationError`` if invalid."""
    parse_organisation_number(value)


def is_valid_organisation_number(value: Any) -> bool:
    try:
        parse_organisation_number(value)
    except ValidationError:
        return False
    return True


class OrganisationNumberField(forms.CharField):
    """Form field for an organisationsnummer; ``clean()`` returns the canonical ``NNNNNN-NNNN``
    (or the empty string for an empty, non-required field, like ``CharField``)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Organisationsnummer"))
        kwargs.setdefault("help_text", _("Tio siffror, till exempel 556677-8899."))
        # Room for the twelve-digit form with a hyphen and some stray spaces; limits junk input.
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        # Browsers should not "correct" a number.
        attrs.setdefault("spellcheck", "false")
        return attrs

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if text in self.empty_values:
            return ""
        return parse_organisation_number(text)

    def has_changed(self, initial: Any | None, data: Any | None) -> bool:
        # "5566778899" typed over a stored "556677-8899" is not a change.
        if self.disabled:
            return False

        def canonical(value: Any) -> str:
            if value in self.empty_values:
                return ""
            try:
                return parse_organisation_number(str(value))
            except ValidationError:
                return str(value)

        return canonical(initial) != canonical(data)
