"""The reminder sweep and delivery: the only writers of ``Reminder``.

Why it cannot send twice: planning inserts with ``ON CONFLICT DO NOTHING`` against the unique
constraint (deadline, recipient, kind, due day), so any number of sweeps — a re-run, a retry,
a second worker, a restart after downtime — store each reminder once; delivery locks the row
(``SKIP LOCKED``), sends only a reminder still ``vantar``, and records the outcome in the same
transaction as the lock, so a concurrent or repeated delivery finds it done. The in-app
notification is unique per reminder as well."""

from __future__ import annotations

import logging
import smtplib
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import DateField, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Cast
from django.utils import timezone

from cases import reminders as rules
from cases.models import (
    Deadline,
    Membership,
    Notification,
    NotificationPreference,
    Participation,
    Reminder,
    ReminderKindSetting,
    ReminderOffset,
)
from cases.reminder_messages import (
    ReminderFacts,
    digest_email,
    notification_message,
    reminder_email,
)
from cases.roles import CASEWORKER_ROLES, CHEF_ROLES

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

# Longer than a whole retry chain of deliver_reminder (5 retries, backoff capped at 15 min):
# a reminder queued longer ago than this and still waiting lost its task (a broker restart)
# and is queued again.
QUEUE_STALE_AFTER = timedelta(hours=2)
# Reminders handed to the queue per sweep; the next sweep (15 minutes later) takes the rest.
QUEUE_BATCH = 10_000
# Errors worth another try (the SMTP server is down or refuses for now).
DELIVERY_ERRORS: tuple[type[Exception], ...] = (smtplib.SMTPException, OSError)
# Tries per e-mail before the reminder is marked failed: the first and five retries. Counted on
# the row, not by the task, so that a lost task, a duplicate or a busy retry changes nothing.
MAX_DELIVERY_ATTEMPTS = 6


class ReminderBusy(Exception):
    """Another transaction holds the reminder's row for a moment (a second delivery, a sweep
    claiming rows). Not a failure: the task tries again shortly, or it would leave the
    reminder waiting until the sweep queues it again."""


# --- Planning -------------------------------------------------------------------------------


def reminder_settings() -> rules.ReminderSettings:
    """The admin-editable offsets and chef setting, read fresh by every sweep (no deploy)."""
    offsets: dict[str, set[int]] = defaultdict(set)
    configured: set[str] = set()
    for kind, days, active in ReminderOffset.objects.values_list("kind", "days_before", "active"):
        configured.add(kind)
        if active:
            offsets[kind].add(days)
    return rules.ReminderSettings(
        offsets={kind: frozenset(days) for kind, days in offsets.items()},
        configured_kinds=frozenset(configured),
        default_offsets=frozenset(settings.BRYGGA_REMINDER_DEFAULT_DAYS),
        no_chef_kinds=frozenset(
            ReminderKindSetting.objects.filter(overdue_to_chef=False).values_list("kind", flat=True)
        ),
    )


def _candidate_facts(*, today: date, max_offset: int) -> list[rules.DeadlineFacts]:
    """Active deadlines that may have a reminder due: those due within the largest offset,
    and the passed ones whose overdue reminder for the current due date is not yet stored
    (an anti-join, so that years of old overdue deadlines are not planned again each sweep)."""
    handlaggare = Participation.objects.filter(
        case_id=OuterRef("case_id"), organisation_id=OuterRef("responsible_organisation_id")
    ).values("handlaggare_id")[:1]
    overdue_stored = Reminder.objects.filter(
        deadline_id=OuterRef("pk"),
        kind=rules.OVERDUE,
        due_on=Cast(OuterRef("due_date") + timedelta(days=1), DateField()),
    )
    deadlines = (
        Deadline.objects.filter(status__in=Deadline.ACTIVE_STATUSES)
        .filter(
            Q(due_date__gte=today, due_date__lte=today + timedelta(days=max_offset))
            | Q(Q(due_date__lt=today), ~Exists(overdue_stored))
        )
        .annotate(handlaggare_id=Subquery(handlaggare))
        .values_list(
            "pk",
            "kind",
            "due_date",
            "responsible_organisation_id",
            "responsible_user_id",
            "handlaggare_id",
        )
    )
    return [rules.DeadlineFacts(*row) for row in deadlines.iterator(chunk_size=5000)]


