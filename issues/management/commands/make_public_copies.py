from django.core.management.base import BaseCommand

from issues.models import Attachment
from issues.moderation import make_public_copy


class Command(BaseCommand):
    help = (
        "Makes the blurred public copy of photos received before faces and plates were blurred "
        "(they are not shown to the public until then). Safe to run again."
    )

    def handle(self, *args, **options):
        pending = Attachment.objects.filter(kind=Attachment.Kind.IMAGE, public_file="")
        done = 0
        for attachment in pending.iterator():
            make_public_copy(attachment)
            done += 1
        self.stdout.write(f"{done} public cop{'y' if done == 1 else 'ies'} made")
