"""Admin list of complaints with filters; routing fields are read-only (set by routing)."""

from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin

from .models import Complaint


@admin.register(Complaint)
class ComplaintAdmin(GISModelAdmin):
    list_display = [
        "reference",
        "title",
        "category",
        "authority",
        "arrondissement",
        "status",
        "is_demo",
        "created_at",
    ]
    list_filter = ["status", "kind", "category", "authority__kind", "arrondissement", "is_demo"]
    search_fields = ["reference", "title", "description"]
    list_select_related = ["category", "authority", "arrondissement"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "reference",
        "arrondissement",
        "authority",
        "service_area",
        "routing_fell_back",
        "created_at",
        "updated_at",
    ]
