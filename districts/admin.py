"""Admin for the city's reference data: editable with GeoDjango's OpenStreetMap widget."""

from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin

from .models import (
    Assignment,
    Authority,
    Category,
    NonWorkingDay,
    Place,
    Prefecture,
    ServiceArea,
)


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    autocomplete_fields = ["service_area"]
    fields = ["service_area", "valid_from", "valid_until", "source"]


class ServiceAreaInline(admin.TabularInline):
    model = ServiceArea
    extra = 0
    fields = ["code", "name"]
    show_change_link = True


@admin.register(Prefecture)
class PrefectureAdmin(GISModelAdmin):
    list_display = ["name_fr", "name_ar", "slug", "population_2024"]
    search_fields = ["name_fr", "name_ar", "slug"]


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ["name_fr", "name_ar", "kind", "prefecture", "email"]
    list_filter = ["kind", "prefecture"]
    search_fields = ["name_fr", "name_ar", "slug"]
    inlines = [ServiceAreaInline]


@admin.register(ServiceArea)
class ServiceAreaAdmin(GISModelAdmin):
    list_display = ["name", "code", "authority"]
    list_filter = ["authority__kind", "authority"]
    search_fields = ["name", "code", "authority__name_fr"]
    list_select_related = ["authority"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "name_fr",
        "name_ar",
        "code",
        "position",
        "is_active",
        "acknowledge_within_days",
        "acknowledge_day_kind",
        "answer_within_days",
        "answer_day_kind",
        "duplicate_radius_metres",
        "duplicate_window_weeks",
    ]
    list_editable = ["position", "is_active"]
    list_filter = ["acknowledge_day_kind", "answer_day_kind"]
    search_fields = ["name_fr", "name_ar", "code"]
    inlines = [AssignmentInline]


@admin.register(NonWorkingDay)
class NonWorkingDayAdmin(admin.ModelAdmin):
    """Where the city records the holidays as announced and its exceptional closures; deadlines
    in working days skip them (districts.working_days)."""

    list_display = ["day", "kind", "name", "replaces"]
    list_filter = ["kind", "replaces"]
    search_fields = ["name", "source"]
    date_hierarchy = "day"


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["category", "service_area", "valid_from", "valid_until"]
    list_filter = ["category", "service_area__authority"]
    list_select_related = ["category", "service_area"]
    autocomplete_fields = ["service_area"]


@admin.register(Place)
class PlaceAdmin(GISModelAdmin):
    list_display = [
        "osm_name",
        "name_ar",
        "other_name_ar",
        "kind",
        "group",
        "arrondissement",
        "osm_key",
    ]
    list_filter = ["group", "kind", "arrondissement"]
    search_fields = ["osm_name", "name_fr", "name_ar", "other_name_ar", "osm_key"]
    list_select_related = ["arrondissement"]
