"""`seed_demo`: idempotent, deterministic, invented data; refuses to run in production."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from cases.models import AuditEvent, Case, Client, Membership, Organisation
from cases.roles import ROLES_BY_KIND


def _seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", "--allow-production", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_refuses_without_debug_or_explicit_permission() -> None:
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=StringIO())
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_one_user_per_role_per_organisation_printed_as_json(monkeypatch) -> None:
    monkeypatch.setenv("DEMO_PASSWORD", "ett-annat-lösenord")
    accounts = json.loads(_seed("--json"))
    assert {
        "username": "soc.nordost",
        "organisation": "Göteborgs stad, socialnämnden Nordost",
        "role": "Socialsekreterare",
    } in accounts
    for organisation in Organisation.objects.exclude(units__isnull=False):
        roles = set(
            Membership.objects.filter(organisation=organisation).values_list("role", flat=True)
        )
        assert roles == set(ROLES_BY_KIND[organisation.kind]), organisation.name
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert kinds >= {
        "kommun",
        "frivard",
        "anstalt",
        "vardgivare",
        "arbetsformedlingen",
        "civilsamhalle",
    }
    assert Organisation.objects.filter(kind="frivard").count() == 2
    assert Organisation.objects.filter(kind="anstalt").count() == 2
    # The printed password is the one that works.
    assert (
        get_user_model().objects.get(username="fi.frivard-gbg").check_password("ett-annat-lösenord")
    )


@pytest.mark.django_db
def test_second_run_changes_nothing_but_resets_the_password(monkeypatch) -> None:
    _seed()
    counts = [m.objects.count() for m in (Organisation, Membership, Client, Case, AuditEvent)]
    user = get_user_model().objects.get(username="chef.nordost")
    user.set_password("ändrat-av-någon")
    user.save()
    table = _seed()
    assert [
        m.objects.count() for m in (Organisation, Membership, Client, Case, AuditEvent)
    ] == counts
    assert "soc.nordost" in table and "brygga-demo-2026" in table
    assert get_user_model().objects.get(username="chef.nordost").check_password("brygga-demo-2026")


@pytest.mark.django_db
def test_demo_cases_cover_consent_variants_and_protected_identity() -> None:
    _seed()
    cases = Case.objects.all()
    assert cases.filter(consents__isnull=True).exists()
    assert cases.filter(consents__withdrawn_at__isnull=False).exists()
    assert cases.filter(consents__withdrawn_at__isnull=True).exists()
    assert Client.objects.filter(protected_identity=True).count() >= 2
    assert len(set(cases.values_list("state", flat=True))) >= 4
    assert len({c.owner_organisation_id for c in cases}) >= 4
