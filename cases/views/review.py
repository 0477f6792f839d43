"""Loggkontroll (the chefs' monthly access-log review, DOMAIN.md §7) and the Medarbetare list.

For anyone without a chef role the log pages do not exist (404, not 403), just as a case
outside a user's scope does not. The page never shows personal data beyond the case
reference: the review is about who read what, not about the client."""

from __future__ import annotations

import csv
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, QueryDict, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.models import User
from accounts.typing import AuthenticatedRequest
from cases import access_log
from cases.forms_review import LogFilterForm, LogFlagForm
from cases.models import AccessLog
from cases.rendering import jinja2_html, local_minute, path_by_id
from cases.selectors_log import (
    access_log_for_chef,
    chef_organisation_ids,
    entry_flags,
    may_see_members,
    members_for,
    reviewing_organisation,
)
from cases.services.log_review import access_log_flag

PAGE_SIZE = 100
# Offset pagination stays cheap only near the top; nobody pages through more than this.
# Narrow the period or the user instead (the export has the same ceiling).
MAX_PAGE = 500
EXPORT_MAX_ROWS = 50_000
# The query-string keys the review page understands; anything else is dropped on redirect.
_FILTER_KEYS = (*LogFilterForm.base_fields, "page")

View = Callable[..., HttpResponseBase]


def _only_for(may_see: Callable[[User], bool]) -> Callable[[View], View]:
    """The page does not exist (404) for a user who may not see it, whatever the method."""

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not may_see(request.user):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _is_chef(user: User) -> bool:
    return bool(chef_organisation_ids(user))


_chef_required = _only_for(_is_chef)


def _page_number(request: AuthenticatedRequest) -> int:
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    return max(1, min(page, MAX_PAGE))


def _review_url(query: str = "", *, anchor: str = "") -> str:
    params = QueryDict(query, mutable=True)
    for key in list(params):
        if key not in _FILTER_KEYS:
            del params[key]
    url = reverse("cases:log_review")
    if params:
        url += f"?{params.urlencode()}"
    return url + (f"#{anchor}" if anchor else "")


@dataclass(frozen=True)
class FlagRow:
    comment: str
    flagged_by: str  # full name, else username (User.__str__)
    day: str  # local date, "2026-01-31"


@dataclass(frozen=True)
class LogRow:
    entry: AccessLog
    action: str
    when: str  # local time, "2026-01-31 14:05"
    when_iso: str  # the same instant for <time datetime>
    user: str  # full name, else username (User.__str__)
    organisation: str  # "" without one
    flags: list[FlagRow]
    flag_url: str


def _log_rows(entries: list[AccessLog]) -> list[LogRow]:
    """What the template would otherwise work out per row with ``get_action_display`` (which
    rebuilds and translates all the choices on each call) and three ``date`` filters: a third
    of the page's time for 100 rows (docs/performance.md). The rows' Jinja2 template has no
    ``{% url %}`` or ``date`` (in local time), so the flag link and the flags' dates too."""
    labels = {value: str(label) for value, label in AccessLog.Action.choices}
    flag_path = path_by_id("cases:log_entry_flag")
    rows = []
    for entry in entries:
        when, when_iso = local_minute(entry.created_at)
        rows.append(
            LogRow(
                entry=entry,
                action=labels.get(entry.action, entry.action),
                when=when,
                when_iso=when_iso,
                user=str(entry.user),
                organisation=entry.organisation.name if entry.organisation else "",
                flags=[
                    FlagRow(
                        comment=flag.comment,
                        flagged_by=str(flag.flagged_by),
                        day=f"{timezone.localtime(flag.created_at):%Y-%m-%d}",
                    )
                    for flag in entry_flags(entry)
                ],
                flag_url=flag_path(entry.pk),
            )
        )
    return rows


def _rows_html(request: AuthenticatedRequest, entries: list[AccessLog]) -> SafeString:
    # The request gives each row's flag form its CSRF input; the form comes back to this
    # page with the same filters (return_query).
    context = {"rows": _log_rows(entries), "return_query": request.GET.urlencode()}
    return jinja2_html("cases/_log_review_rows.html", context, request=request)


