"""Keeping the planners' first page warm: the city-wide figures and hotspots a planner opens
first are computed by the worker after the data they cover changed, not by the next visitor."""

from __future__ import annotations

from celery import shared_task

from . import selectors
from .selection import Selection, hotspot_defaults


@shared_task
def warm_planning_figures() -> list[str]:
    selection = Selection()
    for name in selectors.FIGURES:
        selectors.figure(name, selection)
    defaults = hotspot_defaults()
    selectors.cached_hotspots(selection, defaults["metres"], defaults["min_count"])
    return [*selectors.FIGURES, "hotspots"]
