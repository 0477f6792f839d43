"""Forms of the ansvarsförbindelse, in Swedish. They parse input; the services decide."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ansvarsforbindelse import selectors
from ansvarsforbindelse.models import CareProvider, FormOfCare, PaymentEndKind
from cases.forms_care import date_field
from cases.models import Case, Organisation

TEXTAREA = {"rows": 3}


class AmountField(forms.DecimalField):
    """Kronor as people type them: "2 450,50", "2450.50" or "2450"."""

    def prepare_value(self, value: Any) -> Any:
        # Shown the Swedish way: 2450,50.
        if isinstance(value, Decimal):
            return f"{value:.2f}".replace(".", ",")
        return value

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        text = str(value).replace("\u00a0", "").replace(" ", "").replace("kr", "")
        try:
            return super().to_python(text.replace(",", "."))
        except ValidationError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        except InvalidOperation:  # pragma: no cover - DecimalField reports it as invalid
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.username


class CommitmentForm(forms.Form):
    """The parts of the regional template the kommun fills in; the client, the judgment and the
    alternative term come from the case and are shown beside the form."""

    diarienummer = forms.CharField(
        label=_("Ansvarsförbindelsens diarienummer"), max_length=40, required=False
    )
    decision_reference = forms.CharField(
        label=_("Beslutets diarienummer"),
        max_length=40,
        required=False,
        help_text=_("Diarienumret för beslutet om bistånd i form av ansvarsförbindelse."),
    )
    decision_date = date_field(_("Beslutsdatum"), required=False)
    recipient = forms.ModelChoiceField(
        label=_("Mottagare"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        help_text=_("Frivårdskontoret eller anstalten i ärendet."),
    )
    care_provider = forms.ModelChoiceField(
        label=_("Vårdgivare"), queryset=CareProvider.objects.none(), required=False
    )
    form_of_care = forms.ChoiceField(
        label=_("Vårdform"), choices=[("", "–"), *FormOfCare.choices], required=False
    )
    care_content = forms.CharField(
        label=_("Insatsens innehåll"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Till exempel behandlingens inriktning och planerad längd."),
    )
    cost_per_day = AmountField(
        label=_("Kostnad per dygn (kr)"),
        max_digits=9,
        decimal_places=2,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "invalid": _("Ange kostnaden i kronor, till exempel 2450 eller 2450,50."),
            "max_decimal_places": _("Ange högst två decimaler (ören)."),
            "max_digits": _("Beloppet är för stort."),
            "max_whole_digits": _("Beloppet är för stort."),
        },
    )
    cost_covers = forms.CharField(
        label=_("Kostnaden omfattar"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Till exempel behandling, boende, kost och resor."),
    )
    payment_start = date_field(_("Kommunens betalningsansvar från och med"), required=False)
    payment_end = date_field(_("Slut- eller omprövningsdatum"), required=False)
    payment_end_kind = forms.ChoiceField(
        label=_("Datumet är"),
        choices=PaymentEndKind.choices,
        widget=forms.RadioSelect,
        initial=PaymentEndKind.TILL_OCH_MED,
    )
    ending_conditions = forms.CharField(
        label=_("Villkor för upphörande"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Ett villkor per rad."),
    )
    invoice_address = forms.CharField(
        label=_("Fakturaadress"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    invoice_reference = forms.CharField(label=_("Fakturareferens"), max_length=100, required=False)
    decision_maker = UserChoiceField(
        label=_("Beslutsfattare"),
        queryset=None,
        required=False,
        empty_label=_("Väljs när ansvarsförbindelsen undertecknas"),
        help_text=_("Enhetschef med delegation i den utfärdande nämnden."),
    )
    delegation = forms.CharField(
        label=_("Delegation"),
        max_length=200,
        required=False,
        help_text=_('Till exempel "Enligt socialnämndens delegationsordning punkt 3.2".'),
    )

    def __init__(self, *args: Any, case: Case, issuing_organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["recipient"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            pk__in=[o.pk for o in selectors.recipients_for(case)]
        )
        fields["care_provider"].queryset = CareProvider.objects.filter(is_active=True)  # type: ignore[attr-defined]
        fields["decision_maker"].queryset = selectors.decision_makers(issuing_organisation_id)  # type: ignore[attr-defined]
        process = selectors.care_process(case)
        transfer = process.transfer_date if process else None
        if transfer is not None:
            rule = (
                _("Dagen efter att Kriminalvårdens betalningsansvar upphör")
                if case.case_type == "kontraktsvard"
                else _("Dagen för villkorlig frigivning")
            )
            fields["payment_start"].help_text = f"{rule}: {transfer:%Y-%m-%d}."


class SignForm(forms.Form):
    delegation = forms.CharField(
        label=_("Delegation"),
        max_length=200,
        help_text=_('Till exempel "Enligt socialnämndens delegationsordning punkt 3.2".'),
        error_messages={"required": _("Ange delegationen.")},
    )


class SendForm(forms.Form):
    sent_to = forms.ModelChoiceField(
        label=_("Skicka till"), queryset=Organisation.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sent_to"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            pk__in=[o.pk for o in selectors.recipients_for(case)]
        )


class EndForm(forms.Form):
    end_reason = forms.CharField(
        label=_("Skäl till att ansvarsförbindelsen upphör"),
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Ange skälet till att ansvarsförbindelsen upphör.")},
    )
