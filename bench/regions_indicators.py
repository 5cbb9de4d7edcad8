"""Benchmark: all regional CE indicators, typology and recommendations for 1,741 municipalities × 20 years.

Goal: < 1 s for everything (vectorised). Baseline measured in the same run: a naive per-region, per-year
Python loop computing the same indicator values (no percentiles), which is what the vectorised code replaces.
Run: .venv/bin/python bench/regions_indicators.py
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from junkan.regions.indicators import EmissionFactor, compile_expr, compute_indicators, load_indicator_tree
from junkan.regions.methods import RegionFacts, load_methods
from junkan.regions.panel import PLATFORM_FIELDS, RegionPanel, fiscal_year_days
from junkan.regions.recommend import recommend
from junkan.regions.typology import classify

N, Y, REPEAT = 1_741, 20, 5


def make_panel(rng: np.random.Generator) -> tuple[RegionPanel, np.ndarray, np.ndarray]:
    years = tuple(range(2003, 2003 + Y))
    pop = np.exp(rng.normal(10.2, 1.3, N))[:, None] * np.linspace(1.0, 0.95, Y)[None, :]
    gen = pop * rng.normal(880, 80, (N, Y)).clip(500) * 365 / 1e6
    group = gen * rng.uniform(0.0, 0.08, (N, Y))
    treated = gen - group
    direct = treated * rng.uniform(0.02, 0.08, (N, Y))
    after = treated * rng.uniform(0.05, 0.15, (N, Y))
    v = {
        "population": pop, "households": pop / 2.2, "area_km2": np.repeat(rng.uniform(5, 800, (N, 1)), Y, 1),
        "household_t": gen * 0.65, "business_t": gen * 0.35 - group, "group_collection_t": group,
        "total_treated_t": treated, "direct_recycling_t": direct, "recycled_after_treatment_t": after,
        "incinerated_t": treated * 0.78, "final_disposal_t": treated * 0.09,
        "treatment_cost_jpy": pop * 16_000,
        "generated_t": gen, "recycled_t": direct + after + group,
        "days": np.tile(np.array([fiscal_year_days(y) for y in years], dtype=float), (N, 1)),
    }  # fmt: skip
    for f in PLATFORM_FIELDS:
        v[f] = np.where(rng.random((N, Y)) < 0.3, rng.uniform(0, 100, (N, Y)), np.nan)
    v["households"][rng.random((N, Y)) < 0.05] = np.nan  # missing years stay missing
    codes = tuple(f"m{i:04d}" for i in range(N))
    emp = rng.dirichlet([1, 4, 2, 20], N) * 1000
    return RegionPanel(codes, years, v, ("municipality",) * N), pop[:, -1], emp


def run(panel: RegionPanel, pop: np.ndarray, emp: np.ndarray, factors, catalogue, rng) -> int:
    hub = rng.random(N) < 0.2
    typ = classify(pop, emp, hub)
    res = compute_indicators(panel, factors=factors, peer_groups=typ.labels)
    density = pop / panel["area_km2"][:, -1]
    gen = panel["generated_t"][:, -1]
    n = 0
    for i in range(N):
        facts = RegionFacts(
            float(pop[i]),
            float(density[i]),
            frozenset({"station_collection"} if i % 2 else {"industrial_zone"}),
            typ.industry[i],
            frozenset({"recycling"} if hub[i] else ()),
            {"recycling": 30.0 + i % 60},
            {},
        )
        n += len(recommend(catalogue, facts, generated_t=float(gen[i])))
    return n + len(res.values)


def naive(panel: RegionPanel, tree) -> dict[str, list[list[float]]]:
    out: dict[str, list[list[float]]] = {}
    fns = [(d.id, compile_expr(d.expr)[0], d.variables) for d in tree.indicators]
    var = {k: a.tolist() for k, a in panel.variables.items()}
    var["ghg_avoided_t"] = (panel["recycled_t"] * 1.0).tolist()
    for ind, fn, names in fns:
        rows = []
        for i in range(N):
            row = []
            for j in range(Y):
                env = {k: np.float64(var[k][i][j]) for k in names}
                with np.errstate(all="ignore"):
                    row.append(float(fn(env)))
            rows.append(row)
        out[ind] = rows
    return out


def main() -> None:
    rng = np.random.default_rng(42)
    panel, pop, emp = make_panel(rng)
    tree, catalogue = load_indicator_tree(), load_methods()
    factors = [EmissionFactor("PET", "recycling (net)", -1.15, "US EPA WARM v16")]
    full, ind_only, base = [], [], []
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        run(panel, pop, emp, factors, catalogue, rng)
        full.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        compute_indicators(panel, tree, factors=factors)
        ind_only.append(time.perf_counter() - t0)
    for _ in range(2):
        t0 = time.perf_counter()
        naive(panel, tree)
        base.append(time.perf_counter() - t0)
    mf, mi, mb = statistics.median(full), statistics.median(ind_only), statistics.median(base)
    print(f"regions: {N} municipalities × {Y} years, {len(tree.indicators)} indicators")
    print(f"indicators + typology + recommendations  median {mf * 1000:8.1f} ms  (goal < 1000 ms)")
    print(f"indicators only (vectorised, with peer percentiles)  median {mi * 1000:8.1f} ms")
    print(f"baseline: naive per-region Python loop, values only  median {mb * 1000:8.1f} ms")
    print(f"ratio baseline / vectorised indicators: {mb / mi:.1f}x")


if __name__ == "__main__":
    main()
