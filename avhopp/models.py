"""Avhopparuppdrag (003, "Avtal om samverkan för insatser till avhoppare och skyddspersoner inom
kriminalitet"; DOMAIN.md §3.4): the agreement as data, the facts of each uppdrag, the insatser
of the § 6 catalogue with their costs, and the six-monthly cost reconciliation."""

from __future__ import annotations

from datetime import date

import pghistory
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from avhopp import rules
from cases.models import Case, Organisation


@pghistory.track()
class Agreement(models.Model):
    """Samverkansavtalet. Its parties are the nämnder named in § 1; the balance and the
    reconciliation speak of their kommuner (``Organisation.parent``)."""

    name = models.CharField(_("namn"), max_length=300)
    parties = models.ManyToManyField(
        Organisation, verbose_name=_("parter"), related_name="avhopp_agreements"
    )
    starts_on = models.DateField(_("gäller från och med"))
    term_months = models.PositiveSmallIntegerField(_("avtalstid (månader)"), default=24)
    notice_months = models.PositiveSmallIntegerField(_("uppsägningstid (månader)"), default=3)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("samverkansavtal")
        verbose_name_plural = _("samverkansavtal")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def ends_on(self) -> date:
        return rules.agreement_end(starts_on=self.starts_on, term_months=self.term_months)

    @property
    def notice_latest_on(self) -> date:
        return rules.agreement_notice_latest(ends_on=self.ends_on, notice_months=self.notice_months)


