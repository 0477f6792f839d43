"""The Jinja2 environment, used only for the rows of long tables (docs/decisions.md "Jinja2 for
table rows"); every page is a Django template that includes the rendered rows."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, ngettext
from jinja2 import Environment, StrictUndefined


def environment(**options: Any) -> Environment:
    # A misspelt name fails loudly instead of rendering an empty cell.
    options["undefined"] = StrictUndefined
    options.setdefault("extensions", []).append("jinja2.ext.i18n")
    env = Environment(**options)  # noqa: S701 - Django's backend turns autoescaping on
    # The i18n extension's calls go to Django's catalogue: {{ _("…") }} as in Python code.
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    return env
