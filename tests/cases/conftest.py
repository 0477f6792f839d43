"""Fixtures shared by the case tests."""

from __future__ import annotations

from datetime import date

import pytest

from ansvarsforbindelse.models import CareProvider
from cases.roles import OrganisationKind, Role
from tests.factories import MembershipFactory, OrganisationFactory


@pytest.fixture
def world(db: None) -> dict:
    kommun = OrganisationFactory(name="SN Test", kind=OrganisationKind.KOMMUN)
    frivard = OrganisationFactory(name="Frivården Test", kind=OrganisationKind.FRIVARD)
    anstalt = OrganisationFactory(name="Anstalten Test", kind=OrganisationKind.ANSTALT)
    other_kommun = OrganisationFactory(name="SN Annan", kind=OrganisationKind.KOMMUN)
    users = {
        "soc": MembershipFactory(organisation=kommun, role=Role.SOCIALSEKRETERARE).user,
        "chef": MembershipFactory(organisation=kommun, role=Role.ENHETSCHEF).user,
        "fi": MembershipFactory(organisation=frivard, role=Role.FRIVARDSINSPEKTOR).user,
        "kh": MembershipFactory(organisation=anstalt, role=Role.KLIENTHANDLAGGARE).user,
        "other": MembershipFactory(organisation=other_kommun, role=Role.SOCIALSEKRETERARE).user,
    }
    both = CareProvider.objects.create(
        name="Båda AB",
        organisation_number="556677-8899",
        procured_by="bada",
        valid_from=date(2026, 1, 1),
        form_of_care="institution",
    )
    kv_only = CareProvider.objects.create(
        name="KV AB",
        organisation_number="559900-0005",
        procured_by="kriminalvarden",
        valid_from=date(2026, 1, 1),
        form_of_care="institution",
    )
    return {
        "kommun": kommun,
        "frivard": frivard,
        "anstalt": anstalt,
        "users": users,
        "both": both,
        "kv_only": kv_only,
    }
