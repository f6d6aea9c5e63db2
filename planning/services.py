"""Writes of the planning app: only the rebuild of the map aggregates (triggers keep them)."""

from __future__ import annotations

from django.db import connection, transaction

from .models import HeatCell, HeatWeekCell


def rebuild_heat_cells() -> tuple[int, int]:
    """Recomputes both pyramids of heat-map counts (all time, and by week received) from the
    complaints; returns their row counts."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT planning_rebuild_heat_cells()")
        cursor.execute("SELECT planning_rebuild_heat_weeks()")
    return HeatCell.objects.count(), HeatWeekCell.objects.count()
