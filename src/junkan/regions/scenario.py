"""Scenarios: choose circulation methods and parameters, project ten years of effects with uncertainty.

For each chosen method m and year t (Monte Carlo draw d):

    tonnes[d,m,t] = generated × share_m × participation_m × capture[d,m] × ramp_m(t)
    ramp_m(t)     = min(1, (t + 1) / ramp_up_years_m)

capped so that all methods together divert at most 90 % of the residual waste (incinerated or landfilled
directly). Reuse-side methods prevent waste (they lower generation); recycling-side methods add to
recycling. Diverted residual waste leaves incineration in the baseline's incineration share, the rest leaves
direct landfill, and each tonne kept out of an incinerator also avoids ``ash_ratio`` t of ash landfilled
(12 % by default, typical of Japanese stoker incinerators' bottom + fly ash). GHG, net municipal cost (the
catalogue's cost per tonne already nets avoided treatment) and jobs scale with tonnes by triangular
parameters from the catalogue. Results are P10/P50/P90 over draws from a seeded ``numpy.random.Generator``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from junkan.errors import InvalidInput
from junkan.regions.methods import Catalogue, Triangular
from junkan.regions.model import RegionProfile

__all__ = [
    "METRICS",
    "Baseline",
    "ScenarioChoice",
    "ScenarioResult",
    "baseline_from_profile",
    "project",
    "sample_triangular",
]

Array = npt.NDArray[np.float64]
METRICS = {
    "diverted_from_incineration_t": "t/yr",
    "diverted_from_landfill_t": "t/yr",
    "recycling_rate_change_pp": "percentage points",
    "ghg_avoided_t": "t CO2e/yr",
    "net_cost_jpy": "JPY/yr",
    "jobs": "jobs",
}


@dataclass(frozen=True, slots=True)
class Baseline:
    """The starting year's waste balance (t/yr)."""

    year: int
    generated_t: float
    total_treated_t: float
    group_collection_t: float
    recycled_t: float
    incinerated_t: float
    direct_landfill_t: float

    @property
    def residual_t(self) -> float:
        return self.incinerated_t + self.direct_landfill_t

    @property
    def recycling_rate(self) -> float:
        return 100.0 * self.recycled_t / (self.total_treated_t + self.group_collection_t)


def baseline_from_profile(profile: RegionProfile, year: int, *, ash_ratio: float = 0.12) -> Baseline:
    """Baseline from a profile year; direct landfill = final disposal − ash from incineration (≥ 0)."""
    w = profile.waste.get(year)
    needed = (
        "total_treated_t", "group_collection_t", "direct_recycling_t", "recycled_after_treatment_t",
        "incinerated_t", "final_disposal_t",
    )  # fmt: skip
    missing = [n for n in needed if w is None or getattr(w, n) is None]
    if w is None or missing or w.generated_t is None:
        raise InvalidInput(
            f"{profile.code} FY{year} lacks {', '.join(missing) or 'waste generated'}; a scenario needs a "
            "complete year: choose another baseline year or complete the statistics.",
            code="incomplete_baseline",
            field=f"waste[{year}]",
        )
    g = w.group_collection_t or 0.0
    rec = (w.direct_recycling_t or 0.0) + (w.recycled_after_treatment_t or 0.0) + g
    inc = w.incinerated_t or 0.0
    return Baseline(
        year,
        w.generated_t,
        w.total_treated_t or 0.0,
        g,
        rec,
        inc,
        max(0.0, (w.final_disposal_t or 0.0) - ash_ratio * inc),
    )


@dataclass(frozen=True, slots=True)
class ScenarioChoice:
    """One method in a scenario: share of households/businesses taking part, optional capture override."""

    method_id: str
    participation: float = 0.5
    capture_rate: float | None = None
    ramp_up_years: int = 3

    def validate(self, i: int) -> None:
        if not 0.0 <= self.participation <= 1.0:
            raise InvalidInput(
                f"participation {self.participation} must be a fraction 0-1 (e.g. 0.4 for 40 %).",
                code="share_out_of_range",
                field=f"choices[{i}].participation",
            )
        if self.capture_rate is not None and not 0.0 <= self.capture_rate <= 1.0:
            raise InvalidInput(
                f"capture rate {self.capture_rate} must be a fraction 0-1.",
                code="share_out_of_range",
                field=f"choices[{i}].capture_rate",
            )
        if not 1 <= self.ramp_up_years <= 10:
            raise InvalidInput(
                "ramp-up must be 1-10 years.", code="bad_ramp", field=f"choices[{i}].ramp_up_years"
            )


