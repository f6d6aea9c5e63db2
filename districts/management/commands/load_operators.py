"""(Re)load operators, their service areas and category assignments from a JSON file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from districts.reference_data import ReferenceDataError, load_operators


class Command(BaseCommand):
    help = "Load delegated-management operators and their assignments (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, nargs="?", default=Path("fixtures/operators.json"))

    def handle(self, *args, path: Path, **options):
        try:
            counts = load_operators(path)
        except (OSError, ValueError, KeyError, ReferenceDataError) as error:
            raise CommandError(f"{path} was not loaded; nothing changed: {error}") from error
        self.stdout.write(f"{path}: {counts.summary()}")
