"""Reminders, in-app notifications, notification settings and the calendar feed token.

DESIGN.md "Deadlines and reminders": each reminder is a row with a unique constraint so that a
re-run, a retry, a second worker or a restart after downtime can never send it twice. The
planning rule lives in ``cases.reminders``; the writers in ``cases.services.reminders`` and
``cases.services.notifications``."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models.deadlines import DeadlineKind


class ReminderOffset(models.Model):
    """How many days before a deadline of a kind its handläggare is reminded. Changed by the
    systemförvaltare in the admin: the next sweep uses the new values, no deploy (issue 6)."""

    kind = models.CharField(_("typ av frist"), max_length=40, choices=DeadlineKind.choices)
    days_before = models.PositiveSmallIntegerField(
        _("dagar före"), validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("påminnelse före frist")
        verbose_name_plural = _("påminnelser före frist")
        ordering = ["kind", "-days_before"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "days_before"], name="reminder_offset_unique"),
            models.CheckConstraint(
                condition=Q(days_before__gte=1), name="reminder_offset_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.days_before}"


class ReminderKindSetting(models.Model):
    """Per kind of deadline: does an overdue deadline also reach the chefs of the responsible
    organisation (DOMAIN.md §6: "to the chef when overdue")? A kind without a row does."""

    kind = models.CharField(
        _("typ av frist"), max_length=40, choices=DeadlineKind.choices, unique=True
    )
    overdue_to_chef = models.BooleanField(_("påminn chef när fristen passerat"), default=True)

    class Meta:
        verbose_name = _("inställning för påminnelser")
        verbose_name_plural = _("inställningar för påminnelser")
        ordering = ["kind"]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class Reminder(models.Model):
    """One reminder of one deadline to one person. Planned by the sweep, delivered by a task."""

    class Status(models.TextChoices):
        PENDING = "vantar", _("Väntar")
        DIGEST = "sammanfattning", _("Väntar på daglig sammanfattning")
        SENT = "skickad", _("Skickad")
        OBSOLETE = "inaktuell", _("Inaktuell")
        FAILED = "misslyckad", _("Misslyckad")

    class Channel(models.TextChoices):
        APP = "app", _("Bara i Brygga")
        EMAIL = "epost", _("E-post")
        DIGEST = "sammanfattning", _("Daglig sammanfattning")

    OVERDUE = "overdue"

    deadline = models.ForeignKey(
        "cases.Deadline", on_delete=models.CASCADE, related_name="reminders"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mottagare"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    # "before:7", "before:3", "before:1" or "overdue" (cases.reminders builds them).
    kind = models.CharField(_("påminnelse"), max_length=20)
    # The day the reminder became due: due date minus the offset, or the day after the due
    # date for "overdue". Part of the uniqueness, so that a moved deadline is reminded again.
    due_on = models.DateField(_("skulle påminnas"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    channel = models.CharField(_("kanal"), max_length=20, choices=Channel.choices, blank=True)
    created_at = models.DateTimeField(_("planerad"), auto_now_add=True)
    # When the sweep last handed it to the queue; a lost task is queued again after a while.
    queued_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("skickad"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("försök"), default=0)
    # The exception class and SMTP code only: never an address, a name or a message body.
    last_error = models.CharField(_("senaste fel"), max_length=200, blank=True)
    failed_at = models.DateTimeField(_("misslyckades"), null=True, blank=True)

    class Meta:
        verbose_name = _("påminnelse")
        verbose_name_plural = _("påminnelser")
        ordering = ["-created_at", "-id"]
        constraints = [
            # The heart of "never twice" (DESIGN.md): whatever runs the sweep, however often,
            # there is one row per deadline, person, kind of reminder and due date.
            models.UniqueConstraint(
                fields=["deadline", "recipient", "kind", "due_on"], name="reminder_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["queued_at"],
                name="reminder_pending_idx",
                condition=Q(status="vantar"),
            ),
            models.Index(
                fields=["recipient"],
                name="reminder_digest_idx",
                condition=Q(status="sammanfattning"),
            ),
            models.Index(
                fields=["-failed_at"], name="reminder_failed_idx", condition=Q(status="misslyckad")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.due_on:%Y-%m-%d}"


class Notification(models.Model):
    """A message in the user's notification list (the header shows the unread count)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deadline = models.ForeignKey(
        "cases.Deadline", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # One notification per reminder, even when the delivery task runs again.
    reminder = models.OneToOneField(
        Reminder, null=True, blank=True, on_delete=models.SET_NULL, related_name="notification"
    )
    # A short Swedish sentence with the case reference only: never a name or personnummer.
    message = models.CharField(_("meddelande"), max_length=300)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    read_at = models.DateTimeField(_("läst"), null=True, blank=True)

    class Meta:
        verbose_name = _("notis")
        verbose_name_plural = _("notiser")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["recipient", "-created_at"], name="notification_list_idx"),
        ]

    def __str__(self) -> str:
        return f"Notis {self.pk}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """How a user wants reminders by e-mail. No row means the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_enabled = models.BooleanField(_("Påminnelser med e-post"), default=True)
    daily_digest = models.BooleanField(
        _("En sammanfattning per dag i stället för ett e-postmeddelande per påminnelse"),
        default=False,
    )

    class Meta:
        verbose_name = _("inställning för notiser")
        verbose_name_plural = _("inställningar för notiser")

    def __str__(self) -> str:
        return f"Inställningar {self.user_id}"


class CalendarFeedToken(models.Model):
    """The secret in a user's calendar feed URL. Calendar programs cannot log in, so the token
    is the only key: long and random, revocable, one in force per user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_tokens"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("kalenderlänk")
        verbose_name_plural = _("kalenderlänkar")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="calendar_token_one_active_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"Kalenderlänk {self.pk}"
