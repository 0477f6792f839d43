"""Demo cases in every state of the kontraktsvård and vårdvistelse workflows, walked there
through the real services (so their timelines, deadlines and guards are what users will see).
Invented people; idempotent (a client that already has a case is skipped)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import User
from ansvarsforbindelse.models import CareProvider
from cases.demo_data import FIRST_NAMES, LAST_NAMES
from cases.models import Case, Client, Organisation
from cases.personnummer import luhn_check_digit, parse_identity_number
from cases.services import care
from cases.services.cases import case_create
from cases.services.consent import consent_record
from cases.states import STATES_BY_TYPE, State

# (case type, the actor who opens it, the kommun that takes part)
OWNERS = {
    "kontraktsvard": ("fi.frivard-gbg", "frivard-gbg"),
    "vardvistelse": ("kh.radanefors", "radanefors"),
}
KOMMUNER = ("nordost", "centrum", "sydvast", "hisingen", "molndal", "partille", "kungsbacka")


def _user(username: str) -> User:
    return get_user_model().objects.get(username=username)


def _steps(
    case_type: str, case_id: int, soc: object, kv: object, today: date
) -> list[Callable[[], object]]:
    """The steps in the order of the guideline, each by the role that takes it."""
    provider = CareProvider.objects.filter(procured_by="bada").order_by("name").first()
    start = today - timedelta(days=200)
    decision = {
        "decision": "beviljat",
        "decision_date": today - timedelta(days=210),
        "to_client_on": today - timedelta(days=209),
        "to_client_how": "brev",
        "to_kv_on": today - timedelta(days=210),
        "to_kv_how": "telefon",
    }
    propose = lambda: care.care_provider_propose(  # noqa: E731
        case_id=case_id,
        actor=kv,
        provider=provider,
        planned_start=start,
        planned_end=start + timedelta(days=365),
    )
    common = [
        lambda: care.application_register(
            case_id=case_id, actor=soc, received_on=today - timedelta(days=220)
        ),
        lambda: care.investigation_start(case_id=case_id, actor=soc),
    ]
    if case_type == "kontraktsvard":
        return [
            *common,
            lambda: care.decision_record(case_id=case_id, actor=soc, **decision),
            propose,
            lambda: care.treatment_plan_register(
                case_id=case_id,
                actor=kv,
                plan_date=today - timedelta(days=205),
                summary="Behandling av beroende på behandlingshem, därefter öppenvård.",
            ),
            lambda: care.judgment_register(
                case_id=case_id,
                actor=kv,
                judgment_date=today - timedelta(days=201),
                pafoljd="kontraktsvard",
                alternative_prison_term_days=270,
            ),
            lambda: care.enforcement_start(
                case_id=case_id,
                actor=kv,
                placement_start=start,
                kv_payment_end=today - timedelta(days=20),
            ),
            lambda: care.responsibility_transfer(case_id=case_id),
            lambda: care.case_close(
                case_id=case_id, actor=soc, end_reason="Behandlingen fullföljd."
            ),
        ]
    return [
        *common,
        propose,
        lambda: care.decision_record(case_id=case_id, actor=soc, **decision),
        lambda: care.commitment_send(
            case_id=case_id,
            actor=soc,
            signed_on=today - timedelta(days=205),
            sent_on=today - timedelta(days=204),
        ),
        lambda: care.placement_start_record(
            case_id=case_id,
            actor=kv,
            placement_start=start,
            conditional_release_date=today - timedelta(days=10),
        ),
        lambda: care.responsibility_transfer(case_id=case_id),
        lambda: care.case_close(
            case_id=case_id, actor=soc, end_reason="Vården avslutad enligt plan."
        ),
    ]


def seed_workflow_cases(organisations: dict[str, Organisation]) -> None:
    today = timezone.localdate()
    number = 0
    for case_type in ("kontraktsvard", "vardvistelse"):
        owner_username, owner_slug = OWNERS[case_type]
        kv = _user(owner_username)
        for position, target in enumerate(STATES_BY_TYPE[case_type]):
            number += 1
            core = f"{70 + number % 25:02d}{1 + number % 12:02d}{10 + number % 18:02d}9{number:02d}"
            identity = parse_identity_number(f"19{core}{luhn_check_digit(core)}")
            existing = Client.objects.filter(id_number=identity.value).first()
            if existing is not None and Case.objects.filter(client=existing).exists():
                continue
            kommun_slug = KOMMUNER[number % len(KOMMUNER)]
            soc = _user(f"soc.{kommun_slug}")
            case = case_create(
                actor=kv,
                organisation=organisations[owner_slug],
                case_type=case_type,
                identity=identity,
                first_name=FIRST_NAMES[number % len(FIRST_NAMES)],
                last_name=LAST_NAMES[(number * 3) % len(LAST_NAMES)],
                counterpart=organisations[kommun_slug],
                court="Göteborgs tingsrätt" if case_type == "kontraktsvard" else "",
                malnummer=f"B {7000 + number}-26" if case_type == "kontraktsvard" else "",
            )
            if target == State.AVBRUTEN:
                care.case_abort(
                    case_id=case.pk,
                    actor=kv,
                    end_reason="Klienten tackade nej till fortsatt planering.",
                )
                continue
            if target == STATES_BY_TYPE[case_type][0]:
                continue  # the first state: waiting for consent
            consent_record(
                case_id=case.pk,
                actor=kv,
                parties=[organisations[owner_slug], organisations[kommun_slug]],
                scope="Informationsutbyte inför och under vården.",
                given_on=today - timedelta(days=230),
                form="muntligt",
                oral_note="Muntligt samtycke vid möte, uppläst och bekräftat.",
            )
            if case_type == "kontraktsvard" and position <= 4:
                care.presentence_request_record(
                    case_id=case.pk,
                    actor=kv,
                    request_date=today - timedelta(days=3 + position),
                    haktad=True,
                    yttrande_date=None,
                )
            for step in _steps(case_type, case.pk, soc, kv, today):
                if Case.objects.get(pk=case.pk).state == target:
                    break
                step()
