"""The vårdgivare register (DOMAIN.md §4, 000 "Val av vårdgivare").

The guideline chooses a vårdgivare by who procured it: first one procured by both authorities,
otherwise one procured by the authority responsible for the larger part of the care time. The
register therefore records, per vårdgivare, who procured it and for which period the agreement
holds; the rule itself is in ``ansvarsforbindelse.choice``.
"""

from __future__ import annotations

import functools
import operator
from datetime import date, datetime
from typing import Any

import pghistory
import pgtrigger
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from ansvarsforbindelse import permissions
from ansvarsforbindelse.orgnummer import (
    is_valid_organisation_number,
    parse_organisation_number,
    validate_organisation_number,
)


class ProcuredBy(models.TextChoices):
    """Which authority's procurement (framework agreement) covers the vårdgivare."""

    KRIMINALVARDEN = "kriminalvarden", _("Kriminalvården")
    KOMMUN = "kommun", _("Kommunen")
    BADA = "bada", _("Båda myndigheterna")


class FormOfCare(models.TextChoices):
    INSTITUTION = "institution", _("Institutionsvård (HVB)")
    OPPENVARD = "oppenvard", _("Öppenvård")
    FAMILJEHEM = "familjehem", _("Familjehem")
    STODBOENDE = "stodboende", _("Stödboende")


class CareProviderQuerySet(models.QuerySet["CareProvider"]):
    def valid_on(self, day: date) -> CareProviderQuerySet:
        """Providers that may be used on ``day``: active, and ``day`` within the agreement
        period (both ends inclusive; no ``valid_to`` means open-ended).

        ``is_active`` is part of validity: it is how the register switches off a provider
        before its agreement ends (e.g. an agreement terminated early)."""
        return self.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day), is_active=True, valid_from__lte=day
        )

    def valid_throughout(self, start: date, end: date) -> CareProviderQuerySet:
        """Providers whose agreement covers every day from ``start`` to ``end`` inclusive: the
        condition of 000 "Val av vårdgivare" that the provider can be used for the whole
        planned care period (mirrors ``CareProvider.is_valid_throughout``)."""
        return self.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=end), is_active=True, valid_from__lte=start
        )


