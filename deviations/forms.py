"""Forms of deviations and of the dashboard's filters."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Organisation
from cases.states import CaseType, State
from deviations.models import DeviationKind, InformedHow, Outcome, Severity
from deviations.selectors import AGE_BUCKETS, LEAD_TIMES, Drilldown, Period, default_period

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONTH = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


class DeviationReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Typ av avvikelse"), choices=DeviationKind.choices)
    severity = forms.ChoiceField(
        label=_("Allvarlighetsgrad"), choices=Severity.choices, widget=forms.RadioSelect
    )
    occurred_on = forms.DateField(
        label=_("Datum för avvikelsen"), widget=DATE, help_text=_("Till exempel 2026-05-14.")
    )
    description = forms.CharField(
        label=_("Beskrivning"),
        widget=forms.Textarea,
        max_length=5000,
        help_text=_("Visas bara för parter som har tillgång till ärendets delade uppgifter."),
    )
    notify_other_party = forms.BooleanField(
        label=_("Informera andra parten nu via notis i Brygga"), required=False, initial=True
    )


class InformedForm(forms.Form):
    informed_on = forms.DateField(label=_("Datum"), widget=DATE)
    informed_time = forms.TimeField(
        label=_("Klockslag"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    how = forms.ChoiceField(
        label=_("Hur informerades andra parten?"),
        choices=[c for c in InformedHow.choices if c[0] != InformedHow.NOTIS],
        widget=forms.RadioSelect,
    )

    def informed_at(self) -> Any:
        from datetime import datetime

        return timezone.make_aware(
            datetime.combine(self.cleaned_data["informed_on"], self.cleaned_data["informed_time"])
        )


class ActionForm(forms.Form):
    description = forms.CharField(label=_("Åtgärd"), max_length=500, widget=forms.Textarea)
    responsible = forms.TypedChoiceField(label=_("Ansvarig"), coerce=int)
    due_date = forms.DateField(label=_("Klart senast"), widget=DATE)

    def __init__(self, *args: Any, candidates: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {user.pk: user for user in candidates}
        cast(forms.ChoiceField, self.fields["responsible"]).choices = [("", _("Välj ansvarig"))] + [
            (user.pk, user.get_full_name() or user.username) for user in candidates
        ]

    def clean_due_date(self) -> date:
        due: date = self.cleaned_data["due_date"]
        if due < timezone.localdate():
            raise forms.ValidationError(_("Datumet kan inte ha passerat."))
        return due


class CloseForm(forms.Form):
    outcome_kind = forms.ChoiceField(
        label=_("Utfall"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    outcome = forms.CharField(
        label=_("Beskriv utfallet och den fortsatta hanteringen"),
        widget=forms.Textarea,
        max_length=5000,
        required=False,
    )


class ResolveForm(forms.Form):
    comment = forms.CharField(label=_("Kommentar"), widget=forms.Textarea, max_length=2000)


def _month(value: str) -> date | None:
    try:
        year, month = (int(part) for part in value.split("-")[:2])
        return date(year, month, 1)
    except (ValueError, TypeError):
        return None


class DashboardFilterForm(forms.Form):
    """Period (months) and unit. GET parameters: no personal data in them."""

    start = forms.CharField(label=_("Från månad"), required=False, widget=MONTH)
    end = forms.CharField(label=_("Till och med månad"), required=False, widget=MONTH)
    unit = forms.TypedChoiceField(label=_("Enhet"), required=False, coerce=int, empty_value=None)

    MAX_MONTHS = 36

    def __init__(self, *args: Any, units: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["unit"]).choices = [("", _("Alla enheter"))] + [
            (org.pk, org.short_name or org.name) for org in units
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        default = default_period()
        start = _month(data.get("start") or "") or default.start
        end = _month(data.get("end") or "") or default.end
        if data.get("start") and _month(data["start"]) is None:
            self.add_error("start", _("Ange månaden som ÅÅÅÅ-MM."))
        if data.get("end") and _month(data["end"]) is None:
            self.add_error("end", _("Ange månaden som ÅÅÅÅ-MM."))
        if start > end:
            self.add_error("end", _("Slutmånaden kan inte ligga före startmånaden."))
        elif len(Period(start, end).months) > self.MAX_MONTHS:
            self.add_error("start", _("Välj högst 36 månader."))
        data["period"] = Period(start, end)
        return data

    def period(self) -> Period:
        if self.is_valid():
            period: Period = self.cleaned_data["period"]
            return period
        return default_period()

    def unit_id(self) -> int | None:
        return self.cleaned_data.get("unit") if self.is_valid() else None


METRICS = ("deviation", "routine", "overdue", "cases", "lead", "met", "missed", "workload")


class DrilldownForm(forms.Form):
    metric = forms.ChoiceField(choices=[(m, m) for m in METRICS])
    kind = forms.CharField(required=False, max_length=40)
    age = forms.ChoiceField(
        required=False, choices=[("", "")] + [(b[0], b[0]) for b in AGE_BUCKETS]
    )
    case_type = forms.ChoiceField(required=False, choices=[("", ""), *CaseType.choices])
    state = forms.ChoiceField(required=False, choices=[("", ""), *State.choices])
    which = forms.ChoiceField(required=False, choices=[("", "")] + [(k, k) for k in LEAD_TIMES])
    month = forms.CharField(required=False, max_length=7)
    handlaggare = forms.IntegerField(required=False)

    def spec(self) -> Drilldown:
        data = self.cleaned_data
        return Drilldown(
            metric=data["metric"],
            kind=data["kind"],
            age=data["age"],
            case_type=data["case_type"],
            state=data["state"],
            which=data["which"],
            month=_month(data["month"]) if data["month"] else None,
            handlaggare=data["handlaggare"],
        )
