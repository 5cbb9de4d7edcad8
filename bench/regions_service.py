"""Benchmark: the regions service on a real SQLite file with every municipality of Japan (1,741 × 10 years).

Measures (medians): importing the national statistics file through the all-or-nothing importer, re-importing
it unchanged, and one region's dashboard (load the region and its 1,740 peers from the database, collect the
platform figures, compute every indicator with peer percentiles). Baseline in the same run: the pure
``analyse`` on the same profiles already in memory — the ratio is what storage and platform lookups add.
Goal: a dashboard in < 1 s for a national deployment.
Run: .venv/bin/python bench/regions_service.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from junkan.actor import Actor
from junkan.regions import service
from junkan.regions.analysis import analyse
from junkan.regions.codes import check_digit
from junkan.store.engine import make_engine
from junkan.store.migrate import upgrade
from junkan.store.regions_repo import RegionsRepo
from junkan.store.uow import UnitOfWork

N, YEARS, REPEAT = 1_741, range(2013, 2023), 5
HEADER = (
    "code,fiscal_year,name_ja,name_en,population,households,area_km2,household_waste_t,business_waste_t,"
    "group_collection_t,total_treated_t,direct_recycling_t,recycled_after_treatment_t,incinerated_t,"
    "final_disposal_t,treatment_cost_jpy\n"
)


def codes() -> list[str]:
    out = []
    pref, muni = 1, 1
    while len(out) < N:
        base = f"{pref:02d}{muni:03d}"
        out.append(base + str(check_digit(base)))
        muni += 1
        if muni > 999:
            pref, muni = pref + 1, 1
    return out


def national_csv(rng: np.random.Generator) -> bytes:
    lines = [HEADER]
    for i, code in enumerate(codes()):
        pop0 = float(np.exp(rng.normal(10.2, 1.3)))
        for k, y in enumerate(YEARS):
            pop = round(pop0 * (1 - 0.004 * k))
            gen = pop * 880 * 365 / 1e6
            group = gen * 0.04
            treated = gen - group
            direct, after = treated * 0.05, treated * 0.1
            lines.append(
                f"{code},{y},町{i},Town {i},{pop},{round(pop / 2.2)},{50 + i % 400},{gen * 0.65:.0f},"
                f"{gen * 0.31:.0f},{group:.0f},{treated:.0f},{direct:.0f},{after:.0f},{treated * 0.78:.0f},"
                f"{treated * 0.09:.0f},{pop * 16000}\n"
            )
    return "".join(lines).encode("utf-8")


def median_ms(fn, repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def main() -> None:
    data = national_csv(np.random.default_rng(1))
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade(engine)
        uow, system, anyone = UnitOfWork(engine), Actor.system("bench"), Actor(None)
        t0 = time.perf_counter()
        rep = service.import_statistics(uow, system, data, filename="national.csv")
        first = (time.perf_counter() - t0) * 1000
        again = median_ms(lambda: service.import_statistics(uow, system, data, filename="national.csv"), 1)
        code = codes()[100]
        dash = median_ms(lambda: service.region_dashboard(uow, anyone, code))
        with uow:
            profiles = RegionsRepo(uow.conn).load_profiles(kind="municipality")
        pure = median_ms(lambda: analyse(profiles, code))
        engine.dispose()
    print(f"regions service: {N:,} municipalities × {len(YEARS)} years on SQLite ({rep.rows_changed:,} rows)")
    print(f"import (all-or-nothing, {len(data) / 1e6:.1f} MB CSV)        {first:8.0f} ms")
    print(f"re-import, unchanged                             {again:8.0f} ms")
    print(f"dashboard of one region among all peers  median  {dash:8.1f} ms  (goal < 1000 ms)")
    print(f"baseline: pure analyse on loaded profiles median {pure:8.1f} ms")
    print(f"ratio dashboard / pure analysis: {dash / pure:.1f}x")


if __name__ == "__main__":
    main()
