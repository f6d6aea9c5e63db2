"""Admin list of complaints with filters. Routing, workflow and the timeline are read-only
here: complaints are filed through the report form or the API and move through the staff
workspace, so that every change is routed, checked against the workflow and recorded."""

from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin

from .models import AnswerEstimate, Attachment, Complaint, Event, OwedSms, SmsOptOut


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["kind", "file", "public_file", "thumbnail", "blur_boxes", "is_hidden", "created_at"]
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
    list_filter = [
        "status",
        "kind",
        "channel",
        "category",
        "authority__kind",
        "arrondissement",
        "is_demo",
        "moderation",
    ]
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
        "status",
        "priority",
        "assigned_to",
        "duplicate_of",
        "acknowledge_by",
        "acknowledge_days",
        "acknowledge_day_kind",
        "answer_by",
        "answer_days",
        "answer_day_kind",
        "acknowledged_at",
        "resolved_at",
        "reopen_count",
        "is_reopened",
        "satisfaction",
        "satisfaction_comment",
        "channel",
        "filed_by",
        "notify_by",
        "reported_media_url",
        # Moderation goes through the staff workspace (issues.moderation), with a reason.
        "moderation",
        "public_title",
        "public_description",
        "created_at",
        "updated_at",
    ]
    inlines = [AttachmentInline, EventInline]

    def has_add_permission(self, request):
        return False


@admin.register(SmsOptOut)
class SmsOptOutAdmin(admin.ModelAdmin):
    """Numbers that answered STOP (issues.sms.inbound). Deleting one lets SMS reach it again:
    only when its owner asks, in writing."""

    list_display = ["number", "keyword", "created_at"]
    search_fields = ["number"]
    readonly_fields = ["keyword", "created_at"]


@admin.register(OwedSms)
class OwedSmsAdmin(admin.ModelAdmin):
    """What was texted and what the SMSC said (issues.sms.delivery): read only."""

    list_display = ["key", "created_at", "sent_at", "skipped", "skip_reason", "delivery_status"]
    list_filter = ["skipped", "skip_reason", "delivery_status"]
    search_fields = ["key", "destination"]
    readonly_fields = [field.name for field in OwedSms._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(AnswerEstimate)
class AnswerEstimateAdmin(admin.ModelAdmin):
    """What 'usually answered within N days' says per authority and category, and from how many
    reports (issues.answer_times): recomputed daily, read only. An empty number of days: too
    few reports, or too many still open for the history to say."""

    list_display = ["authority", "category", "days", "quantile", "reports", "answered"]
    list_filter = ["authority"]
    readonly_fields = [field.name for field in AnswerEstimate._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
