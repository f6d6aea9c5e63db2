"""Admin list of complaints with filters; routing fields and the timeline are read-only."""

from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin

from .models import Attachment, Complaint, Event


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["kind", "file", "thumbnail", "created_at"]
    readonly_fields = fields
    can_delete = False


class EventInline(admin.TabularInline):
    """The audit trail: written by services only, never edited by hand."""

    model = Event
    extra = 0
    fields = [
        "created_at",
        "kind",
        "from_status",
        "to_status",
        "authority",
        "actor",
        "public_message",
        "internal_note",
    ]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Complaint)
class ComplaintAdmin(GISModelAdmin):
    list_display = [
        "reference",
        "title",
        "category",
        "authority",
        "arrondissement",
        "status",
        "support_count",
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
        "support_count",
        "acknowledge_by",
        "answer_by",
        "created_at",
        "updated_at",
    ]
    inlines = [AttachmentInline, EventInline]
