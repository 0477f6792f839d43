"""Forms of the loggkontroll: the filter (GET) and the follow-up mark on an entry (POST)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import PythonDateInput
from cases.forms_filters import ListSelect
from cases.selectors_log import reviewable_users

if TYPE_CHECKING:
    from accounts.models import User

_DATE_ERRORS = {"invalid": _("Ange datumet som ÅÅÅÅ-MM-DD, till exempel 2026-03-01.")}


class LogFilterForm(forms.Form):
    """All fields are optional: an empty form shows the whole log, newest first."""

    user = forms.TypedChoiceField(
        label=_("Användare"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Välj en användare i listan.")},
        # A chef's units can hold a hundred people: the options written in Python, not one
        # template include each (docs/performance.md).
        widget=ListSelect,
    )
    date_from = forms.DateField(
        label=_("Från och med datum"),
        required=False,
        input_formats=["%Y-%m-%d"],
        help_text=_("ÅÅÅÅ-MM-DD"),
        error_messages=_DATE_ERRORS,
        widget=PythonDateInput(format="%Y-%m-%d", attrs={"autocomplete": "off"}),
    )
    date_to = forms.DateField(
        label=_("Till och med datum"),
        required=False,
        input_formats=["%Y-%m-%d"],
        help_text=_("ÅÅÅÅ-MM-DD"),
        error_messages=_DATE_ERRORS,
        widget=PythonDateInput(format="%Y-%m-%d", attrs={"autocomplete": "off"}),
    )
    case_reference = forms.CharField(
        label=_("Ärendenummer"),
        required=False,
        max_length=20,
        error_messages={"max_length": _("Ärendenumret kan ha högst 20 tecken.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    flagged_only = forms.BooleanField(label=_("Endast markerade poster"), required=False)

    def __init__(self, *args: Any, reviewer: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One query for the choices; validating a chosen user needs no further query.
        people = reviewable_users(reviewer).values_list("id", "first_name", "last_name", "username")
        self.fields["user"].choices = [("", _("Alla användare"))] + [  # type: ignore[attr-defined]
            (pk, f"{first} {last} ({username})".strip() if (first or last) else username)
            for pk, first, last, username in people
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", _("Till och med-datumet kan inte vara före från-datumet."))
        return cleaned

    def selector_kwargs(self) -> dict[str, Any]:
        """The cleaned filters as keyword arguments of ``access_log_for_chef``."""
        data = self.cleaned_data
        return {
            "user_id": data.get("user"),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "case_reference": data.get("case_reference") or "",
            "flagged_only": bool(data.get("flagged_only")),
        }


class LogFlagForm(forms.Form):
    comment = forms.CharField(
        label=_("Kommentar"),
        max_length=1000,
        strip=True,
        error_messages={
            "required": _("Skriv en kommentar om vad som ska följas upp."),
            "max_length": _("Kommentaren kan ha högst 1000 tecken."),
        },
    )
