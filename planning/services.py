"""Writes of the planning app: only the rebuild of the map aggregates (triggers keep them)."""

from __future__ import annotations

from django.db import connection, transaction

from .models import HeatCell


def rebuild_heat_cells() -> int:
    """Recomputes the pyramid of heat-map counts from the complaints; returns its row count."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT planning_rebuild_heat_cells()")
    return HeatCell.objects.count()