@login_required
@_chef_required
@require_safe
def log_review(request: AuthenticatedRequest) -> HttpResponse:
    form = LogFilterForm(request.GET, reviewer=request.user)
    page = _page_number(request)
    entries: list[AccessLog] = []
    has_next = False
    if form.is_valid():
        start = (page - 1) * PAGE_SIZE
        # One row more than shown tells whether there is a next page, without COUNT(*).
        rows = list(
            access_log_for_chef(request.user, **form.selector_kwargs())[
                start : start + PAGE_SIZE + 1
            ]
        )
        entries, has_next = rows[:PAGE_SIZE], len(rows) > PAGE_SIZE
    context = {
        "form": form,
        "entries": entries,
        "rows_html": _rows_html(request, entries) if entries else "",
        "page": page,
        "has_previous": page > 1,
        "has_next": has_next and page < MAX_PAGE,
        "first_number": (page - 1) * PAGE_SIZE + 1,
        "last_number": (page - 1) * PAGE_SIZE + len(entries),
        # Swedish digit grouping (a no-break space): "50 000".
        "export_max_rows": f"{EXPORT_MAX_ROWS:,}".replace(",", "\u00a0"),
    }
    return render(request, "cases/log_review.html", context)


class _Echo:
    """The csv module writes to a file; this "file" hands each line back for streaming."""

    def write(self, value: str) -> str:
        return value


# A cell starting with one of these is a formula to Excel; a comment or a name typed as
# "=HYPERLINK(...)" must stay text in the chef's spreadsheet.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_PREFIXES) else text


def _csv_lines(entries: QuerySet[AccessLog]) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";")
    # The byte order mark makes Excel with a Swedish locale read the file as UTF-8 (å, ä, ö);
    # the semicolon is the list separator it expects there.
    yield "\ufeff"
    yield writer.writerow(
        [
            _("Tidpunkt"),
            _("Användare"),
            _("Användarnamn"),
            _("Organisation"),
            _("Åtgärd"),
            _("Ärende"),
            _("IP-adress"),
            _("Markering"),
        ]
    )
    for entry in entries.iterator(chunk_size=2000):
        yield writer.writerow(
            [
                _cell(timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M:%S")),
                _cell(entry.user.get_full_name()),
                _cell(entry.user.username),
                _cell(entry.organisation.name if entry.organisation else ""),
                _cell(entry.get_action_display()),
                _cell(entry.case.reference if entry.case else ""),
                _cell(entry.ip_address or ""),
                _cell(" | ".join(flag.comment for flag in entry_flags(entry))),
            ]
        )


@login_required
@_chef_required
@require_safe
def log_review_export(request: AuthenticatedRequest) -> HttpResponseBase:
    form = LogFilterForm(request.GET, reviewer=request.user)
    if not form.is_valid():
        # The review page shows the same filters with the error summary.
        return redirect(_review_url(request.GET.urlencode()))
    entries = access_log_for_chef(request.user, **form.selector_kwargs())[:EXPORT_MAX_ROWS]
    # Taking the log out of the system is itself a read that must be traceable.
    access_log.record(
        request=request,
        action=AccessLog.Action.EXPORT,
        organisation=reviewing_organisation(request.user),
    )
    response = StreamingHttpResponse(_csv_lines(entries), content_type="text/csv; charset=utf-8")
    # The date only: a filename travels in mail and download folders, so no names in it.
    filename = f"loggkontroll-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@_chef_required
@require_POST
def log_entry_flag(request: AuthenticatedRequest, entry_pk: int) -> HttpResponse:
    if not access_log_for_chef(request.user).filter(pk=entry_pk).exists():
        raise Http404
    form = LogFlagForm(request.POST)
    # Back to the same filtered page and row the chef came from (only the review's own
    # filter keys are kept, and the path is fixed: no open redirect).
    back = _review_url(request.POST.get("return_query", ""), anchor=f"post-{entry_pk}")
    if not form.is_valid():
        for message in form.errors.get("comment", []):
            messages.error(request, str(message))
        return redirect(back)
    try:
        access_log_flag(entry_id=entry_pk, actor=request.user, comment=form.cleaned_data["comment"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(back)
    messages.success(request, _("Posten är markerad för uppföljning."))
    return redirect(back)


@login_required
@_only_for(may_see_members)
@require_safe
def members(request: AuthenticatedRequest) -> HttpResponse:
    context = {"memberships": members_for(request.user), "today": timezone.localdate()}
    return render(request, "cases/members.html", context)
