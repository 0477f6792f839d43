from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


@pghistory.track()
class Consent(models.Model):
    """Samtycke: the client's consent to lift secrecy between the parties (OSL 12 kap. 2 §).

    The guideline: "Samtycke dokumenteras och delges den andra parten." A consent covers the
    organisations in ``parties`` until it is withdrawn; withdrawal removes their access at once
    (``Case.objects.visible_to``) while the consent row and its events stay for the record."""

    class Form(models.TextChoices):
        WRITTEN = "skriftligt", _("Skriftligt – undertecknad sekretessblankett")
        ORAL = "muntligt", _("Muntligt – journalfört")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="consents")
    parties = models.ManyToManyField(
        "cases.Organisation",
        through="cases.ConsentParty",
        verbose_name=_("parter som omfattas"),
        related_name="consents",
    )
    scope = models.TextField(_("omfattning"))
    given_on = models.DateField(_("datum för samtycket"))
    form = models.CharField(_("form"), max_length=20, choices=Form.choices)
    # A written consent has the signed form attached; an oral one refers to the journal note
    # that records it.
    document = models.ForeignKey(
        "cases.Attachment",
        verbose_name=_("undertecknad sekretessblankett"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    journal_note = models.ForeignKey(
        "cases.Note",
        verbose_name=_("journalanteckning"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_organisation = models.ForeignKey(
        "cases.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("återkallat"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.TextField(_("anteckning om återkallelsen"), blank=True)

    class Meta:
        verbose_name = _("samtycke")
        verbose_name_plural = _("samtycken")
        constraints = [
            models.CheckConstraint(
                condition=Q(form="skriftligt", document__isnull=False)
                | Q(form="muntligt", journal_note__isnull=False),
                name="consent_documented",
            ),
        ]
        indexes = [
            # The access rule looks only at consents in force.
            models.Index(
                fields=["case"], name="consent_active_idx", condition=Q(withdrawn_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return f"Samtycke {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class ConsentParty(models.Model):
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="party_links")
    organisation = models.ForeignKey(
        "cases.Organisation", on_delete=models.PROTECT, related_name="consent_links"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consent", "organisation"], name="consent_party_unique")
        ]
        indexes = [models.Index(fields=["organisation", "consent"], name="consent_party_org_idx")]

    def __str__(self) -> str:
        return f"Part {self.organisation_id} i samtycke {self.consent_id}"
