"""The lifecycle of the ansvarsförbindelse (DOMAIN.md §5): utkast → undertecknad → skickad →
upphörd, and a new version that replaces a signed one (ersatt).

Each service: one transaction; the case row locked first (so two people acting on the same
case are serialised), then the commitment row; the permission checked; the facts validated
with Swedish messages; an audit event written; side effects after commit."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ansvarsforbindelse import events, permissions, selectors
from ansvarsforbindelse.models import (
    IN_FORCE_STATES,
    Ansvarsforbindelse,
    CommitmentState,
)
from cases.models import Case, Participation
from cases.states import CLOSED_STATES

if TYPE_CHECKING:
    from accounts.models import User
    from cases.models import Organisation

# What the kommun fills in; everything else comes from the case or from the lifecycle.
EDITABLE_FIELDS = (
    "diarienummer",
    "decision_reference",
    "decision_date",
    "recipient",
    "care_provider",
    "form_of_care",
    "care_content",
    "cost_per_day",
    "cost_covers",
    "payment_start",
    "payment_end",
    "payment_end_kind",
    "ending_conditions",
    "invoice_address",
    "invoice_reference",
    "decision_maker",
    "delegation",
)

# A commitment can be signed only when every part of the regional template is filled in.
REQUIRED_TO_SIGN = {
    "diarienummer": gettext_lazy("Ange ansvarsförbindelsens diarienummer."),
    "decision_reference": gettext_lazy("Ange beslutets diarienummer."),
    "decision_date": gettext_lazy("Ange beslutsdatum."),
    "care_provider": gettext_lazy("Välj vårdgivare."),
    "form_of_care": gettext_lazy("Välj vårdform."),
    "cost_per_day": gettext_lazy("Ange kostnad per dygn."),
    "cost_covers": gettext_lazy("Beskriv vad kostnaden omfattar."),
    "payment_start": gettext_lazy("Ange datum då kommunens betalningsansvar börjar."),
    "payment_end": gettext_lazy("Ange slut- eller omprövningsdatum."),
    "ending_conditions": gettext_lazy("Ange villkoren för upphörande."),
    "invoice_address": gettext_lazy("Ange fakturaadress."),
    "invoice_reference": gettext_lazy("Ange fakturareferens."),
    "delegation": gettext_lazy(
        'Ange delegationen, till exempel "Enligt delegationsordning punkt 3.2".'
    ),
}


# --- Locking and checks -------------------------------------------------------------------------


def _lock_case(case_id: int, actor: User) -> Case:
    """The case, row-locked, through the actor's access rule (404 outside scope)."""
    permissions.forget_memberships(actor)
    try:
        return (
            Case.objects.visible_to(actor)
            .select_for_update(of=("self",))
            .select_related("client")
            .prefetch_related(
                Prefetch(
                    "participations",
                    queryset=Participation.objects.select_related("organisation"),
                )
            )
            .get(pk=case_id)
        )
    except Case.DoesNotExist:
        raise Http404 from None


def _lock(commitment_id: int, actor: User) -> Ansvarsforbindelse:
    case_id = (
        Ansvarsforbindelse.objects.filter(pk=commitment_id)
        .values_list("case_id", flat=True)
        .first()
    )
    if case_id is None:
        raise Http404
    case = _lock_case(case_id, actor)
    if not permissions.can_view(actor, case):
        raise Http404
    commitment = Ansvarsforbindelse.objects.select_for_update().get(pk=commitment_id)
    commitment.case = case
    return commitment


def _transfer_message(case: Case, transfer: date) -> str:
    if case.case_type == "kontraktsvard":
        return _(
            "Kommunens betalningsansvar börjar dagen efter att Kriminalvårdens upphör, "
            "det vill säga %(date)s."
        ) % {"date": f"{transfer:%Y-%m-%d}"}
    return _(
        "Kommunens betalningsansvar börjar dagen för villkorlig frigivning, det vill säga %(date)s."
    ) % {"date": f"{transfer:%Y-%m-%d}"}


def _transfer_unknown_message(case: Case) -> str:
    if case.case_type == "kontraktsvard":
        return _(
            "Datumet då Kriminalvårdens betalningsansvar upphör är inte registrerat i ärendet "
            "ännu. Frivården registrerar det vid placeringsstart."
        )
    return _(
        "Datum för villkorlig frigivning är inte registrerat i ärendet ännu. "
        "Kriminalvården registrerar det."
    )