def _staff(organisation_ids: set[int]) -> rules.Staff:
    members: dict[int, set[int]] = defaultdict(set)
    chefs: dict[int, set[int]] = defaultdict(set)
    rows = (
        Membership.objects.in_force()
        .filter(
            organisation_id__in=organisation_ids,
            role__in=CASEWORKER_ROLES | CHEF_ROLES,
            user__is_active=True,
        )
        .values_list("organisation_id", "user_id", "role")
    )
    for organisation_id, user_id, role in rows:
        members[organisation_id].add(user_id)
        if role in CHEF_ROLES:
            chefs[organisation_id].add(user_id)
    return rules.Staff(
        members={org: frozenset(users) for org, users in members.items()},
        chefs={org: frozenset(users) for org, users in chefs.items()},
    )


def reminders_create_due(*, today: date) -> int:
    """Store every reminder due ``today`` (``cases.reminders`` has the rule). Returns the
    number planned; those already stored are left as they are."""
    config = reminder_settings()
    facts = _candidate_facts(today=today, max_offset=config.max_offset)
    staff = _staff({deadline.organisation_id for deadline in facts})
    planned = rules.plan(deadlines=facts, settings=config, staff=staff, today=today)
    # One order for every sweep: two sweeps inserting the same rows then wait for each other
    # row by row in the same order, and cannot deadlock.
    planned.sort(key=lambda item: (item.deadline_id, item.recipient_id, item.kind, item.due_on))
    Reminder.objects.bulk_create(
        [
            Reminder(
                deadline_id=item.deadline_id,
                recipient_id=item.recipient_id,
                kind=item.kind,
                due_on=item.due_on,
            )
            for item in planned
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    return len(planned)


@transaction.atomic
def reminders_queue_pending(*, now: datetime) -> list[int]:
    """Claim the reminders waiting for delivery (not queued yet, or queued so long ago that
    the task was lost) and return their ids for the caller to queue after commit. Two sweeps
    at once claim disjoint sets (SKIP LOCKED)."""
    ids = list(
        Reminder.objects.select_for_update(skip_locked=True)
        .filter(status=Reminder.Status.PENDING)
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=now - QUEUE_STALE_AFTER))
        .order_by("pk")
        .values_list("pk", flat=True)[:QUEUE_BATCH]
    )
    Reminder.objects.filter(pk__in=ids).update(queued_at=now)
    return ids


# --- Delivery -------------------------------------------------------------------------------


def _facts(reminder: Reminder) -> ReminderFacts:
    deadline = reminder.deadline
    return ReminderFacts(
        reference=deadline.case.reference,
        case_id=deadline.case_id,
        kind_label=str(deadline.get_kind_display()),
        due_date=deadline.due_date,
        overdue=reminder.kind == rules.OVERDUE,
    )


def describe_error(error: BaseException) -> str:
    """What an administrator may see of a delivery error: the class and the SMTP code. Never
    ``str(error)``: SMTPRecipientsRefused, for one, lists the addresses."""
    code = getattr(error, "smtp_code", None)
    return f"{type(error).__name__}{f' {code}' if code else ''}"[:200]


def preference_for(user: User) -> NotificationPreference:
    try:
        return user.notification_preference
    except NotificationPreference.DoesNotExist:
        return NotificationPreference(user=user)


