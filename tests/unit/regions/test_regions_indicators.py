"""Indicators, checked against Japan's published FY2022 municipal waste totals.

Published (環境省 press release 2024-03-28, 一般廃棄物の排出及び処理状況等(令和4年度)):
ごみ総排出量 4,034万t, 1人1日当たり 880 g, ごみ総処理量 3,890万t, 直接資源化量 188万t,
総資源化量 791万t, リサイクル率 19.6 %, 最終処分量 337万t.
Not in the release, derived here and documented:
- 集団回収量 144万t = 総排出量 − 総処理量 (計画処理量 ≈ 総処理量; in FY2014 they differed by 3万t);
  R = 791 / (3,890 + 144) = 19.61 % is consistent with the published 19.6 %.
- 中間処理後再生利用量 459万t = 791 − 188 − 144.
- Population 125.6 million (住民基本台帳 total incl. foreign residents, Oct 2022, rounded); the published
  880 g pins it to 125.52-125.67 million given 4,034万t and 365 days (FY2022 = Apr 2022-Mar 2023).
"""

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from junkan.errors import InvalidInput
from junkan.regions.indicators import (
    EmissionFactor,
    compile_expr,
    compute_indicators,
    load_indicator_tree,
    peer_percentiles,
)
from junkan.regions.panel import PlatformInputs, RegionPanel, build_panel, fiscal_year_days
from tests.unit.regions.regions_factories import make_profile, make_waste

MAN = 1e4  # 万t -> t
SHARED_DATA = Path(__file__).resolve().parents[4] / "shared" / "data"
NATIONAL_CSV = SHARED_DATA / "reference" / "national-indicators.csv"


def make_japan_fy2022(population: float = 125.6e6) -> RegionPanel:
    v = {
        "population": population,
        "households": np.nan,
        "area_km2": np.nan,
        "days": 365.0,
        "generated_t": 4034 * MAN,
        "total_treated_t": 3890 * MAN,
        "group_collection_t": 144 * MAN,
        "direct_recycling_t": 188 * MAN,
        "recycled_after_treatment_t": 459 * MAN,
        "incinerated_t": np.nan,
        "final_disposal_t": 337 * MAN,
        "treatment_cost_jpy": np.nan,
    }
    v["recycled_t"] = v["direct_recycling_t"] + v["recycled_after_treatment_t"] + v["group_collection_t"]
    for k in (
        "reuse_repair_sharing_events",
        "reuse_repair_sharing_t",
        "circular_businesses",
        "circular_jobs",
        "group_collection_households",
        "recyclables_collected_t",
        "recyclables_processed_in_region_t",
    ):
        v[k] = np.nan
    return RegionPanel(
        ("japan",), (2022,), {k: np.full((1, 1), x, dtype=float) for k, x in v.items()}, ("nation",)
    )


def test_fy2022_national_figures_match_published_precision():
    r = compute_indicators(make_japan_fy2022())
    assert fiscal_year_days(2022) == 365
    assert round(float(r.values["waste_per_capita"][0, 0])) == 880
    assert round(float(r.values["recycling_rate"][0, 0]), 1) == 19.6
    assert make_japan_fy2022()["recycled_t"][0, 0] == 791 * MAN  # 総資源化量 as published


def test_wrong_population_would_fail_the_check():
    r = compute_indicators(make_japan_fy2022(population=125.0e6))
    assert round(float(r.values["waste_per_capita"][0, 0])) != 880


@pytest.mark.skipif(not NATIONAL_CSV.exists(), reason="shared reference data not mounted")
def test_reference_csv_carries_the_same_published_numbers():
    with NATIONAL_CSV.open(encoding="utf-8") as fh:
        rows = {r["indicator"]: r for r in csv.DictReader(fh)}
    assert float(rows["municipal waste generated per person"]["recent_value"]) == 880
    assert float(rows["municipal recycling rate R"]["recent_value"]) == 19.6
    assert float(rows["municipal waste generated"]["recent_value"]) == pytest.approx(4034 * MAN / 1e6)


def test_explanation_shows_formula_inputs_and_ghg_factor_source():
    p = make_profile()
    factors = [EmissionFactor("PET", "recycling (net)", -1.15, "US EPA WARM v16")]
    r = compute_indicators(build_panel([p], [2022]), factors=factors)
    e = r.explain("ghg_avoided_per_capita", "141003", 2022)
    assert "ghg_avoided_t" in e.formula
    pet = [i for i in e.inputs if i.name.startswith("PET")]
    assert pet and pet[0].value == -1.15 and pet[0].source == "US EPA WARM v16"
    # recycled 17,000 t × PET share 0.04 × 1.15 t/t = 782 t -> per person kg
    assert e.value == pytest.approx(17_000 * 0.04 * 1.15 * 1000 / 298_000, abs=1e-4)  # rounded to decimals+3
    rr = r.explain("recycling_rate", "141003", 2022)
    assert rr.value == pytest.approx(100 * 17_000 / (85_000 + 4_000), abs=1e-3)
    assert {i.name for i in rr.inputs} == {"recycled_t", "total_treated_t", "group_collection_t"}


