"""The avhopparuppdrag state machine (003 §§ 4-6, 12; DOMAIN.md §3.4) on a proxy of ``Case``.

förfrågan (the hemkommun asks) → samråd (the mottagande kommun takes up the request; both
kommuner consult, each with its police) → accepterat (the mottagande kommun accepts once the
preconditions are recorded) → genomförande (the mottagande kommun's genomförandeplan) →
avslutad. A request may be declined or withdrawn before acceptance; an accepted uppdrag ends
early only after a week's written notice (§ 12): ``end_after_notice`` is taken when the notice
has run, by the scheduled task or the next action on the case (docs/avhopp.md)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import transition

from avhopp import permissions as p
from cases.models import Case
from cases.states import State
from cases.workflows.common import condition


def details(case: Any) -> Any:
    return case.assignment


@condition(
    _(
        "Samråd med Polismyndigheten ska vara registrerat i både hemkommunen och den "
        "mottagande kommunen."
    )
)
def police_consulted_in_both(case: Any) -> bool:
    # 003 § 4: "föregås av samråd med Polismyndigheten i såväl hemkommunen som i den
    # mottagande kommunen".
    return bool(details(case).police_consulted_in_both)


@condition(_("Hemkommunen ska ha registrerat att personen är motiverad till förändring."))
def motivated(case: Any) -> bool:
    return bool(details(case).motivated)


@condition(
    _(
        "Barn har aktualiserats: båda kommunerna ska ha registrerat hur ansvaret för barnen "
        "har klargjorts."
    )
)
def children_resolved(case: Any) -> bool:
    return bool(details(case).children_resolved)


@condition(_("Hemkommunen ska ha upprättat uppdragsbeskrivningen."))
def description_written(case: Any) -> bool:
    return bool(details(case).uppdragsbeskrivning.strip())


@condition(_("Den mottagande kommunen ska ha upprättat genomförandeplanen."))
def plan_written(case: Any) -> bool:
    return bool(details(case).genomforandeplan.strip())


@condition(_("Uppsägningstiden har inte löpt ut ännu."))
def notice_has_run(case: Any) -> bool:
    ends = details(case).notice_ends_on
    return ends is not None and ends <= timezone.localdate()


class DefectorAssignment(Case):
    class Meta:
        proxy = True

    @transition(
        field="state",
        source=State.FORFRAGAN,
        target=State.SAMRAD,
        permission=p.is_receiving_kommun,
        custom={"label": _("Påbörja samråd"), "who": "receiving"},
    )
    def start_consultation(self) -> None:
        """The mottagande kommun takes up the request; the kommuner consult (§ 7)."""

    @transition(
        field="state",
        source=State.SAMRAD,
        target=State.ACCEPTERAT,
        conditions=[police_consulted_in_both, motivated, children_resolved, description_written],
        permission=p.is_receiving_kommun,
        custom={"label": _("Acceptera uppdraget"), "who": "receiving"},
    )
    def accept(self) -> None:
        """The kommuner agree on the uppdrag (§ 4) once every precondition is recorded."""

    @transition(
        field="state",
        source=State.ACCEPTERAT,
        target=State.GENOMFORANDE,
        conditions=[children_resolved, plan_written],
        permission=p.is_receiving_kommun,
        custom={"label": _("Starta genomförandet"), "who": "receiving"},
    )
    def start_implementation(self) -> None:
        """§ 6: "Den mottagande kommunen ska upprätta en genomförandeplan"."""

    @transition(
        field="state",
        source=State.GENOMFORANDE,
        target=State.AVSLUTAD,
        permission=p.is_home_kommun,
        custom={"label": _("Avsluta uppdraget"), "who": "home"},
    )
    def close(self) -> None:
        """The hemkommun, responsible for the person and the follow-up (§§ 5, 7), ends it."""

    @transition(
        field="state",
        source=[State.FORFRAGAN, State.SAMRAD],
        target=State.AVBRUTEN,
        permission=p.either_kommun,
        custom={"label": _("Avböj eller återkalla förfrågan"), "who": "either"},
    )
    def decline(self) -> None:
        """Before acceptance there is no uppdrag to give notice on: either kommun ends it."""

    @transition(
        field="state",
        source=[State.ACCEPTERAT, State.GENOMFORANDE],
        target=State.AVBRUTEN,
        conditions=[notice_has_run],
        permission=p.system_only,
        custom={"label": _("Uppdraget upphör efter uppsägningstiden"), "who": "system"},
    )
    def end_after_notice(self) -> None:
        """§ 12: the uppdrag ends when the week's notice has run."""
