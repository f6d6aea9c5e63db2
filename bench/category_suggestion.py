"""Category suggestion (issue #27): accuracy on texts the model never saw, and the time one
suggestion takes in process.

Accuracy: a model fitted on fixtures/category_corpus/train.jsonl only (what a new city starts
with), scored on fixtures/category_corpus/eval.jsonl, kept apart: top-1 (the right category
first) and top-3 (among the first three), per language and overall.

Preselection: of the evaluation texts, the share whose best score reaches the forms' threshold
(CATEGORY_SUGGESTION_THRESHOLD), and how many of those the model gets right.

Latency, in the same run, each next to its floor: the model alone (`rank`: TF-IDF of one text
and the 13 probabilities), and `suggest()` as the API view calls it (the model's version read
from the database, the active categories from the routing table, names in the language),
against a bare `SELECT 1` round trip. Texts are the evaluation sentences, in turn.

Prints figures; asserts nothing about time. Run against a seeded database:

    .venv/bin/python -m bench.category_suggestion [--repeats 2000]
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casa_map.settings")
os.environ["DEBUG"] = "false"  # measure production settings, whatever the local .env says

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from bench.measure import percentiles, timed  # noqa: E402
from issues import category_suggestion  # noqa: E402


def accuracy(pipeline, examples) -> tuple[float, float]:
    top1 = top3 = 0
    for example in examples:
        ranked = [code for code, _score in category_suggestion.rank(pipeline, example.text)]
        top1 += ranked[0] == example.category
        top3 += example.category in ranked[:3]
    return top1 / len(examples), top3 / len(examples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=2000)
    options = parser.parse_args()

    training = category_suggestion.seed_examples()
    evaluation = category_suggestion.read_corpus(category_suggestion.EVAL_FILE)
    seen = {category_suggestion.model_text(example.text) for example in training}
    assert not any(category_suggestion.model_text(e.text) in seen for e in evaluation)
    pipeline = category_suggestion.fit(training)

    print(f"trained on {len(training)} sentences, evaluated on {len(evaluation)} others")
    print(f"{'language':<15}{'texts':>6}{'top-1':>8}{'top-3':>8}")
    for language in (*category_suggestion.LANGUAGES, "all"):
        subset = [e for e in evaluation if language in ("all", e.language)]
        top1, top3 = accuracy(pipeline, subset)
        print(f"{language:<15}{len(subset):>6}{top1:>8.1%}{top3:>8.1%}")

    threshold = settings.CATEGORY_SUGGESTION_THRESHOLD
    print(f"\nthe forms preselect at score >= {threshold} (CATEGORY_SUGGESTION_THRESHOLD)")
    print(f"{'language':<15}{'preselected':>12}{'right':>8}")
    for language in (*category_suggestion.LANGUAGES, "all"):
        subset = [e for e in evaluation if language in ("all", e.language)]
        best = [category_suggestion.rank(pipeline, e.text)[0] for e in subset]
        chosen = [
            (e, code) for e, (code, score) in zip(subset, best, strict=True) if score >= threshold
        ]
        right = sum(e.category == code for e, code in chosen)
        share = len(chosen) / len(subset)
        print(f"{language:<15}{share:>12.1%}{right / max(1, len(chosen)):>8.1%}")

    texts = itertools.cycle([example.text for example in evaluation])

    def select_one():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchall()

    category_suggestion.suggest("warm-up")  # loads (or, in a new city, trains) the model once
    stored = category_suggestion.CategorySuggestionModel.objects.order_by("-id").first()
    print(f"\nlatency, {options.repeats} suggestions; stored model v{stored.pk}: {stored.examples}")
    rows = [
        ("floor: SELECT 1 round trip", select_one),
        ("model alone: rank()", lambda: category_suggestion.rank(pipeline, next(texts))),
        ("suggest() as the API calls it", lambda: category_suggestion.suggest(next(texts))),
    ]
    for label, work in rows:
        print(f"{label:<34}{percentiles(timed(work, options.repeats))}")


if __name__ == "__main__":
    main()
