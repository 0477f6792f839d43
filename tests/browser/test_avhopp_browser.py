"""Avhopparuppdrag as the people of the three cities work them in the browser: a hemkommun in
Göteborg asks Malmö, Malmö accepts once the police have been consulted in both kommuner, books
insatser, and the reconciliation report shows the sums; a colleague who is not assigned sees
nothing of it. Every page type is checked with axe."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from avhopp.demo import seed_avhopp
from avhopp.models import AssignmentMeasure
from avhopp.rules import HalfYear
from cases import demo
from cases.models import Case, Organisation
from cases.personnummer import luhn_check_digit
from tests.factories import DEMO_TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Login = Callable[[Page, str], None]
Check = Callable[[Page], None]


@pytest.fixture
def demo_accounts(db: None) -> dict[str, object]:
    """The demo of `make demo` with the avhoppare agreement, seeded in one transaction (the
    services lock rows, which needs one under django_db(transaction=True))."""
    with transaction.atomic():
        demo.seed(password=DEMO_TEST_PASSWORD)
        seed_avhopp(password=DEMO_TEST_PASSWORD)
    return {user.username: user for user in get_user_model().objects.all()}


def _switch(page: Page, login_as: Login, username: str) -> None:
    page.context.clear_cookies()
    login_as(page, username)


def _open_all(page: Page) -> None:
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")


def _step(page: Page, summary: str) -> None:
    page.locator("summary", has_text=summary).click()


def _full_name(username: str) -> str:
    return get_user_model().objects.get(username=username).get_full_name()


def test_an_uppdrag_from_goteborg_to_malmo(
    page: Page, login_as: Login, assert_accessible: Check
) -> None:
    birth, serial = "950617", "284"
    personnummer = f"{birth}-{serial}{luhn_check_digit(birth + serial)}"

    # The hemkommun (socialnämnden Nordost) sends the request.
    login_as(page, "soc.nordost")
    page.goto("/")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Avhopparuppdrag"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Avhopparuppdrag")
    expect(page.get_by_role("heading", name="Samverkansavtalet")).to_be_visible()
    expect(page.get_by_text("2027-12-31", exact=False).first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Ny förfrågan om uppdrag").click()
    page.get_by_label("Mottagande kommun och kontaktperson").select_option(
        label=f"{_full_name('soc.malmo')} (Socialsekreterare)"
    )
    page.get_by_label("Personnummer eller samordningsnummer").fill(personnummer)
    page.get_by_label("Förnamn").fill("Isak")
    page.get_by_label("Efternamn").fill("Påhittad")
    expect(page.get_by_label(re.compile("skyddade personuppgifter"))).to_be_checked()
    page.get_by_label("Den enskildes samtycke").check()
    page.get_by_role("button", name="Skicka förfrågan").click()
    # Göteborg has sent two and Malmö received two: the balance target (§ 4) warns first.
    expect(page.get_by_role("heading", name="Uppdraget överskrider balansmålet")).to_be_visible()
    expect(page.locator("#balansvarning")).to_contain_text("Göteborg har redan lämnat 2 uppdrag")
    expect(page.locator("#balansvarning")).to_contain_text("Malmö har redan tagit emot 2 uppdrag")
    assert_accessible(page)
    page.get_by_label(re.compile("Jag har sett varningen om balansen")).check()
    page.get_by_role("button", name="Skicka förfrågan").click()
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"Förfrågan AU-\d{4}-\d+"))
    case = Case.objects.get(client__first_name="Isak")
    reference = case.reference
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)

    # The hemkommun's facts: police, motivation, uppdragsbeskrivning.
    _step(page, "Registrera samråd med polisen")
    page.get_by_label("Vem ni samrådde med hos Polismyndigheten").fill("Polisen Nordost")
    page.get_by_role("button", name="Spara samrådet med polisen").click()
    expect(page.get_by_role("status")).to_contain_text("Samrådet med polisen är registrerat")
    _step(page, "Registrera bedömning av motivation")
    page.get_by_label("Personen är motiverad till förändring").check()
    page.get_by_label("Bedömning av motivationen").fill("Har själv sökt stöd.")
    page.get_by_role("button", name="Spara bedömningen").click()
    _step(page, "Uppdragsbeskrivning")
    page.get_by_role("textbox", name="Uppdragsbeskrivning").fill("Krisstöd och kontaktperson.")
    page.get_by_role("button", name="Spara uppdragsbeskrivningen").click()
    expect(page.get_by_role("status")).to_contain_text("Uppdragsbeskrivningen är sparad")
    _open_all(page)
    assert_accessible(page)

    # The mottagande kommun (Malmö) takes it up; acceptance waits for its own police.
    _switch(page, login_as, "soc.malmo")
    page.goto(reverse("avhopp:overview"))
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_text("Isak Påhittad")).to_be_visible()  # the assigned see the identity
    _step(page, "Påbörja samråd")
    page.get_by_role("button", name="Påbörja samråd").click()
    expect(page.get_by_role("status")).to_contain_text("Samrådet är påbörjat")
    expect(page.locator("#steg")).to_contain_text(
        "Acceptera uppdraget: Samråd med Polismyndigheten ska vara registrerat i både"
    )
    expect(page.get_by_role("button", name="Acceptera uppdraget")).to_have_count(0)
    _step(page, "Registrera samråd med polisen")
    page.get_by_label("Vem ni samrådde med hos Polismyndigheten").fill("Polisen Malmö")
    page.get_by_role("button", name="Spara samrådet med polisen").click()
    _step(page, "Acceptera uppdraget")
    page.get_by_role("button", name="Acceptera uppdraget").click()
    expect(page.get_by_role("status")).to_contain_text("Uppdraget är accepterat")
    _step(page, "Upprätta genomförandeplan")
    page.get_by_label("Genomförandeplan").fill("Krisstöd vecka 1, sedan kontaktperson.")
    page.get_by_role("button", name="Starta genomförandet").click()
    expect(page.get_by_role("status")).to_contain_text("Genomförandet har startat")

    # Insatser from the § 6 catalogue, with their costs.
    for kind, cost in (("Krisstöd", "12500"), ("Kontaktperson", "3250,50")):
        _step(page, "Registrera insats och kostnad")
        expect(page.locator("#steg")).to_contain_text(
            "Boende och andra insatser än de i avtalets § 6"
        )
        page.get_by_label("Insats", exact=True).select_option(label=kind)
        page.get_by_label("Kostnad (kr)").fill(cost)
        page.get_by_role("button", name="Registrera insatsen").click()
        expect(page.get_by_role("status")).to_contain_text("Insatsen är registrerad")
    assert AssignmentMeasure.objects.filter(case=case).count() == 2
    expect(page.locator("#insatser-och-kostnader")).to_contain_text("15\xa0750,50")
    _open_all(page)
    assert_accessible(page)

    # The reconciliation of Göteborg and Malmö for this half-year shows the sums.
    page.goto(reverse("avhopp:overview"))
    period = HalfYear.of(timezone.localdate())
    row = page.get_by_role("row").filter(has_text=period.label).filter(has_text="Göteborg – Malmö")
    row.get_by_role("link").click()
    result = page.locator("#avstamning-resultat")
    expect(result).to_contain_text("Malmö stad bar som mottagande kommun")
    expect(result).to_contain_text("15\xa0750,50 kr")
    expect(result).to_contain_text("Göteborgs stad bar som mottagande kommun")
    expect(result).to_contain_text("0,00 kr")
    expect(result).to_contain_text("7\xa0875,25 kr: Göteborgs stad betalar till Malmö stad")
    expect(page.get_by_role("link", name=reference)).to_have_count(2)
    assert_accessible(page)
    goteborg = Organisation.objects.get(name="Göteborgs stad")
    malmo = Organisation.objects.get(name="Malmö stad")

    # A colleague in the same nämnd who is not assigned sees nothing of the uppdrag.
    _switch(page, login_as, "chef.malmo")
    page.goto(reverse("avhopp:overview"))
    expect(page.locator("main")).not_to_contain_text(reference)
    expect(page.get_by_role("link", name=reference)).to_have_count(0)
    response = page.goto(reverse("avhopp:detail", args=[case.pk]))
    assert response is not None and response.status == 404
    response = page.goto(reverse("cases:detail", args=[case.pk]))
    assert response is not None and response.status == 404
    # The chef sees the reconciliation sums, but not which uppdrag they come from.
    page.goto(reverse("avhopp:reconciliation", args=[goteborg.pk, malmo.pk, period.key]))
    expect(page.locator("#avstamning-resultat")).to_contain_text("15\xa0750,50 kr")
    expect(page.get_by_role("link", name=reference)).to_have_count(0)
    expect(page.get_by_text("Uppdrag som du inte är tilldelad").first).to_be_visible()


def test_the_overview_fits_a_phone(page: Page, login_as: Login, assert_accessible: Check) -> None:
    page.set_viewport_size({"width": 360, "height": 800})
    login_as(page, "soc.malmo")
    page.goto(reverse("avhopp:overview"))
    expect(page.get_by_role("heading", name="Mina uppdrag")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
