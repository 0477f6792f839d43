"""The target-group rule (001 § 7): every criterion must hold, or a chef includes the client
anyway with a reason. Pure functions over a Programme."""

from __future__ import annotations

from inslussning.models import Criterion, Programme


def failed_criteria(programme: Programme) -> list[Criterion]:
    return [criterion for criterion in Criterion if not getattr(programme, criterion.value)]


def target_group_satisfied(programme: Programme) -> bool:
    """Inclusion is allowed when every criterion holds, or a chef has overridden with a reason."""
    return not failed_criteria(programme) or bool(programme.override_reason.strip())
