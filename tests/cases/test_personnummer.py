"""Personnummer, samordningsnummer and reservnummer parsing (cases.personnummer).

Pure functions: no database. Every date-dependent test passes a fixed `today` so the century
rules give the same answer whenever the suite runs.
"""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from django import forms
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.personnummer import (
    IdentityNumber,
    IdentityNumberField,
    IdKind,
    luhn_check_digit,
    parse_identity_number,
    parse_reservnummer,
)

TODAY = date(2025, 6, 15)

# Hypothesis deadlines are pointless here (the first lazy translation lookup loads catalogues).
PROPERTY = settings(deadline=None, max_examples=300)


def reference_luhn_valid(ten_digits: str) -> bool:
    """Textbook Luhn, written independently of `luhn_check_digit`: from the right, double every
    second digit, subtract 9 from products over 9, and the total must be a multiple of 10."""
    total = 0
    for position, char in enumerate(reversed(ten_digits)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def with_check_digit(nine_digits: str) -> str:
    return nine_digits + str(luhn_check_digit(nine_digits))


def is_centenarian(birth: date, today: date = TODAY) -> bool:
    """Turned 100 on or before `today`: such a person writes `+` in the ten-digit form."""
    return (birth.year + 100, birth.month, birth.day) <= (today.year, today.month, today.day)


def error_code(raw: str) -> str | None:
    with pytest.raises(ValidationError) as excinfo:
        parse_identity_number(raw, today=TODAY)
    return excinfo.value.code


# --- Known numbers --------------------------------------------------------------------------

# Each is checked against `reference_luhn_valid` below, not only trusted.
KNOWN_VALID = [
    # Skatteverket's classic example number.
    ("19121212-1212", "191212121212", IdKind.PERSONNUMMER, date(1912, 12, 12)),
    ("121212+1212", "191212121212", IdKind.PERSONNUMMER, date(1912, 12, 12)),
    # Same digits with `-`: the latest century not in the future is the 2000s.
    ("121212-1212", "201212121212", IdKind.PERSONNUMMER, date(2012, 12, 12)),
    ("811218-9876", "198112189876", IdKind.PERSONNUMMER, date(1981, 12, 18)),
    ("640823-3234", "196408233234", IdKind.PERSONNUMMER, date(1964, 8, 23)),
    # Samordningsnummer: day 63 = the 3rd.
    ("197010632391", "197010632391", IdKind.SAMORDNINGSNUMMER, date(1970, 10, 3)),
    ("701063-2391", "197010632391", IdKind.SAMORDNINGSNUMMER, date(1970, 10, 3)),
]


@pytest.mark.parametrize(("raw", "value", "kind", "birth"), KNOWN_VALID)
def test_known_valid_numbers(raw: str, value: str, kind: IdKind, birth: date) -> None:
    assert reference_luhn_valid(value[2:])
    assert luhn_check_digit(value[2:11]) == int(value[11])
    parsed = parse_identity_number(raw, today=TODAY)
    assert parsed == IdentityNumber(kind=kind, value=value)
    assert parsed.birth_date == birth
    assert parsed.formatted == f"{value[:8]}-{value[8:]}"
    assert str(parsed) == parsed.formatted
    assert parsed.masked == f"{value[:8]}-****"


def test_luhn_check_digit_known_values() -> None:
    assert luhn_check_digit("121212121") == 2
    assert luhn_check_digit("701063239") == 1
    assert luhn_check_digit("811218987") == 6
    with pytest.raises(ValueError):
        luhn_check_digit("12345678")
    with pytest.raises(ValueError):
        luhn_check_digit("12345678a")


@pytest.mark.parametrize(
    "raw",
    [
        "121212-1212",
        "1212121212",
        "121212 1212",
        "121212 - 1212",
        "  121212-1212  ",
        "\t121212-1212\n",
        "20121212-1212",
        "201212121212",
        "20121212 1212",
    ],
)
def test_separator_and_whitespace_forms_give_the_same_value(raw: str) -> None:
    assert parse_identity_number(raw, today=TODAY).value == "201212121212"


def test_wrong_check_digit() -> None:
    assert error_code("19121212-1213") == "checksum"
    assert error_code("121212-1211") == "checksum"


@pytest.mark.parametrize(
    "date_part",
    [
        "20230229",  # 2023 is not a leap year
        "19000229",  # divisible by 100, not by 400: not a leap year
        "19991301",  # month 13
        "19990001",  # month 0
        "19990100",  # day 0
        "19990132",  # day 32
        "19990160",  # day 60: neither a date nor a samordningsnummer
        "19990290",  # samordningsnummer for 30 February
        "19990192",  # samordningsnummer for 32 January
    ],
)
def test_impossible_dates(date_part: str) -> None:
    # A correct check digit, so the date is the only thing wrong.
    number = with_check_digit(date_part[2:] + "123")
    assert error_code(date_part[:2] + number) == "date"


def test_leap_days_that_exist() -> None:
    for date_part in ("20240229", "20000229", "19960229"):
        number = date_part[:2] + with_check_digit(date_part[2:] + "123")
        birth = parse_identity_number(number, today=TODAY).birth_date
        assert birth is not None
        assert (birth.month, birth.day) == (2, 29)


def test_future_birth_date() -> None:
    assert error_code("20" + with_check_digit("250616123")) == "future"
    today_number = "20" + with_check_digit("250615123")
    assert parse_identity_number(today_number, today=TODAY).birth_date == TODAY
    # Samordningsnummer: the real date (day - 60) is what must not be in the future.
    assert error_code("20" + with_check_digit("250676123")) == "future"


def test_earliest_birth_year() -> None:
    assert error_code("18" + with_check_digit("691231123")) == "too_old"
    assert parse_identity_number("18" + with_check_digit("700101123"), today=TODAY).birth_date == (
        date(1870, 1, 1)
    )


def test_plus_means_at_least_100_years_old() -> None:
    born_100_years_ago_today = with_check_digit("250615123")
    plus = f"{born_100_years_ago_today[:6]}+{born_100_years_ago_today[6:]}"
    minus = f"{born_100_years_ago_today[:6]}-{born_100_years_ago_today[6:]}"
    assert parse_identity_number(plus, today=TODAY).birth_date == date(1925, 6, 15)
    # With `-` the same digits are a baby born today.
    assert parse_identity_number(minus, today=TODAY).birth_date == date(2025, 6, 15)

    turns_100_tomorrow = with_check_digit("250616123")
    plus = f"{turns_100_tomorrow[:6]}+{turns_100_tomorrow[6:]}"
    minus = f"{turns_100_tomorrow[:6]}-{turns_100_tomorrow[6:]}"
    # `-`: 2025-06-16 would be in the future, so 1925 (age 99).
    assert parse_identity_number(minus, today=TODAY).birth_date == date(1925, 6, 16)
    # `+`: age >= 100 needs 1825, which is before any living person.
    assert error_code(plus) == "too_old"

    born_1900 = with_check_digit("000101123")
    plus = f"{born_1900[:6]}+{born_1900[6:]}"
    assert parse_identity_number(plus, today=TODAY).birth_date == date(1900, 1, 1)


def test_plus_depends_on_today() -> None:
    number = "121212+1212"
    assert parse_identity_number(number, today=date(2012, 12, 12)).birth_date == (
        date(1912, 12, 12)
    )
    assert parse_identity_number(number, today=date(2112, 12, 12)).birth_date == (
        date(2012, 12, 12)
    )


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "abc",
        "12121-1212",
        "1212121-212",
        "12121212121",
        "1212121212121",
        "121212--1212",
        "121212_1212",
        "121212/1212",
        "19121212+1212",  # the twelve-digit form states the century; `+` contradicts it
        "١٢١٢١٢-١٢١٢",  # Arabic-Indic digits: int() accepts them, we do not
        "１２１２１２-１２１２",  # fullwidth digits
    ],
)
def test_bad_format(raw: str) -> None:
    assert error_code(raw) == "format"


