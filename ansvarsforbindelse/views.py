"""The ansvarsförbindelse pages. Thin: load through the access rule (404 outside scope), call a
service, render. Every page that shows the commitment and every download is access-logged."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.typing import AuthenticatedRequest
from ansvarsforbindelse import permissions, selectors, services
from ansvarsforbindelse.forms import CommitmentForm, EndForm, SendForm, SignForm
from ansvarsforbindelse.models import Ansvarsforbindelse, FormOfCare
from ansvarsforbindelse.pdf import (
    masked_copy_note,
    render_commitment_html,
    render_commitment_pdf,
    render_joint_plan_pdf,
)
from ansvarsforbindelse.presenters import STATE_TAGS, archive_check, case_panel, commitment_actions
from cases import access_log
from cases import selectors as case_selectors
from cases.form_errors import apply_service_errors
from cases.models import AccessLog, Case, JointPlan
from cases.permissions import acting_membership
from cases.presenters import client_identity
from cases.rendering import jinja2_html


def _log(request: AuthenticatedRequest, case: Case, action: str) -> None:
    membership = acting_membership(request.user, case)
    access_log.record(
        request=request,
        action=action,
        organisation=membership.organisation if membership else None,
        case=case,
        client=case.client if action == AccessLog.Action.DOWNLOAD else None,
    )


def _pdf_response(data: bytes, *, filename: str, inline: bool) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _filename(case: Case, commitment: Ansvarsforbindelse, suffix: str = "") -> str:
    # The reference only: a client's name never goes into a file name or a header.
    safe = re.sub(r"[^A-Za-z0-9-]", "", case.reference)
    return f"{safe}-ansvarsforbindelse-v{commitment.version}{suffix}.pdf"


# --- Pages ----------------------------------------------------------------------------------


@login_required
def commitment_list(request: AuthenticatedRequest, case_pk: int) -> HttpResponse:
    """Every version of the case's commitments; the history stays readable."""
    case = selectors.case_with_commitments_for_user(request.user, case_pk)
    _log(request, case, AccessLog.Action.VIEW_CASE)
    return render(
        request,
        "ansvarsforbindelse/list.html",
        {
            "case": case,
            "panel_html": jinja2_html(
                "ansvarsforbindelse/_case_panel.html",
                {"commitment_panel": case_panel(case, request.user)},
            ),
            "has_joint_plan": JointPlan.objects.filter(case=case).exists(),
        },
    )


def _form_page(
    request: AuthenticatedRequest,
    *,
    case: Case,
    form: CommitmentForm,
    commitment: Ansvarsforbindelse | None,
    status: int = 200,
) -> HttpResponse:
    process = selectors.care_process(case)
    return render(
        request,
        "ansvarsforbindelse/form.html",
        {
            "case": case,
            "commitment": commitment,
            "form": form,
            "client": client_identity(case),
            "facts": selectors.case_facts(case, process),
            "kontraktsvard": case.case_type == "kontraktsvard",
        },
        status=status,
    )


