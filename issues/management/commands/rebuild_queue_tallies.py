"""Recompute the staff queues' counts (issues.QueueTally) from the complaints."""

from django.core.management.base import BaseCommand

from issues.services import rebuild_queue_tallies


class Command(BaseCommand):
    help = "Recompute the queue tallies from the complaints (after a load with triggers off)."

    def handle(self, *args, **options):
        rows = rebuild_queue_tallies()
        self.stdout.write(f"queue tallies rebuilt: {rows} rows")
