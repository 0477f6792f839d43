"""A small world for the avhopparuppdrag tests: three kommuner (A with two nämnder, B, C) that
are parties of an agreement in force, and users in each nämnd."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from avhopp import services
from avhopp.models import Agreement, DisclosureBasis, MeasureKind
from avhopp.rules import HalfYear, add_months
from cases.personnummer import parse_identity_number
from cases.roles import OrganisationKind, Role
from tests.factories import MembershipFactory, OrganisationFactory, valid_personnummer


@dataclass
class World:
    agreement: Agreement
    orgs: dict[str, Any]
    users: dict[str, Any]
    counter: list[int]

    def create(self, home: str = "soc_a", receiving: str = "soc_b", **kwargs: Any) -> Any:
        """An uppdrag from ``home``'s nämnd to ``receiving``'s, through the service."""
        self.counter[0] += 1
        home_user, receiving_user = self.users[home], self.users[receiving]
        defaults = {
            "actor": home_user,
            "agreement": self.agreement,
            "home_municipality": home_user.memberships.first().organisation,
            "receiving_municipality": receiving_user.memberships.first().organisation,
            "receiving_handlaggare": receiving_user,
            "identity": parse_identity_number(valid_personnummer(5000 + self.counter[0])),
            "first_name": "Klient",
            "last_name": f"Nummer{self.counter[0]}",
            "disclosure_basis": DisclosureBasis.SAMTYCKE,
            "confirm_over_balance": True,
        }
        defaults.update(kwargs)
        return services.assignment_create(**defaults)

    def walk(self, case: Any, state: str, home: str = "soc_a", receiving: str = "soc_b") -> Any:
        """Take ``case`` through the steps up to ``state`` (samrad/accepterat/genomforande)."""
        h, r = self.users[home], self.users[receiving]
        today = timezone.localdate()
        services.consultation_start(case_id=case.pk, actor=r)
        if state == "samrad":
            return case
        for actor in (h, r):
            services.police_consultation_record(
                case_id=case.pk, actor=actor, consulted_on=today, police_contact="Polisen"
            )
        services.motivation_record(
            case_id=case.pk, actor=h, motivated=True, motivation_note="Motiverad."
        )
        services.description_save(case_id=case.pk, actor=h, uppdragsbeskrivning="Krisstöd.")
        services.assignment_accept(case_id=case.pk, actor=r)
        if state == "accepterat":
            return case
        services.implementation_start(
            case_id=case.pk, actor=r, genomforandeplan="Plan.", started_on=today
        )
        return case

    def book(self, case: Any, cost: str, *, on: Any = None, receiving: str = "soc_b") -> Any:
        day = on or timezone.localdate()
        return services.measure_book(
            case_id=case.pk,
            actor=self.users[receiving],
            kind=MeasureKind.KONTAKTPERSON,
            starts_on=day,
            ends_on=None,
            cost=Decimal(cost),
            cost_date=day,
        )


@pytest.fixture
def world(db: None) -> World:
    kommun = OrganisationKind.KOMMUN
    a = OrganisationFactory(name="Kommun A", short_name="A", kind=kommun)
    a1 = OrganisationFactory(name="Kommun A, nämnd 1", kind=kommun, parent=a)
    a2 = OrganisationFactory(name="Kommun A, nämnd 2", kind=kommun, parent=a)
    b = OrganisationFactory(name="Kommun B", short_name="B", kind=kommun)
    b1 = OrganisationFactory(name="Kommun B, nämnd", kind=kommun, parent=b)
    c = OrganisationFactory(name="Kommun C", short_name="C", kind=kommun)
    c1 = OrganisationFactory(name="Kommun C, nämnd", kind=kommun, parent=c)
    outsider = OrganisationFactory(name="Kommun X", kind=kommun)

    def member(org: Any, role: str = Role.SOCIALSEKRETERARE) -> Any:
        return MembershipFactory(organisation=org, role=role).user

    users = {
        "soc_a": member(a1),
        "colleague_a": member(a1),
        "chef_a": member(a1, Role.ENHETSCHEF),
        "soc_a2": member(a2),
        "soc_b": member(b1),
        "colleague_b": member(b1),
        "chef_b": member(b1, Role.ENHETSCHEF),
        "soc_c": member(c1),
        "chef_c": member(c1, Role.ENHETSCHEF),
        "outsider": member(outsider),
    }
    agreement = Agreement.objects.create(
        name="Avtal om samverkan (test)",
        # A year before the current half-year: the previous half-year lies wholly inside.
        starts_on=add_months(HalfYear.of(timezone.localdate()).starts_on, -12),
    )
    agreement.parties.set([a1, a2, b1, c1])
    orgs = {"a": a, "a1": a1, "a2": a2, "b": b, "b1": b1, "c": c, "c1": c1, "x": outsider}
    return World(agreement=agreement, orgs=orgs, users=users, counter=[0])
