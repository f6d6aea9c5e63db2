"""How well "usually answered within N days" is calibrated (issue #27), on a GENERATED history
(no real answer times exist yet: every figure here comes from the random draws below, not from
the city).

The generated city: every authority × category has its own wait for a first answer, log-normal
with a median drawn between 2 and 40 days and a spread drawn between 0.5 and 1.2, and a share of
reports never answered drawn between 0 and 15 %; reports arrive as a Poisson process at a rate
drawn per group (a few a year to a few a day), over two years. Optionally the answers slow down
by a factor from the cut onwards (`--slowdown`), to see what a change of pace does.

At the cut (day 730) the estimates are fitted exactly as the beat job does
(issues.answer_times.estimate_groups on the reports received in the last
ANSWER_ESTIMATE_HISTORY_DAYS, answers after the cut unknown: open reports censored), and the
rule the pages use (issues.answer_times.choose) picks each later report's figure. For the reports
received in the 90 days after the cut, the bench counts the share answered by the predicted date
(received + N days), which should be close to the quantile used; and the same for two naive
estimators fitted on the same history: one that drops the reports still open, one that counts
them as answered at the cut.

    .venv/bin/python -m bench.answer_estimates [--seed 27] [--slowdown 1.0]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casa_map.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from issues.answer_times import SECONDS_PER_DAY, History, choose, estimate_groups  # noqa: E402

AUTHORITIES = 24  # 16 arrondissements and the operators, about
CATEGORIES = 12
HISTORY_DAYS = 730
CUT = 730.0  # fitted on what is known on this day
LATER_DAYS = 90  # judged on the reports received in the following days


def generate(rng: np.random.Generator, slowdown: float) -> dict[str, np.ndarray]:
    """Every report of the generated city: group, received and first answered (days; inf: never
    answered)."""
    authority, category, received, answered = [], [], [], []
    for a in range(AUTHORITIES):
        for c in range(CATEGORIES):
            per_day = np.exp(rng.uniform(np.log(3 / 365), np.log(4)))
            median = np.exp(rng.uniform(np.log(2), np.log(40)))
            sigma = rng.uniform(0.5, 1.2)
            never = rng.uniform(0, 0.15)
            n = rng.poisson(per_day * (HISTORY_DAYS + LATER_DAYS))
            arrivals = rng.uniform(0, HISTORY_DAYS + LATER_DAYS, n)
            waits = median * np.exp(sigma * rng.standard_normal(n))
            waits = np.where(arrivals >= CUT, waits * slowdown, waits)
            waits[rng.random(n) < never] = np.inf
            authority.append(np.full(n, a))
            category.append(np.full(n, c))
            received.append(arrivals)
            answered.append(arrivals + waits)
    return {
        "authority": np.concatenate(authority),
        "category": np.concatenate(category),
        "received": np.concatenate(received),
        "answered": np.concatenate(answered),
    }


def known_at_cut(city: dict[str, np.ndarray], how: str, window_days: float) -> History:
    """The history as known on the cut day, in seconds. `how`: "censored" (what the site does),
    "drop-open" (open reports left out), "open-as-answered" (open reports counted as answered on
    the cut day)."""
    window = (city["received"] <= CUT) & (city["received"] >= CUT - window_days)
    answered = city["answered"].copy()
    still_open = answered > CUT
    if how == "drop-open":
        window &= ~still_open
    answered[still_open] = CUT if how == "open-as-answered" else np.nan
    return History(
        authority=city["authority"][window],
        category=city["category"][window],
        received=city["received"][window] * SECONDS_PER_DAY,
        answered=answered[window] * SECONDS_PER_DAY,
    )


def calibration(city: dict[str, np.ndarray], history: History, quantile: float) -> dict:
    groups = {
        (g.authority_id, g.category_id): g
        for g in estimate_groups(
            history,
            now=CUT * SECONDS_PER_DAY,
            quantile=quantile,
            min_reports=settings.ANSWER_ESTIMATE_MIN_REPORTS,
        )
    }
    later = np.nonzero((city["received"] > CUT) & (city["received"] <= CUT + LATER_DAYS))[0]
    in_time, shown, of_category, days = 0, 0, 0, []
    by_group: dict[tuple, list[bool]] = {}
    for i in later:
        a, c = int(city["authority"][i]), int(city["category"][i])
        chosen = choose(
            groups.get((a, c)),
            groups.get((a, None)),
            min_reports=settings.ANSWER_ESTIMATE_MIN_REPORTS,
        )
        if chosen is None:
            continue
        shown += 1
        of_category += chosen.category_id is not None
        days.append(chosen.days)
        answered_in_time = city["answered"][i] - city["received"][i] <= chosen.days
        in_time += answered_in_time
        by_group.setdefault((a, c), []).append(answered_in_time)
    # the pooled share can hide groups off either way: the spread over groups with 50+ reports
    group_shares = [np.mean(flags) for flags in by_group.values() if len(flags) >= 50]
    return {
        "later": len(later),
        "shown": shown,
        "of_category": of_category,
        "in_time": in_time / shown if shown else float("nan"),
        "median_days": float(np.median(days)) if days else float("nan"),
        "groups": len(group_shares),
        "group_p10": float(np.percentile(group_shares, 10)) if group_shares else float("nan"),
        "group_p90": float(np.percentile(group_shares, 90)) if group_shares else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=27)
    parser.add_argument("--slowdown", type=float, default=1.0)
    parser.add_argument(
        "--launched-days-before",
        type=float,
        default=None,
        help="the site opened this many days before the cut (a young history: many reports "
        "still open); default: the full ANSWER_ESTIMATE_HISTORY_DAYS window",
    )
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    city = generate(rng, args.slowdown)
    quantile = settings.ANSWER_ESTIMATE_QUANTILE
    window = min(settings.ANSWER_ESTIMATE_HISTORY_DAYS, args.launched_days_before or HISTORY_DAYS)
    print(
        f"GENERATED history (seed {args.seed}, slowdown after the cut ×{args.slowdown}): "
        f"{city['received'].size} reports, {AUTHORITIES} authorities × {CATEGORIES} categories; "
        f"fitted on day {CUT:.0f} over the last {window:.0f} days, "
        f"quantile {quantile}, at least {settings.ANSWER_ESTIMATE_MIN_REPORTS} reports a group"
    )
    known = (city["received"] <= CUT) & (city["received"] >= CUT - window)
    open_at_cut = np.sum(known & (city["answered"] > CUT))
    print(f"reports in the fitted window: {known.sum()}, still open on the cut day: {open_at_cut}")
    print(
        f"{'estimator':<18} {'later reports':>13} {'given a figure':>14} {'own category':>12} "
        f"{'median N':>8} {'answered by the date':>20} {'groups p10–p90':>16}"
    )
    for how in ("censored", "drop-open", "open-as-answered"):
        result = calibration(city, known_at_cut(city, how, window), quantile)
        spread = f"{result['group_p10']:.0%}–{result['group_p90']:.0%} ({result['groups']})"
        print(
            f"{how:<18} {result['later']:>13} {result['shown']:>14} {result['of_category']:>12} "
            f"{result['median_days']:>8.0f} {result['in_time']:>19.1%} {spread:>16}"
        )
    print(f"target (the quantile used): {quantile:.0%}")


if __name__ == "__main__":
    main()
