from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Both tables are evidence: the database itself refuses UPDATE and DELETE, so not even a bug
# or a shell session through the app's database user can rewrite history.
_APPEND_ONLY = pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)


class AuditEvent(models.Model):
    """Domain history of a case (transitions, consent, notes, documents, deadlines, deviations),
    shown as the case's tidslinje. Written only by ``cases.events``."""

    case = models.ForeignKey(
        "cases.Case", null=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "cases.Organisation", null=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("händelse"), max_length=40)
    # A short Swedish sentence for the timeline; never personal data beyond what the case
    # page shows anyway (no personnummer).
    message = models.CharField(_("beskrivning"), max_length=300)
    # Visible to every party that sees the case's shared data (False: only the actor's org).
    shared = models.BooleanField(default=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("tidpunkt"), auto_now_add=True)

    class Meta:
        verbose_name = _("händelse")
        verbose_name_plural = _("händelser")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["case", "-created_at"], name="audit_case_created_idx")]
        triggers = [_APPEND_ONLY]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"


class AccessLog(models.Model):
    """Every read of a case, a client or an attachment (who, from which organisation, what,
    when, from where): the basis of the chefs' monthly loggkontroll (DOMAIN.md §7)."""

    class Action(models.TextChoices):
        VIEW_CASE = "visa_arende", _("Öppnade ärende")
        VIEW_CLIENT = "visa_klient", _("Visade klientuppgifter")
        DOWNLOAD = "hamta_bilaga", _("Hämtade bilaga")
        SEARCH = "sokning", _("Sökte på personnummer")
        EXPORT = "export", _("Exporterade")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "cases.Organisation", null=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("åtgärd"), max_length=20, choices=Action.choices)
    case = models.ForeignKey("cases.Case", null=True, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(
        "cases.Client", null=True, on_delete=models.PROTECT, related_name="+"
    )
    attachment = models.ForeignKey(
        "cases.Attachment", null=True, on_delete=models.PROTECT, related_name="+"
    )
    ip_address = models.GenericIPAddressField(_("IP-adress"), null=True)
    created_at = models.DateTimeField(_("tidpunkt"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("loggpost")
        verbose_name_plural = _("åtkomstlogg")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="accesslog_user_idx"),
            models.Index(fields=["case", "-created_at"], name="accesslog_case_idx"),
        ]
        triggers = [_APPEND_ONLY]

    def __str__(self) -> str:
        return f"{self.action} {self.created_at:%Y-%m-%d %H:%M}"


class AccessLogFlag(models.Model):
    """A chef's mark on a log entry for follow-up during the monthly log review. Kept apart
    from the immutable log itself."""

    entry = models.ForeignKey(AccessLog, on_delete=models.PROTECT, related_name="flags")
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(_("kommentar"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("markering för uppföljning")
        verbose_name_plural = _("markeringar för uppföljning")

    def __str__(self) -> str:
        return f"Markering {self.pk}"
