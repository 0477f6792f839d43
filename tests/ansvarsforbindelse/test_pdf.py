"""The PDFs themselves, read back with poppler (pdftotext, pdffonts) and from their bytes: every
field of the regional template with the right values and intact Swedish letters, the shipped
fonts embedded, PDF/A-3b metadata on the archived original, the watermark only on drafts, the
SHA-256 check, masking of a protected identity, access logging, and a real Celery worker
rendering the archive after the signature."""

from __future__ import annotations

import hashlib
import re
import statistics
import subprocess
import time
import uuid
import zlib
from pathlib import Path
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from django.urls import reverse

from ansvarsforbindelse import selectors, services
from ansvarsforbindelse.models import Ansvarsforbindelse
from ansvarsforbindelse.pdf import render_commitment_pdf, render_joint_plan_pdf
from cases.models import AccessLog, Consent
from cases.selectors import case_for_user
from cases.services import care
from cases.services.consent import consent_withdraw
from config.celery import app
from tests.ansvarsforbindelse.conftest import (
    CLIENT_FIRST,
    CLIENT_LAST,
    COURT,
    FILLED_IN,
    MALNUMMER,
    kontraktsvard_in_enforcement,
    vardvistelse_decided,
)
from tests.cases.workflow_helpers import pnr

CLIENT_NAME = f"{CLIENT_FIRST} {CLIENT_LAST}"


# --- Reading PDFs back ------------------------------------------------------------------------


def pdf_text(data: bytes, tmp_path: Path) -> str:
    """The text as pdftotext reads it, whitespace (and no-break spaces) collapsed."""
    path = tmp_path / f"{uuid.uuid4().hex}.pdf"
    path.write_bytes(data)
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    return " ".join(result.stdout.decode("utf-8").replace("\u00a0", " ").split())


def pdf_fonts(data: bytes, tmp_path: Path) -> list[dict[str, str]]:
    """pdffonts' table as rows; the columns are cut where its dashed rule says."""
    path = tmp_path / f"{uuid.uuid4().hex}.pdf"
    path.write_bytes(data)
    output = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, check=True, text=True
    ).stdout.splitlines()
    header, rule, rows = output[0], output[1], output[2:]
    spans = [(m.start(), m.end()) for m in re.finditer(r"-+", rule)]
    names = [header[a:b].strip() for a, b in spans]
    return [{n: row[a:b].strip() for n, (a, b) in zip(names, spans, strict=True)} for row in rows]


def xmp_packet(data: bytes) -> str:
    """The XMP metadata packet, read from the PDF's bytes (its stream may be deflated)."""
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        raw = match.group(1)
        for candidate in (raw, _inflate(raw)):
            if candidate and b"<x:xmpmeta" in candidate:
                return candidate.decode("utf-8")
    return ""


def _inflate(raw: bytes) -> bytes:
    try:
        return zlib.decompress(raw)
    except zlib.error:
        return b""


# --- Helpers ----------------------------------------------------------------------------------


def signed_and_archived(world: dict[str, Any], case: Any) -> Ansvarsforbindelse:
    commitment = services.commitment_create_draft(
        case_id=case.pk, actor=world["users"]["soc"], **FILLED_IN
    )
    services.commitment_sign(commitment_id=commitment.pk, actor=world["users"]["chef"])
    services.commitment_archive_pdf(commitment_id=commitment.pk)
    return Ansvarsforbindelse.objects.get(pk=commitment.pk)


def draft_pdf_for(user: Any, commitment: Ansvarsforbindelse) -> bytes:
    """The draft rendered for ``user``, the way the download view does it."""
    loaded = selectors.commitment_for_user(user, commitment.pk)
    return render_commitment_pdf(loaded, case=loaded.case)


# --- Content ----------------------------------------------------------------------------------