def test_missing_year_is_missing_not_zero():
    p = make_profile(waste={2022: make_waste()})
    r = compute_indicators(build_panel([p], [2021, 2022]))
    e = r.explain("waste_per_capita", "141003", 2021)
    assert e.value is None and e.percentile is None
    assert np.isnan(r.values["waste_per_capita"][0, 0])


def test_ghg_without_factors_is_missing():
    r = compute_indicators(build_panel([make_profile()], [2022]))
    assert r.explain("ghg_avoided_per_capita", "141003", 2022).value is None


def test_peer_percentiles_rank_and_maturity():
    vals = np.array([[10.0], [20.0], [30.0], [40.0], [50.0], [99.0]])
    pct, n = peer_percentiles(vals, ["a"] * 5 + ["b"], higher_is_better=True)
    assert pct[:5, 0].tolist() == [0, 25, 50, 75, 100]
    assert np.isnan(pct[5, 0]) and n[0, 0] == 5  # alone in its group: no peer position
    low, _ = peer_percentiles(vals, ["a"] * 6, higher_is_better=False)
    assert low[0, 0] == 100.0


def test_platform_inputs_feed_indicators_and_maturity_levels():
    profiles = [make_profile(c) for c in ("141003", "271004", "281000")]
    act = [
        PlatformInputs(c, 2022, circular_businesses=b)
        for c, b in (("141003", 3), ("271004", 30), ("281000", 60))
    ]
    r = compute_indicators(build_panel(profiles, [2022], act))
    e = r.explain("circular_businesses_per_10k", "281000", 2022)
    assert e.value == pytest.approx(60 * 1e4 / 298_000, rel=1e-4)
    assert e.rank == 1 and e.n_peers == 3 and e.maturity_level == 5 and e.maturity_label_en == "leading"
    assert r.explain("circular_businesses_per_10k", "141003", 2022).maturity_level == 1


def test_vectorised_equals_naive_loop():
    rng = np.random.default_rng(1)
    profiles = []
    for i, code in enumerate(("141003", "271004", "281000", "401005")):
        waste = {
            y: make_waste(
                direct_recycling_t=float(rng.integers(1000, 5000)), household_t=float(50_000 + i * 10 + y)
            )
            for y in (2020, 2021, 2022)
        }
        profiles.append(
            make_profile(code, waste=waste, population={y: 200_000.0 + i for y in (2020, 2021, 2022)})
        )
    r = compute_indicators(build_panel(profiles, [2020, 2021, 2022]))
    for i, p in enumerate(profiles):
        for j, y in enumerate((2020, 2021, 2022)):
            w = p.waste[y]
            rate = (
                100
                * (w.direct_recycling_t + w.recycled_after_treatment_t + w.group_collection_t)
                / (w.total_treated_t + w.group_collection_t)
            )
            assert r.values["recycling_rate"][i, j] == pytest.approx(rate)
            g = w.generated_t * 1e6 / (p.population[y] * fiscal_year_days(y))
            assert r.values["waste_per_capita"][i, j] == pytest.approx(g)


def test_tree_is_data_and_is_validated():
    tree = load_indicator_tree()
    assert {d.perspective for d in tree.indicators} == {"environment", "resources", "growth", "wellbeing"}
    data = json.loads(json.dumps(tree.raw))
    data["perspectives"][0]["themes"][0]["indicators"].append(
        {
            "id": "households_per_km2",
            "name_ja": "世帯密度",
            "name_en": "Household density",
            "unit": "/km2",
            "expr": "households / area_km2",
            "better": "higher",
            "weight": 1,
        }
    )
    data["variables"]["area_km2"] = {"unit": "km2", "source": "国土地理院"}
    custom = load_indicator_tree(data)
    r = compute_indicators(build_panel([make_profile()], [2022]), custom)
    assert r.values["households_per_km2"][0, 0] == pytest.approx(130_000 / 150)
    data["perspectives"][0]["themes"][0]["indicators"][-1]["expr"] = "__import__('os').getcwd()"
    with pytest.raises(InvalidInput) as e:
        load_indicator_tree(data)
    assert e.value.code == "bad_formula"
    data["perspectives"][0]["themes"][0]["indicators"][-1]["expr"] = "mystery / population"
    with pytest.raises(InvalidInput, match="mystery"):
        load_indicator_tree(data)


def test_compile_expr_arithmetic():
    fn, names = compile_expr("-(a + 2) * b / 4")
    assert names == ("a", "b")
    assert fn({"a": np.array([2.0]), "b": np.array([8.0])})[0] == -8.0
