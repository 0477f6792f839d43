"""The filter and search form of the case lists ("Mina ärenden", "Organisationens ärenden").

The form turns what the user chose into ``selectors.CaseFilters``; which cases match is decided
by ``selectors.case_list_for_user`` alone. The choice lists are read once per request and the
submitted values are validated against those lists in memory (a ``ModelChoiceField`` would run
one more query per field to validate)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape as html_escape
from typing import Any

from django import forms
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from cases.selectors import DEFAULT_SORT, MAX_PAGE, SORTS, CaseFilters
from cases.states import STATES_BY_TYPE, CaseType, State

SORT_LABELS: dict[str, Any] = {
    "-updated_at": _("Senast ändrat först"),
    "updated_at": _("Äldst ändrat först"),
    "reference": _("Ärendenummer, stigande"),
    "-reference": _("Ärendenummer, fallande"),
}
# Anything shaped like a personnummer or samordningsnummer (10 or 12 digits, optional - or +),
# valid check digit or not: typing one is a read of personal data either way, so it is logged.
_IDENTITY_SHAPE = re.compile(r"(?:[0-9]{2})?[0-9]{6}[ ]*[-+]?[ ]*[0-9]{4}", re.ASCII)


def _state_choices() -> list[tuple[str, Any]]:
    """States grouped by case type, each value once: a state used by several types (samtycke,
    utredning, avslutad, ...) sits in a shared group, so choosing it never depends on which
    group it was picked from."""
    types_of: dict[str, list[str]] = {}
    for case_type, states in STATES_BY_TYPE.items():
        for state in states:
            types_of.setdefault(state, []).append(case_type)
    labels = dict(State.choices)
    groups: list[tuple[str, Any]] = [("", _("Alla statusar"))]
    for case_type, type_label in CaseType.choices:
        own = [(s, labels[s]) for s in STATES_BY_TYPE[case_type] if types_of[s] == [case_type]]
        groups.append((str(type_label), own))
    shared = [(s, labels[s]) for s in types_of if len(types_of[s]) > 1]
    groups.append((str(_("Flera ärendetyper")), shared))
    return groups


def html_attributes(attrs: dict[str, Any]) -> str:
    """A widget's attributes as django/forms/widgets/attrs.html writes them: False leaves the
    attribute out, True writes its name; ``stringformat`` keeps a safe string safe, so the
    autoescape is a conditional one."""
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class ListSelect(forms.Select):
    """A ``Select`` that writes the same HTML as Django's template, in Python.

    The filter form has about 180 options (organisations, handläggare, statuses); through the
    widget templates each option is a template include of its own, a third of the case list's
    rendering time (docs/performance.md). Through ``get_context`` each is still a dictionary of
    attributes built for it (``optgroups``, ``create_option``): 2 ms a page. This walks the
    choices as ``optgroups`` does (a single select marks only the first match), and writes
    the templates' output byte for byte (tests/cases/test_filter_widgets.py)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        values = self.format_value(value)
        has_selected = False
        # The standard library's escape, as django.utils.html.escape calls it, without the
        # lazy-string check that wraps Django's (half of the time per option).
        parts = [f'<select name="{escape(name)}"{html_attributes(final_attrs)}>']
        for option_value, option_label in self.choices:
            grouped = isinstance(option_label, (list, tuple))
            if grouped:
                parts.append(f'\n  <optgroup label="{html_escape(str(option_value))}">')
            options = option_label if grouped else [(option_value, option_label)]
            for subvalue, sublabel in options:
                subvalue = "" if subvalue is None else subvalue
                selected = (not has_selected or self.allow_multiple_selected) and str(
                    subvalue
                ) in values
                has_selected |= selected
                parts.append(
                    f'\n  <option value="{html_escape(str(subvalue))}"'
                    f"{' selected' if selected else ''}>{html_escape(str(sublabel))}</option>\n"
                )
            if grouped:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


def _choice_error(text: Any) -> dict[str, Any]:
    # Django's own message repeats the submitted value; ours says what to do instead.
    return {"invalid_choice": text}


