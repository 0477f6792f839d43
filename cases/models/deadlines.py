from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DeadlineKind(models.TextChoices):
    """The dates of DOMAIN.md §6. The rule that computes each lives in ``cases.deadline_rules``."""

    YTTRANDE = "yttrande", _("Yttrande (personutredning) till domstolen")
    KOMMUN_BESLUT = "kommun_beslut", _("Kommunens beslut före yttrandet")
    BETALNINGSANSVAR = "betalningsansvar", _("Kriminalvårdens betalningsansvar upphör")
    VF = "vf", _("Villkorlig frigivning – kommunen tar över")
    GEMENSAM_PLAN = "gemensam_plan", _("Gemensam plan upprättad")
    UPPFOLJNING = "uppfoljning", _("Uppföljning enligt plan")
    PLANERINGSMOTE = "planeringsmote", _("Planeringsmöte (inslussning)")
    AVSTAMNING = "avstamning", _("Kostnadsavstämning")
    OVRIGT = "ovrigt", _("Övrig frist")


class Deadline(models.Model):
    """Frist. Created and moved only by services when the facts change (DOMAIN.md §6), with
    every change kept in ``DeadlineChange``; reminders are sent by the sweep."""

    class Status(models.TextChoices):
        OPEN = "oppen", _("Öppen")
        OVERDUE = "forsenad", _("Försenad")
        DONE = "klar", _("Klar")
        CANCELLED = "makulerad", _("Makulerad")

    ACTIVE_STATUSES = (Status.OPEN, Status.OVERDUE)

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="deadlines")
    kind = models.CharField(_("typ av frist"), max_length=40, choices=DeadlineKind.choices)
    # Distinguishes several active deadlines of one kind in a case ("3" for planning meeting 3).
    key = models.CharField(max_length=40, blank=True, default="")
    label = models.CharField(_("frist"), max_length=200)
    due_date = models.DateField(_("förfallodatum"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    responsible_organisation = models.ForeignKey(
        "cases.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rule = models.CharField(_("regel"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("frist")
        verbose_name_plural = _("frister")
        ordering = ["due_date", "id"]
        constraints = [
            # One active deadline per fact: a changed date moves it, it never duplicates it.
            models.UniqueConstraint(
                fields=["case", "kind", "key"],
                condition=Q(status__in=["oppen", "forsenad"]),
                name="deadline_one_active_per_kind",
            )
        ]
        indexes = [
            models.Index(
                fields=["due_date", "case"],
                name="deadline_active_due_idx",
                condition=Q(status__in=["oppen", "forsenad"]),
            ),
            # "Mina frister": the active deadlines of the user and of their organisations,
            # read from these instead of checking every active deadline of the region against
            # the access rule (docs/performance.md).
            models.Index(
                fields=["responsible_organisation", "due_date"],
                name="deadline_active_org_due_idx",
                condition=Q(status__in=["oppen", "forsenad"]),
            ),
            models.Index(
                fields=["responsible_user", "due_date"],
                name="deadline_active_user_due_idx",
                condition=Q(status__in=["oppen", "forsenad"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.due_date:%Y-%m-%d}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES


class DeadlineChange(models.Model):
    """The history of a deadline: created, moved (with who and why), completed, cancelled."""

    class Change(models.TextChoices):
        CREATED = "skapad", _("Skapad")
        MOVED = "flyttad", _("Flyttad")
        DONE = "klar", _("Klar")
        CANCELLED = "makulerad", _("Makulerad")
        OVERDUE = "forsenad", _("Försenad")

    deadline = models.ForeignKey(Deadline, on_delete=models.PROTECT, related_name="changes")
    change = models.CharField(max_length=10, choices=Change.choices)
    old_due_date = models.DateField(null=True, blank=True)
    new_due_date = models.DateField(null=True, blank=True)
    reason = models.CharField(_("skäl"), max_length=500, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name = _("ändring av frist")
        verbose_name_plural = _("ändringar av frister")

    def __str__(self) -> str:
        return f"{self.change} {self.changed_at:%Y-%m-%d}"
