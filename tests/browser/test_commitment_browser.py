"""The ansvarsförbindelse as the people in DOMAIN.md §8 handle it: the socialsekreterare drafts
it from what the case already knows, the enhetschef signs it by delegation, the
socialsekreterare records that it was sent to frivården. Every page passes axe."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from ansvarsforbindelse import tasks
from ansvarsforbindelse.models import Ansvarsforbindelse, CareProvider
from cases.models import Case, Organisation
from cases.personnummer import luhn_check_digit, parse_identity_number
from cases.services import care
from cases.services.cases import case_create
from cases.services.consent import consent_record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NORDOST = "Göteborgs stad, socialnämnden Nordost"
FRIVARDEN = "Kriminalvården, frivården Göteborg"


def kontraktsvard_in_enforcement(accounts: dict[str, Any]) -> Case:
    """A new kontraktsvård case between frivården Göteborg and Nordost, walked through the real
    services to Kriminalvården's payment responsibility (judgment, vårdgivare, payment end)."""
    today = timezone.localdate()
    fi, soc = accounts["fi.frivard-gbg"], accounts["soc.nordost"]
    frivard = Organisation.objects.get(name=FRIVARDEN)
    nordost = Organisation.objects.get(name=NORDOST)
    core = "910315271"
    case = case_create(
        actor=fi,
        organisation=frivard,
        case_type="kontraktsvard",
        identity=parse_identity_number(f"19{core}{luhn_check_digit(core)}"),
        first_name="Åke",
        last_name="Påhittsson",
        counterpart=nordost,
        court="Göteborgs tingsrätt",
        malnummer="B 9911-26",
    )
    consent_record(
        case_id=case.pk,
        actor=fi,
        parties=[frivard, nordost],
        scope="Kontraktsvård",
        given_on=today,
        form="muntligt",
        oral_note="Muntligt samtycke vid besök i häktet.",
    )
    care.application_register(case_id=case.pk, actor=soc, received_on=today)
    care.investigation_start(case_id=case.pk, actor=soc)
    care.decision_record(
        case_id=case.pk,
        actor=soc,
        decision="beviljat",
        decision_date=today,
        to_client_on=today,
        to_client_how="brev",
        to_kv_on=today,
        to_kv_how="telefon",
    )
    care.care_provider_propose(
        case_id=case.pk,
        actor=fi,
        provider=CareProvider.objects.filter(procured_by="bada").order_by("name").first(),
        planned_start=today,
        planned_end=today + timedelta(days=300),
    )
    care.treatment_plan_register(case_id=case.pk, actor=fi, plan_date=today, summary="Behandling")
    care.judgment_register(
        case_id=case.pk,
        actor=fi,
        judgment_date=today,
        pafoljd="kontraktsvard",
        alternative_prison_term_days=180,
    )
    care.enforcement_start(
        case_id=case.pk,
        actor=fi,
        placement_start=today,
        kv_payment_end=today + timedelta(days=120),
    )
    return case


