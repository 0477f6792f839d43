"""The chef's follow-up marks during the monthly loggkontroll (DOMAIN.md §7). The log itself is
immutable; a mark is a separate row that says who wants what followed up."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import AccessLogFlag
from cases.selectors_log import access_log_for_chef

if TYPE_CHECKING:
    from accounts.models import User

MAX_COMMENT_LENGTH = 1000


@transaction.atomic
def access_log_flag(*, entry_id: int, actor: User, comment: str) -> AccessLogFlag:
    """Mark a log entry for follow-up. Only a chef whose review covers the entry may do so
    (PermissionDenied otherwise: views look the entry up through ``access_log_for_chef`` first
    and answer 404, so a chef never learns that an entry outside their scope exists)."""
    # The scope check comes before the comment check so that an invalid comment on an entry
    # outside the scope reveals nothing either.
    if not access_log_for_chef(actor).filter(pk=entry_id).exists():
        raise PermissionDenied
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": _("Skriv en kommentar om vad som ska följas upp.")})
    if len(comment) > MAX_COMMENT_LENGTH:
        raise ValidationError({"comment": _("Kommentaren kan ha högst 1000 tecken.")})
    return AccessLogFlag.objects.create(entry_id=entry_id, flagged_by=actor, comment=comment)
