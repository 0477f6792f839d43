"""The inslussningsplan as a PDF, through the same pipeline as the ansvarsförbindelse
(``ansvarsforbindelse.pdf``: shipped fonts, only the application's own static files). It is
the SIP's required content (DOMAIN.md §3.3) written for the client to read: the insatser, who is
responsible for each, measures by others, who has the overall responsibility, the follow-up."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from ansvarsforbindelse.pdf import document_context, write_pdf
from cases.permissions import acting_membership
from cases.presenters import client_identity
from inslussning import selectors
from inslussning.models import AreaStatus

if TYPE_CHECKING:
    from accounts.models import User
    from cases.models import Case


def plan_context(case: Case, viewer: User) -> dict[str, Any]:
    programme = case.programme
    parts = selectors.programme_parts(programme)
    issuer = programme.samordnare_organisation or case.owner_organisation
    membership = acting_membership(viewer, case)
    title = _("Inslussningsplan %(reference)s") % {"reference": case.reference}
    # Areas nobody has assessed yet say nothing to the client: left out.
    areas = [a for a in parts["areas"] if a.status != AreaStatus.NOT_ASSESSED]
    return {
        **document_context(preview=False, issuer=issuer),
        "case": case,
        "programme": programme,
        "client": client_identity(case),
        "areas": areas,
        "members": parts["members"],
        "meetings": parts["meetings"],
        "bookings": parts["bookings"],
        "printed_by": viewer.get_full_name() or viewer.username,
        "printed_for": membership.organisation.name if membership else "",
        "printed_at": timezone.localtime(),
        "watermark": False,
        "document_title": title,
        "running_title": title,
        "created": programme.updated_at.isoformat(),
        "author": issuer.name,
    }


def render_plan_pdf(case: Case, viewer: User) -> bytes:
    """``case`` loaded for ``viewer`` (the masking rule applies to the client line)."""
    return write_pdf(render_to_string("inslussning/pdf/plan.html", plan_context(case, viewer)))
