"""One form per workflow step (kontraktsvård and vårdvistelse), in Swedish."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ansvarsforbindelse.models import CareProvider
from cases.deadline_rules import term_in_days
from cases.forms import PythonDateInput, PythonTextarea, ValuesChoiceField
from cases.forms_filters import ListSelect
from cases.models import CommunicationMethod, Decision, Pafoljd

DATE_ERRORS = {"required": _("Ange datum."), "invalid": _("Ange datum som ÅÅÅÅ-MM-DD.")}


def date_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=PythonDateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages=DATE_ERRORS,
    )


REASON = _("Skäl")


def reason_field(
    label: Any = REASON, *, required: bool = False, help_text: Any = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=PythonTextarea(attrs={"rows": 2}),
        error_messages={"required": _("Ange skälet.")},
    )


class PresentenceRequestForm(forms.Form):
    request_date = date_field(_("Datum för begäran om personutredning"))
    haktad = forms.BooleanField(label=_("Klienten är häktad"), required=False)
    yttrande_date = date_field(
        _("Sista dag för yttrandet"),
        required=False,
        help_text=_(
            "Lämna tomt för riktlinjens förval: begäran + 14 dagar när klienten är häktad. "
            "Ändra om domstolen angett ett annat datum eller förlängt tiden."
        ),
    )
    reason = reason_field(help_text=_("Krävs när datumet avviker från förvalet."))


class ApplicationForm(forms.Form):
    received_on = date_field(_("Ansökan inkom"))


class ConfirmForm(forms.Form):
    reason = reason_field(_("Kommentar (valfritt)"))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Beslut"),
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj beviljat eller avslag.")},
    )
    decision_date = date_field(_("Beslutsdatum"))
    to_client_on = date_field(_("Meddelat klienten den"), required=False)
    to_client_how = forms.ChoiceField(
        label=_("Hur meddelades klienten?"),
        choices=[("", "–"), *CommunicationMethod.choices],
        required=False,
    )
    to_kv_on = date_field(_("Meddelat Kriminalvården den"), required=False)
    to_kv_how = forms.ChoiceField(
        label=_("Hur meddelades Kriminalvården?"),
        choices=[("", "–"), *CommunicationMethod.choices],
        required=False,
    )
    reason = reason_field(_("Kommentar (valfritt)"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for day, how in (("to_client_on", "to_client_how"), ("to_kv_on", "to_kv_how")):
            if data.get(day) and not data.get(how):
                self.add_error(how, _("Ange hur beslutet meddelades."))
        return data


class CareProviderForm(forms.Form):
    provider = ValuesChoiceField(
        label=_("Vårdgivare"),
        queryset=CareProvider.objects.none(),
        widget=ListSelect,
        error_messages={"required": _("Välj vårdgivare.")},
    )
    planned_start = date_field(_("Planerad start"))
    planned_end = date_field(_("Planerat slut"))
    deviation_reason = reason_field(
        _("Skäl att välja annan än rekommenderad vårdgivare"),
        help_text=_("Krävs om du väljer en vårdgivare som inte rekommenderas."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = CareProvider.objects.filter(  # type: ignore[attr-defined]
            is_active=True
        ).valid_on(timezone.localdate())


class CareProviderChangeForm(CareProviderForm):
    change_reason = reason_field(_("Skäl till bytet"), required=True)


class TreatmentPlanForm(forms.Form):
    plan_date = date_field(_("Behandlingsplanen upprättad"))
    summary = forms.CharField(
        label=_("Behandlingsplanens inriktning"),
        widget=PythonTextarea(attrs={"rows": 3}),
        error_messages={"required": _("Beskriv behandlingsplanens inriktning.")},
    )


class JudgmentForm(forms.Form):
    judgment_date = date_field(_("Domsdatum"))
    pafoljd = forms.ChoiceField(
        label=_("Påföljd"),
        choices=Pafoljd.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj påföljd.")},
    )
    term_years = forms.IntegerField(
        label=_("Alternativt fängelsestraff: år"), min_value=0, max_value=10, required=False
    )
    term_months = forms.IntegerField(
        label=_("Alternativt fängelsestraff: månader"), min_value=0, max_value=11, required=False
    )
    term_days = forms.IntegerField(
        label=_("Alternativt fängelsestraff: dagar"), min_value=0, max_value=30, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Strafftidslagen (2018:1251): a month counts as 30 days, a year as 365.
        days = term_in_days(
            years=data.get("term_years") or 0,
            months=data.get("term_months") or 0,
            days=data.get("term_days") or 0,
        )
        data["alternative_prison_term_days"] = days or None
        if data.get("pafoljd") == "kontraktsvard" and not days:
            self.add_error(
                "term_months", _("Ange det alternativa fängelsestraffet för kontraktsvård.")
            )
        return data


class PlacementKvForm(forms.Form):
    placement_start = date_field(_("Placeringen började"))
    kv_payment_end = date_field(
        _("Kriminalvårdens betalningsansvar upphör"),
        help_text=_("Enligt Kriminalvårdens beslut. Kommunens ansvar börjar dagen efter."),
    )


class CommitmentForm(forms.Form):
    signed_on = date_field(_("Ansvarsförbindelsen undertecknad"))
    sent_on = date_field(_("Skickad till anstalten"))


class PlacementVvForm(forms.Form):
    placement_start = date_field(_("Placeringen började"))
    conditional_release_date = date_field(
        _("Datum för villkorlig frigivning"),
        help_text=_("Enligt Kriminalvårdens beslut (huvuddata). Kommunen tar över samma dag."),
    )


class CloseForm(forms.Form):
    end_reason = reason_field(_("Sammanfattning vid avslut (valfritt)"))


class AbortForm(forms.Form):
    end_reason = reason_field(_("Skäl till att ärendet avbryts"), required=True)


class JointPlanForm(forms.Form):
    insatser = forms.CharField(
        label=_("1. Insatser den enskilde behöver"), widget=PythonTextarea(attrs={"rows": 3})
    )
    responsibilities = forms.CharField(
        label=_("2. Kriminalvårdens och kommunens ansvar"), widget=PythonTextarea(attrs={"rows": 3})
    )
    others_measures = forms.CharField(
        label=_("3. Åtgärder som vidtas av någon annan än kommunen och Kriminalvården"),
        widget=PythonTextarea(attrs={"rows": 2}),
        required=False,
    )
    overall_responsible = forms.CharField(
        label=_("4. Vem har det övergripande ansvaret för planen"), max_length=200
    )
    follow_up_date = date_field(_("Nästa uppföljning"), required=False)


# The form of each transition (its ``custom["form"]``), and the service arguments it gives.
STEP_FORMS: dict[str, type[forms.Form]] = {
    "application": ApplicationForm,
    "confirm": ConfirmForm,
    "decision": DecisionForm,
    "care_provider": CareProviderForm,
    "treatment_plan": TreatmentPlanForm,
    "judgment": JudgmentForm,
    "placement_kv": PlacementKvForm,
    "commitment": CommitmentForm,
    "placement_vv": PlacementVvForm,
    "close": CloseForm,
    "abort": AbortForm,
}
