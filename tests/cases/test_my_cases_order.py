""" "Mina ärenden" walks the handläggare's participations in the list's order
(Participation.case_updated_at, kept by triggers; docs/performance.md): the copy follows every
change of the case, records no history, and the list pages the same as the case list does."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Participation
from cases.roles import Role
from cases.selectors import PAGE_SIZE, CaseFilters, case_list_for_user, page_cursor, paginate
from cases.services.cases import participation_assign_handlaggare
from tests.factories import CaseFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

ParticipationEvent = Participation.pgh_event_model  # type: ignore[attr-defined]


def _copies(case: Case) -> set[object]:
    return set(Participation.objects.filter(case=case).values_list("case_updated_at", flat=True))


def test_the_copy_follows_the_case_and_records_no_history() -> None:
    kommun = OrganisationFactory()
    case = CaseFactory(owner_organisation=kommun, participants__counterpart=OrganisationFactory())
    assert _copies(case) == {Case.objects.get(pk=case.pk).updated_at}  # set on insert

    events_before = ParticipationEvent.objects.count()
    later = timezone.now() + timedelta(hours=3)
    Case.objects.filter(pk=case.pk).update(updated_at=later)
    assert _copies(case) == {later}  # every participation of the case, at once
    assert ParticipationEvent.objects.count() == events_before  # a copy is not an event

    # The application saving a participation with a stale copy in memory cannot undo it.
    participation = Participation.objects.filter(case=case).first()
    assert participation is not None
    participation.case_updated_at = later - timedelta(days=9)
    participation.save()
    assert _copies(case) == {later}


def test_my_cases_newest_first_and_paged_by_cursor_as_by_number(client) -> None:
    kommun = OrganisationFactory(name="Socialnämnden Mina")
    me = MembershipFactory(organisation=kommun, role=Role.SOCIALSEKRETERARE).user
    colleague = MembershipFactory(organisation=kommun, role=Role.SOCIALSEKRETERARE).user
    mine = CaseFactory.create_batch(PAGE_SIZE + 5, owner_organisation=kommun)
    theirs = CaseFactory.create_batch(3, owner_organisation=kommun)
    base = timezone.now() - timedelta(days=2)
    for index, case in enumerate([*mine, *theirs]):
        Participation.objects.filter(case=case).update(
            handlaggare=me if case in mine else colleague
        )
        # Two by two the same time, so that the id breaks the tie; the newest are the colleague's.
        Case.objects.filter(pk=case.pk).update(updated_at=base + timedelta(minutes=index // 2))
    expected = [case.pk for case in sorted(mine, key=lambda c: c.pk, reverse=True)]
    expected.sort(key=lambda pk: Case.objects.get(pk=pk).updated_at, reverse=True)

    client.force_login(me)
    url = reverse("cases:my_cases")
    first = client.get(url).content.decode()
    rows = [int(pk) for pk in re.findall(r'<td><a href="/arenden/(\d+)/">', first)]
    assert rows == expected[:PAGE_SIZE]

    filters = CaseFilters(mine=True)
    page_one, has_next = paginate(case_list_for_user(me, filters), 1)
    assert has_next
    page_two, has_more = paginate(
        case_list_for_user(me, filters), 2, after=page_cursor(page_one[-1], filters.sort)
    )
    assert [c.pk for c in page_two] == expected[PAGE_SIZE:] and not has_more


def test_a_case_where_i_am_handlaggare_for_two_organisations_shows_once() -> None:
    kommun, other = OrganisationFactory(), OrganisationFactory()
    me = MembershipFactory(organisation=kommun, role=Role.SOCIALSEKRETERARE).user
    MembershipFactory(user=me, organisation=other, role=Role.SOCIALSEKRETERARE)
    case = CaseFactory(owner_organisation=kommun, participants__counterpart=other)
    Participation.objects.filter(case=case).update(handlaggare=me)
    rows, _ = paginate(case_list_for_user(me, CaseFilters(mine=True)), 1)
    assert [c.pk for c in rows] == [case.pk]


def test_assigning_a_handlaggare_puts_the_case_in_their_list(client) -> None:
    kommun = OrganisationFactory()
    chef = MembershipFactory(organisation=kommun, role=Role.ENHETSCHEF).user
    soc = MembershipFactory(organisation=kommun, role=Role.SOCIALSEKRETERARE).user
    case = CaseFactory(owner_organisation=kommun)
    participation_assign_handlaggare(case_id=case.pk, actor=chef, handlaggare=soc)
    rows, _ = paginate(case_list_for_user(soc, CaseFilters(mine=True)), 1)
    assert [c.pk for c in rows] == [case.pk]
    copy = Participation.objects.get(case=case, organisation=kommun).case_updated_at
    assert copy == Case.objects.get(pk=case.pk).updated_at
