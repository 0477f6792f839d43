"""Creating cases and changing who takes part in them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from cases import events
from cases.models import Case, Client, Membership, Organisation, Participation, ReferenceCounter
from cases.permissions import acting_membership
from cases.personnummer import IdentityNumber
from cases.roles import CASEWORKER_ROLES, CHEF_ROLES, OrganisationKind
from cases.selectors import case_for_user
from cases.states import INITIAL_STATE, REFERENCE_PREFIX

if TYPE_CHECKING:
    from accounts.models import User

PART_ROLE_BY_KIND: dict[str, str] = {
    OrganisationKind.KOMMUN: Participation.PartRole.KOMMUN,
    OrganisationKind.FRIVARD: Participation.PartRole.FRIVARD,
    OrganisationKind.ANSTALT: Participation.PartRole.ANSTALT,
    OrganisationKind.VARDGIVARE: Participation.PartRole.VARDGIVARE,
}


def next_reference(case_type: str) -> str:
    """``KV-2026-00042``: per type and calendar year, gap-free under concurrency because the
    counter row is locked until the creating transaction commits."""
    prefix = REFERENCE_PREFIX[case_type]
    year = timezone.localdate().year
    ReferenceCounter.objects.get_or_create(prefix=prefix, year=year)
    counter = ReferenceCounter.objects.select_for_update().get(prefix=prefix, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{prefix}-{year}-{counter.last_number:05d}"


def _creator_membership(actor: User, organisation: Organisation) -> Membership:
    membership = (
        Membership.objects.filter(
            user=actor, organisation=organisation, role__in=CASEWORKER_ROLES | CHEF_ROLES
        )
        .select_related("organisation")
        .first()
    )
    if membership is None:
        raise PermissionDenied
    return membership


def client_get_or_create(
    *, identity: IdentityNumber, first_name: str, last_name: str, protected_identity: bool
) -> Client:
    client, created = Client.objects.get_or_create(
        id_kind=identity.kind.value,
        id_number=identity.value,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "protected_identity": protected_identity,
        },
    )
    if not created and protected_identity and not client.protected_identity:
        # A protection marking is only ever added here; lifting it is an administrator's task.
        client.protected_identity = True
        client.save(update_fields=["protected_identity"])
    return client


@transaction.atomic
def case_create(
    *,
    actor: User,
    organisation: Organisation,
    case_type: str,
    identity: IdentityNumber,
    first_name: str,
    last_name: str,
    protected_identity: bool = False,
    counterpart: Organisation | None = None,
    court: str = "",
    malnummer: str = "",
) -> Case:
    """Open a case for ``organisation`` (which the actor works for) with the counterpart invited.

    The counterpart sees only the request (type, dates, requesting organisation) until a
    consent covering it is documented."""
    membership = _creator_membership(actor, organisation)
    if counterpart is not None and counterpart.pk == organisation.pk:
        raise ValidationError(_("Motparten kan inte vara den egna organisationen."))
    client = client_get_or_create(
        identity=identity,
        first_name=first_name,
        last_name=last_name,
        protected_identity=protected_identity,
    )
    case = Case.objects.create(
        case_type=case_type,
        reference=next_reference(case_type),
        client=client,
        state=INITIAL_STATE[case_type],
        owner_organisation=organisation,
        court=court,
        malnummer=malnummer,
    )
    Participation.objects.create(
        case=case,
        organisation=organisation,
        part_role=PART_ROLE_BY_KIND.get(organisation.kind, Participation.PartRole.EXTERN),
        handlaggare=actor,
    )
    if counterpart is not None:
        Participation.objects.create(
            case=case,
            organisation=counterpart,
            part_role=PART_ROLE_BY_KIND.get(counterpart.kind, Participation.PartRole.EXTERN),
        )
    if client.protected_identity:
        # The person who opens the case is, by definition, assigned to it.
        assign_perm("cases.view_protected_identity", actor, client)
    events.case_created(case=case, actor=actor, organisation=membership.organisation)
    if counterpart is not None:
        events.participation_added(
            case=case, actor=actor, organisation=membership.organisation, added=counterpart
        )
    return case


@transaction.atomic
def participation_assign_handlaggare(
    *, case_id: int, actor: User, handlaggare: User | None
) -> Participation:
    """Set the responsible handläggare for the actor's own organisation in the case."""
    case = case_for_user(actor, case_id, for_update=True)
    if not actor.has_perm("cases.assign_handlaggare", case):
        raise PermissionDenied
    membership = acting_membership(actor, case)
    assert membership is not None  # implied by the permission
    if (
        handlaggare is not None
        and not Membership.objects.filter(
            user=handlaggare, organisation=membership.organisation, role__in=CASEWORKER_ROLES
        ).exists()
    ):
        raise ValidationError(_("Handläggaren måste arbeta i din organisation."))
    participation = Participation.objects.get(case=case, organisation=membership.organisation)
    participation.handlaggare = handlaggare
    participation.save(update_fields=["handlaggare"])
    if handlaggare is not None and case.client.protected_identity:
        assign_perm("cases.view_protected_identity", handlaggare, case.client)
    events.handlaggare_assigned(
        case=case, actor=actor, organisation=membership.organisation, handlaggare=handlaggare
    )
    return participation
