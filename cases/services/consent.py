"""Documenting and withdrawing consent (samtycke), which opens and closes the other parties'
access to the case's shared information."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import events
from cases.models import Consent, ConsentParty, Organisation, Visibility
from cases.permissions import acting_membership
from cases.selectors import case_for_user
from cases.services.journal import store_attachment, store_note

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def consent_record(
    *,
    case_id: int,
    actor: User,
    parties: list[Organisation],
    scope: str,
    given_on: date,
    form: str,
    document: UploadedFile | None = None,
    oral_note: str = "",
) -> Consent:
    """Document the client's consent. A written consent has the signed sekretessblankett
    attached; an oral one is journaled as a shared note. Both are shared with the parties
    covered (the guideline: "Samtycke dokumenteras och delges den andra parten")."""
    case = case_for_user(actor, case_id, for_update=True)
    if not actor.has_perm("cases.record_consent", case):
        raise PermissionDenied
    membership = acting_membership(actor, case)
    assert membership is not None
    participating = {p.organisation_id for p in case.participations.all()}
    if not parties:
        raise ValidationError({"parties": _("Välj minst en part som samtycket omfattar.")})
    if any(party.pk not in participating for party in parties):
        raise ValidationError({"parties": _("Samtycket kan bara omfatta parter i ärendet.")})
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": _("Datumet för samtycket kan inte ligga i framtiden.")})
    consent = Consent(
        case=case,
        scope=scope,
        given_on=given_on,
        form=form,
        recorded_by=actor,
        recorded_by_organisation=membership.organisation,
    )
    if form == Consent.Form.WRITTEN:
        if document is None:
            raise ValidationError({"document": _("Bifoga den undertecknade sekretessblanketten.")})
        consent.document = store_attachment(
            case=case,
            actor=actor,
            organisation=membership.organisation,
            uploaded=document,
            visibility=Visibility.SHARED,
        )
    elif form == Consent.Form.ORAL:
        if not oral_note.strip():
            raise ValidationError(
                {"oral_note": _("Skriv hur och när klienten lämnade sitt muntliga samtycke.")}
            )
        consent.journal_note = store_note(
            case=case,
            actor=actor,
            organisation=membership.organisation,
            body=oral_note,
            visibility=Visibility.SHARED,
        )
    else:
        raise ValidationError({"form": _("Välj hur samtycket lämnades.")})
    consent.save()
    ConsentParty.objects.bulk_create(
        [ConsentParty(consent=consent, organisation=party) for party in parties]
    )
    case.save(update_fields=["updated_at"])
    events.consent_recorded(
        case=case,
        actor=actor,
        organisation=membership.organisation,
        consent_id=consent.pk,
        parties=[party.pk for party in parties],
    )
    # The workflows move on by themselves once consent covers both parties.
    from cases.services.care import confirm_consent_if_complete

    confirm_consent_if_complete(case=case, actor=actor)
    return consent


@transaction.atomic
def consent_withdraw(*, consent_id: int, actor: User, note: str = "") -> Consent:
    """Withdrawal takes effect at once: ``visible_to`` stops giving the parties shared access
    in the same transaction. The consent row and its events stay."""
    consent = Consent.objects.select_for_update().get(pk=consent_id)
    case = case_for_user(actor, consent.case_id, for_update=True)
    if not actor.has_perm("cases.withdraw_consent", case):
        raise PermissionDenied
    if consent.withdrawn_at is not None:
        raise ValidationError(_("Samtycket är redan återkallat."))
    membership = acting_membership(actor, case)
    assert membership is not None
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = actor
    consent.withdrawal_reason = note
    consent.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    case.save(update_fields=["updated_at"])
    events.consent_withdrawn(
        case=case, actor=actor, organisation=membership.organisation, consent_id=consent.pk
    )
    return consent
