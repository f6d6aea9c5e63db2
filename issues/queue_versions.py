"""A version number per authority's queue, bumped after every committed change to one of its
complaints. Readers that cache figures about a queue (counts, maps) put the version in their
cache key, so a change makes the old figures unreachable at once, with no scan to invalidate."""

from __future__ import annotations

from django.core.cache import cache

ALL = "all"


def _key(scope) -> str:
    return f"queue-version:{scope}"


def version(scope) -> int:
    """`scope`: an authority id, or ALL for the city-wide view."""
    return cache.get_or_set(_key(scope), 1, timeout=None)


def bump(*authority_ids: int) -> None:
    for scope in (*authority_ids, ALL):
        try:
            cache.incr(_key(scope))
        except ValueError:  # not cached yet (or evicted): any new value invalidates
            cache.set(_key(scope), 2, timeout=None)
