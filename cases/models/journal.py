from __future__ import annotations

import uuid

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    INTERNAL = "intern", _("Intern – bara den egna organisationen")
    SHARED = "delad", _("Delad – med parter som omfattas av samtycket")


class Note(models.Model):
    """Anteckning. Append-only (DOMAIN.md §7): a correction is a new note that refers to the
    note it corrects; the database refuses UPDATE and DELETE."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="notes")
    organisation = models.ForeignKey(
        "cases.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("anteckning"))
    visibility = models.CharField(
        _("synlighet"), max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("rättar anteckning"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    created_at = models.DateTimeField(_("skriven"), auto_now_add=True)

    class Meta:
        verbose_name = _("anteckning")
        verbose_name_plural = _("anteckningar")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["case", "-created_at"], name="note_case_created_idx")]
        triggers = [
            pgtrigger.Protect(
                name="note_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"Anteckning {self.pk}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # Never the uploaded name: file names often contain the client's name.
    return f"attachments/{instance.case_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A document on a case, stored outside the web root and served only through a
    permission-checked, access-logged view."""

    class ScanStatus(models.TextChoices):
        PENDING = "vantar", _("Väntar på viruskontroll")
        CLEAN = "ren", _("Kontrollerad")
        INFECTED = "infekterad", _("Spärrad – skadlig kod")
        NOT_SCANNED = "ej_kontrollerad", _("Ingen viruskontroll konfigurerad")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="attachments")
    note = models.ForeignKey(
        Note, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    organisation = models.ForeignKey(
        "cases.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    visibility = models.CharField(
        _("synlighet"), max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(_("filnamn"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    scan_status = models.CharField(max_length=20, choices=ScanStatus.choices)
    created_at = models.DateTimeField(_("uppladdad"), auto_now_add=True)

    class Meta:
        verbose_name = _("bilaga")
        verbose_name_plural = _("bilagor")
        ordering = ["-created_at", "-id"]
        triggers = [pgtrigger.Protect(name="attachment_no_delete", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"Bilaga {self.pk}"
