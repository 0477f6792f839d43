"""Demo inslussning programmes, one in every state, walked there through the real services so
the timeline, the deadlines and the access rule are what users will see. Invented people.
Idempotent: a programme whose client already has a case is skipped.

Runs after the base demo (``cases.demo.seed``), which creates the organisations and users
(``fi.frivard-gbg``, ``samordnare.frivard-gbg``, ``extern.af-gbg``, ``extern.nystart`` …)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils import timezone

from cases.models import Case, Client, Organisation
from cases.personnummer import luhn_check_digit, parse_identity_number
from cases.services.consent import consent_record
from cases.states import State
from inslussning import services, services_group
from inslussning.models import Criterion, MeetingPoint, Programme, ReleaseBooking


@dataclass(frozen=True)
class DemoProgramme:
    state: str
    first_name: str
    last_name: str
    kommun: str  # slug of the home kommun's socialnämnd
    birth: str  # YYMMDD
    protected: bool = False
    failed: tuple[str, ...] = ()  # target-group criteria not met


PROGRAMMES = (
    DemoProgramme(
        State.IDENTIFIERAD,
        "Lukas",
        "Exempelsson",
        "hisingen",
        "920304",
        failed=(Criterion.SENTENCE_NOT_TOO_SHORT,),
    ),
    DemoProgramme(State.SAMTYCKE, "Sven", "Påhittad", "partille", "910105", protected=True),
    DemoProgramme(State.PLANERING, "Omar", "Testberg", "nordost", "880712"),
    DemoProgramme(State.INFOR_FRIGIVNING, "Jonas", "Låtsasson", "centrum", "950221"),
    DemoProgramme(State.FRIGIVEN, "Mira", "Demodotter", "sydvast", "930919"),
    DemoProgramme(State.INFOR_AVSLUT, "Kim", "Fiktivsson", "nordost", "870430"),
    DemoProgramme(State.AVSLUTAD, "Ali", "Provsson", "hisingen", "900808"),
    DemoProgramme(State.AVBRUTEN, "Tove", "Skenström", "molndal", "940616"),
)

ORDER = (
    State.IDENTIFIERAD,
    State.SAMTYCKE,
    State.PLANERING,
    State.INFOR_FRIGIVNING,
    State.FRIGIVEN,
    State.INFOR_AVSLUT,
    State.AVSLUTAD,
)

PLAN = (
    ("bostad", "Saknar bostad efter frigivningen.", "Ansökan om försöksboende", "socialtjanst"),
    ("sysselsattning", "Vill arbeta, saknar erfarenhet.", "Inskrivning och praktik", "af"),
    ("skulder", "Skulder hos Kronofogden.", "Budget- och skuldrådgivning", "socialtjanst"),
    ("stodperson", "Litet nätverk utanför kriminaliteten.", "Stödperson från föreningen", "civil"),
    ("praktiska", "Saknar id-kort och bankkonto.", "Id-kort och bankkonto före VF", "frivard"),
)


def _user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def _reached(spec: DemoProgramme, state: str) -> bool:
    return spec.state != State.AVBRUTEN and ORDER.index(spec.state) >= ORDER.index(state)


def seed_inslussning(organisations: dict[str, Organisation]) -> None:
    for number, spec in enumerate(PROGRAMMES):
        core = f"{spec.birth}97{number}"
        identity = parse_identity_number(f"19{core}{luhn_check_digit(core)}")
        existing = Client.objects.filter(id_number=identity.value).first()
        if existing is not None and Case.objects.filter(client=existing).exists():
            continue
        _seed_one(spec, identity, organisations)


def _seed_one(spec: DemoProgramme, identity: Any, orgs: dict[str, Organisation]) -> None:
    today = timezone.localdate()
    fi = _user("fi.frivard-gbg")
    soc = _user(f"soc.{spec.kommun}")
    kh = _user("kh.radanefors")
    case = services.programme_identify(
        actor=fi,
        frivard=orgs["frivard-gbg"],
        identity=identity,
        first_name=spec.first_name,
        last_name=spec.last_name,
        protected_identity=spec.protected,
        home_kommun=orgs[spec.kommun],
        anstalt=orgs["radanefors"],
        criteria={c.value: c.value not in spec.failed for c in Criterion},
    )
    if spec.state == State.IDENTIFIERAD:
        return  # waiting for a chef's decision on the failed criterion
    consent_record(
        case_id=case.pk,
        actor=fi,
        parties=[orgs["frivard-gbg"], orgs[spec.kommun], orgs["radanefors"]],
        scope="Inslussning: planering och uppföljning med inslussningsgruppen.",
        given_on=today,
        form="muntligt",
        oral_note="Klienten samtyckte muntligt vid samtal på anstalten.",
    )
    services.programme_step(case_id=case.pk, actor=fi, name="include")
    if spec.state == State.AVBRUTEN:
        services.programme_step(
            case_id=case.pk, actor=fi, name="abort", text="Klienten vill inte längre delta."
        )
        return
    services.samordnare_appoint(
        case_id=case.pk, actor=fi, samordnare=_user("samordnare.frivard-gbg")
    )
    members = _group(case, fi, orgs)
    # The external members see the programme once the client's consent covers them too.
    consent_record(
        case_id=case.pk,
        actor=fi,
        parties=[orgs["af-gbg"], orgs["nystart"]],
        scope="Inslussning: Arbetsförmedlingen och stödpersonens förening i inslussningsgruppen.",
        given_on=today,
        form="muntligt",
        oral_note="Klienten samtyckte muntligt till att Arbetsförmedlingen och föreningen deltar.",
    )
    if spec.state == State.SAMTYCKE:
        return
    release = today + timedelta(days=150)
    services.master_dates_record(
        case_id=case.pk, actor=fi, release_date=release, supervision_end=release + timedelta(730)
    )
    services.programme_step(case_id=case.pk, actor=soc, name="start_planning")
    for area, need, insats, who in PLAN:
        services.area_update(
            case_id=case.pk,
            actor=fi,
            area=area,
            status="planerad",
            follow_up_on=today + timedelta(days=60),
            need=need,
            insats=insats,
            responsible_id=members[who],
        )
    services.plan_responsibility_set(
        case_id=case.pk, actor=fi, overall_responsibility="Inslussningssamordnaren på frivården"
    )
    if not _reached(spec, State.INFOR_FRIGIVNING):
        # One programme whose first meeting is late: included six weeks ago.
        Programme.objects.filter(case=case).update(included_on=today - timedelta(days=45))
        programme = Programme.objects.select_related("case").get(case=case)
        services.schedule_meetings(programme.case, programme, actor=None)
        return
    _meeting(case, fi, MeetingPoint.VERKSTALLIGHET, today - timedelta(days=3), members)
    services.programme_step(case_id=case.pk, actor=fi, name="prepare_release")
    services.release_measure_add(
        case_id=case.pk,
        actor=fi,
        kind="frigang",
        starts_on=today + timedelta(days=30),
        ends_on=release - timedelta(days=1),
        linked_case_id=None,
        note="Arbete på dagtid via Arbetsförmedlingens praktik.",
    )
    _schedule(case, soc, first_day=release)
    if spec.state == State.INFOR_FRIGIVNING:
        return
    _meeting(case, fi, MeetingPoint.INFOR_FRIGIVNING, today - timedelta(days=2), members)
    # Released today: Kriminalvården's date moves to today (e.g. after a recalculation).
    services.master_dates_record(
        case_id=case.pk, actor=fi, release_date=today, supervision_end=today + timedelta(730)
    )
    services.programme_step(case_id=case.pk, actor=kh, name="release")
    _move_schedule(case, days=-(release - today).days)  # the bookings follow the new VF date
    if spec.state == State.FRIGIVEN:
        return
    # The later programmes are shown as if they had run their course: their real dates.
    ends = today + timedelta(days=25) if spec.state == State.INFOR_AVSLUT else today
    released = ends - timedelta(days=730)
    _meeting(case, fi, MeetingPoint.FRIGIVNING, released + timedelta(days=6), members)
    _meeting(case, soc, MeetingPoint.OVERVAKNING, released + timedelta(days=360), members)
    services.master_dates_record(
        case_id=case.pk, actor=fi, release_date=released, supervision_end=ends
    )
    _move_schedule(case, days=(released - today).days)
    services.programme_step(case_id=case.pk, actor=soc, name="prepare_end")
    if spec.state == State.INFOR_AVSLUT:
        return
    _meeting(case, soc, MeetingPoint.INFOR_AVSLUT, ends - timedelta(days=20), members)
    services.programme_step(
        case_id=case.pk,
        actor=soc,
        name="close",
        text=(
            "Egen bostad och anställning. Socialtjänsten fortsätter med stödsamtal en gång i "
            "månaden och stödpersonen finns kvar."
        ),
    )


def _group(case: Case, actor: Any, orgs: dict[str, Organisation]) -> dict[str, int]:
    """The external members with the demo accounts (``extern.*``), and a relative."""
    af = services_group.member_add(
        case_id=case.pk,
        actor=actor,
        role="arbetsformedlingen",
        organisation=orgs["af-gbg"],
        contact_name="Arbetsförmedlaren (demo)",
        contact_email="extern.af-gbg@example.invalid",
        invite=True,
    )
    civil = services_group.member_add(
        case_id=case.pk,
        actor=actor,
        role="stodperson",
        organisation=orgs["nystart"],
        contact_name="Stödpersonen (demo)",
        contact_email="extern.nystart@example.invalid",
        invite=True,
    )
    services_group.member_add(
        case_id=case.pk, actor=actor, role="anhorig", organisation=None, contact_name="Syster"
    )
    roles = dict(Programme.objects.get(case=case).members.values_list("role", "pk"))
    return {
        "af": af.pk,
        "civil": civil.pk,
        "socialtjanst": roles["socialtjanst"],
        "frivard": roles["frivard"],
    }


def _meeting(case: Case, actor: Any, point: int, held_on: date, members: dict[str, int]) -> None:
    services.meeting_record(
        case_id=case.pk,
        actor=actor,
        point=point,
        held_on=held_on,
        participant_ids=list(members.values()),
        client_took_part=True,
        notes="Mötet hölls digitalt med klienten på anstalten.",
        decisions="Planen gicks igenom; ansvaret för varje insats bekräftades.",
        follow_up_actions="Samordnaren kallar till nästa möte.",
    )


def _move_schedule(case: Case, *, days: int) -> None:
    """Demo only: bookings can only be made ahead of time, so a programme shown as released
    earlier has its schedule moved back afterwards."""
    ReleaseBooking.objects.filter(programme_id=case.pk).update(
        starts_at=F("starts_at") + timedelta(days=days)
    )


def _schedule(case: Case, actor: Any, *, first_day: date) -> None:
    for offset, hour, place, with_whom, what in (
        (0, 9, "Anstalten Rådanefors, grinden", "Stödpersonen", "Hämtas på frigivningsdagen"),
        (0, 13, "Socialkontoret", "Socialsekreteraren", "Försörjningsstöd och boende"),
        (1, 10, "Frivården Göteborg", "Frivårdsinspektören", "Första övervakningsmötet"),
        (3, 9, "Arbetsförmedlingen", "Arbetsförmedlaren", "Inskrivning och praktikstart"),
    ):
        services.booking_add(
            case_id=case.pk,
            actor=actor,
            starts_at=timezone.make_aware(
                datetime.combine(first_day + timedelta(days=offset), time(hour))
            ),
            place=place,
            with_whom=with_whom,
            what=what,
        )
