"""Shapes of the complaints API's answers that views build as plain dicts, declared for the
OpenAPI schema."""

from __future__ import annotations

from rest_framework import serializers


class NearbyComplaintAnswer(serializers.Serializer):
    reference = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    is_open = serializers.BooleanField()
    supports = serializers.IntegerField()
    distance_m = serializers.IntegerField()
    score = serializers.FloatField(
        help_text="How likely the same problem, 0 to 1: distance, category and text similarity."
    )
    created = serializers.DateField()
    thumbnail = serializers.CharField(
        allow_null=True, help_text="Path of the first public photo's thumbnail, if any."
    )
    url = serializers.CharField()
    support_url = serializers.CharField()


class CategorySuggestionAnswer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(help_text="In the caller's language (French or Arabic).")
    score = serializers.FloatField(help_text="The model's probability, 0 to 1.")
