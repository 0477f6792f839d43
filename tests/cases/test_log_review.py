"""Loggkontroll: a chef reviews who read their organisation's cases and what their people read
(DOMAIN.md §7), marks entries for follow-up and exports the log; and the Medarbetare list."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from typing import Any, cast
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import DatabaseError, transaction
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import reverse

from cases.models import AccessLog, AccessLogFlag, Case, Membership, Organisation
from cases.roles import OrganisationKind, Role
from tests import factories

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")


# factory_boy's calls are typed as returning the factory; these say what they build.
def new_organisation(**kwargs: Any) -> Organisation:
    return cast(Organisation, factories.OrganisationFactory(**kwargs))


def new_membership(**kwargs: Any) -> Membership:
    return cast(Membership, factories.MembershipFactory(**kwargs))


def new_case(**kwargs: Any) -> Case:
    return cast(Case, factories.CaseFactory(**kwargs))


# Queries of one log review page, whatever the number of entries:
#  1. the session user (auth middleware; the session itself comes from the Redis cache)
#  2. the chef check: does the user hold a chef role in force (EXISTS)
#  3. the filter form's user choices (members of the chef's organisations)
#  4. the page of entries, with user, organisation and case joined (LIMIT 101)
#  5. the flags of those entries, with who flagged them (prefetch)
#  6. the navigation's memberships (context processor in base.html)
#  7-9. the session saved at the end of the request (SESSION_SAVE_EVERY_REQUEST, cached_db):
#       SAVEPOINT, UPDATE django_session, RELEASE SAVEPOINT
#  10. the unread notification count in the header (cases.context_processors)
QUERIES_LOG_REVIEW = 10


@dataclass
class World:
    organisation: Organisation
    chef: Membership
    worker: Membership
    outsider: Membership
    frivard_inspektor: Membership
    own_case: Case
    other_case: Case


@pytest.fixture
def world() -> World:
    organisation = new_organisation(name="Socialnämnden Nordost")
    other = new_organisation(name="Socialnämnden Väster")
    frivard = new_organisation(name="Frivården Göteborg", kind=OrganisationKind.FRIVARD)
    chef = new_membership(
        organisation=organisation,
        role=Role.ENHETSCHEF,
        user__first_name="Cecilia",
        user__last_name="Chefsson",
    )
    worker = new_membership(
        organisation=organisation,
        user__username="sara.sekr",
        user__first_name="Sara",
        user__last_name="Sekreterare",
    )
    outsider = new_membership(
        organisation=other,
        user__username="olle.ute",
        user__first_name="Olle",
        user__last_name="Utomstående",
    )
    frivard_inspektor = new_membership(
        organisation=frivard,
        role=Role.FRIVARDSINSPEKTOR,
        user__username="frida.insp",
        user__first_name="Frida",
        user__last_name="Inspektör",
    )
    return World(
        organisation=organisation,
        chef=chef,
        worker=worker,
        outsider=outsider,
        frivard_inspektor=frivard_inspektor,
        own_case=new_case(owner_organisation=organisation, participants__counterpart=frivard),
        other_case=new_case(owner_organisation=other),
    )


def log(
    membership: Membership, case: Case | None, *, ip: str = "10.0.0.1", at: datetime | None = None
) -> AccessLog:
    def create() -> AccessLog:
        return AccessLog.objects.create(
            user=membership.user,
            organisation=membership.organisation,
            action="visa_arende",
            case=case,
            ip_address=ip,
        )

    if at is None:
        return create()
    # created_at is auto_now_add and the table refuses UPDATE: set the clock instead.
    with mock.patch("django.utils.timezone.now", return_value=at):
        return create()


class _TableRows(HTMLParser):
    """The text of each cell of the page's table body, row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._in_body = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tbody":
            self._in_body = True
        elif self._in_body and tag == "tr":
            self.rows.append([])
        elif self._in_body and tag == "td":
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self._in_body = False
        elif tag == "td" and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def table_rows(response: HttpResponseBase) -> list[list[str]]:
    parser = _TableRows()
    parser.feed(cast(HttpResponse, response).content.decode())
    return parser.rows


def logged_in(client: Client, membership: Membership) -> Client:
    client.force_login(membership.user)
    return client


