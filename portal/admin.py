from django.contrib import admin

from portal.models import AccessibilityReport


@admin.register(AccessibilityReport)
class AccessibilityReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "page", "handled_at"]
    list_filter = ["handled_at"]
    readonly_fields = ["created_at", "reporter", "page", "description", "contact"]
