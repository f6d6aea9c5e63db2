"""/healthz answers 200 when the database, the cache and the broker answer, 503 naming what is
down, and is never cached."""

from __future__ import annotations

import pytest

from tests.conftest import celery_broker

pytestmark = pytest.mark.django_db

LOCAL_REDIS = "redis://127.0.0.1:6379/15"
NOTHING_LISTENS = "redis://127.0.0.1:1/0"


def test_all_up_with_tasks_run_in_process(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    assert response.json() == {
        "status": "ok",
        "down": [],
        "checks": {
            "database": "ok",
            "database_pooler": "none",
            "database_replica": "none",
            "cache": "ok",
            "broker": "in-process",
        },
    }


def test_the_connection_pooler_is_named(client, settings):
    settings.DATABASE_POOLER = "pgbouncer"

    checks = client.get("/healthz").json()["checks"]

    assert (checks["database"], checks["database_pooler"]) == ("ok", "pgbouncer")


def test_all_up_with_a_real_redis_cache_and_broker(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": LOCAL_REDIS,
        }
    }
    with celery_broker(LOCAL_REDIS):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["checks"] == {
        "database": "ok",
        "database_pooler": "none",
        "database_replica": "none",
        "cache": "ok",
        "broker": "ok",
    }


def test_a_broker_that_does_not_answer_is_named(client):
    with celery_broker(NOTHING_LISTENS):
        response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["down"]) == ("down", ["broker"])
    assert body["checks"]["broker"].startswith("down (")
    assert body["checks"]["database"] == "ok"


def test_a_cache_that_does_not_answer_is_named(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": NOTHING_LISTENS,
        }
    }

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["down"] == ["cache"]


def test_livez_answers_without_asking_any_service(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/livez")

    assert response.status_code == 200
    assert response.json() == {"status": "alive"}
