from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import AccessibilityReport


class AccessibilityReportForm(forms.ModelForm):
    class Meta:
        model = AccessibilityReport
        fields = ["page", "description", "contact"]
        labels = {
            "page": _("Vilken sida gäller det? (valfritt)"),
            "description": _("Beskriv problemet"),
            "contact": _("Hur når vi dig för svar? (valfritt)"),
        }
        help_texts = {
            "description": _(
                "Berätta vad du försökte göra och vad som hindrade dig. "
                "Skriv inga uppgifter om klienter."
            ),
        }
        error_messages = {"description": {"required": _("Beskriv problemet.")}}
