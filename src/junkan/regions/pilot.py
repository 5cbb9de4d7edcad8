"""Pilot effect measurement by difference-in-differences (差分の差分法).

A pilot region starts a circulation model in ``start_year``; peer regions that did not are the comparison
group. On period means of an indicator,

    effect = (pilot_post − pilot_pre) − mean_c (control_c,post − control_c,pre)

which equals the two-way fixed-effects OLS coefficient on a balanced panel. With one treated region,
cluster-robust standard errors are not valid (one treated cluster), so the uncertainty comes from placebo
estimates "in space" (Abadie, Diamond & Hainmueller 2010; Conley & Taber 2011): each control in turn is
treated as if it were the pilot against the other controls; the spread of those placebo effects is the
standard error, and the interval is effect ± t(n−1) × SE.

The result says plainly when the data cannot support a conclusion: fewer than ``min_pre`` pre-periods or
``min_post`` post-periods, fewer than ``min_controls`` usable controls, an interval that spans zero, or a
pre-trend test that rejects parallel trends (slope of pilot − control-mean gap over pre years, p < 0.10).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

from junkan.errors import InvalidInput

__all__ = ["Finding", "PilotEffect", "measure_pilot"]

Array = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    message: str
    blocking: bool


@dataclass(frozen=True, slots=True)
class PilotEffect:
    indicator: str
    pilot: str
    start_year: int
    estimate: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    confidence: float
    n_pre: int
    n_post: int
    controls_used: tuple[str, ...]
    controls_excluded: tuple[str, ...]
    pretrend_slope: float | None
    pretrend_p: float | None
    findings: tuple[Finding, ...]
    formula: str = "(pilot_post − pilot_pre) − mean_c(control_post − control_pre); SE from placebo-in-space"

    @property
    def conclusive(self) -> bool:
        return self.estimate is not None and not any(f.blocking for f in self.findings)


def _means(values: Array, mask: npt.NDArray[np.bool_]) -> Array:
    sub = np.where(mask[None, :], values, np.nan)
    n = np.sum(~np.isnan(sub), axis=1)
    total = np.nansum(sub, axis=1)
    return np.where(n > 0, total / np.maximum(n, 1), np.nan)


def measure_pilot(
    values: npt.ArrayLike,
    codes: Sequence[str],
    years: Sequence[int],
    *,
    indicator: str,
    pilot: str,
    start_year: int,
    controls: Sequence[str],
    confidence: float = 0.95,
    min_pre: int = 2,
    min_post: int = 1,
    min_controls: int = 5,
    pretrend_alpha: float = 0.10,
) -> PilotEffect:
    """Estimate the pilot's effect on one indicator; ``values`` is (regions, years), NaN = missing."""
    v = np.asarray(values, dtype=np.float64)
    if pilot in controls:
        raise InvalidInput(
            f"the comparison group includes the pilot region {pilot}; remove it from the controls.",
            code="pilot_in_comparison_group",
            field=f"controls[{list(controls).index(pilot)}]",
        )
    index = {c: i for i, c in enumerate(codes)}
    for i, c in enumerate([pilot, *controls]):
        if c not in index:
            raise InvalidInput(
                f"region {c} has no data in the panel; add its statistics or drop it.",
                code="region_not_in_panel",
                field="pilot" if i == 0 else f"controls[{i - 1}]",
            )
    if len(set(controls)) != len(controls):
        raise InvalidInput(
            "a control appears twice; list each once.", code="duplicate_control", field="controls"
        )
    yrs = np.asarray(years)
    pre, post = yrs < start_year, yrs >= start_year
    p_row = v[index[pilot]]
    n_pre = int(np.sum(~np.isnan(p_row[pre])))
    n_post = int(np.sum(~np.isnan(p_row[post])))
    c_rows = v[[index[c] for c in controls]]
    c_pre, c_post = _means(c_rows, pre), _means(c_rows, post)
    usable = ~np.isnan(c_pre) & ~np.isnan(c_post)
    used = tuple(c for c, ok in zip(controls, usable, strict=True) if ok)
    excluded = tuple(c for c, ok in zip(controls, usable, strict=True) if not ok)
    findings: list[Finding] = []
    if excluded:
        findings.append(Finding("controls_excluded", f"no pre or post data for {', '.join(excluded)}", False))
    if n_pre < min_pre:
        findings.append(
            Finding("too_few_pre_periods", f"{n_pre} pre-periods with data; need ≥ {min_pre}", True)
        )
    if n_post < min_post:
        findings.append(
            Finding("too_few_post_periods", f"{n_post} post-periods with data; need ≥ {min_post}", True)
        )
    if len(used) < min_controls:
        findings.append(
            Finding("too_few_controls", f"{len(used)} usable comparison regions; need ≥ {min_controls}", True)
        )
    estimate = se = lo = hi = slope = p_trend = None
    if n_pre and n_post and used:
        d_controls = (c_post - c_pre)[usable]
        p_pre, p_post = _means(p_row[None, :], pre)[0], _means(p_row[None, :], post)[0]
        estimate = float((p_post - p_pre) - d_controls.mean())
        n = d_controls.size
        if n >= 2:
            placebo = d_controls - (d_controls.sum() - d_controls) / (n - 1)
            se = float(np.std(placebo, ddof=1))
            half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * se
            lo, hi = estimate - half, estimate + half
            if lo <= 0.0 <= hi:
                findings.append(
                    Finding(
                        "ci_spans_zero",
                        f"the {confidence:.0%} interval [{lo:.3g}, {hi:.3g}] includes 0",
                        True,
                    )
                )
        gap = p_row[pre] - _means(c_rows[usable][:, pre].T, np.ones(len(used), dtype=bool))
        ok = ~np.isnan(gap)
        if int(ok.sum()) >= 3:
            fit = stats.linregress(yrs[pre][ok].astype(np.float64), gap[ok])
            slope, p_trend = float(fit.slope), float(fit.pvalue)
            if p_trend < pretrend_alpha:
                findings.append(
                    Finding(
                        "parallel_trends_rejected",
                        f"before the pilot the gap to the controls moved {slope:+.3g}/yr (p = {p_trend:.3f})",
                        True,
                    )
                )
        else:
            findings.append(
                Finding("parallel_trends_untested", "fewer than 3 pre-periods: trend not testable", False)
            )
    return PilotEffect(
        indicator, pilot, start_year, estimate, se, lo, hi, confidence, n_pre, n_post, used, excluded,
        slope, p_trend, tuple(findings),
    )  # fmt: skip
