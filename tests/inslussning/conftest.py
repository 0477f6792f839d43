"""A small region for the inslussning tests: the frivård, the anstalt and the home kommun (the
core of the group), Arbetsförmedlingen as an external member, and another kommun outside."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from cases.models import Organisation
from cases.personnummer import parse_identity_number
from cases.roles import OrganisationKind, Role
from cases.services.consent import consent_record
from inslussning import services
from inslussning.models import Criterion, Programme
from tests.factories import MembershipFactory, OrganisationFactory, valid_personnummer

ALL_MET = {c.value: True for c in Criterion}


@pytest.fixture
def region(db: None) -> dict[str, Any]:
    kommun = OrganisationFactory(name="SN Hemma", kind=OrganisationKind.KOMMUN)
    frivard = OrganisationFactory(name="Frivården Väst", kind=OrganisationKind.FRIVARD)
    anstalt = OrganisationFactory(name="Anstalten Syd", kind=OrganisationKind.ANSTALT)
    af = OrganisationFactory(
        name="Arbetsförmedlingen Väst", kind=OrganisationKind.ARBETSFORMEDLINGEN
    )
    other = OrganisationFactory(name="SN Borta", kind=OrganisationKind.KOMMUN)
    users = {
        "fi": MembershipFactory(organisation=frivard, role=Role.FRIVARDSINSPEKTOR).user,
        "kvi": MembershipFactory(organisation=frivard, role=Role.KRIMINALVARDSINSPEKTOR).user,
        "soc": MembershipFactory(organisation=kommun, role=Role.SOCIALSEKRETERARE).user,
        "chef": MembershipFactory(organisation=kommun, role=Role.ENHETSCHEF).user,
        "kh": MembershipFactory(organisation=anstalt, role=Role.KLIENTHANDLAGGARE).user,
        "af": MembershipFactory(organisation=af, role=Role.EXTERN_DELTAGARE).user,
        "other": MembershipFactory(organisation=other, role=Role.SOCIALSEKRETERARE).user,
    }
    return {
        "kommun": kommun,
        "frivard": frivard,
        "anstalt": anstalt,
        "af": af,
        "other": other,
        "users": users,
    }


def identify(region: dict[str, Any], criteria: dict[str, bool] | None = None, n: int = 7) -> Any:
    return services.programme_identify(
        actor=region["users"]["fi"],
        frivard=region["frivard"],
        identity=parse_identity_number(valid_personnummer(n)),
        first_name="Test",
        last_name="Testsson",
        protected_identity=False,
        home_kommun=region["kommun"],
        anstalt=region["anstalt"],
        criteria=criteria or ALL_MET,
    )


def consent(region: dict[str, Any], case: Any, *organisations: Organisation) -> None:
    consent_record(
        case_id=case.pk,
        actor=region["users"]["fi"],
        parties=list(organisations),
        scope="Inslussning: planering och uppföljning",
        given_on=timezone.localdate(),
        form="muntligt",
        oral_note="Klienten samtyckte muntligt vid möte på anstalten.",
    )


def release_dates(today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    # VF in four months; övervakning two years (the 2026 prövotid), never VF + 12 months.
    return today + timedelta(days=120), today + timedelta(days=120 + 730)


def start_planning(region: dict[str, Any], case: Any, *, actor: str = "fi") -> None:
    """Kriminalvården's master dates (``release_dates``) and the step into planning."""
    release, end = release_dates()
    services.master_dates_record(
        case_id=case.pk, actor=region["users"]["fi"], release_date=release, supervision_end=end
    )
    services.programme_step(case_id=case.pk, actor=region["users"][actor], name="start_planning")


def hold_meeting(
    region: dict[str, Any],
    case: Any,
    point: int,
    *,
    actor: str = "fi",
    participants: int | None = None,
    notes: str = "",
    decisions: str = "Beslut",
) -> Any:
    """Planning meeting ``point`` held today with the first ``participants`` members (all when
    None) and the client."""
    members = Programme.objects.get(case=case).members.values_list("pk", flat=True)
    return services.meeting_record(
        case_id=case.pk,
        actor=region["users"][actor],
        point=point,
        held_on=timezone.localdate(),
        participant_ids=list(members[:participants] if participants else members),
        client_took_part=True,
        notes=notes,
        decisions=decisions,
        follow_up_actions="",
    )