class CaseFilterForm(forms.Form):
    typ = forms.ChoiceField(
        label=_("Ärendetyp"),
        required=False,
        choices=[("", _("Alla ärendetyper")), *CaseType.choices],
        widget=ListSelect,
        error_messages=_choice_error(_("Välj en ärendetyp i listan.")),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=_state_choices,
        widget=ListSelect,
        error_messages=_choice_error(_("Välj en status i listan.")),
    )
    organisation = forms.TypedChoiceField(
        label=_("Organisation"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages=_choice_error(_("Välj en organisation i listan.")),
        widget=ListSelect,
    )
    handlaggare = forms.TypedChoiceField(
        label=_("Handläggare"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages=_choice_error(_("Välj en handläggare i listan.")),
        widget=ListSelect,
    )
    forsenade = forms.BooleanField(label=_("Endast försenade"), required=False)
    sok = forms.CharField(
        label=_("Sök"),
        required=False,
        max_length=100,
        help_text=_("Ärendenummer, målnummer, namn eller personnummer (ÅÅMMDD-NNNN)."),
        error_messages={"max_length": _("Sökningen får vara högst 100 tecken lång.")},
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    sortering = forms.ChoiceField(
        label=_("Sortering"),
        required=False,
        choices=[(key, SORT_LABELS.get(key, key)) for key in SORTS],
        widget=ListSelect,
        error_messages=_choice_error(_("Välj en sortering i listan.")),
    )

    # Not a field: the page comes only from the pagination buttons, and a new filter choice
    # starts again at page 1.
    PAGE_KEY = "sida"
    # The paging buttons' cursors (``selectors.page_cursor``): the sort key of the last row
    # shown ("Nästa") or of the first ("Föregående"), so the next page is read by keyset.
    AFTER_KEY = "efter"
    BEFORE_KEY = "fore"
    CURSOR_MAX_LENGTH = 64

    def __init__(
        self,
        data: Any = None,
        *,
        organisations: Iterable[tuple[int, str]],
        caseworkers: Iterable[tuple[int, str]] | None,
    ) -> None:
        """``caseworkers`` None: no handläggare filter. "Mina ärenden" lists the cases where
        the user is handläggare; a case has one per organisation, so a colleague of theirs
        (the choices) would match none of them."""
        super().__init__(data, initial={"sortering": DEFAULT_SORT})
        org_field = self.fields["organisation"]
        assert isinstance(org_field, forms.TypedChoiceField)
        org_field.choices = [("", _("Alla organisationer")), *organisations]
        if caseworkers is None:
            del self.fields["handlaggare"]
        else:
            caseworker_field = self.fields["handlaggare"]
            assert isinstance(caseworker_field, forms.TypedChoiceField)
            caseworker_field.choices = [("", _("Alla handläggare")), *caseworkers]

    def clean_sok(self) -> str:
        return " ".join(self.cleaned_data["sok"].split())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        case_type, state = cleaned.get("typ"), cleaned.get("status")
        if case_type and state and state not in STATES_BY_TYPE[case_type]:
            self.add_error(
                "status",
                _("Ärendetypen %(type)s har inte statusen %(state)s. Välj en annan status.")
                % {"type": CaseType(case_type).label, "state": State(state).label},
            )
        raw_page = (self.data.get(self.PAGE_KEY) or "1").strip()
        if raw_page.isascii() and raw_page.isdigit() and 1 <= int(raw_page) <= MAX_PAGE:
            cleaned["page"] = int(raw_page)
        else:
            raise forms.ValidationError(
                _("Sidnumret måste vara ett heltal mellan 1 och %(max)d.") % {"max": MAX_PAGE},
                code="page",
            )
        return cleaned

    @property
    def page(self) -> int:
        return int(self.cleaned_data.get("page", 1)) if self.is_bound else 1

    def _cursor(self, key: str) -> str:
        if not self.is_bound:
            return ""
        raw = (self.data.get(key) or "").strip()
        # Not validated here: a cursor that does not parse makes the selector fall back to the
        # page number, which gives the same page.
        return raw if len(raw) <= self.CURSOR_MAX_LENGTH else ""

    @property
    def cursor_after(self) -> str:
        return self._cursor(self.AFTER_KEY)

    @property
    def cursor_before(self) -> str:
        return self._cursor(self.BEFORE_KEY)

    def to_filters(self, *, mine: bool) -> CaseFilters:
        if not self.is_bound:
            return CaseFilters(mine=mine)
        data = self.cleaned_data
        return CaseFilters(
            mine=mine,
            case_type=data["typ"],
            state=data["status"],
            organisation=data["organisation"],
            handlaggare=data.get("handlaggare"),
            overdue=data["forsenade"],
            query=data["sok"],
            sort=data["sortering"] or DEFAULT_SORT,
        )

    @property
    def searches_identity_number(self) -> bool:
        return bool(_IDENTITY_SHAPE.fullmatch(self.cleaned_data.get("sok", "")))

    @property
    def is_filtered(self) -> bool:
        """Whether anything narrows the list (sorting and paging do not)."""
        if not self.is_bound or not self.is_valid():
            return False
        return any(
            self.cleaned_data.get(name)
            for name in ("typ", "status", "organisation", "handlaggare", "forsenade", "sok")
        )

    def hidden_values(self) -> list[tuple[str, str]]:
        """The valid filter values, for the pagination buttons to post again (without ids,
        which would repeat the visible form's)."""
        if not self.is_bound or not self.is_valid():
            return []
        pairs: list[tuple[str, str]] = []
        for name in ("typ", "status", "organisation", "handlaggare", "sok", "sortering"):
            value = self.cleaned_data.get(name)
            if value not in (None, ""):
                pairs.append((name, str(value)))
        if self.cleaned_data["forsenade"]:
            pairs.append(("forsenade", "on"))
        return pairs
