"""Staff memberships and ready-made replies are managed in the admin."""

from django.contrib import admin

from districts.models import StaffMembership

from .models import ResponseTemplate


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "authority"]
    list_filter = ["role", "authority__kind", "authority"]
    search_fields = ["user__username", "user__email", "authority__name_fr"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "authority"]


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "authority", "is_active"]
    list_filter = ["is_active", "category", "authority__kind"]
    search_fields = ["title", "text_fr", "text_ar"]
    list_select_related = ["category", "authority"]
