""" "Mina frister", moving a deadline, notifications, settings and the calendar feed."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.ical import MAX_OCTETS, escape_text, fold
from cases.models import (
    AuditEvent,
    CalendarFeedToken,
    Deadline,
    DeadlineChange,
    DeadlineKind,
    Notification,
    NotificationPreference,
)
from cases.roles import Role
from tests.cases.deadline_world import World, build_world
from tests.factories import CaseFactory, ClientFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

# Queries of "Mina frister", whatever the number of deadlines:
#  1. the session user (auth middleware; the session itself comes from the Redis cache)
#  2. the user's memberships for the menu (accounts.context_processors)
#  3. the user's organisations (as literal ids, so the next two use the deadline indexes)
#  4. the overdue deadlines with case, organisation and responsible user, through the access
#     rule (LIMIT 101)
#  5. the deadlines due within 30 days, the same way
#  6. the unread notification count in the header (cases.context_processors)
#  7-9. the session saved at the end of the request (SESSION_SAVE_EVERY_REQUEST, cached_db):
#       SAVEPOINT, UPDATE django_session, RELEASE SAVEPOINT
QUERIES_MY_DEADLINES = 9
# Queries of the calendar feed: the token with its user, the user's memberships (the access
# rule's organisations, cases.models.cases.access_organisations), and the deadlines (no session).
QUERIES_CALENDAR_FEED = 3

CLIENT_FIRST, CLIENT_LAST = "Kalle", "Hemligsson"


@pytest.fixture
def world() -> World:
    return build_world()


def today() -> date:
    """The local date, as the views see it."""
    return timezone.localdate()


def logged_in(client: Client, user: object) -> Client:
    client.force_login(user)  # type: ignore[arg-type]
    return client


def section(html: str, heading_id: str) -> str:
    """The part of the page from a heading to the next h2."""
    start = html.index(f'id="{heading_id}"')
    end = html.find("<h2", start)
    return html[start : end if end != -1 else None]


# --- Mina frister ------------------------------------------------------------------------------


def test_my_deadlines_lists_overdue_and_upcoming_deadlines_of_visible_cases(
    client: Client, world: World
) -> None:
    overdue = world.deadline(today() - timedelta(days=2))
    due_today = world.deadline(today())
    upcoming = world.deadline(today() + timedelta(days=12))
    later = world.deadline(today() + timedelta(days=45))
    closed = world.deadline(today() + timedelta(days=3))
    Deadline.objects.filter(pk=closed.pk).update(status="klar")
    # Another socialnämnd's case: not visible, never listed.
    other = OrganisationFactory(name="SN Annanstans")
    hidden_case = CaseFactory(owner_organisation=other)
    hidden = Deadline.objects.create(
        case=hidden_case,
        kind=DeadlineKind.YTTRANDE,
        label="Yttrande",
        due_date=today() + timedelta(days=1),
        responsible_organisation=world.kommun,
    )

    response = logged_in(client, world.soc).get(reverse("deadlines:mine"))

    assert response.status_code == 200
    html = response.content.decode()
    overdue_part, upcoming_part = section(html, "forsenade"), section(html, "kommande")
    assert overdue.case.reference in overdue_part
    assert "Försenad" in overdue_part
    assert due_today.case.reference in upcoming_part and "Går ut i dag" in upcoming_part
    assert upcoming.case.reference in upcoming_part
    assert f'href="/arenden/{upcoming.case_id}/"' in upcoming_part
    assert f'href="/frister/{upcoming.pk}/flytta/"' in upcoming_part
    for absent in (later, closed, hidden):
        assert absent.case.reference not in html
    # The page shows case references, never the client.
    assert CLIENT_LAST not in html
    assert '<a href="/frister/" aria-current="page">Mina frister</a>' in html


@pytest.mark.parametrize("n", [5, 200])
def test_my_deadlines_query_count_is_constant(
    client: Client, world: World, n: int, django_assert_num_queries: object
) -> None:
    cases = [world.case() for _ in range(5)]
    Deadline.objects.bulk_create(
        Deadline(
            case=cases[i % 5],
            kind=DeadlineKind.UPPFOLJNING,
            key=str(i),
            label="Uppföljning",
            due_date=today() + timedelta(days=(i % 40) - 10),
            responsible_organisation=world.kommun,
            responsible_user=world.soc if i % 2 else None,
        )
        for i in range(n)
    )
    Notification.objects.create(recipient=world.soc, message="Påminnelse.")
    logged_in(client, world.soc)

    with django_assert_num_queries(QUERIES_MY_DEADLINES):  # type: ignore[operator]
        response = client.get(reverse("deadlines:mine"))

    assert response.status_code == 200
    rows = re.findall(r'<a href="/frister/\d+/flytta/">', response.content.decode())
    overdue = sum((i % 40) < 10 for i in range(n))
    assert len(rows) == min(overdue, 100) + min(n - overdue, 100)  # each table stops at 100


# --- Moving a deadline ---------------------------------------------------------------------------


def test_extend_with_reason_moves_the_deadline_and_keeps_history_and_audit(
    client: Client, world: World
) -> None:
    deadline = world.deadline(today() + timedelta(days=2))
    new_date = today() + timedelta(days=16)
    logged_in(client, world.soc)

    form_page = client.get(reverse("deadlines:extend", args=[deadline.pk]))
    assert form_page.status_code == 200
    assert "Flytta frist i" in form_page.content.decode()

    response = client.post(
        reverse("deadlines:extend", args=[deadline.pk]),
        {"new_due_date": f"{new_date:%Y-%m-%d}", "reason": "Tingsrätten förlängde tiden."},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("deadlines:mine")
    deadline.refresh_from_db()
    assert deadline.due_date == new_date
    change = deadline.changes.get(change=DeadlineChange.Change.MOVED)
    assert (change.old_due_date, change.new_due_date) == (
        today() + timedelta(days=2),
        new_date,
    )
    assert change.reason == "Tingsrätten förlängde tiden."
    assert change.changed_by == world.soc
    event = AuditEvent.objects.get(kind="deadline_moved", case=deadline.case)
    assert event.actor == world.soc
    assert f"{new_date:%Y-%m-%d}" in event.message


def test_extend_returns_to_the_case_page_when_opened_from_there(
    client: Client, world: World
) -> None:
    deadline = world.deadline(today() + timedelta(days=2))
    case_page = reverse("cases:detail", args=[deadline.case_id])
    response = logged_in(client, world.soc).post(
        reverse("deadlines:extend", args=[deadline.pk]),
        {
            "new_due_date": f"{today() + timedelta(days=9):%Y-%m-%d}",
            "reason": "Ny tid från domstolen.",
            "next": case_page,
        },
    )
    assert response["Location"] == case_page
    # Never off-site.
    response = client.post(
        reverse("deadlines:extend", args=[deadline.pk]),
        {
            "new_due_date": f"{today() + timedelta(days=10):%Y-%m-%d}",
            "reason": "Igen.",
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == reverse("deadlines:mine")


def test_extend_without_reason_shows_a_swedish_error_and_changes_nothing(
    client: Client, world: World
) -> None:
    deadline = world.deadline(today() + timedelta(days=2))
    history = deadline.changes.count()

    response = logged_in(client, world.soc).post(
        reverse("deadlines:extend", args=[deadline.pk]),
        {"new_due_date": f"{today() + timedelta(days=20):%Y-%m-%d}", "reason": "  "},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Det finns ett problem" in html
    assert "Ange skälet till att fristen ändras." in html
    deadline.refresh_from_db()
    assert deadline.due_date == today() + timedelta(days=2)
    assert deadline.changes.count() == history
    assert not AuditEvent.objects.filter(kind="deadline_moved").exists()


def test_extend_outside_scope_is_404(client: Client, world: World) -> None:
    deadline = world.deadline(today() + timedelta(days=2))
    stranger = MembershipFactory(
        organisation=OrganisationFactory(name="SN Främmande"), role=Role.SOCIALSEKRETERARE
    ).user
    logged_in(client, stranger)
    url = reverse("deadlines:extend", args=[deadline.pk])
    assert client.get(url).status_code == 404
    response = client.post(
        url, {"new_due_date": f"{today() + timedelta(days=20):%Y-%m-%d}", "reason": "Försök"}
    )
    assert response.status_code == 404
    deadline.refresh_from_db()
    assert deadline.due_date == today() + timedelta(days=2)


# --- Notifications ------------------------------------------------------------------------------


def _notifications(world: World) -> tuple[Notification, Notification]:
    case = world.case()
    older = Notification.objects.create(
        recipient=world.soc, case=case, message=f"Påminnelse: fristen i {case.reference}."
    )
    newer = Notification.objects.create(
        recipient=world.soc, case=case, message=f"Fristen i {case.reference} är försenad."
    )
    Notification.objects.create(recipient=world.chef, case=case, message="Chefens notis.")
    return older, newer


def test_header_shows_the_unread_count_and_the_list_newest_first(
    client: Client, world: World
) -> None:
    older, newer = _notifications(world)
    Notification.objects.create(
        recipient=world.soc, message="Läst sedan tidigare.", read_at=timezone.now()
    )
    logged_in(client, world.soc)

    home = client.get(reverse("home")).content.decode()
    assert '<span class="count">2</span><span class="visually-hidden"> olästa</span>' in home
    assert 'href="/frister/notiser/"' in home

    html = client.get(reverse("deadlines:notifications")).content.decode()
    assert html.index(newer.message) < html.index(older.message)
    assert html.count(">Oläst<") == 2
    assert html.count(">Läst<") == 1
    assert "Chefens notis." not in html
    assert f'href="/arenden/{older.case_id}/"' in html


def test_mark_as_read_with_htmx_swaps_the_row_and_signals_the_count(
    client: Client, world: World
) -> None:
    _older, newer = _notifications(world)
    logged_in(client, world.soc)

    response = client.post(
        reverse("deadlines:notification_read", args=[newer.pk]), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert "notifications-changed" in json.loads(response["HX-Trigger"])
    row = response.content.decode()
    assert row.strip().startswith(f'<tr id="notis-{newer.pk}"')
    assert f'id="notis-{newer.pk}-atgard" tabindex="-1">Markerad som läst' in row
    newer.refresh_from_db()
    assert newer.read_at is not None

    count = client.get(reverse("deadlines:notification_count")).content.decode()
    assert '<span class="count">1</span>' in count
    assert 'hx-trigger="notifications-changed from:body"' in count
    assert "every" not in count  # no polling trigger


def test_mark_as_read_without_htmx_and_mark_all(client: Client, world: World) -> None:
    older, _newer = _notifications(world)
    logged_in(client, world.soc)
    response = client.post(reverse("deadlines:notification_read", args=[older.pk]))
    assert response.status_code == 302
    response = client.post(reverse("deadlines:notifications_read_all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=world.soc, read_at__isnull=True).exists()
    # The chef's notification is untouched.
    assert Notification.objects.filter(recipient=world.chef, read_at__isnull=True).count() == 1
    count = client.get(reverse("deadlines:notification_count")).content.decode()
    assert 'class="count"' not in count


def test_someone_elses_notification_is_404(client: Client, world: World) -> None:
    _notifications(world)
    chef_notification = Notification.objects.get(recipient=world.chef)
    response = logged_in(client, world.soc).post(
        reverse("deadlines:notification_read", args=[chef_notification.pk])
    )
    assert response.status_code == 404
    chef_notification.refresh_from_db()
    assert chef_notification.read_at is None


def test_the_count_costs_one_query_and_none_for_anonymous(
    client: Client, world: World, django_assert_num_queries: object
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _notifications(world)
    logged_in(client, world.soc)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("deadlines:notifications"))
    assert sum('"cases_notification"' in q["sql"] and "COUNT(" in q["sql"] for q in queries) == 1

    client.logout()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert not any('"cases_notification"' in q["sql"] for q in queries)
    assert client.get(reverse("deadlines:notification_count")).status_code == 302


# --- Settings -------------------------------------------------------------------------------------


def test_preferences_default_and_save(client: Client, world: World) -> None:
    logged_in(client, world.soc)
    html = client.get(reverse("deadlines:preferences")).content.decode()
    assert re.search(r'name="email_enabled"[^>]*checked', html)
    assert not re.search(r'name="daily_digest"[^>]*checked', html)

    response = client.post(reverse("deadlines:preferences"), {"daily_digest": "on"})

    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=world.soc)
    assert (preference.email_enabled, preference.daily_digest) == (False, True)


# --- The calendar feed ----------------------------------------------------------------------------


def _feed_url(client: Client) -> str:
    client.post(reverse("deadlines:calendar_token"), {"action": "skapa"})
    html = client.get(reverse("deadlines:preferences")).content.decode()
    match = re.search(r'value="http://[^"]+(/frister/kalender/[A-Za-z0-9_-]{43}\.ics)"', html)
    assert match, "the preferences page shows the feed URL"
    return match.group(1)


def test_calendar_feed_is_valid_icalendar_without_personal_data(
    client: Client, world: World, django_assert_num_queries: object
) -> None:
    case = world.case(client=ClientFactory(first_name=CLIENT_FIRST, last_name=CLIENT_LAST))
    yttrande = world.deadline(today() + timedelta(days=3), case=case)
    vf = world.deadline(today() - timedelta(days=1), case=case, kind=DeadlineKind.VF)
    not_mine = world.deadline(today() + timedelta(days=4), responsible=world.chef)
    logged_in(client, world.soc)
    url = _feed_url(client)
    client.logout()  # calendar programs cannot log in

    with django_assert_num_queries(QUERIES_CALENDAR_FEED):  # type: ignore[operator]
        response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private"
    raw = response.content
    text = raw.decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")  # CRLF only
    physical = raw.split(b"\r\n")[:-1]
    assert all(len(line) <= MAX_OCTETS for line in physical)
    unfolded = text.replace("\r\n ", "")
    assert unfolded.count("BEGIN:VEVENT") == 2
    assert (
        f"SUMMARY:Frist: Yttrande (personutredning) till domstolen ({case.reference})" in unfolded
    )
    assert f"SUMMARY:Frist: Villkorlig frigivning – kommunen tar över ({case.reference})" in (
        unfolded
    )
    assert f"DTSTART;VALUE=DATE:{yttrande.due_date:%Y%m%d}" in unfolded
    assert f"UID:frist-{yttrande.pk}@localhost" in unfolded
    assert f"UID:frist-{vf.pk}@localhost" in unfolded
    assert f"URL;VALUE=URI:http://localhost:8000/arenden/{case.pk}/" in unfolded
    assert not_mine.case.reference not in unfolded
    for secret in (CLIENT_FIRST, CLIENT_LAST, case.client.id_number, case.client.id_number[2:8]):
        assert secret not in text
    # Stable UIDs: a calendar program updates the event instead of duplicating it.
    assert re.findall(r"UID:[^\r]+", client.get(url).content.decode()) == re.findall(
        r"UID:[^\r]+", text
    )


def test_revoked_or_rotated_calendar_link_is_404(client: Client, world: World) -> None:
    world.deadline(today() + timedelta(days=3))
    logged_in(client, world.soc)
    first = _feed_url(client)
    second = _feed_url(client)  # "Skapa en ny länk": the old one stops working
    assert first != second
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200

    client.post(reverse("deadlines:calendar_token"), {"action": "stang"})
    assert client.get(second).status_code == 404
    assert not CalendarFeedToken.objects.filter(revoked_at__isnull=True).exists()
    assert client.get("/frister/kalender/inte-en-riktig-nyckel.ics").status_code == 404


def test_ical_folding_and_escaping() -> None:
    line = "SUMMARY:" + "Frist: åäö, ett; långt namn – " * 6
    folded = fold(escape_text(line))
    physical = folded.split("\r\n")
    assert all(len(part.encode()) <= MAX_OCTETS for part in physical)
    assert all(part.startswith(" ") for part in physical[1:])
    assert "".join([physical[0], *(part[1:] for part in physical[1:])]) == escape_text(line)
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
