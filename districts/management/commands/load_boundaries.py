"""(Re)import a boundary GeoJSON file: validated first, applied whole or not at all."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from districts.boundaries import BoundaryFileError, Level, import_boundaries


class Command(BaseCommand):
    help = (
        "Import arrondissement (default) or préfecture boundaries from a GeoJSON FeatureCollection "
        "in WGS 84. Idempotent: records are updated in place, keyed on each feature's 'id'."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--level", choices=Level.CHOICES, default=Level.ARRONDISSEMENT)

    def handle(self, *args, path: Path, level: str, **options):
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from error
        try:
            report = import_boundaries(raw, level=level)
        except BoundaryFileError as error:
            details = "\n".join(f"  - {problem}" for problem in error.problems)
            raise CommandError(f"{path} was not imported; nothing changed:\n{details}") from error
        self.stdout.write(f"{path} ({level}): {report.summary()}")
