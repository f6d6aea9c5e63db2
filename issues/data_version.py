"""Numbers that change after every committed change the services make to complaints: one for the
whole city, one per arrondissement and one per category. Readers that cache figures about
complaints (the planners' aggregates) put the narrowest number that covers their selection in
their cache key, so a change makes the old figures it affects unreachable at once, with no scan
to invalidate, and leaves the others alone: a new report in Anfa does not touch a figure cached
for Sidi Moumen."""

from __future__ import annotations

import time

from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache

CITY = "city"
PREFIX = "complaints-data-version"


def arrondissement_scope(arrondissement_id: int) -> str:
    return f"arrondissement:{arrondissement_id}"


def category_scope(category_id: int) -> str:
    return f"category:{category_id}"


def scopes_of(complaint) -> tuple[str, ...]:
    """What a change to this complaint can change: its arrondissement's and category's figures
    (and the city's, always)."""
    return (
        arrondissement_scope(complaint.arrondissement_id),
        category_scope(complaint.category_id),
    )


def current(scope: str = CITY) -> int:
    # Started from the clock, not 1: if the cache loses the key, the new number cannot be one
    # whose figures are still cached.
    return cache.get_or_set(f"{PREFIX}:{scope}", time.time_ns, timeout=None)


def bump(*scopes: str) -> None:
    """The city's number and those of `scopes` change."""
    keys = [f"{PREFIX}:{scope}" for scope in (CITY, *scopes)]
    backend = caches[DEFAULT_CACHE_ALIAS]
    if isinstance(backend, RedisCache):
        _bump_in_redis(backend, keys)
        return
    for key in keys:
        try:
            backend.incr(key)
        except ValueError:  # not cached (evicted, or a new cache): any fresh number invalidates
            backend.set(key, time.time_ns(), timeout=None)


def _bump_in_redis(redis_cache: RedisCache, keys: list[str]) -> None:
    """One round trip for every number (Django's `incr` takes two per key): a key that is missing
    starts from the clock, as above, then each is incremented. Django's cache has no pipeline:
    its own Redis client (`_cache.get_client`) is asked for one."""
    client = redis_cache._cache.get_client(write=True)
    fresh = time.time_ns()
    with client.pipeline(transaction=False) as pipeline:
        for key in keys:
            stored_key = redis_cache.make_and_validate_key(key)
            pipeline.set(stored_key, fresh, nx=True)
            pipeline.incr(stored_key)
        pipeline.execute()
