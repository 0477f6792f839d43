"""Reads for "Mina frister", the notification list and the calendar feed. Deadlines are shown
only for cases in ``Case.objects.visible_to(user)``: the one access rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.models import user_label
from cases.models import (
    CalendarFeedToken,
    Case,
    Deadline,
    Membership,
    Notification,
    Participation,
)
from cases.roles import CASEWORKER_ROLES, CHEF_ROLES

if TYPE_CHECKING:
    from accounts.models import User

UPCOMING_DAYS = 30
# Rows per table; one more is fetched to know whether there are more (no COUNT).
LIST_LIMIT = 100
NOTIFICATION_LIMIT = 100
CALENDAR_LIMIT = 500


def _own_organisations(user: User) -> QuerySet[Membership, Any]:
    return (
        Membership.objects.in_force()
        .filter(user=user, role__in=CASEWORKER_ROLES | CHEF_ROLES)
        .values("organisation_id")
    )


def _visible_active_deadlines(user: User) -> QuerySet[Deadline]:
    return Deadline.objects.filter(
        status__in=Deadline.ACTIVE_STATUSES,
        case_id__in=Case.objects.visible_to(user).values("pk"),
    ).select_related("case", "responsible_organisation", "responsible_user")


@dataclass(frozen=True)
class DeadlineListRow:
    """What a row of "Mina frister" shows of one deadline (``views.deadlines._rows``)."""

    id: int
    kind: str
    due_date: date
    case_id: int
    case_reference: str
    organisation: str  # the short name, else the name
    responsible_user: str  # the full name, else the username (User.__str__); "" when none


@dataclass(frozen=True)
class DeadlineTable:
    rows: list[DeadlineListRow]
    more: bool


@dataclass(frozen=True)
class DeadlineOverview:
    overdue: DeadlineTable
    upcoming: DeadlineTable
    today: date


# Read as plain values, not as deadlines with their case, organisation and user: building those
# ~800 model instances for two tables of 100 took longer than PostgreSQL took to find the rows
# (docs/performance.md).
_MY_DEADLINES_COLUMNS = (
    "pk",
    "kind",
    "due_date",
    "case_id",
    "case__reference",
    "responsible_organisation__name",
    "responsible_organisation__short_name",
    "responsible_user__first_name",
    "responsible_user__last_name",
    "responsible_user__username",
)


def _table(queryset: QuerySet[Deadline]) -> DeadlineTable:
    rows = [
        DeadlineListRow(
            id=pk,
            kind=kind,
            due_date=due_date,
            case_id=case_id,
            case_reference=reference,
            organisation=short_name or name,
            responsible_user=user_label(first, last, username),
        )
        for (
            pk,
            kind,
            due_date,
            case_id,
            reference,
            name,
            short_name,
            first,
            last,
            username,
        ) in queryset.values_list(*_MY_DEADLINES_COLUMNS)[: LIST_LIMIT + 1]
    ]
    return DeadlineTable(rows=rows[:LIST_LIMIT], more=len(rows) > LIST_LIMIT)


def my_deadline_queries(
    user: User, *, today: date
) -> tuple[QuerySet[Deadline], QuerySet[Deadline]]:
    """The queries behind ``my_deadlines``' two tables (overdue, upcoming); ``bench.explain``
    shows their plans."""
    # The organisations as a list, not a subquery: with literal ids PostgreSQL reads the
    # user's and the organisations' active deadlines from their own indexes instead of checking
    # every active deadline of the region (docs/performance.md).
    organisations = list(_own_organisations(user).values_list("organisation_id", flat=True))
    mine = _visible_active_deadlines(user).filter(
        Q(responsible_user=user) | Q(responsible_organisation_id__in=organisations)
    )
    overdue = mine.filter(due_date__lt=today)
    upcoming = mine.filter(due_date__gte=today, due_date__lte=today + timedelta(days=UPCOMING_DAYS))
    return overdue.order_by("due_date", "pk"), upcoming.order_by("due_date", "pk")


def my_deadlines(user: User, *, today: date) -> DeadlineOverview:
    """The user's own deadlines and their organisations': overdue (by date, even before the
    sweep has marked them) and due within the next 30 days. Two queries."""
    overdue, upcoming = my_deadline_queries(user, today=today)
    return DeadlineOverview(overdue=_table(overdue), upcoming=_table(upcoming), today=today)


def deadline_for_user(user: User, pk: int) -> Deadline:
    """A deadline of a case the user may see; 404 otherwise (never reveal that it exists)."""
    deadline = (
        Deadline.objects.filter(pk=pk, case_id__in=Case.objects.visible_to(user).values("pk"))
        .select_related("case", "responsible_organisation", "responsible_user")
        .first()
    )
    if deadline is None:
        raise Http404
    return deadline


def notifications_for(user: User) -> list[Notification]:
    return list(
        Notification.objects.filter(recipient=user).select_related("case")[:NOTIFICATION_LIMIT]
    )


def notification_for(user: User, pk: int) -> Notification:
    notification = Notification.objects.filter(recipient=user, pk=pk).select_related("case").first()
    if notification is None:
        raise Http404
    return notification


def unread_notification_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def active_calendar_token(user: User) -> CalendarFeedToken | None:
    return CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).first()


def calendar_owner(token: str) -> User | None:
    """The active user a calendar token in force belongs to (None: the feed is a 404)."""
    found = (
        CalendarFeedToken.objects.filter(token=token, revoked_at__isnull=True, user__is_active=True)
        .select_related("user")
        .first()
    )
    return found.user if found else None


def calendar_deadlines(user: User) -> list[Deadline]:
    """The user's own active deadlines: where they are responsible, or where nobody is and
    they are their organisation's handläggare in the case."""
    handles = Participation.objects.filter(
        case_id=OuterRef("case_id"),
        organisation_id=OuterRef("responsible_organisation_id"),
        handlaggare=user,
    )
    return list(
        _visible_active_deadlines(user)
        .filter(Q(responsible_user=user) | Q(Q(responsible_user__isnull=True), Exists(handles)))
        .order_by("due_date", "pk")[:CALENDAR_LIMIT]
    )
