"""Public REST endpoints on complaints (no personal data)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.geos import Point
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from casa_map.api_errors import invalid_parameter
from districts.models import Authority, Category
from districts.serializers import CoordinatesSerializer

from . import selectors


class OpenComplaintsQuerySerializer(serializers.Serializer):
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=Category.objects.filter(is_active=True), required=False
    )
    arrondissement = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Authority.objects.filter(kind=Authority.Kind.ARRONDISSEMENT),
        required=False,
    )


class NearbyQuerySerializer(CoordinatesSerializer):
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=Category.objects.filter(is_active=True)
    )


class OpenComplaintsView(APIView):
    """Open complaints as GeoJSON for the public map (newest 5,000), filterable."""

    @extend_schema(
        parameters=[
            OpenApiParameter("category", str, description="category code"),
            OpenApiParameter("arrondissement", str, description="arrondissement slug"),
        ]
    )
    def get(self, request: Request) -> Response:
        present = {key: value for key, value in request.query_params.items() if value}
        query = OpenComplaintsQuerySerializer(data=present)
        if not query.is_valid():
            return invalid_parameter(query)
        category = query.validated_data.get("category")
        arrondissement = query.validated_data.get("arrondissement")
        return Response(
            selectors.open_complaints_geojson(
                category=category.code if category else None,
                arrondissement=arrondissement.slug if arrondissement else None,
            )
        )


class NearbyComplaintsView(APIView):
    """Open complaints of a category near a point, to support one instead of filing a duplicate."""

    @extend_schema(
        parameters=[
            OpenApiParameter("lat", float, required=True),
            OpenApiParameter("lon", float, required=True),
            OpenApiParameter("category", str, required=True),
        ]
    )
    def get(self, request: Request) -> Response:
        query = NearbyQuerySerializer(data=request.query_params)
        if not query.is_valid():
            return invalid_parameter(query)
        data = query.validated_data
        nearby = selectors.nearby_open_complaints(
            point=Point(data["lon"], data["lat"], srid=4326),
            category=data["category"],
            metres=settings.DUPLICATE_RADIUS_METRES,
        )
        return Response(
            [
                {
                    "reference": complaint.reference,
                    "title": complaint.title,
                    "status": complaint.get_status_display(),
                    "supports": complaint.support_count,
                    "distance_m": round(complaint.distance.m),
                    "created": complaint.created_at.date().isoformat(),
                    "url": complaint.get_absolute_url(),
                    "support_url": f"{complaint.get_absolute_url()}support/",
                }
                for complaint in nearby
            ]
        )
