"""The avhopparuppdrag pages: scope (404 outside the assignment), the create form's balance
warning, the steps as POSTs, the agreement notice, the report, constant query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from avhopp.rules import HalfYear
from cases.models import AccessLog, Case
from cases.personnummer import parse_identity_number
from cases.states import State
from tests.factories import MembershipFactory, OrganisationFactory, valid_personnummer

pytestmark = pytest.mark.django_db


def _login(client, world, name):
    client.force_login(world.users[name])
    return client


def test_the_overview_shows_the_agreement_balance_and_my_uppdrag(client, world) -> None:
    case = world.create()
    response = _login(client, world, "soc_a").get(reverse("avhopp:overview"))
    assert response.status_code == 200
    text = response.content.decode()
    assert world.agreement.name in text
    assert "Kommun B" in text and "Lämnade uppdrag" in text
    assert case.reference in text
    assert "Ny förfrågan om uppdrag" in text


def test_an_unassigned_colleague_sees_nothing_of_the_uppdrag(client, world) -> None:
    case = world.create()
    _login(client, world, "colleague_a")
    overview = client.get(reverse("avhopp:overview")).content.decode()
    assert case.reference not in overview
    assert client.get(reverse("avhopp:detail", args=[case.pk])).status_code == 404
    step = reverse("avhopp:step", args=[case.pk, "police"])
    assert client.post(step, {"police-consulted_on": "2026-01-01"}).status_code == 404
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404


def test_users_outside_the_kommuner_get_404(client, world) -> None:
    frivard = OrganisationFactory(name="Frivården", kind="frivard")
    user = MembershipFactory(organisation=frivard, role="frivardsinspektor").user
    client.force_login(user)
    assert client.get(reverse("avhopp:overview")).status_code == 404
    assert client.get(reverse("avhopp:create")).status_code == 404
    _login(client, world, "outsider")  # a kommun that is not a party
    assert client.get(reverse("avhopp:create")).status_code == 404


def test_the_page_is_access_logged_and_masks_nothing_for_the_assigned(client, world) -> None:
    case = world.create()
    response = _login(client, world, "soc_b").get(reverse("avhopp:detail", args=[case.pk]))
    assert response.status_code == 200
    assert case.client.full_name in response.content.decode()
    log = AccessLog.objects.get(case=case, user=world.users["soc_b"])
    assert log.client_id == case.client_id and log.organisation == world.orgs["b1"]


def test_create_warns_about_the_balance_and_needs_confirmation(client, world) -> None:
    world.create(confirm_over_balance=False)
    world.create(confirm_over_balance=False)
    _login(client, world, "soc_a")
    receiver = world.users["soc_b"].memberships.first()
    data = {
        "home_municipality": world.orgs["a1"].pk,
        "receiver": receiver.pk,
        "identity": valid_personnummer(9001),
        "first_name": "Ny",
        "last_name": "Klient",
        "protected_identity": "on",
        "disclosure_basis": "samtycke",
    }
    response = client.post(reverse("avhopp:create"), data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "Uppdraget överskrider balansmålet" in text
    assert "A har redan lämnat 2 uppdrag" in text
    assert "B har redan tagit emot 2 uppdrag" in text
    assert Case.objects.count() == 2
    response = client.post(reverse("avhopp:create"), {**data, "confirm_over_balance": "on"})
    case = Case.objects.get(client__id_number=parse_identity_number(data["identity"]).value)
    assert response.status_code == 302
    assert response["Location"] == reverse("avhopp:detail", args=[case.pk])
    assert case.client.protected_identity


def test_steps_are_posted_and_refused_for_the_wrong_kommun(client, world) -> None:
    case = world.create()
    url = reverse("avhopp:step", args=[case.pk, "start_consultation"])
    assert _login(client, world, "soc_a").post(url, {}).status_code == 403
    assert Case.objects.get(pk=case.pk).state == State.FORFRAGAN
    response = _login(client, world, "soc_b").post(url, {})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == State.SAMRAD
    accept = reverse("avhopp:step", args=[case.pk, "accept"])
    response = client.post(accept, {})
    assert response.status_code == 400
    assert "Samråd med Polismyndigheten" in response.content.decode()


def test_an_enhetschef_records_notice_on_the_agreement(client, world) -> None:
    url = reverse("avhopp:agreement_notice")
    today = f"{timezone.localdate():%Y-%m-%d}"
    assert _login(client, world, "soc_a").post(url, {"notice-given_on": today}).status_code == 403
    response = _login(client, world, "chef_b").post(url, {"notice-given_on": today})
    assert response.status_code == 302
    text = client.get(reverse("avhopp:overview")).content.decode()
    assert "Kommun B, nämnd sade upp avtalet" in text


def test_the_report_page_and_settling(client, world) -> None:
    previous = HalfYear.of(HalfYear.of(timezone.localdate()).starts_on - timedelta(days=1))
    case = world.walk(world.create(), "genomforande")
    world.book(case, "4000.00", on=previous.ends_on)
    a, b = world.orgs["a"], world.orgs["b"]
    url = reverse("avhopp:reconciliation", args=[a.pk, b.pk, previous.key])
    assert _login(client, world, "colleague_b").get(url).status_code == 404
    text = _login(client, world, "chef_a").get(url).content.decode()
    assert "4\xa0000,00 kr" in text and "2\xa0000,00 kr" in text
    assert "Markera som avstämd" in text
    assert case.reference not in text  # the chef is not assigned to it
    response = client.post(reverse("avhopp:reconciliation_settle", args=[a.pk, b.pk, previous.key]))
    assert response.status_code == 302
    assert "Avstämd" in client.get(url).content.decode()
    assert _login(client, world, "soc_b").get(url).status_code == 200
    assert (
        client.get(reverse("avhopp:reconciliation", args=[a.pk, b.pk, "2026-H9"])).status_code
        == 404
    )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_overview_query_count_is_constant(client, world) -> None:
    previous = HalfYear.of(HalfYear.of(timezone.localdate()).starts_on - timedelta(days=1))
    first = world.walk(world.create(), "genomforande")
    world.book(first, "100.00", on=previous.ends_on)
    _login(client, world, "soc_b")
    url = reverse("avhopp:overview")
    few = _queries(client, url)
    for receiving in ("soc_c", "soc_c", "soc_b"):
        case = world.walk(world.create(receiving=receiving), "genomforande", receiving=receiving)
        world.book(case, "100.00", on=previous.ends_on, receiving=receiving)
        world.book(case, "50.00", receiving=receiving)
    world.create(home="soc_c", receiving="soc_b")
    assert _queries(client, url) == few


def test_the_uppdrag_page_query_count_is_constant(client, world) -> None:
    case = world.walk(world.create(), "genomforande")
    world.book(case, "100.00")
    _login(client, world, "soc_b")
    url = reverse("avhopp:detail", args=[case.pk])
    few = _queries(client, url)
    for _ in range(5):
        world.book(case, "100.00")
    assert _queries(client, url) == few


def test_the_overview_says_so_before_any_agreement_is_registered(client, world) -> None:
    from avhopp.models import Agreement

    Agreement.objects.all().delete()
    response = _login(client, world, "soc_a").get(reverse("avhopp:overview"))
    assert response.status_code == 200
    assert "Inget samverkansavtal om avhopparuppdrag är registrerat." in response.content.decode()
    assert client.get(reverse("avhopp:create")).status_code == 404
