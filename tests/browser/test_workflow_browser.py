"""The kontraktsvård and vårdvistelse workflows as the people of DOMAIN.md §8 walk them in the
browser: each party takes only its own steps (docs/workflows.md), the page shows the recorded
facts, the automatic transfer moves the case to the kommun, and the case ends closed or aborted."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import Browser, Locator, Page, expect

from cases import demo
from cases.models import CareProcess, Case
from cases.personnummer import luhn_check_digit
from cases.states import State
from cases.tasks_care import transfer_responsibilities
from tests.factories import DEMO_TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FRIVARDEN = "Kriminalvården, frivården Göteborg"
RADANEFORS = "Kriminalvården, anstalten Rådanefors"
NORDOST = "Göteborgs stad, socialnämnden Nordost"
CENTRUM = "Göteborgs stad, socialnämnden Centrum"
PARTILLE = "Partille kommun, socialtjänsten"
EKEN = "Behandlingshemmet Eken AB (exempel)"
KONTRAKTSVARD = "Skyddstillsyn med särskild behandlingsplan (kontraktsvård)"
STEP_DONE = "Steget är registrerat."

Login = Callable[[Page, str], None]
Check = Callable[[Page], None]


def iso(day: date) -> str:
    return f"{day:%Y-%m-%d}"


def days_before_today() -> Callable[[int], date]:
    """Dates relative to today, fixed once per test so that a run across midnight stays
    consistent (the live server shares the process and the time zone, Europe/Stockholm)."""
    today = timezone.localdate()
    return lambda days: today - timedelta(days=days)


def invented_personnummer(birth: str, serial: str) -> str:
    """A valid personnummer for a made-up client, typed as YYMMDD-NNNN."""
    return f"{birth}-{serial}{luhn_check_digit(birth + serial)}"


@pytest.fixture
def demo_accounts(db: None) -> dict[str, object]:
    """The shared fixture (tests/conftest.py) seeds outside a transaction, which the deadline
    service's select_for_update refuses under django_db(transaction=True); seed the way
    `manage.py seed_demo` does, in one transaction."""
    with transaction.atomic():
        demo.seed(password=DEMO_TEST_PASSWORD)
    return {user.username: user for user in get_user_model().objects.all()}


@pytest.fixture
def desk(browser: Browser, live_server: object, login_as: Login) -> Iterator[Callable[[str], Page]]:
    """Each person at their own desk: a browser context of their own, logged in."""
    contexts = []

    def sit_down(username: str) -> Page:
        context = browser.new_context(
            base_url=str(live_server), locale="sv-SE", timezone_id="Europe/Stockholm"
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        person = context.new_page()
        login_as(person, username)
        return person

    yield sit_down
    for context in contexts:
        context.close()


def state_tag(page: Page) -> Locator:
    """The case's state, the tag right under the heading."""
    return page.locator("h1 + p .tag")


def workflow(page: Page) -> Locator:
    return page.locator("section[aria-labelledby='arbetsgang']")


def fact(page: Page, term: str) -> Locator:
    """The value of one recorded fact in the Arbetsgång list."""
    return (
        workflow(page)
        .locator(".summary-list__row")
        .filter(has=page.locator("dt", has_text=re.compile(f"^{re.escape(term)}$")))
        .locator("dd")
    )


def step_panel(page: Page, label: str) -> Locator:
    """The <details> of one step under "Nästa steg" (or another disclosure of the page)."""
    return page.locator("details").filter(
        has=page.locator("summary", has_text=re.compile(f"^\\s*{re.escape(label)}\\s*$"))
    )


def waiting_for(page: Page) -> str:
    """What the "Väntar på" list says (empty when there is none)."""
    waiting = workflow(page).locator("h3:text-is('Väntar på') + ul")
    return waiting.inner_text() if waiting.count() else ""


def open_step(page: Page, label: str) -> Locator:
    panel = step_panel(page, label)
    assert panel.count() == 1, (
        f"the step '{label}' is not offered under Nästa steg on {page.url} "
        f"(state '{state_tag(page).inner_text()}'); Väntar på: {waiting_for(page)!r}"
    )
    panel.locator("summary").click()
    return panel