def test_the_archived_commitment_has_every_field_with_its_value(world, media, tmp_path) -> None:
    case = kontraktsvard_in_enforcement(world)
    commitment = signed_and_archived(world, case)
    text = pdf_text(Path(commitment.pdf.path).read_bytes(), tmp_path)
    expected = [
        # Headings of the regional template
        "Ansvarsförbindelse",
        "Utfärdande nämnd",
        "Mottagare",
        "Klient",
        "Dom",
        "Vårdgivare",
        "Kostnad",
        "Betalningsansvar",
        "Villkor för upphörande",
        "Fakturering",
        "Beslut och underskrift",
        # The kommun and the issuing nämnd, with its diarienummer and the decision
        "Älvstads kommun",
        "Socialnämnden Öster",
        "Nämnd Älvstads kommun, socialnämnden Öster",
        "Diarienummer SN Ö 2026/0815",
        "Dnr SN Ö 2026/0790, 2026-11-01",
        # Recipient
        "Kriminalvården, frivården Åby",
        # Client (the issuing kommun's archive has the identity)
        f"Namn {CLIENT_NAME}",
        f"Personnummer {pnr(1)[:8]}-{pnr(1)[8:]}",
        # Judgment and the alternative term
        f"Domstol {COURT}",
        f"Målnummer {MALNUMMER}",
        "Domsdatum 2026-10-31",
        "Skyddstillsyn med särskild behandlingsplan (kontraktsvård)",
        "Alternativt fängelsestraff 270 dagar (9 månader)",
        # Vårdgivare and the form of care
        "Behandlingshemmet Älvgården AB",
        "Organisationsnummer 556677-8899",
        "Vårdform Institutionsvård (HVB)",
        "Behandling på behandlingshem, därefter öppenvård i hemkommunen.",
        # Cost, in Swedish format, and what it covers
        "Kostnad per dygn 2 450,50 kr",
        "Behandling, boende och kost (helpension).",
        # Payment responsibility: the day after Kriminalvården's ends, and the end date
        "Från och med 2027-04-01",
        "Kriminalvårdens betalningsansvar upphör (2027-03-31)",
        "Gäller till och med 2027-09-30",
        # Conditions for ending it
        "Behandlingen avbryts eller avslutas i förtid.",
        "Domen ändras eller upphävs.",
        "Klienten flyttar från kommunen.",
        "Behandlingsplanen revideras så att insatsen ändras.",
        # Invoicing
        "Fakturaskanning, Box 1157 412 63 Älvstad",
        "Referens Ärende 5120, Märta Åkesson",
        # Decision and signature by delegation
        "Undertecknad elektroniskt i Brygga 2026-11-02",
        "Örjan Kärrholm, Enhetschef, Älvstads kommun, socialnämnden Öster",
        "Enligt delegationsordning punkt 4.2.1",
        # Page furniture
        "Ansvarsförbindelse KV-2026-00001, version 1",
        "Sida 1 av 2",
        "Sida 2 av 2",
    ]
    missing = [item for item in expected if item not in text]
    assert not missing, f"missing from the PDF: {missing}\n\n{text}"
    assert "UTKAST" not in text and "Ej ifyllt" not in text
    # Swedish letters intact (no replacement characters or decomposed letters).
    assert "\ufffd" not in text and "a\u030a" not in text


def test_a_draft_carries_the_watermark_and_says_what_is_missing(world, tmp_path) -> None:
    case = kontraktsvard_in_enforcement(world)
    commitment = services.commitment_create_draft(case_id=case.pk, actor=world["users"]["soc"])
    text = pdf_text(draft_pdf_for(world["users"]["soc"], commitment), tmp_path)
    assert text.count("UTKAST – inte undertecknat") == 2  # on every page
    assert "Diarienummer Ej ifyllt" in text and "Kostnad per dygn Ej ifyllt" in text
    for line in ("Ort och datum", "Underskrift", "Namnförtydligande"):
        assert line in text
    assert "Sida 1 av" in text


def test_vardvistelse_has_no_judgment_but_the_vf_date(world, tmp_path) -> None:
    case = vardvistelse_decided(world)
    commitment = services.commitment_create_draft(
        case_id=case.pk, actor=world["users"]["soc"], **FILLED_IN
    )
    text = pdf_text(draft_pdf_for(world["users"]["soc"], commitment), tmp_path)
    assert "Vårdvistelse" in text and "Domstol" not in text
    assert "Från och med 2027-04-01 Dagen för villkorlig frigivning." in text
    assert "Enhet Kriminalvården, anstalten Örby" in text


