"""Services: one transaction, permission check, audit event; bad input changes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from cases.models import AccessLog, Attachment, AuditEvent, Case, Client, Consent, Note
from cases.personnummer import parse_identity_number
from cases.roles import OrganisationKind, Role
from cases.services.cases import case_create
from cases.services.consent import consent_record, consent_withdraw
from cases.services.journal import attachment_add, note_add
from tests.factories import MembershipFactory, OrganisationFactory

PNR = "19800101-0019"  # invented, valid check digit
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def parties(db: None) -> dict[str, object]:
    kommun = OrganisationFactory(name="SN Nordost (test)", kind=OrganisationKind.KOMMUN)
    frivard = OrganisationFactory(name="Frivården (test)", kind=OrganisationKind.FRIVARD)
    return {
        "kommun": kommun,
        "frivard": frivard,
        "soc": MembershipFactory(organisation=kommun, role=Role.SOCIALSEKRETERARE).user,
        "fi": MembershipFactory(organisation=frivard, role=Role.FRIVARDSINSPEKTOR).user,
        "sysf": MembershipFactory(organisation=kommun, role=Role.SYSTEMFORVALTARE).user,
    }


def _open_case(parties: dict[str, object], **kwargs: object) -> Case:
    return case_create(
        actor=parties["fi"],
        organisation=parties["frivard"],
        case_type="kontraktsvard",
        identity=parse_identity_number(PNR),
        first_name="Test",
        last_name="Klientsson",
        counterpart=parties["kommun"],
        **kwargs,
    )


def test_case_gets_a_yearly_reference_and_its_creation_is_on_the_timeline(parties) -> None:
    first = _open_case(parties)
    second = case_create(
        actor=parties["fi"],
        organisation=parties["frivard"],
        case_type="kontraktsvard",
        identity=parse_identity_number("19900202-0007"),
        first_name="A",
        last_name="B",
    )
    year = timezone.localdate().year
    assert first.reference == f"KV-{year}-00001"
    assert second.reference == f"KV-{year}-00002"
    assert first.state == "initierad"
    assert list(AuditEvent.objects.filter(case=first).values_list("kind", flat=True)) == [
        "participation_added",
        "case_created",
    ]
    assert set(first.participations.values_list("organisation__name", flat=True)) == {
        "SN Nordost (test)",
        "Frivården (test)",
    }


def test_same_personnummer_reuses_the_client(parties) -> None:
    _open_case(parties)
    case_create(
        actor=parties["fi"],
        organisation=parties["frivard"],
        case_type="vardvistelse",
        identity=parse_identity_number("800101-0019"),
        first_name="Annat",
        last_name="Namn",
    )
    assert Client.objects.count() == 1


def test_a_user_without_a_case_role_cannot_open_a_case(parties) -> None:
    with pytest.raises(PermissionDenied):
        case_create(
            actor=parties["sysf"],
            organisation=parties["kommun"],
            case_type="kontraktsvard",
            identity=parse_identity_number(PNR),
            first_name="X",
            last_name="Y",
        )
    assert not Case.objects.exists() and not Client.objects.exists()


def test_consent_needs_a_signed_form_or_a_journal_note_and_changes_nothing_otherwise(
    parties,
) -> None:
    case = _open_case(parties)
    with pytest.raises(ValidationError):
        consent_record(
            case_id=case.pk,
            actor=parties["fi"],
            parties=[parties["kommun"]],
            scope="x",
            given_on=timezone.localdate(),
            form="skriftligt",
        )
    with pytest.raises(ValidationError):
        consent_record(
            case_id=case.pk,
            actor=parties["fi"],
            parties=[parties["kommun"]],
            scope="x",
            given_on=timezone.localdate(),
            form="muntligt",
            oral_note="   ",
        )
    assert not Consent.objects.exists() and not Note.objects.exists()


def test_consent_may_only_cover_parties_of_the_case(parties) -> None:
    case = _open_case(parties)
    outsider = OrganisationFactory(name="Annan kommun")
    with pytest.raises(ValidationError):
        consent_record(
            case_id=case.pk,
            actor=parties["fi"],
            parties=[outsider],
            scope="x",
            given_on=timezone.localdate(),
            form="muntligt",
            oral_note="Muntligt vid besök.",
        )


def test_written_consent_stores_the_form_and_withdrawal_is_recorded_once(parties) -> None:
    case = _open_case(parties)
    consent = consent_record(
        case_id=case.pk,
        actor=parties["fi"],
        parties=[parties["frivard"], parties["kommun"]],
        scope="Kontraktsvård",
        given_on=timezone.localdate(),
        form="skriftligt",
        document=SimpleUploadedFile("blankett.pdf", PDF, "application/pdf"),
    )
    assert consent.document is not None and consent.document.visibility == "delad"
    assert consent.document.sha256 == __import__("hashlib").sha256(PDF).hexdigest()
    consent_withdraw(consent_id=consent.pk, actor=parties["soc"], note="Återkallat per telefon.")
    with pytest.raises(ValidationError):
        consent_withdraw(consent_id=consent.pk, actor=parties["soc"])
    kinds = list(AuditEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds.count("consent_withdrawn") == 1


def test_journal_is_append_only_in_the_database(parties) -> None:
    case = _open_case(parties)
    note = note_add(case_id=case.pk, actor=parties["fi"], body="Första", visibility="intern")
    with pytest.raises(DatabaseError), transaction.atomic():
        Note.objects.filter(pk=note.pk).update(body="Ändrad")
    with pytest.raises(DatabaseError), transaction.atomic():
        Note.objects.filter(pk=note.pk).delete()
    correction = note_add(
        case_id=case.pk,
        actor=parties["fi"],
        body="Rättelse",
        visibility="intern",
        corrects_id=note.pk,
    )
    assert correction.corrects == note
    assert Note.objects.get(pk=note.pk).body == "Första"


def test_a_note_of_another_organisation_cannot_be_corrected(parties) -> None:
    case = _open_case(parties)
    note = note_add(case_id=case.pk, actor=parties["fi"], body="Frivårdens", visibility="delad")
    with pytest.raises(ValidationError):
        note_add(
            case_id=case.pk,
            actor=parties["soc"],
            body="x",
            visibility="intern",
            corrects_id=note.pk,
        )


def test_audit_events_and_access_log_cannot_be_changed(parties) -> None:
    case = _open_case(parties)
    event = AuditEvent.objects.filter(case=case).first()
    assert event is not None
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(message="Förfalskad")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    entry = AccessLog.objects.create(user=parties["soc"], action="visa_arende", case=case)
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).update(action="export")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ...", "Filtypen stöds inte"),
        ("fake.pdf", b"not a pdf", "Filens innehåll stämmer inte med filtypen"),
        ("empty.pdf", b"", "Filen är tom"),
    ],
)
def test_attachments_are_checked_before_they_are_stored(parties, name, content, message) -> None:
    case = _open_case(parties)
    with pytest.raises(ValidationError, match=message):
        attachment_add(
            case_id=case.pk,
            actor=parties["fi"],
            visibility="intern",
            uploaded=SimpleUploadedFile(name, content),
        )
    assert not Attachment.objects.exists()


def test_too_large_attachment_is_refused(parties, settings) -> None:
    case = _open_case(parties)
    big = SimpleUploadedFile("stor.pdf", b"%PDF" + b"0" * (20 * 1024 * 1024))
    with pytest.raises(ValidationError, match="för stor"):
        attachment_add(case_id=case.pk, actor=parties["fi"], visibility="intern", uploaded=big)


def test_virus_scan_hook_blocks_infected_files(parties, settings) -> None:
    settings.BRYGGA_VIRUS_SCANNER = "tests.cases.test_services.reject_everything"
    case = _open_case(parties)
    with pytest.raises(ValidationError, match="skadlig kod"):
        attachment_add(
            case_id=case.pk,
            actor=parties["fi"],
            visibility="intern",
            uploaded=SimpleUploadedFile("a.pdf", PDF),
        )
    assert not Attachment.objects.exists()


def reject_everything(data: bytes) -> bool:
    return False


def test_download_is_logged_and_named_without_personal_data(parties, client: HttpClient) -> None:
    case = _open_case(parties)
    attachment = attachment_add(
        case_id=case.pk,
        actor=parties["fi"],
        visibility="intern",
        uploaded=SimpleUploadedFile("Klientsson utredning.pdf", PDF),
    )
    client.force_login(parties["fi"])
    response = client.get(reverse("cases:attachment_download", args=[case.pk, attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "Klientsson" not in response["Content-Disposition"]
    assert case.reference in response["Content-Disposition"]
    assert AccessLog.objects.filter(action="hamta_bilaga", attachment=attachment).count() == 1


def test_case_page_read_is_logged_with_who_what_and_where(parties, client: HttpClient) -> None:
    case = _open_case(parties)
    client.force_login(parties["soc"])
    client.get(reverse("cases:detail", args=[case.pk]), REMOTE_ADDR="10.1.2.3")
    entry = AccessLog.objects.get(action="visa_arende")
    assert (entry.user, entry.organisation, entry.case, entry.ip_address) == (
        parties["soc"],
        parties["kommun"],
        case,
        "10.1.2.3",
    )
    # Without consent the kommun sees the request only: no read of the client is logged.
    assert entry.client is None


def test_row_history_is_kept_for_the_core_models(parties) -> None:
    case = _open_case(parties)
    Case.objects.filter(pk=case.pk).update(malnummer="B 99-26")
    history = list(case.events.order_by("pgh_id").values_list("malnummer", flat=True))  # type: ignore[attr-defined]
    assert history == ["", "B 99-26"]
