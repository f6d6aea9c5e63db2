"""Recomputes the heat map's pyramids of counts (all time and by week) from the complaints
(triggers keep them exact; this is for a load made with the triggers disabled, or as a check)."""

from django.core.management.base import BaseCommand

from planning.services import rebuild_heat_cells


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        cells, week_cells = rebuild_heat_cells()
        self.stdout.write(
            f"heat cells: {cells:,} rows, by week: {week_cells:,} rows, rebuilt from the complaints"
        )
