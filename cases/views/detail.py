"""The case page and its actions. Views are thin: load through the access rule (404 outside
scope), call a service, render. Every read of a case is access-logged."""

from __future__ import annotations

from functools import partial
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.typing import AuthenticatedRequest
from ansvarsforbindelse.presenters import case_panel as commitment_panel
from cases import access_log, selectors
from cases.db import sorted_here
from cases.form_errors import apply_service_errors
from cases.form_panels import FormPanel, PanelRequest
from cases.forms import (
    TIMELINE_KINDS,
    AssignHandlaggareForm,
    AttachmentForm,
    CaseCreateForm,
    ConsentForm,
    ConsentWithdrawForm,
    NoteForm,
    TimelineFilterForm,
)
from cases.models import AccessLog, AuditEvent, Case, Consent, JointPlan, Membership
from cases.permissions import CaseActions, acting_membership, case_actions
from cases.presenters import client_identity, timeline_rows
from cases.presenters_care import WORKFLOW_TYPES, WorkflowPanel, workflow_panel
from cases.rendering import jinja2_html
from cases.services import cases as case_services
from cases.services import consent as consent_services
from cases.services import journal as journal_services
from cases.states import CaseType
from deviations.presenters import case_panel as deviation_panel

# Several forms share one page: their fields need ids of their own (the journal and the upload
# form both have a "visibility" radio group; each active consent has its own withdrawal form).
ATTACHMENT_IDS = "id_bilaga_%s"


def _case_panels(
    case: Case,
    panels: PanelRequest,
    actions: CaseActions,
    membership: Membership | None,
    corrects: str | None,
) -> dict[str, FormPanel]:
    """The page's own forms (the workflow's come from its panel), keyed by name: only those
    this user may use."""
    pk = case.pk
    found: dict[str, FormPanel] = {}
    if actions.assign_handlaggare:
        found["handlaggare"] = panels.panel(
            "handlaggare",
            lambda: AssignHandlaggareForm(
                organisation=membership.organisation if membership else None
            ),
            summary=_("Ändra ansvarig handläggare"),
            action=reverse("cases:assign_handlaggare", args=(pk,)),
            button=_("Spara handläggare"),
            secondary=True,
        )
    if actions.record_consent:
        found["samtycke"] = panels.panel(
            "samtycke",
            lambda: ConsentForm(case=case),
            summary=_("Dokumentera samtycke"),
            action=reverse("cases:consent_create", args=(pk,)),
            button=_("Spara samtycke"),
            multipart=True,
        )
    if actions.add_note:
        found["anteckning"] = panels.panel(
            "anteckning",
            lambda: NoteForm(initial={"corrects": corrects} if corrects else None),
            summary=_("Skriv rättelse") if corrects else _("Skriv anteckning"),
            action=reverse("cases:note_create", args=(pk,)),
            button=_("Spara anteckning"),
            multipart=True,
        )
    if actions.add_attachment:
        found["bilaga"] = panels.panel(
            "bilaga",
            lambda: AttachmentForm(auto_id=ATTACHMENT_IDS),
            summary=_("Ladda upp fil"),
            action=reverse("cases:attachment_create", args=(pk,)),
            button=_("Ladda upp"),
            multipart=True,
        )
    return found


def _withdraw_panel_name(consent_pk: int) -> str:
    return f"aterkalla-{consent_pk}"  # also the form's prefix: one withdrawal form per consent


def _with_withdraw_panels(consents: Any, panels: PanelRequest, actions: CaseActions) -> list[Any]:
    # Any: each consent gets a ``withdraw_panel`` attribute for the template.
    rows = list(consents)
    for consent in rows:
        consent.withdraw_panel = None
        if consent.is_active and actions.withdraw_consent:
            name = _withdraw_panel_name(consent.pk)
            consent.withdraw_panel = panels.panel(
                name,
                partial(ConsentWithdrawForm, prefix=name),
                summary=_("Registrera återkallelse"),
                action=reverse("cases:consent_withdraw", args=(consent.case_id, consent.pk)),
                button=_("Återkalla samtycket"),
                warning=True,
            )
    return rows


