"""The five meeting dates (001 § 9.1) from inclusion and Kriminalvården's master dates."""

from __future__ import annotations

from datetime import date, timedelta

from inslussning.dates import meeting_due_dates

INCLUDED = date(2026, 3, 2)


def test_without_kriminalvardens_dates_only_the_first_meeting_has_a_date() -> None:
    due = meeting_due_dates(included_on=INCLUDED, release_date=None, supervision_end=None)
    assert due == {1: INCLUDED + timedelta(30), 2: None, 3: None, 4: None, 5: None}


def test_the_dates_follow_vf_and_the_end_of_a_two_year_supervision() -> None:
    release, end = date(2027, 1, 15), date(2029, 1, 14)
    due = meeting_due_dates(included_on=INCLUDED, release_date=release, supervision_end=end)
    assert due[1] == INCLUDED + timedelta(30)
    assert due[2] == release - timedelta(90)
    assert due[3] == release + timedelta(7)
    # The middle of the actual supervision: a year in, not VF + six months.
    assert due[4] == release + (end - release) / 2 == date(2028, 1, 15)
    assert due[5] == end - timedelta(30)
    assert [due[p] for p in (1, 2, 3, 4, 5)] == sorted(due[p] for p in (1, 2, 3, 4, 5))


def test_a_client_included_late_has_the_first_meetings_due_at_once_never_in_the_past() -> None:
    release = INCLUDED + timedelta(days=40)
    due = meeting_due_dates(
        included_on=INCLUDED, release_date=release, supervision_end=release + timedelta(365)
    )
    assert due[1] == due[2] == INCLUDED


def test_a_short_supervision_keeps_meeting_5_after_meeting_4() -> None:
    release = date(2027, 1, 15)
    due = meeting_due_dates(
        included_on=INCLUDED, release_date=release, supervision_end=release + timedelta(40)
    )
    assert due[5] == due[4] == release + timedelta(20)
