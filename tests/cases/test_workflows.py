"""Kontraktsvård and vårdvistelse: every transition, its role and organisation, its guards,
the 14-day default and its extensions, the preliminary date, and the automatic transfer."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from cases.deadline_rules import preliminary_payment_end, term_in_days, yttrande_due
from cases.models import AuditEvent, Case, Consent, Deadline, DeadlineChange, Notification
from cases.services import care
from cases.services.consent import consent_withdraw
from cases.states import State
from cases.tasks_care import transfer_responsibilities
from tests.cases.workflow_helpers import TODAY, make_case, walk_kontraktsvard_to_enforcement


def _state(case: Case) -> str:
    return Case.objects.get(pk=case.pk).state


@time_machine.travel(TODAY, tick=False)
def test_kontraktsvard_walks_from_request_to_closed_with_each_step_audited(world) -> None:
    case = make_case(world, "kontraktsvard")
    assert _state(case) == State.SAMTYCKE  # automatic once consent covers both parties
    walk_kontraktsvard_to_enforcement(world, case)
    assert _state(case) == State.KV_BETALNINGSANSVAR
    with time_machine.travel(TODAY + timedelta(days=181), tick=False):
        assert transfer_responsibilities() == 1
        assert transfer_responsibilities() == 0  # idempotent
    assert _state(case) == State.KOMMUN_BETALNINGSANSVAR
    care.case_close(case_id=case.pk, actor=world["users"]["soc"], end_reason="Fullföljd behandling")
    assert _state(case) == State.AVSLUTAD
    targets = list(
        AuditEvent.objects.filter(case=case, kind="transition")
        .order_by("id")
        .values_list("data__target", flat=True)
    )
    assert targets == [
        "samtycke",
        "ansokan",
        "utredning",
        "beslutat",
        "vardgivare_foreslagen",
        "behandlingsplan",
        "dom",
        "kv_betalningsansvar",
        "kommun_betalningsansvar",
        "avslutad",
    ]
    transfer_event = AuditEvent.objects.get(case=case, data__target="kommun_betalningsansvar")
    assert transfer_event.actor is None  # taken by the scheduler, not a person


@time_machine.travel(TODAY, tick=False)
def test_vardvistelse_walks_from_aktualiserad_to_closed(world) -> None:
    case = make_case(world, "vardvistelse")
    u = world["users"]
    assert _state(case) == State.SAMTYCKE
    care.application_register(case_id=case.pk, actor=u["soc"], received_on=TODAY)
    care.investigation_start(case_id=case.pk, actor=u["soc"])
    care.care_provider_propose(
        case_id=case.pk,
        actor=u["kh"],
        provider=world["both"],
        planned_start=TODAY,
        planned_end=TODAY + timedelta(days=90),
    )
    care.decision_record(
        case_id=case.pk,
        actor=u["chef"],
        decision="beviljat",
        decision_date=TODAY,
        to_client_on=None,
        to_client_how="",
        to_kv_on=None,
        to_kv_how="",
    )
    care.commitment_send(case_id=case.pk, actor=u["soc"], signed_on=TODAY, sent_on=TODAY)
    care.placement_start_record(
        case_id=case.pk,
        actor=u["kh"],
        placement_start=TODAY,
        conditional_release_date=TODAY + timedelta(days=30),
    )
    assert _state(case) == State.PLACERING
    with time_machine.travel(TODAY + timedelta(days=29), tick=False):
        assert transfer_responsibilities() == 0  # the day before VF: still Kriminalvården's
    with time_machine.travel(TODAY + timedelta(days=30), tick=False):
        assert transfer_responsibilities() == 1  # on the VF date
    assert _state(case) == State.EFTER_VF
    care.case_close(case_id=case.pk, actor=u["soc"])
    assert _state(case) == State.AVSLUTAD


@time_machine.travel(TODAY, tick=False)
def test_steps_are_refused_to_the_wrong_role_or_organisation(world) -> None:
    case = make_case(world, "kontraktsvard")
    u = world["users"]
    with pytest.raises(PermissionDenied):  # the application is the kommun's step
        care.application_register(case_id=case.pk, actor=u["fi"], received_on=TODAY)
    with pytest.raises(Exception) as refused:  # an unrelated kommun: the case does not exist
        care.application_register(case_id=case.pk, actor=u["other"], received_on=TODAY)
    assert refused.typename == "Http404"
    care.application_register(case_id=case.pk, actor=u["soc"], received_on=TODAY)
    care.investigation_start(case_id=case.pk, actor=u["soc"])
    care.decision_record(
        case_id=case.pk,
        actor=u["soc"],
        decision="beviljat",
        decision_date=TODAY,
        to_client_on=None,
        to_client_how="",
        to_kv_on=None,
        to_kv_how="",
    )
    with pytest.raises(PermissionDenied):  # frivården proposes the vårdgivare, not the kommun
        care.care_provider_propose(
            case_id=case.pk,
            actor=u["soc"],
            provider=world["both"],
            planned_start=TODAY,
            planned_end=TODAY + timedelta(days=10),
        )
    assert _state(case) == State.BESLUTAT


@time_machine.travel(TODAY, tick=False)
def test_withdrawn_consent_stops_the_next_step_with_the_reason(world) -> None:
    case = make_case(world, "kontraktsvard")
    consent = Consent.objects.get(case=case)
    consent_withdraw(consent_id=consent.pk, actor=world["users"]["fi"], note="Återkallat")
    with pytest.raises((PermissionDenied, ValidationError)):
        care.application_register(case_id=case.pk, actor=world["users"]["soc"], received_on=TODAY)
    assert _state(case) == State.SAMTYCKE


@time_machine.travel(TODAY, tick=False)
def test_without_consent_the_case_stays_initierad(world) -> None:
    case = make_case(world, "kontraktsvard", consent=False)
    assert _state(case) == State.INITIERAD
    with pytest.raises(ValidationError):  # nothing can happen before consent
        care.application_register(case_id=case.pk, actor=world["users"]["soc"], received_on=TODAY)


@time_machine.travel(TODAY, tick=False)
def test_avslag_and_another_pafoljd_end_themake_case(world) -> None:
    u = world["users"]
    first = make_case(world, "kontraktsvard", 1)
    care.application_register(case_id=first.pk, actor=u["soc"], received_on=TODAY)
    care.investigation_start(case_id=first.pk, actor=u["soc"])
    care.decision_record(
        case_id=first.pk,
        actor=u["soc"],
        decision="avslag",
        decision_date=TODAY,
        to_client_on=TODAY,
        to_client_how="brev",
        to_kv_on=TODAY,
        to_kv_how="brev",
    )
    assert _state(first) == State.AVSLUTAD
    second = make_case(world, "kontraktsvard", 2)
    care.application_register(case_id=second.pk, actor=u["soc"], received_on=TODAY)
    care.investigation_start(case_id=second.pk, actor=u["soc"])
    care.decision_record(
        case_id=second.pk,
        actor=u["soc"],
        decision="beviljat",
        decision_date=TODAY,
        to_client_on=None,
        to_client_how="",
        to_kv_on=None,
        to_kv_how="",
    )
    care.care_provider_propose(
        case_id=second.pk,
        actor=u["fi"],
        provider=world["both"],
        planned_start=TODAY,
        planned_end=TODAY + timedelta(days=30),
    )
    care.treatment_plan_register(case_id=second.pk, actor=u["fi"], plan_date=TODAY, summary="X")
    care.judgment_register(
        case_id=second.pk,
        actor=u["fi"],
        judgment_date=TODAY,
        pafoljd="annan",
        alternative_prison_term_days=None,
    )
    assert _state(second) == State.AVSLUTAD


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("steps_before_abort", range(0, 8))
def test_abort_from_every_active_kontraktsvard_state_needs_a_reason(
    world, steps_before_abort
) -> None:
    case = make_case(world, "kontraktsvard")
    u = world["users"]
    steps = [
        lambda: care.application_register(case_id=case.pk, actor=u["soc"], received_on=TODAY),
        lambda: care.investigation_start(case_id=case.pk, actor=u["soc"]),
        lambda: care.decision_record(
            case_id=case.pk,
            actor=u["soc"],
            decision="beviljat",
            decision_date=TODAY,
            to_client_on=None,
            to_client_how="",
            to_kv_on=None,
            to_kv_how="",
        ),
        lambda: care.care_provider_propose(
            case_id=case.pk,
            actor=u["fi"],
            provider=world["both"],
            planned_start=TODAY,
            planned_end=TODAY + timedelta(days=30),
        ),
        lambda: care.treatment_plan_register(
            case_id=case.pk, actor=u["fi"], plan_date=TODAY, summary="X"
        ),
        lambda: care.judgment_register(
            case_id=case.pk,
            actor=u["fi"],
            judgment_date=TODAY,
            pafoljd="kontraktsvard",
            alternative_prison_term_days=270,
        ),
        lambda: care.enforcement_start(
            case_id=case.pk,
            actor=u["fi"],
            placement_start=TODAY,
            kv_payment_end=TODAY + timedelta(days=5),
        ),
    ]
    for run in steps[:steps_before_abort]:
        run()
    before = _state(case)
    with pytest.raises(ValidationError):
        care.case_abort(case_id=case.pk, actor=u["fi"], end_reason=" ")
    assert _state(case) == before
    care.case_abort(case_id=case.pk, actor=u["soc"], end_reason="Klienten avbröt")
    assert _state(case) == State.AVBRUTEN
    assert not Deadline.objects.filter(case=case, status__in=Deadline.ACTIVE_STATUSES).exists()


def test_yttrande_default_is_14_days_when_haktad_and_none_otherwise() -> None:
    assert yttrande_due(request_date=date(2026, 11, 2), haktad=True) == date(2026, 11, 16)
    assert yttrande_due(request_date=date(2026, 11, 2), haktad=False) is None


@time_machine.travel(TODAY, tick=False)
def test_presentence_request_sets_and_extends_the_yttrande_deadline_with_history(world) -> None:
    case = make_case(world, "kontraktsvard")
    fi = world["users"]["fi"]
    care.presentence_request_record(
        case_id=case.pk, actor=fi, request_date=TODAY, haktad=True, yttrande_date=None
    )
    yttrande = Deadline.objects.get(case=case, kind="yttrande")
    assert yttrande.due_date == TODAY + timedelta(days=14)
    beslut = Deadline.objects.get(case=case, kind="kommun_beslut")
    assert beslut.due_date == TODAY + timedelta(days=13)
    assert beslut.responsible_organisation == world["kommun"]
    with pytest.raises(ValidationError):  # a different date needs a reason
        care.presentence_request_record(
            case_id=case.pk,
            actor=fi,
            request_date=TODAY,
            haktad=True,
            yttrande_date=TODAY + timedelta(days=21),
        )
    care.presentence_request_record(
        case_id=case.pk,
        actor=fi,
        request_date=TODAY,
        haktad=True,
        yttrande_date=TODAY + timedelta(days=21),
        reason="Tingsrätten förlängde tiden",
    )
    yttrande.refresh_from_db()
    assert yttrande.due_date == TODAY + timedelta(days=21)
    history = list(DeadlineChange.objects.filter(deadline=yttrande).values_list("change", "reason"))
    assert history[-1] == ("flyttad", "Tingsrätten förlängde tiden")
    with pytest.raises(PermissionDenied):  # the request is frivården's
        care.presentence_request_record(
            case_id=case.pk,
            actor=world["users"]["soc"],
            request_date=TODAY,
            haktad=True,
            yttrande_date=None,
        )


def test_preliminary_payment_end_is_two_thirds_of_the_term_rounded_up() -> None:
    # 9 months = 270 days (strafftidslagen); two thirds = 180 days.
    assert preliminary_payment_end(
        enforcement_start=date(2026, 1, 1), alternative_term_days=270
    ) == date(2026, 6, 30)
    # 100 days: 66.67 -> 67 days (a part of a day counts as a whole day).
    assert preliminary_payment_end(
        enforcement_start=date(2026, 1, 1), alternative_term_days=100
    ) == date(2026, 3, 9)
    assert term_in_days(years=1, months=2, days=3) == 365 + 60 + 3


@time_machine.travel(TODAY, tick=False)
def test_choosing_against_the_recommendation_needs_a_reason_and_is_recorded(world) -> None:
    case = make_case(world, "kontraktsvard")
    u = world["users"]
    care.application_register(case_id=case.pk, actor=u["soc"], received_on=TODAY)
    care.investigation_start(case_id=case.pk, actor=u["soc"])
    care.decision_record(
        case_id=case.pk,
        actor=u["soc"],
        decision="beviljat",
        decision_date=TODAY,
        to_client_on=None,
        to_client_how="",
        to_kv_on=None,
        to_kv_how="",
    )
    with pytest.raises(ValidationError):
        care.care_provider_propose(
            case_id=case.pk,
            actor=u["fi"],
            provider=world["kv_only"],
            planned_start=TODAY,
            planned_end=TODAY + timedelta(days=30),
        )
    assert _state(case) == State.BESLUTAT
    care.care_provider_propose(
        case_id=case.pk,
        actor=u["fi"],
        provider=world["kv_only"],
        planned_start=TODAY,
        planned_end=TODAY + timedelta(days=30),
        deviation_reason="Specialiserad på spelberoende",
    )
    choice = case.care_provider_choices.get()
    assert not choice.recommended and choice.deviation_reason == "Specialiserad på spelberoende"
    assert "båda" in choice.recommendation_reason


@time_machine.travel(TODAY, tick=False)
def test_change_of_provider_keeps_the_old_choice_and_needs_a_reason(world) -> None:
    case = make_case(world, "kontraktsvard")
    walk_kontraktsvard_to_enforcement(world, case)
    with pytest.raises(ValidationError):
        care.care_provider_change(
            case_id=case.pk,
            actor=world["users"]["soc"],
            provider=world["both"],
            planned_start=TODAY,
            planned_end=TODAY + timedelta(days=60),
            change_reason="",
        )
    care.care_provider_change(
        case_id=case.pk,
        actor=world["users"]["soc"],
        provider=world["both"],
        planned_start=TODAY,
        planned_end=TODAY + timedelta(days=60),
        change_reason="Avvek från behandlingshemmet",
    )
    assert case.care_provider_choices.count() == 2
    assert case.care_provider_choices.filter(replaced_at__isnull=True).count() == 1


@time_machine.travel(TODAY, tick=False)
def test_joint_plan_after_placement_closes_its_deadline_and_coordination_switches(world) -> None:
    case = make_case(world, "kontraktsvard")
    u = world["users"]
    with pytest.raises(ValidationError):  # not before the placement starts
        care.joint_plan_save(
            case_id=case.pk,
            actor=u["fi"],
            insatser="x",
            responsibilities="y",
            others_measures="",
            overall_responsible="z",
            follow_up_date=None,
        )
    walk_kontraktsvard_to_enforcement(world, case)
    plan_deadline = Deadline.objects.get(case=case, kind="gemensam_plan")
    assert plan_deadline.due_date == TODAY + timedelta(weeks=4)
    care.joint_plan_save(
        case_id=case.pk,
        actor=u["fi"],
        insatser="Behandling",
        responsibilities="KV betalar till övergången",
        others_measures="",
        overall_responsible="Frivården Test",
        follow_up_date=TODAY + timedelta(days=30),
    )
    plan_deadline.refresh_from_db()
    assert plan_deadline.status == "klar"
    assert care.coordinating_party(case).organisation == world["frivard"]
    with time_machine.travel(TODAY + timedelta(days=181), tick=False):
        # The date alone does not switch coordination; the transfer step does.
        assert (
            care.coordinating_party(Case.objects.get(pk=case.pk)).organisation == world["frivard"]
        )
        transfer_responsibilities()
        assert care.coordinating_party(Case.objects.get(pk=case.pk)).organisation == world["kommun"]


@time_machine.travel(TODAY, tick=False)
def test_transfer_after_downtime_happens_once_and_not_early(world) -> None:
    case = make_case(world, "kontraktsvard")
    walk_kontraktsvard_to_enforcement(world, case)
    with time_machine.travel(TODAY + timedelta(days=180), tick=False):
        assert transfer_responsibilities() == 0  # the payment end day itself is still KV's
    with time_machine.travel(TODAY + timedelta(days=185), tick=False):  # five days of downtime
        assert transfer_responsibilities() == 1
        assert transfer_responsibilities() == 0
    assert AuditEvent.objects.filter(case=case, data__target="kommun_betalningsansvar").count() == 1
    # Both parties are told once: frivården's handläggare, and the kommun's chef (the kommun
    # has no named handläggare in this case). The message has the reference, no personal data.
    told = Notification.objects.filter(case=case, message__contains="ansvaret har övergått")
    assert sorted(n.recipient_id for n in told) == sorted(
        [world["users"]["fi"].pk, world["users"]["chef"].pk]
    )
    assert all("Person" not in n.message for n in told)
