"""Forms of "Mina frister", the notification settings and the calendar link."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms import DATE_WIDGET
from cases.models import NotificationPreference


class DeadlineExtendForm(forms.Form):
    new_due_date = forms.DateField(
        label=_("Nytt datum"),
        help_text=_("Till exempel 2026-05-18."),
        widget=DATE_WIDGET,
        error_messages={
            "required": _("Ange det nya datumet."),
            "invalid": _("Ange datumet som ÅÅÅÅ-MM-DD."),
        },
    )
    reason = forms.CharField(
        label=_("Skäl"),
        help_text=_("Till exempel att domstolen har förlängt tiden för yttrandet."),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Ange skälet till att fristen ändras.")},
    )

    def __init__(self, *args: Any, current_due_date: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current_due_date = current_due_date

    def clean_new_due_date(self) -> date:
        value: date = self.cleaned_data["new_due_date"]
        if value == self.current_due_date:
            raise forms.ValidationError(_("Välj ett annat datum än det nuvarande."))
        if value < timezone.localdate():
            raise forms.ValidationError(_("Det nya datumet kan inte ligga före dagens datum."))
        return value


class NotificationPreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["email_enabled", "daily_digest"]


class CalendarTokenForm(forms.Form):
    action = forms.ChoiceField(choices=[("skapa", "skapa"), ("stang", "stang")])