def test_the_shipped_fonts_are_embedded_in_every_document(world, media, tmp_path) -> None:
    case = kontraktsvard_in_enforcement(world)
    archived = signed_and_archived(world, case)
    care.joint_plan_save(
        case_id=case.pk,
        actor=world["users"]["fi"],
        insatser="Behandling för beroende.",
        responsibilities="Kriminalvården: verkställighet. Kommunen: betalning efter övergången.",
        others_measures="",
        overall_responsible="Frivården Åby",
        follow_up_date=None,
    )
    soc = world["users"]["soc"]
    documents = {
        "archived": Path(archived.pdf.path).read_bytes(),
        "draft": draft_pdf_for(
            soc, services.commitment_new_version(commitment_id=archived.pk, actor=soc)
        ),
        "joint plan": render_joint_plan_pdf(case_for_user(soc, case.pk), soc),
    }
    for name, data in documents.items():
        rows = pdf_fonts(data, tmp_path)
        assert rows, name
        assert all(row["emb"] == "yes" for row in rows), (name, rows)
        # Our own family name: no system font stood in for the shipped files.
        assert all("Brygga-Sans" in row["name"] for row in rows), (name, rows)
        assert {"Brygga-Sans", "Brygga-Sans-Bold"} <= {row["name"].split("+")[-1] for row in rows}


def test_the_archived_original_is_pdfa_3b(world, media) -> None:
    case = kontraktsvard_in_enforcement(world)
    data = Path(signed_and_archived(world, case).pdf.path).read_bytes()
    assert data.startswith(b"%PDF-1.7")
    packet = xmp_packet(data)
    assert re.search(r'pdfaid:part(="|>)3', packet), packet
    assert re.search(r'pdfaid:conformance(="|>)B', packet), packet
    # The title is the reference, never the client's name.
    assert "Ansvarsförbindelse KV-2026-00001, version 1" in packet
    assert CLIENT_LAST not in packet
    draft = services.commitment_new_version(
        commitment_id=Ansvarsforbindelse.objects.get(case=case).pk, actor=world["users"]["soc"]
    )
    assert "pdfaid" not in xmp_packet(draft_pdf_for(world["users"]["soc"], draft))


def test_render_time_of_one_commitment(world, media) -> None:
    """DESIGN.md: one ansvarsförbindelse PDF < 1 s in a warm worker. Printed, not asserted
    (timings belong to `make bench`)."""
    case = kontraktsvard_in_enforcement(world)
    commitment = signed_and_archived(world, case)
    issuer_case = selectors.case_as_issuer(case.pk)
    render_commitment_pdf(commitment, case=issuer_case, archival=True)  # warm up
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        render_commitment_pdf(commitment, case=issuer_case, archival=True)
        timings.append(time.perf_counter() - start)
    print(
        f"\nansvarsförbindelse PDF/A-3b render: median {statistics.median(timings) * 1000:.0f} ms,"
        f" max {max(timings) * 1000:.0f} ms over {len(timings)} warm renders"
    )


# --- Integrity, masking, logging --------------------------------------------------------------


def test_the_page_shows_whether_the_stored_file_still_matches(world, media, client) -> None:
    case = kontraktsvard_in_enforcement(world)
    commitment = signed_and_archived(world, case)
    client.force_login(world["users"]["soc"])
    detail = reverse("ansvarsforbindelse:detail", args=[commitment.pk])
    page = client.get(detail).content.decode()
    assert "Den lagrade filen stämmer med kontrollsumman" in page
    assert commitment.pdf_sha256 in page
    stored = Path(commitment.pdf.path).read_bytes()
    assert hashlib.sha256(stored).hexdigest() == commitment.pdf_sha256
    response = client.get(reverse("ansvarsforbindelse:pdf", args=[commitment.pk]))
    assert response.status_code == 200 and response.content == stored
    assert response["Content-Disposition"].startswith("attachment;")
    assert CLIENT_LAST not in response["Content-Disposition"]

    # Someone changes the archived file on disk.
    Path(commitment.pdf.path).write_bytes(stored.replace(b"2450", b"1450") + b"\n%tampered\n")
    page = client.get(detail).content.decode()
    assert "Den lagrade filen stämmer inte längre med kontrollsumman" in page
    response = client.get(reverse("ansvarsforbindelse:pdf", args=[commitment.pk]))
    assert response.status_code == 409
    assert "stämmer inte längre med kontrollsumman" in response.content.decode()

    Path(commitment.pdf.path).unlink()
    assert "Den lagrade filen saknas" in client.get(detail).content.decode()


