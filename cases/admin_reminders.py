"""Admin for the reminder settings (the systemförvaltare changes them without a deploy) and a
read-only list of reminders, where final delivery failures are visible (issue 6).

The reminder list shows the case reference and the kind of deadline only, like the e-mails:
the admin bypasses the access rule, so it must show nothing a case page would protect."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from cases.models import Reminder, ReminderKindSetting, ReminderOffset


@admin.register(ReminderOffset)
class ReminderOffsetAdmin(admin.ModelAdmin):
    list_display = ["kind", "days_before", "active"]
    list_editable = ["days_before", "active"]
    list_filter = ["kind", "active"]


@admin.register(ReminderKindSetting)
class ReminderKindSettingAdmin(admin.ModelAdmin):
    list_display = ["kind", "overdue_to_chef"]
    list_editable = ["overdue_to_chef"]


class FailedFilter(admin.SimpleListFilter):
    title = _("leverans")
    parameter_name = "misslyckade"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("ja", str(_("Misslyckade")))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Reminder]) -> QuerySet[Reminder]:
        if self.value() == "ja":
            return queryset.filter(status=Reminder.Status.FAILED)
        return queryset


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = [
        "case_reference",
        "deadline_kind",
        "kind",
        "due_on",
        "recipient",
        "status",
        "channel",
        "attempts",
        "sent_at",
        "failed_at",
        "last_error",
    ]
    list_filter = [FailedFilter, "status", "channel", "kind"]
    list_select_related = ["deadline__case", "recipient"]
    search_fields = ["deadline__case__reference"]
    date_hierarchy = "created_at"
    # The detail page shows the same safe columns (not the deadline's free-text label).
    fields = readonly_fields = (
        "case_reference",
        "deadline_kind",
        "kind",
        "due_on",
        "recipient",
        "status",
        "channel",
        "created_at",
        "queued_at",
        "attempts",
        "sent_at",
        "failed_at",
        "last_error",
    )

    @admin.display(description=_("ärende"), ordering="deadline__case__reference")
    def case_reference(self, reminder: Reminder) -> str:
        return reminder.deadline.case.reference

    @admin.display(description=_("typ av frist"))
    def deadline_kind(self, reminder: Reminder) -> str:
        return str(reminder.deadline.get_kind_display())

    # A record of what was sent: nobody adds, edits or deletes it by hand.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
