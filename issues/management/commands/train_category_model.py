from django.core.management.base import BaseCommand

from issues import category_suggestion


class Command(BaseCommand):
    help = (
        "Trains the category suggestion on the seed corpus (fixtures/category_corpus/train.jsonl) "
        "and the city's reports, labelled with the category each ended in, and stores it as the "
        "newest version, which every web process loads on its next suggestion. Runs nightly by "
        "Celery beat."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed-only", action="store_true", help="Train on the seed corpus alone."
        )

    def handle(self, *args, **options):
        model = category_suggestion.train(include_reports=not options["seed_only"])
        self.stdout.write(
            f"model v{model.pk}: {model.examples['seed']} seed examples, "
            f"{model.examples['reports']} reports; "
            f"cross-validated top-1 {model.metrics.get('cross_validated_top1')}"
        )