def test_a_signed_download_before_the_worker_archives_it_now(world, media, client) -> None:
    case = kontraktsvard_in_enforcement(world)
    commitment = services.commitment_create_draft(
        case_id=case.pk, actor=world["users"]["soc"], **FILLED_IN
    )
    services.commitment_sign(commitment_id=commitment.pk, actor=world["users"]["chef"])
    client.force_login(world["users"]["chef"])
    response = client.get(reverse("ansvarsforbindelse:pdf", args=[commitment.pk]))
    stored = Ansvarsforbindelse.objects.get(pk=commitment.pk)
    assert response.status_code == 200 and stored.pdf_sha256
    assert hashlib.sha256(response.content).hexdigest() == stored.pdf_sha256


def test_a_protected_identity_is_masked_in_the_pdf_for_others(
    world, media, client, tmp_path
) -> None:
    # Frivården opens the case and so holds the grant; the kommun's staff do not.
    case = kontraktsvard_in_enforcement(world, protected=True)
    soc, fi = world["users"]["soc"], world["users"]["fi"]
    commitment = services.commitment_create_draft(case_id=case.pk, actor=soc, **FILLED_IN)

    masked = pdf_text(draft_pdf_for(soc, commitment), tmp_path)
    assert CLIENT_FIRST not in masked and CLIENT_LAST not in masked
    assert pnr(1)[2:8] not in masked
    assert "Namn Skyddad identitet" in masked and "Personnummer Visas inte" in masked
    granted = pdf_text(draft_pdf_for(fi, commitment), tmp_path)
    assert CLIENT_NAME in granted

    client.force_login(soc)
    preview = client.get(reverse("ansvarsforbindelse:preview", args=[commitment.pk]))
    assert CLIENT_LAST not in preview.content.decode()

    services.commitment_sign(commitment_id=commitment.pk, actor=world["users"]["chef"])
    services.commitment_archive_pdf(commitment_id=commitment.pk)
    archived = Ansvarsforbindelse.objects.get(pk=commitment.pk)
    # The archived original is the issuing kommun's record and carries the identity ...
    assert CLIENT_NAME in pdf_text(Path(archived.pdf.path).read_bytes(), tmp_path)
    # ... but a viewer without the grant gets a masked copy, never the original.
    response = client.get(reverse("ansvarsforbindelse:pdf", args=[commitment.pk]))
    copy = pdf_text(response.content, tmp_path)
    assert response.status_code == 200 and CLIENT_LAST not in copy
    assert "Kopia. Klienten har skyddade personuppgifter." in copy
    assert "Undertecknad elektroniskt i Brygga" in copy
    client.force_login(fi)
    response = client.get(reverse("ansvarsforbindelse:pdf", args=[commitment.pk]))
    assert response.content == Path(archived.pdf.path).read_bytes()