def _render_case(
    request: AuthenticatedRequest,
    case: Case,
    status: int = 200,
    *,
    bound: dict[str, Any] | None = None,
) -> HttpResponse:
    """The case page. ``bound`` holds a form submitted with errors, by its panel's name; with
    ``?formular=<name>`` that form is built too, and an htmx request gets only that form."""
    user = request.user
    actions = case_actions(user, case)
    membership = acting_membership(user, case)
    corrects = request.GET.get("rattar")
    panels = PanelRequest(
        case_url=reverse("cases:detail", args=(case.pk,)),
        wanted=request.GET.get("formular") or ("anteckning" if corrects else ""),
        bound=bound or {},
    )
    page_panels = _case_panels(case, panels, actions, membership, corrects)
    consents = _with_withdraw_panels(selectors.consents_for(case), panels, actions)
    workflow = workflow_panel(case, user, panels)
    if request.htmx and panels.wanted:
        response = _form_fragment(request, panels.wanted, page_panels, consents, workflow)
    else:
        content = {
            "case": case,
            "actions": actions,
            # Deadlines and notes of this organisation get "Flytta" and "Rätta".
            "acting_organisation_id": membership.organisation_id if membership else None,
            "client": client_identity(case),
            "participations": case.participations.all(),
            "consents": consents,
            # The case's short lists are sorted here (cases.db.sorted_here).
            "deadlines": sorted_here(selectors.deadlines_for(case)),
            "back_here": urlencode({"next": request.path}),
            **_timeline_context(
                case,
                selectors.timeline_for(user, case),
                TimelineFilterForm(),
                newest=CASE_PAGE_EVENTS,
            ),
            "notes": sorted_here(selectors.notes_for(user, case)),
            "attachments": sorted_here(selectors.attachments_for(user, case)),
            "panels": page_panels,
            "workflow": workflow,
            "programme_url": _programme_url(case),
            "commitment_panel": commitment_panel(
                case, user, process=workflow.process if workflow else None
            ),
            "deviation_panel": deviation_panel(case, user),
        }
        context = {
            "case": case,
            "content_html": jinja2_html("cases/_case_content.html", content, request=request),
        }
        response = render(request, "cases/case_detail.html", context, status=status)
    # One address, two answers: a cache must never give the form alone for the whole page.
    patch_vary_headers(response, ("HX-Request",))
    return response


def _form_fragment(
    request: AuthenticatedRequest,
    name: str,
    page_panels: dict[str, FormPanel],
    consents: list[Any],
    workflow: WorkflowPanel | None,
) -> HttpResponse:
    """One panel's form, for htmx to put in the panel the user opened. A form this user can no
    longer use (the case moved on since the page was loaded) gets a line saying so."""
    candidates = [
        *page_panels.values(),
        *(consent.withdraw_panel for consent in consents if consent.withdraw_panel),
        *(workflow.form_panels() if workflow else ()),
    ]
    panel = next((panel for panel in candidates if panel.name == name), None)
    if panel is None:
        return HttpResponse(
            format_html("<p>{}</p>", _("Formuläret går inte att använda längre. Ladda om sidan."))
        )
    return render(request, "cases/_form_panel_form.html", {"panel": panel})


@login_required
def case_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    selectors.load_memberships(request.user)
    case = selectors.case_for_user(request.user, pk, with_care=True)
    _log_case_view(request, case)
    return _render_case(request, case)


def _log_case_view(request: AuthenticatedRequest, case: Case) -> None:
    membership = acting_membership(request.user, case)
    identity = client_identity(case)
    access_log.record(
        request=request,
        action=AccessLog.Action.VIEW_CASE,
        organisation=membership.organisation if membership else None,
        case=case,
        client=case.client if identity.visible else None,
    )


def _programme_url(case: Case) -> str:
    # Only an inslussning has a programme (a page of its own); looking for it costs a query.
    # The reverse one-to-one raises an AttributeError when there is none.
    if case.case_type == CaseType.INSLUSSNING and hasattr(case, "programme"):
        return reverse("inslussning:detail", args=(case.pk,))
    return ""


# The case page shows the newest events; the whole timeline, with its filter, is a page of its
# own. A case of a year or two gathers hundreds of events, and the case page should not grow
# with its age.
CASE_PAGE_EVENTS = 20


def _timeline_context(
    case: Case, events: QuerySet[AuditEvent], form: TimelineFilterForm, *, newest: int | None = None
) -> dict[str, Any]:
    """What the Jinja2 template cases/_timeline.html shows: the events (only the ``newest``, with
    a link to the rest, when given), the filter, and the sentence its live region reads out
    ("Samtycke: 3 händelser.")."""
    rows = timeline_rows(events, limit=newest + 1 if newest else None)
    more = newest is not None and len(rows) > newest
    if more:
        rows = rows[:newest]
        status = _("De %(count)s senaste händelserna visas.") % {"count": newest}
    else:
        kind = (form.cleaned_data.get("kind", "") if form.is_bound else "") or ""
        label = dict(TIMELINE_KINDS).get(kind, "")
        status = ngettext(
            "%(label)s: %(counter)s händelse.", "%(label)s: %(counter)s händelser.", len(rows)
        ) % {"label": label, "counter": len(rows)}
    return {
        "timeline": rows,
        "timeline_more": more,
        "timeline_form": form,
        "timeline_status": status,
        "timeline_url": reverse("cases:timeline", args=(case.pk,)),
    }


