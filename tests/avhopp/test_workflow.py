"""The uppdrag's steps: preconditions (003 § 4), who takes each step, audit, protected identity
and the assignment-only access."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from guardian.shortcuts import get_perms

from avhopp import services
from avhopp.models import DefectorAssignment
from cases.models import AuditEvent, Case
from cases.states import State

pytestmark = pytest.mark.django_db


def _state(case) -> str:
    return Case.objects.get(pk=case.pk).state


def test_a_request_is_protected_and_visible_only_to_the_assigned(world) -> None:
    case = world.create()
    assert case.client.protected_identity  # 003: "almost always skyddade personuppgifter"
    receiving = world.users["soc_b"]
    assert "view_protected_identity" in get_perms(receiving, case.client)
    assert "view_protected_identity" not in get_perms(world.users["colleague_b"], case.client)
    visible = set(Case.objects.visible_to(world.users["soc_a"]).values_list("pk", flat=True)) & set(
        Case.objects.visible_to(receiving).values_list("pk", flat=True)
    )
    assert case.pk in visible
    for name in ("colleague_a", "chef_a", "colleague_b", "chef_b", "soc_c", "outsider"):
        assert not Case.objects.visible_to(world.users[name]).filter(pk=case.pk).exists(), name
    participations = {p.part_role for p in case.participations.all()}
    assert participations == {"hemkommun", "mottagande_kommun"}


def test_acceptance_waits_for_the_police_in_both_kommuner(world) -> None:
    case = world.create()
    home, receiving = world.users["soc_a"], world.users["soc_b"]
    services.consultation_start(case_id=case.pk, actor=receiving)
    services.motivation_record(case_id=case.pk, actor=home, motivated=True, motivation_note="Ja")
    services.description_save(case_id=case.pk, actor=home, uppdragsbeskrivning="Krisstöd")
    today = timezone.localdate()
    services.police_consultation_record(
        case_id=case.pk, actor=home, consulted_on=today, police_contact="Polisen A"
    )
    with pytest.raises(ValidationError) as refused:
        services.assignment_accept(case_id=case.pk, actor=receiving)
    assert "Polismyndigheten" in str(refused.value)
    assert _state(case) == State.SAMRAD
    services.police_consultation_record(
        case_id=case.pk, actor=receiving, consulted_on=today, police_contact="Polisen B"
    )
    services.assignment_accept(case_id=case.pk, actor=receiving)
    assert _state(case) == State.ACCEPTERAT


def test_acceptance_needs_motivation_and_the_uppdragsbeskrivning(world) -> None:
    case = world.create()
    home, receiving = world.users["soc_a"], world.users["soc_b"]
    services.consultation_start(case_id=case.pk, actor=receiving)
    for actor in (home, receiving):
        services.police_consultation_record(
            case_id=case.pk, actor=actor, consulted_on=timezone.localdate(), police_contact="P"
        )
    with pytest.raises(ValidationError) as refused:
        services.assignment_accept(case_id=case.pk, actor=receiving)
    assert "motiverad" in str(refused.value)
    assert "uppdragsbeskrivningen" in str(refused.value)
    services.motivation_record(
        case_id=case.pk, actor=home, motivated=False, motivation_note="Tveksam"
    )
    services.description_save(case_id=case.pk, actor=home, uppdragsbeskrivning="Krisstöd")
    with pytest.raises(ValidationError, match="motiverad"):
        services.assignment_accept(case_id=case.pk, actor=receiving)


def test_children_block_the_uppdrag_until_both_kommuner_have_clarified(world) -> None:
    case = world.walk(world.create(), "samrad")
    home, receiving = world.users["soc_a"], world.users["soc_b"]
    for actor in (home, receiving):
        services.police_consultation_record(
            case_id=case.pk, actor=actor, consulted_on=timezone.localdate(), police_contact="P"
        )
    services.motivation_record(case_id=case.pk, actor=home, motivated=True, motivation_note="Ja")
    services.description_save(case_id=case.pk, actor=home, uppdragsbeskrivning="Krisstöd")
    services.children_flag_raise(case_id=case.pk, actor=receiving, note="Ett barn, 4 år.")
    with pytest.raises(ValidationError, match="barnen"):
        services.assignment_accept(case_id=case.pk, actor=receiving)
    services.children_clarify(case_id=case.pk, actor=home, clarification="Hemkommunen utreder.")
    with pytest.raises(ValidationError, match="barnen"):
        services.assignment_accept(case_id=case.pk, actor=receiving)
    services.children_clarify(
        case_id=case.pk, actor=receiving, clarification="Barnet bor kvar hos den andra föräldern."
    )
    services.assignment_accept(case_id=case.pk, actor=receiving)
    # Children appearing later block the start of the implementation as well.
    services.children_flag_raise(case_id=case.pk, actor=home, note="Ytterligare ett barn.")
    with pytest.raises(ValidationError, match="barnen"):
        services.implementation_start(
            case_id=case.pk,
            actor=receiving,
            genomforandeplan="Plan",
            started_on=timezone.localdate(),
        )
    assert _state(case) == State.ACCEPTERAT


def test_each_step_is_taken_by_its_own_kommun(world) -> None:
    case = world.create()
    home, receiving = world.users["soc_a"], world.users["soc_b"]
    with pytest.raises(PermissionDenied):
        services.consultation_start(case_id=case.pk, actor=home)
    services.consultation_start(case_id=case.pk, actor=receiving)
    with pytest.raises(PermissionDenied):
        services.description_save(case_id=case.pk, actor=receiving, uppdragsbeskrivning="x")
    with pytest.raises(PermissionDenied):
        services.motivation_record(
            case_id=case.pk, actor=receiving, motivated=True, motivation_note="x"
        )
    for actor in (home, receiving):
        services.police_consultation_record(
            case_id=case.pk, actor=actor, consulted_on=timezone.localdate(), police_contact="P"
        )
    services.motivation_record(case_id=case.pk, actor=home, motivated=True, motivation_note="J")
    services.description_save(case_id=case.pk, actor=home, uppdragsbeskrivning="Krisstöd")
    with pytest.raises(PermissionDenied):
        services.assignment_accept(case_id=case.pk, actor=home)
    services.assignment_accept(case_id=case.pk, actor=receiving)
    with pytest.raises(PermissionDenied):
        services.implementation_start(
            case_id=case.pk, actor=home, genomforandeplan="P", started_on=timezone.localdate()
        )
    services.implementation_start(
        case_id=case.pk, actor=receiving, genomforandeplan="P", started_on=timezone.localdate()
    )
    with pytest.raises(PermissionDenied):
        services.assignment_close(case_id=case.pk, actor=receiving)
    services.assignment_close(case_id=case.pk, actor=home, end_note="Klart")
    assert _state(case) == State.AVSLUTAD
    transitions = AuditEvent.objects.filter(case=case, kind="transition")
    assert [e.data["target"] for e in transitions.order_by("created_at", "id")] == [
        State.SAMRAD,
        State.ACCEPTERAT,
        State.GENOMFORANDE,
        State.AVSLUTAD,
    ]
    assert {e.actor for e in transitions} == {home, receiving}


@pytest.mark.parametrize("name", ["colleague_a", "colleague_b", "chef_a", "outsider"])
def test_unassigned_users_get_404_from_every_service(world, name: str) -> None:
    case = world.create()
    with pytest.raises(Http404):
        services.consultation_start(case_id=case.pk, actor=world.users[name])
    with pytest.raises(Http404):
        services.police_consultation_record(
            case_id=case.pk,
            actor=world.users[name],
            consulted_on=timezone.localdate(),
            police_contact="P",
        )


def test_an_assigned_user_can_assign_a_colleague_of_the_same_namnd(world) -> None:
    case = world.create()
    colleague = world.users["colleague_b"]
    with pytest.raises(ValidationError):
        services.assignment_assign_user(
            case_id=case.pk, actor=world.users["soc_b"], user=world.users["soc_c"]
        )
    services.assignment_assign_user(case_id=case.pk, actor=world.users["soc_b"], user=colleague)
    assert DefectorAssignment.objects.visible_to(colleague).filter(pk=case.pk).exists()
    assert "view_protected_identity" in get_perms(colleague, case.client)
    # The colleague acts for the mottagande kommun.
    services.consultation_start(case_id=case.pk, actor=colleague)


def test_a_request_to_the_own_kommun_or_a_non_party_is_refused(world) -> None:
    with pytest.raises(ValidationError) as refused:
        world.create(receiving="soc_a2")
    assert "annan kommun" in str(refused.value)
    with pytest.raises(ValidationError):
        world.create(receiving="outsider")


def test_declining_a_request_needs_a_reason_and_ends_it(world) -> None:
    case = world.create()
    with pytest.raises(ValidationError):
        services.assignment_decline(case_id=case.pk, actor=world.users["soc_b"], reason=" ")
    services.assignment_decline(case_id=case.pk, actor=world.users["soc_b"], reason="Hotbild")
    assert _state(case) == State.AVBRUTEN
