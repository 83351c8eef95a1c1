"""A/B results of an offer's landing pages: CR with a 95% confidence interval, and whether a
page's CR differs from the baseline's by more than chance.

CR is the KPI's (converting clicks / clicks, `reports.kpis`): each click converts or not,
the binomial trial the interval and the test assume. The interval is Wilson's
score interval, which stays inside [0, 1] and behaves with few clicks or no conversions
(the normal approximation gives [0, 0] for 0/20). The comparison is a two-sided
two-proportion z-test against the baseline, the page with the most clicks (the one
the offer's traffic mostly sees), at the 5% level; with fewer than MIN_CLICKS clicks
on either side no verdict is given. Each page is compared with the baseline only, not every
pair: with many pages that still finds winners by chance now and then, which the page says.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

Z_95 = 1.959963984540054  # the standard normal's 97.5th percentile
MIN_CLICKS = 30


class Verdict(StrEnum):
    BASELINE = "baseline"
    BETTER = "better"
    WORSE = "worse"
    NOT_SIGNIFICANT = "not_significant"
    TOO_FEW = "too_few"


@dataclass(frozen=True)
class Variant:
    landing_page_id: int | None
    name: str
    clicks: int
    converting_clicks: int

    @property
    def cr(self) -> float | None:
        return self.converting_clicks / self.clicks if self.clicks else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson_interval(self.converting_clicks, self.clicks)


@dataclass(frozen=True)
class Result:
    variant: Variant
    verdict: Verdict
    p_value: float | None


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float] | None:
    """The 95% Wilson score interval of a proportion; None without trials. A page can count
    more successes than trials only by mistake; the proportion is capped at 1."""
    if trials <= 0:
        return None
    p = min(successes / trials, 1.0)
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    spread = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - spread), min(1.0, centre + spread)


def two_proportion_p_value(x1: int, n1: int, x2: int, n2: int) -> float:
    """Two-sided p-value of the z-test that two proportions are equal (pooled variance)."""
    p1, p2 = min(x1 / n1, 1.0), min(x2 / n2, 1.0)
    pooled = min((x1 + x2) / (n1 + n2), 1.0)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if variance == 0:
        return 1.0  # both 0% or both 100%: no difference to see
    z = abs(p1 - p2) / math.sqrt(variance)
    return math.erfc(z / math.sqrt(2))


def compare(variants: list[Variant], alpha: float = 0.05) -> list[Result]:
    """Each page against the baseline (most clicks), in the order given."""
    if not variants:
        return []
    baseline = max(variants, key=lambda v: (v.clicks, -(v.landing_page_id or 0)))
    results = []
    for variant in variants:
        if variant is baseline:
            results.append(Result(variant, Verdict.BASELINE, None))
            continue
        if min(variant.clicks, baseline.clicks) < MIN_CLICKS:
            results.append(Result(variant, Verdict.TOO_FEW, None))
            continue
        p_value = two_proportion_p_value(
            variant.converting_clicks, variant.clicks, baseline.converting_clicks, baseline.clicks
        )
        if p_value >= alpha:
            verdict = Verdict.NOT_SIGNIFICANT
        elif (variant.cr or 0) > (baseline.cr or 0):
            verdict = Verdict.BETTER
        else:
            verdict = Verdict.WORSE
        results.append(Result(variant, verdict, p_value))
    return results
