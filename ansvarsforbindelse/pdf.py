"""Printable documents rendered with WeasyPrint: the ansvarsförbindelse (DOMAIN.md §5) and the
gemensam plan (000 "Gemensam plan för samverkan").

One HTML template per document serves both the browser preview and the PDF. The stylesheet
(``static/css/document.css``) and the fonts it references (``static/fonts``, DejaVu Sans,
shipped with the app) are read from disk through ``LocalFetcher``: rendering never touches the
network and never depends on the fonts installed on the machine (the family is registered under
its own name, "Brygga Sans", so fontconfig cannot substitute another).

Masking. The client is shown through ``cases.presenters.client_identity`` for the case as
loaded for the viewer, so a protected identity or a missing consent is masked in every PDF a
person downloads. The one exception is the archived original of a signed commitment, rendered
for the issuing kommun (``selectors.case_as_issuer``); it is served only to viewers who may see
the identity themselves (see ``views.commitment_pdf``).
"""

from __future__ import annotations

import base64
import mimetypes
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from ansvarsforbindelse import selectors
from ansvarsforbindelse.models import Ansvarsforbindelse, FormOfCare
from cases.models import JointPlan
from cases.permissions import acting_membership
from cases.presenters import ClientIdentity, client_identity
from cases.roles import Role

if TYPE_CHECKING:
    from accounts.models import User
    from cases.models import Case, Organisation

STYLESHEET = "css/document.css"
WATERMARK = "img/utkast-watermark.svg"
# The archived original is PDF/A-3b (ISO 19005-3, level B: reliable visual reproduction).
ARCHIVE_VARIANT = "pdf/a-3b"


@cache
def _static_root() -> Path:
    """The folder that holds the document stylesheet (and, beside it, ``fonts/``)."""
    found = finders.find(STYLESHEET)
    if not found:
        raise RuntimeError(f"{STYLESHEET} not found by the static files finders")
    return Path(str(found)).resolve().parent.parent


def _logo_dir() -> Path:
    return Path(getattr(settings, "BRYGGA_LOGO_DIR", Path(settings.MEDIA_ROOT) / "logotyper"))


class LocalFetcher(URLFetcher):
    """Fetches only ``file:`` URLs inside the static folder and ``data:`` URLs. Anything else
    (http, a path outside) is refused, so a document can never leak a request or read an
    arbitrary file, whatever text ends up in it."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"file", "data"}, timeout=1)
        self._roots = [_static_root()]

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.startswith("file:"):
            from urllib.parse import unquote, urlsplit

            path = Path(unquote(urlsplit(url).path)).resolve()
            if not any(path.is_relative_to(root) for root in self._roots):
                raise ValueError("Only the application's own static files are fetched.")
        return super().fetch(url, headers)


def write_pdf(html: str, *, archival: bool = False) -> bytes:
    """HTML (from one of the document templates) to PDF bytes; PDF/A-3b when ``archival``."""
    fetcher = LocalFetcher()
    document = HTML(string=html, base_url=_static_root().as_uri() + "/", url_fetcher=fetcher)
    return document.write_pdf(
        font_config=FontConfiguration(),
        pdf_variant=ARCHIVE_VARIANT if archival else None,
    )


# --- Shared context ---------------------------------------------------------------------------


def _logo_data_uri(organisation: Organisation) -> str:
    """The kommun's logo as a data: URI (the same in the PDF and the browser preview, where the
    CSP allows data: images and MEDIA_ROOT is not served). Looked up as
    ``<BRYGGA_LOGO_DIR>/<slug of the organisation's name>.(svg|png)``, the unit's first, then its
    kommun's; empty when none is installed (the slot then stays out of the letterhead)."""
    for org in (organisation, organisation.parent):
        if org is None:
            continue
        for suffix in (".svg", ".png"):
            path = _logo_dir() / f"{slugify(org.name)}{suffix}"
            if path.is_file():
                mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode()}"
    return ""


def _unit_name(issuer: Organisation) -> str:
    """The nämnd under its kommun's name: "Göteborgs stad, socialnämnden Nordost" under
    "Göteborgs stad" reads "Socialnämnden Nordost"."""
    if issuer.parent is None:
        return ""
    prefix = f"{issuer.parent.name}, "
    if issuer.name.startswith(prefix):
        rest = issuer.name[len(prefix) :]
        return rest[:1].upper() + rest[1:]
    return issuer.name


def document_context(*, preview: bool, issuer: Organisation) -> dict[str, Any]:
    return {
        "preview": preview,
        "stylesheet": static(STYLESHEET) if preview else STYLESHEET,
        "watermark_image": static(WATERMARK) if preview else WATERMARK,
        "kommun_name": issuer.parent.name if issuer.parent else issuer.name,
        "unit_name": _unit_name(issuer),
        "logo": _logo_data_uri(issuer),
    }


