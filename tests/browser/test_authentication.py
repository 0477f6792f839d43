"""Logging in, being locked out, enrolling two-factor authentication, and idle expiry."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from cases.roles import OrganisationKind, Role
from inslussning.services_group import invitation_path
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_socialsekreterare_logs_in_and_sees_their_role(
    page: Page,
    demo_accounts: dict[str, object],
    login_with_password: Callable[..., None],
    assert_accessible: Callable[[Page], None],
) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile("/konto/logga-in/"))
    assert_accessible(page)
    login_with_password("soc.nordost")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Välkommen")
    expect(page.get_by_text("Göteborgs stad, socialnämnden Nordost")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Logga ut").click()
    expect(page).to_have_url(re.compile("/konto/logga-in/"))


def test_wrong_password_shows_a_swedish_error_summary(
    page: Page,
    demo_accounts: dict[str, object],
    login_with_password: Callable[..., None],
    assert_accessible: Callable[[Page], None],
) -> None:
    login_with_password("soc.nordost", "fel-lösenord")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Fel användarnamn eller lösenord")
    expect(summary).to_be_focused()
    assert_accessible(page)


def test_five_failed_attempts_lock_the_account_even_for_the_right_password(
    page: Page,
    demo_accounts: dict[str, object],
    login_with_password: Callable[..., None],
    assert_accessible: Callable[[Page], None],
) -> None:
    for _ in range(5):
        login_with_password("fi.frivard-gbg", "fel-lösenord")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kontot är tillfälligt spärrat")
    assert_accessible(page)
    login_with_password("fi.frivard-gbg")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kontot är tillfälligt spärrat")


def test_required_two_factor_enrolment_then_verification(
    page: Page,
    demo_accounts: dict[str, object],
    login_with_password: Callable[..., None],
    assert_accessible: Callable[[Page], None],
    settings: object,
) -> None:
    settings.BRYGGA_REQUIRE_2FA = True  # type: ignore[attr-defined]
    login_with_password("chef.nordost")
    expect(page.get_by_role("heading", level=1)).to_have_text("Aktivera tvåfaktorsinloggning")
    assert_accessible(page)
    # Navigating elsewhere before enrolment is not possible.
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Aktivera tvåfaktorsinloggning")

    page.get_by_label("Engångskod").fill("000000")
    page.get_by_role("button", name="Aktivera").click()
    expect(page.get_by_role("alert")).to_contain_text("Koden stämmer inte")
    time.sleep(1.1)  # django-otp throttles a device for one second after a wrong code

    user = get_user_model().objects.get(username="chef.nordost")
    device = TOTPDevice.objects.get(user=user)
    secret = page.get_by_test_id("totp-secret").inner_text()
    assert secret  # the key is also shown as text for people who cannot scan the QR code
    page.get_by_label("Engångskod").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Aktivera").click()
    expect(page.get_by_role("status")).to_contain_text("Tvåfaktorsinloggningen är aktiverad")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Välkommen")

    # The next login asks for a code from the enrolled device, not for a new enrolment.
    page.get_by_role("button", name="Logga ut").click()
    login_with_password("chef.nordost")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tvåfaktorsinloggning")
    assert_accessible(page)
    # django-otp never accepts the same time step twice; the app's code for the next
    # 30-second step is within the accepted drift, as when the person logs in a little later.
    page.get_by_label("Engångskod").fill(f"{totp(device.bin_key, drift=1):06d}")
    page.get_by_role("button", name="Fortsätt").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Välkommen")


def test_idle_session_expires_and_the_cookie_dies_with_the_browser(
    page: Page,
    demo_accounts: dict[str, object],
    login_with_password: Callable[..., None],
    settings: object,
) -> None:
    settings.SESSION_COOKIE_AGE = 2  # type: ignore[attr-defined]
    login_with_password("soc.centrum")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Välkommen")
    session_cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    assert session_cookie["expires"] == -1  # a browser-session cookie: gone when the browser closes
    time.sleep(3)
    page.goto("/")
    expect(page).to_have_url(re.compile("/konto/logga-in/"))


def test_an_invited_external_member_chooses_a_password_by_keyboard(
    page: Page, assert_accessible: Callable[[Page], None]
) -> None:
    """The invitation link of an external member of an inslussningsgrupp (inslussning/
    services_group.py): the page to choose a password, its Swedish errors, and the used link."""
    af = OrganisationFactory(name="Arbetsförmedlingen", kind=OrganisationKind.ARBETSFORMEDLINGEN)
    member = MembershipFactory(
        organisation=af, role=Role.EXTERN_DELTAGARE, user__username="nils@example.org"
    ).user
    member.set_unusable_password()
    member.save()
    path = invitation_path(member)

    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Välj lösenord")
    assert_accessible(page)
    page.get_by_label("Nytt lösenord", exact=True).fill("ett-långt-lösenord-för-test-42")
    page.get_by_label("Bekräfta nytt lösenord").fill("ett-annat-lösenord-för-test-42")
    page.keyboard.press("Enter")
    # The error summary links to the field; the field carries the same error.
    mismatch = "De två lösenordsfälten stämmer inte överens"
    expect(page.get_by_role("link", name=mismatch)).to_be_visible()
    expect(page.locator("#id_new_password2_error")).to_contain_text(mismatch)
    assert_accessible(page)
    member.refresh_from_db()
    assert not member.has_usable_password()

    page.get_by_label("Nytt lösenord", exact=True).fill("ett-långt-lösenord-för-test-42")
    page.get_by_label("Bekräfta nytt lösenord").fill("ett-långt-lösenord-för-test-42")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("/konto/logga-in/"))
    member.refresh_from_db()
    assert member.check_password("ett-långt-lösenord-för-test-42")

    page.goto(path)
    expect(page.get_by_text("Länken har redan använts eller har gått ut")).to_be_visible()
    assert_accessible(page)