def review(client: Client, **params: Any) -> HttpResponse:
    response = client.get(reverse("cases:log_review"), params)
    assert response.status_code == 200
    return cast(HttpResponse, response)


# --- What the chef sees ------------------------------------------------------------------------


def test_chef_sees_own_people_and_reads_of_own_cases_but_not_other_organisations(
    client: Client, world: World
) -> None:
    log(world.worker, world.own_case, ip="10.0.0.1")
    log(world.frivard_inspektor, world.own_case, ip="10.0.0.2")
    log(world.outsider, world.other_case, ip="10.0.0.3")

    response = review(logged_in(client, world.chef))

    rows = table_rows(response)
    users = {row[1] for row in rows}
    assert users == {"Sara Sekreterare", "Frida Inspektör"}
    assert {row[4] for row in rows} == {world.own_case.reference}
    assert {row[5] for row in rows} == {"10.0.0.1", "10.0.0.2"}
    assert rows[0][3] == "Öppnade ärende"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", rows[0][0])
    content = response.content.decode()
    assert "Olle" not in content
    assert world.other_case.reference not in content
    # The review shows the case reference, never who the client is.
    assert world.own_case.client.first_name not in content
    assert world.own_case.client.id_number not in content


def test_chef_of_a_kommun_reviews_its_units(client: Client, world: World) -> None:
    kommun = new_organisation(name="Göteborgs stad", kind=OrganisationKind.KOMMUN)
    Organisation.objects.filter(pk=world.organisation.pk).update(parent=kommun)
    kommun_chef = new_membership(organisation=kommun, role=Role.ENHETSCHEF)
    log(world.worker, world.own_case)

    rows = table_rows(review(logged_in(client, kommun_chef)))

    assert [row[1] for row in rows] == ["Sara Sekreterare"]


def test_expired_chef_membership_gives_no_log_review(client: Client, world: World) -> None:
    Membership.objects.filter(pk=world.chef.pk).update(valid_until="2020-12-31")

    response = logged_in(client, world.chef).get(reverse("cases:log_review"))

    assert response.status_code == 404


@pytest.mark.parametrize("role", [Role.SOCIALSEKRETERARE, Role.REGISTRATOR])
def test_log_pages_do_not_exist_without_chef_role(client: Client, world: World, role: str) -> None:
    entry = log(world.worker, world.own_case)
    membership = new_membership(organisation=world.organisation, role=role)
    logged_in(client, membership)

    assert client.get(reverse("cases:log_review")).status_code == 404
    assert client.get(reverse("cases:log_review_export")).status_code == 404
    flag_url = reverse("cases:log_entry_flag", args=[entry.pk])
    assert client.post(flag_url, {"comment": "Kolla"}).status_code == 404
    assert client.get(flag_url).status_code == 404
    assert not AccessLogFlag.objects.exists()
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()


def test_socialsekreterare_gets_404_for_members(client: Client, world: World) -> None:
    response = logged_in(client, world.worker).get(reverse("cases:members"))

    assert response.status_code == 404


# --- Filters -----------------------------------------------------------------------------------


def test_filter_by_user(client: Client, world: World) -> None:
    log(world.worker, world.own_case, ip="10.0.0.1")
    log(world.frivard_inspektor, world.own_case, ip="10.0.0.2")
    logged_in(client, world.chef)

    response = review(client, user=world.worker.user.pk, date_from="2026-01-01")

    rows = table_rows(response)
    assert [(row[1], row[5]) for row in rows] == [("Sara Sekreterare", "10.0.0.1")]
    # The export link keeps the filters.
    export_url = reverse("cases:log_review_export")
    assert (
        f'href="{export_url}?user={world.worker.user.pk}&amp;date_from=2026-01-01'
        in response.content.decode()
    )


def test_filter_by_user_outside_scope_is_an_error(client: Client, world: World) -> None:
    log(world.outsider, world.other_case)

    response = review(logged_in(client, world.chef), user=world.outsider.user.pk)

    assert "Välj en användare i listan." in response.content.decode()
    assert table_rows(response) == []


