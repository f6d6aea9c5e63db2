"""Serializers of the districts API: they present; decisions are made in routing/selectors."""

from __future__ import annotations

import math

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from .models import Authority, Category, ServiceArea
from .working_days import DayKind


class CoordinatesSerializer(serializers.Serializer):
    """`lat`/`lon` query parameters in WGS 84 degrees."""

    lat = serializers.FloatField(min_value=-90, max_value=90)
    lon = serializers.FloatField(min_value=-180, max_value=180)

    default_error_messages = {"not_finite": _("Must be a finite number.")}

    def validate_lat(self, value: float) -> float:
        return self._finite(value)

    def validate_lon(self, value: float) -> float:
        return self._finite(value)

    def _finite(self, value: float) -> float:
        if not math.isfinite(value):
            self.fail("not_finite")
        return value


class NamesSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name_fr = serializers.CharField()
    name_ar = serializers.CharField()


class HandlerSerializer(NamesSerializer):
    kind = serializers.CharField()


def handler_payload(routing) -> dict:
    data = HandlerSerializer(routing.authority).data
    data["fell_back_to_arrondissement"] = routing.fell_back
    data["explanation"] = str(routing.explanation)
    return data


class ArrondissementBoundarySerializer(GeoFeatureModelSerializer):
    slug = serializers.CharField(source="authority.slug")
    name_fr = serializers.CharField(source="authority.name_fr")
    name_ar = serializers.CharField(source="authority.name_ar")
    hcp_code = serializers.CharField(source="authority.hcp_code")
    prefecture = serializers.SlugRelatedField(
        source="authority.prefecture", slug_field="slug", read_only=True
    )
    population_2024 = serializers.IntegerField(source="authority.population_2024")

    class Meta:
        model = ServiceArea
        geo_field = "geometry"
        id_field = False
        fields = ["slug", "name_fr", "name_ar", "hcp_code", "prefecture", "population_2024"]


class CategorySerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="in the caller's language")
    acknowledge_days = serializers.IntegerField(read_only=True, help_text="to acknowledge")
    answer_days = serializers.IntegerField(read_only=True, help_text="to answer")
    acknowledge_day_kind = serializers.ChoiceField(
        choices=DayKind.choices, read_only=True, help_text="how acknowledge_days are counted"
    )
    answer_day_kind = serializers.ChoiceField(
        choices=DayKind.choices, read_only=True, help_text="how answer_days are counted"
    )
    extra_questions = serializers.SerializerMethodField(
        help_text="questions asked beyond the description (none are configured yet)"
    )

    class Meta:
        model = Category
        fields = [
            "code",
            "name",
            "name_fr",
            "name_ar",
            "icon",
            "acknowledge_days",
            "answer_days",
            "acknowledge_day_kind",
            "answer_day_kind",
            "extra_questions",
        ]

    def get_extra_questions(self, category) -> list[dict]:
        return []


class AuthoritySerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="in the caller's language")
    prefecture = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Authority
        fields = [
            "slug",
            "kind",
            "name",
            "name_fr",
            "name_ar",
            "website",
            "prefecture",
            "hcp_code",
            "population_2024",
        ]


class ServiceAreaSerializer(GeoFeatureModelSerializer):
    """An operator's or arrondissement's area, with the categories it handles there today."""

    authority = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    authority_name = serializers.CharField(source="authority.name", read_only=True)
    categories = serializers.SerializerMethodField()

    class Meta:
        model = ServiceArea
        geo_field = "geometry"
        id_field = False
        fields = ["code", "name", "authority", "authority_name", "categories", "source"]

    def get_categories(self, area) -> list[str]:
        return sorted(assignment.category.code for assignment in area.current_assignments)
