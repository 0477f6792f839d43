"""The admin is for the systemförvaltare: organisations, users and their memberships.

Clients, cases, journals and logs are deliberately *not* in the admin: they would bypass the
access rule, consent and the access log. They are reached only through the application."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts.models import User
from cases.models import Membership, Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name"]
    autocomplete_fields = ["parent"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "valid_until"]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["user__username", "user__last_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


class BryggaUserAdmin(UserAdmin):
    inlines = [MembershipInline]


admin.site.unregister(User)
admin.site.register(User, BryggaUserAdmin)

from cases import admin_reminders  # noqa: E402, F401