def test_filter_by_period_uses_swedish_calendar_days(client: Client, world: World) -> None:
    def at(month: int, day: int, hour: int, minute: int) -> datetime:
        return datetime(2026, month, day, hour, minute, tzinfo=STOCKHOLM)

    log(world.worker, world.own_case, ip="10.0.0.1", at=at(2, 28, 23, 59))
    log(world.worker, world.own_case, ip="10.0.0.2", at=at(3, 1, 0, 1))
    log(world.worker, world.own_case, ip="10.0.0.3", at=at(3, 31, 23, 30))
    log(world.worker, world.own_case, ip="10.0.0.4", at=at(4, 1, 0, 30))
    logged_in(client, world.chef)

    rows = table_rows(review(client, date_from="2026-03-01", date_to="2026-03-31"))

    assert [row[5] for row in rows] == ["10.0.0.3", "10.0.0.2"]
    assert [row[0] for row in rows] == ["2026-03-31 23:30", "2026-03-01 00:01"]


def test_filter_by_case_reference_and_flagged_only(client: Client, world: World) -> None:
    second_case = new_case(owner_organisation=world.organisation)
    flagged = log(world.worker, world.own_case, ip="10.0.0.1")
    log(world.worker, world.own_case, ip="10.0.0.2")
    log(world.worker, second_case, ip="10.0.0.3")
    AccessLogFlag.objects.create(entry=flagged, flagged_by=world.chef.user, comment="Följ upp")
    logged_in(client, world.chef)

    by_reference = table_rows(review(client, case_reference=second_case.reference.lower()))
    only_flagged = table_rows(review(client, flagged_only="on"))

    assert [row[5] for row in by_reference] == ["10.0.0.3"]
    assert [row[5] for row in only_flagged] == ["10.0.0.1"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "2026-13-01"}, "Ange datumet som ÅÅÅÅ-MM-DD, till exempel 2026-03-01."),
        ({"date_to": "1 mars"}, "Ange datumet som ÅÅÅÅ-MM-DD, till exempel 2026-03-01."),
        (
            {"date_from": "2026-03-31", "date_to": "2026-03-01"},
            "Till och med-datumet kan inte vara före från-datumet.",
        ),
    ],
)
def test_invalid_dates_give_a_swedish_error_summary(
    client: Client, world: World, params: dict[str, str], message: str
) -> None:
    log(world.worker, world.own_case)

    response = review(logged_in(client, world.chef), **params)

    content = response.content.decode()
    assert "Det finns ett problem" in content
    assert message in content
    assert table_rows(response) == []
    assert "Exportera CSV" not in content


def test_pages_of_100_without_counting(client: Client, world: World) -> None:
    AccessLog.objects.bulk_create(
        AccessLog(user=world.worker.user, action="visa_arende", case=world.own_case)
        for _ in range(150)
    )
    logged_in(client, world.chef)

    first = review(client)
    second = review(client, page=2)

    assert len(table_rows(first)) == 100
    assert "Nästa sida" in first.content.decode()
    assert len(table_rows(second)) == 50
    assert "Nästa sida" not in second.content.decode()
    assert "Föregående sida" in second.content.decode()


@pytest.mark.parametrize("entries", [5, 200])
def test_log_review_query_count_is_constant(
    client: Client, world: World, entries: int, django_assert_num_queries: object
) -> None:
    created = AccessLog.objects.bulk_create(
        AccessLog(user=world.worker.user, action="visa_arende", case=world.own_case)
        for _ in range(entries)
    )
    for entry in created[-3:]:
        AccessLogFlag.objects.create(entry=entry, flagged_by=world.chef.user, comment="Följ upp")
    logged_in(client, world.chef)

    with django_assert_num_queries(QUERIES_LOG_REVIEW):  # type: ignore[operator]
        response = client.get(reverse("cases:log_review"))

    assert response.status_code == 200
    assert len(table_rows(response)) == min(entries, 100)


# --- Marking an entry for follow-up -------------------------------------------------------------


def test_flagging_adds_a_visible_comment(client: Client, world: World) -> None:
    entry = log(world.worker, world.own_case)
    logged_in(client, world.chef)

    response = client.post(
        reverse("cases:log_entry_flag", args=[entry.pk]),
        {"comment": "Varför öppnades ärendet en söndag?", "return_query": "user=&page=1"},
        follow=True,
    )

    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(reverse("cases:log_review"))
    content = response.content.decode()
    assert "Posten är markerad för uppföljning." in content
    assert "Varför öppnades ärendet en söndag?" in table_rows(response)[0][6]
    flag = AccessLogFlag.objects.get()
    assert (flag.entry, flag.flagged_by) == (entry, world.chef.user)