@login_required
def commitment_create(request: AuthenticatedRequest, case_pk: int) -> HttpResponse:
    case = selectors.case_with_commitments_for_user(request.user, case_pk)
    if not permissions.can_draft(request.user, case):
        raise Http404
    issuing = permissions.kommun_memberships(request.user, case)[0].organisation
    if request.method == "POST":
        form = CommitmentForm(request.POST, case=case, issuing_organisation_id=issuing.pk)
        if form.is_valid():
            try:
                commitment = services.commitment_create_draft(
                    case_id=case.pk, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Utkastet till ansvarsförbindelse är sparat."))
                return redirect("ansvarsforbindelse:detail", pk=commitment.pk)
        return _form_page(request, case=case, form=form, commitment=None, status=400)
    _log(request, case, AccessLog.Action.VIEW_CASE)
    form = CommitmentForm(
        initial=selectors.commitment_prefill(case, issuing.pk),
        case=case,
        issuing_organisation_id=issuing.pk,
    )
    return _form_page(request, case=case, form=form, commitment=None)


@login_required
def commitment_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    commitment = selectors.commitment_for_user(request.user, pk)
    case = commitment.case
    if not commitment_actions(request.user, commitment).edit:
        raise Http404
    if request.method == "POST":
        form = CommitmentForm(
            request.POST, case=case, issuing_organisation_id=commitment.issuing_organisation_id
        )
        if form.is_valid():
            try:
                services.commitment_update_draft(
                    commitment_id=commitment.pk, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Utkastet är sparat."))
                return redirect("ansvarsforbindelse:detail", pk=commitment.pk)
        return _form_page(request, case=case, form=form, commitment=commitment, status=400)
    _log(request, case, AccessLog.Action.VIEW_CASE)
    form = CommitmentForm(
        initial={name: getattr(commitment, name) for name in services.EDITABLE_FIELDS},
        case=case,
        issuing_organisation_id=commitment.issuing_organisation_id,
    )
    return _form_page(request, case=case, form=form, commitment=commitment)


def _render_detail(
    request: AuthenticatedRequest,
    commitment: Ansvarsforbindelse,
    *,
    status: int = 200,
    **forms: Any,
) -> HttpResponse:
    case = commitment.case
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
    return render(
        request,
        "ansvarsforbindelse/detail.html",
        {
            "case": case,
            "commitment": commitment,
            "client": client_identity(case),
            "facts": facts,
            "kontraktsvard": case.case_type == "kontraktsvard",
            "form_of_care": FormOfCare(commitment.form_of_care).label
            if commitment.form_of_care
            else "",
            "state_tag": STATE_TAGS[commitment.state],
            "actions": commitment_actions(request.user, commitment),
            "archive": archive_check(commitment),
            "replaced_by": Ansvarsforbindelse.objects.filter(replaces=commitment).first(),
            "sign_form": forms.get("sign_form")
            or SignForm(initial={"delegation": commitment.delegation}),
            "send_form": forms.get("send_form")
            or SendForm(case=case, initial={"sent_to": commitment.recipient_id}),
            "end_form": forms.get("end_form") or EndForm(),
        },
        status=status,
    )


@login_required
def commitment_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    commitment = selectors.commitment_for_user(request.user, pk)
    _log(request, commitment.case, AccessLog.Action.VIEW_CASE)
    return _render_detail(request, commitment)


def _post_action(
    request: AuthenticatedRequest,
    pk: int,
    *,
    action: str,
    form_name: str,
    form: Any,
    run: Any,
    done: str,
) -> HttpResponse:
    """Run a lifecycle service from a POST; on bad input show the detail page with the errors.
    An action the user may not take now (no button on the page) is refused before the form is
    read."""
    commitment = selectors.commitment_for_user(request.user, pk)
    if not getattr(commitment_actions(request.user, commitment), action):
        raise PermissionDenied
    if form is None or form.is_valid():
        data = form.cleaned_data if form is not None else {}
        try:
            result = run(commitment, data)
        except ValidationError as error:
            if form is None:
                messages.error(request, " ".join(error.messages))
                return redirect("ansvarsforbindelse:detail", pk=pk)
            apply_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("ansvarsforbindelse:detail", pk=result.pk)
    return _render_detail(request, commitment, status=400, **{form_name: form})


@login_required
@require_POST
def commitment_sign(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _post_action(
        request,
        pk,
        action="sign",
        form_name="sign_form",
        form=SignForm(request.POST),
        run=lambda c, data: services.commitment_sign(
            commitment_id=c.pk, actor=request.user, delegation=data["delegation"]
        ),
        done=_("Ansvarsförbindelsen är undertecknad. PDF:en arkiveras."),
    )


@login_required
@require_POST
def commitment_send(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    commitment = selectors.commitment_for_user(request.user, pk)
    return _post_action(
        request,
        pk,
        action="send",
        form_name="send_form",
        form=SendForm(request.POST, case=commitment.case),
        run=lambda c, data: services.commitment_send(
            commitment_id=c.pk, actor=request.user, sent_to=data["sent_to"]
        ),
        done=_("Ansvarsförbindelsen är registrerad som skickad."),
    )


@login_required
@require_POST
def commitment_new_version(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _post_action(
        request,
        pk,
        action="new_version",
        form_name="",
        form=None,
        run=lambda c, data: services.commitment_new_version(commitment_id=c.pk, actor=request.user),
        done=_(
            "En ny version är skapad som utkast. Den gällande versionen gäller tills den nya "
            "undertecknas."
        ),
    )


@login_required
@require_POST
def commitment_end(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _post_action(
        request,
        pk,
        action="end",
        form_name="end_form",
        form=EndForm(request.POST),
        run=lambda c, data: services.commitment_end(
            commitment_id=c.pk, actor=request.user, reason=data["end_reason"]
        ),
        done=_("Ansvarsförbindelsen har upphört."),
    )


# --- Preview and download ---------------------------------------------------------------------


@login_required
def commitment_preview(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The document as HTML, at once (the same template as the PDF), masked for the viewer."""
    commitment = selectors.commitment_for_user(request.user, pk)
    case = commitment.case
    identity = client_identity(case)
    copy_note = (
        "" if commitment.is_draft or identity.visible else masked_copy_note(commitment, identity)
    )
    _log(request, case, AccessLog.Action.VIEW_CASE)
    return HttpResponse(
        render_commitment_html(commitment, case=case, preview=True, copy_note=copy_note)
    )


@login_required
def commitment_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A draft is rendered now, with the UTKAST watermark. A signed commitment is the archived
    original, served only if it still matches its SHA-256 and only to a viewer who may see the
    client's identity; others get a copy rendered now with the identity masked."""
    commitment = selectors.commitment_for_user(request.user, pk)
    case = commitment.case
    identity = client_identity(case)
    if commitment.is_draft:
        data = render_commitment_pdf(commitment, case=case)
        _log(request, case, AccessLog.Action.DOWNLOAD)
        return _pdf_response(data, filename=_filename(case, commitment, "-utkast"), inline=True)
    if not identity.visible:
        data = render_commitment_pdf(
            commitment, case=case, copy_note=masked_copy_note(commitment, identity)
        )
        _log(request, case, AccessLog.Action.DOWNLOAD)
        return _pdf_response(data, filename=_filename(case, commitment, "-kopia"), inline=False)
    if not commitment.pdf_sha256:
        # The worker has not archived it yet (or was down): archive it now, the same way.
        services.commitment_archive_pdf(commitment_id=commitment.pk)
        commitment.refresh_from_db(fields=["pdf", "pdf_sha256"])
    check = archive_check(commitment)
    if check is None or not check.ok:
        return render(
            request,
            "ansvarsforbindelse/archive_error.html",
            {"case": case, "commitment": commitment, "archive": check},
            status=409,
        )
    with commitment.pdf.open("rb") as handle:
        data = handle.read()
    _log(request, case, AccessLog.Action.DOWNLOAD)
    return _pdf_response(data, filename=_filename(case, commitment), inline=False)


@login_required
def joint_plan_pdf(request: AuthenticatedRequest, case_pk: int) -> HttpResponse:
    """The gemensam plan as a printable PDF: for those who see the case's shared information."""
    case = case_selectors.case_for_user(request.user, case_pk)
    if case.case_type not in permissions.COMMITMENT_CASE_TYPES or not permissions.shared_access(
        case
    ):
        raise Http404
    if not JointPlan.objects.filter(case=case).exists():
        raise Http404
    data = render_joint_plan_pdf(case, request.user)
    _log(request, case, AccessLog.Action.DOWNLOAD)
    safe = re.sub(r"[^A-Za-z0-9-]", "", case.reference)
    return _pdf_response(data, filename=f"{safe}-gemensam-plan.pdf", inline=False)
