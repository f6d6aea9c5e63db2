"""Shared test fixtures: Casablanca's real reference data in a real PostGIS test database."""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import connection
from shapely.geometry import shape

from casa_map import celery_app
from districts.models import Assignment, Authority, Category, Prefecture, ServiceArea
from districts.reference_data import seed_city
from issues.services import create_complaint

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


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (rate limits, cached counts), as the database does,
    with no rate limit counted in process (casa_map.limits' fallback when Redis is down) and no
    data-version bump deferred by an earlier test's outage (issues.data_version), and no
    category-suggestion model held in process."""
    from django.core.cache import cache

    from casa_map import limits
    from issues import category_suggestion, data_version

    cache.clear()
    limits._LOCAL_COUNTS.clear()
    data_version._deferred.clear()
    category_suggestion.forget_loaded_model()  # the newest model is the database's, as it is


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Each test stores uploads in a folder of its own: none writes into the working tree, and
    none sees another's files."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    """SMS parts kept in memory (issues.sms.backends.locmem), like Django's mail.outbox; each
    test starts with it empty."""
    from issues.sms.backends import locmem

    settings.SMS_BACKEND = "issues.sms.backends.locmem.SmsBackend"
    locmem.outbox.clear()
    return locmem.outbox


@pytest.fixture(autouse=True)
def default_language(settings):
    """Each test starts in the default language: a request in Arabic leaves Arabic active in
    the thread, which would otherwise leak into the next test."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def database_url(name: str | None = None) -> str:
    """DATABASE_URL of the test database (or of database `name` on the same server), for the
    processes a test starts (workers, scripts, another pytest)."""
    database = connection.settings_dict
    user = f"{database['USER']}@" if database["USER"] else ""
    host = database["HOST"] or ""
    port = f":{database['PORT']}" if database["PORT"] else ""
    return f"postgis://{user}{host}{port}/{name or database['NAME']}"


def server_params() -> dict:
    """psycopg2.connect() arguments for the test database's server, for a second session."""
    return {
        key.lower(): value
        for key, value in connection.settings_dict.items()
        if key in ("HOST", "PORT", "USER", "PASSWORD") and value
    }


@contextmanager
def celery_broker(url: str, queue: str = "celery"):
    """Tasks published to a real broker at `url` (queue `queue`) instead of running in process,
    as in production; the app's connection pools are dropped on the way in and out."""
    conf = celery_app.conf
    saved = {key: conf[key] for key in ("broker_url", "task_always_eager", "task_default_queue")}
    conf.update(broker_url=url, task_always_eager=False, task_default_queue=queue)
    celery_app._after_fork()  # what Celery does after a fork: forget pooled connections
    try:
        yield
    finally:
        conf.update(saved)
        celery_app._after_fork()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Seeds the real city once into the new test database; each test's rollback keeps it."""
    with django_db_blocker.unblock():
        seed_city()


@pytest.fixture
def casablanca(db):
    """The real préfectures, arrondissements, categories and operators, loaded from fixtures/.

    Re-loaded only when a transactional test (live server) has flushed the tables.
    """
    if not Authority.objects.filter(kind=Authority.Kind.ARRONDISSEMENT).exists():
        seed_city()


@pytest.fixture
def empty_city(db):
    """No reference data at all, for tests of the loaders themselves (rolled back afterwards)."""
    for model in (Assignment, ServiceArea, Authority, Prefecture, Category):
        model.objects.all().delete()


@pytest.fixture
def point_in():
    """`point_in("maarif")`: a point well inside that arrondissement, from the boundary data."""
    features = {
        feature["properties"]["id"]: feature for feature in _features("arrondissements.geojson")
    }

    def _point(slug: str) -> Point:
        return point_inside(features[slug])

    return _point


@pytest.fixture
def report_in(casablanca, point_in):
    """`report_in("anfa", "roads-potholes", title=…)`: a complaint filed through the service."""

    def _report(slug: str, code: str = "roads-potholes", **fields):
        values = {
            "category": Category.objects.get(code=code),
            "location": point_in(slug),
            "title": f"Problème à {slug}",
            "description": "Description du problème.",
        }
        return create_complaint(**(values | fields))

    return _report


@pytest.fixture
def live_city(live_server, transactional_db):
    """The live server with the real city loaded (its database is flushed after each test)."""
    if not Authority.objects.filter(kind=Authority.Kind.ARRONDISSEMENT).exists():
        seed_city()
    return live_server


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
