"""Shapes of the maps' and figures' answers, built in SQL or as plain dicts, declared for the
OpenAPI schema so integrators and schemathesis know what each one returns."""

from __future__ import annotations

from rest_framework import serializers

from districts.serializers import NamesSerializer


class MapFeatureProperties(serializers.Serializer):
    """A cluster (`cluster`, `complaints`) or a single report's pin (the other fields)."""

    cluster = serializers.BooleanField(required=False)
    complaints = serializers.IntegerField(required=False)
    reference = serializers.CharField(required=False)
    title = serializers.CharField(required=False)
    category = serializers.CharField(required=False)
    status = serializers.CharField(required=False)
    arrondissement = serializers.CharField(required=False)
    authority_name = serializers.CharField(
        required=False, help_text="who handles it, in the language asked for"
    )
    supports = serializers.IntegerField(required=False)
    created = serializers.DateTimeField(required=False)
    resolved = serializers.DateTimeField(required=False, allow_null=True)
    thumbnail = serializers.CharField(
        required=False, allow_null=True, help_text="the first public (blurred) photo's thumbnail"
    )
    demo = serializers.BooleanField(required=False)


class PointGeometry(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Point"])
    coordinates = serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2)


class MapFeature(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Feature"])
    geometry = PointGeometry()
    properties = MapFeatureProperties()


class MapFeatureCollection(serializers.Serializer):
    type = serializers.ChoiceField(choices=["FeatureCollection"])
    mode = serializers.ChoiceField(choices=["clusters", "pins"])
    total = serializers.IntegerField(help_text="open reports shown")
    fixed = serializers.IntegerField(
        required=False, help_text="reports fixed in the last 30 days in view (with `fixed`)"
    )
    suppressed = serializers.IntegerField(
        required=False, help_text="left out of clusters or pins to protect reporters"
    )
    features = MapFeature(many=True)


class HeatMapAnswer(serializers.Serializer):
    cell_metres = serializers.FloatField()
    cells = serializers.ListField(
        child=serializers.ListField(child=serializers.FloatField(), min_length=3, max_length=3),
        help_text="[lat, lon, complaints] of each non-empty cell's centre",
    )
    max = serializers.IntegerField()
    total = serializers.IntegerField()
    suppressed = serializers.IntegerField(help_text="left out to protect reporters")
    scale = serializers.ChoiceField(
        choices=["view", "week", "weeks"],
        help_text="what scale_max covers: this answer (view, week) or the last 52 weeks (weeks)",
    )
    scale_max = serializers.IntegerField(help_text="the top of the colour scale")


class HotspotAnswer(serializers.Serializer):
    complaints = serializers.IntegerField()
    category = serializers.CharField()
    category_name = serializers.CharField()
    oldest_days = serializers.IntegerField()
    median_age_days = serializers.IntegerField()
    lat = serializers.FloatField()
    lon = serializers.FloatField()
    radius_m = serializers.IntegerField()
    method = serializers.ChoiceField(
        choices=["dbscan", "grid"],
        help_text="dbscan: exact, over every report; grid: the same rule over squares of the "
        "map's grid, for selections too large for DBSCAN (ages from the week received)",
    )


class ArrondissementFiguresAnswer(NamesSerializer):
    population_2024 = serializers.IntegerField(allow_null=True)
    complaints = serializers.IntegerField()
    per_10k = serializers.FloatField(allow_null=True)
