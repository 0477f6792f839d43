"""Organisationsnummer validation (ansvarsforbindelse.orgnummer) and its use in the model.

Pure functions except where marked `django_db`."""

from __future__ import annotations

from datetime import date

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from ansvarsforbindelse.admin import CareProviderAdminForm
from ansvarsforbindelse.models import CareProvider, FormOfCare, ProcuredBy
from ansvarsforbindelse.orgnummer import (
    OrganisationNumberField,
    is_valid_organisation_number,
    parse_organisation_number,
    validate_organisation_number,
    with_check_digit,
)
from cases.personnummer import luhn_check_digit

# Hypothesis deadlines are pointless here (the first lazy translation lookup loads catalogues).
PROPERTY = settings(deadline=None, max_examples=300)


def reference_luhn_valid(ten_digits: str) -> bool:
    """Textbook Luhn, independent of `luhn_check_digit`: from the right, double every second
    digit, subtract 9 from products over 9; the total must be a multiple of 10."""
    total = 0
    for position, char in enumerate(reversed(ten_digits)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def error_code(raw: object) -> str | None:
    with pytest.raises(ValidationError) as excinfo:
        parse_organisation_number(raw)
    return excinfo.value.code


# --- Known numbers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        # Skatteverket's own organisationsnummer (a state authority: group 2).
        ("202100-5448", "202100-5448"),
        ("2021005448", "202100-5448"),
        ("556677-8899", "556677-8899"),
        ("5566778899", "556677-8899"),
        # The twelve-digit form with the prefix 16 (SKV 709).
        ("16556677-8899", "556677-8899"),
        ("165566778899", "556677-8899"),
        ("  556677-8899\n", "556677-8899"),
        # A ten-digit number that itself starts with 16 is read whole, not as prefix + rest.
        ("162021-0003", "162021-0003"),
        ("1620210003", "162021-0003"),
    ],
)
def test_valid_numbers_give_the_canonical_form(raw: str, canonical: str) -> None:
    assert reference_luhn_valid(canonical.replace("-", ""))
    assert parse_organisation_number(raw) == canonical
    assert is_valid_organisation_number(raw)
    validate_organisation_number(raw)  # does not raise


def test_wrong_check_digit() -> None:
    assert error_code("556677-8898") == "checksum"
    assert error_code("202100-5449") == "checksum"
    assert error_code("16556677-8890") == "checksum"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "556677-889",  # nine digits
        "55667-78899",  # hyphen in the wrong place
        "556677-88990",  # eleven digits
        "556677--8899",
        "556677 8899",  # only the hyphen separates
        "556677_8899",
        "19556677-8899",  # twelve digits with a personnummer century, not 16
        "20556677-8899",
        "16556677889",  # "16" + nine digits
        "abcdef-ghij",
        "٥٥٦٦٧٧-٨٨٩٩",  # Arabic-Indic digits: only ASCII digits are stored
        "556677-8899x",
    ],
)
def test_format_errors(raw: str) -> None:
    assert error_code(raw) == "format"
    assert not is_valid_organisation_number(raw)


@pytest.mark.parametrize("raw", [None, 5566778899, ["556677-8899"]])
def test_non_strings_are_format_errors(raw: object) -> None:
    assert error_code(raw) == "format"


@pytest.mark.parametrize(
    "raw",
    [
        # A personnummer (valid Luhn): the third digit is a month's first digit.
        "121212-1212",
        "811218-9876",
        with_check_digit("551212121"),
        with_check_digit("550012345"),
        # Also in the twelve-digit form.
        "16121212-1212",
    ],
)
def test_third_digit_below_two_is_not_a_legal_entity(raw: str) -> None:
    assert error_code(raw) == "not_legal_entity"


def test_messages_do_not_echo_the_number() -> None:
    # An enskild firma's number is a personnummer: it must not end up in logs via the message.
    for raw in ["121212-1212", "556677-8898", "556677-889"]:
        with pytest.raises(ValidationError) as excinfo:
            parse_organisation_number(raw)
        for message in excinfo.value.messages:
            assert raw[:6] not in message
            assert raw[-4:] not in message


def test_with_check_digit() -> None:
    assert with_check_digit("556677889") == "556677-8899"
    assert with_check_digit("202100544") == "202100-5448"


# --- Properties -----------------------------------------------------------------------------

