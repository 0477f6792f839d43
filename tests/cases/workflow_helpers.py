"""Helpers for the workflow tests: a case walked through the real services."""

from __future__ import annotations

from datetime import date, timedelta

from cases.deadline_rules import term_in_days
from cases.models import Case
from cases.personnummer import luhn_check_digit, parse_identity_number
from cases.services import care
from cases.services.cases import case_create
from cases.services.consent import consent_record

TODAY = date(2026, 11, 2)


def pnr(n: int) -> str:
    core = f"850101{n:03d}"
    return f"19{core}{luhn_check_digit(core)}"


def make_case(world: dict, case_type: str, n: int = 1, *, consent: bool = True) -> Case:
    owner_key, owner = ("fi", "frivard") if case_type == "kontraktsvard" else ("kh", "anstalt")
    case = case_create(
        actor=world["users"][owner_key],
        organisation=world[owner],
        case_type=case_type,
        identity=parse_identity_number(pnr(n)),
        first_name="Test",
        last_name="Person",
        counterpart=world["kommun"],
    )
    if consent:
        consent_record(
            case_id=case.pk,
            actor=world["users"][owner_key],
            parties=[world[owner], world["kommun"]],
            scope="Samverkan",
            given_on=TODAY,
            form="muntligt",
            oral_note="Muntligt samtycke vid besök.",
        )
    return Case.objects.get(pk=case.pk)


def walk_kontraktsvard_to_enforcement(world: dict, case: Case) -> None:
    u = world["users"]
    care.application_register(case_id=case.pk, actor=u["soc"], received_on=TODAY)
    care.investigation_start(case_id=case.pk, actor=u["soc"])
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
    care.care_provider_propose(
        case_id=case.pk,
        actor=u["fi"],
        provider=world["both"],
        planned_start=TODAY,
        planned_end=TODAY + timedelta(days=180),
    )
    care.treatment_plan_register(
        case_id=case.pk, actor=u["fi"], plan_date=TODAY, summary="Behandling"
    )
    care.judgment_register(
        case_id=case.pk,
        actor=u["fi"],
        judgment_date=TODAY,
        pafoljd="kontraktsvard",
        alternative_prison_term_days=term_in_days(months=9),
    )
    care.enforcement_start(
        case_id=case.pk,
        actor=u["fi"],
        placement_start=TODAY,
        kv_payment_end=TODAY + timedelta(days=180),
    )
