"""The case lists "Mina ärenden" and "Organisationens ärenden" (cases.views.lists)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import AccessLog, Consent, Deadline
from cases.personnummer import luhn_check_digit
from cases.roles import OrganisationKind, Role
from cases.selectors import PAGE_SIZE
from tests.factories import (
    CaseFactory,
    ClientFactory,
    MembershipFactory,
    OrganisationFactory,
    give_consent,
)

# Queries of one case-list page, whatever the number of cases:
#  1. the user (AuthenticationMiddleware; the session itself comes from the cache)
#  2. the user's memberships with their organisations (shared by the menu, the handläggare
#     choices, the "own organisation" column and the search log)
#  3. one page of cases, with client and owner organisation, through the access rule
#  4. the participations of that page, with organisation and handläggare (prefetch)
#  5-7. saving the session (SESSION_SAVE_EVERY_REQUEST: SAVEPOINT, UPDATE, RELEASE SAVEPOINT)
#  8. the unread notification count in the header (cases.context_processors)
# The filter's choices come from the cache (cases.filter_choices); when they are not there,
# two more queries read them (the organisations, the handläggare).
QUERIES_CASE_LIST = 8
QUERIES_CHOICES_NOT_CACHED = 2
# "Mina ärenden" plans its page for the user (cases.db.planned_for_each_call): the page's query
# inside SAVEPOINT, SET LOCAL plan_cache_mode, RELEASE SAVEPOINT (a transaction in production).
QUERIES_MY_CASES = QUERIES_CASE_LIST + 3
# A search by personnummer also writes its AccessLog row, and reads the ids of the person's
# cases first (selectors._search_candidates).
QUERIES_CASE_SEARCH_BY_PERSONNUMMER = QUERIES_CASE_LIST + 2

MASKED_NO_CONSENT = "Uppgift saknas – inget samtycke"
MASKED_PROTECTED = "Skyddad identitet"
ROW = re.compile(r'<td><a href="/arenden/\d+/">')


def personnummer(core: str) -> tuple[str, str]:
    """(stored 12-digit value, the ``YYMMDD-NNNN`` form a user types) for a 9-digit core
    from the 1900s. The factories' serial numbers start at 100, so cores ending in 9xx never
    collide with them."""
    ten = f"{core}{luhn_check_digit(core)}"
    return f"19{ten}", f"{ten[:6]}-{ten[6:]}"


@pytest.fixture
def kommun() -> object:
    return OrganisationFactory(name="Socialnämnden Nordost", short_name="SN Nordost")


@pytest.fixture
def frivard() -> object:
    return OrganisationFactory(
        name="Frivården Göteborg", short_name="Frivården Gbg", kind=OrganisationKind.FRIVARD
    )


@pytest.fixture
def soc(kommun: object) -> object:
    return MembershipFactory(organisation=kommun, role=Role.SOCIALSEKRETERARE).user


@pytest.fixture
def inspektor(frivard: object) -> object:
    return MembershipFactory(organisation=frivard, role=Role.FRIVARDSINSPEKTOR).user


def post_list(client: object, data: dict[str, object], url_name: str = "cases:organisation_cases"):
    return client.post(reverse(url_name), data)  # type: ignore[attr-defined]


def rows_in(response: object) -> int:
    return len(ROW.findall(response.content.decode()))  # type: ignore[attr-defined]


# --- Query counts --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("n", [10, 1000])
def test_case_list_query_count_is_constant(
    client, soc, kommun, frivard, n, django_assert_num_queries
):
    cases = CaseFactory.create_batch(
        n,
        owner_organisation=kommun,
        participants__counterpart=frivard,
        participants__handlaggare=soc,
    )
    for case in cases[::3]:
        give_consent(case, kommun, frivard, recorded_by=soc)
    protected = ClientFactory(protected_identity=True)
    CaseFactory.create_batch(
        5, owner_organisation=kommun, client=protected, participants__handlaggare=soc
    )
    stored, typed = personnummer("850101987")
    CaseFactory(
        owner_organisation=kommun,
        client=ClientFactory(id_number=stored),
        participants__counterpart=frivard,
    )
    client.force_login(soc)
    with django_assert_num_queries(QUERIES_CASE_LIST + QUERIES_CHOICES_NOT_CACHED):
        client.get(reverse("cases:organisation_cases"))

    # n + 5 protected + 1 searched: all visible; the searched one has no handläggare.
    for url_name, visible, queries in (
        ("cases:organisation_cases", n + 6, QUERIES_CASE_LIST),
        ("cases:my_cases", n + 5, QUERIES_MY_CASES),
    ):
        with django_assert_num_queries(queries):
            response = client.get(reverse(url_name))
        assert response.status_code == 200
        assert rows_in(response) == min(visible, PAGE_SIZE)

    with django_assert_num_queries(QUERIES_CASE_LIST):
        response = post_list(client, {"typ": "kontraktsvard", "sortering": "reference"})
    assert rows_in(response) == min(n + 6, PAGE_SIZE)

    with django_assert_num_queries(QUERIES_CASE_SEARCH_BY_PERSONNUMMER):
        response = post_list(client, {"sok": typed})
    assert rows_in(response) == 1

    # A personnummer nobody in Brygga has: no case ids, so neither the list query nor its
    # parties; the search is still logged.
    logged = AccessLog.objects.filter(action=AccessLog.Action.SEARCH).count()
    _, nobody = personnummer("850101988")
    with django_assert_num_queries(QUERIES_CASE_SEARCH_BY_PERSONNUMMER - 2):
        response = post_list(client, {"sok": nobody})
    assert rows_in(response) == 0
    assert "Inga ärenden matchar dina val." in response.content.decode()
    assert AccessLog.objects.filter(action=AccessLog.Action.SEARCH).count() == logged + 1


@pytest.mark.django_db
@pytest.mark.parametrize("n", [10, 1000])
def test_counterpart_case_list_query_count_is_constant(
    client, soc, inspektor, kommun, frivard, n, django_assert_num_queries
):
    cases = CaseFactory.create_batch(
        n, owner_organisation=kommun, participants__counterpart=frivard
    )
    for case in cases[::2]:
        give_consent(case, kommun, frivard, recorded_by=soc)
    client.force_login(inspektor)
    with django_assert_num_queries(QUERIES_CASE_LIST + QUERIES_CHOICES_NOT_CACHED):
        response = client.get(reverse("cases:organisation_cases"))
    assert rows_in(response) == min(n, PAGE_SIZE)


@pytest.mark.django_db
def test_filter_choices_are_kept_until_an_organisation_membership_or_user_changes(
    client, soc, kommun, frivard, django_assert_num_queries
):
    CaseFactory(owner_organisation=kommun, participants__counterpart=frivard)
    client.force_login(soc)
    client.get(reverse("cases:organisation_cases"))
    with django_assert_num_queries(QUERIES_CASE_LIST):
        html = client.get(reverse("cases:organisation_cases")).content.decode()
    assert f">{frivard.name}</option>" in html

    colleague = MembershipFactory(organisation=kommun, role=Role.SOCIALSEKRETERARE).user
    frivard.name = "Frivården Nytt Namn"
    frivard.save()
    html = client.get(reverse("cases:organisation_cases")).content.decode()
    assert ">Frivården Nytt Namn</option>" in html
    assert f">{colleague.get_full_name()}</option>" in html

    colleague.first_name = "Omdöpt"
    colleague.save()
    html = client.get(reverse("cases:organisation_cases")).content.decode()
    assert f">Omdöpt {colleague.last_name}</option>" in html


# --- Who sees what -------------------------------------------------------------------------


@pytest.mark.django_db
def test_case_of_unrelated_organisation_never_appears(client, soc, kommun):
    CaseFactory(owner_organisation=kommun, reference="KV-2026-00001")
    other = CaseFactory(reference="KV-2026-09999", client=ClientFactory(last_name="Främlingsson"))
    client.force_login(soc)

    listed = client.get(reverse("cases:organisation_cases")).content.decode()
    assert "KV-2026-00001" in listed
    assert other.reference not in listed

    for query in (other.reference, "Främlingsson"):
        searched = results_of(post_list(client, {"sok": query}))
        assert other.reference not in searched
        assert "Främlingsson" not in searched


@pytest.mark.django_db
def test_names_are_shown_as_text_never_as_markup(client, soc, kommun):
    """The rows are rendered by Jinja2 (cases.rendering): escaped like any Django template."""
    CaseFactory(
        owner_organisation=kommun,
        reference="KV-2026-00002",
        client=ClientFactory(first_name='<b onclick="x">Anna</b>', last_name="Öberg & Söner"),
    )
    client.force_login(soc)

    listed = client.get(reverse("cases:organisation_cases")).content.decode()

    assert "&lt;b onclick=&#34;x&#34;&gt;Anna&lt;/b&gt; Öberg &amp; Söner" in listed
    assert "<b onclick" not in listed


@pytest.mark.django_db
def test_counterpart_sees_client_name_only_while_consent_is_in_force(
    client, soc, inspektor, kommun, frivard
):
    case = CaseFactory(
        owner_organisation=kommun,
        client=ClientFactory(first_name="Ingrid", last_name="Samtyckesson"),
        participants__counterpart=frivard,
    )
    client.force_login(inspektor)
    url = reverse("cases:organisation_cases")

    before = client.get(url).content.decode()
    assert case.reference in before
    assert "Samtyckesson" not in before
    assert f'<span class="masked">{MASKED_NO_CONSENT}</span>' in before
    # Before consent only the requesting organisation is shown, not the other parties.
    assert "SN Nordost" in before

    consent = give_consent(case, kommun, frivard, recorded_by=soc)
    during = client.get(url).content.decode()
    assert "Ingrid Samtyckesson" in during
    assert MASKED_NO_CONSENT not in during

    Consent.objects.filter(pk=consent.pk).update(withdrawn_at=timezone.now())
    after = client.get(url).content.decode()
    assert case.reference in after
    assert "Samtyckesson" not in after
    assert MASKED_NO_CONSENT in after


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", ["soc", "inspektor"])
def test_protected_identity_is_never_shown_or_searchable_without_grant(
    request, client, soc, inspektor, kommun, frivard, viewer
):
    stored, typed = personnummer("760312984")
    case = CaseFactory(
        owner_organisation=kommun,
        client=ClientFactory(
            first_name="Sara", last_name="Skyddsson", id_number=stored, protected_identity=True
        ),
        participants__counterpart=frivard,
    )
    give_consent(case, kommun, frivard, recorded_by=soc)
    client.force_login(request.getfixturevalue(viewer))

    listed = client.get(reverse("cases:organisation_cases")).content.decode()
    assert case.reference in listed
    assert "Skyddsson" not in listed
    assert f'<span class="masked">{MASKED_PROTECTED}</span>' in listed

    for query in (typed, stored, "Skyddsson", "Sara Skyddsson"):
        searched = results_of(post_list(client, {"sok": query}))
        assert rows_in_html(searched) == 0, query
        assert "Skyddsson" not in searched

    by_reference = results_of(post_list(client, {"sok": case.reference}))
    assert rows_in_html(by_reference) == 1
    assert "Skyddsson" not in by_reference
    assert MASKED_PROTECTED in by_reference


def rows_in_html(html: str) -> int:
    return len(ROW.findall(html))


def results_of(response: object) -> str:
    """The results region only: the search box itself repeats what was typed."""
    html = response.content.decode()  # type: ignore[attr-defined]
    return html[html.index('id="case-results"') :]


# --- Search --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_search_by_personnummer_finds_the_case_and_is_access_logged(client, soc, kommun):
    stored, typed = personnummer("850101987")
    case = CaseFactory(
        owner_organisation=kommun,
        client=ClientFactory(first_name="Per", last_name="Nummersson", id_number=stored),
    )
    CaseFactory(owner_organisation=kommun, reference="KV-2026-00555")
    client.force_login(soc)

    response = post_list(client, {"sok": typed})

    html = response.content.decode()
    assert response.status_code == 200
    assert case.reference in html
    assert "Per Nummersson" in html
    assert "KV-2026-00555" not in html
    log = AccessLog.objects.get()
    assert log.action == "sokning"
    assert log.user == soc
    assert log.organisation == kommun
    assert log.case is None
    assert log.client is None


@pytest.mark.django_db
def test_search_by_name_or_reference_is_not_logged_as_personnummer_search(client, soc, kommun):
    case = CaseFactory(owner_organisation=kommun, client=ClientFactory(last_name="Namnsson"))
    client.force_login(soc)

    assert case.reference in post_list(client, {"sok": "Namnsson"}).content.decode()
    assert case.reference in post_list(client, {"sok": case.reference}).content.decode()
    assert not AccessLog.objects.exists()


@pytest.mark.django_db
def test_filters_and_paging_are_posted_so_no_search_text_reaches_a_url(client, soc, kommun):
    """DOMAIN.md §7: personal data never goes into URLs (history, proxy logs, Referer)."""
    CaseFactory.create_batch(PAGE_SIZE + 1, owner_organisation=kommun)
    client.force_login(soc)

    html = client.get(reverse("cases:organisation_cases"), {"sok": "Exempelsson"}).content.decode()

    list_forms = re.findall(r"<form [^>]*hx-post[^>]*>", html)
    assert len(list_forms) == 2  # the filters and the "Nästa" button
    assert all('method="post"' in form for form in list_forms)
    # A query string is ignored: GET always shows the unfiltered first page.
    assert rows_in_html(html) == PAGE_SIZE


# --- Filters -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_overdue_filter_shows_only_cases_with_an_open_deadline_in_the_past(client, soc, kommun):
    today = timezone.localdate()
    late, due_later, done, none = CaseFactory.create_batch(4, owner_organisation=kommun)
    for case, due, status in (
        (late, today - timedelta(days=1), Deadline.Status.OPEN),
        (due_later, today + timedelta(days=1), Deadline.Status.OPEN),
        (done, today - timedelta(days=3), Deadline.Status.DONE),
    ):
        Deadline.objects.create(
            case=case,
            kind="yttrande",
            label="Yttrande till tingsrätten",
            due_date=due,
            status=status,
            responsible_organisation=kommun,
        )
    client.force_login(soc)

    html = post_list(client, {"forsenade": "on"}).content.decode()

    assert late.reference in html
    for case in (due_later, done, none):
        assert case.reference not in html


@pytest.mark.django_db
def test_type_and_status_filters(client, soc, kommun):
    kv = CaseFactory(owner_organisation=kommun, case_type="kontraktsvard", state="initierad")
    vv = CaseFactory(owner_organisation=kommun, case_type="vardvistelse", state="aktualiserad")
    client.force_login(soc)

    by_type = post_list(client, {"typ": "vardvistelse"}).content.decode()
    by_state = post_list(client, {"status": "initierad"}).content.decode()

    assert vv.reference in by_type and kv.reference not in by_type
    assert kv.reference in by_state and vv.reference not in by_state


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "nonsense"}, "Välj en status i listan."),
        ({"typ": "okand"}, "Välj en ärendetyp i listan."),
        ({"organisation": "abc"}, "Välj en organisation i listan."),
        ({"sortering": "-client__id_number"}, "Välj en sortering i listan."),
        ({"typ": "inslussning", "status": "dom"}, "Ärendetypen Inslussning har inte statusen"),
        ({"sida": "0"}, "Sidnumret måste vara ett heltal mellan 1 och 200."),
    ],
)
def test_invalid_filter_input_shows_a_swedish_error(client, soc, kommun, data, message):
    case = CaseFactory(owner_organisation=kommun)
    client.force_login(soc)

    response = post_list(client, data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Det finns ett problem" in html
    assert message in html
    assert case.reference not in html


@pytest.mark.django_db
def test_my_cases_shows_only_cases_where_the_user_is_handlaggare(client, soc, kommun):
    colleague = MembershipFactory(organisation=kommun, role=Role.SOCIALSEKRETERARE).user
    mine = CaseFactory(owner_organisation=kommun, participants__handlaggare=soc)
    theirs = CaseFactory(owner_organisation=kommun, participants__handlaggare=colleague)
    nobodys = CaseFactory(owner_organisation=kommun)
    client.force_login(soc)

    html = client.get(reverse("cases:my_cases")).content.decode()
    organisation_html = client.get(reverse("cases:organisation_cases")).content.decode()

    assert "<h1>Mina ärenden</h1>" in html
    assert mine.reference in html
    assert theirs.reference not in html
    assert nobodys.reference not in html
    assert soc.get_full_name() in html
    for case in (mine, theirs, nobodys):
        assert case.reference in organisation_html
    # A colleague is never the handläggare of a case in "Mina ärenden" (one per organisation):
    # the filter would only ever empty the list, so only the organisation's list offers it.
    assert 'name="handlaggare"' not in html
    assert 'name="handlaggare"' in organisation_html


@pytest.mark.django_db
def test_handlaggare_filter_lists_colleagues_and_filters(client, soc, kommun, frivard):
    colleague = MembershipFactory(organisation=kommun, role=Role.SOCIALSEKRETERARE).user
    outsider = MembershipFactory(organisation=frivard, role=Role.FRIVARDSINSPEKTOR).user
    theirs = CaseFactory(owner_organisation=kommun, participants__handlaggare=colleague)
    mine = CaseFactory(owner_organisation=kommun, participants__handlaggare=soc)
    client.force_login(soc)

    page = client.get(reverse("cases:organisation_cases")).content.decode()
    filtered = post_list(client, {"handlaggare": colleague.pk}).content.decode()
    refused = post_list(client, {"handlaggare": outsider.pk}).content.decode()

    assert f'<option value="{colleague.pk}">{colleague.get_full_name()}</option>' in page
    assert outsider.get_full_name() not in page
    assert theirs.reference in filtered and mine.reference not in filtered
    assert "Välj en handläggare i listan." in refused


# --- Pagination and htmx -------------------------------------------------------------------


@pytest.mark.django_db
def test_pagination_without_counting(client, soc, kommun):
    cases = CaseFactory.create_batch(PAGE_SIZE + 1, owner_organisation=kommun)
    client.force_login(soc)

    first = client.get(reverse("cases:organisation_cases")).content.decode()
    second = post_list(client, {"sortering": "-updated_at", "sida": "2"}).content.decode()

    assert rows_in_html(first) == PAGE_SIZE
    assert "Nästa" in first and "Föregående" not in first
    assert "Sida 1" in first
    assert rows_in_html(second) == 1
    assert "Föregående" in second and "Nästa" not in second
    assert "Sida 2" in second
    # The oldest case is the one left for page 2 (newest first).
    assert cases[0].reference in second


@pytest.mark.django_db
def test_next_page_keeps_the_filters(client, soc, kommun):
    CaseFactory.create_batch(PAGE_SIZE + 1, owner_organisation=kommun, case_type="inslussning")
    CaseFactory.create_batch(3, owner_organisation=kommun, case_type="vardvistelse")
    client.force_login(soc)

    first = post_list(client, {"typ": "inslussning", "sok": ""}).content.decode()

    next_form = first[first.index('name="sida" value="2"') - 1000 :]
    assert '<input type="hidden" name="typ" value="inslussning">' in next_form
    second = post_list(client, {"typ": "inslussning", "sida": "2"}).content.decode()
    assert rows_in_html(second) == 1


@pytest.mark.django_db
def test_htmx_swaps_only_the_results(client, soc, kommun):
    case = CaseFactory(owner_organisation=kommun)
    client.force_login(soc)
    url = reverse("cases:organisation_cases")

    results = client.post(url, {"sok": case.reference}, headers={"HX-Request": "true"})
    invalid = client.post(url, {"status": "nonsense"}, headers={"HX-Request": "true"})
    corrected = client.post(url, {"status": "", "fel_visade": "1"}, headers={"HX-Request": "true"})

    html = results.content.decode()
    assert "<h1>" not in html and '<form method="post" novalidate' not in html
    assert case.reference in html
    # Errors replace the form as well, and so does the first valid answer after them.
    assert invalid.headers["HX-Retarget"] == "#case-list"
    assert "Välj en status i listan." in invalid.content.decode()
    assert corrected.headers["HX-Retarget"] == "#case-list"
    assert "Välj en status i listan." not in corrected.content.decode()
    assert case.reference in corrected.content.decode()


@pytest.mark.django_db
def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("cases:organisation_cases"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
