"""Markup rendered by Jinja2 for the Django page templates: the rows of long tables and the case
page's content (docs/decisions.md "Jinja2 for table rows and the case page")."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.template import engines
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from config.jinja2 import iso, translator, ymd_hm


def jinja2_html(
    template_name: str, context: dict[str, Any], *, request: HttpRequest | None = None
) -> SafeString:
    """A Jinja2 template's markup, for ``{{ rows_html }}`` (or the like) in a Django template.

    Django's Jinja2 backend renders with autoescaping on, so every value is escaped as in a
    Django template; the result is safe to include unescaped.

    With ``request`` the backend adds ``csrf_input`` (and ``csrf_token``), for rows that hold a
    form. It is lazy and masks the token anew each time it is output (some 75 µs), so a
    template turns it into a string once for all its rows:
    ``{%- set csrf_input = csrf_input|string %}``."""
    # The labels from one translator for the template (config.jinja2.translator), not the
    # extension's gettext for every row's every label.
    context = {"_": translator(get_language()), **context}
    rendered = engines["jinja2"].get_template(template_name).render(context, request)
    return mark_safe(rendered)  # noqa: S308 - escaped by Jinja2 (autoescape)


# An id no row has (the largest PostgreSQL integer): where it lands in the reversed path is
# where each row's id goes.
_ID_MARKER = 2_147_483_647


def path_by_id(url_name: str) -> Callable[[int], str]:
    """``reverse(url_name, args=[pk])`` for every row of a table, reversed once.

    ``reverse`` costs some 30 µs (the resolver's candidate patterns, converters and quoting):
    1.5 ms for the 50 links of a list page. The URL pattern must take the id as its one
    argument (``<int:pk>``); the id is formatted as an integer, as the converter would."""
    head, marker, tail = reverse(url_name, args=[_ID_MARKER]).partition(str(_ID_MARKER))
    if not marker:
        raise ValueError(f"{url_name} does not take the id as its argument")
    return lambda pk: f"{head}{int(pk)}{tail}"


def local_minute(moment: datetime) -> tuple[str, str]:
    """An instant in local time as a row shows it, "2026-01-31 14:05", and as ``<time
    datetime>`` takes it: what two ``date`` filters would work out per row in a template."""
    return ymd_hm(moment), iso(moment)