def _validate(commitment: Ansvarsforbindelse, case: Case, *, complete: bool) -> None:
    """Every rule of DOMAIN §5 that a value must satisfy; with ``complete`` also that nothing
    the template requires is missing (the check before signing)."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(str(message))

    process = selectors.care_process(case)
    transfer = process.transfer_date if process else None

    if commitment.recipient_id not in {o.pk for o in selectors.recipients_for(case)}:
        add("recipient", _("Mottagaren ska vara frivårdskontoret eller anstalten i ärendet."))
    if commitment.cost_per_day is not None and commitment.cost_per_day <= Decimal(0):
        add("cost_per_day", _("Kostnaden per dygn ska vara större än 0 kr."))
    if commitment.decision_date is not None and commitment.decision_date > timezone.localdate():
        add("decision_date", _("Beslutsdatumet kan inte ligga i framtiden."))
    # 000: the kommun's payment starts the day after Kriminalvården's ends (kontraktsvård) or
    # on the VF date (vårdvistelse); the date is Kriminalvården's master data, not ours.
    if commitment.payment_start is not None and transfer is not None:
        if commitment.payment_start != transfer:
            add("payment_start", _transfer_message(case, transfer))
    elif complete and transfer is None:
        add("payment_start", _transfer_unknown_message(case))
    if (
        commitment.payment_start is not None
        and commitment.payment_end is not None
        and commitment.payment_end <= commitment.payment_start
    ):
        add("payment_end", _("Slut- eller omprövningsdatumet ska ligga efter startdatumet."))
    if commitment.decision_maker_id is not None and not permissions.is_decision_maker(
        commitment.decision_maker,  # type: ignore[arg-type]
        commitment.issuing_organisation_id,
    ):
        add(
            "decision_maker",
            _("Beslutsfattaren ska vara enhetschef med delegation i den utfärdande nämnden."),
        )
    if complete:
        for field, message in REQUIRED_TO_SIGN.items():
            value = getattr(commitment, field)
            empty = value is None or (isinstance(value, str) and not value.strip())
            if empty and field not in errors:
                add(field, str(message))
        if case.case_type == "kontraktsvard" and not (
            commitment.court
            and commitment.malnummer
            and commitment.judgment_date
            and commitment.alternative_prison_term_days
        ):
            add(
                "__all__",
                _(
                    "Domen (domstol, målnummer, domsdatum och det alternativa fängelsestraffet) "
                    "ska vara registrerad i ärendet."
                ),
            )
    if errors:
        raise ValidationError(errors)


def _refresh_case_facts(commitment: Ansvarsforbindelse, case: Case) -> None:
    """A draft follows the case's judgment; the signature freezes it."""
    for name, value in selectors.case_facts(case, selectors.care_process(case)).items():
        setattr(commitment, name, value)


def _refuse_closed(case: Case) -> None:
    if case.state in CLOSED_STATES:
        raise ValidationError(_("Ärendet är avslutat."))


def _check_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")


# --- The services -------------------------------------------------------------------------------


@transaction.atomic
def commitment_create_draft(*, case_id: int, actor: User, **fields: Any) -> Ansvarsforbindelse:
    """Start the commitment of a case as a draft, filled in from the case (client, judgment,
    alternative term, vårdgivare, transfer date) and overridden by ``fields``.

    Only a socialsekreterare or enhetschef of a kommun that takes part and sees the shared
    information; the kommun must have granted the bistånd. A case has at most one draft and one
    commitment in force: a change to a signed one is ``commitment_new_version``."""
    _check_fields(fields)
    case = _lock_case(case_id, actor)
    if not permissions.can_draft(actor, case):
        raise PermissionDenied
    process = selectors.care_process(case)
    if process is None or process.decision != "beviljat":
        raise ValidationError(
            _(
                "Kommunen ska ha beviljat bistånd i form av ansvarsförbindelse innan "
                "ansvarsförbindelsen upprättas."
            )
        )
    current = (
        Ansvarsforbindelse.objects.filter(
            case=case, state__in=[CommitmentState.UTKAST, *IN_FORCE_STATES]
        )
        .order_by("-version")
        .first()
    )
    if current is not None:
        raise ValidationError(
            _(
                "Ärendet har redan en ansvarsförbindelse (version %(version)s). Ändra utkastet "
                "eller gör en ny version av den undertecknade."
            )
            % {"version": current.version}
        )
    issuing = permissions.kommun_memberships(actor, case)[0].organisation
    last = Ansvarsforbindelse.objects.filter(case=case).aggregate(last=Max("version"))["last"]
    commitment = Ansvarsforbindelse(
        case=case,
        version=(last or 0) + 1,
        issuing_organisation=issuing,
        created_by=actor,
        **{**selectors.commitment_prefill(case, issuing.pk), **fields},
    )
    _refresh_case_facts(commitment, case)
    _validate(commitment, case, complete=False)
    commitment.save()
    events.commitment_drafted(commitment=commitment, actor=actor)
    case.save(update_fields=["updated_at"])
    return commitment