def sample_triangular(u: Array, lo: Array, mode: Array, hi: Array) -> Array:
    """Inverse-CDF triangular sampling, vectorised over columns (one distribution per column)."""
    span = hi - lo
    with np.errstate(divide="ignore", invalid="ignore"):
        fc = np.where(span > 0, (mode - lo) / span, 0.5)
    left = lo + np.sqrt(u * span * (mode - lo))
    right = hi - np.sqrt((1.0 - u) * span * (hi - mode))
    return np.where(u < fc, left, right)


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    years: tuple[int, ...]
    quantiles: dict[str, Array]  # metric -> (3, T): P10, P50, P90
    method_tonnes_p50: dict[str, Array]
    draws: int
    seed_note: str

    def rows(self) -> list[dict[str, object]]:
        """Flat rows (year, metric, unit, p10, p50, p90) for CSV/XLSX export."""
        out: list[dict[str, object]] = []
        for metric, q in self.quantiles.items():
            for j, year in enumerate(self.years):
                out.append(
                    {"year": year, "metric": metric, "unit": METRICS[metric],
                     "p10": float(q[0, j]), "p50": float(q[1, j]), "p90": float(q[2, j])}
                )  # fmt: skip
        return out


def _params(tris: Sequence[Triangular]) -> tuple[Array, Array, Array]:
    return (
        np.array([t.low for t in tris]),
        np.array([t.mode for t in tris]),
        np.array([t.high for t in tris]),
    )


def project(
    baseline: Baseline,
    catalogue: Catalogue,
    choices: Sequence[ScenarioChoice],
    *,
    rng: np.random.Generator,
    horizon: int = 10,
    draws: int = 10_000,
    ash_ratio: float = 0.12,
) -> ScenarioResult:
    """Project ``horizon`` years after the baseline year for the chosen methods."""
    if not choices:
        raise InvalidInput("choose at least one method.", code="no_methods", field="choices")
    for i, c in enumerate(choices):
        c.validate(i)
    methods = [catalogue.get(c.method_id) for c in choices]
    m_n, t = len(methods), np.arange(horizon, dtype=np.float64)
    share = np.array([m.share_of_generated for m in methods])
    part = np.array([c.participation for c in choices])
    ramp = np.minimum(1.0, (t[None, :] + 1.0) / np.array([c.ramp_up_years for c in choices])[:, None])
    reuse = np.array([m.side == "reuse" for m in methods])
    u = rng.random((4, draws, m_n))
    cap = sample_triangular(u[0], *_params([m.capture_rate for m in methods]))
    override = np.array([np.nan if c.capture_rate is None else c.capture_rate for c in choices])
    mode = np.array([m.capture_rate.mode for m in methods])
    # an override moves the whole distribution: scale the draw by override / catalogue mode
    cap = np.where(np.isnan(override), cap, cap * np.where(mode > 0, override / mode, 0.0))
    cost = sample_triangular(u[1], *_params([m.cost_jpy_per_t for m in methods]))
    jobs = sample_triangular(u[2], *_params([m.jobs_per_1000t for m in methods]))
    ghg = sample_triangular(u[3], *_params([m.ghg_t_per_t for m in methods]))
    tonnes = baseline.generated_t * (share * part)[None, :, None] * cap[:, :, None] * ramp[None, :, :]
    total = tonnes.sum(axis=1)  # (D, T)
    limit = 0.9 * baseline.residual_t
    scale = np.where(total > limit, limit / np.where(total > 0, total, 1.0), 1.0)
    tonnes *= scale[:, None, :]
    total = tonnes.sum(axis=1)
    inc_share = baseline.incinerated_t / baseline.residual_t if baseline.residual_t > 0 else 0.0
    from_inc = total * inc_share
    from_landfill = total * (1.0 - inc_share) + ash_ratio * from_inc
    prevented = tonnes[:, reuse, :].sum(axis=1)
    recycled_extra = tonnes[:, ~reuse, :].sum(axis=1)
    denom = baseline.total_treated_t + baseline.group_collection_t
    new_rate = 100.0 * (baseline.recycled_t + recycled_extra) / (denom - prevented)
    metrics = {
        "diverted_from_incineration_t": from_inc,
        "diverted_from_landfill_t": from_landfill,
        "recycling_rate_change_pp": new_rate - baseline.recycling_rate,
        "ghg_avoided_t": np.einsum("dmt,dm->dt", tonnes, ghg),
        "net_cost_jpy": np.einsum("dmt,dm->dt", tonnes, cost),
        "jobs": np.einsum("dmt,dm->dt", tonnes, jobs) / 1000.0,
    }
    quantiles = {k: np.percentile(v, [10, 50, 90], axis=0) for k, v in metrics.items()}
    per_method = np.median(tonnes, axis=0)
    return ScenarioResult(
        years=tuple(baseline.year + 1 + int(i) for i in t),
        quantiles=quantiles,
        method_tonnes_p50={m.id: per_method[i] for i, m in enumerate(methods)},
        draws=draws,
        seed_note="numpy Generator supplied by the caller; same seed, same result",
    )