def reminder_deliver(*, reminder_id: int) -> str:
    """Deliver one reminder: the in-app notification, then e-mail by the recipient's choice
    (now, in tomorrow's digest, or not at all). Returns what happened. An SMTP error is
    recorded on the row and raised again so that the task retries; after the last attempt
    the reminder is marked failed, which the admin lists. Raises ``ReminderBusy`` when another
    transaction holds the row."""
    error: BaseException | None = None
    with transaction.atomic():
        reminder = (
            Reminder.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("deadline__case", "recipient__notification_preference")
            .filter(pk=reminder_id, status=Reminder.Status.PENDING)
            .first()
        )
        if reminder is None:
            if Reminder.objects.filter(pk=reminder_id, status=Reminder.Status.PENDING).exists():
                raise ReminderBusy(reminder_id)
            return "redan hanterad"  # delivered, failed or no longer meaningful
        deadline = reminder.deadline
        recipient = reminder.recipient
        meaningful = deadline.is_active and rules.still_meaningful(
            kind=reminder.kind,
            due_on=reminder.due_on,
            due_date=deadline.due_date,
            today=timezone.localdate(),
        )
        if not meaningful or not recipient.is_active:
            reminder.status = Reminder.Status.OBSOLETE
            reminder.save(update_fields=["status"])
            return "inaktuell"
        facts = _facts(reminder)
        Notification.objects.get_or_create(
            reminder=reminder,
            defaults={
                "recipient": recipient,
                "case_id": deadline.case_id,
                "deadline": deadline,
                "message": notification_message(facts),
            },
        )
        preference = preference_for(recipient)
        if not preference.email_enabled or not recipient.email:
            reminder.channel = Reminder.Channel.APP
            reminder.status = Reminder.Status.SENT
            reminder.sent_at = timezone.now()
        elif preference.daily_digest:
            reminder.channel = Reminder.Channel.DIGEST
            reminder.status = Reminder.Status.DIGEST
        else:
            reminder.channel = Reminder.Channel.EMAIL
            reminder.attempts += 1
            email = reminder_email(facts)
            try:
                # Sent while the row is locked: a second delivery of the same reminder waits
                # for nothing (SKIP LOCKED) and finds it sent afterwards.
                send_mail(email.subject, email.body, None, [recipient.email])
            except DELIVERY_ERRORS as exc:
                error = exc
                _record_failure(reminder, exc)
            else:
                reminder.status = Reminder.Status.SENT
                reminder.sent_at = timezone.now()
                reminder.last_error = ""
        reminder.save()
    if error is not None:
        raise error
    return reminder.status


def _record_failure(reminder: Reminder, error: BaseException) -> None:
    reminder.last_error = describe_error(error)
    if reminder.attempts >= MAX_DELIVERY_ATTEMPTS:
        reminder.status = Reminder.Status.FAILED
        reminder.failed_at = timezone.now()
        logger.error("Påminnelse %s kunde inte skickas: %s", reminder.pk, reminder.last_error)


def digest_recipient_ids() -> list[int]:
    return list(
        Reminder.objects.filter(status=Reminder.Status.DIGEST)
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by("recipient_id")
    )


def reminders_send_digest(*, user_id: int) -> int:
    """One e-mail listing the user's reminders that wait for the digest (case references and
    links only). Returns the number of reminders it covered."""
    error: BaseException | None = None
    with transaction.atomic():
        waiting = list(
            Reminder.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("deadline__case", "recipient__notification_preference")
            .filter(recipient_id=user_id, status=Reminder.Status.DIGEST)
            .order_by("deadline__due_date", "pk")
        )
        if not waiting:
            return 0
        recipient = waiting[0].recipient
        preference = preference_for(recipient)
        now = timezone.now()
        # E-mail turned off since the reminders were delivered: they are in the app already.
        emailing = recipient.is_active and preference.email_enabled and bool(recipient.email)
        if emailing:
            email = digest_email([_facts(reminder) for reminder in waiting])
            try:
                send_mail(email.subject, email.body, None, [recipient.email])
            except DELIVERY_ERRORS as exc:
                error = exc
        for reminder in waiting:
            reminder.attempts += int(emailing)
            if error is not None:
                _record_failure(reminder, error)
            else:
                reminder.status = Reminder.Status.SENT
                reminder.sent_at = now
                reminder.last_error = ""
        Reminder.objects.bulk_update(
            waiting, ["attempts", "status", "sent_at", "last_error", "failed_at"]
        )
    if error is not None:
        raise error
    return len(waiting)
