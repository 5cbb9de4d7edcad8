import importlib

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from junkan.regions.indicators import compute_indicators
from junkan.regions.panel import build_panel
from tests.unit.regions.regions_factories import make_profile, make_waste

PUBLIC = {
    "codes": {"RegionKind", "check_digit", "validate_municipality_code", "validate_region_id"},
    "model": {"RegionProfile", "WasteYear", "Facility", "check_share"},
    "panel": {"RegionPanel", "PlatformInputs", "build_panel"},
    "indicators": {"compute_indicators", "load_indicator_tree", "IndicatorResult", "EmissionFactor"},
    "typology": {"classify", "classify_profiles", "TypologyConfig"},
    "methods": {"load_methods", "Catalogue", "facts_for", "check_preconditions"},
    "recommend": {"recommend", "Recommendation"},
    "scenario": {"project", "ScenarioChoice", "baseline_from_profile"},
    "pilot": {"measure_pilot", "PilotEffect"},
    "tabular": {"parse_region_csv", "parse_region_xlsx", "template_csv", "template_xlsx"},
    "wastat": {"parse_city_data", "parse_codebook", "repair_mojibake", "to_profile"},
    "report": {"region_report_pdf", "region_report_xlsx"},
    "demo_data": {"demo_profiles", "demo_scenario", "demo_pilot", "demo_recommendation"},
}


def test_public_names_are_exported():
    for name, expected in PUBLIC.items():
        mod = importlib.import_module(f"junkan.regions.{name}")
        assert expected <= set(mod.__all__), name
        for attr in mod.__all__:
            assert hasattr(mod, attr), f"{name}.{attr}"


amount = st.floats(min_value=0, max_value=1e6, allow_nan=False)


@given(amount, amount, st.floats(0, 1), st.floats(0, 1), amount)
def test_recycling_rate_stays_within_0_100_for_valid_statistics(treated, group, f_direct, f_after, extra):
    direct = treated * f_direct
    after = (treated - direct) * f_after
    w = make_waste(
        total_treated_t=treated,
        group_collection_t=group,
        direct_recycling_t=direct,
        recycled_after_treatment_t=after,
        incinerated_t=0,
        final_disposal_t=0,
    ).validate()
    r = compute_indicators(build_panel([make_profile(waste={2022: w})], [2022]))
    rate = r.values["recycling_rate"][0, 0]
    assert np.isnan(rate) or -1e-9 <= rate <= 100 + 1e-9
