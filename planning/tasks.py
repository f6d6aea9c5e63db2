"""Keeping the planners' first page warm: the city-wide figures and hotspots a planner opens
first are computed by the worker after the data they cover changed, not by the next visitor."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from . import selectors
from .selection import Selection


@shared_task
def warm_planning_figures() -> list[str]:
    selection = Selection()
    for name in selectors.FIGURES:
        selectors.figure(name, selection)
    selectors.cached_hotspots(selection, settings.HOTSPOT_METRES, settings.HOTSPOT_MIN_COUNT)
    return [*selectors.FIGURES, "hotspots"]
