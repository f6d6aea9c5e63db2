"""Recomputes the heat map's pyramid of counts from the complaints (they are kept exact by
triggers; this is for a load made with the triggers disabled, or as a check)."""

from django.core.management.base import BaseCommand

from planning.services import rebuild_heat_cells


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        rows = rebuild_heat_cells()
        self.stdout.write(f"heat cells: {rows:,} rows rebuilt from the complaints")
