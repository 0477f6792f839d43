"""The steps of kontraktsvård and vårdvistelse. Each service: one transaction, the case row
locked, the transition's own permission and guards checked, the facts saved, the transition
audited with who/when/why, deadlines moved, the parties told after commit."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from cases import events
from cases.deadline_rules import gemensam_plan_due, kommun_beslut_due, yttrande_due
from cases.models import (
    CareProcess,
    CareProviderChoice,
    Case,
    DeadlineKind,
    JointPlan,
    Participation,
)
from cases.permissions import acting_membership
from cases.roles import OrganisationKind
from cases.services.deadlines import deadline_close, deadline_set
from cases.services.notifications import notify_case_parties
from cases.services.transitions import transition_take
from cases.states import CLOSED_STATES
from cases.workflows import workflow_model

if TYPE_CHECKING:
    from accounts.models import User
    from ansvarsforbindelse.models import CareProvider


def _locked(case_id: int, actor: User | None) -> Any:
    """The case as its workflow's proxy model, row-locked; for a person through the access
    rule (404 outside scope), for the scheduler without it."""
    case_type = Case.objects.values_list("case_type", flat=True).filter(pk=case_id).first()
    if case_type not in ("kontraktsvard", "vardvistelse"):
        raise Http404
    model = workflow_model(case_type)
    queryset = model.objects.visible_to(actor) if actor is not None else model.objects.all()
    try:
        return queryset.select_for_update(of=("self",)).get(pk=case_id)
    except model.DoesNotExist:
        raise Http404 from None


def _party(case: Case, *kinds: str) -> Participation | None:
    return next((p for p in case.participations.all() if p.organisation.kind in kinds), None)


def _step(
    name: str,
) -> Callable[[Callable[..., None]], Callable[..., Case]]:
    """Wrap a function that records a step's facts into a full service: lock, facts, transition,
    audit, all in one transaction. The fact function raises ValidationError for bad input."""

    def decorate(record_facts: Callable[..., None]) -> Callable[..., Case]:
        @transaction.atomic
        def service(*, case_id: int, actor: User, reason: str = "", **facts: Any) -> Case:
            case = _locked(case_id, actor)
            method = getattr(case, name, None)
            if method is None or not can_proceed(method, check_conditions=False):
                raise ValidationError(_("Steget kan inte tas i ärendets nuvarande status."))
            if not method._django_fsm.has_transition_perm(case, case.state, actor):
                raise PermissionDenied
            process = CareProcess.objects.select_for_update().get_or_create(case=case)[0]
            record_facts(case=case, process=process, actor=actor, **facts)
            process.save()
            return transition_take(case, name, actor=actor, reason=reason)

        service.__name__ = record_facts.__name__
        service.__doc__ = record_facts.__doc__
        # The step view passes only the form fields the fact function takes.
        service.fact_names = tuple(inspect.signature(record_facts).parameters)  # type: ignore[attr-defined]
        return service

    return decorate


# --- Kontraktsvård step 1: the request for a personutredning (not a transition) ---------------


@transaction.atomic
def presentence_request_record(
    *,
    case_id: int,
    actor: User,
    request_date: date,
    haktad: bool,
    yttrande_date: date | None,
    reason: str = "",
) -> CareProcess:
    """Record the court's request. The yttrande deadline defaults to request date + 14 days when
    the person is häktad (000: "i regel 14 dagar, men kan komma att förlängas, vilket man inte vet
    i förväg"); any other date is kept as an extension with its reason."""
    case = _locked(case_id, actor)
    membership = acting_membership(actor, case)
    if membership is None or membership.organisation.kind != OrganisationKind.FRIVARD:
        raise PermissionDenied
    if case.state in CLOSED_STATES:
        raise ValidationError(_("Ärendet är avslutat."))
    process = CareProcess.objects.select_for_update().get_or_create(case=case)[0]
    if request_date > timezone.localdate():
        raise ValidationError(
            {"request_date": _("Datumet för begäran kan inte ligga i framtiden.")}
        )
    process.request_date = request_date
    process.haktad = haktad
    process.save()
    default = yttrande_due(request_date=request_date, haktad=haktad)
    due = yttrande_date or default
    if due is None:
        raise ValidationError(
            {
                "yttrande_date": _(
                    "Ange domstolens sista dag för yttrandet (klienten är inte häktad)."
                )
            }
        )
    if due < request_date:
        raise ValidationError({"yttrande_date": _("Yttrandet kan inte lämnas före begäran.")})
    if default is not None and due != default and not reason.strip():
        raise ValidationError(
            {
                "reason": _(
                    "Ange skälet till att fristen avviker från 14 dagar "
                    "(t.ex. förlängd av domstolen)."
                )
            }
        )
    rule = (
        _("Begäran %(date)s + 14 dagar (häktad, riktlinjen)") % {"date": request_date}
        if default == due
        else _("Angiven av frivården")
    )
    deadline_set(
        case=case,
        kind=DeadlineKind.YTTRANDE,
        label=str(DeadlineKind.YTTRANDE.label),
        due_date=due,
        responsible_organisation=membership.organisation,
        responsible_user=actor,
        rule=rule,
        actor=actor,
        reason=reason,
    )
    kommun = _party(case, OrganisationKind.KOMMUN)
    if kommun is not None:
        deadline_set(
            case=case,
            kind=DeadlineKind.KOMMUN_BESLUT,
            label=str(DeadlineKind.KOMMUN_BESLUT.label),
            due_date=kommun_beslut_due(yttrande_due_date=due),
            responsible_organisation=kommun.organisation,
            responsible_user=kommun.handlaggare,
            rule=_("Dagen före yttrandet"),
            actor=actor,
            reason=reason,
        )
    case.save(update_fields=["updated_at"])
    return process


# --- The steps ---------------------------------------------------------------------------------


def confirm_consent_if_complete(*, case: Case, actor: User) -> None:
    """Called by the consent service: the first state change after a consent that covers both
    parties is automatic, recorded with the recorder as actor."""
    if case.case_type not in ("kontraktsvard", "vardvistelse"):
        return
    workflow_case = _locked(case.pk, actor)
    if can_proceed(workflow_case.confirm_consent):
        transition_take(workflow_case, "confirm_consent", actor=actor)


@_step("register_application")
def application_register(
    *, case: Case, process: CareProcess, actor: User, received_on: date
) -> None:
    """The client's application for bistånd in the form of an ansvarsförbindelse."""
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("Datumet kan inte ligga i framtiden.")})
    process.application_received_on = received_on


