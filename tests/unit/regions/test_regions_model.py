import math

import pytest

from junkan.errors import InvalidInput
from junkan.regions.codes import RegionKind
from junkan.regions.model import Facility, RegionProfile, check_share, haversine_km
from tests.unit.regions.regions_factories import make_profile, make_waste


def test_generated_is_sum_and_missing_stays_missing():
    assert make_waste().generated_t == 89_000
    assert make_waste(group_collection_t=None).generated_t is None


def test_recycling_larger_than_total_treated_is_rejected():
    with pytest.raises(InvalidInput) as e:
        make_waste(direct_recycling_t=50_000, recycled_after_treatment_t=40_000).validate()
    assert e.value.code == "component_exceeds_total"
    assert e.value.field == "waste.direct_recycling_t"


def test_incineration_over_total_and_negative():
    with pytest.raises(InvalidInput, match="incinerated_t"):
        make_waste(incinerated_t=90_000).validate()
    with pytest.raises(InvalidInput) as e:
        make_waste(final_disposal_t=-1).validate()
    assert e.value.code == "negative_amount"


def test_profile_validates_years_and_codes():
    with pytest.raises(InvalidInput) as e:
        make_profile(waste={2022: make_waste(incinerated_t=1e9)})
    assert e.value.field == "waste[2022].incinerated_t"
    with pytest.raises(InvalidInput):
        make_profile(code="141004")
    with pytest.raises(InvalidInput) as e2:
        make_profile(code="13", kind=RegionKind.MUNICIPALITY)
    assert e2.value.code == "region_kind_mismatch"


def test_group_needs_valid_members():
    g = RegionProfile(
        code="group:chita",
        kind=RegionKind.GROUP,
        name_ja="知多",
        name_en="Chita",
        members=("232165", "232173"),
    )
    assert g.members
    with pytest.raises(InvalidInput) as e:
        RegionProfile(
            code="group:chita", kind=RegionKind.GROUP, name_ja="x", name_en="x", members=("232165", "1")
        )
    assert e.value.field == "members[1]"


def test_share_and_facility_and_distance():
    assert check_share(23.5, field="s") == 23.5
    for bad in (-0.1, 100.1, math.nan):
        with pytest.raises(InvalidInput) as e:
            check_share(bad, field="share")
        assert e.value.code == "share_out_of_range"
    with pytest.raises(InvalidInput):
        Facility("f", "spaceport", "x")
    # Tokyo station to Osaka station ≈ 403 km great-circle
    assert haversine_km(35.681, 139.767, 34.702, 135.496) == pytest.approx(403, abs=5)


def test_missing_population_year_is_none():
    p = make_profile()
    assert p.population_in(2019) is None
    assert p.density(2019) is None
    assert p.density(2022) == pytest.approx(298_000 / 150)
