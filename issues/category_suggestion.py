"""Category suggestion (issue #27): which categories a report's title and description most
likely belong to, in French, Modern Standard Arabic and Darija (Arabic script or "Arabizi",
Latin letters with digits: "kayna wa7d l7ofra f tri9").

The model is scikit-learn's proven baseline for short, noisy, multi-script text: TF-IDF over
character n-grams (2 to 5, within word boundaries) of a normalised text, and a multinomial
logistic regression, whose probabilities are the scores shown and compared with the form's
threshold. Character n-grams need no tokeniser or stemmer for any of the three languages, and
they carry across spelling variants (Arabizi's 7/9/3 are just characters, "trotoir" and
"trottoir" share most of their n-grams). The settings (n-gram range, C) were chosen by 5-fold
cross-validation on the seed training file only; the evaluation file is never used to fit or
tune anything (bench/category_suggestion.py measures on it).

Training data: the seed corpus shipped in fixtures/category_corpus/train.jsonl (written for the
project, see fixtures/SOURCES.md), so a new city starts with a useful model, plus the city's own
reports labelled with the category each one **ended** in (issues.selectors.training_reports:
after staff re-categorisation; hidden, unmoderated, rejected and spam-flagged reports left out).

Every web process shares the trained model through the database (CategorySuggestionModel) and
loads the newest row once per version (`current_model`).
"""

from __future__ import annotations

import io
import json
import math
import pickle
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import sklearn
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline

from districts import routing_table
from districts.text import normalise

from . import selectors
from .models import CategorySuggestionModel
from .services import MAX_DESCRIPTION_LENGTH, MAX_TITLE_LENGTH

CORPUS_DIR = Path(settings.BASE_DIR) / "fixtures" / "category_corpus"
TRAIN_FILE = CORPUS_DIR / "train.jsonl"
# Kept apart: measuring only (bench/category_suggestion.py). Nothing here ever reads it.
EVAL_FILE = CORPUS_DIR / "eval.jsonl"
LANGUAGES = ("fr", "ar", "darija-arabic", "darija-latin")

# "bzaaaaf", "trooop", "ههههه": a run of three or more of one letter counts as two.
LETTER_RUN = re.compile(r"(\w)\1{2,}")


def model_text(text: str) -> str:
    """The text the model reads: districts.text.normalise (lower case, accents and Arabic
    diacritics and tatweel removed, alef forms, alef maqsura, taa marbuta and Moroccan letters
    folded, Arabic-Indic digits as 0-9) with letter runs shortened. Arabizi's digits stay: they
    are letters there (7 ح, 9 ق, 3 ع)."""
    return LETTER_RUN.sub(r"\1\1", normalise(text))


# The longest text a suggestion is asked about: a report's title and description together.
TEXT_MAX_LENGTH = MAX_TITLE_LENGTH + 1 + MAX_DESCRIPTION_LENGTH
# What the forms send while the citizen types: the title and the description's beginning are
# plenty, and the query stays well under a proxy's URL limit in Arabic (6 bytes a letter).
QUERY_TEXT_LENGTH = 600


def report_text(title: str, description: str) -> str:
    """What a report says, as the model is trained on it and asked about it."""
    return f"{title}\n{description}".strip()


@dataclass(frozen=True)
class Example:
    text: str
    category: str
    language: str = ""


def read_corpus(path: Path) -> list[Example]:
    """A JSON Lines corpus file: one {"text", "language", "category"} per line."""
    examples = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                row = json.loads(line)
                examples.append(Example(row["text"], row["category"], row["language"]))
    return examples


def seed_examples() -> list[Example]:
    """The seed corpus's training half (never the evaluation half)."""
    return read_corpus(TRAIN_FILE)


def report_examples(limit: int | None = None) -> list[Example]:
    """The city's own reports, each labelled with the category it is in now."""
    limit = settings.CATEGORY_SUGGESTION_MAX_REPORTS if limit is None else limit
    return [
        Example(report_text(title, description), code)
        for title, description, code in selectors.training_reports(limit=limit)
    ]


def build_pipeline() -> Pipeline:
    return Pipeline(
        [
            (
                "tfidf",
                TfidfVectorizer(
                    preprocessor=model_text,
                    analyzer="char_wb",
                    ngram_range=(2, 5),
                    sublinear_tf=True,
                    dtype=np.float32,
                ),
            ),
            ("classifier", LogisticRegression(C=10, max_iter=3000)),
        ]
    )


def fit(examples: list[Example]) -> Pipeline:
    pipeline = build_pipeline()
    pipeline.fit([example.text for example in examples], [ex.category for ex in examples])
    return pipeline


