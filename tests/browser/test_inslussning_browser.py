"""One inslussning programme from identification to avslutad, as three people work it in the
browser: the frivårdsinspektör who identifies the client and is samordnare, the home kommun's
socialsekreterare who plans with the group, and Arbetsförmedlingen's contact person, an external
member who sees nothing until the client's consent covers them and then only the plan, the
meeting decisions and the schedule. Every distinct page is checked with axe."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from cases.models import Case
from cases.roles import OrganisationKind, Role
from tests.factories import MembershipFactory, OrganisationFactory, valid_personnummer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Login = Callable[[Page, str], None]
Check = Callable[[Page], None]

FRIVARD = "Frivården Väst"
ANSTALT = "Anstalten Syd"
KOMMUN = "Socialnämnden Hemby"
AF = "Arbetsförmedlingen Väst"
FI_NAME = ("Fia", "Inspektör")
AF_CONTACT = "Alva Arbetsförmedlare"
MAIN_MENU = "Huvudmeny"


@pytest.fixture
def demo_accounts(db: None) -> dict[str, object]:
    """A small region of our own, so the test knows every name: the core of the group
    and Arbetsförmedlingen, one person in each organisation that takes part. Setup, not the
    subject: the people and organisations exist before anyone opens the browser."""
    frivard = OrganisationFactory(name=FRIVARD, kind=OrganisationKind.FRIVARD)
    OrganisationFactory(name=ANSTALT, kind=OrganisationKind.ANSTALT)
    kommun = OrganisationFactory(name=KOMMUN, kind=OrganisationKind.KOMMUN)
    af = OrganisationFactory(name=AF, kind=OrganisationKind.ARBETSFORMEDLINGEN)
    people = (
        ("fi.vast", frivard, Role.FRIVARDSINSPEKTOR, FI_NAME),
        ("soc.hemby", kommun, Role.SOCIALSEKRETERARE, ("Sam", "Socialsekreterare")),
        ("af.vast", af, Role.EXTERN_DELTAGARE, tuple(AF_CONTACT.split())),
    )
    for username, organisation, role, (first, last) in people:
        MembershipFactory(
            organisation=organisation,
            role=role,
            user__username=username,
            user__first_name=first,
            user__last_name=last,
        )
    return {user.username: user for user in get_user_model().objects.all()}


# --- What a person does, in small steps ---------------------------------------------------------


def iso(day: date) -> str:
    return day.isoformat()


def switch_to(page: Page, login_as: Login, username: str) -> None:
    page.context.clear_cookies()
    login_as(page, username)


def notice(page: Page) -> Locator:
    """The message the page shows after a change (base.html's live region)."""
    return page.locator("#notifications")


def state_tag(page: Page) -> Locator:
    return page.locator("p.lead .tag")


def panel(scope: Page | Locator, summary: str) -> Locator:
    """A <details> panel found by its summary's exact text."""
    exact = re.compile(rf"^\s*{re.escape(summary)}\s*$")
    page = scope if isinstance(scope, Page) else scope.page
    return scope.locator("details").filter(has=page.locator("summary", has_text=exact))


def open_panel(scope: Page | Locator, summary: str) -> Locator:
    details = panel(scope, summary)
    details.locator("summary").first.click()
    expect(details).to_have_attribute("open", "")
    return details


def open_all_panels(page: Page) -> None:
    """Open every <details>, so that axe also checks the forms inside them."""
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")


def steps(page: Page) -> Locator:
    return page.locator("section[aria-labelledby='status']")


def take_step(page: Page, label: str, *, text: str | None = None) -> None:
    details = open_panel(steps(page), label)
    if text is not None:
        details.get_by_role("textbox").fill(text)
    details.get_by_role("button", name=label).click()


def record_meeting(page: Page, point: int, participants: list[str], decisions: str) -> None:
    meeting = page.locator(f"#mote-{point}")
    form = open_panel(meeting, "Registrera mötet")
    form.get_by_label("Datum då mötet hölls").fill(iso(timezone.localdate()))
    for name in participants:
        form.get_by_label(name, exact=True).check()
    form.get_by_label("Klienten deltog").check()
    form.get_by_label("Anteckningar").fill(f"Arbetsanteckning från möte {point}.")
    form.get_by_label("Beslut", exact=True).fill(decisions)
    form.get_by_role("button", name="Spara mötet").click()
    expect(notice(page)).to_contain_text("Planeringsmötet är registrerat.")
    expect(meeting).to_contain_text(f"Genomfört {iso(timezone.localdate())}")
    expect(meeting).to_contain_text(decisions)


def update_area(
    page: Page, area: str, *, need: str, insats: str, responsible: str, status: str
) -> None:
    form = open_panel(page, f"Uppdatera: {area}")
    form.get_by_label("Behov").fill(need)
    form.get_by_label("Överenskommen insats").fill(insats)
    form.get_by_label("Ansvarig aktör").select_option(label=responsible)
    form.get_by_label("Status").select_option(label=status)
    form.get_by_role("button", name="Spara").click()
    expect(notice(page)).to_contain_text("Planen är uppdaterad.")
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=area))
    expect(row).to_contain_text(insats)
    expect(row).to_contain_text(status)


