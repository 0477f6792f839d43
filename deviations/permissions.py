"""Who may do what with deviations. One answer for views, services and templates.

Reporting and following up is for either party of the case with shared access (000: "båda
parter, oavsett huvudansvar"): a kommun's socialsekreterare or enhetschef, Kriminalvården's
frivårdsinspektör, kriminalvårdsinspektör or klienthandläggare. Deviations from the routine
are the chefs' to handle (000: "Enhetschef ... respektive kriminalvårdsinspektör hanterar och
ansvarar för att avvikelser från rutinen åtgärdas")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cases.models import Case
from cases.permissions import acting_membership
from cases.roles import CHEF_ROLES, OrganisationKind
from cases.states import CLOSED_STATES
from cases.workflows.common import either_party

if TYPE_CHECKING:
    from accounts.models import User

KRIMINALVARD_KINDS = frozenset({OrganisationKind.FRIVARD, OrganisationKind.ANSTALT})


def other_side(kind: str) -> frozenset[str]:
    """The organisation kinds of "the other party" for a reporter of ``kind``."""
    if kind == OrganisationKind.KOMMUN:
        return KRIMINALVARD_KINDS
    if kind in KRIMINALVARD_KINDS:
        return frozenset({OrganisationKind.KOMMUN})
    return frozenset()


def takes_part(user: User, case: Case) -> bool:
    return acting_membership(user, case) is not None


def may_follow_up(user: User, case: Case) -> bool:
    """Add and complete actions, record that the other party was informed, close."""
    return either_party(case, user)


def may_report(user: User, case: Case) -> bool:
    return may_follow_up(user, case) and case.state not in CLOSED_STATES


def may_see_description(user: User, case: Case) -> bool:
    """The free text only reaches parties with shared access (DOMAIN §2)."""
    return takes_part(user, case) and bool(getattr(case, "shared_access", False))


def may_resolve_routine(user: User, case: Case) -> bool:
    membership = acting_membership(user, case)
    return membership is not None and membership.role in CHEF_ROLES
