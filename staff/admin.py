"""Staff memberships are managed in the admin."""

from django.contrib import admin

from districts.models import StaffMembership


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "authority"]
    list_filter = ["role", "authority__kind", "authority"]
    search_fields = ["user__username", "user__email", "authority__name_fr"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "authority"]
