"""Fixtures of the deviation tests: the ``world`` of the case tests, plus bulk builders for
tests that need many cases fast (query counts, scoping)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from cases.models import Case, Client, Deadline, Participation
from tests.cases.conftest import world  # noqa: F401 - re-exported fixture
from tests.cases.workflow_helpers import make_case
from tests.factories import valid_personnummer


@pytest.fixture
def kv_case(world):  # noqa: F811
    """A kontraktsvård case of frivården with the kommun, consent covering both, and the
    kommun's socialsekreterare as its handläggare."""
    case = make_case(world, "kontraktsvard")
    Participation.objects.filter(case=case, organisation=world["kommun"]).update(
        handlaggare=world["users"]["soc"]
    )
    return case


def bulk_cases(
    n: int,
    *,
    owner,
    counterpart=None,
    start: int = 0,
    handlaggare=None,
    state: str = "utredning",
    names: str = "Klient",
) -> list[Case]:
    """``n`` cases (with clients and participations) in a handful of INSERTs."""
    clients = Client.objects.bulk_create(
        [
            Client(
                id_kind="personnummer",
                id_number=valid_personnummer(50_000 + start + i),
                first_name=f"{names}{start + i}",
                last_name="Bulksson",
            )
            for i in range(n)
        ]
    )
    cases = Case.objects.bulk_create(
        [
            Case(
                case_type="kontraktsvard",
                reference=f"KV-2026-B{start + i:05d}",
                client=client,
                state=state,
                owner_organisation=owner,
            )
            for i, client in enumerate(clients)
        ]
    )
    parts = [
        Participation(case=c, organisation=owner, part_role="kommun", handlaggare=handlaggare)
        for c in cases
    ]
    if counterpart is not None:
        parts += [
            Participation(case=c, organisation=counterpart, part_role="frivard") for c in cases
        ]
    Participation.objects.bulk_create(parts)
    return cases


def bulk_overdue(cases: list[Case], organisation, *, days: int = 3) -> None:
    today = timezone.localdate()
    Deadline.objects.bulk_create(
        [
            Deadline(
                case=c,
                kind="yttrande",
                label="Yttrande",
                due_date=today - timedelta(days=days),
                status="forsenad",
                responsible_organisation=organisation,
            )
            for c in cases
        ]
    )


def month_start(day: date) -> date:
    return day.replace(day=1)
