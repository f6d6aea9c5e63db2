"""How long the city takes to give a report its first answer, from its own history: the
Kaplan–Meier estimator, written here with numpy (a few lines, tested in
tests/issues/test_answer_times.py) rather than pulling in `lifelines` and its pandas/scipy stack
for one curve and one quantile.

A report's *first answer* is the first time it left the open statuses (resolved, rejected or
marked a duplicate: `Complaint.OPEN_STATUSES`), the same rule the answer deadline is judged by
(`Complaint.overdue_condition`). A report still open is *censored*: we only know its answer takes
longer than its age. Dropping those reports would keep only the quick answers and promise too
short a wait; counting them as answered "now" would do the same. Kaplan–Meier counts each one
as still waiting for as long as it has waited, and no longer.

Nothing here reads the database: issues.services.recompute_answer_estimates feeds it the history
and stores what it returns; bench/answer_estimates.py feeds it a generated one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

SECONDS_PER_DAY = 86_400.0
# S(t) is compared with 1 − q after a product of fractions: allow for rounding.
TOLERANCE = 1e-9


def kaplan_meier(durations, answered) -> tuple[np.ndarray, np.ndarray]:
    """The survival curve S(t), "share of reports still without an answer after t", as the times
    at which some report was answered and S just after each. `durations` are the waits (answer
    time, or age for a report still open), `answered` whether each wait ended in an answer.

    A report censored at the very time another is answered is counted as still at risk then,
    the usual convention."""
    durations = np.asarray(durations, dtype=float)
    answered = np.asarray(answered, dtype=bool)
    if durations.shape != answered.shape:
        raise ValueError("durations and answered differ in length")
    if np.any(np.isnan(durations)) or np.any(durations < 0):
        raise ValueError("durations must be numbers ≥ 0")
    times = np.unique(durations[answered])
    if times.size == 0:
        return times, times.copy()
    ordered = np.sort(durations)
    # at risk at t: waits ≥ t; answered at t: answered waits equal to t
    at_risk = ordered.size - np.searchsorted(ordered, times, side="left")
    answered_waits = np.sort(durations[answered])
    events = np.searchsorted(answered_waits, times, side="right") - np.searchsorted(
        answered_waits, times, side="left"
    )
    survival = np.cumprod(1.0 - events / at_risk)
    return times, survival


def km_quantile(durations, answered, quantile: float) -> float | None:
    """The wait by which a share `quantile` of reports is answered: the first time the
    Kaplan–Meier curve falls to 1 − quantile or below. None when it never does (too many reports
    still open for the history to say): no figure is invented."""
    if not 0 < quantile < 1:
        raise ValueError("quantile must be between 0 and 1")
    times, survival = kaplan_meier(durations, answered)
    reached = np.nonzero(survival <= 1.0 - quantile + TOLERANCE)[0]
    if reached.size == 0:
        return None
    return float(times[reached[0]])


def whole_days(wait_days: float) -> int:
    """A wait in days as citizens read it: "within N days", N rounded up, at least 1."""
    return max(1, math.ceil(wait_days - TOLERANCE))


@dataclass(frozen=True)
class History:
    """Reports as the estimator needs them: who handled them, what they were about, when they
    arrived and when first answered (NaN while open), in seconds since the epoch."""

    authority: np.ndarray
    category: np.ndarray
    received: np.ndarray
    answered: np.ndarray

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[int, int, float, float | None]]) -> History:
        rows = list(rows)
        if not rows:
            empty = np.array([], dtype=float)
            return cls(empty.astype(int), empty.astype(int), empty, empty)
        authority, category, received, answered = zip(*rows, strict=True)
        return cls(
            np.array(authority, dtype=int),
            np.array(category, dtype=int),
            np.array(received, dtype=float),
            np.array([np.nan if value is None else value for value in answered], dtype=float),
        )

    def waits(self, now: float, mask) -> tuple[np.ndarray, np.ndarray]:
        """Waits in days up to `now` and whether each ended in an answer (an answer after `now`
        is not known yet: censored at `now`)."""
        received = self.received[mask]
        answered_at = self.answered[mask]
        is_answered = ~np.isnan(answered_at) & (answered_at <= now)
        end = np.where(is_answered, answered_at, now)
        return np.maximum(end - received, 0.0) / SECONDS_PER_DAY, is_answered


@dataclass(frozen=True)
class GroupEstimate:
    """One authority × category (category None: all the authority's categories)."""

    authority_id: int
    category_id: int | None
    reports: int
    answered: int
    days: int | None  # None: too few reports, or the curve never reaches the quantile


def estimate_groups(
    history: History, *, now: float, quantile: float, min_reports: int
) -> list[GroupEstimate]:
    """An estimate for every authority × category and every authority (all categories), from the
    reports received before `now`. Fewer than `min_reports` reports in a group: no days."""
    before = history.received <= now
    estimates = []
    for authority in np.unique(history.authority[before]):
        of_authority = before & (history.authority == authority)
        groups = [(None, of_authority)] + [
            (int(category), of_authority & (history.category == category))
            for category in np.unique(history.category[of_authority])
        ]
        for category, mask in groups:
            waits, is_answered = history.waits(now, mask)
            days = None
            if waits.size >= min_reports:
                wait = km_quantile(waits, is_answered, quantile)
                days = None if wait is None else whole_days(wait)
            estimates.append(
                GroupEstimate(
                    authority_id=int(authority),
                    category_id=category,
                    reports=int(waits.size),
                    answered=int(is_answered.sum()),
                    days=days,
                )
            )
    return estimates


def choose(specific, overall, *, min_reports: int):
    """Which stored estimate a report of this authority × category reads: its own when the
    group has enough reports (none at all if its curve never reached the quantile: the
    authority's other categories say nothing about this slow one), else the authority's
    all-category one, else none. Each argument has `reports` and `days`, or is None."""
    if specific is not None and specific.reports >= min_reports:
        return specific if specific.days is not None else None
    if overall is not None and overall.reports >= min_reports and overall.days is not None:
        return overall
    return None
