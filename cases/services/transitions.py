"""Taking a workflow transition: the one place that checks the permission and the guards,
saves the new state and audits it. The caller holds the case row lock (its transaction)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from cases import events
from cases.permissions import acting_membership
from cases.services.deadlines import deadlines_cancel_all
from cases.states import CLOSED_STATES
from cases.workflows.common import unmet_conditions

if TYPE_CHECKING:
    from accounts.models import User


def transition_take(case: Any, name: str, *, actor: User | None, reason: str = "") -> Any:
    """Run transition ``name`` after the permission and guard checks, and audit it."""
    method = getattr(case, name)
    if actor is not None and not has_transition_perm(method, actor):
        if can_proceed(method, check_conditions=False) and unmet_conditions(method):
            raise ValidationError(unmet_conditions(method))
        raise PermissionDenied
    if actor is None and not can_proceed(method):
        raise ValidationError(unmet_conditions(method) or _("Steget kan inte tas nu."))
    previous = case.state
    method()
    if case.state in CLOSED_STATES:
        case.closed_at = timezone.now()
    case.save()
    membership = acting_membership(actor, case) if actor is not None else None
    label = method._django_fsm.get_transition(previous).custom.get("label", name)
    events.transition_recorded(
        case=case,
        actor=actor,
        organisation=membership.organisation if membership else None,
        source=previous,
        target=case.state,
        label=str(label),
        reason=reason,
    )
    if case.state in CLOSED_STATES:
        deadlines_cancel_all(case=case, actor=actor, reason=_("Ärendet avslutades."))
    return case
