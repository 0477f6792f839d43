"""Reading programmes, always through the access rule (``Case.objects.visible_to``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404

from cases.models import Case, Deadline, Participation
from cases.selectors import case_detail_qs
from cases.states import CLOSED_STATES, CaseType
from inslussning.models import Area, GroupMember, PlanningMeeting, Programme

AREA_ORDER = {value: index for index, value in enumerate(Area.values)}

if TYPE_CHECKING:
    from accounts.models import User


def programme_case_for_user(user: User, pk: int) -> Case:
    """The case of an inslussning programme, annotated for ``user``, with the programme and
    everything the programme page shows prefetched (a constant number of queries)."""
    # A case of the type without a programme (older data) has no programme page.
    queryset = case_detail_qs(user).filter(case_type=CaseType.INSLUSSNING, programme__isnull=False)
    try:
        case = queryset.select_related(
            "programme",
            "programme__samordnare",
            "programme__samordnare_organisation",
            "programme__assessed_by",
            "programme__overridden_by",
        ).get(pk=pk)
    except Case.DoesNotExist:
        raise Http404 from None
    return case


def programme_parts(programme: Programme) -> dict[str, Any]:
    members = list(programme.members.select_related("organisation", "user"))
    by_id = {m.pk: m for m in members}
    areas = list(programme.areas.all())
    for area in areas:
        # The members are loaded already: fill the relation's cache instead of a query per row.
        area.responsible = by_id.get(area.responsible_id) if area.responsible_id else None
    meetings = list(
        programme.meetings.prefetch_related(
            Prefetch("participants", queryset=GroupMember.objects.select_related("organisation"))
        )
    )
    return {
        "members": [m for m in members if m.left_at is None],
        "former_members": [m for m in members if m.left_at is not None],
        "areas": sorted(areas, key=lambda a: AREA_ORDER[a.area]),
        "meetings": meetings,
        "bookings": list(programme.bookings.all()),
        "measures": list(programme.measures.select_related("linked_case")),
    }


def overview_for_user(user: User, *, mine: bool) -> QuerySet[Case]:
    """The samordnare's overview (issue 7): their programmes (``mine``) or every open programme
    of their organisations, with the next planning point and the number of overdue deadlines,
    in one query."""
    next_meeting = PlanningMeeting.objects.filter(
        programme_id=OuterRef("pk"), held_on__isnull=True, planned_for__isnull=False
    ).order_by("planned_for", "point")
    overdue = (
        Deadline.objects.filter(case_id=OuterRef("pk"), status=Deadline.Status.OVERDUE)
        .values("case_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    queryset = (
        Case.objects.visible_to(user)
        .filter(case_type=CaseType.INSLUSSNING, programme__isnull=False)
        .exclude(state__in=CLOSED_STATES)
        .select_related("client", "programme", "programme__samordnare")
        .annotate(
            next_point=Subquery(next_meeting.values("point")[:1]),
            next_date=Subquery(next_meeting.values("planned_for")[:1]),
            overdue_count=Subquery(overdue),
        )
        .order_by("next_date", "reference")
    )
    if mine:
        queryset = queryset.filter(programme__samordnare=user)
    return queryset


def coordinates_any(user: User) -> bool:
    return Programme.objects.filter(samordnare=user).exclude(case__state__in=CLOSED_STATES).exists()


def samordnare_candidates(case: Case) -> QuerySet[Any]:
    """Who may be appointed samordnare: staff of the participating frivård and kommun."""
    from django.contrib.auth import get_user_model

    from cases.roles import OrganisationKind
    from inslussning.roles import STAFF_ROLES

    organisations = Participation.objects.filter(
        case=case, organisation__kind__in=(OrganisationKind.FRIVARD, OrganisationKind.KOMMUN)
    ).values("organisation_id")
    return (
        get_user_model()
        .objects.filter(
            Q(memberships__organisation_id__in=organisations)
            & Q(memberships__role__in=STAFF_ROLES),
            is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name")
    )
