"""Detection of routine deviations: each rule creates its row once, resolves it when the
condition ends (or by hand with a comment), and repeated runs change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.models import CareProcess, Consent, Deadline, JointPlan
from cases.services.consent import consent_withdraw
from deviations.detect import detect_all, detect_for_case
from deviations.models import Deviation, RoutineDeviation
from deviations.services import routine_deviation_resolve
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _open(case, rule):
    return RoutineDeviation.objects.filter(case=case, rule=rule, resolved_at__isnull=True)


def _overdue_deadline(case, organisation):
    return Deadline.objects.create(
        case=case,
        kind="ovrigt",
        key="t",
        label="Test",
        due_date=timezone.localdate() - timedelta(days=2),
        responsible_organisation=organisation,
    )


def test_deadline_missed_is_created_once_and_resolved_when_done(world, kv_case):
    deadline = _overdue_deadline(kv_case, world["kommun"])
    detect_all()
    detect_all()
    assert _open(kv_case, "deadline_missed").count() == 1
    assert RoutineDeviation.objects.filter(case=kv_case, rule="deadline_missed").count() == 1

    Deadline.objects.filter(pk=deadline.pk).update(status="klar", completed_at=timezone.now())
    result = detect_all()
    assert result.resolved["deadline_missed"] == 1
    row = RoutineDeviation.objects.get(case=kv_case, rule="deadline_missed")
    assert row.resolved_at is not None and row.resolved_by is None


def test_decision_after_yttrande_is_detected(world, kv_case):
    today = timezone.localdate()
    Deadline.objects.create(
        case=kv_case,
        kind="yttrande",
        label="Yttrande",
        due_date=today - timedelta(days=10),
        status="klar",
        responsible_organisation=world["frivard"],
    )
    process, _ = CareProcess.objects.get_or_create(case=kv_case)
    process.decision_date = today - timedelta(days=12)
    process.save()
    detect_all()
    assert not _open(kv_case, "decision_after_yttrande").exists()

    CareProcess.objects.filter(pk=process.pk).update(decision_date=today - timedelta(days=5))
    detect_all()
    detect_all()
    assert _open(kv_case, "decision_after_yttrande").count() == 1

    CareProcess.objects.filter(pk=process.pk).update(decision_date=today - timedelta(days=11))
    detect_all()
    assert not _open(kv_case, "decision_after_yttrande").exists()


def test_consent_missing_after_withdrawal_and_resolved_by_new_consent(world, kv_case):
    detect_all()
    assert not _open(kv_case, "consent_missing").exists()
    consent = Consent.objects.get(case=kv_case)
    consent_withdraw(consent_id=consent.pk, actor=world["users"]["fi"], note="Återkallat.")
    detect_all()
    detect_all()
    assert _open(kv_case, "consent_missing").count() == 1

    Consent.objects.filter(pk=consent.pk).update(withdrawn_at=None)
    detect_all()
    assert not _open(kv_case, "consent_missing").exists()


def test_joint_plan_missing_after_n_weeks(world, kv_case, settings):
    settings.BRYGGA_GEMENSAM_PLAN_WEEKS = 4
    process, _ = CareProcess.objects.get_or_create(case=kv_case)
    process.placement_start = timezone.localdate() - timedelta(weeks=3)
    process.save()
    detect_all()
    assert not _open(kv_case, "joint_plan_missing").exists()

    CareProcess.objects.filter(pk=process.pk).update(
        placement_start=timezone.localdate() - timedelta(weeks=5)
    )
    detect_all()
    detect_all()
    assert _open(kv_case, "joint_plan_missing").count() == 1

    JointPlan.objects.create(
        case=kv_case,
        insatser="Behandling",
        responsibilities="KV samordnar",
        overall_responsible="Frivården",
        updated_by=world["users"]["fi"],
    )
    detect_all()
    assert not _open(kv_case, "joint_plan_missing").exists()


def test_deviation_not_communicated_after_n_hours(world, kv_case, settings):
    settings.BRYGGA_AVVIKELSE_INFORMERA_TIMMAR = 24
    deviation = Deviation.objects.create(
        case=kv_case,
        kind="aterfall",
        severity="medel",
        occurred_on=timezone.localdate(),
        description="x",
        reported_by=world["users"]["soc"],
        organisation=world["kommun"],
    )
    detect_all()
    assert not _open(kv_case, "deviation_not_communicated").exists()

    Deviation.objects.filter(pk=deviation.pk).update(
        reported_at=timezone.now() - timedelta(hours=25)
    )
    detect_all()
    detect_all()
    assert _open(kv_case, "deviation_not_communicated").count() == 1

    Deviation.objects.filter(pk=deviation.pk).update(
        other_party_informed_at=timezone.now(), informed_by=world["users"]["soc"]
    )
    detect_for_case(kv_case)
    assert not _open(kv_case, "deviation_not_communicated").exists()


def test_runs_are_idempotent(world, kv_case):
    _overdue_deadline(kv_case, world["kommun"])
    consent = Consent.objects.get(case=kv_case)
    consent_withdraw(consent_id=consent.pk, actor=world["users"]["fi"], note="")
    detect_all()
    first = sorted(RoutineDeviation.objects.values_list("pk", "case_id", "rule", "resolved_at"))
    second_result = detect_all()
    detect_for_case(kv_case)
    assert sum(second_result.created.values()) == 0
    assert (
        sorted(RoutineDeviation.objects.values_list("pk", "case_id", "rule", "resolved_at"))
        == first
    )
    assert len(first) == 2


def test_manual_resolve_with_comment_is_not_raised_again_until_condition_ends(world, kv_case):
    chef = world["users"]["chef"]
    deadline = _overdue_deadline(kv_case, world["kommun"])
    detect_all()
    row = _open(kv_case, "deadline_missed").get()

    with pytest.raises(ValidationError):
        routine_deviation_resolve(row_id=row.pk, actor=chef, comment="  ")
    with pytest.raises(PermissionDenied):
        routine_deviation_resolve(row_id=row.pk, actor=world["users"]["soc"], comment="Klart")
    routine_deviation_resolve(row_id=row.pk, actor=chef, comment="Domstolen förlängde muntligt.")
    row.refresh_from_db()
    assert row.resolved_by == chef and row.resolution == "Domstolen förlängde muntligt."

    detect_all()
    assert not _open(kv_case, "deadline_missed").exists()  # still the same occurrence

    Deadline.objects.filter(pk=deadline.pk).update(status="klar")
    detect_all()  # the condition ended
    Deadline.objects.filter(pk=deadline.pk).update(status="forsenad")
    detect_all()  # and came back: a new occurrence
    assert _open(kv_case, "deadline_missed").count() == 1


def test_chef_of_other_organisation_cannot_resolve(world, kv_case):
    _overdue_deadline(kv_case, world["kommun"])
    detect_all()
    row = _open(kv_case, "deadline_missed").get()
    outsider = MembershipFactory(
        organisation=world["frivard"].__class__.objects.create(name="SN Utanför", kind="kommun"),
        role="enhetschef",
    ).user
    from django.http import Http404

    with pytest.raises(Http404):
        routine_deviation_resolve(row_id=row.pk, actor=outsider, comment="x")