def test_repr_does_not_reveal_the_full_number() -> None:
    parsed = parse_identity_number("19121212-1212", today=TODAY)
    assert "1212121212" not in repr(parsed)
    assert "19121212-****" in repr(parsed)


def test_direct_construction_rejects_non_canonical_values() -> None:
    with pytest.raises(ValueError):
        IdentityNumber(kind=IdKind.PERSONNUMMER, value="1212121212")


# --- Reservnummer -----------------------------------------------------------------------------


def test_reservnummer_is_trimmed_and_upper_cased() -> None:
    parsed = parse_reservnummer("  rn-2024-0001 ")
    assert parsed == IdentityNumber(kind=IdKind.RESERVNUMMER, value="RN-2024-0001")
    assert parsed.birth_date is None
    assert parsed.formatted == "RN-2024-0001"
    assert parsed.masked == "****"
    assert parse_reservnummer("åsa-1").value == "ÅSA-1"
    # No Luhn check: any digits will do.
    assert parse_reservnummer("1212121213").value == "1212121213"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "required"),
        ("   ", "required"),
        ("A" * 21, "max_length"),
        ("AB 12", "format"),
        ("AB_12", "format"),
        ("AB/12", "format"),
        ("ıx", "format"),  # dotless i would upper-case to "I"
        ("ÉMILE", "format"),
    ],
)
def test_reservnummer_rejects(raw: str, code: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        parse_reservnummer(raw)
    assert excinfo.value.code == code


def test_reservnummer_length_limits() -> None:
    assert parse_reservnummer("A").value == "A"
    assert parse_reservnummer("a" * 20).value == "A" * 20


# --- Form field -------------------------------------------------------------------------------


class PersonForm(forms.Form):
    identity = IdentityNumberField()
    optional_identity = IdentityNumberField(required=False)


def test_field_clean_returns_identity_number() -> None:
    form = PersonForm(data={"identity": " 19121212 1212 ", "optional_identity": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["identity"] == IdentityNumber(IdKind.PERSONNUMMER, "191212121212")
    assert form.cleaned_data["optional_identity"] is None


def test_field_errors() -> None:
    form = PersonForm(data={"identity": "19121212-1213"})
    assert not form.is_valid()
    assert form.errors.as_data()["identity"][0].code == "checksum"
    assert PersonForm(data={}).errors.as_data()["identity"][0].code == "required"


def test_field_label_help_text_and_initial() -> None:
    field = IdentityNumberField()
    assert str(field.label) == "Personnummer eller samordningsnummer"
    assert str(field.help_text) == "Till exempel 19121212-1212 eller 121212-1212."
    stored = IdentityNumber(IdKind.PERSONNUMMER, "191212121212")
    assert field.prepare_value(stored) == "19121212-1212"
    assert not field.has_changed(stored, "121212+1212")
    assert field.has_changed(stored, "811218-9876")
    html = str(PersonForm(initial={"identity": stored})["identity"])
    assert 'value="19121212-1212"' in html
    assert 'autocomplete="off"' in html


# --- Properties -------------------------------------------------------------------------------

birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
serials = st.integers(min_value=0, max_value=999).map(lambda n: f"{n:03d}")


def ten_digit_core(birth: date, serial: str, *, samordning: bool = False) -> str:
    day = birth.day + 60 if samordning else birth.day
    return with_check_digit(f"{birth:%y%m}{day:02d}{serial}")


def accepted_forms(birth: date, core: str) -> list[str]:
    """Every way of writing `core` that identifies this birth date unambiguously on TODAY."""
    century = f"{birth.year // 100:02d}"
    forms_ = [
        f"{century}{core}",
        f"{century}{core[:6]}-{core[6:]}",
        f"{century}{core[:6]} {core[6:]}",
        f"  {century}{core[:6]}-{core[6:]}\t",
    ]
    if is_centenarian(birth):
        forms_.append(f"{core[:6]}+{core[6:]}")
    else:
        forms_ += [core, f"{core[:6]}-{core[6:]}", f"{core[:6]} {core[6:]}", f" {core} "]
    return forms_


@PROPERTY
@given(birth=birth_dates, serial=serials)
def test_property_every_accepted_form_round_trips(birth: date, serial: str) -> None:
    core = ten_digit_core(birth, serial)
    expected = f"{birth.year // 100:02d}{core}"
    for raw in accepted_forms(birth, core):
        parsed = parse_identity_number(raw, today=TODAY)
        assert parsed.kind == IdKind.PERSONNUMMER
        assert parsed.value == expected
        assert parsed.birth_date == birth
        assert parse_identity_number(parsed.formatted, today=TODAY) == parsed


@PROPERTY
@given(
    birth=birth_dates,
    serial=serials,
    samordning=st.booleans(),
    position=st.integers(min_value=0, max_value=9),
    shift=st.integers(min_value=1, max_value=9),
)
def test_property_any_single_digit_error_is_rejected(
    birth: date, serial: str, samordning: bool, position: int, shift: int
) -> None:
    core = ten_digit_core(birth, serial, samordning=samordning)
    new_digit = str((int(core[position]) + shift) % 10)
    mutated = core[:position] + new_digit + core[position + 1 :]
    assert mutated != core

    # Luhn detects every single-digit error.
    assert not reference_luhn_valid(mutated)
    assert luhn_check_digit(mutated[:9]) != int(mutated[9])

    separator = "+" if is_centenarian(birth) else "-"
    with pytest.raises(ValidationError) as excinfo:
        parse_identity_number(f"{mutated[:6]}{separator}{mutated[6:]}", today=TODAY)

    # If the same digits with a recomputed check digit are accepted, the date part is fine and
    # the checksum must be the reason; otherwise the date is (also) wrong and either is correct.
    repaired = with_check_digit(mutated[:9])
    try:
        parse_identity_number(f"{repaired[:6]}{separator}{repaired[6:]}", today=TODAY)
    except ValidationError:
        assert excinfo.value.code in {"date", "checksum", "too_old"}
    else:
        assert excinfo.value.code == "checksum"


@PROPERTY
@given(birth=birth_dates, serial=serials)
def test_property_samordningsnummer_round_trips(birth: date, serial: str) -> None:
    core = ten_digit_core(birth, serial, samordning=True)
    assert int(core[4:6]) == birth.day + 60
    expected = f"{birth.year // 100:02d}{core}"
    for raw in accepted_forms(birth, core):
        parsed = parse_identity_number(raw, today=TODAY)
        assert parsed.kind == IdKind.SAMORDNINGSNUMMER
        assert parsed.value == expected
        assert parsed.birth_date == birth
        assert parsed.formatted == f"{expected[:8]}-{expected[8:]}"
        assert parse_identity_number(parsed.formatted, today=TODAY) == parsed


# Text that gets past the first checks more often than arbitrary unicode does.
numberish = st.text(alphabet="0123456789+- \t", max_size=20)


@st.composite
def near_misses(draw: st.DrawFn) -> str:
    """A valid number with one digit changed: checksum and date errors."""
    core = ten_digit_core(draw(birth_dates), draw(serials), samordning=draw(st.booleans()))
    position = draw(st.integers(min_value=0, max_value=9))
    digit = draw(st.sampled_from("0123456789").filter(lambda d: d != core[position]))
    mutated = core[:position] + digit + core[position + 1 :]
    return draw(st.sampled_from([mutated, f"{mutated[:6]}-{mutated[6:]}", f"19{mutated}"]))


@PROPERTY
@given(raw=st.one_of(st.text(), numberish))
def test_property_arbitrary_text_only_raises_validation_error(raw: str) -> None:
    try:
        parsed = parse_identity_number(raw, today=TODAY)
    except ValidationError:
        pass
    else:
        assert parsed.kind in {IdKind.PERSONNUMMER, IdKind.SAMORDNINGSNUMMER}
        assert len(parsed.value) == 12
        assert parsed.value.isascii()
        assert parsed.value.isdigit()
    with contextlib.suppress(ValidationError):
        parse_reservnummer(raw)
    with contextlib.suppress(ValidationError):
        IdentityNumberField(required=False).clean(raw)


def assert_message_reveals_no_digits(raw: str, error: ValidationError) -> None:
    digits = "".join(char for char in raw if char.isdigit())
    for message in error.messages:
        assert not any(char.isdigit() for char in message), message
    if digits:
        assert digits not in str(error)
        assert digits not in repr(error)
    assert error.params is None


@PROPERTY
@given(raw=st.one_of(numberish, near_misses(), st.text(max_size=30)))
def test_property_error_messages_never_contain_the_input(raw: str) -> None:
    try:
        parse_identity_number(raw, today=TODAY)
    except ValidationError as error:
        assert_message_reveals_no_digits(raw, error)
    try:
        parse_reservnummer(raw)
    except ValidationError as error:
        assert_message_reveals_no_digits(raw, error)
