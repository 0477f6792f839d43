"""The routine's rules (DOMAIN.md §4 "The system also detects routine deviations itself").

Each rule is a set-based query: ``cases(today=..., now=...)`` returns the cases for which the
condition holds *right now*, as one SQL query over all cases (the detection narrows it to some
cases when it runs for one case). A rule never loops over cases in Python."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from cases.models import Case, ConsentParty, Deadline, DeadlineKind, JointPlan
from cases.roles import OrganisationKind
from cases.states import CLOSED_STATES, INITIAL_STATE, CaseType

CARE_TYPES = (CaseType.KONTRAKTSVARD, CaseType.VARDVISTELSE)


def joint_plan_weeks() -> int:
    return int(getattr(settings, "BRYGGA_GEMENSAM_PLAN_WEEKS", 4))


def inform_hours() -> int:
    """000 says "skyndsamt"; the number of hours is a setting (default one working day)."""
    return int(getattr(settings, "BRYGGA_AVVIKELSE_INFORMERA_TIMMAR", 24))


@dataclass(frozen=True)
class Rule:
    code: str
    label: StrOrPromise
    cases: Callable[..., QuerySet[Case]]


def _open_cases() -> QuerySet[Case]:
    return Case.objects.exclude(state__in=CLOSED_STATES)


def deadline_missed(*, today: date, now: datetime) -> QuerySet[Case]:
    """An active deadline whose due date has passed (DOMAIN §4 "missed or late deadlines")."""
    passed = Deadline.objects.filter(
        case=OuterRef("pk"), status__in=Deadline.ACTIVE_STATUSES, due_date__lt=today
    )
    return Case.objects.filter(Exists(passed))


def decision_after_yttrande(*, today: date, now: datetime) -> QuerySet[Case]:
    """The kommun decided after the yttrande deadline (DOMAIN §6: "kommun decision expected
    before the yttrande deadline"). A fact of history: it holds until a chef resolves it."""
    earlier_yttrande = Deadline.objects.filter(
        case=OuterRef("pk"),
        kind=DeadlineKind.YTTRANDE,
        due_date__lt=OuterRef("care__decision_date"),
    ).exclude(status=Deadline.Status.CANCELLED)
    return Case.objects.filter(care__decision_date__isnull=False).filter(Exists(earlier_yttrande))


def consent_missing(*, today: date, now: datetime) -> QuerySet[Case]:
    """Kontraktsvård and vårdvistelse past their first state without a consent in force that
    covers both a kommun and a Kriminalvården party of the case (000: "förutsätter att den
    enskilde samtycker"), e.g. after a withdrawal."""

    def covered(kinds: tuple[str, ...]) -> Exists:
        return Exists(
            ConsentParty.objects.filter(
                consent__case=OuterRef("pk"),
                consent__withdrawn_at__isnull=True,
                organisation__kind__in=kinds,
                organisation__participations__case=OuterRef("pk"),
            )
        )

    first_states = {INITIAL_STATE[t] for t in CARE_TYPES}
    return (
        _open_cases()
        .filter(case_type__in=CARE_TYPES)
        .exclude(state__in=first_states)
        .filter(
            ~covered((OrganisationKind.KOMMUN,))
            | ~covered((OrganisationKind.FRIVARD, OrganisationKind.ANSTALT))
        )
    )


def joint_plan_missing(*, today: date, now: datetime) -> QuerySet[Case]:
    """No gemensam plan N weeks after placement start (000 "Gemensam plan för samverkan";
    N = ``BRYGGA_GEMENSAM_PLAN_WEEKS``)."""
    limit = today - timedelta(weeks=joint_plan_weeks())
    return (
        _open_cases()
        .filter(case_type__in=CARE_TYPES, care__placement_start__lt=limit)
        .filter(~Exists(JointPlan.objects.filter(case=OuterRef("pk"))))
    )


def deviation_not_communicated(*, today: date, now: datetime) -> QuerySet[Case]:
    """A reported deviation whose other party has not been informed within N hours (000:
    "skyndsamt informera"; N = ``BRYGGA_AVVIKELSE_INFORMERA_TIMMAR``)."""
    from deviations.models import Deviation

    uninformed = Deviation.objects.filter(
        case=OuterRef("pk"),
        other_party_informed_at__isnull=True,
        reported_at__lt=now - timedelta(hours=inform_hours()),
    )
    return Case.objects.filter(Exists(uninformed))


def planning_meeting_not_held(*, today: date, now: datetime) -> QuerySet[Case]:
    """An inslussning planning meeting whose date has passed without being held (001 § 9.1)."""
    from inslussning.models import PlanningMeeting

    overdue = PlanningMeeting.objects.filter(
        programme_id=OuterRef("pk"), held_on__isnull=True, planned_for__lt=today
    )
    return _open_cases().filter(case_type=CaseType.INSLUSSNING).filter(Exists(overdue))


RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        Rule("deadline_missed", _("Frist har passerat"), deadline_missed),
        Rule(
            "decision_after_yttrande",
            _("Kommunens beslut efter yttrandets frist"),
            decision_after_yttrande,
        ),
        Rule("consent_missing", _("Samtycke saknas"), consent_missing),
        Rule(
            "joint_plan_missing",
            _("Gemensam plan saknas efter placeringsstart"),
            joint_plan_missing,
        ),
        Rule(
            "deviation_not_communicated",
            _("Avvikelse inte kommunicerad till andra parten"),
            deviation_not_communicated,
        ),
        Rule(
            "planning_meeting_not_held",
            _("Planeringsmöte inte genomfört"),
            planning_meeting_not_held,
        ),
    )
}

RULE_CHOICES = [(code, rule.label) for code, rule in RULES.items()]
