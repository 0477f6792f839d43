"""Keyset ("seek") pagination of the case lists and the filter form's selects
(docs/performance.md): the paging buttons post the sort key of the row next to the page, never
personal data, and the pages are the same as by page number."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from cases.forms_filters import CaseFilterForm
from cases.models import Case
from cases.roles import Role
from cases.selectors import PAGE_SIZE, CaseFilters, case_list_for_user, page_cursor, paginate
from tests.factories import CaseFactory, MembershipFactory, OrganisationFactory

ROW = re.compile(r'<td><a href="/arenden/(\d+)/">')
URL = "cases:organisation_cases"
# As in test_case_list.py, the filter choices cached by the first page: the cursor costs no query.
QUERIES_CASE_LIST = 8


@pytest.fixture
def kommun() -> object:
    return OrganisationFactory(name="Socialnämnden Keyset", short_name="SN Keyset")


@pytest.fixture
def soc(kommun: object) -> object:
    return MembershipFactory(organisation=kommun, role=Role.SOCIALSEKRETERARE).user


def _cases(kommun: object, n: int) -> list[Case]:
    """``n`` cases with distinct references, two by two with the same updated_at, so the id
    has to break the tie."""
    cases = CaseFactory.create_batch(n, owner_organisation=kommun)
    base = timezone.now() - timedelta(days=1)
    for index, case in enumerate(cases):
        Case.objects.filter(pk=case.pk).update(updated_at=base + timedelta(minutes=index // 2))
    return cases


def _ids(html: str) -> list[int]:
    return [int(pk) for pk in ROW.findall(html)]


def _button(html: str, label: str) -> dict[str, str]:
    """The hidden fields of the paging form whose button reads ``label``."""
    for form in re.findall(r"<form method=\"post\" hx-post[^>]*>(.*?)</form>", html, re.S):
        if f">{label}<" in form:
            fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form))
            fields.pop("csrfmiddlewaretoken", None)
            return fields
    raise AssertionError(f"no {label!r} button")


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["-updated_at", "updated_at", "reference", "-reference"])
def test_next_and_previous_by_cursor_give_the_pages_by_number(client, soc, kommun, sort):
    _cases(kommun, 2 * PAGE_SIZE + 7)
    client.force_login(soc)
    url = reverse(URL)

    by_number = [
        _ids(client.post(url, {"sortering": sort, "sida": str(page)}).content.decode())
        for page in (1, 2, 3)
    ]
    first = client.post(url, {"sortering": sort}).content.decode()
    to_second = _button(first, "Nästa")
    assert "efter" in to_second and to_second["sida"] == "2"
    second = client.post(url, to_second).content.decode()
    third = client.post(url, _button(second, "Nästa")).content.decode()
    to_second_again = _button(third, "Föregående")
    assert "fore" in to_second_again and to_second_again["sida"] == "2"
    second_again = client.post(url, to_second_again).content.decode()
    to_first = _button(second_again, "Föregående")

    assert [_ids(first), _ids(second), _ids(third)] == by_number
    assert _ids(second_again) == by_number[1]
    assert len(by_number[2]) == 7 and "Nästa" not in third
    # Back to page 1 without a cursor: the first page is always the real first page.
    assert to_first == {"sortering": sort, "sida": "1"}
    assert "Sida 2" in second_again


@pytest.mark.django_db
def test_cursor_carries_no_personal_data_and_keeps_the_filters(client, soc, kommun):
    cases = _cases(kommun, PAGE_SIZE + 1)
    client.force_login(soc)

    first = client.post(reverse(URL), {"typ": "kontraktsvard", "sortering": "-updated_at"})
    fields = _button(first.content.decode(), "Nästa")

    last_shown = Case.objects.get(pk=_ids(first.content.decode())[-1])
    assert fields == {
        "typ": "kontraktsvard",
        "sortering": "-updated_at",
        "sida": "2",
        "efter": f"{last_shown.updated_at.isoformat()}~{last_shown.pk}",
    }
    client_names = {c.client.first_name for c in cases} | {c.client.last_name for c in cases}
    assert not any(name and name in fields["efter"] for name in client_names)


@pytest.mark.django_db
@pytest.mark.parametrize("n", [10, 3 * PAGE_SIZE])
def test_page_by_cursor_has_a_constant_query_count(
    client, soc, kommun, n, django_assert_num_queries
):
    _cases(kommun, n)
    client.force_login(soc)
    first = client.post(reverse(URL), {"sortering": "-updated_at"}).content.decode()
    later = _button(first, "Nästa") if n > PAGE_SIZE else {"sida": "1"}

    with django_assert_num_queries(QUERIES_CASE_LIST):
        response = client.post(reverse(URL), later)

    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "cursor", ["nonsense", "2026-01-01T00:00:00+00:00~x", "2026-01-01~1", "1" * 65]
)
def test_a_cursor_that_does_not_parse_falls_back_to_the_page_number(client, soc, kommun, cursor):
    _cases(kommun, PAGE_SIZE + 3)
    client.force_login(soc)
    url = reverse(URL)

    expected = _ids(client.post(url, {"sida": "2"}).content.decode())
    response = client.post(url, {"sida": "2", "efter": cursor, "fore": cursor})

    assert response.status_code == 200
    assert _ids(response.content.decode()) == expected and len(expected) == 3


@pytest.mark.django_db
def test_cursor_never_shows_a_case_outside_the_access_rule(soc, kommun):
    """The cursor only moves the start of the page; the access rule still decides."""
    mine = _cases(kommun, 3)
    others = CaseFactory.create_batch(3, owner_organisation=OrganisationFactory(name="Annan"))
    newest = max(Case.objects.all(), key=lambda c: (c.updated_at, c.pk))
    assert newest.pk in {c.pk for c in others}

    rows, has_next = paginate(
        case_list_for_user(soc, CaseFilters()),
        2,
        after=page_cursor(newest, "-updated_at"),
        sort="-updated_at",
    )

    assert sorted(c.pk for c in rows) == sorted(c.pk for c in mine)
    assert not has_next


@pytest.mark.django_db
def test_filter_selects_render_as_djangos_select_widget(soc, kommun):
    """The fast select writes exactly what Django's template would (labels escaped)."""
    organisations = [(1, 'A & "B" <c>'), (2, "Örebro")]
    for data in (None, {"typ": "kontraktsvard", "organisation": "2", "status": "nonsense"}):
        form = CaseFilterForm(data, organisations=organisations, caseworkers=[(5, "Anna")])
        if data:
            form.is_valid()
        for name in ("typ", "status", "organisation", "handlaggare", "sortering"):
            field = form[name]
            expected = field.as_widget(widget=forms.Select(choices=field.field.choices))
            assert str(field) == str(expected)
