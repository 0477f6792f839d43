"""The forms of the inslussning pages. They check the input's shape; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import DATE_WIDGET, ClientFieldsForm
from cases.models import Case, Organisation
from cases.roles import CASEWORKER_ROLES, CHEF_ROLES, OrganisationKind
from cases.states import CaseType
from inslussning.models import AreaStatus, Criterion, GroupMember, MemberRole, ReleaseMeasureKind

YES_NO = [("ja", _("Ja")), ("nej", _("Nej"))]


class CriteriaMixin(forms.Form):
    """The five target-group questions (001 § 7), each answered yes or no: none is assumed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for criterion in Criterion:
            self.fields[criterion.value] = forms.ChoiceField(
                label=criterion.label,
                choices=YES_NO,
                widget=forms.RadioSelect,
                error_messages={"required": _("Besvara frågan.")},
            )

    def criteria(self) -> dict[str, bool]:
        return {c.value: self.cleaned_data[c.value] == "ja" for c in Criterion}


def _organisations(kind: str) -> Any:
    return Organisation.objects.filter(kind=kind, is_active=True).exclude(units__isnull=False)


class IdentifyForm(CriteriaMixin, ClientFieldsForm):
    frivard = forms.ModelChoiceField(
        label=_("Ditt frivårdskontor"), queryset=Organisation.objects.none(), empty_label=None
    )
    home_kommun = forms.ModelChoiceField(
        label=_("Socialtjänst i hemkommunen"),
        help_text=_(
            "Ser bara att en förfrågan finns tills samtycke som omfattar den är dokumenterat."
        ),
        queryset=Organisation.objects.none(),
        error_messages={"required": _("Välj hemkommunens socialtjänst.")},
    )
    anstalt = forms.ModelChoiceField(
        label=_("Anstalt"),
        queryset=Organisation.objects.none(),
        error_messages={"required": _("Välj anstalten.")},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["frivard"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            kind=OrganisationKind.FRIVARD,
            memberships__user=user,
            memberships__role__in=CASEWORKER_ROLES | CHEF_ROLES,
        ).distinct()
        self.fields["home_kommun"].queryset = _organisations(OrganisationKind.KOMMUN)  # type: ignore[attr-defined]
        self.fields["anstalt"].queryset = _organisations(OrganisationKind.ANSTALT)  # type: ignore[attr-defined]
        # The client first, then the organisations, then the assessment.
        order = ["frivard", "identity", "first_name", "last_name", "protected_identity"]
        order += ["home_kommun", "anstalt", *Criterion.values]
        self.order_fields(order)


class ReassessForm(CriteriaMixin):
    pass


class OverrideForm(forms.Form):
    reason = forms.CharField(
        label=_("Skäl att inkludera klienten trots bedömningen"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Ange skälet till undantaget.")},
    )


class SamordnareForm(forms.Form):
    samordnare = forms.ModelChoiceField(
        label=_("Inslussningssamordnare"),
        queryset=Organisation.objects.none(),
        error_messages={"required": _("Välj samordnare.")},
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["samordnare"].queryset = candidates  # type: ignore[attr-defined]


class MasterDatesForm(forms.Form):
    release_date = forms.DateField(
        label=_("Datum för villkorlig frigivning"),
        widget=DATE_WIDGET,
        error_messages={"required": _("Ange datum för villkorlig frigivning.")},
    )
    supervision_end = forms.DateField(
        label=_("Övervakningen upphör"),
        help_text=_("Enligt Kriminalvårdens beslut; prövotiden kan vara längre än ett år."),
        widget=DATE_WIDGET,
        error_messages={"required": _("Ange när övervakningen upphör.")},
    )


class MemberForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Roll i gruppen"),
        choices=[("", _("Välj roll"))] + list(MemberRole.choices),
        error_messages={"required": _("Välj roll.")},
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        help_text=_("Lämnas tom för en anhörig."),
        queryset=Organisation.objects.none(),
        required=False,
    )
    contact_name = forms.CharField(
        label=_("Kontaktperson"),
        max_length=120,
        error_messages={"required": _("Ange kontaktperson.")},
    )
    contact_phone = forms.CharField(label=_("Telefon"), max_length=40, required=False)
    contact_email = forms.EmailField(
        label=_("E-post"),
        required=False,
        error_messages={"invalid": _("Ange en giltig e-postadress.")},
    )
    invite = forms.BooleanField(
        label=_("Skapa ett konto och skicka en inbjudan"),
        help_text=_(
            "För externa aktörer. De ser bara det som klientens samtycke omfattar, och inget "
            "förrän samtycket omfattar deras organisation."
        ),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            is_active=True
        ).exclude(units__isnull=False)


def _member_choices(members: list[GroupMember]) -> list[tuple[int, str]]:
    return [(m.pk, f"{m.label} ({m.contact_name})" if m.contact_name else m.label) for m in members]


class AreaForm(forms.Form):
    need = forms.CharField(
        label=_("Behov"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    insats = forms.CharField(
        label=_("Överenskommen insats"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    responsible = forms.TypedChoiceField(
        label=_("Ansvarig aktör"), coerce=int, required=False, empty_value=None
    )
    status = forms.ChoiceField(label=_("Status"), choices=AreaStatus.choices)
    follow_up_on = forms.DateField(label=_("Uppföljning"), widget=DATE_WIDGET, required=False)

    def __init__(self, *args: Any, members: list[GroupMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].choices = [("", _("Ingen ännu"))] + _member_choices(members)  # type: ignore[attr-defined]


class AreaStatusForm(forms.Form):
    """What an external member responsible for an area reports."""

    status = forms.ChoiceField(label=_("Status"), choices=AreaStatus.choices)
    follow_up_on = forms.DateField(label=_("Uppföljning"), widget=DATE_WIDGET, required=False)


class ResponsibilityForm(forms.Form):
    overall_responsibility = forms.CharField(
        label=_("Vem har det övergripande ansvaret för planen"),
        max_length=200,
        error_messages={"required": _("Ange vem som har det övergripande ansvaret.")},
    )


class MeetingForm(forms.Form):
    held_on = forms.DateField(
        label=_("Datum då mötet hölls"),
        widget=DATE_WIDGET,
        error_messages={"required": _("Ange datum för mötet.")},
    )
    participants = forms.TypedMultipleChoiceField(
        label=_("Deltagare"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Välj vilka i gruppen som deltog.")},
    )
    client_took_part = forms.BooleanField(label=_("Klienten deltog"), required=False)
    notes = forms.CharField(
        label=_("Anteckningar"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    decisions = forms.CharField(
        label=_("Beslut"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Skriv vad mötet beslutade.")},
    )
    follow_up_actions = forms.CharField(
        label=_("Uppföljande åtgärder"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, members: list[GroupMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].choices = _member_choices(members)  # type: ignore[attr-defined]


class BookingForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Tid"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"required": _("Ange tid."), "invalid": _("Ange tid som ÅÅÅÅ-MM-DD TT:MM.")},
    )
    place = forms.CharField(
        label=_("Plats"), max_length=200, error_messages={"required": _("Ange plats.")}
    )
    with_whom = forms.CharField(
        label=_("Med vem"), max_length=200, error_messages={"required": _("Ange med vem.")}
    )
    what = forms.CharField(
        label=_("Vad"), max_length=300, error_messages={"required": _("Ange vad.")}
    )


class MeasureForm(forms.Form):
    kind = forms.ChoiceField(label=_("Utslussningsåtgärd"), choices=ReleaseMeasureKind.choices)
    starts_on = forms.DateField(
        label=_("Från"), widget=DATE_WIDGET, error_messages={"required": _("Ange startdatum.")}
    )
    ends_on = forms.DateField(label=_("Till"), widget=DATE_WIDGET, required=False)
    linked_case = forms.ModelChoiceField(
        label=_("Vårdvistelseärende"),
        help_text=_("En vårdvistelse har ett eget ärende; det länkas hit."),
        queryset=Case.objects.none(),
        required=False,
        empty_label=_("Inget"),
    )
    note = forms.CharField(label=_("Kommentar"), max_length=300, required=False)

    def __init__(self, *args: Any, care_cases: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["linked_case"].queryset = care_cases  # type: ignore[attr-defined]


class StepForm(forms.Form):
    """A step's own words: the closing summary or the reason for an abort; none for the rest."""

    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))

    LABELS = {
        "close": _("Summering: vad har uppnåtts och vad fortsätter utan Kriminalvården"),
        "abort": _("Skäl till att programmet avbryts"),
    }
    # The same words as the services' check: say what to write, not only that something is missing.
    REQUIRED = {
        "close": _("Summera programmet och vad som fortsätter utan Kriminalvården."),
        "abort": _("Ange skälet till att programmet avbryts."),
    }

    def __init__(self, *args: Any, form_kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if form_kind in ("close", "abort"):
            self.fields["text"].label = self.LABELS[form_kind]
            self.fields["text"].error_messages["required"] = self.REQUIRED[form_kind]
        else:
            del self.fields["text"]


def vardvistelse_cases(user: Any, case: Case) -> Any:
    """The same client's vårdvistelse cases the user may see (to link, not copy)."""
    return Case.objects.visible_to(user).filter(
        case_type=CaseType.VARDVISTELSE, client_id=case.client_id
    )
