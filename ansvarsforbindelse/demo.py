"""Demo vårdgivare register. Every provider is invented (the names say "(exempel)"); the
organisationsnummer are valid by form and check digit but made up, and the addresses are
fictitious. Running the seed again updates the rows (keyed on organisationsnummer) rather than
adding new ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ansvarsforbindelse.models import CareProvider, FormOfCare, ProcuredBy

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
