"""The Jinja2 environment, used only for the rows of long tables (docs/decisions.md "Jinja2 for
table rows"); every page is a Django template that includes the rendered rows."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext, ngettext
from jinja2 import Environment, StrictUndefined
from markupsafe import Markup


def environment(**options: Any) -> Environment:
    # A misspelt name fails loudly instead of rendering an empty cell.
    options["undefined"] = StrictUndefined
    options.setdefault("extensions", []).append("jinja2.ext.i18n")
    env = Environment(**options)  # noqa: S701 - Django's backend turns autoescaping on
    # The i18n extension's calls go to Django's catalogue: {{ _("…") }} as in Python code.
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    return env


@functools.cache
def translator(language: str | None) -> Callable[..., Markup]:
    """``{{ _("…") }}`` for a table's rows in ``language`` (``cases.rendering.rows_html`` puts
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
