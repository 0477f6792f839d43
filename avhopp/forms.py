"""The forms of the avhopparuppdrag pages, in Swedish. They check the shape of the input; the
rules (who, when, the catalogue, the balance, the notice) are the services'."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from avhopp.models import DisclosureBasis, MeasureKind, NoticeReason
from avhopp.permissions import KOMMUN_ROLES
from cases.models import Membership, Organisation
from cases.personnummer import IdentityNumberField

if TYPE_CHECKING:
    from accounts.models import User

DATE_ERRORS = {"required": _("Ange datum."), "invalid": _("Ange datum som ÅÅÅÅ-MM-DD.")}


def date_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages=DATE_ERRORS,
    )


def text_field(label: Any, *, required: bool = True, rows: int = 3, help_text: Any = "") -> Any:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": _("Fyll i fältet.")},
    )


class _Today(forms.Form):
    """Date fields default to today."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField) and field.required:
                field.initial = timezone.localdate()


# --- Creating the request ----------------------------------------------------------------------


class AssignmentCreateForm(forms.Form):
    home_municipality = forms.ModelChoiceField(
        label=_("Hemkommun (din nämnd)"),
        queryset=Organisation.objects.none(),
        empty_label=None,
    )
    receiver = forms.TypedChoiceField(
        label=_("Mottagande kommun och kontaktperson"),
        help_text=_(
            "Kontaktpersonen i den mottagande nämnden tilldelas uppdraget. Ingen annan där "
            "ser det förrän kontaktpersonen tilldelar en kollega."
        ),
        coerce=int,
        error_messages={"required": _("Välj mottagande kommun och kontaktperson.")},
    )
    identity = IdentityNumberField(error_messages={"required": _("Ange personnummer.")})
    first_name = forms.CharField(
        label=_("Förnamn"), max_length=100, error_messages={"required": _("Ange förnamn.")}
    )
    last_name = forms.CharField(
        label=_("Efternamn"), max_length=100, error_messages={"required": _("Ange efternamn.")}
    )
    protected_identity = forms.BooleanField(
        label=_("Klienten har skyddade personuppgifter (förvalt för avhoppare)"),
        required=False,
        initial=True,
    )
    disclosure_basis = forms.ChoiceField(
        label=_("Grund för att lämna ut uppgifter till den mottagande kommunen (§ 7)"),
        choices=DisclosureBasis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Ange grunden för att lämna ut uppgifterna.")},
    )
    confirm_over_balance = forms.BooleanField(
        label=_("Jag har sett varningen om balansen och vill lämna uppdraget ändå"),
        required=False,
    )

    def __init__(self, *args: Any, user: User, parties: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        party_ids = [o.pk for o in parties]
        own = Organisation.objects.filter(
            pk__in=party_ids,
            memberships__user=user,
            memberships__role__in=KOMMUN_ROLES,
        ).distinct()
        self.fields["home_municipality"].queryset = own  # type: ignore[attr-defined]
        groups: dict[str, list[tuple[int, str]]] = {}
        for membership in (
            Membership.objects.in_force()
            .filter(organisation_id__in=party_ids, role__in=KOMMUN_ROLES, user__is_active=True)
            .exclude(user=user)
            .select_related("user", "organisation")
            .order_by("organisation__name", "user__last_name", "user__first_name")
        ):
            groups.setdefault(membership.organisation.name, []).append(
                (
                    membership.pk,
                    f"{membership.user.get_full_name()} ({membership.get_role_display()})",
                )
            )
        self.fields["receiver"].choices = [  # type: ignore[attr-defined]
            ("", _("Välj kontaktperson")),
            *groups.items(),
        ]

    def clean_receiver(self) -> Membership:
        membership_id = self.cleaned_data["receiver"]
        membership = (
            Membership.objects.select_related("user", "organisation")
            .filter(pk=membership_id)
            .first()
        )
        if membership is None:
            raise forms.ValidationError(_("Välj mottagande kommun och kontaktperson."))
        return membership


# --- The steps of the uppdrag ------------------------------------------------------------------


class ConfirmForm(forms.Form):
    reason = text_field(_("Kommentar (valfritt)"), required=False, rows=2)


class PoliceForm(_Today):
    consulted_on = date_field(_("Datum för samrådet med polisen"))
    police_contact = forms.CharField(
        label=_("Vem ni samrådde med hos Polismyndigheten"),
        help_text=_("Funktion och enhet, t.ex. samordnare för avhopparverksamhet."),
        max_length=200,
        error_messages={"required": _("Ange vem ni samrådde med hos polisen.")},
    )


class MotivationForm(forms.Form):
    motivated = forms.BooleanField(label=_("Personen är motiverad till förändring"), required=False)
    motivation_note = text_field(_("Bedömning av motivationen"))


class DescriptionForm(forms.Form):
    uppdragsbeskrivning = text_field(
        _("Uppdragsbeskrivning"),
        rows=6,
        help_text=_("Vilka insatser ur avtalets katalog (§ 6) uppdraget avser, mål och tider."),
    )


class ChildrenFlagForm(forms.Form):
    note = text_field(
        _("Vilka barn har aktualiserats?"),
        help_text=_(
            "Uppdraget spärras tills båda kommunerna har registrerat hur ansvaret har "
            "klargjorts (§ 4)."
        ),
    )


class ChildrenClarifyForm(forms.Form):
    clarification = text_field(_("Hur ansvaret för barnen har klargjorts enligt SoL"))


class ImplementationForm(_Today):
    genomforandeplan = text_field(_("Genomförandeplan"), rows=6)
    started_on = date_field(_("Genomförandet startar"))


class CloseForm(forms.Form):
    end_note = text_field(_("Kommentar vid avslut (valfritt)"), required=False, rows=2)


class DeclineForm(forms.Form):
    reason = text_field(_("Skäl"), rows=2)


class TerminateForm(_Today):
    given_on = date_field(
        _("Uppsägningen lämnades skriftligt den"),
        help_text=_("Uppsägningstiden är en vecka; uppdraget upphör när den har löpt ut."),
    )
    reason_kind = forms.ChoiceField(
        label=_("Synnerliga skäl (§ 12)"),
        choices=NoticeReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj skälet för uppsägningen.")},
    )
    reason = text_field(_("Beskriv skälen"))
    written = forms.BooleanField(
        label=_("Uppsägningen har meddelats den andra kommunen skriftligt"),
        required=False,
    )


class MeasureForm(_Today):
    kind = forms.ChoiceField(
        label=_("Insats"),
        choices=[("", _("Välj insats")), *MeasureKind.choices],
        help_text=_(
            "Endast insatser i avhopparverksamhet enligt avtalets § 6. Boende och andra "
            "insatser, t.ex. hemtjänst och försörjningsstöd, ansvarar hemkommunen för (§ 5)."
        ),
        error_messages={"required": _("Välj en insats ur avtalets katalog.")},
    )
    starts_on = date_field(_("Insatsen från och med"))
    ends_on = date_field(_("Insatsen till och med"), required=False)
    cost = forms.DecimalField(
        label=_("Kostnad (kr)"),
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        localize=True,
        error_messages={
            "required": _("Ange kostnaden."),
            "invalid": _("Ange kostnaden som ett belopp i kronor."),
            "min_value": _("Kostnaden kan inte vara negativ."),
        },
    )
    cost_date = date_field(
        _("Kostnaden bokförd den"),
        help_text=_("Styr vilket halvår kostnaden stäms av i (§ 8)."),
    )
    note = forms.CharField(label=_("Kommentar (valfritt)"), max_length=300, required=False)


class AssignUserForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Kollega i din nämnd"),
        queryset=get_user_model().objects.none(),
        empty_label=_("Välj kollega"),
        error_messages={"required": _("Välj en kollega.")},
    )

    def __init__(
        self, *args: Any, organisation: Organisation | None, exclude: list[int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        users = get_user_model().objects.none()
        if organisation is not None:
            users = (
                get_user_model()
                .objects.filter(
                    memberships__organisation=organisation,
                    memberships__role__in=KOMMUN_ROLES,
                    is_active=True,
                )
                .exclude(pk__in=exclude)
                .distinct()
                .order_by("last_name", "first_name")
            )
        field = self.fields["user"]
        field.queryset = users  # type: ignore[attr-defined]
        field.label_from_instance = lambda u: u.get_full_name() or u.username  # type: ignore[attr-defined]


# --- The agreement and the reconciliation ------------------------------------------------------


class AgreementNoticeForm(_Today):
    given_on = date_field(_("Uppsägningen lämnades skriftligt den"))
    note = forms.CharField(label=_("Kommentar (valfritt)"), max_length=500, required=False)


class SettleForm(forms.Form):
    note = forms.CharField(
        label=_("Kommentar, t.ex. fakturans nummer (valfritt)"), max_length=500, required=False
    )
