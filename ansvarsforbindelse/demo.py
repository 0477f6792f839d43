"""Demo vårdgivare register and demo commitments. Every provider is invented (the names say
"(exempel)"); the organisationsnummer are valid by form and check digit but made up, and the
addresses are fictitious. Running the seeds again updates the providers (keyed on
organisationsnummer) and leaves existing commitments alone, rather than adding new rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from ansvarsforbindelse.models import Ansvarsforbindelse, CareProvider, FormOfCare, ProcuredBy
from cases.models import Case, Membership
from cases.roles import Role
from cases.states import CLOSED_STATES, STATES_BY_TYPE, State

# The register starts with the guideline (000 is dated 2026-03-20; agreements from 2026-01-01).
DEMO_VALID_FROM = date(2026, 1, 1)


@dataclass(frozen=True)
class DemoProvider:
    name: str
    # Third digit >= 2 and a Luhn check digit (see ansvarsforbindelse.orgnummer); tested in
    # tests/ansvarsforbindelse/test_orgnummer.py.
    organisation_number: str
    procured_by: ProcuredBy
    form_of_care: FormOfCare
    address: str
    valid_to: date | None = None


# Covers every procured_by value and the common forms of care, so that each branch of the
# choice rule (000 "Val av vårdgivare") can be shown: an institution placement finds a provider
# procured by both; an öppenvård placement after 2026 falls back to the larger share; a
# stödboende placement with most days before the transfer finds nothing (a written reason).
DEMO_PROVIDERS: tuple[DemoProvider, ...] = (
    DemoProvider(
        name="Behandlingshemmet Eken AB (exempel)",
        organisation_number="556677-8899",
        procured_by=ProcuredBy.BADA,
        form_of_care=FormOfCare.INSTITUTION,
        address="Ekvägen 12, 443 99 Exempelby",
    ),
    DemoProvider(
        name="Kustvård Öppenvård AB (exempel)",
        organisation_number="556912-3408",
        procured_by=ProcuredBy.BADA,
        form_of_care=FormOfCare.OPPENVARD,
        address="Hamngatan 3, 411 99 Göteborg",
        # Ends with 2026: a placement into 2027 must fall back to rule 2.
        valid_to=date(2026, 12, 31),
    ),
    DemoProvider(
        name="Stiftelsen Fyrbåken HVB (exempel)",
        organisation_number="802012-3454",
        procured_by=ProcuredBy.KRIMINALVARDEN,
        form_of_care=FormOfCare.INSTITUTION,
        address="Fyrvägen 1, 471 99 Exempelö",
    ),
    DemoProvider(
        name="Älvstrandens Öppenvård AB (exempel)",
        organisation_number="559100-7710",
        procured_by=ProcuredBy.KRIMINALVARDEN,
        form_of_care=FormOfCare.OPPENVARD,
        address="Älvgatan 20, 417 99 Göteborg",
    ),
    DemoProvider(
        name="Bergsgårdens Behandlingscenter AB (exempel)",
        organisation_number="556801-4574",
        procured_by=ProcuredBy.KOMMUN,
        form_of_care=FormOfCare.INSTITUTION,
        address="Bergsgården 5, 448 99 Exempelsjö",
    ),
    DemoProvider(
        name="Stödboendet Hamnen AB (exempel)",
        organisation_number="559321-0049",
        procured_by=ProcuredBy.KOMMUN,
        form_of_care=FormOfCare.STODBOENDE,
        address="Kajen 8, 431 99 Mölndal",
    ),
)


def seed_care_providers() -> list[CareProvider]:
    """Create or update the demo providers; returns them in ``DEMO_PROVIDERS`` order."""
    providers = []
    for item in DEMO_PROVIDERS:
        provider, _ = CareProvider.objects.update_or_create(
            organisation_number=item.organisation_number,
            defaults={
                "name": item.name,
                "procured_by": item.procured_by,
                "form_of_care": item.form_of_care,
                "address": item.address,
                "valid_from": DEMO_VALID_FROM,
                "valid_to": item.valid_to,
                "is_active": True,
            },
        )
        providers.append(provider)
    return providers


# --- Demo commitments ---------------------------------------------------------------------------

DEMO_COST_PER_DAY = Decimal("2450.00")
DEMO_DELEGATION = "Enligt socialnämndens delegationsordning punkt 3.2.4"


def _kommun_staff(case: Case) -> tuple[Any, Any]:
    """The socialsekreterare and the enhetschef of the kommun that takes part in the case."""
    kommun = case.participations.filter(organisation__kind="kommun").first()
    if kommun is None:
        return None, None
    in_force = Membership.objects.in_force().filter(organisation_id=kommun.organisation_id)
    soc = in_force.filter(role=Role.SOCIALSEKRETERARE).order_by("pk").first()
    chef = in_force.filter(role=Role.ENHETSCHEF).order_by("pk").first()
    return (soc.user if soc else None), (chef.user if chef else None)


def _demo_fields(case: Case, issuer_name: str) -> dict[str, Any]:
    year = timezone.localdate().year
    return {
        "diarienummer": f"IFO {year}-{case.pk:04d}",
        "decision_reference": f"IFO {year}-{case.pk:04d}-B",
        "care_content": "Behandling av beroende på behandlingshem enligt behandlingsplanen, "
        "därefter öppenvård.",
        "cost_per_day": DEMO_COST_PER_DAY,
        "cost_covers": "Behandling, boende och kost. Resor och läkemedel ingår inte.",
        "invoice_address": f"{issuer_name}\nFakturaservice\nBox 1000\n405 30 Göteborg",
        "invoice_reference": f"Ansvar 5120, {case.reference}",
        "delegation": DEMO_DELEGATION,
    }


def seed_commitments() -> list[Ansvarsforbindelse]:
    """For the demo cases past the kommun's decision that have a chosen vårdgivare and a
    transfer date: per case type, one commitment signed and sent (its archived PDF/A rendered
    here, synchronously) and one draft ready for the enhetschef. Idempotent: a case that already
    has a commitment is left alone. Returns the commitments created by this run."""
    from ansvarsforbindelse import services

    created: list[Ansvarsforbindelse] = []
    for case_type in ("kontraktsvard", "vardvistelse"):
        order = STATES_BY_TYPE[case_type]
        candidates = (
            Case.objects.filter(case_type=case_type, care__decision="beviljat")
            .exclude(state__in=CLOSED_STATES)
            .select_related("care")
            .order_by("pk")
        )
        eligible = [
            case
            for case in candidates
            if order.index(case.state) >= order.index(State.BESLUTAT)
            and case.care.transfer_date is not None
            and case.care_provider_choices.filter(replaced_at__isnull=True).exists()
        ]
        for case, signed in zip(eligible, (True, False), strict=False):
            if case.commitments.exists():
                continue
            soc, chef = _kommun_staff(case)
            if soc is None or chef is None:
                continue
            kommun = case.participations.get(organisation__kind="kommun").organisation
            with transaction.atomic():
                commitment = services.commitment_create_draft(
                    case_id=case.pk, actor=soc, **_demo_fields(case, kommun.name)
                )
                if signed:
                    services.commitment_sign(
                        commitment_id=commitment.pk, actor=chef, delegation=DEMO_DELEGATION
                    )
                    services.commitment_archive_pdf(commitment_id=commitment.pk)
                    services.commitment_send(commitment_id=commitment.pk, actor=soc)
            created.append(commitment)
    return created