@_step("start_investigation")
def investigation_start(*, case: Case, process: CareProcess, actor: User) -> None:
    """The kommun starts its investigation (in parallel with frivården's)."""


@_step("record_decision")
def decision_record(
    *,
    case: Case,
    process: CareProcess,
    actor: User,
    decision: str,
    decision_date: date,
    to_client_on: date | None,
    to_client_how: str,
    to_kv_on: date | None,
    to_kv_how: str,
) -> None:
    """The kommun's decision, and when and how it was communicated to the client and to
    Kriminalvården (000: "Beslutet ska meddelas den enskilde samt Kriminalvården")."""
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if decision_date > today:
        errors["decision_date"] = _("Beslutsdatumet kan inte ligga i framtiden.")
    for field, day in (("to_client_on", to_client_on), ("to_kv_on", to_kv_on)):
        if day is not None and day < decision_date:
            errors[field] = _("Beslutet kan inte ha meddelats före beslutsdatumet.")
    if errors:
        raise ValidationError(errors)
    process.decision = decision
    process.decision_date = decision_date
    process.decided_by = actor
    process.decision_to_client_on, process.decision_to_client_how = to_client_on, to_client_how
    process.decision_to_kv_on, process.decision_to_kv_how = to_kv_on, to_kv_how
    deadline_close(case=case, kind=DeadlineKind.KOMMUN_BESLUT, actor=actor)


