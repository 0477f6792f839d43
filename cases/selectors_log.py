"""Reads for the chefs' monthly loggkontroll (DOMAIN.md §7) and the list of medarbetare.

A chef reviews what their organisation's people did, and who read the cases their organisation
takes part in. Every query here is one SQL statement whose size does not depend on the number
of log entries: the scope is the chef's organisations (``chef_organisation_ids``, a handful of
ids read once per request), never a list of entries or cases fetched first."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from cases.models import AccessLog, AccessLogFlag, Membership, Organisation, Participation
from cases.roles import ADMIN_ROLES, CHEF_ROLES

if TYPE_CHECKING:
    from accounts.models import User


def _memberships_in_force(user: User, roles: Iterable[str]) -> QuerySet[Membership]:
    # An expired membership (valid_until in the past) gives no authority over the log.
    return Membership.objects.filter(user=user, role__in=list(roles)).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=timezone.localdate())
    )


def _organisations_where(user: User, roles: Iterable[str]) -> QuerySet[Organisation, Any]:
    """Ids (as a subquery) of the organisations where ``user`` holds one of ``roles`` in a
    membership still in force, plus their units (a kommun's socialnämnder have the kommun as
    ``parent``: the kommun's chef answers for them too)."""
    if not user.is_authenticated:
        return Organisation.objects.none().values("id")
    own = _memberships_in_force(user, roles).values("organisation_id")
    return Organisation.objects.filter(Q(id__in=own) | Q(parent_id__in=own)).values("id")


def chef_organisations(user: User) -> QuerySet[Organisation, Any]:
    """The organisations whose access log ``user`` reviews: where they hold a chef role, and
    those organisations' units. A subquery of ids; ``.exists()`` answers "is this a chef"."""
    return _organisations_where(user, CHEF_ROLES)


def chef_organisation_ids(user: User) -> tuple[int, ...]:
    """``chef_organisations`` as values, read once for the request (kept on the user object,
    like its memberships). The page asks three times (may they see it, whose entries, which
    entries); as values, the log query also compiles in a third of the time and PostgreSQL
    plans it for these organisations (docs/performance.md)."""
    kept: tuple[int, ...] | None = getattr(user, "_chef_organisation_ids", None)
    if kept is None:
        kept = tuple(chef_organisations(user).values_list("id", flat=True))
        user._chef_organisation_ids = kept  # type: ignore[attr-defined]
    return kept


def reviewing_organisation(user: User) -> Organisation | None:
    """The organisation a chef reviews the log for (the first by name when they are chef in
    several): recorded on the EXPORT entry of the log export."""
    membership = (
        _memberships_in_force(user, CHEF_ROLES)
        .select_related("organisation")
        .order_by("organisation__name")
        .first()
    )
    return membership.organisation if membership else None


def reviewable_users(user: User) -> QuerySet[Any, Any]:
    """The people whose log entries the chef reviews (the members of the chef's organisations,
    including those whose membership has ended: their past reads are still under review)."""
    return (
        get_user_model()
        .objects.filter(memberships__organisation_id__in=chef_organisation_ids(user))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def _start_of_day(day: date) -> datetime:
    # Days are Swedish calendar days: comparing aware datetimes keeps the created_at index
    # usable, which ``created_at__date`` (a conversion per row) would not.
    return timezone.make_aware(datetime.combine(day, time.min))


def access_log_for_chef(
    user: User,
    *,
    user_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    case_reference: str = "",
    flagged_only: bool = False,
) -> QuerySet[AccessLog]:
    """The log entries a chef reviews, newest first: entries made on behalf of the chef's
    organisations, every entry about a case those organisations take part in (whoever read
    it), and entries tied to no organisation (e.g. a search by personnummer) made by their
    members. A member's reads for *another* organisation they also work for belong to that
    organisation's review, not this one. Empty for a user who is no chef.

    User, organisation, case and the flags (``entry.flag_list``, with who flagged) come with
    the rows, so a page costs two queries however many rows it shows."""
    organisations = chef_organisation_ids(user)
    if not organisations:
        return AccessLog.objects.none()
    members = Membership.objects.filter(organisation_id__in=organisations).values("user_id")
    cases = Participation.objects.filter(organisation_id__in=organisations).values("case_id")
    entries = AccessLog.objects.filter(
        # ``organisation`` too: an entry stays in the review after the person's membership is
        # removed (people leave, the log of what they did must not).
        Q(user_id__in=members, organisation__isnull=True)
        | Q(organisation_id__in=organisations)
        | Q(case_id__in=cases)
    )
    if user_id is not None:
        entries = entries.filter(user_id=user_id)
    if date_from is not None:
        entries = entries.filter(created_at__gte=_start_of_day(date_from))
    if date_to is not None:
        entries = entries.filter(created_at__lt=_start_of_day(date_to + timedelta(days=1)))
    if case_reference.strip():
        entries = entries.filter(case__reference__iexact=case_reference.strip())
    if flagged_only:
        entries = entries.filter(Exists(AccessLogFlag.objects.filter(entry=OuterRef("pk"))))
    return (
        entries.select_related("user", "organisation", "case")
        # Only what the review and its export show: a page of whole users and cases (every
        # column, the password hash included) was most of the page's model-loading time. The
        # case's state stays: django-fsm reads it when a case is loaded.
        .only(
            "created_at",
            "action",
            "ip_address",
            "user__first_name",
            "user__last_name",
            "user__username",
            "organisation__name",
            "case__reference",
            "case__state",
        )
        .prefetch_related(
            Prefetch(
                "flags",
                queryset=AccessLogFlag.objects.select_related("flagged_by").order_by(
                    "created_at", "id"
                ),
                # A plain list on each entry: filling ``entry.flags.all()`` instead builds a
                # filtered queryset per entry, 8 ms for a page of 100 (docs/performance.md).
                to_attr="flag_list",
            )
        )
        .order_by("-created_at", "-id")
    )


def entry_flags(entry: AccessLog) -> list[AccessLogFlag]:
    """The flags ``access_log_for_chef`` read with ``entry``, oldest first."""
    return entry.flag_list  # type: ignore[attr-defined] # Prefetch(to_attr=)


def members_for(user: User) -> QuerySet[Membership]:
    """The memberships of the organisations (and their units) where ``user`` is a chef or
    handles administration (registrator, systemförvaltare): the "Medarbetare" page."""
    organisations = _organisations_where(user, CHEF_ROLES | ADMIN_ROLES)
    return (
        Membership.objects.filter(organisation_id__in=organisations)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__last_name", "user__first_name", "role")
    )


def may_see_members(user: User) -> bool:
    return _organisations_where(user, CHEF_ROLES | ADMIN_ROLES).exists()
