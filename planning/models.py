"""Pre-aggregated map counts, so the heat map never counts complaint rows while it is viewed."""

from __future__ import annotations

from django.db import models

from districts.models import Authority, Category


class HeatCell(models.Model):
    """How many complaints of a category, in an arrondissement, open or not, fall in one cell of
    the heat map's EPSG:3857 grid at one zoom (planning.selectors.cell_metres): a pyramid of
    counts, one level per zoom from PYRAMID_MIN_ZOOM (8) to MAX_ZOOM (18).

    Kept exact by triggers on the complaint table (migration planning/0002), in the same
    transaction as the change, whatever makes it: a new report, a status change, a re-routing,
    a reopening, a bulk UPDATE or a deletion. `manage.py rebuild_heat_cells` recomputes it."""

    zoom = models.SmallIntegerField()
    gx = models.IntegerField()
    gy = models.IntegerField()
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    arrondissement = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="+")
    is_open = models.BooleanField()
    complaints = models.IntegerField()

    class Meta:
        constraints = [
            # Holds every column the heat map reads: its queries are index-only scans.
            models.UniqueConstraint(
                fields=["zoom", "gx", "gy", "category", "arrondissement", "is_open"],
                include=["complaints"],
                name="heat_cell_key",
            ),
        ]

    def __str__(self) -> str:
        return f"z{self.zoom} ({self.gx}, {self.gy}) {self.category_id}: {self.complaints}"
