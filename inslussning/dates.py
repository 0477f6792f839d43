"""Where the due dates of the five planning meetings come from (001 § 9.1). Pure functions:
the services call them when the facts change (inclusion, Kriminalvården's master dates).

The source names moments, not day counts; the offsets are settings so a region can agree on its
own. Meetings 2–5 hang on the VF date and the end of övervakning, which are Kriminalvården's
decisions: without them the meetings have no date yet (never VF + 12 months, DOMAIN.md §3.3)."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings

from inslussning.models import MeetingPoint


def meeting_due_dates(
    *, included_on: date | None, release_date: date | None, supervision_end: date | None
) -> dict[int, date | None]:
    due: dict[int, date | None] = dict.fromkeys(MeetingPoint.values)
    if release_date is not None:
        # 2: "I god tid före förväntad frigivning" (001); "flera månader före VF" (002).
        due[MeetingPoint.INFOR_FRIGIVNING] = release_date - timedelta(
            days=settings.BRYGGA_INSLUSS_BEFORE_RELEASE_DAYS
        )
        # 3: the release itself is followed up at once ("noga följas upp så att eventuella
        # brister snabbt kan identifieras").
        due[MeetingPoint.FRIGIVNING] = release_date + timedelta(
            days=settings.BRYGGA_INSLUSS_AFTER_RELEASE_DAYS
        )
    if included_on is not None:
        before_release = due[MeetingPoint.INFOR_FRIGIVNING]
        if before_release is not None and before_release < included_on:
            # Included later than the programme asks for: the meeting is due now, not in the
            # past (it still shows as due at once, which is the signal to act).
            due[MeetingPoint.INFOR_FRIGIVNING] = included_on
        # 1: "samråd vid verkställighetens början": soon after inclusion, and never after the
        # meeting before release.
        first = included_on + timedelta(days=settings.BRYGGA_INSLUSS_FIRST_MEETING_DAYS)
        before_release = due[MeetingPoint.INFOR_FRIGIVNING]
        due[MeetingPoint.VERKSTALLIGHET] = min(first, before_release) if before_release else first
    if release_date is not None and supervision_end is not None:
        # 4: "hunnit en bit på väg men inte så långt att det inte finns utrymme för justeringar":
        # the middle of the supervision period.
        middle = release_date + (supervision_end - release_date) / 2
        due[MeetingPoint.OVERVAKNING] = middle
        # 5: "i samband med att övervakningen upphör": before the end, never before meeting 4.
        due[MeetingPoint.INFOR_AVSLUT] = max(
            middle, supervision_end - timedelta(days=settings.BRYGGA_INSLUSS_BEFORE_END_DAYS)
        )
    return due
