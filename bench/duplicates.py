"""Possible duplicates (issue #27): how well the score of issues.duplicates ranks the report a
new one repeats, on a labelled set generated from the seed corpus, against a distance-only
ranking measured in the same run as the floor.

The labelled set (written for the project, not real reports; see fixtures/SOURCES.md): each
sentence of fixtures/category_corpus/eval.jsonl (156: 13 categories, French, Arabic, Darija in
Arabic letters and in Latin letters) becomes a "new report" at a point. Around it:

- the true duplicate: another sentence of the same category — the same problem re-described by
  someone else, often in another language — 0 to 30 m away;
- 3 reports of other categories (different problems) 0 to 100 m away;
- 4 "same category, different problem" reports: sentences of other categories filed under the
  new report's category (the corpus has no sub-problem labels, so their text is what differs),
  0 to 100 m away;
- 2 with the duplicate's own text 150 to 400 m away (outside the default 100 m radius).

Candidates are what issues.selectors.possible_duplicates would consider: within the radius (the
far ones drop out there), open; in the "citizen" mode (the report form) same-category only, in
the "staff" mode (the staff page) every category. Each query is drawn --trials times with other
random placements and partners (seeded); figures are means over all of them.

Measured: precision@1 (the true duplicate ranked first) and recall@3 (among the first three)
for the full score, text similarity alone and distance alone (the floor: the former nearby
step's order, nearest first), overall and split by whether the duplicate is written in the same
script as the new report (Latin: French and Arabizi; Arabic: MSA and Darija in Arabic letters).

`--corpus train` runs the same on the training half, where the weights were chosen
(`--grid` prints the grid tried). Prints figures; asserts nothing.

    .venv/bin/python -m bench.duplicates [--trials 20] [--seed 27] [--corpus eval|train] [--grid]
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casa_map.settings")

import django  # noqa: E402

django.setup()

from issues import category_suggestion, duplicates  # noqa: E402

RADIUS_M = 100.0
LATIN = {"fr", "darija-latin"}


@dataclass(frozen=True)
class Candidate:
    text: str
    category: str
    distance_m: float
    is_duplicate: bool


@dataclass(frozen=True)
class Case:
    text: str
    category: str
    same_script: bool
    candidates: list[Candidate]
    similarities: list[float]  # of the text with each candidate's, computed once


def script(language: str) -> str:
    return "latin" if language in LATIN else "arabic"


def labelled_cases(examples, *, trials: int, seed: int) -> list[Case]:
    rng = random.Random(seed)
    by_category = defaultdict(list)
    for example in examples:
        by_category[example.category].append(example)
    cases = []
    for _trial in range(trials):
        for new in examples:
            partner = rng.choice([e for e in by_category[new.category] if e is not new])
            others = [e for e in examples if e.category != new.category]
            different = rng.sample(others, 7)
            candidates = [Candidate(partner.text, new.category, rng.uniform(0, 30), True)]
            candidates += [
                Candidate(e.text, e.category, rng.uniform(0, RADIUS_M), False)
                for e in different[:3]
            ]
            candidates += [
                Candidate(e.text, new.category, rng.uniform(0, RADIUS_M), False)
                for e in different[3:]
            ]
            candidates += [
                Candidate(partner.text, new.category, rng.uniform(150, 400), False)
                for _ in range(2)
            ]
            same_script = script(partner.language) == script(new.language)
            similarities = duplicates.text_similarities(new.text, [c.text for c in candidates])
            cases.append(Case(new.text, new.category, same_script, candidates, similarities))
    return cases


def ranked(case: Case, *, mode: str, weights: tuple[float, float, float]) -> list[Candidate]:
    """The candidates as the selector would rank them (radius and category filter, the score of
    issues.duplicates with these weights), best first; ties by distance."""
    scored = []
    for candidate, similarity in zip(case.candidates, case.similarities, strict=True):
        if candidate.distance_m > RADIUS_M:
            continue
        if mode == "citizen" and candidate.category != case.category:
            continue
        alike = duplicates.likeness(
            distance_m=candidate.distance_m,
            radius_m=RADIUS_M,
            same_category=candidate.category == case.category,
            text_similarity=similarity,
            weights=weights,
        )
        scored.append((-alike.score, candidate.distance_m, candidate))
    scored.sort(key=lambda item: (item[0], item[1]))
    return [candidate for _score, _distance, candidate in scored]


def measure(cases: list[Case], *, mode: str, weights) -> dict[str, tuple[float, float, int]]:
    """{subset: (precision@1, recall@3, cases)} for all cases and by script."""
    hits = defaultdict(lambda: [0, 0, 0])
    for case in cases:
        order = ranked(case, mode=mode, weights=weights)
        first = bool(order) and order[0].is_duplicate
        top3 = any(c.is_duplicate for c in order[:3])
        for subset in ("all", "same script" if case.same_script else "other script"):
            hits[subset][0] += first
            hits[subset][1] += top3
            hits[subset][2] += 1
    return {k: (p1 / n, r3 / n, n) for k, (p1, r3, n) in hits.items()}


RANKINGS = {
    "score (issues.duplicates)": (
        duplicates.DISTANCE_WEIGHT,
        duplicates.CATEGORY_WEIGHT,
        duplicates.TEXT_WEIGHT,
    ),
    "text similarity only": (0.0, 0.0, 1.0),
    "distance only (floor)": (1.0, 0.0, 0.0),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seed", type=int, default=27)
    parser.add_argument("--corpus", choices=["eval", "train"], default="eval")
    parser.add_argument("--grid", action="store_true", help="print a grid of weights too")
    options = parser.parse_args()

    path = (
        category_suggestion.EVAL_FILE
        if options.corpus == "eval"
        else category_suggestion.TRAIN_FILE
    )
    examples = category_suggestion.read_corpus(path)
    cases = labelled_cases(examples, trials=options.trials, seed=options.seed)
    print(
        f"{len(examples)} sentences of {path.name} × {options.trials} trials = {len(cases)} new "
        f"reports, {len(cases[0].candidates)} placed reports each (seed {options.seed})"
    )
    for mode in ("citizen", "staff"):
        print(f"\n{mode} mode ({'same category only' if mode == 'citizen' else 'any category'})")
        print(f"  {'ranking':28} {'subset':13} {'P@1':>6} {'R@3':>6} {'cases':>6}")
        for name, weights in RANKINGS.items():
            for subset, (p1, r3, n) in sorted(measure(cases, mode=mode, weights=weights).items()):
                print(f"  {name:28} {subset:13} {p1:6.3f} {r3:6.3f} {n:6d}")
    if options.grid:
        print("\ngrid (distance, category, text): P@1 citizen, P@1 staff")
        steps = [0.1, 0.2, 0.3, 0.4, 0.5]
        for w_distance, w_category in itertools.product(steps, steps):
            w_text = round(1 - w_distance - w_category, 2)
            if w_text <= 0:
                continue
            weights = (w_distance, w_category, w_text)
            citizen = measure(cases, mode="citizen", weights=weights)["all"][0]
            staff = measure(cases, mode="staff", weights=weights)["all"][0]
            print(f"  {weights}: {citizen:.3f} {staff:.3f}")


if __name__ == "__main__":
    main()