def _kommun_of(case: Case) -> Organisation | None:
    return next(
        (p.organisation for p in case.participations.all() if p.organisation.kind == "kommun"),
        None,
    )


# --- The ansvarsförbindelse -------------------------------------------------------------------


@dataclass(frozen=True)
class Signer:
    name: str
    title: str


def _signer(user: Any) -> Signer | None:
    if user is None:
        return None
    return Signer(
        name=user.get_full_name() or user.username, title=user.title or str(Role.ENHETSCHEF.label)
    )


def commitment_context(
    commitment: Ansvarsforbindelse,
    *,
    case: Case,
    preview: bool = False,
    archival: bool = False,
    copy_note: str = "",
) -> dict[str, Any]:
    """Everything the template shows. ``case`` must carry the access annotations of the viewer
    (or of the issuer for the archived original)."""
    # A draft shows the case's judgment as it is now; a signed version what was signed.
    facts = (
        selectors.case_facts(case, selectors.care_process(case))
        if commitment.is_draft
        else {
            "court": commitment.court,
            "malnummer": commitment.malnummer,
            "judgment_date": commitment.judgment_date,
            "alternative_prison_term_days": commitment.alternative_prison_term_days,
        }
    )
    kv_payment_end = (
        commitment.payment_start - timedelta(days=1) if commitment.payment_start else None
    )
    title = _("Ansvarsförbindelse %(reference)s, version %(version)s") % {
        "reference": case.reference,
        "version": commitment.version,
    }
    return {
        **document_context(preview=preview, issuer=commitment.issuing_organisation),
        "commitment": commitment,
        "case": case,
        "client": client_identity(case),
        "facts": facts,
        "kontraktsvard": case.case_type == "kontraktsvard",
        "kv_payment_end": kv_payment_end,
        "form_of_care": FormOfCare(commitment.form_of_care).label
        if commitment.form_of_care
        else "",
        "ending_conditions": [
            line.strip() for line in commitment.ending_conditions.splitlines() if line.strip()
        ],
        "decision_maker": _signer(commitment.signed_by or commitment.decision_maker),
        "watermark": commitment.is_draft,
        "archival": archival,
        "copy_note": copy_note,
        "document_title": title,
        "running_title": title,
        "created": (commitment.signed_at or commitment.updated_at or timezone.now()).isoformat(),
        "author": commitment.issuing_organisation.name,
    }


def render_commitment_html(commitment: Ansvarsforbindelse, *, case: Case, **options: Any) -> str:
    return render_to_string(
        "ansvarsforbindelse/pdf/ansvarsforbindelse.html",
        commitment_context(commitment, case=case, **options),
    )


def render_commitment_pdf(
    commitment: Ansvarsforbindelse, *, case: Case, archival: bool = False, copy_note: str = ""
) -> bytes:
    """The commitment as PDF: a draft with the UTKAST watermark; ``archival`` for the signed
    original (PDF/A-3b)."""
    html = render_commitment_html(commitment, case=case, archival=archival, copy_note=copy_note)
    return write_pdf(html, archival=archival)


def masked_copy_note(commitment: Ansvarsforbindelse, identity: ClientIdentity) -> str:
    """The line on a copy rendered for a viewer who may not see the client's identity."""
    return _("Kopia. %(reason)s Originalet är arkiverat hos %(issuer)s.") % {
        "reason": identity.reason,
        "issuer": commitment.issuing_organisation.name,
    }


# --- The gemensam plan ------------------------------------------------------------------------


def joint_plan_context(case: Case, viewer: User, *, preview: bool = False) -> dict[str, Any]:
    plan = JointPlan.objects.select_related("updated_by").get(case=case)
    issuer = _kommun_of(case) or case.owner_organisation
    membership = acting_membership(viewer, case)
    title = _("Gemensam plan %(reference)s") % {"reference": case.reference}
    return {
        **document_context(preview=preview, issuer=issuer),
        "case": case,
        "plan": plan,
        "client": client_identity(case),
        "printed_by": viewer.get_full_name() or viewer.username,
        "printed_for": membership.organisation.name if membership else "",
        "printed_at": timezone.localtime(),
        "parties": list(case.participations.all()),
        "watermark": False,
        "document_title": title,
        "running_title": title,
        "created": plan.updated_at.isoformat(),
        "author": issuer.name,
    }


def render_joint_plan_pdf(case: Case, viewer: User) -> bytes:
    """The gemensam plan of ``case`` as a printable PDF for ``viewer``. ``case`` must be loaded
    for the viewer (``cases.selectors.case_for_user``): the client line follows the masking
    rule. Raises ``JointPlan.DoesNotExist`` when the case has no plan."""
    html = render_to_string(
        "ansvarsforbindelse/pdf/gemensam_plan.html", joint_plan_context(case, viewer)
    )
    return write_pdf(html)
