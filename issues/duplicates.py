"""Possible duplicates (issue #27): how alike a new report and an earlier one are, from where
they are, their categories and what they say. The candidates themselves are found by
issues.selectors.possible_duplicates (the one lookup); this module only scores them.

score = DISTANCE_WEIGHT × (1 − distance / radius)
      + CATEGORY_WEIGHT × (same category)
      + TEXT_WEIGHT × text similarity

The text similarity is the cosine of TF-IDF vectors over character n-grams (2 to 5, within word
boundaries) of the normalised text (issues.category_suggestion.model_text: accents, Arabic
diacritics and letter forms folded, letter runs shortened), the inverse document frequencies
learnt once per process from the seed corpus (fixtures/category_corpus/train.jsonl), so words
every report uses ("rue", "الحي") weigh little. Character n-grams carry across spelling
variants within one script ("trotoir"/"trottoir", Darija written with or without hamza), but
not across scripts: a report in Arabic letters and one in French or Arabizi share no n-grams and
are then ranked by distance and category alone. Without a text (the form before the citizen
types), the ranking is by category, then distance — the former "nearby" step's order.

The weights were chosen on the labelled set bench/duplicates.py builds from the seed corpus's
*training* half; the figures it reports are measured on the evaluation half.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

DISTANCE_WEIGHT = 0.3
CATEGORY_WEIGHT = 0.2
TEXT_WEIGHT = 0.5


@functools.cache
def text_vectoriser() -> TfidfVectorizer:
    """Fitted once per process on the seed corpus's training half (a fraction of a second)."""
    from . import category_suggestion  # it reads the selectors, which call this module

    vectoriser = TfidfVectorizer(
        preprocessor=category_suggestion.model_text,
        analyzer="char_wb",
        ngram_range=(2, 5),
        sublinear_tf=True,
        dtype=np.float32,
    )
    vectoriser.fit([example.text for example in category_suggestion.seed_examples()])
    return vectoriser


def text_similarities(text: str, others: list[str]) -> list[float]:
    """Cosine similarity (0 to 1) of `text` with each of `others`; all 0 for an empty text."""
    if not text.strip() or not others:
        return [0.0] * len(others)
    vectors = text_vectoriser().transform([text, *others])  # rows are L2-normalised
    return [float(value) for value in (vectors[1:] @ vectors[0].T).toarray().ravel()]


@dataclass(frozen=True)
class Likeness:
    distance_m: float
    same_category: bool
    text_similarity: float
    score: float


def likeness(
    *,
    distance_m: float,
    radius_m: float,
    same_category: bool,
    text_similarity: float,
    weights: tuple[float, float, float] | None = None,
) -> Likeness:
    """The score; `weights` (distance, category, text) other than the module's only for
    bench/duplicates.py's comparisons."""
    w_distance, w_category, w_text = weights or (DISTANCE_WEIGHT, CATEGORY_WEIGHT, TEXT_WEIGHT)
    nearness = max(0.0, 1.0 - distance_m / radius_m) if radius_m > 0 else 0.0
    score = w_distance * nearness + w_category * float(same_category) + w_text * text_similarity
    return Likeness(distance_m, same_category, text_similarity, round(score, 4))
