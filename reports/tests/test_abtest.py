"""The A/B statistics against textbook values (statsmodels' proportion_confint(method="wilson")
and proportions_ztest give the same figures)."""

from __future__ import annotations

import pytest

from reports.abtest import Variant, Verdict, compare, two_proportion_p_value, wilson_interval


def test_wilson_interval_matches_the_textbook():
    low, high = wilson_interval(50, 100)
    assert (round(low, 4), round(high, 4)) == (0.4038, 0.5962)
    low, high = wilson_interval(0, 20)  # no conversions still has an upper bound
    assert (low, round(high, 4)) == (0.0, 0.1611)
    assert wilson_interval(3, 0) is None


def test_more_conversions_than_clicks_stays_inside_one():
    low, high = wilson_interval(12, 10)
    assert 0 < low < high <= 1.0
    assert high == pytest.approx(1.0)


def test_two_proportion_p_value_matches_the_textbook():
    assert two_proportion_p_value(30, 1000, 50, 1000) == pytest.approx(0.02248, abs=1e-5)
    assert two_proportion_p_value(0, 100, 0, 100) == 1.0


def variant(page: int, clicks: int, conversions: int) -> Variant:
    return Variant(page, f"Page {page}", clicks, conversions)


def test_each_page_is_compared_with_the_page_with_most_clicks():
    a, b, c, d = (
        variant(1, 1000, 30),
        variant(2, 1200, 36),
        variant(3, 1000, 60),
        variant(4, 10, 5),
    )

    results = {r.variant.landing_page_id: r for r in compare([a, b, c, d])}

    assert results[2].verdict == Verdict.BASELINE
    assert results[1].verdict == Verdict.NOT_SIGNIFICANT
    assert results[3].verdict == Verdict.BETTER and results[3].p_value < 0.05
    assert results[4].verdict == Verdict.TOO_FEW


def test_a_significantly_lower_page_is_worse():
    results = compare([variant(1, 2000, 100), variant(2, 1500, 30)])
    assert [r.verdict for r in results] == [Verdict.BASELINE, Verdict.WORSE]
