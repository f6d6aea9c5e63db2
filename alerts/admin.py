from django.contrib import admin

from .models import Alert


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["kind", "email", "language", "confirmed_at", "created_at"]
    list_filter = ["kind", "language"]
    search_fields = ["email"]
    raw_id_fields = ["user", "complaint"]
    readonly_fields = ["token", "created_at"]
