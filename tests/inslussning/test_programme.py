"""The inslussning programme through its services: the target-group rule, the group and its
consent-gated external members, the plan, the five meetings and their deadlines, the schedule,
the utslussningsåtgärder, and the states from identification to avslutad."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from cases.models import Case, Deadline, DeadlineKind, Participation, Reminder
from cases.services.reminders import reminders_create_due
from inslussning import services, services_group
from inslussning.models import Criterion, GroupMember, MeetingPoint, PlanningMeeting, Programme
from tests.inslussning.conftest import (
    ALL_MET,
    consent,
    hold_meeting,
    identify,
    release_dates,
    start_planning,
)


def _meeting(region, case, point, actor="fi"):
    return hold_meeting(
        region,
        case,
        point,
        actor=actor,
        participants=2,
        notes="Arbetsanteckning",
        decisions="Beslut om nästa steg",
    )


def _state(case):
    return Case.objects.get(pk=case.pk).state


def test_identification_opens_the_case_with_the_core_group_the_plan_and_five_meetings(region):
    case = identify(region)
    programme = Programme.objects.get(case=case)
    assert case.state == "identifierad" and case.reference.startswith("IN-")
    assert {p.organisation for p in case.participations.all()} == {
        region["frivard"],
        region["kommun"],
        region["anstalt"],
    }
    assert sorted(programme.members.values_list("role", flat=True)) == [
        "anstalt",
        "frivard",
        "socialtjanst",
    ]
    assert programme.areas.count() == 8
    assert list(programme.meetings.values_list("point", flat=True)) == [1, 2, 3, 4, 5]
    # Nothing is planned before the client is included.
    assert not Deadline.objects.filter(case=case).exists()
    assert programme.samordnare == region["users"]["fi"]


def test_a_failed_criterion_blocks_inclusion_until_a_chef_overrides_with_a_reason(region):
    case = identify(region, {**ALL_MET, Criterion.NOT_DEPORTATION.value: False})
    consent(region, case, region["frivard"], region["kommun"], region["anstalt"])
    with pytest.raises(ValidationError) as refused:
        services.programme_step(case_id=case.pk, actor=region["users"]["fi"], name="include")
    assert "Målgruppsbedömningen" in str(refused.value)
    assert _state(case) == "identifierad"

    # A socialsekreterare is no chef; a chef needs a reason.
    with pytest.raises(PermissionDenied):
        services.target_group_override(case_id=case.pk, actor=region["users"]["soc"], reason="x")
    with pytest.raises(ValidationError):
        services.target_group_override(case_id=case.pk, actor=region["users"]["chef"], reason=" ")
    services.target_group_override(
        case_id=case.pk, actor=region["users"]["chef"], reason="Utvisningen är upphävd i hovrätten."
    )
    services.programme_step(case_id=case.pk, actor=region["users"]["fi"], name="include")
    assert _state(case) == "samtycke"


def test_an_override_is_refused_when_every_criterion_holds(region):
    case = identify(region)
    # Before consent the kommun's chef sees only the request; the frivård's chef decides.
    with pytest.raises(PermissionDenied):
        services.target_group_override(case_id=case.pk, actor=region["users"]["chef"], reason="x")
    with pytest.raises(ValidationError):
        services.target_group_override(case_id=case.pk, actor=region["users"]["kvi"], reason="x")


def test_inclusion_needs_consent_covering_the_kommun_and_kriminalvarden(region):
    case = identify(region)
    with pytest.raises(ValidationError) as refused:
        services.programme_step(case_id=case.pk, actor=region["users"]["fi"], name="include")
    assert "Samtycke" in str(refused.value)
    # The kommun sees only the request before consent and cannot take the frivård's step.
    consent(region, case, region["frivard"], region["kommun"])
    with pytest.raises(PermissionDenied):
        services.programme_step(case_id=case.pk, actor=region["users"]["soc"], name="include")


def test_meeting_dates_follow_inclusion_and_kriminalvardens_master_dates(region):
    case = identify(region)
    consent(region, case, region["frivard"], region["kommun"], region["anstalt"])
    services.programme_step(case_id=case.pk, actor=region["users"]["fi"], name="include")
    today = timezone.localdate()
    first = Deadline.objects.get(case=case, key="mote-1")
    assert first.kind == DeadlineKind.PLANERINGSMOTE and first.due_date == today + timedelta(30)
    assert first.responsible_user == region["users"]["fi"]
    assert not Deadline.objects.filter(case=case, key="mote-2").exists()

    release, supervision_end = release_dates()
    # Master data is Kriminalvården's: the kommun may not record it.
    with pytest.raises(PermissionDenied):
        services.master_dates_record(
            case_id=case.pk,
            actor=region["users"]["soc"],
            release_date=release,
            supervision_end=supervision_end,
        )
    services.master_dates_record(
        case_id=case.pk,
        actor=region["users"]["fi"],
        release_date=release,
        supervision_end=supervision_end,
    )
    due = dict(Deadline.objects.filter(case=case).values_list("key", "due_date"))
    assert due["mote-2"] == release - timedelta(90)
    assert due["mote-3"] == release + timedelta(7)
    # The middle of a two-year supervision, not VF + six months.
    assert due["mote-4"] == release + timedelta(365)
    assert due["mote-5"] == supervision_end - timedelta(30)
    planned = dict(
        PlanningMeeting.objects.filter(programme_id=case.pk).values_list("point", "planned_for")
    )
    assert planned[4] == due["mote-4"]

    # Kriminalvården moves the VF date: the meetings move with it and the history keeps the old.
    services.master_dates_record(
        case_id=case.pk,
        actor=region["users"]["fi"],
        release_date=release + timedelta(14),
        supervision_end=supervision_end,
    )
    moved = Deadline.objects.get(case=case, key="mote-2")
    assert moved.due_date == release + timedelta(14 - 90)
    assert moved.changes.filter(change="flyttad").exists()


def test_an_end_of_supervision_before_the_release_is_refused_and_changes_nothing(region):
    case = identify(region)
    release, _end = release_dates()
    with pytest.raises(ValidationError):
        services.master_dates_record(
            case_id=case.pk,
            actor=region["users"]["fi"],
            release_date=release,
            supervision_end=release,
        )
    assert Programme.objects.get(case=case).release_date is None


def test_meeting_deadlines_remind_the_samordnare(region):
    case = identify(region)
    consent(region, case, region["frivard"], region["kommun"], region["anstalt"])
    services.programme_step(case_id=case.pk, actor=region["users"]["fi"], name="include")
    deadline = Deadline.objects.get(case=case, key="mote-1")
    reminders_create_due(today=deadline.due_date - timedelta(days=7))
    assert Reminder.objects.filter(deadline=deadline, recipient=region["users"]["fi"]).exists()


def _included(region):
    case = identify(region)
    consent(region, case, region["frivard"], region["kommun"], region["anstalt"])
    services.programme_step(case_id=case.pk, actor=region["users"]["fi"], name="include")
    start_planning(region, case, actor="soc")
    return case


def test_an_external_member_gets_an_account_and_sees_nothing_until_consent_covers_them(
    region, django_capture_on_commit_callbacks
):
    case = _included(region)
    with django_capture_on_commit_callbacks(execute=True):
        member = services_group.member_add(
            case_id=case.pk,
            actor=region["users"]["soc"],
            role="arbetsformedlingen",
            organisation=region["af"],
            contact_name="Alva Arbetsförmedlare",
            contact_email="alva@example.org",
            invite=True,
        )
    assert Participation.objects.filter(case=case, organisation=region["af"]).exists()
    assert member.user is not None and member.user.memberships.get().role == "extern_deltagare"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Inbjudan till Brygga"
    assert "Testsson" not in mail.outbox[0].body and case.reference not in mail.outbox[0].body
    assert not Case.objects.visible_to(member.user).filter(pk=case.pk).exists()
    consent(region, case, region["af"])
    assert Case.objects.visible_to(member.user).filter(pk=case.pk).exists()

    # Leaving the group ends the organisation's part in the case, and with it the access.
    services_group.member_leave(case_id=case.pk, actor=region["users"]["fi"], member_id=member.pk)
    assert not Case.objects.visible_to(member.user).filter(pk=case.pk).exists()


def test_the_core_members_cannot_leave_and_a_relative_has_no_organisation(region):
    case = _included(region)
    frivard = GroupMember.objects.get(programme_id=case.pk, role="frivard")
    with pytest.raises(ValidationError):
        services_group.member_leave(
            case_id=case.pk, actor=region["users"]["fi"], member_id=frivard.pk
        )
    with pytest.raises(ValidationError):
        services_group.member_add(
            case_id=case.pk,
            actor=region["users"]["fi"],
            role="anhorig",
            organisation=region["af"],
            contact_name="Mamma",
        )
    relative = services_group.member_add(
        case_id=case.pk,
        actor=region["users"]["fi"],
        role="anhorig",
        organisation=None,
        contact_name="Mamma",
    )
    assert relative.label == "Anhörig eller annan i nätverket"


def test_an_external_member_reports_on_their_own_area_only(region):
    case = _included(region)
    member = services_group.member_add(
        case_id=case.pk,
        actor=region["users"]["soc"],
        role="arbetsformedlingen",
        organisation=region["af"],
        contact_name="Alva",
    )
    consent(region, case, region["af"])
    follow_up = timezone.localdate() + timedelta(days=21)
    services.area_update(
        case_id=case.pk,
        actor=region["users"]["soc"],
        area="sysselsattning",
        status="planerad",
        follow_up_on=follow_up,
        need="Arbete efter frigivningen",
        insats="Inskrivning och praktik",
        responsible_id=member.pk,
    )
    assert Deadline.objects.get(case=case, key="omrade-sysselsattning").due_date == follow_up
    af_user = region["users"]["af"]
    row = services.area_update(
        case_id=case.pk,
        actor=af_user,
        area="sysselsattning",
        status="pagar",
        follow_up_on=follow_up,
    )
    assert row.status == "pagar" and row.insats == "Inskrivning och praktik"
    with pytest.raises(PermissionDenied):
        services.area_update(
            case_id=case.pk, actor=af_user, area="bostad", status="pagar", follow_up_on=None
        )
    # Someone outside the case gets a 404, never a hint that it exists.
    with pytest.raises(Http404):
        services.area_update(
            case_id=case.pk,
            actor=region["users"]["other"],
            area="bostad",
            status="pagar",
            follow_up_on=None,
        )


def test_a_planned_insats_needs_an_insats_and_someone_responsible(region):
    case = _included(region)
    with pytest.raises(ValidationError):
        services.area_update(
            case_id=case.pk,
            actor=region["users"]["fi"],
            area="bostad",
            status="planerad",
            follow_up_on=None,
            need="Bostad",
            insats="",
            responsible_id=None,
        )


def test_the_programme_from_planning_to_avslutad(region):
    case = _included(region)
    assert _state(case) == "planering"
    with pytest.raises(ValidationError):
        services.programme_step(
            case_id=case.pk, actor=region["users"]["fi"], name="prepare_release"
        )
    _meeting(region, case, MeetingPoint.VERKSTALLIGHET)
    assert Deadline.objects.get(case=case, key="mote-1").status == "klar"
    services.programme_step(case_id=case.pk, actor=region["users"]["fi"], name="prepare_release")

    # A meeting of a later phase cannot be recorded yet; a meeting in the future never.
    with pytest.raises(ValidationError):
        _meeting(region, case, MeetingPoint.OVERVAKNING)
    services.booking_add(
        case_id=case.pk,
        actor=region["users"]["soc"],
        starts_at=timezone.now() + timedelta(days=100),
        place="Socialkontoret",
        with_whom="Socialsekreteraren",
        what="Ansökan om försörjningsstöd",
    )
    _meeting(region, case, MeetingPoint.INFOR_FRIGIVNING)
    # The VF date has not come: the release cannot be registered.
    with pytest.raises(ValidationError) as early:
        services.programme_step(case_id=case.pk, actor=region["users"]["fi"], name="release")
    assert "villkorlig frigivning" in str(early.value)
    today = timezone.localdate()
    services.master_dates_record(
        case_id=case.pk,
        actor=region["users"]["fi"],
        release_date=today,
        supervision_end=today + timedelta(days=730),
    )
    # Only Kriminalvården registers the release.
    with pytest.raises(PermissionDenied):
        services.programme_step(case_id=case.pk, actor=region["users"]["soc"], name="release")
    services.programme_step(case_id=case.pk, actor=region["users"]["kh"], name="release")
    assert _state(case) == "frigiven"
    _meeting(region, case, MeetingPoint.FRIGIVNING)
    _meeting(region, case, MeetingPoint.OVERVAKNING)
    services.programme_step(case_id=case.pk, actor=region["users"]["soc"], name="prepare_end")
    _meeting(region, case, MeetingPoint.INFOR_AVSLUT)
    with pytest.raises(ValidationError):
        services.programme_step(
            case_id=case.pk, actor=region["users"]["soc"], name="close", text=""
        )
    services.programme_step(
        case_id=case.pk,
        actor=region["users"]["soc"],
        name="close",
        text="Bostad och arbete ordnat; socialtjänsten fortsätter med stödsamtal.",
    )
    assert _state(case) == "avslutad"
    assert not Deadline.objects.filter(case=case, status__in=Deadline.ACTIVE_STATUSES).exists()
    with pytest.raises(ValidationError):
        _meeting(region, case, MeetingPoint.INFOR_AVSLUT)


def test_the_client_may_leave_at_any_time_with_a_reason(region):
    case = _included(region)
    with pytest.raises(ValidationError):
        services.programme_step(
            case_id=case.pk, actor=region["users"]["soc"], name="abort", text=""
        )
    assert _state(case) == "planering"
    services.programme_step(
        case_id=case.pk,
        actor=region["users"]["soc"],
        name="abort",
        text="Klienten vill inte delta.",
    )
    assert _state(case) == "avbruten"
    assert Programme.objects.get(case=case).end_reason == "Klienten vill inte delta."


def test_a_vardvistelse_is_linked_not_copied_and_only_for_the_same_client(region):
    from tests.factories import CaseFactory

    case = _included(region)
    same_client = CaseFactory(
        case_type="vardvistelse",
        reference="VV-2026-90001",
        client=case.client,
        owner_organisation=region["frivard"],
        state="placering",
    )
    other_client = CaseFactory(
        case_type="vardvistelse", reference="VV-2026-90002", owner_organisation=region["frivard"]
    )
    start = timezone.localdate()
    with pytest.raises(ValidationError):
        services.release_measure_add(
            case_id=case.pk,
            actor=region["users"]["fi"],
            kind="vardvistelse",
            starts_on=start,
            ends_on=None,
            linked_case_id=other_client.pk,
        )
    with pytest.raises(PermissionDenied):
        services.release_measure_add(
            case_id=case.pk,
            actor=region["users"]["soc"],
            kind="frigang",
            starts_on=start,
            ends_on=None,
            linked_case_id=None,
        )
    measure = services.release_measure_add(
        case_id=case.pk,
        actor=region["users"]["fi"],
        kind="vardvistelse",
        starts_on=start,
        ends_on=start + timedelta(days=60),
        linked_case_id=same_client.pk,
    )
    assert measure.linked_case == same_client


def test_a_new_samordnare_takes_over_the_meeting_reminders(region):
    from tests.factories import MembershipFactory

    case = _included(region)
    samordnare = MembershipFactory(organisation=region["kommun"], role="samordnare").user
    services.samordnare_appoint(case_id=case.pk, actor=region["users"]["fi"], samordnare=samordnare)
    programme = Programme.objects.get(case=case)
    assert programme.samordnare_organisation == region["kommun"]
    deadlines = Deadline.objects.filter(case=case, kind=DeadlineKind.PLANERINGSMOTE)
    assert {d.responsible_user for d in deadlines} == {samordnare}
    # Someone from outside the programme's organisations cannot be appointed.
    with pytest.raises(ValidationError):
        services.samordnare_appoint(
            case_id=case.pk, actor=region["users"]["fi"], samordnare=region["users"]["other"]
        )