nine_digit_legal_entities = st.tuples(
    st.text("0123456789", min_size=2, max_size=2),
    st.sampled_from("23456789"),
    st.text("0123456789", min_size=6, max_size=6),
).map("".join)


@PROPERTY
@given(nine_digit_legal_entities)
def test_any_legal_entity_with_computed_check_digit_validates(nine: str) -> None:
    ten = nine + str(luhn_check_digit(nine))
    assert reference_luhn_valid(ten)
    canonical = f"{ten[:6]}-{ten[6:]}"
    assert parse_organisation_number(ten) == canonical
    assert parse_organisation_number(canonical) == canonical
    assert parse_organisation_number("16" + canonical) == canonical


@PROPERTY
@given(
    nine_digit_legal_entities,
    st.integers(min_value=0, max_value=9),
    st.integers(min_value=1, max_value=9),
)
def test_any_single_digit_change_fails(nine: str, position: int, delta: int) -> None:
    # Luhn catches every single-digit error (doubling permutes the digit sums); a change of the
    # third digit below 2 is caught by the legal-entity rule instead.
    ten = nine + str(luhn_check_digit(nine))
    changed = ten[:position] + str((int(ten[position]) + delta) % 10) + ten[position + 1 :]
    with pytest.raises(ValidationError) as excinfo:
        parse_organisation_number(changed)
    assert excinfo.value.code in {"checksum", "not_legal_entity"}


# --- Form field -----------------------------------------------------------------------------


def test_form_field_returns_canonical_value() -> None:
    field = OrganisationNumberField()
    assert field.clean("5566778899") == "556677-8899"
    assert field.clean("16556677-8899") == "556677-8899"
    assert field.label == "Organisationsnummer"


def test_form_field_empty_and_required() -> None:
    assert OrganisationNumberField(required=False).clean("") == ""
    with pytest.raises(ValidationError) as excinfo:
        OrganisationNumberField().clean("")
    assert excinfo.value.code == "required"


def test_form_field_errors_have_codes() -> None:
    class ProviderForm(forms.Form):
        organisation_number = OrganisationNumberField()

    form = ProviderForm(data={"organisation_number": "556677-8898"})
    assert not form.is_valid()
    assert form.has_error("organisation_number", code="checksum")


def test_form_field_has_changed_compares_canonical_values() -> None:
    field = OrganisationNumberField()
    assert not field.has_changed("556677-8899", "5566778899")
    assert not field.has_changed("556677-8899", "16556677-8899")
    assert field.has_changed("556677-8899", "202100-5448")
    assert field.has_changed("", "556677-8899")


# --- In the model ---------------------------------------------------------------------------


def provider(**overrides: object) -> CareProvider:
    values: dict[str, object] = {
        "name": "Testvård AB (exempel)",
        "organisation_number": "556677-8899",
        "procured_by": ProcuredBy.BADA,
        "form_of_care": FormOfCare.INSTITUTION,
        "valid_from": date(2026, 1, 1),
    }
    values.update(overrides)
    return CareProvider(**values)


@pytest.mark.django_db
def test_full_clean_stores_the_canonical_form() -> None:
    item = provider(organisation_number="5566778899")
    item.full_clean()
    assert item.organisation_number == "556677-8899"


@pytest.mark.django_db
def test_full_clean_rejects_an_invalid_number() -> None:
    item = provider(organisation_number="556677-8898")
    with pytest.raises(ValidationError) as excinfo:
        item.full_clean()
    assert [e.code for e in excinfo.value.error_dict["organisation_number"]] == ["checksum"]


@pytest.mark.django_db
def test_database_accepts_only_the_canonical_form() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        provider(organisation_number="5566778899").save()


@pytest.mark.django_db
def test_organisation_number_is_unique() -> None:
    provider().save()
    with pytest.raises(IntegrityError), transaction.atomic():
        provider(name="Annat namn AB (exempel)").save()


@pytest.mark.django_db
def test_admin_form_reports_duplicate_typed_without_hyphen() -> None:
    provider().save()
    form = CareProviderAdminForm(
        data={
            "name": "Dubblett AB (exempel)",
            "organisation_number": "5566778899",
            "procured_by": ProcuredBy.KOMMUN,
            "form_of_care": FormOfCare.OPPENVARD,
            "valid_from": "2026-01-01",
            "is_active": "on",
        }
    )
    assert not form.is_valid()
    assert form.has_error("organisation_number", code="unique")
