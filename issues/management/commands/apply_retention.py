from django.core.management.base import BaseCommand

from issues.retention import apply_retention


class Command(BaseCommand):
    help = (
        "Applies the retention periods of law 09-08 (settings RETENTION_*): erases reporters' "
        "contact details and deletes photo originals after a report is closed, deletes "
        "rejected reports with their files. Runs daily by Celery beat; safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be erased; change nothing."
        )

    def handle(self, *args, **options):
        run = apply_retention(dry_run=options["dry_run"])
        prefix = "would be " if run.dry_run else ""
        self.stdout.write(
            f"contact details {prefix}erased: {run.contacts_erased}\n"
            f"photo originals {prefix}deleted: {run.photo_originals_deleted}\n"
            f"rejected reports {prefix}deleted: {run.reports_deleted}\n"
            f"files {prefix}deleted: {run.files_deleted}"
        )
