"""Shared test fixtures: Casablanca's real reference data in a real PostGIS test database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from shapely.geometry import shape

from districts.models import Authority
from districts.reference_data import seed_city

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def _features(name: str) -> list[dict]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))["features"]


def point_inside(feature: dict) -> Point:
    """A point guaranteed inside a GeoJSON feature's polygon (shapely's point_on_surface)."""
    surface_point = shape(feature["geometry"]).point_on_surface()
    return Point(surface_point.x, surface_point.y, srid=4326)


@pytest.fixture(scope="session")
def arrondissement_features() -> list[dict]:
    return _features("arrondissements.geojson")


@pytest.fixture(scope="session")
def neighbour_features() -> list[dict]:
    return _features("neighbours.geojson")


@pytest.fixture(scope="session")
def commune_features() -> dict[str, dict]:
    return {feature["properties"]["name"]: feature for feature in _features("commune.geojson")}


@pytest.fixture
def casablanca(db):
    """The real préfectures, arrondissements, categories and operators, loaded from fixtures/.

    Loaded once into the test database and kept by each test's rollback; re-loaded only after a
    transactional test (live server) has flushed the tables.
    """
    if not Authority.objects.exists():
        seed_city()


@pytest.fixture
def point_in():
    """`point_in("maarif")`: a point well inside that arrondissement, from the boundary data."""
    features = {
        feature["properties"]["id"]: feature for feature in _features("arrondissements.geojson")
    }

    def _point(slug: str) -> Point:
        return point_inside(features[slug])

    return _point