def _choose_provider(
    *,
    case: Case,
    actor: User,
    provider: CareProvider,
    planned_start: date,
    planned_end: date,
    deviation_reason: str,
    change_reason: str = "",
) -> CareProviderChoice:
    """Apply the choice rule of 000 "Val av vårdgivare"; choosing against it needs a reason."""
    from ansvarsforbindelse.choice import is_recommended, recommend
    from ansvarsforbindelse.models import CareProvider

    if planned_end < planned_start:
        raise ValidationError({"planned_end": _("Planerat slut kan inte ligga före start.")})
    process = CareProcess.objects.get_or_create(case=case)[0]
    recommendation = recommend(
        providers=CareProvider.objects.filter(is_active=True),
        planned_start=planned_start,
        planned_end=planned_end,
        transfer_date=process.transfer_date,
    )
    recommended = is_recommended(provider, recommendation)
    if not recommended and not deviation_reason.strip():
        raise ValidationError(
            {
                "deviation_reason": _(
                    "Ange skälet till att välja en annan vårdgivare än den rekommenderade."
                )
            }
        )
    now = timezone.now()
    CareProviderChoice.objects.filter(case=case, replaced_at__isnull=True).update(replaced_at=now)
    return CareProviderChoice.objects.create(
        case=case,
        provider=provider,
        planned_start=planned_start,
        planned_end=planned_end,
        recommended=recommended,
        recommendation_reason=recommendation.reason,
        deviation_reason=deviation_reason.strip(),
        change_reason=change_reason.strip(),
        chosen_by=actor,
    )


@_step("propose_care_provider")
def care_provider_propose(
    *,
    case: Case,
    process: CareProcess,
    actor: User,
    provider: CareProvider,
    planned_start: date,
    planned_end: date,
    deviation_reason: str = "",
) -> None:
    """Kriminalvården proposes a vårdgivare in consultation with the kommun."""
    _choose_provider(
        case=case,
        actor=actor,
        provider=provider,
        planned_start=planned_start,
        planned_end=planned_end,
        deviation_reason=deviation_reason,
    )


@transaction.atomic
def care_provider_change(
    *,
    case_id: int,
    actor: User,
    provider: CareProvider,
    planned_start: date,
    planned_end: date,
    change_reason: str,
    deviation_reason: str = "",
) -> CareProviderChoice:
    """Byte av vårdgivare: "Ansvarsförbindelsen gäller vid fortsatt planering vid ev. behov av
    byte av vårdgivare" (000). Either party, after a provider has been chosen; reason required."""
    case = _locked(case_id, actor)
    from cases.workflows.common import either_party

    if not either_party(case, actor) or case.state in CLOSED_STATES:
        raise PermissionDenied
    if not case.care_provider_choices.filter(replaced_at__isnull=True).exists():
        raise ValidationError(_("Ingen vårdgivare är vald ännu."))
    if not change_reason.strip():
        raise ValidationError({"change_reason": _("Ange skälet till bytet av vårdgivare.")})
    choice = _choose_provider(
        case=case,
        actor=actor,
        provider=provider,
        planned_start=planned_start,
        planned_end=planned_end,
        deviation_reason=deviation_reason,
        change_reason=change_reason,
    )
    membership = acting_membership(actor, case)
    events.care_provider_changed(
        case=case,
        actor=actor,
        organisation=membership.organisation if membership else None,
    )
    case.save(update_fields=["updated_at"])
    return choice


@_step("register_treatment_plan")
def treatment_plan_register(
    *, case: Case, process: CareProcess, actor: User, plan_date: date, summary: str
) -> None:
    """Frivården's behandlingsplan; part of the underlag to the court."""
    if not summary.strip():
        raise ValidationError({"summary": _("Beskriv behandlingsplanens inriktning.")})
    process.treatment_plan_date = plan_date
    process.treatment_plan_summary = summary.strip()


@_step("register_judgment")
def judgment_register(
    *,
    case: Case,
    process: CareProcess,
    actor: User,
    judgment_date: date,
    pafoljd: str,
    alternative_prison_term_days: int | None,
) -> None:
    """The court's judgment. Kontraktsvård needs the alternative prison term (at most about two
    years' straffvärde, 000); another påföljd ends the case."""
    if pafoljd == "kontraktsvard" and not alternative_prison_term_days:
        raise ValidationError(
            {"alternative_term": _("Ange det alternativa fängelsestraffet för kontraktsvård.")}
        )
    process.judgment_date = judgment_date
    process.pafoljd = pafoljd
    process.alternative_prison_term_days = alternative_prison_term_days
    deadline_close(case=case, kind=DeadlineKind.YTTRANDE, actor=actor)


