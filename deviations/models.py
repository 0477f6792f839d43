"""Avvikelser (DOMAIN.md §4): deviations reported by people, and routine deviations the
system detects itself.

000: "Vid avvikelser från behandlingsplan eller genomförandeplan ansvarar båda parter, oavsett
huvudansvar, för att skyndsamt informera och involvera den andre parten." The case therefore
records when the other party was informed and by whom; "Enhetschef ... respektive
kriminalvårdsinspektör hanterar och ansvarar för att avvikelser från rutinen åtgärdas": the
detected deviations are theirs to follow up on the dashboard."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DeviationKind(models.TextChoices):
    BEHANDLING_AVBRUTEN = "behandling_avbruten", _("Behandling avbruten")
    ATERFALL = "aterfall", _("Återfall")
    AVVIKIT = "avvikit", _("Avvikit från behandlingshem")
    NYTT_BROTT = "nytt_brott", _("Nytt brott")
    BYTE_AV_VARDGIVARE = "byte_av_vardgivare", _("Behov av byte av vårdgivare")
    ANNAT = "annat", _("Annat")


class Severity(models.TextChoices):
    LAG = "lag", _("Låg")
    MEDEL = "medel", _("Medel")
    HOG = "hog", _("Hög")


class DeviationStatus(models.TextChoices):
    OPEN = "oppen", _("Öppen")
    ADDRESSED = "atgardad", _("Åtgärdad")
    CLOSED = "stangd", _("Stängd")


class InformedHow(models.TextChoices):
    NOTIS = "notis", _("Notis i Brygga")
    TELEFON = "telefon", _("Telefon")
    MOTE = "mote", _("Möte")
    ANNAT = "annat", _("Annat sätt")


class Outcome(models.TextChoices):
    """What became of the deviation: countable, for the follow-up of the guideline."""

    VARDEN_FORTSATTER = "varden_fortsatter", _("Vården fortsätter enligt plan")
    PLANEN_JUSTERAD = "planen_justerad", _("Planen justerad")
    NY_VARDGIVARE = "ny_vardgivare", _("Byte av vårdgivare")
    VARDEN_AVBRUTEN = "varden_avbruten", _("Vården avbruten")
    ANMALAN_TILL_DOMSTOL = "anmalan", _("Anmälan/underrättelse till domstol eller åklagare")
    ANNAT = "annat", _("Annat")


OPEN_STATUSES = (DeviationStatus.OPEN, DeviationStatus.ADDRESSED)


class Deviation(models.Model):
    """A deviation from the behandlingsplan or genomförandeplan, reported by either party."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="deviations")
    kind = models.CharField(_("typ av avvikelse"), max_length=30, choices=DeviationKind.choices)
    severity = models.CharField(_("allvarlighetsgrad"), max_length=10, choices=Severity.choices)
    occurred_on = models.DateField(_("datum för avvikelsen"))
    # Free text: may hold personal data, so it is shown only to parties with shared access
    # and never exported.
    description = models.TextField(_("beskrivning"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "cases.Organisation",
        verbose_name=_("rapporterande organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("rapporterad"), auto_now_add=True)
    other_party_informed_at = models.DateTimeField(
        _("andra parten informerad"), null=True, blank=True
    )
    informed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    informed_how = models.CharField(
        _("hur andra parten informerades"), max_length=10, choices=InformedHow.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DeviationStatus.choices, default=DeviationStatus.OPEN
    )
    outcome_kind = models.CharField(_("utfall"), max_length=20, choices=Outcome.choices, blank=True)
    outcome = models.TextField(_("utfall och fortsatt hantering"), blank=True)
    closed_at = models.DateTimeField(_("stängd"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("avvikelse")
        verbose_name_plural = _("avvikelser")
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["case", "-reported_at"], name="deviation_case_idx"),
            models.Index(
                fields=["reported_at"],
                name="deviation_uninformed_idx",
                condition=Q(other_party_informed_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="stangd") | Q(closed_at__isnull=False),
                name="deviation_closed_has_time",
            ),
            models.CheckConstraint(
                condition=Q(other_party_informed_at__isnull=True) | Q(informed_by__isnull=False),
                name="deviation_informed_has_who",
            ),
        ]

    def __str__(self) -> str:
        return f"Avvikelse {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class DeviationAction(models.Model):
    """A follow-up action on a deviation, with a responsible person and a due date (kept as a
    Deadline of kind ``ovrigt`` so reminders and the dashboard see it)."""

    deviation = models.ForeignKey(Deviation, on_delete=models.PROTECT, related_name="actions")
    number = models.PositiveSmallIntegerField()
    description = models.CharField(_("åtgärd"), max_length=500)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ansvarig"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_date = models.DateField(_("klart senast"))
    deadline = models.ForeignKey(
        "cases.Deadline", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(_("klar"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("åtgärd")
        verbose_name_plural = _("åtgärder")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["deviation", "number"], name="deviation_action_number")
        ]

    def __str__(self) -> str:
        return f"Åtgärd {self.deviation_id}-{self.number}"

    @property
    def deadline_key(self) -> str:
        return f"deviation-{self.deviation_id}-{self.number}"


class RoutineDeviation(models.Model):
    """A deviation from the routine that the detection found (``deviations.rules``).

    At most one unresolved row per case and rule (the partial unique constraint), so any number
    of detection runs store it once. The run resolves it when the condition no longer holds; a
    chef may resolve it by hand with a comment, after which the run does not raise it again
    until the condition has ended once (``condition_ended_at``)."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="routine_deviations"
    )
    rule = models.CharField(_("regel"), max_length=40)
    detected_at = models.DateTimeField(_("upptäckt"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("åtgärdad"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution = models.TextField(_("kommentar"), blank=True)
    condition_ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("avvikelse från rutinen")
        verbose_name_plural = _("avvikelser från rutinen")
        ordering = ["-detected_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "rule"],
                condition=Q(resolved_at__isnull=True),
                name="routine_deviation_one_open",
            )
        ]
        indexes = [
            models.Index(
                fields=["rule", "case"],
                name="routine_deviation_open_idx",
                condition=Q(resolved_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.case_id}"

    @property
    def rule_label(self) -> str:
        from deviations.rules import RULES

        rule = RULES.get(self.rule)
        return str(rule.label) if rule else self.rule
