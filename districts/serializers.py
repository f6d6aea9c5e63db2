"""Serializers of the districts API: they present; decisions are made in routing/selectors."""

from __future__ import annotations

import math

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from .models import ServiceArea


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
