"""Benchmark: a 10,000-draw Monte Carlo scenario (all eight methods, 10 years) for the demo city.

Goal: < 500 ms. Baseline in the same run: plain numpy sampling of the same triangular distributions
(``Generator.triangular`` per method and parameter) without the model — the floor the model adds onto.
Run: .venv/bin/python bench/regions_montecarlo.py
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from junkan.regions.demo_data import demo_profiles
from junkan.regions.methods import load_methods
from junkan.regions.scenario import ScenarioChoice, baseline_from_profile, project

DRAWS, REPEAT = 10_000, 15


def main() -> None:
    catalogue = load_methods()
    baseline = baseline_from_profile(demo_profiles()[0], 2022)
    choices = [ScenarioChoice(m.id, participation=0.4, ramp_up_years=3) for m in catalogue.methods]
    model, plain = [], []
    for k in range(REPEAT):
        t0 = time.perf_counter()
        project(baseline, catalogue, choices, rng=np.random.default_rng(k), draws=DRAWS)
        model.append(time.perf_counter() - t0)
        rng = np.random.default_rng(k)
        t0 = time.perf_counter()
        for m in catalogue.methods:
            for tri in (m.capture_rate, m.cost_jpy_per_t, m.jobs_per_1000t, m.ghg_t_per_t):
                rng.triangular(tri.low, tri.mode, tri.high, DRAWS) if tri.low < tri.high else np.full(
                    DRAWS, tri.low
                )
        plain.append(time.perf_counter() - t0)
    mm, mp = statistics.median(model), statistics.median(plain)
    print(f"scenario: {len(choices)} methods × 10 years × {DRAWS:,} draws")
    print(f"model (sampling + projection + P10/P50/P90)  median {mm * 1000:7.2f} ms  (goal < 500 ms)")
    print(f"baseline: plain numpy triangular sampling   median {mp * 1000:7.2f} ms")
    print(f"ratio model / baseline: {mm / mp:.1f}x")


if __name__ == "__main__":
    main()
