"""E-mail each authority the list of its overdue complaints (run daily by cron or a worker)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from staff.digests import send_overdue_digests


class Command(BaseCommand):
    help = "E-mail each authority (and its managers) the complaints overdue in its queue."

    def handle(self, *args, **options):
        report = send_overdue_digests(today=timezone.localdate())
        for slug, count in report.sent.items():
            self.stdout.write(f"{slug}: {count} overdue complaints e-mailed")
        for slug in report.without_address:
            self.stdout.write(
                f"{slug}: overdue complaints but no e-mail address (set it in the admin)"
            )
        for slug in report.already_sent:
            self.stdout.write(f"{slug}: today's digest was already sent")
        for slug in report.failed:
            self.stderr.write(f"{slug}: the digest could not be sent")