def test_socialsekreterare_drafts_enhetschef_signs_and_it_is_sent(
    page: Page,
    login_as: Callable[[Page, str], None],
    assert_accessible: Callable[[Page], None],
    demo_accounts: dict[str, Any],
    settings: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    # The archive is rendered at once instead of by a worker (a real worker renders it in
    # tests/ansvarsforbindelse/test_pdf.py); nothing is left on the shared broker.
    monkeypatch.setattr(
        tasks.render_signed_commitment, "delay", lambda pk: tasks.render_signed_commitment(pk)
    )
    case = kontraktsvard_in_enforcement(demo_accounts)
    transfer = timezone.localdate() + timedelta(days=121)

    # The socialsekreterare drafts it.
    login_as(page, "soc.nordost")
    page.goto(f"/ansvarsforbindelser/arende/{case.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Ansvarsförbindelser i {case.reference}"
    )
    expect(page.get_by_text("Ingen ansvarsförbindelse är upprättad.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Upprätta ansvarsförbindelse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Upprätta ansvarsförbindelse")
    # Filled in from the case: nothing to type twice.
    expect(page.get_by_label("Kommunens betalningsansvar från och med")).to_have_value(
        f"{transfer:%Y-%m-%d}"
    )
    expect(page.get_by_label("Mottagare", exact=True).locator("option:checked")).to_have_text(
        FRIVARDEN
    )
    assert_accessible(page)
    page.get_by_label("Kostnad per dygn (kr)").fill("noll")
    page.get_by_role("button", name="Spara utkast").click()
    expect(page.get_by_role("alert")).to_contain_text("Ange kostnaden i kronor")
    assert_accessible(page)
    page.get_by_label("Ansvarsförbindelsens diarienummer").fill("N 2026/1234")
    page.get_by_label("Beslutets diarienummer").fill("N 2026/1200")
    page.get_by_label("Kostnad per dygn (kr)").fill("2 450,50")
    page.get_by_label("Kostnaden omfattar").fill("Behandling, boende och kost.")
    page.get_by_label("Fakturaadress").fill("Göteborgs stad\nBox 1000\n405 30 Göteborg")
    page.get_by_label("Fakturareferens").fill("Nordost 5120")
    page.get_by_label("Delegation", exact=True).fill("Enligt delegationsordning punkt 3.2.4")
    page.get_by_role("button", name="Spara utkast").click()
    expect(page.get_by_role("status")).to_contain_text("Utkastet till ansvarsförbindelse är sparat")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ansvarsförbindelse, version 1")
    expect(page.locator(".tag").first).to_have_text("Utkast")
    # A socialsekreterare cannot sign.
    expect(page.get_by_role("button", name="Underteckna ansvarsförbindelsen")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="Förhandsgranska", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ansvarsförbindelse")
    expect(page.get_by_text("Utkast – inte undertecknat.")).to_be_visible()
    expect(page.get_by_role("cell", name="2 450,50 kr")).to_be_visible()
    assert_accessible(page)
    pdf = page.request.get(page.url.replace("forhandsgranska/", "pdf/"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF-")

    # The enhetschef signs it by delegation.
    commitment = Ansvarsforbindelse.objects.get(case=case)
    page.context.clear_cookies()
    login_as(page, "chef.nordost")
    page.goto(f"/ansvarsforbindelser/{commitment.pk}/")
    expect(page.get_by_label("Delegation")).to_have_value("Enligt delegationsordning punkt 3.2.4")
    assert_accessible(page)
    page.get_by_role("button", name="Underteckna ansvarsförbindelsen").click()
    expect(page.get_by_role("status")).to_contain_text("Ansvarsförbindelsen är undertecknad")
    expect(page.locator(".tag").first).to_have_text("Undertecknad")
    expect(page.get_by_text("Den lagrade filen stämmer med kontrollsumman")).to_be_visible()
    expect(page.get_by_role("link", name="Ändra utkastet")).to_have_count(0)
    assert_accessible(page)

    # The socialsekreterare records that it was sent to frivården.
    page.context.clear_cookies()
    login_as(page, "soc.nordost")
    page.goto(f"/ansvarsforbindelser/{commitment.pk}/")
    expect(page.get_by_label("Skicka till").locator("option:checked")).to_have_text(FRIVARDEN)
    page.get_by_role("button", name="Registrera som skickad").click()
    expect(page.get_by_role("status")).to_contain_text("registrerad som skickad")
    expect(page.locator(".tag").first).to_have_text("Skickad")
    expect(page.get_by_role("button", name="Gör en ny version")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Alla versioner").click()
    expect(
        page.get_by_role("cell", name=f"Frivården Göteborg, {timezone.localdate():%Y-%m-%d}")
    ).to_be_visible()
    assert_accessible(page)

    commitment.refresh_from_db()
    assert commitment.state == "skickad" and commitment.pdf_sha256
    assert commitment.signed_by == demo_accounts["chef.nordost"]
