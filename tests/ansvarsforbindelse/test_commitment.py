"""The ansvarsförbindelse's lifecycle (DOMAIN.md §5): filled in from the case, validated,
signed only by an enhetschef of the issuing kommun, immutable once signed, sent to
Kriminalvården, ended, and replaced by a new version that keeps the old one readable."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ansvarsforbindelse import permissions, services
from ansvarsforbindelse.models import ENDING_CONDITIONS, Ansvarsforbindelse, CommitmentState
from ansvarsforbindelse.presenters import case_panel
from cases.models import AuditEvent, CareProcess, Membership
from cases.rendering import jinja2_html
from cases.selectors import case_for_user, load_memberships
from tests.ansvarsforbindelse.conftest import (
    COURT,
    FILLED_IN,
    KV_PAYMENT_END,
    MALNUMMER,
    PLANNED_END,
    TODAY,
    TRANSFER,
    kontraktsvard_in_enforcement,
    new_case,
    vardvistelse_decided,
)


def draft(world: dict[str, Any], case: Any, **fields: Any) -> Ansvarsforbindelse:
    return services.commitment_create_draft(
        case_id=case.pk, actor=world["users"]["soc"], **{**FILLED_IN, **fields}
    )


def signed(world: dict[str, Any], case: Any, **fields: Any) -> Ansvarsforbindelse:
    commitment = draft(world, case, **fields)
    return services.commitment_sign(commitment_id=commitment.pk, actor=world["users"]["chef"])


def reload(commitment: Ansvarsforbindelse) -> Ansvarsforbindelse:
    return Ansvarsforbindelse.objects.get(pk=commitment.pk)


def messages_of(error: ValidationError, field: str) -> str:
    return " ".join(error.message_dict.get(field, []))


# --- Drafting ---------------------------------------------------------------------------------


def test_a_draft_is_filled_in_from_the_case(world) -> None:
    case = kontraktsvard_in_enforcement(world)
    commitment = services.commitment_create_draft(case_id=case.pk, actor=world["users"]["soc"])
    assert commitment.state == CommitmentState.UTKAST and commitment.version == 1
    assert commitment.issuing_organisation == world["kommun"]
    assert commitment.recipient == world["frivard"]
    assert commitment.care_provider == world["both"]
    assert commitment.form_of_care == "institution"
    # 000: the kommun pays from the day after Kriminalvården's payment responsibility ends.
    assert commitment.payment_start == TRANSFER == KV_PAYMENT_END + timedelta(days=1)
    assert commitment.payment_end == PLANNED_END
    assert commitment.decision_date == TODAY - timedelta(days=1)
    assert (commitment.court, commitment.malnummer) == (COURT, MALNUMMER)
    assert commitment.judgment_date == TODAY - timedelta(days=2)
    assert commitment.alternative_prison_term_days == 270
    assert commitment.ending_conditions == ENDING_CONDITIONS["kontraktsvard"]
    for ground in ("avbryts", "Domen ändras", "flyttar", "revideras"):
        assert ground in commitment.ending_conditions
    # Two enhetschefer in the kommun: the decision-maker is left for the signature.
    assert commitment.decision_maker is None
    event = AuditEvent.objects.get(case=case, kind="commitment_drafted")
    assert event.shared is False and event.organisation == world["kommun"]


def test_vardvistelse_goes_to_the_anstalt_from_the_vf_date(world) -> None:
    case = vardvistelse_decided(world)
    commitment = services.commitment_create_draft(case_id=case.pk, actor=world["users"]["soc"])
    assert commitment.recipient == world["anstalt"]
    assert commitment.payment_start == TRANSFER
    assert commitment.court == "" and commitment.alternative_prison_term_days is None
    with pytest.raises(ValidationError) as error:
        services.commitment_update_draft(
            commitment_id=commitment.pk,
            actor=world["users"]["soc"],
            payment_start=TRANSFER - timedelta(days=1),
        )
    assert "villkorlig frigivning" in messages_of(error.value, "payment_start")


@pytest.mark.parametrize("who", ["fi", "kvi", "reg"])
def test_only_kommun_staff_may_draft(world, who) -> None:
    case = kontraktsvard_in_enforcement(world)
    with pytest.raises(PermissionDenied):
        services.commitment_create_draft(case_id=case.pk, actor=world["users"][who])
    assert not Ansvarsforbindelse.objects.exists()


def test_outside_the_case_it_does_not_exist(world) -> None:
    case = kontraktsvard_in_enforcement(world)
    for who in ("other", "other_chef", "kh"):
        with pytest.raises(Http404):
            services.commitment_create_draft(case_id=case.pk, actor=world["users"][who])
    commitment = draft(world, case)
    with pytest.raises(Http404):
        services.commitment_sign(commitment_id=commitment.pk, actor=world["users"]["other_chef"])


def test_without_the_kommuns_decision_there_is_no_commitment(world) -> None:
    case = new_case(world, "kontraktsvard")
    with pytest.raises(ValidationError) as error:
        services.commitment_create_draft(case_id=case.pk, actor=world["users"]["soc"])
    assert "beviljat bistånd" in " ".join(error.value.messages)


def test_the_start_date_must_be_the_transfer_date(world) -> None:
    case = kontraktsvard_in_enforcement(world)
    with pytest.raises(ValidationError) as error:
        draft(world, case, payment_start=TRANSFER + timedelta(days=1))
    message = messages_of(error.value, "payment_start")
    assert "dagen efter att Kriminalvårdens upphör" in message and "2027-04-01" in message
    # The transfer date changes (Kriminalvården's new decision): the draft must follow.
    commitment = draft(world, case)
    CareProcess.objects.filter(case=case).update(kv_payment_end=KV_PAYMENT_END + timedelta(days=7))
    with pytest.raises(ValidationError) as error:
        services.commitment_sign(commitment_id=commitment.pk, actor=world["users"]["chef"])
    assert "2027-04-08" in messages_of(error.value, "payment_start")
    assert reload(commitment).state == CommitmentState.UTKAST


@pytest.mark.parametrize("cost", [Decimal("0"), Decimal("-100.00")])
def test_the_cost_per_day_must_be_positive(world, cost) -> None:
    case = kontraktsvard_in_enforcement(world)
    with pytest.raises(ValidationError) as error:
        draft(world, case, cost_per_day=cost)
    assert messages_of(error.value, "cost_per_day") == "Kostnaden per dygn ska vara större än 0 kr."
    commitment = draft(world, case)
    with pytest.raises(IntegrityError), transaction.atomic():
        Ansvarsforbindelse.objects.filter(pk=commitment.pk).update(cost_per_day=cost)


@pytest.mark.parametrize("days_after_start", [0, -30])
def test_the_end_or_review_date_must_be_after_the_start(world, days_after_start) -> None:
    case = kontraktsvard_in_enforcement(world)
    with pytest.raises(ValidationError) as error:
        draft(world, case, payment_end=TRANSFER + timedelta(days=days_after_start))
    assert "efter startdatumet" in messages_of(error.value, "payment_end")


def test_the_decision_maker_must_hold_the_delegation(world) -> None:
    case = kontraktsvard_in_enforcement(world)
    for who in ("soc", "other_chef", "fi"):
        with pytest.raises(ValidationError) as error:
            draft(world, case, decision_maker=world["users"][who])
        assert "enhetschef med delegation" in messages_of(error.value, "decision_maker")


def test_one_draft_and_one_commitment_in_force_per_case(world) -> None:
    case = kontraktsvard_in_enforcement(world)
    first = draft(world, case)
    with pytest.raises(ValidationError):
        draft(world, case)
    services.commitment_sign(commitment_id=first.pk, actor=world["users"]["chef"])
    with pytest.raises(ValidationError) as error:
        draft(world, case)
    assert "ny version" in " ".join(error.value.messages)
    # The database holds the rule too.
    with pytest.raises(IntegrityError), transaction.atomic():
        Ansvarsforbindelse.objects.create(
            case=case,
            version=9,
            state=CommitmentState.SKICKAD,
            issuing_organisation=world["kommun"],
            recipient=world["frivard"],
            signed_at=first.signed_at,
            signed_by=world["users"]["chef"],
            created_by=world["users"]["soc"],
        )


# --- Signing ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["soc", "fi", "kvi", "reg"])
def test_only_an_enhetschef_of_the_issuing_kommun_signs(world, who) -> None:
    case = kontraktsvard_in_enforcement(world)
    commitment = draft(world, case)
    with pytest.raises(PermissionDenied):
        services.commitment_sign(commitment_id=commitment.pk, actor=world["users"][who])
    assert reload(commitment).state == CommitmentState.UTKAST


def test_an_ended_membership_gives_no_delegation(world) -> None:
    case = kontraktsvard_in_enforcement(world)
    commitment = draft(world, case)
    chef = world["users"]["chef"]
    chef.memberships.update(valid_until=TODAY - timedelta(days=1))
    with pytest.raises((PermissionDenied, Http404)):
        services.commitment_sign(commitment_id=commitment.pk, actor=chef)


def test_signing_needs_every_part_of_the_template(world) -> None:
    case = kontraktsvard_in_enforcement(world)
    commitment = services.commitment_create_draft(case_id=case.pk, actor=world["users"]["soc"])
    with pytest.raises(ValidationError) as error:
        services.commitment_sign(commitment_id=commitment.pk, actor=world["users"]["chef"])
    missing = error.value.message_dict
    for field in (
        "diarienummer",
        "decision_reference",
        "cost_per_day",
        "cost_covers",
        "invoice_address",
        "invoice_reference",
        "delegation",
    ):
        assert field in missing, field
    assert missing["cost_per_day"] == ["Ange kostnad per dygn."]


def test_the_named_decision_maker_signs(world) -> None:
    case = kontraktsvard_in_enforcement(world)
    commitment = draft(world, case, decision_maker=world["users"]["chef2"])
    with pytest.raises(ValidationError) as error:
        services.commitment_sign(commitment_id=commitment.pk, actor=world["users"]["chef"])
    assert "annan beslutsfattare" in messages_of(error.value, "decision_maker")
    services.commitment_sign(commitment_id=commitment.pk, actor=world["users"]["chef2"])
    assert reload(commitment).signed_by == world["users"]["chef2"]


def test_signing_records_who_when_and_the_delegation_and_queues_the_pdf(
    world, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    from ansvarsforbindelse import tasks

    queued: list[int] = []
    monkeypatch.setattr(tasks.render_signed_commitment, "delay", queued.append)
    case = kontraktsvard_in_enforcement(world)
    commitment = draft(world, case)
    chef = world["users"]["chef"]
    with django_capture_on_commit_callbacks(execute=True):
        services.commitment_sign(
            commitment_id=commitment.pk, actor=chef, delegation="Delegationsordning punkt 7"
        )
    commitment = reload(commitment)
    assert commitment.state == CommitmentState.UNDERTECKNAD
    assert commitment.signed_by == chef and commitment.decision_maker == chef
    assert commitment.signed_at is not None
    assert commitment.delegation == "Delegationsordning punkt 7"
    assert queued == [commitment.pk]  # rendered by the worker after commit
    event = AuditEvent.objects.get(case=case, kind="commitment_signed")
    assert event.shared and event.actor == chef and event.data["delegation"]


def test_a_signed_commitment_is_immutable(world) -> None:
    case = kontraktsvard_in_enforcement(world)
    commitment = signed(world, case)
    with pytest.raises(ValidationError) as error:
        services.commitment_update_draft(
            commitment_id=commitment.pk, actor=world["users"]["soc"], cost_per_day=Decimal("1")
        )
    assert "Gör en ny version" in " ".join(error.value.messages)
    with pytest.raises(ValidationError):
        services.commitment_sign(commitment_id=commitment.pk, actor=world["users"]["chef"])
    # Not even a direct write gets past the database.
    with pytest.raises(DatabaseError), transaction.atomic():
        Ansvarsforbindelse.objects.filter(pk=commitment.pk).update(cost_per_day=Decimal("1"))
    with pytest.raises(DatabaseError), transaction.atomic():
        Ansvarsforbindelse.objects.filter(pk=commitment.pk).delete()
    assert reload(commitment).cost_per_day == FILLED_IN["cost_per_day"]


def test_a_closed_case_gets_no_signature(world) -> None:
    from cases.services import care

    case = kontraktsvard_in_enforcement(world)
    commitment = draft(world, case)
    care.case_abort(case_id=case.pk, actor=world["users"]["soc"], end_reason="Klienten avböjde.")
    with pytest.raises(ValidationError):
        services.commitment_sign(commitment_id=commitment.pk, actor=world["users"]["chef"])


# --- Sending, ending, new versions ------------------------------------------------------------


def test_sending_is_recorded_to_kriminalvarden_of_the_case(world) -> None:
    case = kontraktsvard_in_enforcement(world)
    commitment = draft(world, case)
    with pytest.raises(ValidationError):  # not signed yet
        services.commitment_send(commitment_id=commitment.pk, actor=world["users"]["soc"])
    services.commitment_sign(commitment_id=commitment.pk, actor=world["users"]["chef"])
    with pytest.raises(ValidationError) as error:
        services.commitment_send(
            commitment_id=commitment.pk, actor=world["users"]["soc"], sent_to=world["anstalt"]
        )
    assert "frivårdskontoret eller anstalten i ärendet" in messages_of(error.value, "sent_to")
    with pytest.raises(PermissionDenied):
        services.commitment_send(commitment_id=commitment.pk, actor=world["users"]["fi"])
    services.commitment_send(commitment_id=commitment.pk, actor=world["users"]["soc"])
    commitment = reload(commitment)
    assert commitment.state == CommitmentState.SKICKAD
    assert commitment.sent_to == world["frivard"] and commitment.sent_by == world["users"]["soc"]
    assert commitment.sent_at is not None
    event = AuditEvent.objects.get(case=case, kind="commitment_sent")
    assert event.message.endswith("skickades till Frivården Åby.")
    with pytest.raises(ValidationError):
        services.commitment_send(commitment_id=commitment.pk, actor=world["users"]["soc"])


def test_a_new_version_replaces_the_old_one_which_stays_readable(world) -> None:
    case = kontraktsvard_in_enforcement(world)
    soc, chef = world["users"]["soc"], world["users"]["chef"]
    first = signed(world, case)
    services.commitment_send(commitment_id=first.pk, actor=soc)

    second = services.commitment_new_version(commitment_id=first.pk, actor=soc)
    assert (second.version, second.replaces, second.state) == (2, first, CommitmentState.UTKAST)
    assert second.cost_per_day == first.cost_per_day and second.signed_at is None
    # Until the new version is signed, the old one still applies.
    assert reload(first).state == CommitmentState.SKICKAD
    with pytest.raises(ValidationError):
        services.commitment_new_version(commitment_id=first.pk, actor=soc)

    services.commitment_update_draft(
        commitment_id=second.pk, actor=soc, cost_per_day=Decimal("2600.00")
    )
    services.commitment_sign(commitment_id=second.pk, actor=chef)
    first, second = reload(first), reload(second)
    assert first.state == CommitmentState.ERSATT and first.ended_at == second.signed_at
    assert second.state == CommitmentState.UNDERTECKNAD
    # The old version is kept unchanged: the history of versions stays readable.
    assert first.cost_per_day == FILLED_IN["cost_per_day"]
    assert [c.version for c in Ansvarsforbindelse.objects.filter(case=case)] == [2, 1]
    assert AuditEvent.objects.filter(case=case, kind="commitment_replaced").count() == 1
    assert Ansvarsforbindelse.objects.filter(case=case).in_force().get() == second


def test_ending_needs_a_reason_and_frees_the_case_for_a_new_commitment(world) -> None:
    case = kontraktsvard_in_enforcement(world)
    soc = world["users"]["soc"]
    commitment = signed(world, case)
    with pytest.raises(ValidationError) as error:
        services.commitment_end(commitment_id=commitment.pk, actor=soc, reason="  ")
    assert messages_of(error.value, "end_reason")
    with pytest.raises(PermissionDenied):
        services.commitment_end(
            commitment_id=commitment.pk, actor=world["users"]["fi"], reason="Flytt"
        )
    services.commitment_end(
        commitment_id=commitment.pk, actor=soc, reason="Klienten har flyttat från kommunen."
    )
    commitment = reload(commitment)
    assert commitment.state == CommitmentState.UPPHORD and commitment.ended_by == soc
    assert commitment.end_reason == "Klienten har flyttat från kommunen."
    event = AuditEvent.objects.get(case=case, kind="commitment_ended")
    assert "flyttat" not in event.message  # the reason stays on the commitment
    fresh = draft(world, case)
    assert fresh.version == 2 and fresh.replaces is None


def test_archiving_is_idempotent(world, media) -> None:
    case = kontraktsvard_in_enforcement(world)
    commitment = signed(world, case)
    assert services.commitment_archive_pdf(commitment_id=commitment.pk) is True
    stored = reload(commitment)
    assert stored.pdf.name.startswith(f"ansvarsforbindelser/{case.pk}/")
    assert len(stored.pdf_sha256) == 64
    assert services.commitment_archive_pdf(commitment_id=commitment.pk) is False
    assert reload(commitment).pdf_sha256 == stored.pdf_sha256
    assert AuditEvent.objects.filter(case=case, kind="commitment_archived").count() == 1
    assert (
        services.commitment_archive_pdf(
            commitment_id=draft(world, kontraktsvard_in_enforcement(world, 2)).pk
        )
        is False
    )
    assert services.commitment_archive_pdf(commitment_id=10**9) is False
    # Written once: the archived file cannot be swapped through the database either.
    with pytest.raises(DatabaseError), transaction.atomic():
        Ansvarsforbindelse.objects.filter(pk=commitment.pk).update(pdf_sha256="0" * 64)


# --- Pages --------------------------------------------------------------------------------------


def test_the_socialsekreterare_drafts_through_the_form_and_the_chef_signs(world, client) -> None:
    case = kontraktsvard_in_enforcement(world)
    client.force_login(world["users"]["soc"])
    url = reverse("ansvarsforbindelse:create", args=[case.pk])
    page = client.get(url).content.decode()
    assert 'value="2027-04-01"' in page  # prefilled transfer date
    assert "Dagen efter att Kriminalvårdens betalningsansvar upphör: 2027-04-01." in page
    data = {
        "diarienummer": "SN Ö 2026/0815",
        "decision_reference": "SN Ö 2026/0790",
        "decision_date": "2026-11-01",
        "recipient": world["frivard"].pk,
        "care_provider": world["both"].pk,
        "form_of_care": "institution",
        "cost_per_day": "2 450,50",
        "cost_covers": "Behandling och boende",
        "payment_start": "2027-04-02",
        "payment_end": "2027-09-30",
        "payment_end_kind": "till_och_med",
        "ending_conditions": ENDING_CONDITIONS["kontraktsvard"],
        "invoice_address": "Box 1, 412 63 Älvstad",
        "invoice_reference": "Ref 1",
        "decision_maker": "",
        "delegation": "",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Det finns ett problem" in body and "det vill säga 2027-04-01" in body
    response = client.post(url, {**data, "payment_start": "2027-04-01"})
    commitment = Ansvarsforbindelse.objects.get(case=case)
    assert response.status_code == 302 and commitment.cost_per_day == Decimal("2450.50")

    detail = reverse("ansvarsforbindelse:detail", args=[commitment.pk])
    assert "Underteckna ansvarsförbindelsen" not in client.get(detail).content.decode()
    assert client.post(reverse("ansvarsforbindelse:sign", args=[commitment.pk])).status_code == 403

    client.force_login(world["users"]["chef"])
    assert "Underteckna ansvarsförbindelsen" in client.get(detail).content.decode()
    response = client.post(reverse("ansvarsforbindelse:sign", args=[commitment.pk]), {})
    assert response.status_code == 400 and "Ange delegationen." in response.content.decode()
    response = client.post(
        reverse("ansvarsforbindelse:sign", args=[commitment.pk]), {"delegation": "Punkt 4.2"}
    )
    assert response.status_code == 302
    assert reload(commitment).state == CommitmentState.UNDERTECKNAD
    assert client.get(reverse("ansvarsforbindelse:edit", args=[commitment.pk])).status_code == 404


def test_pages_are_404_outside_the_case(world, client) -> None:
    case = kontraktsvard_in_enforcement(world)
    commitment = draft(world, case)
    client.force_login(world["users"]["other"])
    for name, args in (
        ("list", [case.pk]),
        ("create", [case.pk]),
        ("detail", [commitment.pk]),
        ("preview", [commitment.pk]),
        ("pdf", [commitment.pk]),
        ("joint_plan_pdf", [case.pk]),
    ):
        assert client.get(reverse(f"ansvarsforbindelse:{name}", args=args)).status_code == 404


def test_the_case_panel_lists_the_versions_in_constant_queries(world, rf: RequestFactory) -> None:
    case = kontraktsvard_in_enforcement(world)
    soc = world["users"]["soc"]
    viewer_case = case_for_user(soc, case.pk)
    panel = case_panel(viewer_case, soc)
    assert panel is not None and panel["can_create"] and panel["rows"] == []

    first = signed(world, case)
    request = rf.get("/")
    request.user = soc
    html = jinja2_html(
        "ansvarsforbindelse/_case_panel.html",
        {"commitment_panel": case_panel(case_for_user(soc, case.pk), soc)},
        request=request,
    )
    assert '<h2 id="ansvarsforbindelse">Ansvarsförbindelse</h2>' in html
    assert "Version 1" in html and "Undertecknad" in html

    with CaptureQueriesContext(connection) as one:
        case_panel(case_for_user(soc, case.pk), soc)
    second = services.commitment_new_version(commitment_id=first.pk, actor=soc)
    services.commitment_sign(commitment_id=second.pk, actor=world["users"]["chef"])
    services.commitment_new_version(commitment_id=second.pk, actor=soc)
    with CaptureQueriesContext(connection) as three:
        panel = case_panel(case_for_user(soc, case.pk), soc)
    assert len(panel["rows"]) == 3 and not panel["can_create"]
    assert len(one.captured_queries) == len(three.captured_queries)
    # Frivården reads the commitments but does not draft them.
    fi = world["users"]["fi"]
    frivard_panel = case_panel(case_for_user(fi, case.pk), fi)
    assert frivard_panel is not None and not frivard_panel["can_create"]


def test_the_panel_uses_the_memberships_the_page_read_and_services_read_them_again(
    world,
) -> None:
    """The case page reads the user's memberships once (load_memberships); the panel's
    permissions use them without a query of their own, and a service drops them to read
    them again inside its transaction, where a membership ended meanwhile counts."""
    case = kontraktsvard_in_enforcement(world)
    soc = world["users"]["soc"]
    load_memberships(soc)
    viewer_case = case_for_user(soc, case.pk)
    with CaptureQueriesContext(connection) as queries:
        assert permissions.can_draft(soc, viewer_case)
    assert not [q for q in queries.captured_queries if "cases_membership" in q["sql"]]

    Membership.objects.filter(user=soc).update(valid_until=timezone.localdate() - timedelta(1))
    assert permissions.can_draft(soc, viewer_case)  # what the page read at its start
    permissions.forget_memberships(soc)
    assert not permissions.can_draft(soc, viewer_case)
    with pytest.raises(Http404):
        services.commitment_create_draft(case_id=case.pk, actor=soc)
