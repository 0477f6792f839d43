"""Notifications read and unread, notification settings and the calendar feed token."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from cases.models import CalendarFeedToken, Case, Notification, NotificationPreference

if TYPE_CHECKING:
    from accounts.models import User


def notification_mark_read(*, notification_id: int, actor: User) -> Notification:
    """Only the recipient marks a notification read; anyone else gets a 404."""
    notification = (
        Notification.objects.filter(pk=notification_id, recipient=actor)
        .select_related("case")
        .first()
    )
    if notification is None:
        raise Http404
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, actor: User) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notification_preferences_update(
    *, user: User, email_enabled: bool, daily_digest: bool
) -> NotificationPreference:
    preference, _ = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email_enabled": email_enabled, "daily_digest": daily_digest}
    )
    return preference


@transaction.atomic
def calendar_token_create(*, user: User) -> CalendarFeedToken:
    """A new calendar link; the old one (if any) stops working at once. 256 random bits:
    the URL is the only key, since calendar programs cannot log in."""
    # Lock the user: two clicks at once must not both create a link (one in force per user).
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    calendar_token_revoke(user=user)
    return CalendarFeedToken.objects.create(user=user, token=secrets.token_urlsafe(32))


def calendar_token_revoke(*, user: User) -> int:
    return CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def notify_case_parties(*, case: Case, message: str) -> int:
    """An in-app notification to the responsible handläggare of every organisation taking part
    (or, where none is named, the organisation's chefs). ``message`` carries the case reference
    only: notifications must hold no personal data. Runs in the caller's transaction."""
    from cases.models import Membership, Participation
    from cases.roles import CHEF_ROLES

    participations = list(Participation.objects.filter(case=case))
    recipients = {p.handlaggare_id for p in participations if p.handlaggare_id}
    unassigned = [p.organisation_id for p in participations if not p.handlaggare_id]
    if unassigned:
        recipients |= set(
            Membership.objects.in_force()
            .filter(organisation_id__in=unassigned, role__in=CHEF_ROLES)
            .values_list("user_id", flat=True)
        )
    Notification.objects.bulk_create(
        [Notification(recipient_id=user_id, case=case, message=message) for user_id in recipients]
    )
    return len(recipients)
