"""The filter form's selects are written in Python (forms_filters.ListSelect) for speed: what
a browser and a screen reader get must stay exactly what Django's own widget writes."""

from __future__ import annotations

import pytest
from django import forms

from cases.forms_filters import CaseFilterForm, ListSelect

GROUPED = [
    ("", "Alla"),
    ("Kontraktsvård", [("utredning", "Utredning"), ("pagar", "Pågår <&>")]),
    ("Flera", [("avslutad", "Avslutad"), ("utredning", "Utredning igen")]),
    (7, 'Organisation "sju"'),
]


@pytest.mark.parametrize("value", [None, "", "utredning", "7", 7, "saknas"])
@pytest.mark.parametrize("choices", [GROUPED, [(1, "Ett"), (2, "Två"), (None, "Inget")]])
def test_list_select_writes_what_djangos_select_writes(choices: list, value: object) -> None:
    attrs = {"id": "id_falt", "aria-describedby": "falt_hint", "required": True, "x": False}
    ours = ListSelect(choices=choices).render("falt", value, attrs=attrs)
    django = forms.Select(choices=choices).render("falt", value, attrs=attrs)
    assert ours == django
    if choices is GROUPED and value == "utredning":
        # A single select marks only the first matching option, as Django does.
        assert ours.count(" selected") == 1


@pytest.mark.django_db
def test_filter_form_marks_the_chosen_values() -> None:
    form = CaseFilterForm(
        {"typ": "kontraktsvard", "organisation": "2", "sortering": "reference"},
        organisations=[(1, "SN Nordost"), (2, "Frivården <Göteborg>")],
        caseworkers=[(5, "Anna Andersson")],
    )
    assert form.is_valid(), form.errors
    organisation = str(form["organisation"])
    assert '<option value="2" selected>Frivården &lt;Göteborg&gt;</option>' in organisation
    assert '<option value="1">SN Nordost</option>' in organisation
    assert '<option value="kontraktsvard" selected>' in str(form["typ"])
    assert '<option value="reference" selected>' in str(form["sortering"])