@transaction.atomic
def commitment_update_draft(
    *, commitment_id: int, actor: User, **fields: Any
) -> Ansvarsforbindelse:
    """Change a draft. A signed commitment is immutable: any change is a new version."""
    _check_fields(fields)
    commitment = _lock(commitment_id, actor)
    if not permissions.may_prepare(commitment, actor):
        raise PermissionDenied
    if not commitment.is_draft:
        raise ValidationError(
            _("En undertecknad ansvarsförbindelse kan inte ändras. Gör en ny version.")
        )
    _refuse_closed(commitment.case)
    changed = [name for name, value in fields.items() if getattr(commitment, name) != value]
    for name, value in fields.items():
        setattr(commitment, name, value)
    _refresh_case_facts(commitment, commitment.case)
    _validate(commitment, commitment.case, complete=False)
    commitment.save()
    if changed:
        events.commitment_updated(commitment=commitment, actor=actor, fields=changed)
    return commitment


@transaction.atomic
def commitment_sign(
    *, commitment_id: int, actor: User, delegation: str | None = None
) -> Ansvarsforbindelse:
    """Sign a complete draft: only an enhetschef of the issuing kommun (the decision role with
    delegation). Records who, when and the delegation; a version that replaces another takes
    its place in the same transaction (the old one becomes ``ersatt`` and stays readable).
    The archived PDF/A is rendered by a Celery task after commit."""
    commitment = _lock(commitment_id, actor)
    if not commitment.is_draft:
        raise ValidationError(_("Ansvarsförbindelsen är redan undertecknad."))
    if not permissions.may_sign(commitment, actor):
        raise PermissionDenied
    case = commitment.case
    _refuse_closed(case)
    if commitment.decision_maker_id is not None and commitment.decision_maker_id != actor.pk:
        raise ValidationError(
            {
                "decision_maker": _(
                    "Utkastet anger en annan beslutsfattare. Den som anges som beslutsfattare "
                    "undertecknar; ändra beslutsfattare i utkastet om du ska fatta beslutet."
                )
            }
        )
    if delegation is not None:
        commitment.delegation = delegation.strip()
    commitment.decision_maker = actor
    _refresh_case_facts(commitment, case)
    _validate(commitment, case, complete=True)

    now = timezone.now()
    predecessor = None
    if commitment.replaces_id is not None:
        predecessor = Ansvarsforbindelse.objects.select_for_update().get(pk=commitment.replaces_id)
        if predecessor.is_in_force:
            # First, so that the one-in-force constraint never sees two.
            predecessor.replace(at=now)
            predecessor.save()
        else:
            predecessor = None
    commitment.sign(by=actor, at=now, delegation=commitment.delegation)
    commitment.save()
    events.commitment_signed(commitment=commitment, actor=actor)
    if predecessor is not None:
        events.commitment_replaced(commitment=predecessor, successor=commitment, actor=actor)
    case.save(update_fields=["updated_at"])

    commitment_pk = commitment.pk
    transaction.on_commit(lambda: _enqueue_archive(commitment_pk))
    return commitment


def _enqueue_archive(commitment_id: int) -> None:
    """After the signature commits: have the worker render the archived PDF, unless it was
    already written in the same transaction (the demo seed renders synchronously)."""
    from ansvarsforbindelse.tasks import render_signed_commitment

    if Ansvarsforbindelse.objects.filter(pk=commitment_id, pdf_sha256="").exists():
        render_signed_commitment.delay(commitment_id)