def submit(page: Page, panel: Locator, button: str, done: str = STEP_DONE) -> None:
    with page.expect_navigation():
        panel.get_by_role("button", name=button, exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(done)


def take_step(page: Page, label: str, fill: Callable[[Locator], None] | None = None) -> None:
    panel = open_step(page, label)
    if fill is not None:
        fill(panel)
    submit(page, panel, label)


def document_oral_consent(page: Page, parties: tuple[str, str], note: str) -> None:
    page.get_by_text("Dokumentera samtycke", exact=True).click()
    consent = page.locator("form[action$='/samtycke/']")
    for party in parties:
        consent.get_by_label(party).check()
    consent.get_by_label("Omfattning").fill("Informationsutbyte inför och under vården.")
    consent.get_by_label("Muntligt – journalfört").check()
    consent.get_by_label("Journalanteckning om det muntliga samtycket").fill(note)
    with page.expect_navigation():
        consent.get_by_role("button", name="Spara samtycke").click()
    expect(page.get_by_role("status")).to_contain_text("Samtycket är dokumenterat.")


def create_case(page: Page, case_type: str, fields: dict[str, str], counterpart: str) -> str:
    """Open a new case through the form; returns the case page's path."""
    page.goto("/arenden/nytt/")
    page.get_by_label("Ärendetyp").select_option(label=case_type)
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Motpart").select_option(label=counterpart)
    with page.expect_navigation():
        page.get_by_role("button", name="Skapa ärende").click()
    expect(page.get_by_role("status")).to_contain_text("är skapat")
    path = re.sub(r"^https?://[^/]+", "", page.url)
    assert re.fullmatch(r"/arenden/\d+/", path), path
    return path


def test_kontraktsvard_from_request_to_closed(
    page: Page, desk: Callable[[str], Page], login_as: Login, assert_accessible: Check
) -> None:
    days_ago = days_before_today()
    # 000 step 1: frivården tells the kommun that kontraktsvård is being investigated.
    login_as(page, "fi.frivard-gbg")
    case_path = create_case(
        page,
        "Kontraktsvård",
        {
            "Personnummer eller samordningsnummer": invented_personnummer("880612", "417"),
            "Förnamn": "Elias",
            "Efternamn": "Påhittsson",
            "Domstol": "Göteborgs tingsrätt",
            "Målnummer": "B 9911-26",
        },
        NORDOST,
    )
    frivard = page
    expect(state_tag(frivard)).to_have_text("Initierad")
    expect(frivard.get_by_role("heading", name="Arbetsgång", level=2)).to_be_visible()
    assert_accessible(frivard)

    # The court asks for a personutredning; the client is häktad, so the guideline's
    # default deadline is the request date + 14 days (DOMAIN.md §3.1 step 1).
    request_date = days_ago(240)
    panel = open_step(frivard, "Begäran om personutredning och frist för yttrande")
    panel.get_by_label("Datum för begäran om personutredning").fill(iso(request_date))
    panel.get_by_label("Klienten är häktad").check()
    submit(
        frivard,
        panel,
        "Spara",
        "Begäran om personutredning och fristen för yttrandet är sparade.",
    )
    expect(fact(frivard, "Begäran om personutredning")).to_have_text(f"{iso(request_date)}, häktad")
    frister = frivard.locator("section[aria-labelledby='frister'] table")
    yttrande = frister.locator("tr", has_text="Yttrande (personutredning) till domstolen")
    expect(yttrande.locator("td").nth(1)).to_have_text(iso(request_date + timedelta(days=14)))

    # Consent covering both parties moves the case on by itself.
    document_oral_consent(
        frivard,
        (FRIVARDEN, NORDOST),
        "Klienten samtyckte muntligt i häktet; samtycket lästes upp och bekräftades.",
    )
    expect(state_tag(frivard)).to_have_text("Samtycke dokumenterat")
    # The next steps are the kommun's: frivården is offered none of them.
    expect(step_panel(frivard, "Registrera ansökan")).to_have_count(0)

    # Socialsekreteraren in Nordost registers the application, investigates and decides.
    kommun = desk("soc.nordost")
    kommun.goto(case_path)
    expect(state_tag(kommun)).to_have_text("Samtycke dokumenterat")
    take_step(
        kommun,
        "Registrera ansökan",
        lambda form: form.get_by_label("Ansökan inkom").fill(iso(days_ago(238))),
    )
    expect(state_tag(kommun)).to_have_text("Ansökan inkommen")
    expect(fact(kommun, "Ansökan inkom")).to_have_text(iso(days_ago(238)))
    take_step(kommun, "Starta utredning")
    expect(state_tag(kommun)).to_have_text("Utredning")

    def decide(form: Locator) -> None:
        form.get_by_label("Beviljat").check()
        form.get_by_label("Beslutsdatum").fill(iso(days_ago(230)))
        form.get_by_label("Meddelat klienten den").fill(iso(days_ago(229)))
        form.get_by_label("Hur meddelades klienten?").select_option(label="Brev")
        form.get_by_label("Meddelat Kriminalvården den").fill(iso(days_ago(230)))
        form.get_by_label("Hur meddelades Kriminalvården?").select_option(label="Telefon")

    take_step(kommun, "Registrera beslut", decide)
    expect(state_tag(kommun)).to_have_text("Beslut fattat")
    decision = fact(kommun, "Beslut")
    expect(decision).to_contain_text(f"Beviljat {iso(days_ago(230))}")
    expect(decision).to_contain_text(f"Meddelat klienten {iso(days_ago(229))} (Brev)")
    expect(decision).to_contain_text(f"Meddelat Kriminalvården {iso(days_ago(230))} (Telefon)")
    assert_accessible(kommun)

    # Frivården proposes the vårdgivare both authorities have procured (000 "Val av vårdgivare").
    frivard.reload()
    placement_start = days_ago(200)

    def propose(form: Locator) -> None:
        form.get_by_label("Vårdgivare", exact=True).select_option(label=EKEN)
        form.get_by_label("Planerad start").fill(iso(placement_start))
        form.get_by_label("Planerat slut").fill(iso(placement_start + timedelta(days=365)))

    take_step(frivard, "Föreslå vårdgivare", propose)
    expect(state_tag(frivard)).to_have_text("Vårdgivare föreslagen")
    provider = fact(frivard, "Vårdgivare")
    expect(provider).to_contain_text(EKEN)
    expect(provider).to_contain_text(
        "Vårdgivare upphandlade av båda myndigheterna väljs i första hand."
    )

    take_step(
        frivard,
        "Registrera behandlingsplan",
        lambda form: (
            form.get_by_label("Behandlingsplanen upprättad").fill(iso(days_ago(220))),
            form.get_by_label("Behandlingsplanens inriktning").fill(
                "Beroendebehandling på behandlingshem, därefter öppenvård."
            ),
        ),
    )
    expect(state_tag(frivard)).to_have_text("Behandlingsplan upprättad")

    def judgment(form: Locator) -> None:
        form.get_by_label("Domsdatum").fill(iso(days_ago(210)))
        form.get_by_label(KONTRAKTSVARD).check()
        form.get_by_label("Alternativt fängelsestraff: månader", exact=True).fill("9")

    take_step(frivard, "Registrera dom", judgment)
    expect(state_tag(frivard)).to_have_text("Dom meddelad")
    # Strafftidslagen: 9 months = 9 × 30 days.
    expect(fact(frivard, "Dom")).to_contain_text("alternativt fängelsestraff 270 dagar")
    # 000: Kriminalvården coordinates the follow-up until the payment responsibility transfers.
    expect(fact(frivard, "Samordnar uppföljningen")).to_have_text(FRIVARDEN)

    # Kriminalvården's decision: its payment ended two days ago, so the transfer is due.
    payment_end = days_ago(2)
    take_step(
        frivard,
        "Registrera placeringsstart",
        lambda form: (
            form.get_by_label("Placeringen började").fill(iso(placement_start)),
            form.get_by_label("Kriminalvårdens betalningsansvar upphör").fill(iso(payment_end)),
        ),
    )
    expect(state_tag(frivard)).to_have_text("Kriminalvårdens betalningsansvar")
    expect(fact(frivard, "Kriminalvårdens betalningsansvar upphör")).to_contain_text(
        iso(payment_end)
    )

    # The scheduled job (DOMAIN.md §3.1 step 10), run here instead of by beat.
    assert transfer_responsibilities() >= 1
    kommun.reload()
    expect(state_tag(kommun)).to_have_text("Kommunens betalningsansvar")
    expect(fact(kommun, "Samordnar uppföljningen")).to_have_text(NORDOST)

    # The gemensam plan with the four parts 000 requires, then its printable page.
    panel = open_step(kommun, "Upprätta gemensam plan")
    panel.get_by_label("1. Insatser den enskilde behöver").fill(
        "Fortsatt behandling på Eken; stöd till egen bostad."
    )
    panel.get_by_label("2. Kriminalvårdens och kommunens ansvar").fill(
        "Kommunen betalar enligt ansvarsförbindelsen; frivården har övervakningen."
    )
    panel.get_by_label("3. Åtgärder som vidtas av någon annan än kommunen och Kriminalvården").fill(
        "Beroendevården följer upp medicineringen."
    )
    panel.get_by_label("4. Vem har det övergripande ansvaret för planen").fill(
        "Socialsekreteraren i Nordost"
    )
    submit(kommun, panel, "Spara plan", "Den gemensamma planen är sparad.")
    expect(workflow(kommun).get_by_role("heading", name="Gemensam plan")).to_be_visible()
    kommun.get_by_role("link", name="Utskriftsvänlig gemensam plan").click()
    expect(kommun.get_by_role("heading", level=1)).to_have_text("Gemensam plan för samverkan")
    expect(kommun.locator("main")).to_contain_text("Fortsatt behandling på Eken")
    expect(kommun.locator("main")).to_contain_text("Socialsekreteraren i Nordost")
    assert_accessible(kommun)
    kommun.get_by_role("link", name="Tillbaka till ärendet").click()

    # After the transfer the kommun ends the case.
    take_step(
        kommun,
        "Avsluta ärendet",
        lambda form: form.get_by_label("Sammanfattning vid avslut (valfritt)").fill(
            "Behandlingen fullföljd enligt planen."
        ),
    )
    expect(state_tag(kommun)).to_have_text("Avslutad")
    expect(fact(kommun, "Skäl vid avslut")).to_have_text("Behandlingen fullföljd enligt planen.")
    expect(workflow(kommun).get_by_role("heading", name="Nästa steg")).to_have_count(0)
    assert_accessible(kommun)


def csrf_token(page: Page) -> str:
    """The CSRF token of the page's forms (the cookie itself is HttpOnly)."""
    token = page.locator("input[name='csrfmiddlewaretoken']").first.get_attribute("value")
    assert token
    return token


def demo_case_in(state: str, *, without: str) -> Case:
    """A demo kontraktsvård of frivården Göteborg in ``state`` that ``without`` takes no part in."""
    return (
        Case.objects.filter(
            case_type="kontraktsvard", state=state, owner_organisation__name=FRIVARDEN
        )
        .exclude(participations__organisation__name=without)
        .order_by("pk")
        .first()
    )


def test_wrong_role_and_organisation_are_refused(
    page: Page, desk: Callable[[str], Page], login_as: Login
) -> None:
    days_ago = days_before_today()
    case = demo_case_in(State.SAMTYCKE, without=PARTILLE)
    assert case is not None, "the demo has a kontraktsvård waiting for the kommun's application"
    case_path = f"/arenden/{case.pk}/"

    # Registering the application is the kommun's step (docs/workflows.md): frivården is not
    # offered its form, and it is not something frivården waits to do either.
    login_as(page, "fi.frivard-gbg")
    page.goto(case_path)
    expect(state_tag(page)).to_have_text("Samtycke dokumenterat")
    expect(step_panel(page, "Registrera ansökan")).to_have_count(0)
    expect(page.locator("form[action$='/steg/register_application/']")).to_have_count(0)
    assert "Registrera ansökan" not in waiting_for(page)
    expect(step_panel(page, "Avbryt ärendet")).to_have_count(1)  # a step both parties may take

    # Posting the step anyway, with a valid CSRF token from the page, is refused.
    response = page.request.post(
        f"{case_path}steg/register_application/",
        form={"register_application-received_on": iso(days_ago(1))},
        headers={"X-CSRFToken": csrf_token(page)},
    )
    assert response.status == 403, response.status
    page.reload()
    expect(state_tag(page)).to_have_text("Samtycke dokumenterat")
    case.refresh_from_db()
    assert case.state == State.SAMTYCKE
    assert not CareProcess.objects.filter(case=case, application_received_on__isnull=False).exists()

    # A socialsekreterare of a kommun outside the case does not learn that it exists.
    outsider = desk("soc.partille")
    response = outsider.goto(case_path)
    assert response is not None and response.status == 404, response and response.status
    outsider.goto("/")
    own_token = csrf_token(outsider)
    response = outsider.request.post(
        f"{case_path}steg/register_application/",
        form={"register_application-received_on": iso(days_ago(1))},
        headers={"X-CSRFToken": own_token},
    )
    assert response.status == 404, response.status
    case.refresh_from_db()
    assert case.state == State.SAMTYCKE


def test_vardvistelse_from_aktualiserad_to_closed(
    page: Page, desk: Callable[[str], Page], login_as: Login, assert_accessible: Check
) -> None:
    days_ago = days_before_today()
    # 000 "Arbetsprocess vårdvistelser": the anstalt contacts the kommun.
    login_as(page, "kh.radanefors")
    case_path = create_case(
        page,
        "Vårdvistelse",
        {
            "Personnummer eller samordningsnummer": invented_personnummer("790304", "552"),
            "Förnamn": "Nora",
            "Efternamn": "Låtsasdotter",
        },
        CENTRUM,
    )
    anstalt = page
    expect(state_tag(anstalt)).to_have_text("Aktualiserad")
    assert_accessible(anstalt)
    document_oral_consent(
        anstalt,
        (RADANEFORS, CENTRUM),
        "Klienten samtyckte muntligt vid samtal på anstalten; sekretessblanketten skickas.",
    )
    expect(state_tag(anstalt)).to_have_text("Samtycke dokumenterat")

    # Socialsekreteraren in Centrum registers the application and starts the investigation.
    kommun = desk("soc.centrum")
    kommun.goto(case_path)
    take_step(
        kommun,
        "Registrera ansökan",
        lambda form: form.get_by_label("Ansökan inkom").fill(iso(days_ago(230))),
    )
    take_step(kommun, "Starta utredning")
    expect(state_tag(kommun)).to_have_text("Utredning")

    # Kriminalvården proposes the vårdgivare after consultation on the client's needs.
    anstalt.reload()
    placement_start = days_ago(200)

    def propose(form: Locator) -> None:
        form.get_by_label("Vårdgivare", exact=True).select_option(label=EKEN)
        form.get_by_label("Planerad start").fill(iso(placement_start))
        form.get_by_label("Planerat slut").fill(iso(placement_start + timedelta(days=300)))

    take_step(anstalt, "Föreslå vårdgivare", propose)
    expect(state_tag(anstalt)).to_have_text("Vårdgivare föreslagen")
    expect(fact(anstalt, "Vårdgivare")).to_contain_text(EKEN)

    # The kommun grants the application, then signs and sends the ansvarsförbindelse.
    kommun.reload()

    def decide(form: Locator) -> None:
        form.get_by_label("Beviljat").check()
        form.get_by_label("Beslutsdatum").fill(iso(days_ago(215)))
        form.get_by_label("Meddelat klienten den").fill(iso(days_ago(214)))
        form.get_by_label("Hur meddelades klienten?").select_option(label="Personligt möte")
        form.get_by_label("Meddelat Kriminalvården den").fill(iso(days_ago(215)))
        form.get_by_label("Hur meddelades Kriminalvården?").select_option(
            label="Säker digital post"
        )

    take_step(kommun, "Registrera beslut", decide)
    expect(state_tag(kommun)).to_have_text("Beslut fattat")
    take_step(
        kommun,
        "Ansvarsförbindelsen skickad",
        lambda form: (
            form.get_by_label("Ansvarsförbindelsen undertecknad").fill(iso(days_ago(210))),
            form.get_by_label("Skickad till anstalten").fill(iso(days_ago(209))),
        ),
    )
    expect(state_tag(kommun)).to_have_text("Ansvarsförbindelse skickad")
    expect(fact(kommun, "Ansvarsförbindelsen")).to_have_text(
        f"Undertecknad {iso(days_ago(210))}, skickad {iso(days_ago(209))}"
    )

    # The placement starts; the VF date (Kriminalvården's master data) was two days ago.
    anstalt.reload()
    release = days_ago(2)
    take_step(
        anstalt,
        "Registrera placeringsstart",
        lambda form: (
            form.get_by_label("Placeringen började").fill(iso(placement_start)),
            form.get_by_label("Datum för villkorlig frigivning").fill(iso(release)),
        ),
    )
    expect(state_tag(anstalt)).to_have_text("Placering, Kriminalvårdens ansvar")
    expect(fact(anstalt, "Villkorlig frigivning")).to_contain_text(iso(release))

    # The scheduled job moves the case to the kommun on the VF date (DOMAIN.md §3.2 step 9).
    assert transfer_responsibilities() >= 1
    kommun.reload()
    expect(state_tag(kommun)).to_have_text("Efter villkorlig frigivning")
    expect(fact(kommun, "Samordnar uppföljningen")).to_have_text(CENTRUM)

    take_step(kommun, "Avsluta ärendet")
    expect(state_tag(kommun)).to_have_text("Avslutad")
    assert_accessible(kommun)


def test_avbryt_needs_a_reason(page: Page, login_as: Login, assert_accessible: Check) -> None:
    case = demo_case_in(State.SAMTYCKE, without=PARTILLE)
    assert case is not None
    login_as(page, "fi.frivard-gbg")
    page.goto(f"/arenden/{case.pk}/")
    expect(state_tag(page)).to_have_text("Samtycke dokumenterat")

    # Without a reason: the Swedish error summary, the form kept open, nothing changed.
    panel = open_step(page, "Avbryt ärendet")
    with page.expect_navigation():
        panel.get_by_role("button", name="Avbryt ärendet").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Det finns ett problem")
    expect(summary.get_by_role("link", name="Ange skälet.")).to_be_visible()
    expect(step_panel(page, "Avbryt ärendet")).to_have_attribute("open", "")
    expect(state_tag(page)).to_have_text("Samtycke dokumenterat")
    case.refresh_from_db()
    assert case.state == State.SAMTYCKE
    assert_accessible(page)

    # The link in the summary leads to the field; with a reason the case is aborted.
    summary.get_by_role("link", name="Ange skälet.").click()
    reason = page.get_by_label("Skäl till att ärendet avbryts")
    expect(reason).to_be_focused()
    reason.fill("Klienten tackade nej till kontraktsvård vid samtalet.")
    with page.expect_navigation():
        step_panel(page, "Avbryt ärendet").get_by_role("button", name="Avbryt ärendet").click()
    expect(page.get_by_role("status")).to_contain_text(STEP_DONE)
    expect(state_tag(page)).to_have_text("Avbrutet")
    expect(fact(page, "Skäl vid avslut")).to_have_text(
        "Klienten tackade nej till kontraktsvård vid samtalet."
    )
    case.refresh_from_db()
    assert case.state == State.AVBRUTEN
