"""Fixtures for the ansvarsförbindelse tests: a small world of a kommun (with a parent kommun),
a frivård office, an anstalt and one user per role, with Swedish letters everywhere so that a
lost å, ä or ö shows; and cases walked through the real services."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from ansvarsforbindelse.models import CareProvider
from cases.deadline_rules import term_in_days
from cases.models import CareProcess, Case
from cases.personnummer import parse_identity_number
from cases.roles import OrganisationKind, Role
from cases.services import care
from cases.services.cases import case_create
from cases.services.consent import consent_record
from tests.cases.workflow_helpers import pnr
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

TODAY = date(2026, 11, 2)
PLACEMENT = TODAY - timedelta(days=10)
KV_PAYMENT_END = date(2027, 3, 31)
TRANSFER = date(2027, 4, 1)  # the day after Kriminalvården's payment end
PLANNED_END = date(2027, 9, 30)
CLIENT_FIRST, CLIENT_LAST = "Åsa-Märta", "Öhrström"
COURT, MALNUMMER = "Göteborgs tingsrätt", "B 4711-26"

# A complete draft: what the socialsekreterare types on top of what the case already knows.
FILLED_IN: dict[str, Any] = {
    "diarienummer": "SN Ö 2026/0815",
    "decision_reference": "SN Ö 2026/0790",
    "care_content": "Behandling på behandlingshem, därefter öppenvård i hemkommunen.",
    "cost_per_day": Decimal("2450.50"),
    "cost_covers": "Behandling, boende och kost (helpension).",
    "invoice_address": "Älvstads kommun\nFakturaskanning, Box 1157\n412 63 Älvstad",
    "invoice_reference": "Ärende 5120, Märta Åkesson",
    "delegation": "Enligt delegationsordning punkt 4.2.1",
}


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    """The tests' calendar starts on TODAY at ten in the morning and runs on (a real worker
    needs a running clock)."""
    time_machine.move_to(datetime(2026, 11, 2, 10, 0, tzinfo=ZoneInfo("Europe/Stockholm")))


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    """Archived PDFs in a folder of this test, not in var/files."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    parent = OrganisationFactory(name="Älvstads kommun", kind=OrganisationKind.KOMMUN)
    kommun = OrganisationFactory(
        name="Älvstads kommun, socialnämnden Öster",
        short_name="SN Öster",
        kind=OrganisationKind.KOMMUN,
        parent=parent,
    )
    frivard = OrganisationFactory(
        name="Kriminalvården, frivården Åby",
        short_name="Frivården Åby",
        kind=OrganisationKind.FRIVARD,
    )
    anstalt = OrganisationFactory(
        name="Kriminalvården, anstalten Örby",
        short_name="Anstalten Örby",
        kind=OrganisationKind.ANSTALT,
    )
    other_kommun = OrganisationFactory(name="Socialnämnden Väster", kind=OrganisationKind.KOMMUN)

    def member(org: Any, role: str, first: str, last: str, title: str = "") -> Any:
        user = UserFactory(first_name=first, last_name=last, title=title)
        MembershipFactory(user=user, organisation=org, role=role)
        return user

    users = {
        "soc": member(kommun, Role.SOCIALSEKRETERARE, "Sören", "Ängström"),
        "chef": member(kommun, Role.ENHETSCHEF, "Örjan", "Kärrholm", "Enhetschef"),
        "chef2": member(kommun, Role.ENHETSCHEF, "Britt", "Lövgren"),
        "reg": member(kommun, Role.REGISTRATOR, "Rut", "Registrator"),
        "fi": member(frivard, Role.FRIVARDSINSPEKTOR, "Frida", "Inspektör"),
        "kvi": member(frivard, Role.KRIMINALVARDSINSPEKTOR, "Kim", "Vårdinspektör"),
        "kh": member(anstalt, Role.KLIENTHANDLAGGARE, "Karl", "Handläggare"),
        "other": member(other_kommun, Role.SOCIALSEKRETERARE, "Olle", "Annansson"),
        "other_chef": member(other_kommun, Role.ENHETSCHEF, "Olga", "Annansson"),
    }
    both = CareProvider.objects.create(
        name="Behandlingshemmet Älvgården AB",
        organisation_number="556677-8899",
        procured_by="bada",
        valid_from=date(2026, 1, 1),
        form_of_care="institution",
    )
    return {
        "kommun": kommun,
        "frivard": frivard,
        "anstalt": anstalt,
        "other_kommun": other_kommun,
        "users": users,
        "both": both,
    }


