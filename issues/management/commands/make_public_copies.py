from datetime import timedelta

from django.core.management.base import BaseCommand

from issues.photos import make_public_copy, photos_without_public_copy


class Command(BaseCommand):
    help = (
        "Makes the blurred public copy and thumbnail of every photo that has none (received "
        "before faces and plates were blurred, or whose task was lost); they are not shown to "
        "the public until then. Safe to run again, and beside the worker."
    )

    def handle(self, *args, **options):
        done = sum(
            make_public_copy(attachment_id)
            for attachment_id in photos_without_public_copy(older_than=timedelta(0))
        )
        self.stdout.write(f"{done} public cop{'y' if done == 1 else 'ies'} made")
