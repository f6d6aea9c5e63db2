"""Shapes of the districts API's answers that views build as plain dicts (locate, place
search), declared for the OpenAPI schema."""

from __future__ import annotations

from rest_framework import serializers

from .serializers import HandlerSerializer, NamesSerializer


class HandlerAnswer(HandlerSerializer):
    fell_back_to_arrondissement = serializers.BooleanField()
    explanation = serializers.CharField()


class LocationAnswer(serializers.Serializer):
    lat = serializers.FloatField()
    lon = serializers.FloatField()
    arrondissement = NamesSerializer()
    prefecture = NamesSerializer(allow_null=True)
    handlers = serializers.DictField(child=HandlerAnswer(), help_text="by category code")
    address = serializers.CharField(allow_null=True, help_text="nearest named place")


class PlaceAnswer(serializers.Serializer):
    label = serializers.CharField()
    detail = serializers.CharField(allow_blank=True)
    lat = serializers.FloatField()
    lon = serializers.FloatField()