def _plan_transfer_deadlines(*, case: Case, process: CareProcess, actor: User, kind: str) -> None:
    kommun = _party(case, OrganisationKind.KOMMUN)
    kv = _party(case, OrganisationKind.FRIVARD, OrganisationKind.ANSTALT)
    assert process.transfer_date is not None and process.placement_start is not None
    if kommun is not None:
        deadline_set(
            case=case,
            kind=kind,
            label=str(DeadlineKind(kind).label),
            due_date=process.transfer_date,
            responsible_organisation=kommun.organisation,
            responsible_user=kommun.handlaggare,
            rule=_("Kriminalvårdens beslut"),
            actor=actor,
        )
    if kv is not None:
        deadline_set(
            case=case,
            kind=DeadlineKind.GEMENSAM_PLAN,
            label=str(DeadlineKind.GEMENSAM_PLAN.label),
            due_date=gemensam_plan_due(placement_start=process.placement_start),
            # 000: Kriminalvården coordinates the follow-up until the payment transfer.
            responsible_organisation=kv.organisation,
            responsible_user=kv.handlaggare,
            rule=_("Placeringsstart + 4 veckor"),
            actor=actor,
        )


@_step("start_enforcement")
def enforcement_start(
    *,
    case: Case,
    process: CareProcess,
    actor: User,
    placement_start: date,
    kv_payment_end: date,
) -> None:
    """Placement starts; Kriminalvården's payment end date is master data from its decision."""
    if kv_payment_end < placement_start:
        raise ValidationError(
            {"kv_payment_end": _("Betalningsansvaret kan inte upphöra före placeringsstart.")}
        )
    process.placement_start = placement_start
    process.kv_payment_end = kv_payment_end
    process.save()
    _plan_transfer_deadlines(
        case=case, process=process, actor=actor, kind=DeadlineKind.BETALNINGSANSVAR
    )


@_step("send_commitment")
def commitment_send(
    *, case: Case, process: CareProcess, actor: User, signed_on: date, sent_on: date
) -> None:
    """Vårdvistelse: the kommun signs the ansvarsförbindelse and sends it to the anstalt."""
    if sent_on < signed_on:
        raise ValidationError(
            {"sent_on": _("Ansvarsförbindelsen kan inte skickas före undertecknandet.")}
        )
    process.commitment_signed_on = signed_on
    process.commitment_sent_on = sent_on


@_step("start_placement")
def placement_start_record(
    *,
    case: Case,
    process: CareProcess,
    actor: User,
    placement_start: date,
    conditional_release_date: date,
) -> None:
    """Vårdvistelse placement; the VF date is master data from Kriminalvården."""
    if conditional_release_date < placement_start:
        raise ValidationError(
            {"conditional_release_date": _("VF-datum kan inte ligga före placeringsstart.")}
        )
    process.placement_start = placement_start
    process.conditional_release_date = conditional_release_date
    process.save()
    _plan_transfer_deadlines(case=case, process=process, actor=actor, kind=DeadlineKind.VF)


@_step("close")
def case_close(*, case: Case, process: CareProcess, actor: User, end_reason: str = "") -> None:
    """The kommun ends the case after the transfer."""
    process.end_reason = end_reason.strip()


@_step("abort")
def case_abort(*, case: Case, process: CareProcess, actor: User, end_reason: str) -> None:
    """Early ending from any active state (e.g. the client withdrew, another påföljd)."""
    if not end_reason.strip():
        raise ValidationError({"end_reason": _("Ange skälet till att ärendet avbryts.")})
    process.end_reason = end_reason.strip()


