"""The bare Django views the pages are compared with (DESIGN.md "Performance budgets").

Each renders the same number of rows of the same model as the page it stands beside, with
``select_related`` for what a row shows, through a plain template table: no permission logic,
no base template, no forms, no context processors. What a page costs beyond its bare view is
what the application adds (the access rule, the layout, the audit log, ...)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.utils.functional import SimpleLazyObject

from cases.models import AccessLog, Case, Deadline, Notification

ROWS = 50

_TEMPLATE = """<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>Bare</title></head><body><main>
<table><thead><tr>{% for heading in headings %}<th>{{ heading }}</th>{% endfor %}</tr></thead>
<tbody>{% for row in rows %}<tr class="row">
{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>
{% endfor %}</tbody></table></main></body></html>"""

template: Any = SimpleLazyObject(lambda: engines["django"].from_string(_TEMPLATE))


def _int(request: HttpRequest, name: str, default: int) -> int:
    try:
        return max(0, int(request.GET.get(name, default)))
    except ValueError:
        return default


def _render(headings: list[str], rows: list[tuple[Any, ...]]) -> HttpResponse:
    return HttpResponse(template.render({"headings": headings, "rows": rows}))


def _slice(request: HttpRequest, queryset: QuerySet[Any]) -> list[Any]:
    offset = _int(request, "offset", 0)
    limit = _int(request, "rows", ROWS)
    return list(queryset[offset : offset + limit])


def cases(request: HttpRequest) -> HttpResponse:
    """Cases newest first; ``q`` filters like the search (a 12-digit personnummer, or every
    word in the first or last name), without the access rule."""
    queryset = Case.objects.select_related("client", "owner_organisation").order_by(
        "-updated_at", "-id"
    )
    query = request.GET.get("q", "").strip()
    if query.isdigit():
        queryset = queryset.filter(client__id_number=query)
    elif query:
        for term in query.split():
            queryset = queryset.filter(
                Q(client__first_name__icontains=term) | Q(client__last_name__icontains=term)
            )
    rows = [
        (
            case.reference,
            case.get_case_type_display(),
            f"{case.client.first_name} {case.client.last_name}",
            case.owner_organisation.short_name or case.owner_organisation.name,
            case.get_state_display(),
            case.updated_at,
        )
        for case in _slice(request, queryset)
    ]
    return _render(["Ärende", "Typ", "Klient", "Organisation", "Status", "Ändrat"], rows)


def access_log(request: HttpRequest) -> HttpResponse:
    queryset = AccessLog.objects.select_related("user", "organisation", "case").order_by(
        "-created_at", "-id"
    )
    rows = [
        (
            entry.created_at,
            entry.user.get_full_name(),
            entry.organisation.name if entry.organisation else "",
            entry.get_action_display(),
            entry.case.reference if entry.case else "",
        )
        for entry in _slice(request, queryset)
    ]
    return _render(["Tid", "Användare", "Organisation", "Åtgärd", "Ärende"], rows)


def notifications(request: HttpRequest) -> HttpResponse:
    queryset = Notification.objects.filter(recipient_id=_int(request, "user", 0)).select_related(
        "case"
    )
    rows = [
        (n.created_at, n.message, n.case.reference if n.case else "", n.read_at)
        for n in _slice(request, queryset)
    ]
    return _render(["Tid", "Meddelande", "Ärende", "Läst"], rows)


def deadlines(request: HttpRequest) -> HttpResponse:
    queryset = (
        Deadline.objects.filter(status__in=Deadline.ACTIVE_STATUSES)
        .select_related("case", "responsible_organisation", "responsible_user")
        .order_by("due_date", "id")
    )
    rows = [
        (
            d.due_date,
            d.label,
            d.case.reference,
            d.responsible_organisation.name,
            d.responsible_user.get_full_name() if d.responsible_user else "",
        )
        for d in _slice(request, queryset)
    ]
    return _render(["Datum", "Frist", "Ärende", "Organisation", "Ansvarig"], rows)
