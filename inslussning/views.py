"""The inslussning pages, thin: read through the selectors (404 outside scope), change through
the services, render. Every read of a programme is access-logged like a read of its case."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.typing import AuthenticatedRequest
from cases import access_log
from cases.form_errors import apply_service_errors
from cases.models import AccessLog, Case
from cases.permissions import acting_membership
from cases.presenters import client_identity
from inslussning import forms as f
from inslussning import presenters, selectors, services, services_group
from inslussning.models import Area, MeetingPoint
from inslussning.workflow import Inslussning, is_programme_staff

# The overview is sorted by the next planning date: the first rows are the ones to act on.
OVERVIEW_ROWS = 100


def _log_read(request: AuthenticatedRequest, case: Case) -> None:
    membership = acting_membership(request.user, case)
    access_log.record(
        request=request,
        action=AccessLog.Action.VIEW_CASE,
        organisation=membership.organisation if membership else None,
        case=case,
        client=case.client if client_identity(case).visible else None,
    )


def _render(
    request: AuthenticatedRequest,
    case: Case,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = presenters.programme_page(case, request.user, bound)
    return render(request, "inslussning/detail.html", context, status=status)


# --- Overview and identification ---------------------------------------------------------------


@login_required
def overview(request: AuthenticatedRequest) -> HttpResponse:
    # A samordnare starts from their own programmes; everyone else (colleagues, chefs, external
    # members) from all they may see.
    coordinates = selectors.coordinates_any(request.user)
    everything = request.GET.get("visa") == "alla" or not coordinates
    cases = list(
        selectors.overview_for_user(request.user, mine=not everything)[: OVERVIEW_ROWS + 1]
    )
    rows = [(case, client_identity(case)) for case in cases[:OVERVIEW_ROWS]]
    may_identify = f.IdentifyForm(user=request.user).fields["frivard"].queryset.exists()  # type: ignore[attr-defined]
    return render(
        request,
        "inslussning/overview.html",
        {
            "rows": rows,
            "everything": everything,
            "coordinates": coordinates,
            "truncated": len(cases) > OVERVIEW_ROWS,
            "may_identify": may_identify,
        },
    )


@login_required
def identify(request: AuthenticatedRequest) -> HttpResponse:
    form = f.IdentifyForm(request.POST or None, user=request.user)
    if not form.fields["frivard"].queryset.exists():  # type: ignore[attr-defined]
        raise Http404  # the frivård identifies clients (002)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.programme_identify(
                actor=request.user,
                frivard=data["frivard"],
                identity=data["identity"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                protected_identity=data["protected_identity"],
                home_kommun=data["home_kommun"],
                anstalt=data["anstalt"],
                criteria=form.criteria(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Klienten är identifierad för inslussning."))
            return redirect("inslussning:detail", pk=case.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "inslussning/identify.html", {"form": form}, status=status)


# --- The programme page ------------------------------------------------------------------------


@login_required
def detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = selectors.programme_case_for_user(request.user, pk)
    _log_read(request, case)
    return _render(request, case)


def _submit(
    request: AuthenticatedRequest,
    pk: int,
    *,
    key: str,
    make_form: Callable[[Case], forms.Form],
    run: Callable[[dict[str, Any]], Any],
    done: str,
    anchor: str,
) -> HttpResponse:
    """Validate the form, call the service; on an error show the page again with the form's
    errors (status 400) and nothing changed."""
    case = selectors.programme_case_for_user(request.user, pk)
    form = make_form(case)
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(f"{_programme_url(pk)}#{anchor}")
    return _render(request, case, {key: form}, status=400)


def _programme_url(pk: int) -> str:
    return reverse("inslussning:detail", kwargs={"pk": pk})


@login_required
@require_POST
def step(request: AuthenticatedRequest, pk: int, name: str) -> HttpResponse:
    forms_of = {
        t.name: t.custom["form"] for t in Inslussning.get_all_state_transitions(Inslussning())
    }
    if name not in forms_of:
        raise Http404
    return _submit(
        request,
        pk,
        key=f"step-{name}",
        make_form=lambda case: f.StepForm(request.POST, prefix=name, form_kind=forms_of[name]),
        run=lambda data: services.programme_step(
            case_id=pk, actor=request.user, name=name, text=data.get("text", "")
        ),
        done=_("Steget är registrerat."),
        anchor="status",
    )


@login_required
@require_POST
def reassess(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _submit(
        request,
        pk,
        key="reassess",
        make_form=lambda case: f.ReassessForm(request.POST, prefix="bedomning"),
        run=lambda data: services.target_group_reassess(
            case_id=pk,
            actor=request.user,
            criteria={name: answer == "ja" for name, answer in data.items()},
        ),
        done=_("Målgruppsbedömningen är sparad."),
        anchor="malgrupp",
    )


@login_required
@require_POST
def override(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _submit(
        request,
        pk,
        key="override",
        make_form=lambda case: f.OverrideForm(request.POST, prefix="undantag"),
        run=lambda data: services.target_group_override(
            case_id=pk, actor=request.user, reason=data["reason"]
        ),
        done=_("Undantaget är registrerat."),
        anchor="malgrupp",
    )


@login_required
@require_POST
def samordnare(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _submit(
        request,
        pk,
        key="samordnare",
        make_form=lambda case: f.SamordnareForm(
            request.POST, prefix="samordnare", candidates=selectors.samordnare_candidates(case)
        ),
        run=lambda data: services.samordnare_appoint(
            case_id=pk, actor=request.user, samordnare=data["samordnare"]
        ),
        done=_("Samordnaren är utsedd."),
        anchor="grupp",
    )


@login_required
@require_POST
def master_dates(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _submit(
        request,
        pk,
        key="dates",
        make_form=lambda case: f.MasterDatesForm(request.POST, prefix="datum"),
        run=lambda data: services.master_dates_record(case_id=pk, actor=request.user, **data),
        done=_("Datumen är sparade och mötena planerade efter dem."),
        anchor="moten",
    )


@login_required
@require_POST
def member_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _submit(
        request,
        pk,
        key="member",
        make_form=lambda case: f.MemberForm(request.POST, prefix="medlem"),
        run=lambda data: services_group.member_add(case_id=pk, actor=request.user, **data),
        done=_("Medlemmen är tillagd i inslussningsgruppen."),
        anchor="grupp",
    )


@login_required
@require_POST
def member_leave(request: AuthenticatedRequest, pk: int, member_id: int) -> HttpResponse:
    case = selectors.programme_case_for_user(request.user, pk)
    try:
        services_group.member_leave(case_id=pk, actor=request.user, member_id=member_id)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Medlemmen har lämnat inslussningsgruppen."))
    return redirect(f"{_programme_url(case.pk)}#grupp")


def _members(case: Case) -> list[Any]:
    return list(case.programme.members.filter(left_at__isnull=True).select_related("organisation"))


@login_required
@require_POST
def area(request: AuthenticatedRequest, pk: int, area: str) -> HttpResponse:
    if area not in Area.values:
        raise Http404

    def make_form(case: Case) -> forms.Form:
        if is_programme_staff(presenters.as_programme_case(case), request.user):
            return f.AreaForm(request.POST, prefix=f"omrade-{area}", members=_members(case))
        return f.AreaStatusForm(request.POST, prefix=f"omrade-{area}")

    def run(data: dict[str, Any]) -> Any:
        return services.area_update(
            case_id=pk,
            actor=request.user,
            area=area,
            status=data["status"],
            follow_up_on=data["follow_up_on"],
            need=data.get("need"),
            insats=data.get("insats"),
            responsible_id=data.get("responsible"),
        )

    return _submit(
        request,
        pk,
        key=f"area-{area}",
        make_form=make_form,
        run=run,
        done=_("Planen är uppdaterad."),
        anchor=f"omrade-{area}",
    )


@login_required
@require_POST
def responsibility(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _submit(
        request,
        pk,
        key="responsibility",
        make_form=lambda case: f.ResponsibilityForm(request.POST, prefix="ansvar"),
        run=lambda data: services.plan_responsibility_set(case_id=pk, actor=request.user, **data),
        done=_("Planen är uppdaterad."),
        anchor="plan",
    )


@login_required
@require_POST
def meeting(request: AuthenticatedRequest, pk: int, point: int) -> HttpResponse:
    if point not in MeetingPoint.values:
        raise Http404
    return _submit(
        request,
        pk,
        key=f"meeting-{point}",
        make_form=lambda case: f.MeetingForm(
            request.POST, prefix=f"mote{point}", members=_members(case)
        ),
        run=lambda data: services.meeting_record(
            case_id=pk,
            actor=request.user,
            point=point,
            held_on=data["held_on"],
            participant_ids=data["participants"],
            client_took_part=data["client_took_part"],
            notes=data["notes"],
            decisions=data["decisions"],
            follow_up_actions=data["follow_up_actions"],
        ),
        done=_("Planeringsmötet är registrerat."),
        anchor=f"mote-{point}",
    )


@login_required
@require_POST
def booking_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _submit(
        request,
        pk,
        key="booking",
        make_form=lambda case: f.BookingForm(request.POST, prefix="bokning"),
        run=lambda data: services.booking_add(case_id=pk, actor=request.user, **data),
        done=_("Bokningen är tillagd i schemat."),
        anchor="schema",
    )


@login_required
@require_POST
def booking_remove(request: AuthenticatedRequest, pk: int, booking_id: int) -> HttpResponse:
    selectors.programme_case_for_user(request.user, pk)
    services.booking_remove(case_id=pk, actor=request.user, booking_id=booking_id)
    messages.success(request, _("Bokningen är borttagen."))
    return redirect(f"{_programme_url(pk)}#schema")


@login_required
@require_POST
def measure_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    def run(data: dict[str, Any]) -> Any:
        linked = data.pop("linked_case")
        return services.release_measure_add(
            case_id=pk, actor=request.user, linked_case_id=linked.pk if linked else None, **data
        )

    return _submit(
        request,
        pk,
        key="measure",
        make_form=lambda case: f.MeasureForm(
            request.POST, prefix="utsluss", care_cases=f.vardvistelse_cases(request.user, case)
        ),
        run=run,
        done=_("Utslussningsåtgärden är registrerad."),
        anchor="utslussning",
    )


@login_required
@require_POST
def measure_remove(request: AuthenticatedRequest, pk: int, measure_id: int) -> HttpResponse:
    selectors.programme_case_for_user(request.user, pk)
    services.release_measure_remove(case_id=pk, actor=request.user, measure_id=measure_id)
    messages.success(request, _("Utslussningsåtgärden är borttagen."))
    return redirect(f"{_programme_url(pk)}#utslussning")


# --- Documents for the client ------------------------------------------------------------------


@login_required
def plan_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The SIP-style plan as a PDF, through the ansvarsförbindelse pipeline, in plain Swedish so
    the client can read it. A download is a read of the case."""
    from inslussning.documents import render_plan_pdf

    case = selectors.programme_case_for_user(request.user, pk)
    _log_read(request, case)
    response = HttpResponse(render_plan_pdf(case, request.user), content_type="application/pdf")
    # No personal data in the file name: the reference only.
    response["Content-Disposition"] = f'inline; filename="inslussningsplan-{case.reference}.pdf"'
    return response


@login_required
def schedule_print(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The schedule for the first weeks in freedom, printable for the client."""
    case = selectors.programme_case_for_user(request.user, pk)
    _log_read(request, case)
    return render(
        request,
        "inslussning/schedule_print.html",
        {
            "case": case,
            "client": client_identity(case),
            "bookings": list(case.programme.bookings.all()),
            "programme": case.programme,
        },
    )