def test_flagging_needs_a_comment(client: Client, world: World) -> None:
    entry = log(world.worker, world.own_case)
    logged_in(client, world.chef)

    response = client.post(
        reverse("cases:log_entry_flag", args=[entry.pk]), {"comment": "   "}, follow=True
    )

    assert "Skriv en kommentar om vad som ska följas upp." in response.content.decode()
    assert not AccessLogFlag.objects.exists()


def test_flagging_an_entry_outside_scope_is_404(client: Client, world: World) -> None:
    entry = log(world.outsider, world.other_case)
    logged_in(client, world.chef)

    response = client.post(reverse("cases:log_entry_flag", args=[entry.pk]), {"comment": "Hm"})

    assert response.status_code == 404
    assert not AccessLogFlag.objects.exists()


# --- Export -------------------------------------------------------------------------------------


def test_csv_export(client: Client, world: World) -> None:
    entry = log(world.worker, world.own_case, ip="10.0.0.1")
    log(world.outsider, world.other_case, ip="10.0.0.3")
    AccessLogFlag.objects.create(entry=entry, flagged_by=world.chef.user, comment="=1+1")
    logged_in(client, world.chef)

    response = client.get(reverse("cases:log_review_export"), {"user": world.worker.user.pk})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert re.fullmatch(r'attachment; filename="loggkontroll-\d{4}-\d{2}-\d{2}\.csv"', disposition)
    raw = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].split(";") == [
        "Tidpunkt",
        "Användare",
        "Användarnamn",
        "Organisation",
        "Åtgärd",
        "Ärende",
        "IP-adress",
        "Markering",
    ]
    assert len(lines) == 2
    cells = lines[1].split(";")
    assert cells[1:7] == [
        "Sara Sekreterare",
        "sara.sekr",
        "Socialnämnden Nordost",
        "Öppnade ärende",
        world.own_case.reference,
        "10.0.0.1",
    ]
    # A comment must stay text in Excel, never become a formula.
    assert cells[7] == "'=1+1"
    export = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert (export.user, export.organisation) == (world.chef.user, world.organisation)


def test_export_with_invalid_filter_returns_to_the_review(client: Client, world: World) -> None:
    response = logged_in(client, world.chef).get(
        reverse("cases:log_review_export"), {"date_from": "igår"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('cases:log_review')}?date_from=ig%C3%A5r"
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()


# --- The log is evidence ------------------------------------------------------------------------


def test_access_log_rows_cannot_be_changed_or_deleted(world: World) -> None:
    entry = log(world.worker, world.own_case, ip="10.0.0.1")

    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).update(ip_address="10.9.9.9")
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).delete()

    assert AccessLog.objects.get(pk=entry.pk).ip_address == "10.0.0.1"


# --- Medarbetare --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ENHETSCHEF, Role.REGISTRATOR, Role.SYSTEMFORVALTARE])
def test_members_lists_own_organisations_members_only(
    client: Client, world: World, role: str
) -> None:
    viewer = new_membership(organisation=world.organisation, role=role)
    Membership.objects.filter(pk=world.worker.pk).update(valid_until="2099-12-31")
    new_membership(
        organisation=world.organisation, user__username="gunnar.gick", valid_until="2020-06-30"
    )

    response = logged_in(client, viewer).get(reverse("cases:members"))

    assert response.status_code == 200
    rows = table_rows(response)
    usernames = {row[1] for row in rows}
    assert usernames == {
        world.chef.user.username,
        "sara.sekr",
        "gunnar.gick",
        viewer.user.username,
    }
    sara = next(row for row in rows if row[1] == "sara.sekr")
    assert sara == [
        "Sara Sekreterare",
        "sara.sekr",
        "Socialnämnden Nordost",
        "Socialsekreterare",
        "2099-12-31",
    ]
    gunnar = next(row for row in rows if row[1] == "gunnar.gick")
    assert gunnar[4] == "2020-06-30 Upphört"
    assert "olle.ute" not in response.content.decode()
