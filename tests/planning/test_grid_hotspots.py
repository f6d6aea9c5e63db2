"""Hotspots on the grid of the pyramid of counts follow exact DBSCAN: planted clusters in a
scattered background, both methods on the same selection."""

from __future__ import annotations

import random

import pytest
from django.contrib.gis.geos import Point

from bench.hotspot_comparison import compare_hotspot_methods
from districts.models import Category
from districts.selectors import random_points_in_city
from issues.models import Complaint
from planning import selectors
from planning.selection import Selection
from tests.factories import ComplaintFactory

METRES_PER_DEGREE_NORTH = 111_320
METRES_PER_DEGREE_EAST = 92_800  # at Casablanca's latitude


def plant(rng: random.Random, centre: Point, count: int, sigma_m: float, category) -> None:
    for _ in range(count):
        ComplaintFactory(
            category=category,
            location=Point(
                centre.x + rng.gauss(0, sigma_m) / METRES_PER_DEGREE_EAST,
                centre.y + rng.gauss(0, sigma_m) / METRES_PER_DEGREE_NORTH,
                srid=4326,
            ),
        )


@pytest.mark.parametrize("seed", [1, 2])
def test_grid_hotspots_cover_the_exact_dbscan_hotspots(casablanca, point_in, seed):
    rng = random.Random(seed)
    potholes = Category.objects.get(code="roads-potholes")
    for slug, count in [("anfa", 40), ("maarif", 25), ("sidi-moumen", 15), ("hay-hassani", 12)]:
        plant(rng, point_in(slug), count, sigma_m=25, category=potholes)
    for point in random_points_in_city(150, seed=seed):
        ComplaintFactory(category=potholes, location=point)

    figures = compare_hotspot_methods(Selection(), metres=100, min_count=8)

    assert figures["dbscan_hotspots"] == 4
    assert figures["grid_hotspots"] >= 4
    assert figures["covered_share"] >= 0.95
    assert figures["centre_distance_max_m"] <= 40
    assert 0.8 <= figures["complaints_ratio"] <= 1.5


def test_grid_hotspots_report_category_age_and_extent(casablanca, point_in):
    rng = random.Random(3)
    plant(rng, point_in("anfa"), 12, 20, Category.objects.get(code="roads-potholes"))
    plant(rng, point_in("anfa"), 5, 20, Category.objects.get(code="street-lighting"))

    [hotspot] = selectors.grid_hotspots(Selection(), metres=100, min_count=8)

    assert hotspot.method == "grid"
    assert hotspot.complaints == 17
    assert hotspot.category.code == "roads-potholes"
    assert hotspot.oldest_days <= 6 and hotspot.median_age_days <= 6  # all received this week
    centre = point_in("anfa")
    assert abs(hotspot.lat - centre.y) * METRES_PER_DEGREE_NORTH < 40
    assert abs(hotspot.lon - centre.x) * METRES_PER_DEGREE_EAST < 40
    assert 20 <= hotspot.radius_m <= 250
    newest = Complaint.objects.order_by("-created_at", "-id").values_list("reference", flat=True)
    assert hotspot.newest_references == tuple(newest[:17])