@transaction.atomic
def joint_plan_save(*, case_id: int, actor: User, **parts: Any) -> JointPlan:
    """000 "Gemensam plan för samverkan": once the placement has started, both parties (with the
    client and the vårdgivare) keep one plan with the four required parts."""
    case = _locked(case_id, actor)
    from cases.workflows.common import either_party

    process = CareProcess.objects.get_or_create(case=case)[0]
    if not either_party(case, actor):
        raise PermissionDenied
    if process.placement_start is None or case.state in CLOSED_STATES:
        raise ValidationError(_("Den gemensamma planen görs när placeringen har börjat."))
    for required in ("insatser", "responsibilities", "overall_responsible"):
        if not str(parts.get(required, "")).strip():
            raise ValidationError({required: _("Fyll i planens obligatoriska delar.")})
    plan, created = JointPlan.objects.update_or_create(
        case=case, defaults={**parts, "updated_by": actor}
    )
    deadline_close(case=case, kind=DeadlineKind.GEMENSAM_PLAN, actor=actor)
    if plan.follow_up_date:
        membership = acting_membership(actor, case)
        assert membership is not None
        deadline_set(
            case=case,
            kind=DeadlineKind.UPPFOLJNING,
            label=str(DeadlineKind.UPPFOLJNING.label),
            due_date=plan.follow_up_date,
            responsible_organisation=coordinating_party(case).organisation,
            rule=_("Uppföljningsdatum i gemensam plan"),
            actor=actor,
        )
    membership = acting_membership(actor, case)
    events.joint_plan_saved(
        case=case,
        actor=actor,
        organisation=membership.organisation if membership else None,
        created=created,
    )
    case.save(update_fields=["updated_at"])
    return plan


def coordinating_party(case: Case) -> Participation:
    """000: "Kriminalvården ansvarar för samordning av uppföljningen tills betalningsansvaret
    övergår till socialtjänsten, därefter tar socialtjänsten över". The switch follows the
    transfer step itself (DOMAIN §3.1 step 10), not the calendar: until the scheduled task has
    moved the case, Kriminalvården still coordinates."""
    from cases.states import State

    kommun = _party(case, OrganisationKind.KOMMUN)
    kv = _party(case, OrganisationKind.FRIVARD, OrganisationKind.ANSTALT)
    transferred = case.state in (State.KOMMUN_BETALNINGSANSVAR, State.EFTER_VF) or (
        case.state in CLOSED_STATES
        and CareProcess.objects.filter(case=case, transferred_at__isnull=False).exists()
    )
    party = (kommun or kv) if transferred else (kv or kommun)
    assert party is not None
    return party


# --- The automatic transfer --------------------------------------------------------------------


def transfer_due_case_ids(*, today: date) -> list[int]:
    """Cases whose transfer date has come: Kriminalvården's payment end has passed
    (kontraktsvård) or the VF date has come (vårdvistelse)."""
    from cases.states import State

    return list(
        Case.objects.filter(state=State.KV_BETALNINGSANSVAR, care__kv_payment_end__lt=today)
        .union(
            Case.objects.filter(state=State.PLACERING, care__conditional_release_date__lte=today)
        )
        .values_list("pk", flat=True)
    )


@transaction.atomic
def responsibility_transfer(*, case_id: int) -> bool:
    """Move one case to the kommun's responsibility. Idempotent: a second run, a retry or a
    run days late finds the case already moved (or not yet due) and does nothing."""
    case = _locked(case_id, None)
    if not can_proceed(case.transfer_to_kommun):
        return False
    transition_take(case, "transfer_to_kommun", actor=None, reason=_("Automatiskt på datumet."))
    CareProcess.objects.filter(case=case).update(transferred_at=timezone.now())
    kind = DeadlineKind.BETALNINGSANSVAR if case.case_type == "kontraktsvard" else DeadlineKind.VF
    deadline_close(case=case, kind=kind, actor=None)
    # DOMAIN §3.1 step 10: both parties are told, and the kommun now coordinates follow-up.
    notify_case_parties(
        case=case,
        message=_("%(ref)s: ansvaret har övergått till kommunen, som nu samordnar uppföljningen.")
        % {"ref": case.reference},
    )
    return True
