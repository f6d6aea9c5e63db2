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
not across scripts: an Arabic-script text and a Latin-script one (French or Arabizi) share no
n-gram, so their similarity is unknown rather than nil, and is given as the mean similarity of
two unrelated texts of one script in the corpus (about 0.05): such a pair counts as much as
an unrelated pair of one script, no less. Without a text (the form before
the citizen types), the ranking is by category, then distance — the former "nearby" order.

The weights were chosen on the labelled set bench/duplicates.py builds from the seed corpus's
*training* half (`--corpus train --grid`: 0.3/0.2/0.5 ties for best precision@1 there); the
figures in BENCHMARKS.md are measured on the evaluation half.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

DISTANCE_WEIGHT = 0.3
CATEGORY_WEIGHT = 0.2
TEXT_WEIGHT = 0.5


@functools.cache
def _fitted() -> tuple[TfidfVectorizer, float]:
    """Fitted once per process on the seed corpus's training half (a fraction of a second):
    the vectoriser, and the mean similarity of two texts in one script about different
    problems (sentences of different categories), the value a cross-script pair is given."""
    from . import category_suggestion  # it reads the selectors, which call this module

    vectoriser = TfidfVectorizer(
        preprocessor=category_suggestion.model_text,
        analyzer="char_wb",
        ngram_range=(2, 5),
        sublinear_tf=True,
        dtype=np.float32,
    )
    examples = category_suggestion.seed_examples()
    vectors = vectoriser.fit_transform([example.text for example in examples])
    cosines = (vectors @ vectors.T).toarray()
    scripts = [script(example.text) for example in examples]
    unrelated = [
        cosines[i, j]
        for i, j in zip(*np.triu_indices(len(examples), k=1), strict=True)
        if examples[i].category != examples[j].category and scripts[i] == scripts[j]
    ]
    return vectoriser, float(np.mean(unrelated))


def text_vectoriser() -> TfidfVectorizer:
    return _fitted()[0]


def cross_script_similarity() -> float:
    return _fitted()[1]


ARABIC_LETTER = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
LATIN_LETTER = re.compile(r"[a-zA-Z\u00c0-\u024f]")


def script(text: str) -> str | None:
    """ "arabic" or "latin", whichever has more letters in `text`; None without letters."""
    arabic, latin = len(ARABIC_LETTER.findall(text)), len(LATIN_LETTER.findall(text))
    if not arabic and not latin:
        return None
    return "arabic" if arabic > latin else "latin"


def text_similarities(text: str, others: list[str]) -> list[float]:
    """Cosine similarity (0 to 1) of `text` with each of `others`; all 0 for an empty text.
    Two texts in different scripts share no n-gram: their similarity is unknown, and is given
    as the mean similarity of two unrelated texts in one script (`cross_script_similarity`)
    rather than 0, which would rank any same-script text about another problem above the same
    problem written in the other script."""
    if not text.strip() or not others:
        return [0.0] * len(others)
    vectors = text_vectoriser().transform([text, *others])  # rows are L2-normalised
    cosines = (vectors[1:] @ vectors[0].T).toarray().ravel()
    own, unknown = script(text), cross_script_similarity()
    return [
        unknown if own and script(other) not in (None, own) else float(cosine)
        for other, cosine in zip(others, cosines, strict=True)
    ]


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
