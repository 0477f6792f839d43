"""The case lists: "Mina ärenden" and "Organisationens ärenden".

Which cases appear is ``selectors.case_list_for_user`` (the one access rule); how a client is
shown is ``presenters.client_identity``. These views only parse the form, log a search by
personnummer, and render.

Why the filter form is POSTed and not sent as GET: the search box takes names and personnummer,
and DOMAIN.md §7 says personal data never goes into URLs (they end up in the browser history,
proxy and server logs, and in the Referer header). So the whole form, search included, is sent
with POST (CSRF-protected) and the view renders the result directly, without a redirect; the
pagination buttons are small POST forms that carry the filter values in hidden fields (and the
keyset cursor of the row next to the page, see ``selectors.paginate``: a timestamp and an id, or
a case reference, never personal data). A GET
shows the unfiltered first page. The price is that a filtered list cannot be bookmarked and a
reload asks to resend the form; for a list that may hold personnummer that is the right trade.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_htmx.http import reswap, retarget

from accounts.typing import AuthenticatedRequest
from cases import access_log, selectors
from cases.filter_choices import filter_choices
from cases.forms_filters import CaseFilterForm
from cases.models import AccessLog, Case, Organisation, access_organisations
from cases.presenters import ClientIdentity, client_identity
from cases.rendering import jinja2_html, path_by_id
from cases.roles import CASE_ACCESS_ROLES, CASEWORKER_ROLES, CHEF_ROLES
from cases.states import CLOSED_STATES, CaseType, State

# Rendered by the filter form when it shows errors: the next htmx submit must then replace the
# form too, or the old error messages would stay next to a valid result.
ERRORS_SHOWN_KEY = "fel_visade"


@dataclass(frozen=True)
class CaseRow:
    case: Case
    client: ClientIdentity
    organisations: list[str]
    handlaggare: str
    state_tag: str
    type_label: str
    state_label: str
    updated: str  # local date of the last change, "2026-01-31"
    url: str


def _state_tag(state: str) -> str:
    if state == State.AVBRUTEN:
        return "tag--red"
    if state in CLOSED_STATES:
        return "tag--grey"
    return ""


def _rows(cases: list[Case], own_org_ids: set[int]) -> list[CaseRow]:
    # The labels once per page: ``get_FOO_display`` rebuilds a dict of every choice on each
    # call, hashing (and so translating) all ~30 lazy state labels, 50 times per page.
    type_labels = {value: str(label) for value, label in CaseType.choices}
    state_labels = {value: str(label) for value, label in State.choices}
    parties_of = selectors.list_parties([case.pk for case in cases])
    case_path = path_by_id("cases:detail")
    rows = []
    for case in cases:
        parties = parties_of[case.pk]
        if case.shared_access:  # type: ignore[attr-defined] # annotated by visible_to
            organisations = [p.organisation for p in parties]
        else:
            # Before consent the counterpart sees only the request and who made it (DOMAIN §2).
            owner = case.owner_organisation
            organisations = [owner.short_name or owner.name]
        handlaggare = [
            p.handlaggare
            for p in parties
            if p.organisation_id in own_org_ids and p.handlaggare_id is not None
        ]
        rows.append(
            CaseRow(
                case=case,
                client=client_identity(case),
                organisations=organisations,
                handlaggare=", ".join(handlaggare),
                state_tag=_state_tag(case.state),
                type_label=type_labels.get(case.case_type, case.case_type),
                state_label=state_labels.get(case.state, case.state),
                updated=f"{timezone.localtime(case.updated_at):%Y-%m-%d}",
                url=case_path(case.pk),
            )
        )
    return rows


def _acting_organisation(request: AuthenticatedRequest) -> Organisation | None:
    """The organisation a search is logged under, so that its chef sees it in the monthly log
    review: the user's organisation through a writer role first, as for the case page."""
    memberships = [
        m for m in request.user.memberships.all() if m.in_force and m.role in CASE_ACCESS_ROLES
    ]
    memberships.sort(key=lambda m: (m.role not in CASEWORKER_ROLES | CHEF_ROLES, m.organisation_id))
    return memberships[0].organisation if memberships else None


def _case_list(request: AuthenticatedRequest, *, mine: bool, title: str) -> HttpResponse:
    user = request.user
    # The handläggare choices and the "own organisation" column read them too.
    selectors.load_memberships(user)
    organisations, caseworkers = filter_choices(user, caseworkers=not mine)
    form = CaseFilterForm(
        request.POST if request.method == "POST" else None,
        organisations=organisations,
        caseworkers=caseworkers,
    )
    rows: list[CaseRow] | None = None
    has_next = False
    next_cursor = previous_cursor = ""
    if not form.is_bound or form.is_valid():
        if form.is_bound and form.searches_identity_number:
            # A search by personnummer is itself a read of personal data (DOMAIN.md §7).
            access_log.record(
                request=request,
                action=AccessLog.Action.SEARCH,
                organisation=_acting_organisation(request),
            )
        filters = form.to_filters(mine=mine)
        page_cases, has_next = selectors.case_list_page(
            user, filters, form.page, after=form.cursor_after, before=form.cursor_before
        )
        if page_cases and has_next:
            next_cursor = selectors.page_cursor(page_cases[-1], filters.sort)
        if page_cases and form.page > 2:
            # Page 1 is read without a cursor: whatever changed meanwhile, it is the first.
            previous_cursor = selectors.page_cursor(page_cases[0], filters.sort)
        rows = _rows(page_cases, set(access_organisations(user)[0]))
    context = {
        "title": title,
        "mine": mine,
        "form": form,
        "rows": rows,
        "rows_html": jinja2_html("cases/_case_rows.html", {"rows": rows}) if rows else "",
        "page": form.page,
        "previous_page": form.page - 1,
        "next_page": form.page + 1 if has_next and form.page < selectors.MAX_PAGE else None,
        "page_limit_reached": has_next and form.page >= selectors.MAX_PAGE,
        "hidden_filters": form.hidden_values(),
        "next_cursor": next_cursor,
        "previous_cursor": previous_cursor,
        "errors_shown_key": ERRORS_SHOWN_KEY,
    }
    # Only the form and the paging buttons post with htmx; any other request gets the page.
    if request.method == "POST" and request.htmx and not request.htmx.boosted:
        if form.errors or ERRORS_SHOWN_KEY in request.POST:
            response = render(request, "cases/case_list.html#case-list", context)
            return reswap(retarget(response, "#case-list"), "innerHTML")
        return render(request, "cases/case_list.html#results", context)
    return render(request, "cases/case_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def my_cases(request: AuthenticatedRequest) -> HttpResponse:
    """Cases where the user is the responsible handläggare."""
    return _case_list(request, mine=True, title=_("Mina ärenden"))


@login_required
@require_http_methods(["GET", "POST"])
def organisation_cases(request: AuthenticatedRequest) -> HttpResponse:
    """Every case the user may see (their organisations take part, or a consent covers them)."""
    return _case_list(request, mine=False, title=_("Organisationens ärenden"))