@login_required
def case_timeline(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The timeline alone, filtered by kind (htmx swaps it into the case page; without
    JavaScript it is a page of its own). Either way a read of the case: logged."""
    case = selectors.case_for_user(request.user, pk)
    _log_case_view(request, case)
    form = TimelineFilterForm(request.GET)
    kind = form.cleaned_data["kind"] if form.is_valid() else ""
    timeline = _timeline_context(case, selectors.timeline_for(request.user, case, kind=kind), form)
    timeline_html = jinja2_html("cases/_timeline.html", timeline, request=request)
    if request.htmx:
        return HttpResponse(timeline_html)
    return render(
        request, "cases/timeline_page.html", {"case": case, "timeline_html": timeline_html}
    )


@login_required
def case_create(request: AuthenticatedRequest) -> HttpResponse:
    form = CaseCreateForm(request.POST or None, user=request.user)
    if not form.fields["organisation"].queryset.exists():  # type: ignore[attr-defined]
        raise Http404  # only caseworkers and chefs open cases
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = case_services.case_create(
                actor=request.user,
                organisation=data["organisation"],
                case_type=data["case_type"],
                identity=data["identity"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                protected_identity=data["protected_identity"],
                counterpart=data["counterpart"],
                court=data["court"],
                malnummer=data["malnummer"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Ärendet %(ref)s är skapat.") % {"ref": case.reference})
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/case_create.html", {"form": form})


@login_required
@require_POST
def consent_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = selectors.case_for_user(request.user, pk)
    form = ConsentForm(request.POST, request.FILES, case=case)
    if form.is_valid():
        data = form.cleaned_data
        try:
            consent_services.consent_record(
                case_id=case.pk,
                actor=request.user,
                parties=list(data["parties"]),
                scope=data["scope"],
                given_on=data["given_on"],
                form=data["form"],
                document=data.get("document"),
                oral_note=data.get("oral_note", ""),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Samtycket är dokumenterat."))
            return redirect("cases:detail", pk=case.pk)
    return _render_case(request, case, status=400, bound={"samtycke": form})


@login_required
@require_POST
def consent_withdraw(request: AuthenticatedRequest, pk: int, consent_pk: int) -> HttpResponse:
    case = selectors.case_for_user(request.user, pk)
    if not Consent.objects.filter(pk=consent_pk, case=case).exists():
        raise Http404
    form = ConsentWithdrawForm(request.POST, prefix=_withdraw_panel_name(consent_pk))
    if form.is_valid():
        try:
            consent_services.consent_withdraw(
                consent_id=consent_pk,
                actor=request.user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Samtycket är återkallat."))
            return redirect("cases:detail", pk=case.pk)
    return _render_case(request, case, status=400, bound={form.prefix or "": form})


@login_required
@require_POST
def note_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = selectors.case_for_user(request.user, pk)
    form = NoteForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            journal_services.note_add(
                case_id=case.pk,
                actor=request.user,
                body=data["body"],
                visibility=data["visibility"],
                corrects_id=data.get("corrects"),
                attachment=data.get("attachment"),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Anteckningen är sparad."))
            return redirect("cases:detail", pk=case.pk)
    return _render_case(request, case, status=400, bound={"anteckning": form})


@login_required
@require_POST
def attachment_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = selectors.case_for_user(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES, auto_id=ATTACHMENT_IDS)
    if form.is_valid():
        try:
            journal_services.attachment_add(
                case_id=case.pk,
                actor=request.user,
                uploaded=form.cleaned_data["file"],
                visibility=form.cleaned_data["visibility"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Filen är uppladdad."))
            return redirect("cases:detail", pk=case.pk)
    return _render_case(request, case, status=400, bound={"bilaga": form})


@login_required
def attachment_download(request: AuthenticatedRequest, pk: int, attachment_pk: int) -> FileResponse:
    case = selectors.case_for_user(request.user, pk)
    attachment = selectors.attachments_for(request.user, case).filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    membership = acting_membership(request.user, case)
    access_log.record(
        request=request,
        action=AccessLog.Action.DOWNLOAD,
        organisation=membership.organisation if membership else None,
        case=case,
        attachment=attachment,
    )
    # Never the original name in the header: it often contains the client's name.
    extension = attachment.original_name.rsplit(".", 1)[-1].lower()
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=f"{case.reference}-bilaga-{attachment.pk}.{extension}",
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def assign_handlaggare(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = selectors.case_for_user(request.user, pk)
    membership = acting_membership(request.user, case)
    form = AssignHandlaggareForm(
        request.POST, organisation=membership.organisation if membership else None
    )
    if form.is_valid():
        try:
            case_services.participation_assign_handlaggare(
                case_id=case.pk,
                actor=request.user,
                handlaggare=form.cleaned_data["handlaggare"],
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Ansvarig handläggare är ändrad."))
            return redirect("cases:detail", pk=case.pk)
    return _render_case(request, case, status=400, bound={"handlaggare": form})


@login_required
def joint_plan_print(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The gemensam plan as a printable page (the PDF pipeline renders the same template)."""
    case = selectors.case_for_user(request.user, pk)
    if case.case_type not in WORKFLOW_TYPES or not getattr(case, "shared_access", False):
        raise Http404
    plan = JointPlan.objects.filter(case=case).select_related("updated_by").first()
    if plan is None:
        raise Http404
    membership = acting_membership(request.user, case)
    access_log.record(
        request=request,
        action=AccessLog.Action.VIEW_CASE,
        organisation=membership.organisation if membership else None,
        case=case,
    )
    return render(
        request,
        "cases/joint_plan_print.html",
        {"case": case, "plan": plan, "client": client_identity(case)},
    )
