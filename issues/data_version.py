"""Numbers that change after every committed change the services make to complaints: one for the
whole city, one per arrondissement and one per category. Readers that cache figures about
complaints (the planners' aggregates) put the narrowest number that covers their selection in
their cache key, so a change makes the old figures it affects unreachable at once, with no scan
to invalidate, and leaves the others alone: a new report in Anfa does not touch a figure cached
for Sidi Moumen."""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from redis.exceptions import RedisError

from casa_map.redis_connections import redis_client

logger = logging.getLogger(__name__)

CITY = "city"
PREFIX = "complaints-data-version"

# Scopes whose bump failed while the cache did not answer (Redis stopped or failing over): this
# process bumps them again with its next bump or read of a number, so figures cached before the
# outage do not outlive it. The change itself was committed; only its effect on caches waits.
_deferred: set[str] = set()
_deferred_lock = threading.Lock()


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
    if _deferred:
        bump()
    # Started from the clock, not 1: if the cache loses the key, the new number cannot be one
    # whose figures are still cached.
    return cache.get_or_set(f"{PREFIX}:{scope}", time.time_ns, timeout=None)


def bump(*scopes: str) -> None:
    """The city's number and those of `scopes` change. Never raises for a cache that does not
    answer: the bump is deferred (`_deferred`) and logged."""
    with _deferred_lock:
        wanted = {CITY, *scopes, *_deferred}
        _deferred.clear()
    try:
        _bump_now(sorted(wanted))
    except (RedisError, OSError) as error:
        with _deferred_lock:
            _deferred.update(wanted)
        logger.warning("data-version bump deferred: the cache failed (%s)", type(error).__name__)


def _bump_now(scopes: list[str]) -> None:
    keys = [f"{PREFIX}:{scope}" for scope in scopes]
    backend = caches[DEFAULT_CACHE_ALIAS]
    client = redis_client(backend, write=True)
    if client is not None:
        _bump_in_redis(client, [backend.make_and_validate_key(key) for key in keys])
        return
    for key in keys:
        try:
            backend.incr(key)
        except ValueError:  # not cached (evicted, or a new cache): any fresh number invalidates
            backend.set(key, time.time_ns(), timeout=None)


def _bump_in_redis(client, stored_keys: list[str]) -> None:
    """One round trip for every number (Django's `incr` takes two per key): a key that is missing
    starts from the clock, as above, then each is incremented. Django's cache has no pipeline:
    the cache's own Redis client (casa_map.redis_connections) is asked for one."""
    fresh = time.time_ns()
    with client.pipeline(transaction=False) as pipeline:
        for stored_key in stored_keys:
            pipeline.set(stored_key, fresh, nx=True)
            pipeline.incr(stored_key)
        pipeline.execute()
