"""The inslussning programme's states (DOMAIN.md §3.3; 001 § 9.1) as django-fsm transitions on
a proxy of Case. Each step names who may take it and the facts it needs; the services in
``inslussning.services`` are the only callers."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import transition

from cases.models import Case
from cases.roles import OrganisationKind
from cases.states import CLOSED_STATES, STATES_BY_TYPE, CaseType, State
from cases.workflows import common as c
from inslussning.models import CORE_ROLES, MeetingPoint, Programme
from inslussning.roles import STAFF_ROLES
from inslussning.rules import target_group_satisfied

ACTIVE = [s for s in STATES_BY_TYPE[CaseType.INSLUSSNING] if s not in CLOSED_STATES]

# The programme is run by Kriminalvården (anstalt and frivård) and the home kommun's
# socialtjänst, including an inslussningssamordnare of either (001 §§ 10–11); external members
# of the group take part in the plan but never move the programme.
is_programme_staff = c.acts_for(
    {OrganisationKind.KOMMUN, OrganisationKind.FRIVARD, OrganisationKind.ANSTALT}, STAFF_ROLES
)
is_kriminalvarden = c.acts_for({OrganisationKind.FRIVARD, OrganisationKind.ANSTALT}, STAFF_ROLES)
# 002: "Frivårdskoordinatorn ansvarar för att identifiera och inkludera klienter".
is_frivard = c.acts_for({OrganisationKind.FRIVARD}, STAFF_ROLES)


def programme(case: Any) -> Programme:
    """The case's programme, read once per case object."""
    if "_programme" not in case.__dict__:
        case.__dict__["_programme"] = Programme.objects.get(case_id=case.pk)
    return case.__dict__["_programme"]


def _held(case: Any, *points: int) -> bool:
    return programme(case).meetings.filter(point__in=points, held_on__isnull=False).count() == len(
        points
    )


@c.condition(_("Målgruppsbedömningen ska vara uppfylld, eller en chef ha beslutat om undantag."))
def target_group_ok(case: Any) -> bool:
    return target_group_satisfied(programme(case))


@c.condition(_("En inslussningssamordnare ska vara utsedd."))
def samordnare_appointed(case: Any) -> bool:
    return programme(case).samordnare_id is not None


@c.condition(_("Anstalten, frivården och socialtjänsten ska finnas med i inslussningsgruppen."))
def core_group_complete(case: Any) -> bool:
    roles = set(programme(case).members.filter(left_at__isnull=True).values_list("role", flat=True))
    return all(role in roles for role in CORE_ROLES)


@c.condition(
    _("Kriminalvårdens datum för villkorlig frigivning och övervakningens slut ska vara angivna.")
)
def master_dates_known(case: Any) -> bool:
    p = programme(case)
    return p.release_date is not None and p.supervision_end is not None


@c.condition(_("Planeringsmöte 1 (verkställighetens innehåll) ska vara genomfört."))
def first_meeting_held(case: Any) -> bool:
    return _held(case, MeetingPoint.VERKSTALLIGHET)


@c.condition(_("Planeringsmöte 2 (inför frigivning) ska vara genomfört."))
def release_meeting_held(case: Any) -> bool:
    return _held(case, MeetingPoint.INFOR_FRIGIVNING)


@c.condition(_("Schemat för första tiden i frihet ska ha minst en bokning."))
def schedule_booked(case: Any) -> bool:
    return programme(case).bookings.exists()


@c.condition(_("Dagen för villkorlig frigivning har inte kommit ännu."))
def release_date_reached(case: Any) -> bool:
    release = programme(case).release_date
    return release is not None and release <= timezone.localdate()


@c.condition(_("Planeringsmöte 3 och 4 ska vara genomförda."))
def supervision_meetings_held(case: Any) -> bool:
    return _held(case, MeetingPoint.FRIGIVNING, MeetingPoint.OVERVAKNING)


@c.condition(_("Planeringsmöte 5 (inför övervakningstidens slut) ska vara genomfört."))
def last_meeting_held(case: Any) -> bool:
    return _held(case, MeetingPoint.INFOR_AVSLUT)


class Inslussning(Case):
    class Meta:
        proxy = True

    @transition(
        field="state",
        source=State.IDENTIFIERAD,
        target=State.SAMTYCKE,
        conditions=[target_group_ok, c.consent_covers_both_parties],
        permission=is_frivard,
        custom={"label": _("Inkludera i programmet"), "form": "confirm"},
    )
    def include(self) -> None:
        """002: the frivårdskoordinator includes the client, who has agreed to take part and to
        the exchange of information ("häva sekretess")."""

    @transition(
        field="state",
        source=State.SAMTYCKE,
        target=State.PLANERING,
        conditions=[target_group_ok, samordnare_appointed, core_group_complete],
        permission=is_programme_staff,
        custom={"label": _("Starta planeringen"), "form": "confirm"},
    )
    def start_planning(self) -> None:
        """001 § 9.1 point 1: the group plans the content of the verkställighet together."""

    @transition(
        field="state",
        source=State.PLANERING,
        target=State.INFOR_FRIGIVNING,
        conditions=[first_meeting_held, master_dates_known],
        permission=is_programme_staff,
        custom={"label": _("Gå vidare till förberedelser inför frigivning"), "form": "confirm"},
    )
    def prepare_release(self) -> None:
        """001 § 9.1 point 2: follow-up and detailed planning of the release, in good time."""

    @transition(
        field="state",
        source=State.INFOR_FRIGIVNING,
        target=State.FRIGIVEN,
        conditions=[release_meeting_held, schedule_booked, release_date_reached],
        permission=is_kriminalvarden,
        custom={"label": _("Registrera frigivningen"), "form": "confirm"},
    )
    def release(self) -> None:
        """The client is conditionally released and under övervakning (Kriminalvården's fact)."""

    @transition(
        field="state",
        source=State.FRIGIVEN,
        target=State.INFOR_AVSLUT,
        conditions=[supervision_meetings_held],
        permission=is_programme_staff,
        custom={"label": _("Gå vidare till förberedelser inför avslut"), "form": "confirm"},
    )
    def prepare_end(self) -> None:
        """001 § 9.1 point 5 approaches: Kriminalvården's part ends with the övervakning."""

    @transition(
        field="state",
        source=State.INFOR_AVSLUT,
        target=State.AVSLUTAD,
        conditions=[last_meeting_held],
        permission=is_programme_staff,
        custom={"label": _("Avsluta programmet"), "form": "close"},
    )
    def close(self) -> None:
        """With a summary of what continues without Kriminalvården (001 § 9.1 point 5)."""

    @transition(
        field="state",
        source=ACTIVE,
        target=State.AVBRUTEN,
        permission=is_programme_staff,
        custom={"label": _("Avbryt programmet"), "form": "abort"},
    )
    def abort(self) -> None:
        """Participation is voluntary: the client may leave at any time (001 § 7)."""
