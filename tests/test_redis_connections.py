"""How Casa Map reaches Redis (casa_map.redis_connections): the environment's sentinels become the
cache's and the broker's configuration, and a report is received when no sentinel answers."""

from __future__ import annotations

from django.core.cache import caches
from django.test import Client

from casa_map import redis_connections
from issues.models import Complaint
from tests.issues.test_public_api import filing


def test_sentinel_addresses_are_read_with_the_default_port():
    parsed = redis_connections.parse_sentinels(["10.0.0.1:26380", " sentinel-2 ", "::1:26381"])

    assert parsed == [("10.0.0.1", 26380), ("sentinel-2", 26379), ("::1", 26381)]


def test_the_broker_url_names_every_sentinel_and_the_database():
    url = redis_connections.broker_through_sentinels([("a", 1), ("b", 2)], db=3)

    assert url == "sentinel://a:1/3;sentinel://b:2/3"
    assert redis_connections.broker_options_through_sentinels("casa-map")["master_name"] == (
        "casa-map"
    )


def test_the_cache_through_sentinels_hands_out_its_redis_client(settings):
    settings.CACHES = {
        "default": redis_connections.cache_through_sentinels([("127.0.0.1", 1)], "casa-map", 0)
    }

    client = redis_connections.redis_client(caches["default"])

    assert client.connection_pool.service_name == "casa-map"
    assert client.connection_pool.is_master


def test_a_local_memory_cache_has_no_redis_client(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

    assert redis_connections.redis_client(caches["default"]) is None


def test_with_no_sentinel_answering_the_api_still_files_the_report(casablanca, point_in, settings):
    settings.CACHES = {  # nothing listens on port 1: no sentinel can name a master
        "default": redis_connections.cache_through_sentinels([("127.0.0.1", 1)], "casa-map", 0)
    }
    client = Client(raise_request_exception=False)

    response = client.post("/api/v1/complaints/", filing(point_in("anfa")))

    assert response.status_code == 201
    assert Complaint.objects.filter(reference=response.json()["reference"]).exists()
