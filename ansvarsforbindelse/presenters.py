"""What the pages show about commitments, decided once: the actions a user may take, the
integrity of the archived file, and the panel on the case page."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from ansvarsforbindelse import permissions, selectors
from ansvarsforbindelse.models import Ansvarsforbindelse, CommitmentState
from cases.db import sorted_here
from cases.states import CLOSED_STATES

if TYPE_CHECKING:
    from accounts.models import User
    from cases.models import CareProcess, Case


@dataclass(frozen=True)
class CommitmentActions:
    edit: bool
    sign: bool
    send: bool
    new_version: bool
    end: bool


def commitment_actions(user: User, commitment: Ansvarsforbindelse) -> CommitmentActions:
    """The buttons a user sees; the services check the same predicates again."""
    prepares = permissions.may_prepare(commitment, user)
    open_case = commitment.case.state not in CLOSED_STATES
    return CommitmentActions(
        edit=prepares and commitment.is_draft and open_case,
        sign=commitment.is_draft and open_case and permissions.may_sign(commitment, user),
        send=prepares and commitment.state == CommitmentState.UNDERTECKNAD,
        new_version=prepares
        and commitment.is_in_force
        and open_case
        and not Ansvarsforbindelse.objects.filter(
            case_id=commitment.case_id, state=CommitmentState.UTKAST
        ).exists(),
        end=prepares and commitment.is_in_force,
    )


@dataclass(frozen=True)
class ArchiveCheck:
    """Whether the stored original still is what was signed."""

    status: str  # "ok", "mismatch", "missing", "pending"
    stored_sha256: str
    actual_sha256: str

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def archive_check(commitment: Ansvarsforbindelse) -> ArchiveCheck | None:
    """Hash the stored file now and compare it with the SHA-256 recorded when it was written.
    ``None`` for a draft (nothing is archived)."""
    if commitment.is_draft:
        return None
    if not commitment.pdf_sha256:
        return ArchiveCheck("pending", "", "")
    try:
        with commitment.pdf.open("rb") as handle:
            actual = hashlib.file_digest(handle, "sha256").hexdigest()
    except (FileNotFoundError, ValueError):
        return ArchiveCheck("missing", commitment.pdf_sha256, "")
    status = "ok" if actual == commitment.pdf_sha256 else "mismatch"
    return ArchiveCheck(status, commitment.pdf_sha256, actual)


STATE_TAGS = {
    CommitmentState.UTKAST: "tag--yellow",
    CommitmentState.UNDERTECKNAD: "tag--green",
    CommitmentState.SKICKAD: "tag--green",
    CommitmentState.UPPHORD: "tag--grey",
    CommitmentState.ERSATT: "tag--grey",
}


def case_panel(
    case: Case, user: User, *, process: CareProcess | None = None
) -> dict[str, Any] | None:
    """The Ansvarsförbindelse section of the case page (``_case_panel.html``), or ``None``
    when the case type has no commitment or the user may not read it. ``case`` comes from
    ``cases.selectors.case_for_user``; ``process`` is its care process when the caller has it.
    Two queries at most, whatever the number of versions."""
    if not permissions.can_view(user, case):
        return None
    versions = sorted_here(selectors.commitments_for(case))
    live = [v for v in versions if v.is_draft or v.is_in_force]
    if process is None:
        process = selectors.care_process(case)
    granted = process is not None and process.decision == "beviljat"
    return {
        "case": case,
        "rows": [{"commitment": v, "tag": STATE_TAGS[v.state]} for v in versions],
        "granted": granted,
        "can_create": not live and granted and permissions.can_draft(user, case),
        "create_url": reverse("ansvarsforbindelse:create", args=[case.pk]),
        "list_url": reverse("ansvarsforbindelse:list", args=[case.pk]),
    }
