"""Load all of Casablanca's reference data from fixtures/ (safe to run again)."""

from django.core.management.base import BaseCommand, CommandError

from districts.boundaries import BoundaryFileError
from districts.reference_data import ReferenceDataError, seed_city


class Command(BaseCommand):
    help = "Load préfectures, arrondissements, categories, operators and assignments (idempotent)."

    def handle(self, *args, **options):
        try:
            reports = seed_city()
        except (BoundaryFileError, ReferenceDataError) as error:
            raise CommandError(str(error)) from error
        for name, report in reports.items():
            self.stdout.write(f"{name}: {report.summary().splitlines()[0]}")