class CareProvider(models.Model):
    """A vårdgivare in the register: who procured it, for which period and what form of care.

    One row per organisationsnummer: the ansvarsförbindelse names the provider by name and
    organisationsnummer (DOMAIN.md §5), so the number identifies it."""

    name = models.CharField(_("namn"), max_length=200)
    organisation_number = models.CharField(
        _("organisationsnummer"),
        max_length=11,
        unique=True,
        validators=[validate_organisation_number],
        help_text=_("Tio siffror, till exempel 556677-8899."),
    )
    procured_by = models.CharField(_("upphandlad av"), max_length=20, choices=ProcuredBy.choices)
    valid_from = models.DateField(_("avtalet gäller från"))
    valid_to = models.DateField(
        _("avtalet gäller till"),
        null=True,
        blank=True,
        help_text=_("Lämna tomt om avtalet gäller tills vidare."),
    )
    form_of_care = models.CharField(_("vårdform"), max_length=20, choices=FormOfCare.choices)
    address = models.TextField(_("adress"), blank=True)
    is_active = models.BooleanField(
        _("aktiv"),
        default=True,
        help_text=_("Avmarkera när vårdgivaren inte längre ska rekommenderas."),
    )

    objects = CareProviderQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("vårdgivare")
        verbose_name_plural = _("vårdgivare")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="care_provider_valid_period",
            ),
            # Only the canonical form is stored, so the unique constraint cannot be dodged by
            # writing the same number with and without its hyphen.
            models.CheckConstraint(
                condition=Q(organisation_number__regex=r"^[0-9]{6}-[0-9]{4}$"),
                name="care_provider_orgnr_canonical",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # Store the canonical NNNNNN-NNNN whatever form was typed. An invalid number has already
        # been reported by clean_fields (the field validator) and is left as typed.
        if is_valid_organisation_number(self.organisation_number):
            self.organisation_number = parse_organisation_number(self.organisation_number)
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError(
                {
                    "valid_to": ValidationError(
                        _("Avtalets slutdatum kan inte ligga före startdatumet."),
                        code="valid_period",
                    )
                }
            )

    def is_valid_on(self, day: date) -> bool:
        """Python twin of ``CareProviderQuerySet.valid_on``."""
        return (
            self.is_active
            and self.valid_from <= day
            and (self.valid_to is None or self.valid_to >= day)
        )

    def is_valid_throughout(self, start: date, end: date) -> bool:
        """Python twin of ``CareProviderQuerySet.valid_throughout``."""
        return (
            self.is_active
            and self.valid_from <= start
            and (self.valid_to is None or self.valid_to >= end)
        )


# --- The ansvarsförbindelse (DOMAIN.md §5) -------------------------------------------------------


class CommitmentState(models.TextChoices):
    UTKAST = "utkast", _("Utkast")
    UNDERTECKNAD = "undertecknad", _("Undertecknad")
    SKICKAD = "skickad", _("Skickad")
    UPPHORD = "upphord", _("Upphörd")
    ERSATT = "ersatt", _("Ersatt av ny version")


# A signed commitment binds the kommun until it is ended or replaced.
IN_FORCE_STATES = (CommitmentState.UNDERTECKNAD, CommitmentState.SKICKAD)
SIGNED_STATES = (*IN_FORCE_STATES, CommitmentState.UPPHORD, CommitmentState.ERSATT)


class PaymentEndKind(models.TextChoices):
    TILL_OCH_MED = "till_och_med", _("Gäller till och med")
    OMPROVNING = "omprovning", _("Omprövas senast")


# The guideline's grounds for ending the commitment (DOMAIN.md §5), one per line; the kommun
# may adjust the wording per case.
ENDING_CONDITIONS = {
    "kontraktsvard": (
        "Behandlingen avbryts eller avslutas i förtid.\n"
        "Domen ändras eller upphävs.\n"
        "Klienten flyttar från kommunen.\n"
        "Behandlingsplanen revideras så att insatsen ändras."
    ),
    "vardvistelse": (
        "Behandlingen avbryts eller avslutas i förtid.\n"
        "Vårdvistelsen upphävs eller verkställigheten ändras.\n"
        "Klienten flyttar från kommunen.\n"
        "Planen för vården revideras så att insatsen ändras."
    ),
}

# What a signature fixes: once signed, none of these may change, in the application or in the
# database (the trigger below). State, sending and ending are recorded afterwards.
CONTENT_FIELDS = (
    "case",
    "version",
    "replaces",
    "issuing_organisation",
    "diarienummer",
    "decision_reference",
    "decision_date",
    "recipient",
    "court",
    "malnummer",
    "judgment_date",
    "alternative_prison_term_days",
    "care_provider",
    "form_of_care",
    "care_content",
    "cost_per_day",
    "cost_covers",
    "payment_start",
    "payment_end",
    "payment_end_kind",
    "ending_conditions",
    "invoice_address",
    "invoice_reference",
    "decision_maker",
    "delegation",
    "signed_at",
    "signed_by",
)


def _any_change(*fields: str) -> pgtrigger.Q:
    """OLD.f IS DISTINCT FROM NEW.f for any of ``fields``, combinable with other conditions
    (``pgtrigger.AnyChange`` cannot be and-ed with a ``Q``)."""
    return functools.reduce(
        operator.or_,
        [pgtrigger.Q(**{f"old__{name}__df": pgtrigger.F(f"new__{name}")}) for name in fields],
    )


def _pdf_path(instance: Ansvarsforbindelse, filename: str) -> str:
    # Under MEDIA_ROOT, which is outside the web root and served only through the
    # permission-checked view. No personal data in the path.
    return f"ansvarsforbindelser/{instance.case_id}/{filename}"


class AnsvarsforbindelseQuerySet(models.QuerySet["Ansvarsforbindelse"]):
    def in_force(self) -> AnsvarsforbindelseQuerySet:
        return self.filter(state__in=IN_FORCE_STATES)


@pghistory.track()
class Ansvarsforbindelse(ConcurrentTransitionMixin, models.Model):
    """The kommun's commitment to take over the payment for the treatment that started under
    Kriminalvården's responsibility (000 "Ansvarsförbindelse"; DOMAIN.md §5).

    The client's name and personnummer are not stored here: every rendering takes them from the
    client and masks them per viewer (DOMAIN.md §2). The signed PDF, rendered for the issuing
    kommun, is the archived original and freezes them. The judgment facts are copied from the
    case while the commitment is a draft and frozen by the signature.

    A change after signing is a new version (``replaces``); the old version stays readable and
    becomes ``ersatt`` when the new one is signed."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("ärende"), on_delete=models.PROTECT, related_name="commitments"
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("ersätter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    state = FSMField(
        _("status"),
        max_length=20,
        choices=CommitmentState.choices,
        default=CommitmentState.UTKAST,
        protected=True,
    )

    # Utfärdande nämnd
    issuing_organisation = models.ForeignKey(
        "cases.Organisation",
        verbose_name=_("utfärdande nämnd"),
        on_delete=models.PROTECT,
        related_name="issued_commitments",
        limit_choices_to={"kind": "kommun"},
    )
    diarienummer = models.CharField(_("diarienummer"), max_length=40, blank=True)
    decision_reference = models.CharField(_("beslutets diarienummer"), max_length=40, blank=True)
    decision_date = models.DateField(_("beslutsdatum"), null=True, blank=True)
    # Mottagare: the frivård office or anstalt of the case.
    recipient = models.ForeignKey(
        "cases.Organisation",
        verbose_name=_("mottagare"),
        on_delete=models.PROTECT,
        related_name="received_commitments",
    )
    # Dom (kontraktsvård), from the case.
    court = models.CharField(_("domstol"), max_length=100, blank=True)
    malnummer = models.CharField(_("målnummer"), max_length=40, blank=True)
    judgment_date = models.DateField(_("domsdatum"), null=True, blank=True)
    alternative_prison_term_days = models.PositiveIntegerField(
        _("alternativt fängelsestraff (dagar)"), null=True, blank=True
    )
    # Vårdgivare
    care_provider = models.ForeignKey(
        CareProvider,
        verbose_name=_("vårdgivare"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    form_of_care = models.CharField(
        _("vårdform"), max_length=20, choices=FormOfCare.choices, blank=True
    )
    care_content = models.TextField(_("insatsens innehåll"), blank=True)
    # Kostnad
    cost_per_day = models.DecimalField(
        _("kostnad per dygn (kr)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    cost_covers = models.TextField(_("kostnaden omfattar"), blank=True)
    # Betalningsansvar
    payment_start = models.DateField(
        _("kommunens betalningsansvar från och med"), null=True, blank=True
    )
    payment_end = models.DateField(_("slut- eller omprövningsdatum"), null=True, blank=True)
    payment_end_kind = models.CharField(
        _("typ av datum"),
        max_length=20,
        choices=PaymentEndKind.choices,
        default=PaymentEndKind.TILL_OCH_MED,
    )
    ending_conditions = models.TextField(_("villkor för upphörande"), blank=True)
    # Fakturering
    invoice_address = models.TextField(_("fakturaadress"), blank=True)
    invoice_reference = models.CharField(_("fakturareferens"), max_length=100, blank=True)
    # Beslut och underskrift
    decision_maker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("beslutsfattare"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    delegation = models.CharField(_("delegation"), max_length=200, blank=True)
    signed_at = models.DateTimeField(_("undertecknad"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("undertecknad av"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("skickad"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("skickad av"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_to = models.ForeignKey(
        "cases.Organisation",
        verbose_name=_("skickad till"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ended_at = models.DateTimeField(_("upphörde"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("upphörd av"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    end_reason = models.TextField(_("skäl till upphörande"), blank=True)
    # The archived original (PDF/A-3b) and its SHA-256, written once by the render task.
    pdf = models.FileField(_("arkiverad PDF"), upload_to=_pdf_path, blank=True, max_length=200)
    pdf_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("senast ändrad"), auto_now=True)

    objects = AnsvarsforbindelseQuerySet.as_manager()

    class Meta:
        ordering = ["case", "-version"]
        verbose_name = _("ansvarsförbindelse")
        verbose_name_plural = _("ansvarsförbindelser")
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="commitment_version_unique"),
            # One version in force per case; ending or replacing it frees the place. A new
            # version is prepared as a draft beside it (at most one draft per case) and takes
            # the place when it is signed, in the same transaction that marks the old one ersatt.
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(state__in=IN_FORCE_STATES),
                name="commitment_one_in_force_per_case",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(state=CommitmentState.UTKAST),
                name="commitment_one_draft_per_case",
            ),
            models.CheckConstraint(
                condition=Q(cost_per_day__isnull=True) | Q(cost_per_day__gt=0),
                name="commitment_cost_positive",
            ),
            models.CheckConstraint(
                condition=Q(payment_start__isnull=True)
                | Q(payment_end__isnull=True)
                | Q(payment_end__gt=F("payment_start")),
                name="commitment_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(state=CommitmentState.UTKAST)
                | Q(signed_at__isnull=False, signed_by__isnull=False),
                name="commitment_signed_has_signature",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="commitment_version_positive"),
        ]
        triggers = [
            # The signed text is evidence: not even a shell session may rewrite it.
            pgtrigger.Protect(
                name="signed_content_immutable",
                operation=pgtrigger.Update,
                condition=pgtrigger.Q(old__state__in=list(SIGNED_STATES))
                & _any_change(*CONTENT_FIELDS),
            ),
            # The archived PDF is written once.
            pgtrigger.Protect(
                name="archived_pdf_immutable",
                operation=pgtrigger.Update,
                condition=~pgtrigger.Q(old__pdf_sha256="") & _any_change("pdf", "pdf_sha256"),
            ),
            pgtrigger.Protect(name="never_deleted", operation=pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"Ansvarsförbindelse {self.case_id} v{self.version}"

    @property
    def is_draft(self) -> bool:
        return self.state == CommitmentState.UTKAST

    @property
    def is_signed(self) -> bool:
        return self.state in SIGNED_STATES

    @property
    def is_in_force(self) -> bool:
        return self.state in IN_FORCE_STATES

    # --- Transitions (the services call them after their own checks) ---------------------------

    @transition(
        field=state,
        source=CommitmentState.UTKAST,
        target=CommitmentState.UNDERTECKNAD,
        permission=permissions.may_sign,
    )
    def sign(self, *, by: Any, at: datetime, delegation: str) -> None:
        self.signed_by = by
        self.signed_at = at
        self.decision_maker = by
        self.delegation = delegation

    @transition(
        field=state,
        source=CommitmentState.UNDERTECKNAD,
        target=CommitmentState.SKICKAD,
        permission=permissions.may_prepare,
    )
    def send(self, *, by: Any, at: datetime, to: Any) -> None:
        self.sent_by = by
        self.sent_at = at
        self.sent_to = to

    @transition(
        field=state,
        source=list(IN_FORCE_STATES),
        target=CommitmentState.UPPHORD,
        permission=permissions.may_prepare,
    )
    def end(self, *, by: Any, at: datetime, reason: str) -> None:
        self.ended_by = by
        self.ended_at = at
        self.end_reason = reason

    @transition(
        field=state,
        source=list(IN_FORCE_STATES),
        target=CommitmentState.ERSATT,
        permission=permissions.system_only,
    )
    def replace(self, *, at: datetime) -> None:
        """Taken when the next version is signed; the end of this one is that moment."""
        self.ended_at = at
