"""One function per audit event of the ansvarsförbindelse (the house events.py style, with the
field conventions of ``cases.events.record``). The case's timeline shows the messages as
written here: short Swedish sentences without personal data.

Drafting is the kommun's internal work (``shared=False``: only the issuing kommun sees it);
from the signature on, the events concern Kriminalvården too and are shared."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cases.models import AuditEvent

if TYPE_CHECKING:
    from accounts.models import User
    from ansvarsforbindelse.models import Ansvarsforbindelse


def _record(
    *,
    commitment: Ansvarsforbindelse,
    actor: User | None,
    kind: str,
    message: str,
    shared: bool = True,
    **data: Any,
) -> AuditEvent:
    return AuditEvent.objects.create(
        case_id=commitment.case_id,
        actor=actor,
        organisation_id=commitment.issuing_organisation_id,
        kind=kind,
        message=message,
        shared=shared,
        data={"commitment": commitment.pk, "version": commitment.version, **data},
    )


def commitment_drafted(*, commitment: Ansvarsforbindelse, actor: User) -> AuditEvent:
    if commitment.replaces_id:
        message = f"Utkast till ansvarsförbindelse, version {commitment.version}, upprättades."
    else:
        message = "Utkast till ansvarsförbindelse upprättades."
    return _record(
        commitment=commitment,
        actor=actor,
        kind="commitment_drafted",
        message=message,
        shared=False,
        replaces=commitment.replaces_id,
    )


def commitment_updated(
    *, commitment: Ansvarsforbindelse, actor: User, fields: list[str]
) -> AuditEvent:
    return _record(
        commitment=commitment,
        actor=actor,
        kind="commitment_updated",
        message=f"Utkastet till ansvarsförbindelse, version {commitment.version}, ändrades.",
        shared=False,
        fields=sorted(fields),
    )


def commitment_signed(*, commitment: Ansvarsforbindelse, actor: User) -> AuditEvent:
    return _record(
        commitment=commitment,
        actor=actor,
        kind="commitment_signed",
        message=f"Ansvarsförbindelsen, version {commitment.version}, undertecknades.",
        delegation=commitment.delegation,
        replaces=commitment.replaces_id,
    )


def commitment_replaced(
    *, commitment: Ansvarsforbindelse, successor: Ansvarsforbindelse, actor: User
) -> AuditEvent:
    return _record(
        commitment=commitment,
        actor=actor,
        kind="commitment_replaced",
        message=(
            f"Ansvarsförbindelsen, version {commitment.version}, ersattes av version "
            f"{successor.version}."
        ),
        successor=successor.pk,
    )


def commitment_sent(*, commitment: Ansvarsforbindelse, actor: User) -> AuditEvent:
    recipient = commitment.sent_to
    name = (recipient.short_name or recipient.name) if recipient else ""
    return _record(
        commitment=commitment,
        actor=actor,
        kind="commitment_sent",
        message=f"Ansvarsförbindelsen, version {commitment.version}, skickades till {name}.",
        sent_to=commitment.sent_to_id,
    )


def commitment_ended(*, commitment: Ansvarsforbindelse, actor: User) -> AuditEvent:
    # The reason may name the client ("flyttade till ..."); it stays on the commitment, which
    # only those who may read it see, and is not repeated in the timeline.
    return _record(
        commitment=commitment,
        actor=actor,
        kind="commitment_ended",
        message=f"Ansvarsförbindelsen, version {commitment.version}, upphörde.",
    )


def commitment_archived(*, commitment: Ansvarsforbindelse) -> AuditEvent:
    return _record(
        commitment=commitment,
        actor=None,
        kind="commitment_archived",
        message=(
            f"Ansvarsförbindelsen, version {commitment.version}, arkiverades som PDF/A "
            "med kontrollsumma."
        ),
        sha256=commitment.pdf_sha256,
    )
