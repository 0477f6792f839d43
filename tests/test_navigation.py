"""The main menu (accounts.context_processors): what each role is offered, and which item is
the current page. The menu's paths are reversed once per process; what a user sees must still
follow their roles on every request."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from cases.roles import Role
from tests.factories import MembershipFactory, OrganisationFactory

MENU = re.compile(r'<nav class="site-nav"[^>]*>(.*?)</nav>', re.S)


def menu_of(client: Client, url: str) -> str:
    found = MENU.search(client.get(url).content.decode())
    assert found is not None
    return found.group(1)


@pytest.mark.django_db
def test_each_role_gets_its_own_menu_and_the_current_page_is_marked(client: Client) -> None:
    kommun = OrganisationFactory(name="SN Menytest")
    caseworker = MembershipFactory(organisation=kommun, role=Role.SOCIALSEKRETERARE).user
    chef = MembershipFactory(organisation=kommun, role=Role.ENHETSCHEF).user

    client.force_login(caseworker)
    menu = menu_of(client, reverse("cases:my_cases"))
    assert f'href="{reverse("cases:my_cases")}" aria-current="page"' in menu
    assert reverse("cases:log_review") not in menu

    client.force_login(chef)
    menu = menu_of(client, reverse("cases:log_review"))
    assert f'href="{reverse("cases:log_review")}" aria-current="page"' in menu
    assert f'href="{reverse("cases:my_cases")}">' in menu


@pytest.mark.django_db
def test_a_role_taken_away_leaves_the_menu_at_once(client: Client) -> None:
    kommun = OrganisationFactory(name="SN Menytest")
    membership = MembershipFactory(organisation=kommun, role=Role.ENHETSCHEF)
    client.force_login(membership.user)
    assert reverse("cases:log_review") in menu_of(client, reverse("home"))

    membership.delete()
    MembershipFactory(user=membership.user, organisation=kommun, role=Role.SOCIALSEKRETERARE)
    assert reverse("cases:log_review") not in menu_of(client, reverse("home"))
