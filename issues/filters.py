"""Filters of the public complaints API (django-filter and spatial filter backends). Every
refused value answers 400 naming the parameter and, where it has a set of values, listing them."""

from __future__ import annotations

import math
from datetime import datetime, time, timedelta

import django_filters
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.filters import BaseFilterBackend, OrderingFilter

from casa_map import inputs
from casa_map.api_errors import InvalidParameter, invalid_parameter_body, parameter_error
from districts.models import Authority, Category
from planning.pyramid import published_count

from . import public_view, selectors
from .models import OPEN_STATUSES, Complaint

STATUS_CHOICES = [("open", "open"), ("closed", "closed"), *Complaint.Status.choices]
MAX_DISTANCE_METRES = 50_000


def start_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class BoundedDateFilter(django_filters.DateFilter):
    field_class = inputs.BoundedDateField


class PublicComplaintFilter(django_filters.FilterSet):
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.all(), to_field_name="code"
    )
    status = django_filters.ChoiceFilter(choices=STATUS_CHOICES, method="filter_status")
    arrondissement = django_filters.ModelChoiceFilter(
        queryset=Authority.objects.filter(kind=Authority.Kind.ARRONDISSEMENT),
        to_field_name="slug",
    )
    authority = django_filters.ModelChoiceFilter(
        queryset=Authority.objects.all(), to_field_name="slug"
    )
    kind = django_filters.ChoiceFilter(choices=Complaint.Kind.choices)
    received_after = BoundedDateFilter(method="filter_received_after")
    received_before = BoundedDateFilter(method="filter_received_before")

    class Meta:
        model = Complaint
        fields = ["category", "status", "arrondissement", "authority", "kind"]

    def filter_status(self, queryset, name, value):
        if value == "open":
            return queryset.open()
        if value == "closed":
            return queryset.closed()
        return queryset.filter(status=value)

    # Filters the public count can be read for without counting rows: from the queue tallies
    # (status, authority) or from the heat map's pyramid of published complaints (category,
    # arrondissement, open or closed).
    COUNTED_FROM_QUEUE_TALLIES = {"status", "authority"}
    COUNTED_FROM_PYRAMID = {"status", "category", "arrondissement"}

    def count_without_rows(self) -> int | None:
        """The number of public complaints this filter keeps when the tallies hold it (both
        respect moderation: issues.selectors.count_public, planning.pyramid.published_count);
        None otherwise, or when the filter is not valid."""
        if not self.is_valid():
            return None
        cleaned = self.form.cleaned_data
        given = {name for name, value in cleaned.items() if value}
        status = cleaned.get("status") or None
        if given <= self.COUNTED_FROM_QUEUE_TALLIES:
            statuses = {
                None: None,
                "open": OPEN_STATUSES,
                "closed": tuple(s for s in Complaint.Status.values if s not in OPEN_STATUSES),
            }.get(status, (status,))
            authority = cleaned.get("authority")
            return selectors.count_public(
                statuses=statuses, authority_id=authority.pk if authority else None
            )
        if given <= self.COUNTED_FROM_PYRAMID and status in (None, "open", "closed"):
            category, arrondissement = cleaned.get("category"), cleaned.get("arrondissement")
            return published_count(
                category_id=category.pk if category else None,
                arrondissement_id=arrondissement.pk if arrondissement else None,
                is_open=None if status is None else status == "open",
            )
        return None

    def filter_received_after(self, queryset, name, value):
        """Received on or after that day (Casablanca time)."""
        return queryset.filter(created_at__gte=start_of(value))

    def filter_received_before(self, queryset, name, value):
        """Received on or before that day (Casablanca time)."""
        return queryset.filter(created_at__lt=start_of(value) + timedelta(days=1))


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter, answering refused values in the API's invalid_parameter shape."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise InvalidParameter(invalid_parameter_body(filterset.form))
        return filterset.qs


class StrictOrderingFilter(OrderingFilter):
    """Orders by the view's `ordering_fields` (a minus sign for descending); an unknown field is
    refused rather than ignored. Ties are broken by id, so pages never overlap."""

    def get_ordering(self, request, queryset, view):
        text = request.query_params.get(self.ordering_param)
        if not text:
            return [*view.ordering, "-id"]
        fields = [part.strip() for part in text.split(",") if part.strip()]
        accepted = [
            f"{sign}{name}" for name in view.ordering_fields for sign in ("", "-")
        ]  # fmt: skip
        for field in fields:
            if field not in accepted:
                raise InvalidParameter(
                    {
                        "error": f"{self.ordering_param}: "
                        + _("Unknown field.")
                        + " "
                        + _("Accepted values: %(values)s.") % {"values": ", ".join(accepted)},
                        "code": "invalid_parameter",
                        "parameter": self.ordering_param,
                        "accepted": accepted,
                    }
                )
        return [*fields, "-id"]


def parse_numbers(text: str, count: int, parameter: str, message) -> list[float]:
    try:
        numbers = [float(part) for part in text.split(",")]
    except ValueError as bad:
        raise parameter_error(parameter, message) from bad
    if len(numbers) != count or not all(math.isfinite(n) for n in numbers):
        raise parameter_error(parameter, message)
    return numbers


class InBoxFilter(BaseFilterBackend):
    """`in_bbox=west,south,east,north` (WGS 84 degrees): complaints inside the box."""

    def filter_queryset(self, request, queryset, view):
        try:
            box = inputs.box(request.query_params.get("in_bbox"))
        except ValidationError as refused:
            raise parameter_error("in_bbox", refused.messages[0]) from refused
        if box is None:
            return queryset
        return public_view.inside(queryset, box)


class WithinDistanceFilter(BaseFilterBackend):
    """`point=lon,lat&dist=metres`: complaints within that many metres of the point, measured on
    the sphere (never in degrees); the GiST index narrows the candidates to a box first."""

    def filter_queryset(self, request, queryset, view):
        text = request.query_params.get("point")
        if not text:
            return queryset
        lon, lat = parse_numbers(text, 2, "point", _("Give two numbers: longitude,latitude."))
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise parameter_error("point", _("Give two numbers: longitude,latitude."))
        message = _("Give a distance in metres, from 1 to %(max)d.") % {"max": MAX_DISTANCE_METRES}
        (metres,) = parse_numbers(request.query_params.get("dist") or "1000", 1, "dist", message)
        if not 1 <= metres <= MAX_DISTANCE_METRES:
            raise parameter_error("dist", message)
        return public_view.near(queryset, Point(lon, lat, srid=4326), metres)
