"""The Jinja2 environment, used for the rows of long tables and the case page's content
(docs/decisions.md "Jinja2 for table rows and the case page"); every page is a Django template
(the layout, ``base.html``) that includes the markup Jinja2 rendered."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.template.defaultfilters import filesizeformat, linebreaksbr
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from jinja2 import Environment, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup


def environment(**options: Any) -> Environment:
    # A misspelt name fails loudly instead of rendering an empty cell.
    options["undefined"] = StrictUndefined
    options.setdefault("extensions", []).append("jinja2.ext.i18n")
    env = Environment(**options)  # noqa: S701 - Django's backend turns autoescaping on
    # The i18n extension's calls go to Django's catalogue: {{ _("…") }} as in Python code.
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(url=url, django_include=django_include)
    env.filters.update(
        ymd=ymd,
        ymd_hm=ymd_hm,
        iso=iso,
        # Django's, not Jinja2's namesakes: the same markup as the Django templates wrote
        # ("1,2\xa0KB", <br> with the text escaped).
        filesizeformat=filesizeformat,
        linebreaksbr=linebreaksbr,
    )
    return env


def url(name: str, *args: Any) -> str:
    """``{{ url("cases:detail", case.pk) }}``: ``{% url %}``."""
    return reverse(name, args=args)


@pass_context
def django_include(context: Context, template_name: str, **variables: Any) -> Markup:
    """A Django template inside a Jinja2 one, with the request (its ``{% csrf_token %}``):
    the case page's forms keep the Django widgets and field templates every other form uses."""
    # Trusted as markup: Django's templates escape what they output.
    return Markup(render_to_string(template_name, variables, request=context.get("request")))  # noqa: S704


def _local(value: date | datetime) -> date | datetime:
    # As Django's date filter: an aware datetime is shown in local time (Europe/Stockholm).
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def ymd(value: date | datetime | None) -> str:
    """``|date:"Y-m-d"``: "2026-01-31" ("" for no date)."""
    return "" if value is None else f"{_local(value):%Y-%m-%d}"


def ymd_hm(value: datetime | None) -> str:
    """``|date:"Y-m-d H:i"``: "2026-01-31 14:05"."""
    return "" if value is None else f"{_local(value):%Y-%m-%d %H:%M}"


def iso(value: datetime) -> str:
    """``|date:"c"``: for ``<time datetime>``."""
    return _local(value).isoformat()


@functools.cache
def translator(language: str | None) -> Callable[..., Markup]:
    """``{{ _("…") }}`` for a table's rows in ``language`` (``cases.rendering.jinja2_html`` puts
    it in the context, over the extension's): the same answer, kept per message.

    A row template asks for the same few labels on every row. Each answer through the
    extension costs 12 µs (Django's catalogue, and its lookup of the active language, 2 µs, on
    every call): some 4 ms of a table of 120 rows with three labels (docs/performance.md).
    Like the extension's "newstyle" gettext under autoescaping, the translation is markup
    (translators may write HTML, as in ``{% translate %}``), the variables are escaped, and
    the result is always %-formatted, so a literal percent sign is ``%%`` either way. One per
    language, filled while that language is active; the messages are the templates' literals,
    so it stays as small as the set of labels."""
    markup: dict[str, Markup] = {}
    alone: dict[str, Markup] = {}

    def translated(message: str) -> Markup:
        try:
            return markup[message]
        except KeyError:
            # Trusted as markup, as the i18n extension does: the catalogue is ours.
            result = markup[message] = Markup(gettext(message))  # noqa: S704
            return result

    def translate(message: str, /, **variables: Any) -> Markup:
        if variables:
            return translated(message) % variables
        try:
            return alone[message]
        except KeyError:
            result = alone[message] = translated(message) % {}
            return result

    return translate
