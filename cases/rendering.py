"""Table rows rendered by Jinja2 for the Django page templates (docs/decisions.md "Jinja2 for
table rows")."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template import engines
from django.utils.safestring import SafeString, mark_safe


def rows_html(
    template_name: str, context: dict[str, Any], *, request: HttpRequest | None = None
) -> SafeString:
    """The rows as markup for ``{{ rows_html }}`` in a Django template.

    Django's Jinja2 backend renders with autoescaping on, so every value is escaped as in a
    Django template; the result is safe to include unescaped.

    With ``request`` the backend adds ``csrf_input`` (and ``csrf_token``), for rows that hold a
    form. It is lazy and masks the token anew each time it is output (some 75 µs), so a
    template turns it into a string once for all its rows:
    ``{%- set csrf_input = csrf_input|string %}``."""
    rendered = engines["jinja2"].get_template(template_name).render(context, request)
    return mark_safe(rendered)  # noqa: S308 - escaped by Jinja2 (autoescape)
