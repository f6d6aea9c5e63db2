"""Pre-aggregated map counts, so the heat map never counts complaint rows while it is viewed."""

from __future__ import annotations

from django.db import models

from districts.models import Authority, Category

# The pyramids are derived from the complaints, whose own keys are checked: a constraint or an
# index here would only add work to every report filed (a key check that locks the category and
# the arrondissement row, and two more index entries, for each of the ~20 cells a report
# touches). Django still cascades a deletion.
DERIVED_FOREIGN_KEY = {
    "on_delete": models.CASCADE,
    "related_name": "+",
    "db_constraint": False,
    "db_index": False,
}


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
    category = models.ForeignKey(Category, **DERIVED_FOREIGN_KEY)
    arrondissement = models.ForeignKey(Authority, **DERIVED_FOREIGN_KEY)
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


class HeatWeekCell(models.Model):
    """The same counts as HeatCell, split by the week the complaints were received (its Monday,
    in the city's time zone), at the heat map's zooms only (MIN_ZOOM 10 to MAX_ZOOM 18): what
    the windows of dates ("last 30 days") and the week slider read. Kept by the same kind of
    triggers (migration planning/0004); `manage.py rebuild_heat_cells` recomputes it too."""

    zoom = models.SmallIntegerField()
    week = models.DateField()
    gx = models.IntegerField()
    gy = models.IntegerField()
    category = models.ForeignKey(Category, **DERIVED_FOREIGN_KEY)
    arrondissement = models.ForeignKey(Authority, **DERIVED_FOREIGN_KEY)
    is_open = models.BooleanField()
    complaints = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["zoom", "week", "gx", "gy", "category", "arrondissement", "is_open"],
                include=["complaints"],
                name="heat_week_cell_key",
            ),
        ]

    def __str__(self) -> str:
        return f"z{self.zoom} {self.week} ({self.gx}, {self.gy}): {self.complaints}"
