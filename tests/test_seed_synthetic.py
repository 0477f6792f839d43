"""`seed_synthetic`: proportional counts, valid personnummer, every case reachable through the
access rule, the same rows for the same seed, and the guards that protect real databases."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import User
from cases.models import (
    AccessLog,
    AuditEvent,
    Case,
    Client,
    Consent,
    Deadline,
    Notification,
    Organisation,
    Participation,
)
from cases.personnummer import parse_identity_number
from cases.synthetic.generate import checksum
from cases.synthetic.plan import counts_for, organisation_mix

pytestmark = pytest.mark.django_db


def _seed(*extra: str) -> None:
    # The test database's name depends on the run (a suffix per developer, none in CI).
    call_command(
        "seed_synthetic", "--cases", "300", "--seed", "7", "--i-know", *extra, stdout=StringIO()
    )


def test_counts_are_proportional_to_the_number_of_cases() -> None:
    full = counts_for(150_000)
    assert (full.clients, full.audit_events, full.deadlines) == (100_000, 2_000_000, 400_000)
    assert (full.organisations, full.users) == (60, 1_500)
    assert organisation_mix(60).total == 60

    users_before = User.objects.count()  # a migration may have made a system account
    _seed()

    expected = counts_for(300)
    assert (expected.clients, expected.audit_events, expected.deadlines) == (200, 4_000, 800)
    assert Case.objects.count() == 300
    assert Client.objects.count() == expected.clients
    assert AuditEvent.objects.count() == expected.audit_events
    assert Deadline.objects.count() == expected.deadlines
    assert Organisation.objects.count() == expected.organisations
    assert User.objects.count() - users_before == expected.users
    assert AccessLog.objects.count() == expected.access_log
    assert Notification.objects.count() == expected.notifications


def test_realistic_shapes() -> None:
    _seed()
    numbers = list(Client.objects.values_list("id_number", flat=True))
    assert len(numbers) == len(set(numbers))
    for number in numbers:
        assert len(number) == 12
        assert parse_identity_number(number).value == number  # Luhn, date, not in the future

    per_case = Participation.objects.values("case").distinct().count()
    assert per_case == 300
    assert 2 <= Participation.objects.count() / 300 <= 3
    cases = Case.objects.count()
    in_force = Consent.objects.filter(withdrawn_at__isnull=True).values("case").distinct().count()
    assert 0.55 < in_force / cases < 0.85
    # Open deadlines on open cases, some of them overdue; most deadlines are done.
    active = Deadline.objects.filter(status__in=Deadline.ACTIVE_STATUSES)
    assert 0 < active.count() < Deadline.objects.filter(status="klar").count()
    assert not active.filter(case__closed_at__isnull=False).exists()
    assert Client.objects.filter(protected_identity=True).count() < 0.1 * Client.objects.count()


def test_every_case_is_visible_to_someone() -> None:
    _seed()
    seen: set[int] = set()
    for user in User.objects.filter(memberships__isnull=False).distinct():
        seen.update(Case.objects.visible_to(user).values_list("pk", flat=True))
    assert seen == set(Case.objects.values_list("pk", flat=True))


def test_same_seed_same_data_and_refuses_a_second_run_without_force() -> None:
    _seed()
    first = checksum()
    with pytest.raises(CommandError, match="--force"):
        _seed()
    assert checksum() == first  # the refused run changed nothing

    _seed("--force")
    assert checksum() == first
    assert Case.objects.count() == 300

    call_command(
        "seed_synthetic", "--cases", "300", "--seed", "8", "--i-know", "--force", stdout=StringIO()
    )
    assert checksum() != first


def test_refuses_a_database_not_named_for_benchmarks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(connection.settings_dict, "NAME", "brygga")
    with pytest.raises(CommandError, match="--i-know"):
        call_command("seed_synthetic", "--cases", "10", stdout=StringIO())
    assert not Case.objects.exists()