def new_case(world: dict[str, Any], case_type: str, n: int = 1, *, protected: bool = False) -> Case:
    """A case with consent covering both parties (the workflow's first automatic step taken)."""
    owner_key, owner = ("fi", "frivard") if case_type == "kontraktsvard" else ("kh", "anstalt")
    case = case_create(
        actor=world["users"][owner_key],
        organisation=world[owner],
        case_type=case_type,
        identity=parse_identity_number(pnr(n)),
        first_name=CLIENT_FIRST,
        last_name=CLIENT_LAST,
        counterpart=world["kommun"],
        court=COURT if case_type == "kontraktsvard" else "",
        malnummer=MALNUMMER if case_type == "kontraktsvard" else "",
        protected_identity=protected,
    )
    consent_record(
        case_id=case.pk,
        actor=world["users"][owner_key],
        parties=[world[owner], world["kommun"]],
        scope="Samverkan kring vården",
        given_on=TODAY,
        form="muntligt",
        oral_note="Muntligt samtycke vid besök.",
    )
    return Case.objects.get(pk=case.pk)


def decide(world: dict[str, Any], case: Case) -> None:
    u = world["users"]
    care.application_register(case_id=case.pk, actor=u["soc"], received_on=TODAY)
    care.investigation_start(case_id=case.pk, actor=u["soc"])
    care.decision_record(
        case_id=case.pk,
        actor=u["soc"],
        decision="beviljat",
        decision_date=TODAY - timedelta(days=1),
        to_client_on=TODAY,
        to_client_how="brev",
        to_kv_on=TODAY,
        to_kv_how="telefon",
    )


def kontraktsvard_in_enforcement(world: dict[str, Any], n: int = 1, **options: Any) -> Case:
    """A kontraktsvård case with its judgment (9 months' alternative term), the vårdgivare and
    Kriminalvården's payment end registered: everything the commitment takes from the case."""
    case = new_case(world, "kontraktsvard", n, **options)
    u = world["users"]
    decide(world, case)
    care.care_provider_propose(
        case_id=case.pk,
        actor=u["fi"],
        provider=world["both"],
        planned_start=PLACEMENT,
        planned_end=PLANNED_END,
    )
    care.treatment_plan_register(
        case_id=case.pk, actor=u["fi"], plan_date=TODAY, summary="Behandling"
    )
    care.judgment_register(
        case_id=case.pk,
        actor=u["fi"],
        judgment_date=TODAY - timedelta(days=2),
        pafoljd="kontraktsvard",
        alternative_prison_term_days=term_in_days(months=9),
    )
    care.enforcement_start(
        case_id=case.pk, actor=u["fi"], placement_start=PLACEMENT, kv_payment_end=KV_PAYMENT_END
    )
    return Case.objects.get(pk=case.pk)


def vardvistelse_decided(world: dict[str, Any], n: int = 2) -> Case:
    """A vårdvistelse case at the kommun's decision with the VF date known."""
    case = new_case(world, "vardvistelse", n)
    u = world["users"]
    care.application_register(case_id=case.pk, actor=u["soc"], received_on=TODAY)
    care.investigation_start(case_id=case.pk, actor=u["soc"])
    care.care_provider_propose(
        case_id=case.pk,
        actor=u["kh"],
        provider=world["both"],
        planned_start=TODAY,
        planned_end=PLANNED_END,
    )
    care.decision_record(
        case_id=case.pk,
        actor=u["soc"],
        decision="beviljat",
        decision_date=TODAY,
        to_client_on=TODAY,
        to_client_how="brev",
        to_kv_on=TODAY,
        to_kv_how="telefon",
    )
    # The VF date is Kriminalvården's master data; here it is known before the placement.
    CareProcess.objects.filter(case=case).update(conditional_release_date=TRANSFER)
    return Case.objects.get(pk=case.pk)
