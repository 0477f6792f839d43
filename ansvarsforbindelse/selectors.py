"""Reads of commitments that views, services, the PDF pipeline and the demo share. Every read
for a person starts from ``cases.selectors.case_for_user`` (404 outside scope)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet, Value
from django.http import Http404

from ansvarsforbindelse import permissions
from ansvarsforbindelse.models import ENDING_CONDITIONS, Ansvarsforbindelse
from cases import selectors as case_selectors
from cases.models import CareProcess, CareProviderChoice, Case, Membership, Participation
from cases.roles import OrganisationKind, Role

if TYPE_CHECKING:
    from accounts.models import User
    from cases.models import Organisation


def commitment_for_user(user: User, pk: int) -> Ansvarsforbindelse:
    """The commitment with ``.case`` loaded for ``user`` (annotated by the access rule); 404 when
    the case is outside their scope or they may not read its commitments."""
    case_id = Ansvarsforbindelse.objects.filter(pk=pk).values_list("case_id", flat=True).first()
    if case_id is None:
        raise Http404
    case = case_selectors.case_for_user(user, case_id)
    if not permissions.can_view(user, case):
        raise Http404
    commitment = Ansvarsforbindelse.objects.select_related(*_RELATED).get(pk=pk)
    commitment.case = case
    return commitment


def case_with_commitments_for_user(user: User, case_pk: int) -> Case:
    case = case_selectors.case_for_user(user, case_pk)
    if not permissions.can_view(user, case):
        raise Http404
    return case


_RELATED = (
    "issuing_organisation__parent",
    "recipient",
    "care_provider",
    "decision_maker",
    "signed_by",
    "sent_by",
    "sent_to",
    "ended_by",
    "created_by",
    "replaces",
)


def commitments_for(case: Case) -> QuerySet[Ansvarsforbindelse]:
    """Every version of the case's commitments, newest first (the history stays readable),
    with only what the case page's panel shows of them: a commitment has some 45 columns, and
    compiling and loading them all was the slowest of the case page's queries."""
    return (
        Ansvarsforbindelse.objects.filter(case=case)
        .select_related("signed_by", "sent_to")
        .only(
            "case_id",
            "version",
            "state",
            "signed_at",
            "sent_at",
            "signed_by__first_name",
            "signed_by__last_name",
            "sent_to__name",
            "sent_to__short_name",
        )
        .order_by("-version")
    )


def case_as_issuer(case_id: int) -> Case:
    """The case as the issuing kommun sees its own document: with the client's identity.

    Used only for the archived original of a signed commitment, which the kommun keeps in its
    personakt. That file is served to a person only if they may see the identity themselves;
    everyone else gets a masked copy (``ansvarsforbindelse.pdf``)."""
    return (
        Case.objects.annotate(shared_access=Value(True), identity_visible=Value(True))
        .select_related("client")
        .prefetch_related(
            Prefetch(
                "participations", queryset=Participation.objects.select_related("organisation")
            )
        )
        .get(pk=case_id)
    )


def care_process(case: Case) -> CareProcess | None:
    return CareProcess.objects.filter(case=case).first()


def recipients_for(case: Case) -> list[Organisation]:
    """The Kriminalvården parties of the case: where a commitment can be sent."""
    return [
        p.organisation
        for p in case.participations.all()
        if p.organisation.kind in permissions.RECIPIENT_KINDS
    ]


def default_recipient(case: Case) -> Organisation | None:
    """Vårdvistelse: the anstalt (000: "skickar till kriminalvården, anstalten"); kontraktsvård:
    the frivård office, which has the verkställighet."""
    preferred = (
        OrganisationKind.ANSTALT if case.case_type == "vardvistelse" else OrganisationKind.FRIVARD
    )
    parties = recipients_for(case)
    return next((o for o in parties if o.kind == preferred), parties[0] if parties else None)


def decision_makers(organisation_id: int) -> QuerySet[Any]:
    """The people who may sign for the organisation now: its enhetschefer in force."""
    holders = (
        Membership.objects.in_force()
        .filter(organisation_id=organisation_id, role=Role.ENHETSCHEF)
        .values("user_id")
    )
    return (
        get_user_model()
        .objects.filter(pk__in=holders, is_active=True)
        .order_by("last_name", "first_name")
    )


def case_facts(case: Case, process: CareProcess | None) -> dict[str, Any]:
    """What the commitment repeats from the case: the judgment and the alternative term
    (kontraktsvård only; a vårdvistelse is not court-bound, 000)."""
    if case.case_type != "kontraktsvard":
        return {
            "court": "",
            "malnummer": "",
            "judgment_date": None,
            "alternative_prison_term_days": None,
        }
    return {
        "court": case.court,
        "malnummer": case.malnummer,
        "judgment_date": process.judgment_date if process else None,
        "alternative_prison_term_days": (process.alternative_prison_term_days if process else None),
    }


def commitment_prefill(case: Case, issuing_organisation_id: int | None = None) -> dict[str, Any]:
    """A new draft filled in from what the case already knows ("nothing to type twice", DOMAIN
    §8): the decision date, the recipient, the chosen vårdgivare and its form of care, the
    transfer date, the planned end of the care, the guideline's grounds for ending it, and the
    decision-maker when the issuing kommun has exactly one enhetschef."""
    process = care_process(case)
    choice = (
        CareProviderChoice.objects.filter(case=case, replaced_at__isnull=True)
        .select_related("provider")
        .first()
    )
    start = process.transfer_date if process else None
    end = None
    if choice is not None and start is not None and choice.planned_end > start:
        end = choice.planned_end
    elif start is not None:
        # No planned end after the transfer: propose a review after six months.
        end = start + timedelta(days=182)
    prefill: dict[str, Any] = {
        "decision_date": process.decision_date if process else None,
        "recipient": default_recipient(case),
        "care_provider": choice.provider if choice else None,
        "form_of_care": choice.provider.form_of_care if choice else "",
        "payment_start": start,
        "payment_end": end,
        "ending_conditions": ENDING_CONDITIONS[case.case_type],
    }
    if issuing_organisation_id is not None:
        chefs = list(decision_makers(issuing_organisation_id)[:2])
        if len(chefs) == 1:
            prefill["decision_maker"] = chefs[0]
    return prefill