def cross_validated_accuracy(examples: list[Example], folds: int = 5) -> float | None:
    """Top-1 accuracy by k-fold cross-validation on the training examples (None when a category
    has fewer examples than folds)."""
    labels = [example.category for example in examples]
    if min(labels.count(label) for label in set(labels)) < folds:
        return None
    scores = cross_val_score(
        build_pipeline(),
        [example.text for example in examples],
        labels,
        cv=StratifiedKFold(folds, shuffle=True, random_state=0),
    )
    return round(float(scores.mean()), 4)


def train(*, include_reports: bool = True, measure: bool = True) -> CategorySuggestionModel:
    """Trains on the seed corpus and the city's reports and stores the model as the newest
    version, which every process picks up on its next suggestion."""
    seed = seed_examples()
    reports = report_examples() if include_reports else []
    examples = seed + reports
    pipeline = fit(examples)
    metrics = {}
    if measure:
        metrics["cross_validated_top1"] = cross_validated_accuracy(examples)
    return store(pipeline, examples={"seed": len(seed), "reports": len(reports)}, metrics=metrics)


def store(pipeline: Pipeline, *, examples: dict, metrics: dict) -> CategorySuggestionModel:
    buffer = io.BytesIO()
    pickle.dump(pipeline, buffer, protocol=pickle.HIGHEST_PROTOCOL)
    with transaction.atomic():
        stored = CategorySuggestionModel.objects.create(
            payload=buffer.getvalue(),
            sklearn_version=sklearn.__version__,
            examples=examples,
            metrics=metrics,
        )
    forget_loaded_model()  # this process uses it at once; the others within the check interval
    return stored


# This process's copy of the newest model: (version, pipeline), and when the database was last
# asked for the newest version. Pipelines are read-only once fitted, so threads share them.
_loaded: tuple[int, Pipeline] | None = None
_checked_at = -math.inf
_loading = threading.RLock()  # re-entered: a first training stores, which forgets
# A model trained elsewhere (the nightly task, another node's command) is picked up this long
# after at most; in between a suggestion costs no query for it.
VERSION_CHECK_SECONDS = 30.0


def forget_loaded_model() -> None:
    """The next suggestion asks the database for the newest version (tests; after `store`)."""
    global _loaded, _checked_at
    with _loading:
        _loaded, _checked_at = None, -math.inf


def _newest_version() -> int | None:
    return CategorySuggestionModel.objects.order_by("-id").values_list("id", flat=True).first()


def current_model() -> Pipeline:
    """The newest stored model, loaded once per process per version; the version is checked at
    most every VERSION_CHECK_SECONDS. With none stored yet (a new city), one is trained from the
    seed corpus and stored first."""
    global _loaded, _checked_at
    held = _loaded
    if held is not None and time.monotonic() - _checked_at < VERSION_CHECK_SECONDS:
        return held[1]
    newest = _newest_version()
    if newest is None:
        with _loading:
            newest = _newest_version()
            if newest is None:
                newest = train(include_reports=False, measure=False).pk
    with _loading:
        if _loaded is None or _loaded[0] != newest:
            payload = CategorySuggestionModel.objects.values_list("payload", flat=True).get(
                pk=newest
            )
            _loaded = (newest, pickle.loads(bytes(payload)))  # noqa: S301 - written by `store`
        _checked_at = time.monotonic()
        return _loaded[1]


@dataclass(frozen=True)
class Suggestion:
    code: str
    name: str  # in the active language
    score: float


def rank(pipeline: Pipeline, text: str) -> list[tuple[str, float]]:
    """Every category the model knows, with its probability, best first (ties by code)."""
    probabilities = pipeline.predict_proba([text])[0]
    ranked = zip(pipeline.classes_, probabilities, strict=True)
    return sorted(((str(code), float(p)) for code, p in ranked), key=lambda c: (-c[1], c[0]))


def suggest(text: str) -> list[Suggestion]:
    """The active categories ranked for `text`, best first, names in the active language.
    Nothing for an empty text. A category the model does not know (created since it was
    trained) is left out until the next training."""
    if not text.strip():
        return []
    categories = routing_table.current().active_categories
    return [
        Suggestion(code, categories[code].name, round(score, 4))
        for code, score in rank(current_model(), text)
        if code in categories
    ]


def form_config(config: dict) -> dict:
    """`config` (a report form's page config: the citizen's form, the staff intake) with what
    static/js/category_suggestion.js needs: one threshold and one wording for both forms."""
    config = {**config, "messages": {**config.get("messages", {})}}
    config["suggestUrl"] = reverse("api-v1:category-suggestions")
    config["suggestThreshold"] = settings.CATEGORY_SUGGESTION_THRESHOLD
    config["suggestMaxLength"] = QUERY_TEXT_LENGTH
    config["messages"].update(
        {
            "suggestedCategories": _("Suggested categories:"),
            "suggestionChosen": _("Category chosen from your description:"),
            "youCanChangeIt": _("You can change it."),
        }
    )
    return config
