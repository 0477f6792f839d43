"""Predicates shared by the workflows: who may take a step, and which facts it needs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from cases.models import Case, Consent
from cases.permissions import acting_membership
from cases.roles import OrganisationKind, Role

KOMMUN_ROLES = frozenset({Role.SOCIALSEKRETERARE, Role.ENHETSCHEF})
KRIMINALVARD_ROLES = frozenset(
    {Role.FRIVARDSINSPEKTOR, Role.KRIMINALVARDSINSPEKTOR, Role.KLIENTHANDLAGGARE}
)


# django-fsm calls ``permission(instance, user)``; the instance is a workflow proxy of Case.
Permission = Callable[[Any, Any], bool]


def acts_for(kinds: set[str], roles: frozenset[str]) -> Permission:
    """Permission: the user takes part in the case for an organisation of one of ``kinds`` in
    one of ``roles``, and sees the shared information (a consent covers them, or they own it)."""

    def permission(case: Any, user: Any) -> bool:
        membership = acting_membership(user, case)
        return (
            membership is not None
            and membership.organisation.kind in kinds
            and membership.role in roles
            and bool(getattr(case, "shared_access", False))
        )

    return permission


is_kommun: Permission = acts_for({OrganisationKind.KOMMUN}, KOMMUN_ROLES)
is_frivard: Permission = acts_for({OrganisationKind.FRIVARD}, KRIMINALVARD_ROLES)
is_kriminalvarden: Permission = acts_for(
    {OrganisationKind.FRIVARD, OrganisationKind.ANSTALT}, KRIMINALVARD_ROLES
)


def either_party(case: Any, user: Any) -> bool:
    return is_kommun(case, user) or is_kriminalvarden(case, user)


def condition(message: StrOrPromise) -> Callable[[Callable[[Any], bool]], Callable[[Any], bool]]:
    """A transition guard with the Swedish sentence the case page shows while it is unmet."""

    def decorate(check: Callable[[Any], bool]) -> Callable[[Any], bool]:
        check.message = message  # type: ignore[attr-defined]
        return check

    return decorate


@condition(_("Samtycke som omfattar både kommunen och Kriminalvården ska vara dokumenterat."))
def consent_covers_both_parties(case: Case) -> bool:
    """000: "Kontraktsvård/Vårdvistelse förutsätter att den enskilde samtycker till
    informationsutbyte mellan parterna." Every later step needs a consent in force covering a
    kommun and a Kriminalvården party of the case."""
    kinds = set(
        Consent.objects.filter(case=case, withdrawn_at__isnull=True)
        .filter(parties__participations__case=case)
        .values_list("parties__kind", flat=True)
    )
    return OrganisationKind.KOMMUN in kinds and bool(
        kinds & {OrganisationKind.FRIVARD, OrganisationKind.ANSTALT}
    )


def care(case: Case) -> Any:
    from cases.models import CareProcess

    return CareProcess.objects.get_or_create(case=case)[0]


@condition(_("Ansökan ska vara registrerad."))
def application_registered(case: Case) -> bool:
    return care(case).application_received_on is not None


@condition(_("Kommunens beslut ska vara beviljat."))
def decision_granted(case: Case) -> bool:
    return care(case).decision == "beviljat"


@condition(_("En vårdgivare ska vara vald."))
def care_provider_chosen(case: Case) -> bool:
    return case.care_provider_choices.filter(replaced_at__isnull=True).exists()


@condition(_("Behandlingsplanen ska vara registrerad."))
def treatment_plan_registered(case: Case) -> bool:
    return care(case).treatment_plan_date is not None


@condition(
    _("Domen ska vara registrerad med påföljden kontraktsvård och det alternativa straffet.")
)
def judgment_is_kontraktsvard(case: Case) -> bool:
    process = care(case)
    return process.pafoljd == "kontraktsvard" and bool(process.alternative_prison_term_days)


@condition(
    _("Placeringsstart och datum då Kriminalvårdens betalningsansvar upphör ska vara angivna.")
)
def payment_end_known(case: Case) -> bool:
    process = care(case)
    return process.placement_start is not None and process.kv_payment_end is not None


@condition(_("Placeringsstart och datum för villkorlig frigivning ska vara angivna."))
def conditional_release_known(case: Case) -> bool:
    process = care(case)
    return process.placement_start is not None and process.conditional_release_date is not None


@condition(_("Ansvarsförbindelsen ska vara undertecknad och skickad till anstalten."))
def commitment_sent(case: Case) -> bool:
    process = care(case)
    return process.commitment_signed_on is not None and process.commitment_sent_on is not None


@condition(_("Dagen då ansvaret övergår till kommunen har inte kommit ännu."))
def transfer_date_reached(case: Case) -> bool:
    from django.utils import timezone

    transfer = care(case).transfer_date
    return transfer is not None and transfer <= timezone.localdate()


def unmet_conditions(bound_method: Any, *, before_facts: bool = False) -> list[str]:
    """The messages of the guards that stop a transition right now (for the case page).

    ``before_facts``: leave out the guards the step's own form satisfies (its
    ``custom["provides"]``, e.g. "a vårdgivare is chosen" for "Föreslå vårdgivare"), because
    the step is offered *so that* the person can record that fact."""
    meta = bound_method._django_fsm
    instance = bound_method.__self__
    transition = meta.get_transition(meta.field.get_state(instance))
    if transition is None:
        return []
    provided = transition.custom.get("provides", []) if before_facts else []
    return [
        str(getattr(c, "message", ""))
        for c in transition.conditions
        if c not in provided and not c(instance)
    ]
