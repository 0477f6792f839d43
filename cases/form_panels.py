"""The forms of the case page, each folded in a <details> panel, rendered only when needed.

Most visits to a case page open no form, yet its ten or so forms were a third of its time
(about 25 fields, selects of care providers and colleagues). A panel's form is therefore
rendered with the page only when it was submitted with errors (it must show them, open) or
asked for with ``?formular=<name>``; otherwise the panel holds a link to that address, which
htmx follows when the user opens the panel, and which works as a plain link without
JavaScript (the page comes back with that panel open)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django import forms


@dataclass
class FormPanel:
    name: str  # the ?formular= value; a bound form's key
    summary: str
    action: str
    button: str
    lazy_url: str
    form: forms.Form | None = None  # None: fetched when the panel is opened
    asked_for: bool = False
    warning: bool = False  # a destructive step (abort, withdraw)
    secondary: bool = False
    multipart: bool = False

    @property
    def open(self) -> bool:
        return self.asked_for or bool(self.form is not None and self.form.errors)


@dataclass(frozen=True)
class PanelRequest:
    """Which of the page's forms to build: the ones submitted with errors and the one asked for."""

    case_url: str
    wanted: str = ""
    bound: Mapping[str, forms.Form] = field(default_factory=dict)

    def panel(
        self,
        name: str,
        build: Callable[[], forms.Form],
        *,
        summary: str,
        action: str,
        button: str,
        warning: bool = False,
        secondary: bool = False,
        multipart: bool = False,
    ) -> FormPanel:
        form = self.bound.get(name)
        if form is None and name == self.wanted:
            form = build()
        return FormPanel(
            name=name,
            summary=summary,
            action=action,
            button=button,
            lazy_url=f"{self.case_url}?formular={name}",
            form=form,
            asked_for=name == self.wanted,
            warning=warning,
            secondary=secondary,
            multipart=multipart,
        )
