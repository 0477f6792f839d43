"""The vårdgivare register is master data kept by the systemförvaltare in the admin (DOMAIN.md
§4). It holds no personal data: providers are legal entities (enskilda firmor, whose number is a
personnummer, are rejected by the organisationsnummer validation)."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from ansvarsforbindelse.models import CareProvider
from ansvarsforbindelse.orgnummer import OrganisationNumberField


class CareProviderAdminForm(forms.ModelForm):
    # The form field normalises to NNNNNN-NNNN before the unique check, so the same number typed
    # without a hyphen is reported as a duplicate instead of failing on the database constraint.
    organisation_number = OrganisationNumberField()

    class Meta:
        model = CareProvider
        fields = [
            "name",
            "organisation_number",
            "procured_by",
            "form_of_care",
            "valid_from",
            "valid_to",
            "address",
            "is_active",
        ]


@admin.register(CareProvider)
class CareProviderAdmin(admin.ModelAdmin):
    form = CareProviderAdminForm
    list_display = [
        "name",
        "organisation_number",
        "procured_by",
        "form_of_care",
        "valid_from",
        "valid_to",
        "is_active",
    ]
    list_filter = ["procured_by", "form_of_care", "is_active"]
    search_fields = ["name", "organisation_number", "address"]
    date_hierarchy = "valid_from"
