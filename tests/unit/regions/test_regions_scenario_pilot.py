import numpy as np
import pytest

from junkan.errors import InvalidInput
from junkan.regions.demo_data import demo_pilot, demo_pilot_panel, demo_profiles, demo_scenario
from junkan.regions.methods import load_methods
from junkan.regions.pilot import measure_pilot
from junkan.regions.scenario import (
    Baseline,
    ScenarioChoice,
    baseline_from_profile,
    project,
    sample_triangular,
)


def make_baseline() -> Baseline:
    return Baseline(2022, 100_000, 95_000, 5_000, 20_000, 70_000, 5_000)


def test_triangular_sampler_matches_theory():
    u = np.random.default_rng(0).random((200_000, 2))
    x = sample_triangular(u, np.array([0.0, 1.0]), np.array([0.2, 1.0]), np.array([1.0, 1.0]))
    assert x[:, 0].mean() == pytest.approx((0 + 0.2 + 1) / 3, abs=3e-3)
    assert x[:, 1].min() == x[:, 1].max() == 1.0  # degenerate distribution stays a constant


def test_single_method_median_by_hand():
    cat = load_methods()
    r = project(
        make_baseline(),
        cat,
        [ScenarioChoice("citizen_fine_sorting", 0.5, ramp_up_years=2)],
        rng=np.random.default_rng(1),
        draws=20_000,
    )
    # steady state median tonnes ≈ 100,000 × 0.25 × 0.5 × median(triangular(0.10, 0.20, 0.35)) ≈ 2,540 t
    med_cap = 0.35 - np.sqrt(0.5 * 0.25 * 0.15)
    assert r.method_tonnes_p50["citizen_fine_sorting"][-1] == pytest.approx(12_500 * med_cap, rel=0.02)
    # ramp-up: year 1 is half of year 2
    assert r.method_tonnes_p50["citizen_fine_sorting"][0] == pytest.approx(
        r.method_tonnes_p50["citizen_fine_sorting"][1] / 2, rel=0.02
    )
    q = r.quantiles["recycling_rate_change_pp"]
    assert (q[0] <= q[1]).all() and (q[1] <= q[2]).all()
    # 2,540 t more recycled: R from 20.0 % to 22.54 %
    assert q[1, -1] == pytest.approx(100 * (20_000 + 12_500 * med_cap) / 100_000 - 20.0, rel=0.03)
    incineration_share = 70_000 / 75_000
    assert r.quantiles["diverted_from_incineration_t"][1, -1] == pytest.approx(
        12_500 * med_cap * incineration_share, rel=0.02
    )


def test_same_seed_same_result_and_rows_export():
    a, b = demo_scenario(seed=7, draws=2_000), demo_scenario(seed=7, draws=2_000)
    assert np.array_equal(a.quantiles["jobs"], b.quantiles["jobs"])
    rows = a.rows()
    assert len(rows) == 6 * 10 and set(rows[0]) == {"year", "metric", "unit", "p10", "p50", "p90"}
    assert rows[0]["year"] == 2023


def test_diversion_capped_by_residual_waste():
    tiny = Baseline(2022, 100_000, 95_000, 5_000, 90_000, 4_000, 1_000)
    choices = [ScenarioChoice(m.id, 1.0, capture_rate=1.0, ramp_up_years=1) for m in load_methods().methods]
    r = project(tiny, load_methods(), choices, rng=np.random.default_rng(0), draws=500)
    # at most 90 % of the 5,000 t residual; incineration's share of it is 4,000 / 5,000
    assert r.quantiles["diverted_from_incineration_t"][2].max() == pytest.approx(0.9 * 5_000 * 0.8)


@pytest.mark.parametrize(
    ("choice", "field"),
    [
        (ScenarioChoice("citizen_fine_sorting", 1.4), "choices[0].participation"),
        (ScenarioChoice("citizen_fine_sorting", 0.5, capture_rate=-0.1), "choices[0].capture_rate"),
    ],
)
def test_bad_scenario_shares(choice, field):
    with pytest.raises(InvalidInput) as e:
        project(make_baseline(), load_methods(), [choice], rng=np.random.default_rng(0), draws=10)
    assert e.value.field == field and e.value.code == "share_out_of_range"


def test_incomplete_baseline_year_is_refused():
    with pytest.raises(InvalidInput) as e:
        baseline_from_profile(demo_profiles()[0], 2030)
    assert e.value.code == "incomplete_baseline"


def test_did_recovers_injected_effect():
    for effect in (3.0, -2.0):
        r = demo_pilot(effect_pp=effect)
        assert r.conclusive, r.findings
        assert r.ci_low < effect < r.ci_high
        assert r.estimate == pytest.approx(effect, abs=0.5)


def test_did_without_effect_says_inconclusive():
    r = demo_pilot(effect_pp=0.0)
    assert not r.conclusive
    assert "ci_spans_zero" in {f.code for f in r.findings}


def test_did_2x2_by_hand():
    values = np.array([[10.0, 10.0, 15.0, 15.0], [5.0, 5.0, 6.0, 6.0], [7.0, 7.0, 8.0, 8.0]])
    r = measure_pilot(
        values,
        ["p", "a", "b"],
        [2019, 2020, 2021, 2022],
        indicator="x",
        pilot="p",
        start_year=2021,
        controls=["a", "b"],
        min_controls=2,
    )
    assert r.estimate == pytest.approx((15 - 10) - 1)
    assert r.se == 0.0  # identical control changes: no placebo spread


def test_did_refusals_and_warnings():
    values, codes, years, pilot, start, controls = demo_pilot_panel()
    with pytest.raises(InvalidInput) as e:
        measure_pilot(
            values, codes, years, indicator="r", pilot=pilot, start_year=start, controls=[*controls, pilot]
        )
    assert e.value.code == "pilot_in_comparison_group"
    with pytest.raises(InvalidInput):
        measure_pilot(
            values, codes, years, indicator="r", pilot=pilot, start_year=start, controls=["nowhere"]
        )
    few = measure_pilot(
        values, codes, years, indicator="r", pilot=pilot, start_year=start, controls=controls[:3]
    )
    assert "too_few_controls" in {f.code for f in few.findings} and not few.conclusive
    early = measure_pilot(
        values, codes, years, indicator="r", pilot=pilot, start_year=2014, controls=controls
    )
    assert {"too_few_pre_periods", "parallel_trends_untested"} <= {f.code for f in early.findings}
    gappy = values.copy()
    gappy[1, :] = np.nan
    r = measure_pilot(gappy, codes, years, indicator="r", pilot=pilot, start_year=start, controls=controls)
    assert r.controls_excluded == (controls[0],)


def test_did_pretrend_rejected_when_pilot_already_diverging():
    values, codes, years, pilot, start, controls = demo_pilot_panel(effect_pp=0.0)
    values = values.copy()
    values[0] += 0.8 * (np.asarray(years) - years[0])  # pilot improving faster all along
    r = measure_pilot(values, codes, years, indicator="r", pilot=pilot, start_year=start, controls=controls)
    assert "parallel_trends_rejected" in {f.code for f in r.findings}
    assert not r.conclusive
