"""The Kaplan–Meier estimator of the wait for a first answer (issues.answer_times), on numbers
worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from issues.answer_times import (
    SECONDS_PER_DAY,
    GroupEstimate,
    History,
    choose,
    estimate_groups,
    kaplan_meier,
    km_quantile,
    whole_days,
)


def test_the_curve_drops_by_the_share_still_at_risk_and_censored_waits_leave_the_risk_set():
    # waits 1, 2, 2+, 3, 4+, 5 (+: still open). At risk: 6, 5, 3, 1.
    times, survival = kaplan_meier([1, 2, 2, 3, 4, 5], [True, True, False, True, False, True])

    assert times.tolist() == [1, 2, 3, 5]
    assert survival == pytest.approx([5 / 6, 5 / 6 * 4 / 5, 5 / 6 * 4 / 5 * 2 / 3, 0.0])


def test_without_open_reports_the_quantile_is_the_empirical_one():
    waits = np.arange(1, 11)  # 1…10 days, all answered

    assert km_quantile(waits, np.ones(10, dtype=bool), 0.8) == 8
    assert km_quantile(waits, np.ones(10, dtype=bool), 0.5) == 5


def test_ignoring_open_reports_would_promise_a_wait_most_reports_exceed():
    # 8 answered in 2 days, 2 answered in 30 days, and 10 still open after 20 days.
    waits = [2] * 8 + [30] * 2 + [20] * 10
    answered = [True] * 10 + [False] * 10

    naive = km_quantile(waits[:10], answered[:10], 0.8)  # the open ones dropped
    estimated = km_quantile(waits, answered, 0.8)

    assert naive == 2  # "usually within 2 days", though half the reports waited 20 and more
    assert estimated == 30


def test_a_curve_that_never_reaches_the_quantile_gives_no_figure():
    # 4 answered in 2 days, 6 still open after 20: 60 % are still waiting, none known later.
    waits = [2] * 4 + [20] * 6
    answered = [True] * 4 + [False] * 6

    assert km_quantile(waits, answered, 0.8) is None
    assert km_quantile(waits, answered, 0.4) == 2


def test_no_answer_at_all_gives_no_figure():
    assert km_quantile([3, 4], [False, False], 0.5) is None
    assert km_quantile([], [], 0.5) is None


@pytest.mark.parametrize(
    ("waits", "answered", "quantile"),
    [([1, -1], [True, True], 0.5), ([1, np.nan], [True, True], 0.5), ([1], [True], 1.0)],
)
def test_impossible_input_is_refused(waits, answered, quantile):
    with pytest.raises(ValueError):
        km_quantile(waits, answered, quantile)


def test_waits_are_shown_in_whole_days_rounded_up():
    assert [whole_days(x) for x in (0.01, 1.0, 1.2, 29.999)] == [1, 1, 2, 30]


def day(n: float) -> float:
    return n * SECONDS_PER_DAY


def test_an_answer_given_after_now_is_not_known_yet():
    history = History.from_rows([(1, 7, day(0), day(5)), (1, 7, day(0), None)])

    waits, answered = history.waits(day(3), np.ones(2, dtype=bool))

    assert waits.tolist() == [3, 3]
    assert answered.tolist() == [False, False]


def test_groups_per_category_and_per_authority_with_a_minimum_of_reports():
    rows = [(1, 7, day(0), day(2))] * 5 + [(1, 8, day(0), day(9))] * 2 + [(2, 7, day(0), None)]
    groups = {
        (g.authority_id, g.category_id): g
        for g in estimate_groups(History.from_rows(rows), now=day(10), quantile=0.8, min_reports=5)
    }

    assert groups[(1, 7)] == GroupEstimate(1, 7, reports=5, answered=5, days=2)
    assert groups[(1, 8)] == GroupEstimate(1, 8, reports=2, answered=2, days=None)  # too few
    assert groups[(1, None)] == GroupEstimate(1, None, reports=7, answered=7, days=9)
    assert groups[(2, None)].days is None and groups[(2, None)].reports == 1
    assert len(groups) == 5


def test_a_report_received_after_now_is_not_in_the_history():
    rows = [(1, 7, day(0), day(1)), (1, 7, day(20), None)]

    (overall, _specific) = estimate_groups(
        History.from_rows(rows), now=day(10), quantile=0.5, min_reports=1
    )

    assert (overall.reports, overall.days) == (1, 1)


def estimate(reports: int, days: int | None) -> GroupEstimate:
    return GroupEstimate(1, None, reports=reports, answered=reports, days=days)


def test_a_category_with_enough_reports_speaks_for_itself():
    assert choose(estimate(30, 12), estimate(100, 5), min_reports=30).days == 12


def test_a_category_with_too_few_reports_falls_back_to_its_authority():
    assert choose(estimate(29, 12), estimate(100, 5), min_reports=30).days == 5
    assert choose(None, estimate(100, 5), min_reports=30).days == 5


def test_a_category_whose_curve_never_reached_the_quantile_says_nothing():
    """Its authority's quicker categories say nothing of this slow one."""
    assert choose(estimate(40, None), estimate(100, 5), min_reports=30) is None


def test_nothing_is_shown_without_enough_reports_anywhere():
    assert choose(estimate(3, 2), estimate(29, 2), min_reports=30) is None
    assert choose(None, estimate(100, None), min_reports=30) is None
    assert choose(None, None, min_reports=30) is None
