from django.core.management.base import BaseCommand

from issues.services import recompute_answer_estimates


class Command(BaseCommand):
    help = (
        "Recomputes how long each authority usually takes to answer each category's reports "
        "(Kaplan–Meier over the last ANSWER_ESTIMATE_HISTORY_DAYS, open reports censored) and "
        "stores it for the confirmation and tracking pages, the API and Open311. Runs daily by "
        "Celery beat; safe to run again."
    )

    def handle(self, *args, **options):
        estimates = recompute_answer_estimates()
        shown = sum(1 for estimate in estimates if estimate.days is not None)
        self.stdout.write(f"groups: {len(estimates)}, with an estimate: {shown}")
