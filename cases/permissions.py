"""What a user may do to a case: one answer, used by views, services and templates alike.

Which cases a user sees at all is ``Case.objects.visible_to`` (one SQL query). Given a case
loaded through it (so it carries the ``shared_access`` and ``identity_visible`` annotations),
the predicates here decide the actions. They are registered with ``rules`` so that
``user.has_perm("cases.add_note", case)`` works everywhere, including FSM ``permission=``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import rules

from cases.models import Case, Membership
from cases.roles import CASEWORKER_ROLES, CHEF_ROLES
from cases.states import CLOSED_STATES

if TYPE_CHECKING:
    from accounts.models import User

# Who may document consent and write in the journal: those who handle cases, and their chefs.
_WRITER_ROLES = CASEWORKER_ROLES | CHEF_ROLES


def acting_membership(user: User, case: Case) -> Membership | None:
    """The membership through which the user works on this case: their role in an
    organisation that takes part in it (a writer role first, when they hold several).

    Cached on the case object: templates and services ask several times per request."""
    cache: dict[int, Membership | None] = case.__dict__.setdefault("_acting_membership", {})
    if user.pk not in cache:
        memberships = [
            m
            for m in user.memberships.all()
            if m.in_force
            and m.organisation_id in {p.organisation_id for p in case.participations.all()}
        ]
        memberships.sort(key=lambda m: m.role not in _WRITER_ROLES)
        cache[user.pk] = memberships[0] if memberships else None
    return cache[user.pk]


def _shared_access(case: Case) -> bool:
    value = getattr(case, "shared_access", None)
    if value is None:
        raise ValueError("Load the case through Case.objects.visible_to(user).")
    return bool(value)


@rules.predicate
def is_writer_in_case(user: User, case: Case) -> bool:
    membership = acting_membership(user, case)
    return membership is not None and membership.role in _WRITER_ROLES


@rules.predicate
def has_shared_access(user: User, case: Case) -> bool:
    return _shared_access(case)


@rules.predicate
def is_open(user: User, case: Case) -> bool:
    return case.state not in CLOSED_STATES


@rules.predicate
def is_chef_in_case(user: User, case: Case) -> bool:
    membership = acting_membership(user, case)
    return membership is not None and membership.role in CHEF_ROLES


# Documenting consent is what opens the case to the other party, so the request view
# (no shared access yet) is enough; the recorder must take part as a caseworker or chef.
rules.add_perm("cases.record_consent", is_writer_in_case & is_open)
rules.add_perm("cases.withdraw_consent", is_writer_in_case)
# The journal and attachments are per organisation: writing needs no consent; reading the
# other party's shared entries does (see selectors.notes_for).
rules.add_perm("cases.add_note", is_writer_in_case)
rules.add_perm("cases.add_attachment", is_writer_in_case)
rules.add_perm("cases.add_participant", is_writer_in_case & has_shared_access & is_open)
rules.add_perm("cases.assign_handlaggare", is_writer_in_case & is_open)
rules.add_perm("cases.extend_deadline", is_writer_in_case & is_open)


@dataclass(frozen=True)
class CaseActions:
    record_consent: bool
    withdraw_consent: bool
    add_note: bool
    add_attachment: bool
    add_participant: bool
    assign_handlaggare: bool
    extend_deadline: bool


def case_actions(user: User, case: Case) -> CaseActions:
    return CaseActions(
        **{name: user.has_perm(f"cases.{name}", case) for name in CaseActions.__dataclass_fields__}
    )
