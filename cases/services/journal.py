"""The journal (anteckningar) and attachments: append-only, per organisation."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from cases import events
from cases.models import Attachment, Case, Note, Organisation, Visibility
from cases.permissions import acting_membership
from cases.selectors import case_for_user, notes_for

if TYPE_CHECKING:
    from accounts.models import User

# Documents people attach: signed forms (PDF or a photo of the paper), office documents.
# Anything else is refused; the extension and the file's first bytes must agree.
ALLOWED_TYPES: dict[str, tuple[str, bytes | None]] = {
    ".pdf": ("application/pdf", b"%PDF"),
    ".png": ("image/png", b"\x89PNG"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
    ".odt": ("application/vnd.oasis.opendocument.text", b"PK"),
}
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


def _scan(data: bytes) -> str:
    """The virus-scan hook: ``BRYGGA_VIRUS_SCANNER`` names a callable taking the file's bytes
    and returning True when clean (e.g. a clamd client). Without one the file is marked as not
    scanned, which the attachment list shows."""
    scanner_path = getattr(settings, "BRYGGA_VIRUS_SCANNER", "")
    if not scanner_path:
        return Attachment.ScanStatus.NOT_SCANNED
    scanner = import_string(scanner_path)
    return Attachment.ScanStatus.CLEAN if scanner(data) else Attachment.ScanStatus.INFECTED


def validate_upload(uploaded: UploadedFile) -> tuple[str, bytes]:
    name = (uploaded.name or "").lower()
    extension = name[name.rfind(".") :] if "." in name else ""
    if extension not in ALLOWED_TYPES:
        raise ValidationError(
            _(
                "Filtypen stöds inte. Tillåtna filtyper: PDF, PNG, JPEG, "
                "Word (docx), Excel (xlsx), OpenDocument (odt)."
            )
        )
    if uploaded.size is None or uploaded.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(_("Filen är för stor. Största tillåtna storlek är 20 MB."))
    if uploaded.size == 0:
        raise ValidationError(_("Filen är tom."))
    data = uploaded.read()
    content_type, magic = ALLOWED_TYPES[extension]
    if magic and not data.startswith(magic):
        raise ValidationError(_("Filens innehåll stämmer inte med filtypen."))
    return content_type, data


def store_attachment(
    *,
    case: Case,
    actor: User,
    organisation: Organisation,
    uploaded: UploadedFile,
    visibility: str,
    note: Note | None = None,
) -> Attachment:
    """Store a file for a case. Callers have locked the case and checked the permission."""
    content_type, data = validate_upload(uploaded)
    scan_status = _scan(data)
    if scan_status == Attachment.ScanStatus.INFECTED:
        raise ValidationError(_("Filen innehåller skadlig kod och sparades inte."))
    uploaded.seek(0)
    attachment = Attachment(
        case=case,
        note=note,
        organisation=organisation,
        uploaded_by=actor,
        visibility=visibility,
        original_name=(uploaded.name or "bilaga")[:200],
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        scan_status=scan_status,
    )
    attachment.file.save("upload", uploaded, save=False)
    attachment.save()
    events.attachment_added(
        case=case,
        actor=actor,
        organisation=organisation,
        attachment_id=attachment.pk,
        shared=visibility == Visibility.SHARED,
    )
    return attachment


def store_note(
    *,
    case: Case,
    actor: User,
    organisation: Organisation,
    body: str,
    visibility: str,
    corrects: Note | None = None,
) -> Note:
    if not body.strip():
        raise ValidationError({"body": _("Skriv en anteckning.")})
    note = Note.objects.create(
        case=case,
        organisation=organisation,
        author=actor,
        body=body.strip(),
        visibility=visibility,
        corrects=corrects,
    )
    events.note_added(
        case=case,
        actor=actor,
        organisation=organisation,
        note_id=note.pk,
        shared=visibility == Visibility.SHARED,
        corrects=corrects.pk if corrects else None,
    )
    return note


@transaction.atomic
def note_add(
    *,
    case_id: int,
    actor: User,
    body: str,
    visibility: str,
    corrects_id: int | None = None,
    attachment: UploadedFile | None = None,
) -> Note:
    """Write a journal note for the actor's organisation; a correction refers to the note it
    corrects, which stays as it was (append-only journal, DOMAIN.md §7)."""
    case = case_for_user(actor, case_id, for_update=True)
    if not actor.has_perm("cases.add_note", case):
        raise PermissionDenied
    membership = acting_membership(actor, case)
    assert membership is not None
    corrects = None
    if corrects_id is not None:
        corrects = notes_for(actor, case).filter(pk=corrects_id).first()
        if corrects is None or corrects.organisation_id != membership.organisation_id:
            raise ValidationError(_("Du kan bara rätta din egen organisations anteckningar."))
    note = store_note(
        case=case,
        actor=actor,
        organisation=membership.organisation,
        body=body,
        visibility=visibility,
        corrects=corrects,
    )
    if attachment is not None:
        store_attachment(
            case=case,
            actor=actor,
            organisation=membership.organisation,
            uploaded=attachment,
            visibility=visibility,
            note=note,
        )
    case.save(update_fields=["updated_at"])
    return note


@transaction.atomic
def attachment_add(
    *, case_id: int, actor: User, uploaded: UploadedFile, visibility: str
) -> Attachment:
    case = case_for_user(actor, case_id, for_update=True)
    if not actor.has_perm("cases.add_attachment", case):
        raise PermissionDenied
    membership = acting_membership(actor, case)
    assert membership is not None
    attachment = store_attachment(
        case=case,
        actor=actor,
        organisation=membership.organisation,
        uploaded=uploaded,
        visibility=visibility,
    )
    case.save(update_fields=["updated_at"])
    return attachment
