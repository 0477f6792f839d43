"""The case flows as the people in DOMAIN.md §8 do them: a frivårdsinspektör opens a
kontraktsvård case and documents consent, the socialnämnd reads it, consent is withdrawn, forms
refuse bad input, everything works from the keyboard, and the access rule (DOMAIN.md §2) holds
on the page itself."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Browser, Page, expect

from cases.models import Case, Client, Consent
from cases.personnummer import luhn_check_digit
from cases.services.journal import note_add

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REFERENCE = re.compile(r"KV-\d{4}-\d{5}")
NORDOST = "Göteborgs stad, socialnämnden Nordost"
FRIVARDEN = "Kriminalvården, frivården Göteborg"
# Demo cases (cases/demo_data.py), found by their målnummer.
WITH_CONSENT = "B 4711-26"  # frivården Göteborg + Nordost, oral consent, Kalle Exempelsson
WITHOUT_CONSENT = "B 5120-26"  # frivården Göteborg + Centrum, no consent, Lisa Testberg
SHARED = "Delad – med parter som omfattas av samtycket"
INTERNAL = "Intern – bara den egna organisationen"
# A minimal one-page PDF, standing in for a scanned document.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]"
    b"/Count 1>>endobj 3 0 obj<</Type/Page/MediaBox[0 0 595 842]/Parent 2 0 R>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def invented_personnummer() -> str:
    """A valid personnummer for a made-up client, typed as YYMMDD-NNNN."""
    birth, serial = "920417", "238"
    return f"{birth}-{serial}{luhn_check_digit(birth + serial)}"


@pytest.fixture
def other_page(browser: Browser, live_server: object) -> Iterator[Page]:
    """A second person at another desk: their own browser context, their own session."""
    context = browser.new_context(
        base_url=str(live_server), locale="sv-SE", timezone_id="Europe/Stockholm"
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def case_url(malnummer: str) -> str:
    return f"/arenden/{Case.objects.get(malnummer=malnummer).pk}/"


def test_frivardsinspektor_opens_a_case_documents_consent_and_the_kommun_reads_it(
    page: Page,
    other_page: Page,
    demo_accounts: dict[str, object],
    login_with_password: Callable[..., None],
    login_as: Callable[[Page, str], None],
    assert_accessible: Callable[[Page], None],
) -> None:
    login_with_password("fi.frivard-gbg")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Välkommen")
    page.goto("/arenden/nytt/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nytt ärende")
    assert_accessible(page)

    page.get_by_label("Ärendetyp").select_option(label="Kontraktsvård")
    expect(page.get_by_label("Din organisation i ärendet").locator("option:checked")).to_have_text(
        FRIVARDEN
    )
    page.get_by_label("Personnummer eller samordningsnummer").fill(invented_personnummer())
    page.get_by_label("Förnamn").fill("Tove")
    page.get_by_label("Efternamn").fill("Påhittsdotter")
    page.get_by_label("Motpart").select_option(label=NORDOST)
    page.get_by_label("Domstol").fill("Göteborgs tingsrätt")
    page.get_by_label("Målnummer").fill("B 1-26")
    page.get_by_role("button", name="Skapa ärende").click()

    status = page.get_by_role("status")
    expect(status).to_contain_text(re.compile(r"Ärendet KV-\d{4}-\d{5} är skapat"))
    reference = REFERENCE.search(status.inner_text())
    assert reference is not None
    expect(page).to_have_url(re.compile(r"/arenden/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Kontraktsvård {reference.group()}")
    expect(page.get_by_text("Tove Påhittsdotter")).to_be_visible()
    expect(page.get_by_text("Inget samtycke är dokumenterat.")).to_be_visible()
    assert_accessible(page)

    # The client gave consent orally at the visit; it covers both parties.
    page.get_by_text("Dokumentera samtycke").click()
    consent = page.locator("form[action$='/samtycke/']")
    consent.get_by_label(FRIVARDEN).check()
    consent.get_by_label(NORDOST).focus()
    page.keyboard.press("Space")
    expect(consent.get_by_label(NORDOST)).to_be_checked()
    consent.get_by_label("Omfattning").fill("Utbyte av uppgifter inför yttrandet till tingsrätten.")
    consent.get_by_label("Muntligt – journalfört").check()
    consent.get_by_label("Journalanteckning om det muntliga samtycket").fill(
        "Klienten samtyckte muntligt vid besöket på frivården; samtycket lästes upp."
    )
    consent.get_by_role("button", name="Spara samtycke").click()
    expect(page.get_by_role("status")).to_contain_text("Samtycket är dokumenterat.")
    consents = page.locator(".consent-list")
    expect(consents.get_by_text("Gäller")).to_be_visible()
    expect(consents).to_contain_text(FRIVARDEN)
    expect(consents).to_contain_text(NORDOST)
    assert_accessible(page)

    # Socialsekreteraren in Nordost finds the new request among the organisation's cases.
    login_as(other_page, "soc.nordost")
    other_page.goto("/")
    other_page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Organisationens ärenden"
    ).click()
    expect(other_page.get_by_role("heading", level=1)).to_have_text("Organisationens ärenden")
    other_page.get_by_role("link", name=reference.group()).click()
    expect(other_page.get_by_role("heading", level=1)).to_contain_text(reference.group())
    expect(other_page.get_by_text("Tove Påhittsdotter")).to_be_visible()
    expect(other_page.get_by_text("Ni ser bara förfrågan")).to_have_count(0)
    other_page.get_by_text("Skriv anteckning").click()
    other_page.get_by_label("Anteckning", exact=True).fill(
        "Nordost har tagit emot förfrågan och bokar ett första samtal."
    )
    other_page.locator("form[action$='/anteckningar/']").get_by_label(SHARED).check()
    other_page.get_by_role("button", name="Spara anteckning").click()
    expect(other_page.get_by_role("status")).to_contain_text("Anteckningen är sparad.")
    assert_accessible(other_page)

    # Back at frivården, the shared note is in the journal.
    page.reload()
    journal = page.locator("section[aria-labelledby='journal'] .notes")
    expect(journal).to_contain_text("Nordost har tagit emot förfrågan och bokar ett första samtal.")
    expect(journal.locator("li", has_text="bokar ett första samtal")).to_contain_text("Delad")
    assert_accessible(page)


def test_counterpart_sees_only_the_request_before_consent(
    page: Page,
    login_as: Callable[[Page, str], None],
    assert_accessible: Callable[[Page], None],
) -> None:
    # Frivården wrote an internal and a shared note; neither may reach Centrum without consent.
    case = Case.objects.get(malnummer=WITHOUT_CONSENT)
    frivard = get_user_model().objects.get(username="fi.frivard-gbg")
    note_add(
        case_id=case.pk, actor=frivard, body="Frivårdens delade anteckning.", visibility="delad"
    )
    note_add(
        case_id=case.pk, actor=frivard, body="Frivårdens interna anteckning.", visibility="intern"
    )

    login_as(page, "soc.centrum")
    page.goto("/arenden/organisation/")
    page.get_by_label("Sök", exact=True).fill(WITHOUT_CONSENT)
    page.get_by_role("button", name="Visa ärenden").click()
    results = page.locator("#case-results")
    expect(results.get_by_role("row")).to_have_count(2)  # the header and the one case
    expect(results).not_to_contain_text("Testberg")
    expect(results).to_contain_text("Uppgift saknas – inget samtycke")
    assert_accessible(page)

    results.get_by_role("link", name=REFERENCE).click()
    expect(page.get_by_role("heading", level=2, name="Ni ser bara förfrågan")).to_be_visible()
    content = page.locator("body")
    expect(content).not_to_contain_text("Lisa")
    expect(content).not_to_contain_text("Testberg")
    expect(content).not_to_contain_text(Client.objects.get(cases=case).identity.formatted)
    journal = page.locator("section", has=page.get_by_role("heading", name="Journal"))
    expect(journal).to_contain_text("Inga anteckningar att visa.")
    expect(content).not_to_contain_text("Frivårdens delade anteckning.")
    expect(content).not_to_contain_text("Frivårdens interna anteckning.")
    assert_accessible(page)


def test_withdrawn_consent_removes_the_counterparts_access_at_once(
    page: Page,
    other_page: Page,
    login_as: Callable[[Page, str], None],
    assert_accessible: Callable[[Page], None],
) -> None:
    url = case_url(WITH_CONSENT)
    login_as(other_page, "soc.nordost")
    other_page.goto(url)
    expect(other_page.get_by_text("Kalle Exempelsson")).to_be_visible()

    login_as(page, "fi.frivard-gbg")
    page.goto(url)
    page.get_by_text("Registrera återkallelse").click()
    page.get_by_label("Anteckning om återkallelsen").fill(
        "Klienten ringde och återkallade samtycket."
    )
    page.get_by_role("button", name="Återkalla samtycket").click()
    expect(page.get_by_role("status")).to_contain_text("Samtycket är återkallat.")
    expect(page.locator(".consent-list")).to_contain_text("Återkallat")
    expect(page.locator("#timeline")).to_contain_text("Samtycket återkallades")
    assert_accessible(page)

    other_page.reload()
    expect(other_page.get_by_text("Ni ser bara förfrågan")).to_be_visible()
    expect(other_page.locator("body")).not_to_contain_text("Kalle")
    expect(other_page.locator("body")).not_to_contain_text("Exempelsson")
    assert_accessible(other_page)
    assert Consent.objects.get(case__malnummer=WITH_CONSENT).withdrawn_at is not None


def test_shared_attachment_reaches_the_counterpart_and_the_journal_form_is_untouched(
    page: Page,
    other_page: Page,
    login_as: Callable[[Page, str], None],
    assert_accessible: Callable[[Page], None],
) -> None:
    url = case_url(WITH_CONSENT)
    reference = Case.objects.get(malnummer=WITH_CONSENT).reference
    login_as(page, "fi.frivard-gbg")
    page.goto(url)
    page.get_by_text("Skriv anteckning").click()  # both forms on the page, as a user may have
    journal = page.locator("form[action$='/anteckningar/']")
    expect(journal).to_be_visible()
    page.get_by_text("Ladda upp fil").click()
    upload = page.locator("form[action$='/bilagor/']")
    upload.get_by_label("Fil", exact=True).set_input_files(
        files=[{"name": "behandlingsplan.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    # The upload form's own "Delad" choice, by its label: the Bilagor and Journal forms have
    # radios of their own ids, so a click on this label must not tick the journal's "Delad".
    shared = upload.get_by_role("radio", name=SHARED)
    expect(shared).to_have_count(1)
    upload.get_by_text(SHARED).click()  # on the label, as with a mouse
    expect(shared).to_be_checked()
    expect(journal.get_by_role("radio", name=INTERNAL)).to_be_checked()  # must stay "Intern"
    upload.get_by_role("button", name="Ladda upp").click()
    expect(page.get_by_role("status")).to_contain_text("Filen är uppladdad.")
    attachments = page.locator("section", has=page.get_by_role("heading", name="Bilagor"))
    expect(
        attachments.get_by_role("listitem").filter(has_text="behandlingsplan.pdf")
    ).to_contain_text("Delad")
    assert_accessible(page)

    login_as(other_page, "soc.nordost")
    other_page.goto(url)
    assert_accessible(other_page)
    with other_page.expect_download() as download:
        other_page.get_by_role("link", name="behandlingsplan.pdf").click()
    # The file name carries the case reference, never the client's name.
    assert re.fullmatch(rf"{reference}-bilaga-\d+\.pdf", download.value.suggested_filename)


def test_forms_refuse_a_wrong_check_digit_and_written_consent_without_the_form(
    page: Page,
    login_as: Callable[[Page, str], None],
    assert_accessible: Callable[[Page], None],
) -> None:
    login_as(page, "fi.frivard-gbg")
    cases_before = Case.objects.count()
    page.goto("/arenden/nytt/")
    valid = invented_personnummer()
    wrong = valid[:-1] + str((int(valid[-1]) + 1) % 10)
    page.get_by_label("Ärendetyp").select_option(label="Kontraktsvård")
    page.get_by_label("Personnummer eller samordningsnummer").fill(wrong)
    page.get_by_label("Förnamn").fill("Tove")
    page.get_by_label("Efternamn").fill("Påhittsdotter")
    page.get_by_role("button", name="Skapa ärende").click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Kontrollsiffran stämmer inte.")
    expect(page.get_by_label("Personnummer eller samordningsnummer")).to_have_attribute(
        "aria-invalid", "true"
    )
    assert Case.objects.count() == cases_before
    assert_accessible(page)

    # Written consent, but the signed form is not attached and no party is ticked.
    page.goto(case_url(WITHOUT_CONSENT))
    page.get_by_text("Dokumentera samtycke").click()
    consent = page.locator("form[action$='/samtycke/']")
    consent.get_by_label("Omfattning").fill("Utbyte av uppgifter inför yttrandet.")
    consent.get_by_label("Skriftligt – undertecknad sekretessblankett").check()
    consent.get_by_role("button", name="Spara samtycke").click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Bifoga den undertecknade sekretessblanketten.")
    expect(page.locator("#id_document_error")).to_contain_text(
        "Bifoga den undertecknade sekretessblanketten."
    )
    assert not Consent.objects.filter(case__malnummer=WITHOUT_CONSENT).exists()
    assert_accessible(page)
    # Each error in the summary leads to its field, a group of checkboxes included.
    for link in summary.get_by_role("link").all():
        target = link.get_attribute("href") or ""
        expect(page.locator(target), f"{link.inner_text()} -> {target}").to_have_count(1)
    summary.get_by_role("link", name="Välj minst en part som samtycket omfattar.").click()
    expect(consent.get_by_label("Göteborgs stad, socialnämnden Centrum")).to_be_focused()


def _tab_to(page: Page, is_target: str, limit: int = 150) -> None:
    """Press Tab until the focused element satisfies the JS predicate ``is_target(el)``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(({is_target}))(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached an element matching {is_target}")


def test_keyboard_only_skip_link_and_writing_a_note(
    page: Page,
    login_as: Callable[[Page, str], None],
    assert_accessible: Callable[[Page], None],
) -> None:
    login_as(page, "soc.nordost")
    page.goto("/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Hoppa till huvudinnehållet")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()

    page.goto(case_url(WITH_CONSENT))
    _tab_to(page, "el => el.tagName === 'SUMMARY' && el.textContent.trim() === 'Skriv anteckning'")
    page.keyboard.press("Enter")
    # The form is fetched as the panel opens; focus stays on the summary meanwhile.
    expect(page.get_by_label("Anteckning", exact=True)).to_be_visible()
    expect(page.locator("summary", has_text="Skriv anteckning")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Anteckning", exact=True)).to_be_focused()
    page.keyboard.type("Telefonsamtal med klienten om första mötet.")
    _tab_to(page, "el => el.tagName === 'BUTTON' && el.textContent.trim() === 'Spara anteckning'")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Anteckningen är sparad.")
    expect(page.locator("section[aria-labelledby='journal'] .notes")).to_contain_text(
        "Telefonsamtal med klienten om första mötet."
    )
    assert_accessible(page)


def test_timeline_filter_swaps_the_list_in_place(
    page: Page,
    login_as: Callable[[Page, str], None],
    assert_accessible: Callable[[Page], None],
) -> None:
    login_as(page, "fi.frivard-gbg")
    page.goto(case_url(WITH_CONSENT))
    events = page.locator("#timeline-events li")
    expect(events.filter(has_text="Ärendet skapades")).to_have_count(1)
    page.evaluate("window.samePage = true")

    page.get_by_label("Visa").focus()
    page.get_by_label("Visa").select_option(label="Samtycke dokumenterat")
    expect(events).to_have_count(1)
    expect(events).to_contain_text("Samtycke dokumenterades.")
    assert page.evaluate("window.samePage === true"), "the filter reloaded the whole page"
    # Keyboard users stay on the filter; screen-reader users hear what the filter did.
    expect(page.get_by_label("Visa")).to_be_focused()
    expect(page.get_by_label("Visa")).to_have_value("consent_recorded")
    announcement = page.locator("#timeline-status")
    expect(announcement).to_have_attribute("aria-live", "polite")
    expect(announcement).to_have_text("Samtycke dokumenterat: 1 händelse.")

    page.get_by_label("Visa").select_option(label="Alla händelser")
    expect(events.filter(has_text="Ärendet skapades")).to_have_count(1)
    expect(announcement).to_have_text(re.compile(r"^Alla händelser: \d+ händelser\.$"))
    assert_accessible(page)


def test_case_outside_scope_is_not_found(
    page: Page,
    login_as: Callable[[Page, str], None],
    assert_accessible: Callable[[Page], None],
) -> None:
    url = case_url(WITH_CONSENT)  # frivården Göteborg and Nordost; Partille takes no part
    login_as(page, "soc.partille")
    response = page.goto(url)
    assert response is not None and response.status == 404
    # Brygga's own Swedish page (templates/404.html), not Django's bare English fallback.
    expect(page.locator("html")).to_have_attribute("lang", "sv", timeout=1_000)
    expect(page.locator("body")).not_to_contain_text("Exempelsson")
    assert_accessible(page)
