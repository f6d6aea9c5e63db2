"""REST endpoints about places: where a point is and who handles what there; boundaries."""

from __future__ import annotations

from django.contrib.gis.geos import Point
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from casa_map.api_errors import ErrorSerializer, invalid_parameter

from . import routing_table, selectors
from .answers import LocationAnswer, PlaceAnswer
from .errors import OutsideServiceArea
from .geocoding import GeocoderUnavailable, get_geocoder
from .models import Authority
from .routing import route_categories
from .serializers import (
    ArrondissementBoundarySerializer,
    AuthoritySerializer,
    CategorySerializer,
    CoordinatesSerializer,
    NamesSerializer,
    ServiceAreaSerializer,
    handler_payload,
)


class LocateView(APIView):
    """Which arrondissement and préfecture a point is in, and who handles each category there."""

    @extend_schema(
        parameters=[
            OpenApiParameter("lat", float, required=True, description="Latitude, WGS 84"),
            OpenApiParameter("lon", float, required=True, description="Longitude, WGS 84"),
        ],
        responses={200: LocationAnswer},
    )
    def get(self, request: Request) -> Response:
        coordinates = CoordinatesSerializer(data=request.query_params)
        if not coordinates.is_valid():
            return invalid_parameter(coordinates)
        point = Point(
            coordinates.validated_data["lon"], coordinates.validated_data["lat"], srid=4326
        )
        table = routing_table.current()
        try:
            location = selectors.locate(point, table=table)
        except OutsideServiceArea as error:
            return Response(
                {"error": str(error.message), "code": error.code}, status=status.HTTP_404_NOT_FOUND
            )
        decisions = route_categories(
            point, table.active_categories.values(), location=location, table=table
        )
        try:
            address = get_geocoder().reverse(point)
        except GeocoderUnavailable:
            address = None
        return Response(
            {
                "lat": point.y,
                "lon": point.x,
                "arrondissement": NamesSerializer(location.arrondissement).data,
                "prefecture": NamesSerializer(location.prefecture).data
                if location.prefecture
                else None,
                "handlers": {code: handler_payload(routing) for code, routing in decisions.items()},
                "address": address.label if address else None,
            }
        )


class ArrondissementBoundariesView(ListAPIView):
    """The 16 arrondissement boundaries as a GeoJSON FeatureCollection (full precision).
    © OpenStreetMap contributors, ODbL; population HCP RGPH 2024."""

    serializer_class = ArrondissementBoundarySerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.arrondissement_areas().order_by("authority__slug")


class PlacesView(APIView):
    """Search places by name (French or Arabic, typo tolerant): the gazetteer by default."""

    @extend_schema(
        parameters=[OpenApiParameter("q", str, required=True)],
        responses={
            200: PlaceAnswer(many=True),
            503: OpenApiResponse(ErrorSerializer, description="the geocoder is unavailable"),
        },
    )
    def get(self, request: Request) -> Response:
        query = request.query_params.get("q", "").strip()[:100]
        try:
            found = get_geocoder().search(query)
        except GeocoderUnavailable:
            return Response(
                {
                    "error": str(_("Place search is unavailable; place the pin by hand.")),
                    "code": "geocoder_unavailable",
                },
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
            )
        return Response(
            [{"label": p.label, "detail": p.detail, "lat": p.lat, "lon": p.lon} for p in found]
        )


class CategoriesView(ListAPIView):
    """The categories a report can be filed under, with names in French and Arabic and their
    deadlines (days to acknowledge and to answer)."""

    serializer_class = CategorySerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.active_categories().order_by("position", "code")


class AuthoritiesView(ListAPIView):
    """Who handles complaints: the 16 arrondissements and the delegated-management operators."""

    serializer_class = AuthoritySerializer
    pagination_class = None

    def get_queryset(self):
        return Authority.objects.select_related("prefecture").order_by("kind", "slug")


class ServiceAreasView(ListAPIView):
    """Every authority's service areas as GeoJSON, with the categories assigned there today by
    contract (an arrondissement handles every category no operator covers at a point)."""

    serializer_class = ServiceAreaSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.service_areas(on=timezone.localdate())