@pghistory.track()
class AgreementNotice(models.Model):
    """A party's written notice of termination (003 § 11)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="notices")
    party = models.ForeignKey(
        Organisation, verbose_name=_("part"), on_delete=models.PROTECT, related_name="+"
    )
    given_on = models.DateField(_("uppsagt den"))
    note = models.CharField(_("kommentar"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("uppsägning av avtalet")
        verbose_name_plural = _("uppsägningar av avtalet")
        ordering = ["given_on", "id"]

    def __str__(self) -> str:
        return f"{self.party} {self.given_on:%Y-%m-%d}"

    @property
    def ends_on(self) -> date:
        return rules.agreement_notice_end(
            given_on=self.given_on, notice_months=self.agreement.notice_months
        )


class DisclosureBasis(models.TextChoices):
    # 003 § 7: "den kommun som lämnar ut uppgifter om den enskilde alltid ansvarar för att det
    # finns samtycke eller laga grund för utlämnandet".
    SAMTYCKE = "samtycke", _("Den enskildes samtycke")
    LAGA_GRUND = "laga_grund", _("Annan laga grund (sekretessbrytande bestämmelse)")


class NoticeReason(models.TextChoices):
    # 003 § 12: "synnerliga skäl, såsom att den enskilde inte alls kan förmås medverka eller att
    # ett genomförande är olämpligt utifrån Polismyndighetens bedömning".
    INGEN_MEDVERKAN = "ingen_medverkan", _("Den enskilde kan inte alls förmås medverka")
    POLISENS_BEDOMNING = (
        "polisens_bedomning",
        _("Genomförandet är olämpligt enligt Polismyndighetens bedömning"),
    )
    ANNAT = "annat", _("Annat synnerligt skäl")


@pghistory.track()
class AssignmentDetails(models.Model):
    """The facts of one avhopparuppdrag (one row per case), recorded step by step by the kommun
    the agreement gives each fact to."""

    case = models.OneToOneField(
        Case, primary_key=True, on_delete=models.PROTECT, related_name="assignment"
    )
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="assignments")
    # The nämnder (Organisation.parent is their kommun).
    home_municipality = models.ForeignKey(
        Organisation, verbose_name=_("hemkommun"), on_delete=models.PROTECT, related_name="+"
    )
    receiving_municipality = models.ForeignKey(
        Organisation,
        verbose_name=_("mottagande kommun"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    disclosure_basis = models.CharField(
        _("grund för utlämnande"), max_length=20, choices=DisclosureBasis.choices
    )
    # § 4: "En förutsättning för uppdraget är också att personen är motiverad till förändring."
    motivated = models.BooleanField(_("motiverad till förändring"), default=False)
    motivation_note = models.TextField(_("bedömning av motivation"), blank=True)
    # § 4: samråd with Polismyndigheten "i såväl hemkommunen som i den mottagande kommunen".
    police_consulted_home_on = models.DateField(
        _("samråd med polisen, hemkommunen"), null=True, blank=True
    )
    police_consulted_home_with = models.CharField(
        _("polisens kontaktperson, hemkommunen"), max_length=200, blank=True
    )
    police_consulted_home_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    police_consulted_receiving_on = models.DateField(
        _("samråd med polisen, mottagande kommun"), null=True, blank=True
    )
    police_consulted_receiving_with = models.CharField(
        _("polisens kontaktperson, mottagande kommun"), max_length=200, blank=True
    )
    police_consulted_receiving_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # § 4: the person shall not have responsibility for children; if children appear, both
    # kommuner clarify the responsibilities at once (a blocking flag until both have).
    children_flag = models.BooleanField(_("barn har aktualiserats"), default=False)
    children_flag_note = models.TextField(_("om barnen"), blank=True)
    children_home_clarification = models.TextField(
        _("hemkommunens klargörande om ansvaret för barnen"), blank=True
    )
    children_receiving_clarification = models.TextField(
        _("mottagande kommunens klargörande om ansvaret för barnen"), blank=True
    )
    # § 4: the hemkommun writes the uppdragsbeskrivning; § 6: the mottagande kommun the
    # genomförandeplan.
    uppdragsbeskrivning = models.TextField(_("uppdragsbeskrivning"), blank=True)
    genomforandeplan = models.TextField(_("genomförandeplan"), blank=True)
    accepted_at = models.DateTimeField(_("accepterat"), null=True, blank=True)
    implementation_started_on = models.DateField(_("genomförandet började"), null=True, blank=True)
    # § 12: early ending with one week's written notice for synnerliga skäl.
    notice_given_on = models.DateField(_("uppsagt den"), null=True, blank=True)
    notice_ends_on = models.DateField(_("uppsägningstiden löper ut"), null=True, blank=True)
    notice_reason_kind = models.CharField(
        _("skäl för uppsägning"), max_length=30, choices=NoticeReason.choices, blank=True
    )
    notice_reason = models.TextField(_("beskrivning av skälen"), blank=True)
    notice_by = models.ForeignKey(
        Organisation,
        verbose_name=_("uppsagt av"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    end_note = models.TextField(_("kommentar vid avslut"), blank=True)

    class Meta:
        verbose_name = _("avhopparuppdrag")
        verbose_name_plural = _("avhopparuppdrag")
        constraints = [
            models.CheckConstraint(
                condition=~Q(home_municipality=F("receiving_municipality")),
                name="assignment_two_different_kommuner",
            ),
            models.CheckConstraint(
                condition=Q(notice_given_on__isnull=True)
                | Q(notice_ends_on__gt=F("notice_given_on")),
                name="assignment_notice_ends_after_given",
            ),
        ]
        indexes = [
            models.Index(
                fields=["notice_ends_on"],
                name="assignment_notice_end_idx",
                condition=Q(notice_ends_on__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id}"

    @property
    def police_consulted_in_both(self) -> bool:
        return bool(self.police_consulted_home_on and self.police_consulted_receiving_on)

    @property
    def children_resolved(self) -> bool:
        return not self.children_flag or bool(
            self.children_home_clarification.strip()
            and self.children_receiving_clarification.strip()
        )


class MeasureKind(models.TextChoices):
    """003 § 6: what "normalt ingår i avhopparverksamhet"; nothing else is booked here (housing,
    hemtjänst and försörjningsstöd stay with the hemkommun, § 5)."""

    KRISSTOD = "krisstod", _("Krisstöd")
    SIG_LOTS = "sig_lots", _("Motivationssamtal och praktiskt stöd (SIG-lots)")
    KONTAKTPERSON = "kontaktperson", _("Kontaktperson")
    BOENDESTOD = "boendestod", _("Boendestöd")
    MISSBRUKSBEHANDLING = "missbruksbehandling", _("Missbruksbehandling")
    BUDGET_SKULD = "budget_skuld", _("Budget- och skuldrådgivning")
    OPPENVARD = "oppenvard", _("Öppenvårdsbehandling")
    KSL = "ksl", _("Kriminalitet som livsstil")
    PSYKIATRI = "psykiatri", _("Kontakt med psykiatrin")
    ARBETSINRIKTADE = "arbetsinriktade", _("Arbetsinriktade insatser (KRAMI eller liknande)")


@pghistory.track()
class AssignmentMeasure(models.Model):
    """An insats the mottagande kommun carries out and pays for (§ 8), with its cost."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="avhopp_measures")
    kind = models.CharField(_("insats"), max_length=30, choices=MeasureKind.choices)
    starts_on = models.DateField(_("från och med"))
    ends_on = models.DateField(_("till och med"), null=True, blank=True)
    cost = models.DecimalField(
        _("kostnad (kr)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    cost_date = models.DateField(_("kostnaden bokförd"))
    note = models.CharField(_("kommentar"), max_length=300, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    booked_by_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    booked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("insats")
        verbose_name_plural = _("insatser")
        ordering = ["starts_on", "id"]
        constraints = [
            # The § 6 catalogue and a cost that is never negative, in the database too.
            models.CheckConstraint(
                condition=Q(kind__in=MeasureKind.values), name="measure_kind_in_catalogue"
            ),
            models.CheckConstraint(condition=Q(cost__gte=0), name="measure_cost_not_negative"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="measure_period_in_order",
            ),
        ]
        indexes = [models.Index(fields=["cost_date", "case"], name="measure_cost_date_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.cost_date:%Y-%m-%d}"


@pghistory.track()
class Reconciliation(models.Model):
    """The cost reconciliation of one pair of kommuner for one half-year (003 § 8).

    The pair is ordered (``kommun_a`` has the smaller id) so that one row serves both
    directions. The costs are computed from the measures until the pair settles; settling keeps
    the figures it was settled on, and no cost can be booked into a settled half-year."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="reconciliations"
    )
    kommun_a = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kommun_b = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(_("period från"))
    due_on = models.DateField(_("senast"))
    # The uppdrag whose deadline list carries the reminders (Deadline belongs to a case).
    anchor_case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    settled_at = models.DateTimeField(_("avstämd"), null=True, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    settled_cost_a = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    settled_cost_b = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    settled_note = models.CharField(_("kommentar"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("kostnadsavstämning")
        verbose_name_plural = _("kostnadsavstämningar")
        ordering = ["period_start", "kommun_a", "kommun_b"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "kommun_a", "kommun_b", "period_start"],
                name="reconciliation_one_per_pair_and_period",
            ),
            models.CheckConstraint(
                condition=Q(kommun_a__lt=F("kommun_b")), name="reconciliation_pair_ordered"
            ),
            models.CheckConstraint(
                condition=Q(period_start__day=1, period_start__month__in=[1, 7]),
                name="reconciliation_period_is_half_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kommun_a_id}-{self.kommun_b_id} {self.period.key}"

    @property
    def period(self) -> rules.HalfYear:
        return rules.HalfYear.of(self.period_start)

    @property
    def is_settled(self) -> bool:
        return self.settled_at is not None


# The workflow proxy (transitions on Case) is registered with the models.
from avhopp.workflow import DefectorAssignment  # noqa: E402

__all__ = [
    "Agreement",
    "AgreementNotice",
    "AssignmentDetails",
    "AssignmentMeasure",
    "DefectorAssignment",
    "DisclosureBasis",
    "MeasureKind",
    "NoticeReason",
    "Reconciliation",
]
