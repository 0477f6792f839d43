"""Who may do what with an ansvarsförbindelse: one answer, used by the FSM transitions, the
services, the views and the templates alike (DOMAIN.md §5, §8).

* The commitment is the kommun's document. A socialsekreterare or enhetschef of a kommun that
  takes part in the case drafts it; only someone of the *issuing* kommun changes, sends, ends it
  or makes a new version of it.
* Only an enhetschef of the issuing kommun signs it: the decision role with delegation
  ("Enhetschef ... signs ansvarsförbindelser (delegation)", DOMAIN §8).
* Everyone who takes part in the case for an authority (kommun, frivård, anstalt) and sees the
  shared information (a consent covers them, or they own the case) may read it; an
  extern_deltagare may not (the commitment is between the authorities).

Every predicate takes a case loaded through ``Case.objects.visible_to(user)``: it reads the
``shared_access`` annotation, so a consent withdrawn a second ago already counts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cases.models import Case, Membership

# Services drop the request's memberships through here (``memberships_in_force``).
from cases.models.organisations import forget_memberships as forget_memberships
from cases.models.organisations import memberships_of
from cases.roles import OrganisationKind, Role
from cases.states import CLOSED_STATES

if TYPE_CHECKING:
    from accounts.models import User
    from ansvarsforbindelse.models import Ansvarsforbindelse

# The case types that have an ansvarsförbindelse (000: kontraktsvård and vårdvistelse).
COMMITMENT_CASE_TYPES = frozenset({"kontraktsvard", "vardvistelse"})
# The kommun roles that prepare a commitment.
KOMMUN_ROLES = frozenset({Role.SOCIALSEKRETERARE, Role.ENHETSCHEF})
# The decision role: an enhetschef signs by delegation.
DECISION_ROLE = Role.ENHETSCHEF
# Where Kriminalvården receives the commitment (000: "skickar till kriminalvården, anstalten").
RECIPIENT_KINDS = frozenset({OrganisationKind.FRIVARD, OrganisationKind.ANSTALT})


def memberships_in_force(user: User) -> list[Membership]:
    """The user's memberships that still give access, from those read for the request
    (``memberships_of``: templates and services ask several times). Services drop them with
    ``forget_memberships`` to read them again inside their transaction, under its locks."""
    if not user.is_authenticated:
        return []
    return [membership for membership in memberships_of(user) if membership.in_force]


def shared_access(case: Case) -> bool:
    value = getattr(case, "shared_access", None)
    if value is None:
        raise ValueError("Load the case through Case.objects.visible_to(user).")
    return bool(value)


def _participating_ids(case: Case) -> set[int]:
    return {p.organisation_id for p in case.participations.all()}


def kommun_memberships(user: User, case: Case) -> list[Membership]:
    """The user's socialsekreterare/enhetschef memberships in kommuner that take part."""
    participating = _participating_ids(case)
    return [
        m
        for m in memberships_in_force(user)
        if m.organisation_id in participating
        and m.organisation.kind == OrganisationKind.KOMMUN
        and m.role in KOMMUN_ROLES
    ]


def can_view(user: User, case: Case) -> bool:
    """Read the commitments of a case and download them."""
    if case.case_type not in COMMITMENT_CASE_TYPES or not shared_access(case):
        return False
    participating = _participating_ids(case)
    return any(
        m.organisation_id in participating and m.role != Role.EXTERN_DELTAGARE
        for m in memberships_in_force(user)
    )


def can_draft(user: User, case: Case) -> bool:
    """Start a new commitment (the first one, or a fresh one after an ended one)."""
    return (
        case.case_type in COMMITMENT_CASE_TYPES
        and case.state not in CLOSED_STATES
        and shared_access(case)
        and bool(kommun_memberships(user, case))
    )


def issuer_membership(user: User, commitment: Ansvarsforbindelse) -> Membership | None:
    """The user's membership in the issuing kommun, if they prepare commitments there."""
    if not shared_access(commitment.case):
        return None
    return next(
        (
            m
            for m in memberships_in_force(user)
            if m.organisation_id == commitment.issuing_organisation_id and m.role in KOMMUN_ROLES
        ),
        None,
    )


def is_decision_maker(user: User, organisation_id: int) -> bool:
    """The user holds the decision role (enhetschef, with delegation) in the organisation now."""
    return any(
        m.organisation_id == organisation_id and m.role == DECISION_ROLE
        for m in memberships_in_force(user)
    )


# --- FSM permissions: django-fsm calls ``permission(instance, user)`` ---------------------------


def may_prepare(commitment: Any, user: Any) -> bool:
    """Change a draft, send, end or make a new version: the issuing kommun's staff."""
    return issuer_membership(user, commitment) is not None


def may_sign(commitment: Any, user: Any) -> bool:
    """Sign: an enhetschef of the issuing kommun (the delegation), who sees the case."""
    return shared_access(commitment.case) and is_decision_maker(
        user, commitment.issuing_organisation_id
    )


def system_only(commitment: Any, user: Any) -> bool:
    """Taken as part of another service (a signed successor replaces its predecessor)."""
    return False