def test_downloads_and_previews_are_logged(world, media, client) -> None:
    case = kontraktsvard_in_enforcement(world)
    soc = world["users"]["soc"]
    commitment = services.commitment_create_draft(case_id=case.pk, actor=soc, **FILLED_IN)
    client.force_login(soc)
    before = AccessLog.objects.count()
    response = client.get(reverse("ansvarsforbindelse:pdf", args=[commitment.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    entry = AccessLog.objects.order_by("-id").first()
    assert (entry.action, entry.user, entry.case_id) == (AccessLog.Action.DOWNLOAD, soc, case.pk)
    assert entry.organisation == world["kommun"] and entry.client_id == case.client_id
    client.get(reverse("ansvarsforbindelse:preview", args=[commitment.pk]))
    entry = AccessLog.objects.order_by("-id").first()
    assert entry.action == AccessLog.Action.VIEW_CASE and entry.case_id == case.pk
    assert AccessLog.objects.count() == before + 2


def test_the_joint_plan_pdf_needs_shared_access_and_is_logged(
    world, media, client, tmp_path
) -> None:
    case = kontraktsvard_in_enforcement(world)
    url = reverse("ansvarsforbindelse:joint_plan_pdf", args=[case.pk])
    soc, fi = world["users"]["soc"], world["users"]["fi"]
    client.force_login(soc)
    assert client.get(url).status_code == 404  # no plan yet
    care.joint_plan_save(
        case_id=case.pk,
        actor=fi,
        insatser="Behandling för beroende på Älvgården.\nBoendestöd efter utskrivning.",
        responsibilities="Kriminalvården: verkställigheten. Kommunen: betalning från 2027-04-01.",
        others_measures="Arbetsförmedlingen: praktikplats.",
        overall_responsible="Frida Inspektör, frivården Åby",
        follow_up_date=None,
    )
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    for item in (
        "Gemensam plan för samverkan",
        "1. Insatser den enskilde behöver",
        "Behandling för beroende på Älvgården.",
        "2. Kriminalvårdens och kommunens ansvar",
        "3. Åtgärder som vidtas av någon annan än kommunen och Kriminalvården",
        "Arbetsförmedlingen: praktikplats.",
        "4. Vem har det övergripande ansvaret för planen",
        CLIENT_NAME,
        "Utskriven 2026-11-02",
        "Sören Ängström",
        "Sida 1 av 1",
    ):
        assert item in text, item
    entry = AccessLog.objects.order_by("-id").first()
    assert (entry.action, entry.user, entry.case_id) == (AccessLog.Action.DOWNLOAD, soc, case.pk)

    # Consent withdrawn: the kommun sees only the request, and no longer the plan.
    consent = Consent.objects.get(case=case)
    consent_withdraw(consent_id=consent.pk, actor=fi)
    assert client.get(url).status_code == 404
    client.force_login(world["users"]["other"])
    assert client.get(url).status_code == 404


def test_withdrawn_consent_closes_the_commitment_to_the_counterpart(world, client) -> None:
    case = kontraktsvard_in_enforcement(world)
    soc, fi = world["users"]["soc"], world["users"]["fi"]
    commitment = services.commitment_create_draft(case_id=case.pk, actor=soc, **FILLED_IN)
    consent_withdraw(consent_id=Consent.objects.get(case=case).pk, actor=fi)
    client.force_login(soc)
    for name in ("detail", "preview", "pdf"):
        url = reverse(f"ansvarsforbindelse:{name}", args=[commitment.pk])
        assert client.get(url).status_code == 404, name


# --- The real worker --------------------------------------------------------------------------


@pytest.fixture
def worker(monkeypatch: pytest.MonkeyPatch) -> Any:
    """A real Celery worker in this process, on a private queue of the real broker (so no other
    test run's worker takes our task, and ours takes no one else's)."""
    queue = f"brygga-af-{uuid.uuid4().hex[:8]}"
    monkeypatch.setitem(app.conf, "task_default_queue", queue)
    _forget_amqp_state()
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[queue]
        ):
            yield
    finally:
        monkeypatch.undo()
        # The queue table and the router are built once from the configuration and cached;
        # rebuilt from the restored configuration, later workers consume the default queue again.
        _forget_amqp_state()


def _forget_amqp_state() -> None:
    for name in ("queues", "default_queue", "router"):
        app.amqp.__dict__.pop(name, None)
    app.amqp._rtable = None


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_archives_the_signed_pdf(world, media, worker, tmp_path) -> None:
    case = kontraktsvard_in_enforcement(world)
    commitment = services.commitment_create_draft(
        case_id=case.pk, actor=world["users"]["soc"], **FILLED_IN
    )
    started = time.perf_counter()
    services.commitment_sign(commitment_id=commitment.pk, actor=world["users"]["chef"])
    limit = time.monotonic() + 30
    while time.monotonic() < limit:
        stored = Ansvarsforbindelse.objects.get(pk=commitment.pk)
        if stored.pdf_sha256:
            break
        time.sleep(0.05)
    else:
        raise AssertionError("the worker did not archive the signed commitment in time")
    print(f"\nsigned → archived by the worker in {time.perf_counter() - started:.2f} s")
    data = Path(stored.pdf.path).read_bytes()
    assert hashlib.sha256(data).hexdigest() == stored.pdf_sha256
    assert re.search(r'pdfaid:part(="|>)3', xmp_packet(data))
    assert CLIENT_NAME in pdf_text(data, tmp_path)
