from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.contrib.gis.geos import Point

from districts.models import Category
from issues.services import create_complaint


@pytest.fixture
def file_at(casablanca, point_in):
    """`file_at("anfa", east_m=20, code="noise", on=date(…))`: a complaint filed through the
    service at a point of that arrondissement, moved by a few metres."""

    def _file(
        slug: str,
        *,
        east_m: float = 0,
        north_m: float = 0,
        code: str = "roads-potholes",
        on: date | None = None,
    ):
        centre = point_in(slug)
        location = Point(
            centre.x + east_m / 92_800, centre.y + north_m / 111_320, srid=4326
        )  # metres → degrees at Casablanca's latitude
        fields = {
            "category": Category.objects.get(code=code),
            "location": location,
            "title": f"Problème à {slug}",
            "description": "Description.",
        }
        if on is None:
            return create_complaint(**fields)
        with time_machine.travel(on, tick=False):
            return create_complaint(**fields)

    return _file
