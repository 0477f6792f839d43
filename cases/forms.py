"""Forms of the case page and of opening a case. Labels and errors in Swedish."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from cases.forms_filters import ListSelect, html_attributes
from cases.models import Consent, Membership, Organisation, Visibility
from cases.personnummer import IdentityNumberField
from cases.roles import CASEWORKER_ROLES, CHEF_ROLES, OrganisationKind
from cases.states import CaseType


class PythonTextarea(forms.Textarea):
    """A ``Textarea`` that writes Django's ``textarea.html`` in Python (byte for byte, as
    ``ListSelect`` does for the select; tests/cases/test_case_page_speed.py compares them)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        esc = conditional_escape
        text = esc(widget["value"]) if widget["value"] else ""
        return mark_safe(  # noqa: S308 - every value is escaped
            f'<textarea name="{esc(widget["name"])}"{html_attributes(widget["attrs"])}>\n'
            f"{text}</textarea>"
        )


class PythonDateInput(forms.DateInput):
    """A ``DateInput`` that writes Django's ``input.html`` in Python (byte for byte)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        esc = conditional_escape
        shown = f' value="{esc(widget["value"])}"' if widget["value"] is not None else ""
        return mark_safe(  # noqa: S308 - every value is escaped
            f'<input type="{esc(widget["type"])}" name="{esc(widget["name"])}"{shown}'
            f"{html_attributes(widget['attrs'])}>"
        )


DATE_WIDGET = PythonDateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Organisations that open and run cases together (DOMAIN.md §1); others join later.
COUNTERPART_KINDS = (OrganisationKind.KOMMUN, OrganisationKind.FRIVARD, OrganisationKind.ANSTALT)


class ValuesChoiceIterator(ModelChoiceIterator):
    """The options of a ``ValuesChoiceField``: one ``values_list`` query, as the field's
    ``label_from_instance`` would label the rows, without model instances or the server-side
    cursor ``ModelChoiceIterator`` opens (its own round trips). The empty option comes first,
    before the query runs, as in ``ModelChoiceIterator``."""

    field: ValuesChoiceField | ValuesMultipleChoiceField

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        label = self.field.label_from_row
        for row in self.queryset.values_list(*self.field.label_columns):
            yield (row[0], label(row))


class ValuesChoiceField(forms.ModelChoiceField):
    """Options read as ``label_columns`` (the primary key first) and labelled by
    ``label_from_row``; validation (``queryset.get``) and ``cleaned_data`` (model instances)
    are the ``ModelChoiceField``'s own. Default: the ``name`` column, as ``str(organisation)``."""

    iterator = ValuesChoiceIterator
    label_columns: tuple[str, ...] = ("pk", "name")

    def label_from_row(self, row: tuple[Any, ...]) -> str:
        return str(row[1])


class ValuesMultipleChoiceField(forms.ModelMultipleChoiceField):
    """``ValuesChoiceField`` for several choices."""

    iterator = ValuesChoiceIterator
    label_columns: tuple[str, ...] = ("pk", "name")

    def label_from_row(self, row: tuple[Any, ...]) -> str:
        return str(row[1])


class UserChoiceField(ValuesChoiceField):
    """Users labelled as ``User.__str__``: the full name, else the username."""

    label_columns = ("pk", "first_name", "last_name", "username")

    def label_from_row(self, row: tuple[Any, ...]) -> str:
        _pk, first_name, last_name, username = row
        return f"{first_name} {last_name}".strip() or str(username)


class ClientFieldsForm(forms.Form):
    """Who the client is, as every form that opens a case asks it."""

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


class CaseCreateForm(ClientFieldsForm):
    field_order = [
        "case_type",
        "organisation",
        *ClientFieldsForm.base_fields,
        "counterpart",
        "court",
        "malnummer",
    ]

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
    parties = ValuesMultipleChoiceField(
        label=_("Parter som samtycket omfattar"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Välj minst en part som samtycket omfattar.")},
    )
    scope = forms.CharField(
        label=_("Omfattning"),
        help_text=_("Vilka uppgifter och vilket syfte samtycket gäller."),
        widget=PythonTextarea(attrs={"rows": 3}),
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
        widget=PythonTextarea(attrs={"rows": 3}),
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
        widget=PythonTextarea(attrs={"rows": 2}),
        error_messages={"required": _("Skriv när och hur samtycket återkallades.")},
    )


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Anteckning"),
        widget=PythonTextarea(attrs={"rows": 5}),
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
    handlaggare = UserChoiceField(
        label=_("Ansvarig handläggare för din organisation"),
        queryset=Membership.objects.none(),
        required=False,
        empty_label=_("Ingen ansvarig"),
        # About a hundred caseworkers: one template include per option would cost more than
        # the rest of the form (docs/performance.md, "Case page").
        widget=ListSelect,
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
    kind = forms.ChoiceField(
        label=_("Visa"), choices=TIMELINE_KINDS, required=False, widget=ListSelect
    )
