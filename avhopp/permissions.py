"""Who may take a step in an avhopparuppdrag: a user *assigned* to the uppdrag (the per-case
guardian grant ``cases.work_on_assigned_case``, DOMAIN.md §3.4) who works as socialsekreterare
or enhetschef for the kommun the agreement gives the step to. Passed to FSM ``permission=``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cases.models import Case, CaseUserObjectPermission, Membership
from cases.roles import Role

if TYPE_CHECKING:
    from accounts.models import User

KOMMUN_ROLES = frozenset({Role.SOCIALSEKRETERARE, Role.ENHETSCHEF})
ASSIGNED = "work_on_assigned_case"


def kommun_memberships(user: User) -> list[Membership]:
    """The user's memberships in force as socialsekreterare or enhetschef (cached per user)."""
    cache = user.__dict__.setdefault("_avhopp_memberships", None)
    if cache is None:
        cache = [
            m
            for m in user.memberships.select_related("organisation__parent")
            if m.in_force and m.role in KOMMUN_ROLES
        ]
        user.__dict__["_avhopp_memberships"] = cache
    return cache


def works_for(user: User, organisation_id: int | None) -> bool:
    return any(m.organisation_id == organisation_id for m in kommun_memberships(user))


def is_assigned(user: User, case: Case) -> bool:
    """The explicit per-case grant (cached on the case object for the request)."""
    cache: dict[int, bool] = case.__dict__.setdefault("_avhopp_assigned", {})
    if user.pk not in cache:
        cache[user.pk] = CaseUserObjectPermission.objects.filter(
            content_object_id=case.pk, user_id=user.pk, permission__codename=ASSIGNED
        ).exists()
    return cache[user.pk]


def _details(case: Case) -> Any:
    from avhopp.models import AssignmentDetails

    try:
        return case.assignment
    except AssignmentDetails.DoesNotExist:
        return None


def is_home_kommun(case: Any, user: Any) -> bool:
    details = _details(case)
    return (
        details is not None
        and user.is_authenticated
        and works_for(user, details.home_municipality_id)
        and is_assigned(user, case)
    )


def is_receiving_kommun(case: Any, user: Any) -> bool:
    details = _details(case)
    return (
        details is not None
        and user.is_authenticated
        and works_for(user, details.receiving_municipality_id)
        and is_assigned(user, case)
    )


def either_kommun(case: Any, user: Any) -> bool:
    return is_home_kommun(case, user) or is_receiving_kommun(case, user)


def system_only(case: Any, user: Any) -> bool:
    """Date-driven steps are taken by the scheduler (or the next action), never by a person."""
    return False


def side_of(case: Case, user: User) -> str | None:
    """ "home", "receiving" or None: which kommun the user acts for in this uppdrag."""
    if is_home_kommun(case, user):
        return "home"
    if is_receiving_kommun(case, user):
        return "receiving"
    return None