@transaction.atomic
def commitment_send(
    *, commitment_id: int, actor: User, sent_to: Organisation | None = None
) -> Ansvarsforbindelse:
    """Record that the signed commitment was sent to Kriminalvården: the frivård office or the
    anstalt of the case (000: "Kommunen skriver under ansvarsförbindelse och skickar till
    kriminalvården, anstalten")."""
    commitment = _lock(commitment_id, actor)
    if not permissions.may_prepare(commitment, actor):
        raise PermissionDenied
    if commitment.state != CommitmentState.UNDERTECKNAD:
        raise ValidationError(
            _("Bara en undertecknad ansvarsförbindelse som inte redan är skickad kan skickas.")
        )
    target = sent_to or commitment.recipient
    if target.pk not in {o.pk for o in selectors.recipients_for(commitment.case)}:
        raise ValidationError(
            {"sent_to": _("Skicka till frivårdskontoret eller anstalten i ärendet.")}
        )
    commitment.send(by=actor, at=timezone.now(), to=target)
    commitment.save()
    events.commitment_sent(commitment=commitment, actor=actor)
    commitment.case.save(update_fields=["updated_at"])
    return commitment


@transaction.atomic
def commitment_end(*, commitment_id: int, actor: User, reason: str) -> Ansvarsforbindelse:
    """End a commitment in force (upphörd) with a reason, e.g. one of its conditions for ending
    it was met. It stays readable."""
    commitment = _lock(commitment_id, actor)
    if not permissions.may_prepare(commitment, actor):
        raise PermissionDenied
    if not commitment.is_in_force:
        raise ValidationError(_("Bara en gällande ansvarsförbindelse kan upphöra."))
    if not reason.strip():
        raise ValidationError({"end_reason": _("Ange skälet till att ansvarsförbindelsen upphör.")})
    commitment.end(by=actor, at=timezone.now(), reason=reason.strip())
    commitment.save()
    events.commitment_ended(commitment=commitment, actor=actor)
    commitment.case.save(update_fields=["updated_at"])
    return commitment


@transaction.atomic
def commitment_new_version(*, commitment_id: int, actor: User) -> Ansvarsforbindelse:
    """Copy a signed commitment into a new draft (version + 1) that replaces it when signed.
    Until then the signed one still applies."""
    commitment = _lock(commitment_id, actor)
    if not permissions.may_prepare(commitment, actor):
        raise PermissionDenied
    if not commitment.is_in_force:
        raise ValidationError(_("Bara en gällande ansvarsförbindelse kan få en ny version."))
    case = commitment.case
    _refuse_closed(case)
    draft = Ansvarsforbindelse.objects.filter(case=case, state=CommitmentState.UTKAST).first()
    if draft is not None:
        raise ValidationError(
            _("Det finns redan ett utkast (version %(version)s). Ändra det i stället.")
            % {"version": draft.version}
        )
    last = Ansvarsforbindelse.objects.filter(case=case).aggregate(last=Max("version"))["last"]
    successor = Ansvarsforbindelse(
        case=case,
        version=last + 1,
        replaces=commitment,
        issuing_organisation_id=commitment.issuing_organisation_id,
        created_by=actor,
        **{name: getattr(commitment, name) for name in EDITABLE_FIELDS},
    )
    _refresh_case_facts(successor, case)
    successor.save()
    events.commitment_drafted(commitment=successor, actor=actor)
    return successor


@transaction.atomic
def commitment_archive_pdf(*, commitment_id: int) -> bool:
    """Render the signed commitment as PDF/A-3b for the issuing kommun and store it with its
    SHA-256. Idempotent: a commitment that already has its file is left alone (the archived
    original is never rendered twice), a draft or a missing row is ignored. Returns whether a
    file was written."""
    from ansvarsforbindelse.pdf import render_commitment_pdf

    commitment = (
        Ansvarsforbindelse.objects.select_for_update(of=("self",))
        .select_related(*selectors._RELATED)
        .filter(pk=commitment_id)
        .first()
    )
    if commitment is None or commitment.is_draft or commitment.pdf_sha256:
        return False
    case = selectors.case_as_issuer(commitment.case_id)
    data = render_commitment_pdf(commitment, case=case, archival=True)
    commitment.pdf.save(
        f"{case.reference}-ansvarsforbindelse-v{commitment.version}.pdf",
        ContentFile(data),
        save=False,
    )
    commitment.pdf_sha256 = hashlib.sha256(data).hexdigest()
    commitment.save(update_fields=["pdf", "pdf_sha256", "updated_at"])
    events.commitment_archived(commitment=commitment)
    return True
