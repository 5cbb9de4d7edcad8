"""Demo data: 「みなと市（デモ）」, a fictional mid-sized Japanese city, its two neighbours and a pilot panel.

EVERYTHING HERE IS FICTIONAL AND LABELLED DEMO. The codes 232912, 232921 and 232939 are valid in form
(Aichi prefecture 23, municipality numbers 291-293 that no real municipality uses, correct check digits).
Statistics are seeded and shaped to be plausible against national per-capita figures (FY2022 Japan:
880 g/person/day, recycling rate 19.6 %, 環境省 2024-03-28): the demo city falls from ~930 to ~860
g/person/day over FY2013-2022 with a recycling rate near 20 %.
"""

from __future__ import annotations

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
    "DEMO_YEARS",
    "demo_activity",
    "demo_pilot",
    "demo_pilot_panel",
    "demo_profiles",
    "demo_recommendation",
    "demo_scenario",
]

DEMO_CODES = ("232912", "232921", "232939")
DEMO_YEARS = tuple(range(2013, 2023))
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


def demo_profiles() -> tuple[RegionProfile, RegionProfile, RegionProfile]:
    """みなと市（デモ） and its neighbours かわべ町（デモ） and やまて市（デモ）, FY2013-2022."""
    rng = np.random.default_rng(_SEED)
    specs = (
        ("232912", RegionKind.MUNICIPALITY, "みなと市（デモ）", "Minato-shi (demo)", 306_000, -0.002, 180.0,
         {"agriculture_forestry_fisheries": 2_100, "manufacturing": 34_000, "construction": 9_500,
          "commerce_tourism_services": 82_000},
         (Facility("minato-inc", "incinerator", "みなとクリーンセンター（デモ）", 330, 35.02, 136.90),
          Facility("minato-sort", "sorting", "みなとリサイクルプラザ（デモ）", 60, 35.03, 136.91,
                   ("cans", "PET", "glass")),
          Facility("minato-reuse", "reuse_centre", "みなとリユース館（デモ）", 2, 35.04, 136.90)),
         frozenset({"industrial_zone", "bulky_waste_collection", "station_collection", "sorting_incentives"}),
         (35.03, 136.90), 930.0, 0.185),
        ("232921", RegionKind.MUNICIPALITY, "かわべ町（デモ）", "Kawabe-cho (demo)", 46_000, -0.008, 95.0,
         {"agriculture_forestry_fisheries": 2_600, "manufacturing": 4_100, "construction": 1_900,
          "commerce_tourism_services": 11_000},
         (Facility("kawabe-compost", "composting", "かわべ堆肥センター（デモ）", 20, 35.10, 136.80),),
         frozenset({"station_collection"}), (35.10, 136.79), 850.0, 0.22),
        ("232939", RegionKind.MUNICIPALITY, "やまて市（デモ）", "Yamate-shi (demo)", 121_000, -0.004, 140.0,
         {"agriculture_forestry_fisheries": 900, "manufacturing": 12_500, "construction": 3_800,
          "commerce_tourism_services": 35_000},
         (Facility("yamate-recycle", "recycling", "やまて再資源化工場（デモ）", 120, 35.20, 136.95,
                   ("plastics", "small appliances")),),
         frozenset({"bulky_waste_collection"}), (35.21, 136.96), 900.0, 0.20),
    )  # fmt: skip
    out = []
    for code, kind, ja, en, pop0, growth, area, emp, facs, feats, (lat, lon), g0, r0 in specs:
        pops = {y: round(pop0 * (1 + growth) ** (y - 2013)) for y in DEMO_YEARS}
        waste = {
            y: _waste(rng, pops[y], y, g0 - 7.5 * (y - 2013), r0 + 0.0015 * (y - 2013) + rng.normal(0, 0.002))
            for y in DEMO_YEARS
        }
        out.append(
            RegionProfile(
                code=code, kind=kind, name_ja=ja, name_en=en, population=pops,
                households={y: round(p / 2.25) for y, p in pops.items()}, area_km2=area, employment=emp,
                waste=waste, facilities=facs, neighbours=tuple(c for c in DEMO_CODES if c != code),
                features=feats, lat=lat, lon=lon, demo=True, source="junkan demo data (fictional)",
            )
        )  # fmt: skip
    return out[0], out[1], out[2]


def demo_activity() -> list[PlatformInputs]:
    """Platform inputs for the demo city FY2020-2022 (what the service would aggregate)."""
    return [
        PlatformInputs("232912", y, 120 + 30 * i, 85 + 20 * i, 14 + 2 * i, 210 + 25 * i, 21_000 + 800 * i,
                       14_500, 6_100 + 400 * i)
        for i, y in enumerate((2020, 2021, 2022))
    ]  # fmt: skip


def demo_recommendation(year: int = 2022) -> list[Recommendation]:
    city, kawabe, yamate = demo_profiles()
    typ = classify_profiles([city], year)
    gen = city.waste[year].generated_t or 0.0
    return recommend(
        load_methods(),
        facts_for(city, year, (kawabe, yamate), main_industry=typ.industry[0]),
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
    codes = ["232912", *[f"demo-control-{i:02d}" for i in range(n_controls)]]
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
