"""Every change to an avhopparuppdrag (the agreement and the reconciliations are in
``avhopp.services_agreement``). Each service: one transaction, the case row locked, the kommun
that takes the step checked (only assigned users), the facts saved, an audit event written."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed
from guardian.shortcuts import assign_perm

from avhopp import events, rules, selectors
from avhopp import permissions as p
from avhopp.models import (
    Agreement,
    AssignmentDetails,
    AssignmentMeasure,
    DefectorAssignment,
    MeasureKind,
    NoticeReason,
)
from avhopp.services_agreement import reconciliation_ensure
from cases.models import Deadline, DeadlineKind, Membership, Organisation, Participation
from cases.personnummer import IdentityNumber
from cases.services.cases import case_create
from cases.services.deadlines import deadline_close, deadline_set
from cases.states import CLOSED_STATES, CaseType, State
from cases.workflows.common import unmet_conditions

if TYPE_CHECKING:
    from accounts.models import User

P = ParamSpec("P")
R = TypeVar("R")

BEFORE_ACCEPTANCE = (State.FORFRAGAN, State.SAMRAD)
NOTICE_DEADLINE_KEY = "uppsagning"


# --- Helpers -----------------------------------------------------------------------------------


def _locked(case_id: int, actor: User | None) -> DefectorAssignment:
    """The uppdrag, row-locked with its details; for a person through the access rule (404
    unless assigned), for the scheduler without it."""
    manager = DefectorAssignment.objects
    queryset = manager.visible_to(actor) if actor is not None else manager.all()
    try:
        case = (
            queryset.filter(case_type=CaseType.AVHOPPARUPPDRAG)
            .select_for_update(of=("self",))
            .get(pk=case_id)
        )
        details = (
            AssignmentDetails.objects.select_for_update(of=("self",))
            .select_related("home_municipality", "receiving_municipality", "agreement")
            .get(case_id=case.pk)
        )
    except (DefectorAssignment.DoesNotExist, AssignmentDetails.DoesNotExist):
        raise Http404 from None
    case.assignment = details
    return case


def _organisation(case: DefectorAssignment, side: str | None) -> Organisation | None:
    details = case.assignment
    if side == "home":
        return details.home_municipality
    if side == "receiving":
        return details.receiving_municipality
    return None


def _require(case: DefectorAssignment, actor: User, *sides: str) -> str:
    """The side ("home"/"receiving") the actor acts for; PermissionDenied if not one of
    ``sides``."""
    side = p.side_of(case, actor)
    if side is None or side not in sides:
        raise PermissionDenied
    return side


def _require_state(case: DefectorAssignment, *states: str) -> None:
    if case.state not in states:
        raise ValidationError(_("Det går inte i uppdragets nuvarande status."))


def _not_future(day: date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("Datumet kan inte ligga i framtiden.")})


def _close_case_deadlines(case: DefectorAssignment, actor: User | None) -> None:
    """An ended uppdrag takes its own deadlines with it; the cost reconciliations it carries
    stay (the costs of the half-year still have to be reconciled)."""
    active = Deadline.objects.filter(case=case, status__in=Deadline.ACTIVE_STATUSES).exclude(
        kind=DeadlineKind.AVSTAMNING
    )
    for deadline in active:
        deadline_close(
            case=case,
            kind=deadline.kind,
            key=deadline.key,
            actor=actor,
            cancelled=deadline.key != NOTICE_DEADLINE_KEY,
            reason=_("Uppdraget avslutades."),
        )


def _transition(
    case: DefectorAssignment, name: str, *, actor: User | None, reason: str = ""
) -> DefectorAssignment:
    """Run transition ``name`` after its permission and guards, and audit it."""
    method = getattr(case, name)
    meta = method._django_fsm
    if not can_proceed(method, check_conditions=False):
        raise ValidationError(_("Steget kan inte tas i uppdragets nuvarande status."))
    if actor is not None and not meta.has_transition_perm(case, case.state, actor):
        raise PermissionDenied
    unmet = unmet_conditions(method)
    if unmet:
        raise ValidationError(unmet)
    previous = case.state
    method()
    if case.state in CLOSED_STATES:
        case.closed_at = timezone.now()
    case.save()
    side = p.side_of(case, actor) if actor is not None else None
    events.transition_recorded(
        case=case,
        actor=actor,
        organisation=_organisation(case, side),
        source=previous,
        target=case.state,
        label=str(meta.get_transition(previous).custom["label"]),
        reason=reason.strip(),
    )
    if case.state in CLOSED_STATES:
        _close_case_deadlines(case, actor)
    return case


def _fact(case: DefectorAssignment, actor: User, side: str, fact: str, message: str) -> None:
    case.assignment.save()
    case.save(update_fields=["updated_at"])
    events.fact_recorded(
        case=case,
        actor=actor,
        organisation=_organisation(case, side),
        fact=fact,
        message=message,
    )


def _catch_up_notice(service: Callable[P, R]) -> Callable[P, R]:
    """Before any action on an uppdrag whose notice has run, end it first (in its own
    transaction, so that the ending stays even when the action itself is then refused)."""

    @functools.wraps(service)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        case_id = kwargs.get("case_id")
        if isinstance(case_id, int):
            assignment_end_if_notice_run(case_id=case_id)
        return service(*args, **kwargs)

    return wrapper


def _grant(case: DefectorAssignment, user: User) -> None:
    """Assign a user to the uppdrag: the per-case grant, and the protected identity."""
    assign_perm(f"cases.{p.ASSIGNED}", user, case)
    if case.client.protected_identity:
        assign_perm("cases.view_protected_identity", user, case.client)


def _kommun_member(user: User, organisation: Organisation) -> bool:
    return (
        Membership.objects.in_force()
        .filter(user=user, organisation=organisation, role__in=p.KOMMUN_ROLES)
        .exists()
    )


# --- Creating the request ----------------------------------------------------------------------


@transaction.atomic
def assignment_create(
    *,
    actor: User,
    home_municipality: Organisation,
    receiving_municipality: Organisation,
    receiving_handlaggare: User,
    identity: IdentityNumber,
    first_name: str,
    last_name: str,
    disclosure_basis: str,
    protected_identity: bool = True,
    confirm_over_balance: bool = False,
    agreement: Agreement | None = None,
) -> DefectorAssignment:
    """The hemkommun's request to a mottagande kommun (003 § 4).

    The client is marked as having protected identity unless the handläggare unticks it (003:
    these clients "almost always" have skyddade personuppgifter). Only the requesting
    handläggare and the named contact in the mottagande kommun are assigned; nobody else in
    either nämnd sees the uppdrag. When the request would take either kommun past the
    balance target (§ 4: at most two sent and two received) it needs ``confirm_over_balance``."""
    agreement = agreement or selectors.current_agreement()
    today = timezone.localdate()
    if agreement is None or not selectors.agreement_in_force(agreement, today=today):
        raise ValidationError(_("Det finns inget samverkansavtal i kraft."))
    if not _kommun_member(actor, home_municipality):
        raise PermissionDenied
    party_ids = {o.pk for o in agreement.parties.all()}
    errors: dict[str, str] = {}
    if home_municipality.pk not in party_ids:
        errors["home_municipality"] = _("Din nämnd är inte part i samverkansavtalet.")
    if receiving_municipality.pk not in party_ids:
        errors["receiving_municipality"] = _("Välj en nämnd som är part i avtalet.")
    elif (
        selectors.kommun_of(receiving_municipality).pk == selectors.kommun_of(home_municipality).pk
    ):
        errors["receiving_municipality"] = _(
            "Den mottagande kommunen ska vara en annan kommun än hemkommunen."
        )
    if not errors.get("receiving_municipality") and not _kommun_member(
        receiving_handlaggare, receiving_municipality
    ):
        errors["receiving_handlaggare"] = _("Kontaktpersonen ska arbeta i den mottagande nämnden.")
    if errors:
        raise ValidationError(errors)
    warnings = selectors.balance_warnings(
        agreement=agreement, home=home_municipality, receiving=receiving_municipality
    )
    if warnings and not confirm_over_balance:
        raise ValidationError(
            {"confirm_over_balance": _("Bekräfta att uppdraget ska lämnas trots balansmålet.")}
        )
    case = case_create(
        actor=actor,
        organisation=home_municipality,
        case_type=CaseType.AVHOPPARUPPDRAG,
        identity=identity,
        first_name=first_name,
        last_name=last_name,
        protected_identity=protected_identity,
        counterpart=receiving_municipality,
    )
    for participation in Participation.objects.filter(case=case):
        if participation.organisation_id == home_municipality.pk:
            participation.part_role = Participation.PartRole.HEMKOMMUN
        else:
            participation.part_role = Participation.PartRole.MOTTAGANDE_KOMMUN
            participation.handlaggare = receiving_handlaggare
        participation.save(update_fields=["part_role", "handlaggare"])
    AssignmentDetails.objects.create(
        case=case,
        agreement=agreement,
        home_municipality=home_municipality,
        receiving_municipality=receiving_municipality,
        disclosure_basis=disclosure_basis,
    )
    assignment = DefectorAssignment.objects.select_related("client").get(pk=case.pk)
    _grant(assignment, actor)
    _grant(assignment, receiving_handlaggare)
    events.assignment_requested(
        case=case, actor=actor, organisation=home_municipality, over_balance=bool(warnings)
    )
    return assignment


@_catch_up_notice
@transaction.atomic
def assignment_assign_user(*, case_id: int, actor: User, user: User) -> None:
    """An assigned user adds a colleague of their own nämnd (a second handläggare, a chef, a
    handover); access stays limited to the assigned."""
    case = _locked(case_id, actor)
    side = _require(case, actor, "home", "receiving")
    organisation = _organisation(case, side)
    assert organisation is not None
    if not _kommun_member(user, organisation):
        raise ValidationError({"user": _("Medarbetaren ska arbeta i din nämnd.")})
    _grant(case, user)
    events.user_assigned(case=case, actor=actor, organisation=organisation, assigned=user)


# --- Samråd: the facts of the preconditions (003 § 4) -----------------------------------------


@_catch_up_notice
@transaction.atomic
def consultation_start(*, case_id: int, actor: User, reason: str = "") -> DefectorAssignment:
    """The mottagande kommun takes up the request; samråd begins."""
    case = _locked(case_id, actor)
    return _transition(case, "start_consultation", actor=actor, reason=reason)


@_catch_up_notice
@transaction.atomic
def police_consultation_record(
    *, case_id: int, actor: User, consulted_on: date, police_contact: str
) -> DefectorAssignment:
    """Each kommun records its own consultation with Polismyndigheten (§ 4: "i såväl
    hemkommunen som i den mottagande kommunen")."""
    case = _locked(case_id, actor)
    side = _require(case, actor, "home", "receiving")
    _require_state(case, *BEFORE_ACCEPTANCE)
    _not_future(consulted_on, "consulted_on")
    if not police_contact.strip():
        raise ValidationError({"police_contact": _("Ange vem ni samrådde med hos polisen.")})
    details = case.assignment
    if side == "home":
        details.police_consulted_home_on = consulted_on
        details.police_consulted_home_with = police_contact.strip()
        details.police_consulted_home_by = actor
    else:
        details.police_consulted_receiving_on = consulted_on
        details.police_consulted_receiving_with = police_contact.strip()
        details.police_consulted_receiving_by = actor
    _fact(
        case,
        actor,
        side,
        "police",
        f"Samråd med Polismyndigheten registrerat ({consulted_on:%Y-%m-%d}).",
    )
    return case


@_catch_up_notice
@transaction.atomic
def motivation_record(
    *, case_id: int, actor: User, motivated: bool, motivation_note: str
) -> DefectorAssignment:
    """The hemkommun's assessment that the person is motivated to change (§§ 4-5)."""
    case = _locked(case_id, actor)
    side = _require(case, actor, "home")
    _require_state(case, *BEFORE_ACCEPTANCE)
    if not motivation_note.strip():
        raise ValidationError({"motivation_note": _("Beskriv bedömningen av motivationen.")})
    case.assignment.motivated = motivated
    case.assignment.motivation_note = motivation_note.strip()
    _fact(
        case,
        actor,
        side,
        "motivation",
        "Bedömningen av motivation registrerades"
        + (" (motiverad)." if motivated else " (inte motiverad)."),
    )
    return case


@_catch_up_notice
@transaction.atomic
def description_save(*, case_id: int, actor: User, uppdragsbeskrivning: str) -> DefectorAssignment:
    """§ 4: the hemkommun writes the uppdragsbeskrivning when the kommuner agree."""
    case = _locked(case_id, actor)
    side = _require(case, actor, "home")
    _require_state(case, *BEFORE_ACCEPTANCE)
    if not uppdragsbeskrivning.strip():
        raise ValidationError({"uppdragsbeskrivning": _("Skriv uppdragsbeskrivningen.")})
    case.assignment.uppdragsbeskrivning = uppdragsbeskrivning.strip()
    _fact(case, actor, side, "description", "Uppdragsbeskrivningen sparades.")
    return case


@_catch_up_notice
@transaction.atomic
def children_flag_raise(*, case_id: int, actor: User, note: str) -> DefectorAssignment:
    """§ 4: "Om barn ändå aktualiseras ska den mottagande kommunen och hemkommunen omedelbart
    ... klargöra ansvarsfördelning". Either kommun raises the flag; it blocks acceptance and
    the start of the implementation until both have recorded their clarification."""
    case = _locked(case_id, actor)
    side = _require(case, actor, "home", "receiving")
    if case.state in CLOSED_STATES:
        raise ValidationError(_("Uppdraget är avslutat."))
    if not note.strip():
        raise ValidationError({"note": _("Beskriv kort vilka barn som har aktualiserats.")})
    details = case.assignment
    details.children_flag = True
    details.children_flag_note = note.strip()
    # A new flag needs new clarifications from both kommuner.
    details.children_home_clarification = ""
    details.children_receiving_clarification = ""
    _fact(case, actor, side, "children_flag", "Barn har aktualiserats i uppdraget (§ 4).")
    return case


@_catch_up_notice
@transaction.atomic
def children_clarify(*, case_id: int, actor: User, clarification: str) -> DefectorAssignment:
    """Each kommun records how the responsibility for the children was clarified (SoL)."""
    case = _locked(case_id, actor)
    side = _require(case, actor, "home", "receiving")
    details = case.assignment
    if not details.children_flag:
        raise ValidationError(_("Inga barn har aktualiserats i uppdraget."))
    if not clarification.strip():
        raise ValidationError({"clarification": _("Beskriv hur ansvaret har klargjorts.")})
    if side == "home":
        details.children_home_clarification = clarification.strip()
    else:
        details.children_receiving_clarification = clarification.strip()
    _fact(
        case,
        actor,
        side,
        "children_clarified",
        "Ansvaret för barnen klargjordes av "
        + ("hemkommunen." if side == "home" else "den mottagande kommunen."),
    )
    return case


# --- Acceptance, implementation, ending --------------------------------------------------------


@_catch_up_notice
@transaction.atomic
def assignment_accept(*, case_id: int, actor: User, reason: str = "") -> DefectorAssignment:
    """The mottagande kommun accepts once the police have been consulted in both kommuner,
    the person is motivated, the uppdragsbeskrivning exists and no children question is open."""
    case = _locked(case_id, actor)
    case.assignment.accepted_at = timezone.now()
    _transition(case, "accept", actor=actor, reason=reason)
    case.assignment.save()
    return case


@_catch_up_notice
@transaction.atomic
def implementation_start(
    *, case_id: int, actor: User, genomforandeplan: str, started_on: date
) -> DefectorAssignment:
    """§ 6: the mottagande kommun's genomförandeplan; the insatser start."""
    case = _locked(case_id, actor)
    _require(case, actor, "receiving")
    _require_state(case, State.ACCEPTERAT)
    if not genomforandeplan.strip():
        raise ValidationError({"genomforandeplan": _("Skriv genomförandeplanen.")})
    details = case.assignment
    details.genomforandeplan = genomforandeplan.strip()
    details.implementation_started_on = started_on
    _transition(case, "start_implementation", actor=actor)
    details.save()
    return case


@_catch_up_notice
@transaction.atomic
def assignment_close(*, case_id: int, actor: User, end_note: str = "") -> DefectorAssignment:
    """The hemkommun ends a completed uppdrag."""
    case = _locked(case_id, actor)
    case.assignment.end_note = end_note.strip()
    _transition(case, "close", actor=actor, reason=end_note)
    case.assignment.save()
    return case


@_catch_up_notice
@transaction.atomic
def assignment_decline(*, case_id: int, actor: User, reason: str) -> DefectorAssignment:
    """Before acceptance: the mottagande kommun declines, or the hemkommun withdraws."""
    if not reason.strip():
        raise ValidationError({"reason": _("Ange skälet.")})
    case = _locked(case_id, actor)
    case.assignment.end_note = reason.strip()
    _transition(case, "decline", actor=actor, reason=reason)
    case.assignment.save()
    return case


@_catch_up_notice
@transaction.atomic
def assignment_terminate(
    *,
    case_id: int,
    actor: User,
    given_on: date,
    reason_kind: str,
    reason: str,
    written: bool,
) -> DefectorAssignment:
    """§ 12: either kommun ends an accepted uppdrag for synnerliga skäl with one week's written
    notice. The notice ends ``given_on`` + 7 days; the uppdrag moves to *avbrutet* on that day
    (the hourly task, or the next action on the uppdrag, whichever comes first). Recorded
    late, with the week already run, it ends at once."""
    case = _locked(case_id, actor)
    side = _require(case, actor, "home", "receiving")
    _require_state(case, State.ACCEPTERAT, State.GENOMFORANDE)
    details = case.assignment
    errors: dict[str, str] = {}
    if details.notice_given_on is not None:
        errors["given_on"] = _("Uppdraget är redan uppsagt.")
    if given_on > timezone.localdate():
        errors["given_on"] = _("Ange dagen då uppsägningen lämnades (inte ett framtida datum).")
    if reason_kind not in NoticeReason.values:
        errors["reason_kind"] = _("Välj skälet för uppsägningen.")
    if not reason.strip():
        errors["reason"] = _("Beskriv de synnerliga skälen.")
    if not written:
        errors["written"] = _("Uppsägningen ska meddelas skriftligt (§ 12).")
    if errors:
        raise ValidationError(errors)
    organisation = _organisation(case, side)
    assert organisation is not None
    details.notice_given_on = given_on
    details.notice_ends_on = rules.assignment_notice_end(given_on=given_on)
    details.notice_reason_kind = reason_kind
    details.notice_reason = reason.strip()
    details.notice_by = organisation
    details.save()
    case.save(update_fields=["updated_at"])
    events.notice_given(
        case=case,
        actor=actor,
        organisation=organisation,
        given_on=f"{given_on:%Y-%m-%d}",
        ends_on=f"{details.notice_ends_on:%Y-%m-%d}",
    )
    home = Participation.objects.filter(case=case, organisation=details.home_municipality).first()
    # The hemkommun stays responsible for the person when the uppdrag ends (§ 5).
    deadline_set(
        case=case,
        kind=DeadlineKind.OVRIGT,
        key=NOTICE_DEADLINE_KEY,
        label=_("Uppsägningstiden för avhopparuppdraget löper ut"),
        due_date=details.notice_ends_on,
        responsible_organisation=details.home_municipality,
        responsible_user=home.handlaggare if home else None,
        rule=_("Uppsägning %(date)s + en vecka (§ 12)") % {"date": f"{given_on:%Y-%m-%d}"},
        actor=actor,
    )
    if details.notice_ends_on <= timezone.localdate():
        _transition(case, "end_after_notice", actor=None, reason=_("Uppsägningstiden har löpt ut."))
    return case


@transaction.atomic
def assignment_end_if_notice_run(*, case_id: int) -> bool:
    """Move one uppdrag whose notice has run to *avbrutet*. Idempotent: an uppdrag already
    ended, without notice, or whose week has not run is left as it is."""
    case = DefectorAssignment.objects.filter(
        pk=case_id,
        case_type=CaseType.AVHOPPARUPPDRAG,
        state__in=[State.ACCEPTERAT, State.GENOMFORANDE],
        assignment__notice_ends_on__lte=timezone.localdate(),
    ).first()
    if case is None:
        return False
    case = _locked(case_id, None)
    if not can_proceed(case.end_after_notice):
        return False
    _transition(case, "end_after_notice", actor=None, reason=_("Uppsägningstiden har löpt ut."))
    return True


def notice_run_case_ids(*, today: date) -> list[int]:
    return list(
        AssignmentDetails.objects.filter(
            notice_ends_on__lte=today,
            case__state__in=[State.ACCEPTERAT, State.GENOMFORANDE],
        ).values_list("case_id", flat=True)
    )


# --- Insatser and their costs (003 §§ 6, 8) -----------------------------------------------------


def assignment_ended_on(case: DefectorAssignment) -> date | None:
    """The day an ended uppdrag ended: the end of the notice, or the day it was closed."""
    if case.state not in CLOSED_STATES:
        return None
    details = case.assignment
    if details.notice_ends_on is not None:
        return details.notice_ends_on
    return timezone.localdate(case.closed_at) if case.closed_at else timezone.localdate()


@_catch_up_notice
@transaction.atomic
def measure_book(
    *,
    case_id: int,
    actor: User,
    kind: str,
    starts_on: date,
    ends_on: date | None,
    cost: Decimal,
    cost_date: date,
    note: str = "",
) -> AssignmentMeasure:
    """The mottagande kommun books an insats of the § 6 catalogue and its cost (§ 8). Housing
    and other insatser (hemtjänst, försörjningsstöd) stay with the hemkommun (§ 5) and are
    not booked here. A cost cannot be booked into a half-year the pair has already settled.
    After the uppdrag has ended, late costs of insatser that began before the end can still be
    booked (invoices come afterwards)."""
    case = _locked(case_id, actor)
    side = _require(case, actor, "receiving")
    details = case.assignment
    if details.implementation_started_on is None:
        raise ValidationError(_("Insatser registreras när genomförandet har startat."))
    errors: dict[str, str] = {}
    ended_on = assignment_ended_on(case)
    if ended_on is not None and starts_on > ended_on:
        # A late invoice for an insats of the uppdrag is fine; a new insats after it is not.
        errors["starts_on"] = _("Uppdraget upphörde %(date)s; insatsen ligger efter det.") % {
            "date": f"{ended_on:%Y-%m-%d}"
        }
    if kind not in MeasureKind.values:
        errors["kind"] = _("Välj en insats ur avtalets katalog (§ 6).")
    if cost is None or cost < 0:
        errors["cost"] = _("Kostnaden kan inte vara negativ.")
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = _("Slutdatum kan inte ligga före startdatum.")
    if cost_date > timezone.localdate():
        errors["cost_date"] = _("Datumet kan inte ligga i framtiden.")
    elif cost_date < details.agreement.starts_on:
        errors["cost_date"] = _("Kostnaden ligger före avtalets start.")
    if errors:
        raise ValidationError(errors)
    home_kommun = selectors.kommun_of(details.home_municipality)
    receiving_kommun = selectors.kommun_of(details.receiving_municipality)
    period = rules.HalfYear.of(cost_date)
    reconciliation = reconciliation_ensure(
        agreement=details.agreement,
        kommun_x=home_kommun,
        kommun_y=receiving_kommun,
        period=period,
        actor=actor,
    )
    if reconciliation.is_settled:
        raise ValidationError(
            {
                "cost_date": _(
                    "Halvåret %(period)s är redan avstämt mellan kommunerna; boka kostnaden på "
                    "ett datum i en öppen period."
                )
                % {"period": period.label}
            }
        )
    organisation = _organisation(case, side)
    assert organisation is not None
    measure = AssignmentMeasure.objects.create(
        case=case,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        cost=cost,
        cost_date=cost_date,
        note=note.strip(),
        booked_by=actor,
        booked_by_organisation=organisation,
    )
    case.save(update_fields=["updated_at"])
    events.measure_booked(
        case=case,
        actor=actor,
        organisation=organisation,
        measure_id=measure.pk,
        kind_label=str(MeasureKind(kind).label),
        cost=cost,
    )
    return measure
