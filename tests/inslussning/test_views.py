"""The programme pages as each party sees them: staff, an external member before and after
consent, and someone outside the case; bad input; the documents; constant query counts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cases.models import AccessLog
from inslussning import services, services_group
from inslussning.models import Programme
from tests.factories import valid_personnummer
from tests.inslussning.conftest import (
    consent,
    hold_meeting,
    identify,
    release_dates,
    start_planning,
)


def _programme_with_af(region):
    case = identify(region)
    consent(region, case, region["frivard"], region["kommun"], region["anstalt"])
    services.programme_step(case_id=case.pk, actor=region["users"]["fi"], name="include")
    member = services_group.member_add(
        case_id=case.pk,
        actor=region["users"]["fi"],
        role="arbetsformedlingen",
        organisation=region["af"],
        contact_name="Alva",
    )
    services.area_update(
        case_id=case.pk,
        actor=region["users"]["fi"],
        area="sysselsattning",
        status="planerad",
        follow_up_on=None,
        need="Arbete",
        insats="Praktik via Arbetsförmedlingen",
        responsible_id=member.pk,
    )
    return case


def test_staff_see_the_whole_programme_and_the_read_is_logged(client, region):
    case = _programme_with_af(region)
    client.force_login(region["users"]["soc"])
    response = client.get(reverse("inslussning:detail", args=[case.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Testsson" in page and "Målgruppsbedömning" in page
    assert "Praktik via Arbetsförmedlingen" in page
    # Arbetsförmedlingen is in the group but no consent covers it yet: the staff are told.
    assert "Samtycket omfattar ännu inte" in page
    assert AccessLog.objects.filter(case=case, user=region["users"]["soc"]).exists()


def test_an_external_member_sees_nothing_before_consent_and_only_the_plan_after(client, region):
    case = _programme_with_af(region)
    client.force_login(region["users"]["af"])
    url = reverse("inslussning:detail", args=[case.pk])
    assert client.get(url).status_code == 404
    consent(region, case, region["af"])
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Praktik via Arbetsförmedlingen" in page
    # The assessment, the next steps and Kriminalvården's utslussning are not theirs.
    assert "Målgruppsbedömning" not in page and "Utslussningsåtgärder" not in page
    assert "Inkludera" not in page and "Lägg till medlem" not in page
    # They report on their own area only.
    assert "Uppdatera: Sysselsättning" in page and "Uppdatera: Bostad" not in page


def test_a_case_outside_the_users_scope_is_a_404(client, region):
    case = identify(region)
    client.force_login(region["users"]["other"])
    assert client.get(reverse("inslussning:detail", args=[case.pk])).status_code == 404
    assert client.get(reverse("inslussning:plan_pdf", args=[case.pk])).status_code == 404


def test_bad_dates_get_a_swedish_error_and_change_nothing(client, region):
    case = identify(region)
    client.force_login(region["users"]["fi"])
    release, _end = release_dates()
    response = client.post(
        reverse("inslussning:master_dates", args=[case.pk]),
        {"datum-release_date": release.isoformat(), "datum-supervision_end": release.isoformat()},
    )
    assert response.status_code == 400
    assert "Övervakningen upphör efter dagen för villkorlig frigivning" in response.content.decode()
    assert Programme.objects.get(case=case).release_date is None


def test_identifying_a_client_from_the_form(client, region):
    client.force_login(region["users"]["fi"])
    url = reverse("inslussning:identify")
    data = {
        "frivard": region["frivard"].pk,
        "identity": valid_personnummer(3),
        "first_name": "Ny",
        "last_name": "Klient",
        "home_kommun": region["kommun"].pk,
        "anstalt": region["anstalt"].pk,
        "motivated": "ja",
        "needs_several_actors": "ja",
        "sentence_not_too_short": "ja",
        "not_deportation": "ja",
    }
    # One question unanswered: nothing is created, the form says which.
    response = client.post(url, data)
    assert response.status_code == 400 and "Besvara frågan" in response.content.decode()
    assert not Programme.objects.exists()
    response = client.post(url, {**data, "expects_supervision": "nej"})
    programme = Programme.objects.get()
    assert response.status_code == 302 and not programme.expects_supervision
    # Only the frivård identifies clients (002).
    client.force_login(region["users"]["soc"])
    assert client.get(url).status_code == 404


def test_the_plan_pdf_and_the_printable_schedule(client, region):
    case = _programme_with_af(region)
    client.force_login(region["users"]["fi"])
    response = client.get(reverse("inslussning:plan_pdf", args=[case.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert "Testsson" not in response["Content-Disposition"]
    start_planning(region, case)
    response = client.get(reverse("inslussning:schedule_print", args=[case.pk]))
    assert "Inga tider är bokade ännu" in response.content.decode()


@pytest.mark.parametrize("n", [1, 6])
def test_the_overview_query_count_is_constant(client, region, n, django_assert_num_queries):
    for i in range(n):
        case = identify(region, n=100 + i)
        consent(region, case, region["frivard"], region["kommun"], region["anstalt"])
        services.programme_step(case_id=case.pk, actor=region["users"]["fi"], name="include")
    client.force_login(region["users"]["fi"])
    client.get(reverse("inslussning:overview"))  # warm the session and the menu
    with django_assert_num_queries(QUERIES_OVERVIEW):
        response = client.get(reverse("inslussning:overview"))
    page = response.content.decode()
    assert len(re.findall(r'href="/inslussning/\d+/"', page)) == n
    due = (timezone.localdate() + timedelta(days=30)).isoformat()
    assert f"Möte 1, senast {due}" in page


QUERIES_OVERVIEW = 9


def _grow(region, case, extra_members):
    for i in range(extra_members):
        services_group.member_add(
            case_id=case.pk,
            actor=region["users"]["fi"],
            role="anhorig",
            organisation=None,
            contact_name=f"Anhörig {i}",
        )
    hold_meeting(region, case, 1)


def test_the_programme_page_query_count_does_not_grow_with_the_group(client, region):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = _programme_with_af(region)
    start_planning(region, case)
    client.force_login(region["users"]["fi"])
    url = reverse("inslussning:detail", args=[case.pk])
    client.get(url)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    small = queries()
    _grow(region, case, extra_members=6)
    assert queries() == small
    assert "Anhörig 5" in client.get(url).content.decode()


def test_the_invitation_link_lets_the_external_member_choose_a_password_once(
    client, region, django_capture_on_commit_callbacks
):
    case = identify(region)
    consent(region, case, region["frivard"], region["kommun"], region["anstalt"])
    services.programme_step(case_id=case.pk, actor=region["users"]["fi"], name="include")
    with django_capture_on_commit_callbacks(execute=True):
        member = services_group.member_add(
            case_id=case.pk,
            actor=region["users"]["fi"],
            role="arbetsformedlingen",
            organisation=region["af"],
            contact_name="Nils Ny",
            contact_email="nils@example.org",
            invite=True,
        )
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get(f"/{path}", follow=True)
    assert "Välj lösenord" in response.content.decode()
    form_url = response.redirect_chain[-1][0]
    password = "ett-långt-lösenord-för-test-42"
    response = client.post(form_url, {"new_password1": password, "new_password2": password})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    member.user.refresh_from_db()
    assert member.user.check_password(password)
    # The link works once.
    again = client.get(f"/{path}", follow=True).content.decode()
    assert "Länken har redan använts eller har gått ut" in again
