from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Deadline(models.Model):
    """Frist. Created and moved by the services when the facts change (DOMAIN.md §6); the
    deadlines capability adds kinds, extension history and reminders."""

    class Status(models.TextChoices):
        OPEN = "oppen", _("Öppen")
        DONE = "klar", _("Klar")
        CANCELLED = "makulerad", _("Makulerad")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="deadlines")
    kind = models.CharField(_("typ av frist"), max_length=40)
    label = models.CharField(_("frist"), max_length=200)
    due_date = models.DateField(_("förfallodatum"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    responsible_organisation = models.ForeignKey(
        "cases.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rule = models.CharField(_("regel"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("frist")
        verbose_name_plural = _("frister")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(
                fields=["due_date", "case"],
                name="deadline_open_due_idx",
                condition=Q(status="oppen"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.due_date:%Y-%m-%d}"
