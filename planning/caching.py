"""Caching the figures that are not read from the pyramids: under the data version of what the
selection covers (issues.data_version), which every committed change to one of its complaints
bumps, and under today's date."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.utils import timezone

from casa_map import replica
from issues import data_version

from .selection import Selection

CACHE_SECONDS = 60 * 60


def cache_key(name: str, selection: Selection, *extra, city_wide=False) -> str:
    """The key of a figure of this selection and `extra` arguments for today and the current
    data version: that of the selection's arrondissement, else of its category, else the
    city's (`city_wide`: the city's whatever the selection, for figures that read beyond it)."""
    variant = hashlib.sha256(repr((selection.cache_key(), extra)).encode()).hexdigest()[:32]
    scope = data_version.CITY if city_wide else version_scope(selection)
    return ":".join(
        [
            "planning",
            name,
            scope,
            str(data_version.current(scope)),
            timezone.localdate().isoformat(),
            variant,
        ]
    )


def cached(
    name: str, selection: Selection, compute: Callable[[], object], *extra, city_wide=False
) -> object:
    """`compute()`, or its cached result under `cache_key`."""
    key = cache_key(name, selection, *extra, city_wide=city_wide)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, keep_seconds())
    return value


def keep_seconds() -> int:
    """How long a computed figure is kept: an hour, or, where it may have been read from a
    lagging replica, no longer than that lag (a newer data version may already be filed)."""
    return replica.cache_seconds(CACHE_SECONDS)


def version_scope(selection: Selection) -> str:
    """The narrowest data version that changes whenever the selection's complaints do."""
    if selection.arrondissement is not None:
        return data_version.arrondissement_scope(selection.arrondissement.pk)
    if selection.category is not None:
        return data_version.category_scope(selection.category.pk)
    return data_version.CITY
