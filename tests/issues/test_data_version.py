"""The numbers that make cached figures about complaints unreachable after a change
(issues.data_version), on the local-memory cache and on Redis."""

from __future__ import annotations

import uuid

import pytest
from django.core.cache import cache
from django.test import override_settings

from issues import data_version

ARRONDISSEMENT = data_version.arrondissement_scope(7)
CATEGORY = data_version.category_scope(3)
OTHER_CATEGORY = data_version.category_scope(4)

REDIS_CACHE = {
    "BACKEND": "django.core.cache.backends.redis.RedisCache",
    "LOCATION": "redis://127.0.0.1:6379/15",
}
LOCAL_CACHE = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}


@pytest.fixture(params=["redis", "locmem"])
def fresh_cache(request):
    # A prefix of its own: nothing another test (or an earlier run) stored can be read here.
    backend = REDIS_CACHE if request.param == "redis" else LOCAL_CACHE
    configured = {**backend, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    with override_settings(CACHES={"default": configured}):
        yield
        scopes = (data_version.CITY, ARRONDISSEMENT, CATEGORY, OTHER_CATEGORY)
        cache.delete_many([f"{data_version.PREFIX}:{scope}" for scope in scopes])


def test_a_bump_moves_the_city_and_the_named_scopes_and_leaves_the_others(fresh_cache):
    before = {s: data_version.current(s) for s in (data_version.CITY, ARRONDISSEMENT, CATEGORY)}
    other_before = data_version.current(OTHER_CATEGORY)

    data_version.bump(ARRONDISSEMENT, CATEGORY)

    after = {s: data_version.current(s) for s in before}
    assert after == {scope: number + 1 for scope, number in before.items()}
    assert data_version.current(OTHER_CATEGORY) == other_before


def test_a_number_the_cache_lost_comes_back_from_the_clock_not_from_one(fresh_cache):
    lost = data_version.current(CATEGORY)
    cache.delete(f"{data_version.PREFIX}:{CATEGORY}")

    data_version.bump(CATEGORY)

    assert data_version.current(CATEGORY) > lost


def test_a_bump_while_redis_does_not_answer_is_made_once_it_answers_again(fresh_cache):
    """Redis stopped or failing over: the bump does not fail the change that asked for it; the
    number moves on this process's next use of it."""
    before = data_version.current(CATEGORY)
    city_before = data_version.current(data_version.CITY)
    unreachable = {"BACKEND": REDIS_CACHE["BACKEND"], "LOCATION": "redis://127.0.0.1:1/0"}

    try:
        with override_settings(CACHES={"default": unreachable}):
            data_version.bump(CATEGORY)  # does not raise

        assert data_version.current(CATEGORY) > before
        assert data_version.current(data_version.CITY) > city_before
    finally:
        data_version._deferred.clear()
