"""Forms of the case page and of opening a case. Labels and errors in Swedish."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Consent, Membership, Organisation, Visibility
from cases.personnummer import IdentityNumberField
from cases.roles import CASEWORKER_ROLES, CHEF_ROLES, OrganisationKind
from cases.states import CaseType

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Organisations that open and run cases together (DOMAIN.md §1); others join later.
COUNTERPART_KINDS = (OrganisationKind.KOMMUN, OrganisationKind.FRIVARD, OrganisationKind.ANSTALT)


class CaseCreateForm(forms.Form):
    case_type = forms.ChoiceField(
        label=_("Ärendetyp"),
        # Avhopparuppdrag (assigned users) and inslussning (the target-group assessment) are
        # opened from their own pages.
        choices=[("", _("Välj ärendetyp"))]
        + [
            choice
            for choice in CaseType.choices
            if choice[0] not in (CaseType.AVHOPPARUPPDRAG, CaseType.INSLUSSNING)
        ],
        error_messages={"required": _("Välj ärendetyp.")},
    )
    organisation = forms.ModelChoiceField(
        label=_("Din organisation i ärendet"),
        queryset=Organisation.objects.none(),
        empty_label=None,
    )
    identity = IdentityNumberField(error_messages={"required": _("Ange personnummer.")})
    first_name = forms.CharField(
        label=_("Förnamn"), max_length=100, error_messages={"required": _("Ange förnamn.")}
    )
    last_name = forms.CharField(
        label=_("Efternamn"), max_length=100, error_messages={"required": _("Ange efternamn.")}
    )
    protected_identity = forms.BooleanField(
        label=_("Klienten har skyddade personuppgifter"), required=False
    )
    counterpart = forms.ModelChoiceField(
        label=_("Motpart"),
        help_text=_(
            "Organisationen som bjuds in. Den ser bara att en förfrågan finns tills samtycke "
            "som omfattar den har dokumenterats."
        ),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Ingen motpart ännu"),
    )
    court = forms.CharField(label=_("Domstol"), max_length=100, required=False)
    malnummer = forms.CharField(label=_("Målnummer"), max_length=40, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        own = Organisation.objects.filter(
            memberships__user=user, memberships__role__in=CASEWORKER_ROLES | CHEF_ROLES
        ).distinct()
        self.fields["organisation"].queryset = own  # type: ignore[attr-defined]
        self.fields["counterpart"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            kind__in=COUNTERPART_KINDS, is_active=True
        ).exclude(units__isnull=False)


class ConsentForm(forms.Form):
    parties = forms.ModelMultipleChoiceField(
        label=_("Parter som samtycket omfattar"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Välj minst en part som samtycket omfattar.")},
    )
    scope = forms.CharField(
        label=_("Omfattning"),
        help_text=_("Vilka uppgifter och vilket syfte samtycket gäller."),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Beskriv vad samtycket omfattar.")},
    )
    given_on = forms.DateField(
        label=_("Datum för samtycket"),
        widget=DATE_WIDGET,
        error_messages={
            "required": _("Ange datum för samtycket."),
            "invalid": _("Ange datum som ÅÅÅÅ-MM-DD."),
        },
    )
    form = forms.ChoiceField(
        label=_("Hur lämnades samtycket?"),
        choices=Consent.Form.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj hur samtycket lämnades.")},
    )
    document = forms.FileField(
        label=_("Undertecknad sekretessblankett"),
        help_text=_("Krävs för skriftligt samtycke. PDF eller bild, högst 20 MB."),
        required=False,
    )
    oral_note = forms.CharField(
        label=_("Journalanteckning om det muntliga samtycket"),
        help_text=_("Krävs för muntligt samtycke: när, hur och inför vem."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args: Any, case: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parties"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            participations__case=case
        ).order_by("name")
        self.fields["given_on"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("form") == Consent.Form.WRITTEN and not data.get("document"):
            self.add_error("document", _("Bifoga den undertecknade sekretessblanketten."))
        if data.get("form") == Consent.Form.ORAL and not (data.get("oral_note") or "").strip():
            self.add_error(
                "oral_note", _("Skriv hur och när klienten lämnade sitt muntliga samtycke.")
            )
        given_on = data.get("given_on")
        if given_on and given_on > timezone.localdate():
            self.add_error("given_on", _("Datumet för samtycket kan inte ligga i framtiden."))
        return data


class ConsentWithdrawForm(forms.Form):
    note = forms.CharField(
        label=_("Anteckning om återkallelsen"),
        help_text=_("När och hur klienten återkallade samtycket."),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Skriv när och hur samtycket återkallades.")},
    )


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Anteckning"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Skriv en anteckning.")},
    )
    visibility = forms.ChoiceField(
        label=_("Vem får läsa anteckningen?"),
        choices=Visibility.choices,
        initial=Visibility.INTERNAL,
        widget=forms.RadioSelect,
    )
    corrects = forms.IntegerField(widget=forms.HiddenInput, required=False)
    attachment = forms.FileField(label=_("Bifoga fil (valfritt)"), required=False)


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Fil"),
        help_text=_("PDF, PNG, JPEG, Word, Excel eller OpenDocument, högst 20 MB."),
        error_messages={"required": _("Välj en fil.")},
    )
    visibility = forms.ChoiceField(
        label=_("Vem får se filen?"),
        choices=Visibility.choices,
        initial=Visibility.INTERNAL,
        widget=forms.RadioSelect,
    )


class AssignHandlaggareForm(forms.Form):
    handlaggare = forms.ModelChoiceField(
        label=_("Ansvarig handläggare för din organisation"),
        queryset=Membership.objects.none(),
        required=False,
        empty_label=_("Ingen ansvarig"),
    )

    def __init__(self, *args: Any, organisation: Organisation | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        self.fields["handlaggare"].queryset = (  # type: ignore[attr-defined]
            get_user_model()
            .objects.filter(
                memberships__organisation=organisation, memberships__role__in=CASEWORKER_ROLES
            )
            .distinct()
            .order_by("last_name", "first_name")
        )


TIMELINE_KINDS = [
    ("", _("Alla händelser")),
    ("case_created", _("Ärendet skapades")),
    ("participation_added", _("Deltagare")),
    ("handlaggare_assigned", _("Handläggare")),
    ("consent_recorded", _("Samtycke dokumenterat")),
    ("consent_withdrawn", _("Samtycke återkallat")),
    ("note_added", _("Anteckningar")),
    ("attachment_added", _("Bilagor")),
]


class TimelineFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Visa"), choices=TIMELINE_KINDS, required=False)
