"""The vårdgivare register (DOMAIN.md §4, 000 "Val av vårdgivare").

The guideline chooses a vårdgivare by who procured it: first one procured by both authorities,
otherwise one procured by the authority responsible for the larger part of the care time. The
register therefore records, per vårdgivare, who procured it and for which period the agreement
holds; the rule itself is in ``ansvarsforbindelse.choice``.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

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