def document_consent(page: Page, parties: list[str], note: str) -> None:
    """On the case page, the consent panel of the case core."""
    page.get_by_role("link", name="Ärendet: samtycke, journal och handlingar").click()
    form = open_panel(page, "Dokumentera samtycke")
    for party in parties:
        form.get_by_label(party, exact=True).check()
    form.get_by_label("Omfattning").fill("Inslussning: planering och uppföljning i gruppen.")
    form.get_by_label("Muntligt – journalfört").check()
    form.get_by_label("Journalanteckning om det muntliga samtycket").fill(note)
    form.get_by_role("button", name="Spara samtycke").click()
    expect(notice(page)).to_contain_text("Samtycket är dokumenterat.")


def back_to_programme(page: Page) -> None:
    page.get_by_role(
        "link", name="Inslussningsprogrammet: grupp, plan, planeringsmöten och schema"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Inslussning IN-")


def open_overview(page: Page) -> None:
    page.goto("/")
    page.get_by_role("navigation", name=MAIN_MENU).get_by_role("link", name="Inslussning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inslussning")


# --- The walk -----------------------------------------------------------------------------------


def test_a_programme_from_identification_to_avslutad(
    page: Page, login_as: Login, assert_accessible: Check
) -> None:
    today = timezone.localdate()
    personnummer = valid_personnummer(4711)
    fia = " ".join(FI_NAME)

    # --- 1. The frivårdsinspektör identifies the client --------------------------------------
    login_as(page, "fi.vast")
    open_overview(page)
    expect(page.get_by_text("Inga pågående program.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Identifiera klient för inslussning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Identifiera klient för inslussning")
    assert_accessible(page)
    # Nothing is assumed: an unanswered target-group question is an error, like a missing name.
    page.get_by_role("button", name="Registrera").click()
    errors = page.locator(".error-summary")
    expect(errors).to_contain_text("Ange personnummer.")
    expect(errors.get_by_text("Besvara frågan.")).to_have_count(5)
    assert_accessible(page)
    # Their only frivård is chosen for them.
    expect(page.get_by_label("Ditt frivårdskontor").locator("option:checked")).to_have_text(FRIVARD)
    page.get_by_label("Personnummer eller samordningsnummer").fill(
        f"{personnummer[:8]}-{personnummer[8:]}"
    )
    page.get_by_label("Förnamn").fill("Rasmus")
    page.get_by_label("Efternamn").fill("Påhittad")
    page.get_by_label("Socialtjänst i hemkommunen").select_option(label=KOMMUN)
    page.get_by_label("Anstalt", exact=True).select_option(label=ANSTALT)
    for question in (
        "Motiverad att upphöra med kriminalitet",
        "Behöver stöd från mer än en samhällsaktör",
        "Avtjänar ett inte alltför kort straff",
        "Är inte dömd till utvisning",
        "Förväntas bli villkorligt frigiven med övervakning",
    ):
        page.get_by_role("group", name=question).get_by_label("Ja").check()
    page.get_by_role("button", name="Registrera").click()
    expect(notice(page)).to_contain_text("Klienten är identifierad för inslussning.")
    expect(state_tag(page)).to_have_text("Identifierad")
    expect(page.locator("p.lead")).to_contain_text("Rasmus Påhittad")
    case = Case.objects.get(client__first_name="Rasmus")
    programme_url = f"/inslussning/{case.pk}/"
    # Inclusion waits for the client's consent; the page says so instead of offering the step.
    expect(steps(page)).to_contain_text("Inkludera i programmet:")
    expect(steps(page).get_by_role("button", name="Inkludera i programmet")).to_have_count(0)
    assert_accessible(page)

    # Consent covering frivården, the kommun and the anstalt, on the case page.
    document_consent(
        page,
        [FRIVARD, KOMMUN, ANSTALT],
        "Klienten samtyckte muntligt vid besöket på anstalten; samtycket lästes upp.",
    )
    expect(page.locator(".consent-list")).to_contain_text(KOMMUN)
    assert_accessible(page)
    back_to_programme(page)
    take_step(page, "Inkludera i programmet")
    expect(notice(page)).to_contain_text("Steget är registrerat.")
    expect(state_tag(page)).to_have_text("Samtycke dokumenterat")

    # Arbetsförmedlingen joins the group; the consent does not cover it yet, and the page says so.
    member = open_panel(page, "Lägg till medlem")
    member.get_by_label("Roll i gruppen").select_option(label="Arbetsförmedlingen")
    member.get_by_label("Organisation").select_option(label=AF)
    member.get_by_label("Kontaktperson").fill(AF_CONTACT)
    member.get_by_role("button", name="Lägg till").click()
    expect(notice(page)).to_contain_text("Medlemmen är tillagd i inslussningsgruppen.")
    expect(page.get_by_role("table", name="Medlemmar")).to_contain_text(AF_CONTACT)
    expect(page.locator(".notice--warning")).to_contain_text(
        f"Samtycket omfattar ännu inte dessa medlemmar, så de ser ingenting av programmet: {AF}."
    )

    # Kriminalvården's dates. An end of övervakning before the release is refused first.
    dates = open_panel(page, "Registrera Kriminalvårdens datum")
    dates.get_by_label("Datum för villkorlig frigivning").fill(iso(today))
    dates.get_by_label("Övervakningen upphör").fill(iso(today - timedelta(days=1)))
    dates.get_by_role("button", name="Spara datumen").click()
    error = "Övervakningen upphör efter dagen för villkorlig frigivning."
    expect(page.locator(".error-summary")).to_contain_text(error)
    expect(panel(page, "Registrera Kriminalvårdens datum")).to_have_attribute("open", "")
    group = page.locator("section[aria-labelledby='grupp'] .summary-list__row")
    expect(group.filter(has_text="Övervakningen upphör")).to_contain_text("Inte registrerat")
    assert_accessible(page)  # the programme page with a form error shown
    dates = panel(page, "Registrera Kriminalvårdens datum")
    dates.get_by_label("Övervakningen upphör").fill(iso(today + timedelta(days=730)))
    dates.get_by_role("button", name="Spara datumen").click()
    expect(notice(page)).to_contain_text("Datumen är sparade och mötena planerade efter dem.")
    expect(group.filter(has_text="Villkorlig frigivning")).to_contain_text(iso(today))
    expect(group.filter(has_text="Övervakningen upphör")).to_contain_text(
        iso(today + timedelta(days=730))
    )
    # The meeting dates follow from them. The release is today, far less than the 90 days
    # before it that meeting 2 asks for: meetings 1 and 2 are due at once (today, not in the
    # past); then a week after the release, the middle of the övervakning, 30 days before its end.
    expect(page.locator("#mote-1")).to_contain_text(f"Senast {iso(today)}")
    expect(page.locator("#mote-2")).to_contain_text(f"Senast {iso(today)}")
    expect(page.locator("#mote-3")).to_contain_text(f"Senast {iso(today + timedelta(days=7))}")
    expect(page.locator("#mote-4")).to_contain_text(f"Senast {iso(today + timedelta(days=365))}")
    expect(page.locator("#mote-5")).to_contain_text(f"Senast {iso(today + timedelta(days=700))}")
    open_all_panels(page)
    assert_accessible(page)

    # --- 2. Arbetsförmedlingen sees nothing before a consent covers it ------------------------
    switch_to(page, login_as, "af.vast")
    open_overview(page)
    expect(page.get_by_text("Inga pågående program.")).to_be_visible()
    response = page.goto(programme_url)
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Sidan finns inte")
    expect(page.locator("body")).not_to_contain_text("Påhittad")

    # --- 3. The socialsekreterare starts the planning ------------------------------------------
    switch_to(page, login_as, "soc.hemby")
    open_overview(page)
    page.get_by_role("link", name=case.reference).click()
    expect(state_tag(page)).to_have_text("Samtycke dokumenterat")
    take_step(page, "Starta planeringen")
    expect(state_tag(page)).to_have_text("Planering under verkställighet")
    update_area(
        page,
        "Bostad och försörjning",
        need="Saknar bostad efter frigivningen.",
        insats="Träningslägenhet via socialtjänsten.",
        responsible=KOMMUN,
        status="Planerad",
    )
    update_area(
        page,
        "Sysselsättning",
        need="Vill arbeta inom lager och logistik.",
        insats="Inskrivning och praktik.",
        responsible=f"{AF} ({AF_CONTACT})",
        status="Planerad",
    )
    plan = page.get_by_role("table", name="Programområden")
    expect(plan.locator("#omrade-bostad")).to_contain_text(KOMMUN)
    expect(plan.locator("#omrade-sysselsattning")).to_contain_text(AF)
    record_meeting(
        page,
        1,
        [f"{FRIVARD} ({fia})", KOMMUN, ANSTALT],
        "Socialtjänsten söker träningslägenhet; AF skriver in klienten.",
    )
    expect(page.locator("#mote-1")).to_contain_text("Arbetsanteckning från möte 1.")
    assert_accessible(page)

    # --- 4. A consent covering Arbetsförmedlingen opens the plan to it -----------------------
    switch_to(page, login_as, "fi.vast")
    page.goto(programme_url)
    document_consent(
        page, [AF], "Klienten samtyckte muntligt till att Arbetsförmedlingen deltar i gruppen."
    )
    back_to_programme(page)
    expect(page.locator(".notice--warning")).to_have_count(0)

    switch_to(page, login_as, "af.vast")
    open_overview(page)
    page.get_by_role("link", name=case.reference).click()
    expect(page.get_by_role("heading", name="Plan", exact=True)).to_be_visible()
    expect(plan.locator("#omrade-sysselsattning")).to_contain_text("Inskrivning och praktik.")
    expect(page.locator("#mote-1")).to_contain_text("AF skriver in klienten.")
    main = page.locator("main")
    # The target-group assessment, the utslussningsåtgärder and the meeting notes are the
    # working material of Kriminalvården and the kommun.
    for hidden in ("Målgruppsbedömning", "Utslussningsåtgärder", "Anteckningar"):
        expect(main).not_to_contain_text(hidden)
    expect(main).not_to_contain_text("Arbetsanteckning från möte 1.")
    expect(steps(page)).to_have_count(0)
    expect(main.locator("summary", has_text="Starta planeringen")).to_have_count(0)
    expect(main.get_by_role("button", name=re.compile("Gå vidare|Avsluta|Avbryt"))).to_have_count(0)
    # They report only on the area they are responsible for.
    expect(panel(page, "Uppdatera: Bostad och försörjning")).to_have_count(0)
    assert_accessible(page)
    area = open_panel(page, "Uppdatera: Sysselsättning")
    expect(area.get_by_label("Behov")).to_have_count(0)
    area.get_by_label("Status").select_option(label="Pågår")
    area.get_by_label("Uppföljning").fill(iso(today + timedelta(days=30)))
    area.get_by_role("button", name="Spara").click()
    expect(notice(page)).to_contain_text("Planen är uppdaterad.")
    expect(plan.locator("#omrade-sysselsattning")).to_contain_text("Pågår")
    expect(plan.locator("#omrade-sysselsattning")).to_contain_text(iso(today + timedelta(days=30)))
    assert_accessible(page)

    # --- 5. The socialsekreterare prepares the release ------------------------------------------
    switch_to(page, login_as, "soc.hemby")
    page.goto(programme_url)
    take_step(page, "Gå vidare till förberedelser inför frigivning")
    expect(state_tag(page)).to_have_text("Inför frigivning")
    # The schedule for the first days in freedom, from the keyboard: Enter opens the panel,
    # Enter in the last field submits the booking.
    booking = panel(page, "Boka tid")
    booking.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(booking).to_have_attribute("open", "")
    first_day = today + timedelta(days=3)
    booking.get_by_label("Tid").fill(f"{iso(first_day)}T10:00")
    booking.get_by_label("Plats").fill("Socialkontoret Hemby")
    booking.get_by_label("Med vem").fill("Socialsekreteraren")
    booking.get_by_label("Vad").fill("Ansökan om försörjningsstöd")
    booking.get_by_label("Vad").press("Enter")
    expect(notice(page)).to_contain_text("Bokningen är tillagd i schemat.")
    expect(page.get_by_role("table", name="Bokade tider")).to_contain_text(
        f"{iso(first_day)} 10:00"
    )
    record_meeting(page, 2, [KOMMUN, f"{AF} ({AF_CONTACT})"], "Schemat för första veckan är bokat.")
    # Only Kriminalvården registers the release: the kommun is not offered the step.
    expect(page.get_by_role("button", name="Registrera frigivningen")).to_have_count(0)
    expect(panel(page, "Registrera frigivningen")).to_have_count(0)
    open_all_panels(page)
    assert_accessible(page)
    page.get_by_role("link", name="Utskrift av schemat för klienten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dina första veckor i frihet")
    expect(page.locator("main")).to_contain_text(f"Du blir villkorligt frigiven {iso(today)}.")
    expect(page.get_by_role("table", name="Dina bokade tider")).to_contain_text(
        "Socialkontoret Hemby"
    )
    expect(page.locator("main")).to_contain_text(f"Kontakta din samordnare {fia}, {FRIVARD}.")
    assert_accessible(page)

    # --- 6. The frivårdsinspektör registers the release -----------------------------------------
    switch_to(page, login_as, "fi.vast")
    page.goto(programme_url)
    release = panel(steps(page), "Registrera frigivningen")
    release.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(release).to_have_attribute("open", "")
    release.get_by_role("button", name="Registrera frigivningen").focus()
    page.keyboard.press("Enter")
    expect(notice(page)).to_contain_text("Steget är registrerat.")
    expect(state_tag(page)).to_have_text("Frigiven, övervakning")
    open_all_panels(page)
    assert_accessible(page)

    # The samordnare's overview puts the programme with its next planning point.
    open_overview(page)
    expect(page.get_by_role("heading", name="Program där jag är samordnare")).to_be_visible()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=case.reference))
    expect(row).to_contain_text("Frigiven, övervakning")
    expect(row).to_contain_text(f"Möte 3, senast {iso(today + timedelta(days=7))}")
    assert_accessible(page)

    # The plan as a PDF for the client.
    pdf = page.request.get(f"{programme_url}inslussningsplan.pdf")
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    # --- 7. Övervakning, and the end ---------------------------------------------------------
    switch_to(page, login_as, "soc.hemby")
    page.goto(programme_url)
    record_meeting(page, 3, [f"{FRIVARD} ({fia})", KOMMUN], "Första veckan gick enligt plan.")
    record_meeting(page, 4, [f"{FRIVARD} ({fia})", KOMMUN], "Praktiken blir en anställning.")
    take_step(page, "Gå vidare till förberedelser inför avslut")
    expect(state_tag(page)).to_have_text("Inför avslut")
    record_meeting(page, 5, [f"{FRIVARD} ({fia})", KOMMUN], "Socialtjänsten fortsätter stödet.")
    # Closing without a summary is refused and changes nothing.
    take_step(page, "Avsluta programmet", text="")
    expect(page.locator(".error-summary")).to_contain_text(
        "Summera programmet och vad som fortsätter utan Kriminalvården."
    )
    expect(state_tag(page)).to_have_text("Inför avslut")
    assert_accessible(page)
    closing = panel(steps(page), "Avsluta programmet")
    summary = "Bostad och arbete ordnat; socialtjänsten fortsätter med stödsamtal."
    closing.get_by_role("textbox").fill(summary)
    closing.get_by_role("button", name="Avsluta programmet").click()
    expect(notice(page)).to_contain_text("Steget är registrerat.")
    expect(state_tag(page)).to_have_text("Avslutad")
    expect(steps(page)).to_contain_text(f"Summering: {summary}")
    expect(steps(page).locator("details")).to_have_count(0)
    expect(page.locator("summary", has_text="Registrera mötet")).to_have_count(0)
    assert_accessible(page)
