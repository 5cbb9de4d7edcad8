"""Demo data: みなと市, a fictional mid-sized Japanese city, its neighbours 北浜町 and 山里村, a pilot.

EVERYTHING HERE IS FICTIONAL AND LABELLED DEMO (profiles carry ``demo=True``). The three places are the
municipalities of the members demo world (``junkan.demo.members``): the codes 239011, 239020 and 239038 are
``demo_municipality_code(1..3)`` — valid in form (Aichi prefecture 23, municipality numbers 901-903 that no
real municipality uses, correct check digits) — so the organisation みなと市 and the region みなと市 are the
same place. Statistics are seeded and shaped to be plausible against national per-capita figures (FY2022
Japan: 880 g/person/day, recycling rate 19.6 %, 環境省 2024-03-28): the demo city falls from ~930 to ~860
g/person/day over FY2013-2022 and its recycling rate rises to ~20 %, with a step of +2 percentage points
from FY2019 when its fine-sorting pilot (市民詳細分別リサイクル) started — the effect the demo pilot measures
against comparison municipalities (:func:`demo_comparison_profiles`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from junkan.regions.codes import RegionKind
from junkan.regions.methods import facts_for, load_methods
from junkan.regions.model import Facility, RegionProfile, WasteYear
from junkan.regions.panel import PlatformInputs, fiscal_year_days
from junkan.regions.pilot import PilotEffect, measure_pilot
from junkan.regions.recommend import Recommendation, recommend
from junkan.regions.scenario import ScenarioChoice, ScenarioResult, baseline_from_profile, project
from junkan.regions.typology import classify_profiles

__all__ = [
    "DEMO_CODES",
    "DEMO_PILOT_EFFECT",
    "DEMO_PILOT_START",
    "DEMO_YEARS",
    "demo_activity",
    "demo_comparison_profiles",
    "demo_pilot",
    "demo_pilot_panel",
    "demo_profiles",
    "demo_recommendation",
    "demo_scenario",
]

# = junkan.demo.members.demo_municipality_code(1), (2), (3): みなと市, 北浜町, 山里村
DEMO_CODES = ("239011", "239020", "239038")
DEMO_YEARS = tuple(range(2013, 2023))
DEMO_PILOT_START = 2019
DEMO_PILOT_EFFECT = 0.02  # +2 percentage points of recycling rate from the pilot's first year
_SEED = 20250401


def _waste(rng: np.random.Generator, pop: float, year: int, g_per_day: float, recycling: float) -> WasteYear:
    gen = pop * g_per_day * fiscal_year_days(year) / 1e6 * (1 + rng.normal(0, 0.005))
    group = gen * 0.045
    business = gen * 0.29
    household = gen - group - business
    treated = gen - group
    recycled_total = recycling * gen  # R = recycled / (treated + group) = recycled / gen
    direct = 0.3 * (recycled_total - group)
    after = recycled_total - group - direct
    inc = treated * 0.80
    return WasteYear(
        household_t=round(household), business_t=round(business), group_collection_t=round(group),
        total_treated_t=round(treated), direct_recycling_t=round(direct),
        recycled_after_treatment_t=round(after), incinerated_t=round(inc),
        final_disposal_t=round(treated * 0.085),
        treatment_cost_jpy=round(pop * (15_500 + 120 * (year - 2013)), -5),
    )  # fmt: skip


def _recycling(r0: float, year: int, rng: np.random.Generator, effect: float = 0.0) -> float:
    step = effect if year >= DEMO_PILOT_START else 0.0
    return r0 + 0.0015 * (year - 2013) + step + float(rng.normal(0, 0.002))


def demo_profiles() -> tuple[RegionProfile, RegionProfile, RegionProfile]:
    """みなと市, 北浜町 and 山里村, FY2013-2022 (the members demo's three municipalities)."""
    rng = np.random.default_rng(_SEED)
    specs = (
        ("239011", "みなと市", "Minato City", 306_000, -0.002, 180.0,
         {"agriculture_forestry_fisheries": 2_100, "manufacturing": 34_000, "construction": 9_500,
          "commerce_tourism_services": 82_000},
         (Facility("minato-cc", "incinerator", "みなと市 クリーンセンター", 250, 34.93, 136.97),
          Facility("minato-plaza", "sorting", "みなとリサイクルプラザ", 60, 34.94, 136.96,
                   ("cans", "PET", "glass")),
          Facility("minato-reuse", "reuse_centre", "みなとリユース館", 2, 34.955, 136.95)),
         frozenset({"industrial_zone", "bulky_waste_collection", "station_collection", "sorting_incentives"}),
         (34.95, 136.94), 930.0, 0.1645, DEMO_PILOT_EFFECT),
        ("239020", "北浜町", "Kitahama Town", 46_000, -0.008, 95.0,
         {"agriculture_forestry_fisheries": 2_600, "manufacturing": 4_100, "construction": 1_900,
          "commerce_tourism_services": 11_000},
         (Facility("kitahama-bottle", "recycling", "環ボトル 再生工場", 66, 34.98, 136.86, ("PET",)),
          Facility("kitahama-plastics", "recycling", "循環プラ 家電リサイクル工場", 41, 34.985, 136.865,
                   ("plastics", "small appliances"))),
         frozenset({"station_collection", "industrial_zone"}), (34.99, 136.88), 850.0, 0.22, 0.0),
        ("239038", "山里村", "Yamasato Village", 8_600, -0.012, 210.0,
         {"agriculture_forestry_fisheries": 900, "manufacturing": 1_300, "construction": 350,
          "commerce_tourism_services": 1_900},
         (Facility("yamasato-compost", "composting", "山里村 堆肥センター", 12, 35.06, 136.79),),
         frozenset({"bulky_waste_collection"}), (35.05, 136.80), 800.0, 0.21, 0.0),
    )  # fmt: skip
    out = []
    for code, ja, en, pop0, growth, area, emp, facs, feats, (lat, lon), g0, r0, effect in specs:
        pops = {y: round(pop0 * (1 + growth) ** (y - 2013)) for y in DEMO_YEARS}
        waste = {
            y: _waste(rng, pops[y], y, g0 - 7.5 * (y - 2013), _recycling(r0, y, rng, effect))
            for y in DEMO_YEARS
        }
        out.append(
            RegionProfile(
                code=code, kind=RegionKind.MUNICIPALITY, name_ja=ja, name_en=en, population=pops,
                households={y: round(p / 2.25) for y, p in pops.items()}, area_km2=area, employment=emp,
                waste=waste, facilities=facs, neighbours=tuple(c for c in DEMO_CODES if c != code),
                features=feats, lat=lat, lon=lon, demo=True, source="junkan demo data (fictional)",
            )
        )  # fmt: skip
    return out[0], out[1], out[2]


def demo_comparison_profiles(identities: Sequence[tuple[str, str, str]]) -> list[RegionProfile]:
    """Comparison municipalities for the demo pilot: same kind of statistics, no pilot, seeded.

    ``identities`` gives (code, name_ja, name_en) for each; the demo world passes the registry's demo
    member municipalities so that the comparison group consists of places that exist on the platform.
    """
    rng = np.random.default_rng(_SEED + 1)
    out = []
    for code, ja, en in identities:
        pop0 = float(np.exp(rng.normal(11.3, 0.8)))
        g0, r0 = float(rng.normal(900, 40)), float(rng.normal(0.18, 0.02))
        growth = float(rng.normal(-0.004, 0.003))
        pops = {y: round(pop0 * (1 + growth) ** (y - 2013)) for y in DEMO_YEARS}
        waste = {
            y: _waste(rng, pops[y], y, g0 - 7.0 * (y - 2013), _recycling(r0, y, rng)) for y in DEMO_YEARS
        }
        out.append(
            RegionProfile(
                code=code, kind=RegionKind.MUNICIPALITY, name_ja=ja, name_en=en, population=pops,
                households={y: round(p / 2.3) for y, p in pops.items()}, area_km2=float(rng.uniform(40, 400)),
                waste=waste, demo=True, source="junkan demo data (fictional comparison municipality)",
            )
        )  # fmt: skip
    return out


def demo_activity() -> list[PlatformInputs]:
    """Platform inputs for the demo city FY2020-2022 (what the service would aggregate)."""
    return [
        PlatformInputs(DEMO_CODES[0], y, 120 + 30 * i, 85 + 20 * i, 14 + 2 * i, 210 + 25 * i,
                       21_000 + 800 * i, 14_500, 6_100 + 400 * i)
        for i, y in enumerate((2020, 2021, 2022))
    ]  # fmt: skip


def demo_recommendation(year: int = 2022) -> list[Recommendation]:
    city, kitahama, yamasato = demo_profiles()
    typ = classify_profiles([city], year)
    gen = city.waste[year].generated_t or 0.0
    return recommend(
        load_methods(),
        facts_for(city, year, (kitahama, yamasato), main_industry=typ.industry[0]),
        generated_t=gen,
        present_elements=city.features,
        peers={"demo-peer-a": frozenset({"citizen_fine_sorting", "municipal_bulky_reuse"}),
               "demo-peer-b": frozenset({"large_scale_recycling"})},
        peer_names={"demo-peer-a": "類似都市A（デモ）", "demo-peer-b": "類似都市B（デモ）"},
    )  # fmt: skip


def demo_scenario(seed: int = _SEED, draws: int = 10_000) -> ScenarioResult:
    city = demo_profiles()[0]
    choices = [
        ScenarioChoice("citizen_fine_sorting", participation=0.6, ramp_up_years=3),
        ScenarioChoice("municipal_bulky_reuse", participation=0.5, ramp_up_years=2),
        ScenarioChoice("large_scale_recycling", participation=0.4, ramp_up_years=4),
    ]
    return project(
        baseline_from_profile(city, 2022),
        load_methods(),
        choices,
        rng=np.random.default_rng(seed),
        draws=draws,
    )


def demo_pilot_panel(
    effect_pp: float = 3.0, *, seed: int = _SEED, n_controls: int = 12, start_year: int = 2019
) -> tuple[np.ndarray, list[str], list[int], str, int, list[str]]:
    """Synthetic recycling-rate panel (%): region + year effects + noise; the pilot gains ``effect_pp``."""
    rng = np.random.default_rng(seed)
    years = list(DEMO_YEARS)
    codes = [DEMO_CODES[0], *[f"demo-control-{i:02d}" for i in range(n_controls)]]
    unit = rng.normal(19.5, 2.0, size=len(codes))
    trend = 0.15 * (np.asarray(years) - years[0])
    values = unit[:, None] + trend[None, :] + rng.normal(0.0, 0.3, size=(len(codes), len(years)))
    values[0, np.asarray(years) >= start_year] += effect_pp
    return values, codes, years, codes[0], start_year, codes[1:]


def demo_pilot(effect_pp: float = 3.0, seed: int = _SEED) -> PilotEffect:
    values, codes, years, pilot, start, controls = demo_pilot_panel(effect_pp, seed=seed)
    return measure_pilot(
        values, codes, years, indicator="recycling_rate", pilot=pilot, start_year=start, controls=controls
    )
