"""Create a few generated demo complaints (marked as demo) if there are none yet."""

from django.core.management.base import BaseCommand

from issues.demo import seed_demo_complaints


class Command(BaseCommand):
    help = "Create generated demo complaints, marked is_demo, unless some exist already."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=40)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, count: int, seed: int, **options):
        created = seed_demo_complaints(count=count, seed=seed)
        if created:
            self.stdout.write(f"{len(created)} demo complaints created (generated, not real)")
        else:
            self.stdout.write("demo complaints already present: nothing created")
