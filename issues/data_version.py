"""One number that changes after every committed change the services make to complaints.
Readers that cache figures about complaints (the planners' aggregates) put it in their cache key,
so any change makes every old figure unreachable at once, with no scan to invalidate."""

from __future__ import annotations

import time

from django.core.cache import cache

KEY = "complaints-data-version"


def current() -> int:
    # Started from the clock, not 1: if the cache loses the key, the new number cannot be one
    # whose figures are still cached.
    return cache.get_or_set(KEY, time.time_ns, timeout=None)


def bump() -> None:
    try:
        cache.incr(KEY)
    except ValueError:  # not cached (evicted, or a new cache): any fresh number invalidates
        cache.set(KEY, time.time_ns(), timeout=None)
