"""The facts of the kontraktsvård and vårdvistelse processes (DOMAIN.md §§ 3.1, 3.2, 4).

One row per case holds the facts that occur once (the request, the decision, the judgment, the
dates); the choice of vårdgivare has its own table because it can change (byte av vårdgivare),
and the gemensam plan has its own table with row history."""

from __future__ import annotations

from datetime import date, timedelta

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.deadline_rules import preliminary_payment_end


class Decision(models.TextChoices):
    BEVILJAT = "beviljat", _("Beviljat")
    AVSLAG = "avslag", _("Avslag")


class CommunicationMethod(models.TextChoices):
    BREV = "brev", _("Brev")
    TELEFON = "telefon", _("Telefon")
    BESOK = "besok", _("Personligt möte")
    DIGITALT = "digitalt", _("Säker digital post")


class Pafoljd(models.TextChoices):
    KONTRAKTSVARD = "kontraktsvard", _("Skyddstillsyn med särskild behandlingsplan (kontraktsvård)")
    ANNAN = "annan", _("Annan påföljd")


@pghistory.track()
class CareProcess(models.Model):
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="care")
    # Kontraktsvård step 1: the court's request for a personutredning.
    request_date = models.DateField(
        _("datum för begäran om personutredning"), null=True, blank=True
    )
    haktad = models.BooleanField(_("häktad"), default=False)
    # Step 3: the application for bistånd in the form of an ansvarsförbindelse.
    application_received_on = models.DateField(_("ansökan inkom"), null=True, blank=True)
    # Step 5: the kommun's decision and how it was communicated (000: "Beslutet ska meddelas den
    # enskilde samt Kriminalvården").
    decision = models.CharField(_("beslut"), max_length=10, choices=Decision.choices, blank=True)
    decision_date = models.DateField(_("beslutsdatum"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_to_client_on = models.DateField(_("meddelat klienten"), null=True, blank=True)
    decision_to_client_how = models.CharField(
        _("sätt"), max_length=10, choices=CommunicationMethod.choices, blank=True
    )
    decision_to_kv_on = models.DateField(_("meddelat Kriminalvården"), null=True, blank=True)
    decision_to_kv_how = models.CharField(
        _("sätt"), max_length=10, choices=CommunicationMethod.choices, blank=True
    )
    # Step 7: the behandlingsplan (part of the underlag to the court).
    treatment_plan_date = models.DateField(_("behandlingsplan upprättad"), null=True, blank=True)
    treatment_plan_summary = models.TextField(_("behandlingsplanens inriktning"), blank=True)
    # Step 8: the judgment.
    judgment_date = models.DateField(_("domsdatum"), null=True, blank=True)
    pafoljd = models.CharField(_("påföljd"), max_length=20, choices=Pafoljd.choices, blank=True)
    alternative_prison_term_days = models.PositiveIntegerField(
        _("alternativt fängelsestraff (dagar)"), null=True, blank=True
    )
    # Placement / start of verkställighet.
    placement_start = models.DateField(_("placeringen började"), null=True, blank=True)
    # Master data from Kriminalvården's decisions; the computed values are only hints.
    kv_payment_end = models.DateField(
        _("Kriminalvårdens betalningsansvar upphör"), null=True, blank=True
    )
    conditional_release_date = models.DateField(
        _("datum för villkorlig frigivning"), null=True, blank=True
    )
    # Vårdvistelse: the ansvarsförbindelse signed and sent to the anstalt (000 "Kommunen skriver
    # under ansvarsförbindelse och skickar till kriminalvården, anstalten").
    commitment_signed_on = models.DateField(
        _("ansvarsförbindelsen undertecknad"), null=True, blank=True
    )
    commitment_sent_on = models.DateField(_("ansvarsförbindelsen skickad"), null=True, blank=True)
    transferred_at = models.DateTimeField(_("ansvaret övergick"), null=True, blank=True)
    end_reason = models.TextField(_("skäl till avslut"), blank=True)

    class Meta:
        verbose_name = _("vårdprocess")
        verbose_name_plural = _("vårdprocesser")

    def __str__(self) -> str:
        return f"Vårdprocess {self.case_id}"

    @property
    def transfer_date(self) -> date | None:
        """The first day of the kommun's responsibility.

        Kontraktsvård: Kriminalvården pays up to and including its payment end date (two thirds
        of the alternative term, 000); the kommun from the next day (DOMAIN step 10).
        Vårdvistelse: Kriminalvården is responsible "fram till datum för villkorlig
        frigivning" (000); from the VF date the person is released and the kommun responsible."""
        if self.kv_payment_end is not None:
            return self.kv_payment_end + timedelta(days=1)
        return self.conditional_release_date

    @property
    def preliminary_payment_end(self) -> date | None:
        if self.placement_start is None or self.alternative_prison_term_days is None:
            return None
        return preliminary_payment_end(
            enforcement_start=self.placement_start,
            alternative_term_days=self.alternative_prison_term_days,
        )


class CareProviderChoice(models.Model):
    """The vårdgivare of the case. A change (byte av vårdgivare) ends the current row and adds
    a new one with the reason; the ansvarsförbindelse still applies (000)."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="care_provider_choices"
    )
    provider = models.ForeignKey(
        "ansvarsforbindelse.CareProvider", on_delete=models.PROTECT, related_name="+"
    )
    planned_start = models.DateField(_("planerad start"))
    planned_end = models.DateField(_("planerat slut"))
    recommended = models.BooleanField(_("enligt rekommendationen"))
    recommendation_reason = models.TextField(_("rekommendation"))
    deviation_reason = models.TextField(_("skäl att välja annan vårdgivare"), blank=True)
    change_reason = models.TextField(_("skäl till byte"), blank=True)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    chosen_at = models.DateTimeField(auto_now_add=True)
    replaced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-chosen_at", "-id"]
        verbose_name = _("val av vårdgivare")
        verbose_name_plural = _("val av vårdgivare")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(replaced_at__isnull=True),
                name="care_provider_one_current_per_case",
            ),
            models.CheckConstraint(
                condition=Q(planned_end__gte=models.F("planned_start")),
                name="care_provider_planned_period",
            ),
        ]

    def __str__(self) -> str:
        return f"Vårdgivarval {self.pk}"


@pghistory.track()
class JointPlan(models.Model):
    """Gemensam plan (000 "Gemensam plan för samverkan") with its four required parts."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="joint_plan")
    insatser = models.TextField(_("1. Insatser den enskilde behöver"))
    responsibilities = models.TextField(_("2. Kriminalvårdens och kommunens ansvar"))
    others_measures = models.TextField(
        _("3. Åtgärder som vidtas av någon annan än kommunen och Kriminalvården"), blank=True
    )
    overall_responsible = models.CharField(
        _("4. Vem har det övergripande ansvaret för planen"), max_length=200
    )
    follow_up_date = models.DateField(_("nästa uppföljning"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("gemensam plan")
        verbose_name_plural = _("gemensamma planer")

    def __str__(self) -> str:
        return f"Gemensam plan {self.case_id}"
