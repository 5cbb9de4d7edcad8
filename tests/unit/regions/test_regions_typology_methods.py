import copy
import json
from importlib import resources

import numpy as np
import pytest

from junkan.errors import InvalidInput
from junkan.regions.demo_data import demo_profiles, demo_recommendation
from junkan.regions.methods import facts_for, load_methods
from junkan.regions.model import Facility
from junkan.regions.recommend import expected_effects, recommend
from junkan.regions.typology import TypologyConfig, classify, classify_profiles
from tests.unit.regions.regions_factories import make_profile


def test_population_classes_follow_local_autonomy_act_thresholds():
    emp = np.tile([1.0, 1.0, 1.0, 1.0], (5, 1))
    r = classify([49_999, 50_000, 200_000, 499_999, 500_000], emp, [False] * 5)
    assert r.population_class == ("town_village", "city", "core_city", "core_city", "designated_city")


def test_industry_by_location_quotient_and_largest_share():
    # manufacturing 25 % vs national 16 % -> LQ 1.56 beats services 70 %/73 % (LQ 0.96)
    emp = np.array([[3.0, 25.0, 2.0, 70.0], [10.0, 10.0, 5.0, 75.0], [1.0, 10.0, 7.0, 82.0]])
    r = classify([100_000] * 3, emp, [True, False, False])
    assert r.industry == ("manufacturing", "agriculture_forestry_fisheries", "commerce_tourism_services")
    assert r.labels[0] == "city/manufacturing/hub"
    r2 = classify([100_000] * 3, emp, [False] * 3, TypologyConfig(method="largest_share"))
    assert r2.industry[0] == "commerce_tourism_services"


def test_typology_config_is_validated():
    cfg = TypologyConfig.from_dict({"population_cuts": [30_000, 100_000, 700_000]})
    assert classify([60_000], [[1, 1, 1, 1]], [False], cfg).population_class == ("city",)
    with pytest.raises(InvalidInput):
        TypologyConfig.from_dict({"population_cuts": [200_000, 50_000, 500_000]})


def test_hub_from_facility_capacity():
    p = make_profile(facilities=(Facility("s", "sorting", "選別", 80),), employment={"manufacturing": 10})
    q = make_profile("271004", facilities=(Facility("s", "sorting", "選別", 10),))
    r = classify_profiles([p, q], 2022)
    assert r.hub == (True, False)
    assert r.industry[1] == "unknown"


def test_catalogue_has_the_eight_methods_with_names_from_the_deck():
    c = load_methods()
    assert [m.number for m in c.methods] == list(range(1, 9))
    assert c.get("neighbour_partnership_recycling").name_ja == "近隣地域連携リサイクル"
    assert len(c.elements) == 10
    for m in c.methods:
        assert m.assumptions and m.capture_rate.low <= m.capture_rate.mode <= m.capture_rate.high


def _raw():
    return json.loads(resources.files("junkan.regions").joinpath("methods.json").read_text("utf-8"))


@pytest.mark.parametrize(
    ("edit", "code"),
    [
        (lambda d: d["methods"][0].__setitem__("capture_rate", [0.5, 0.2, 0.9]), "bad_triangular"),
        (lambda d: d["methods"][0]["elements"].append("teleport"), "unknown_element"),
        (lambda d: d["methods"][0].__setitem__("side", "magic"), "bad_catalogue"),
        (lambda d: d["methods"][1].__setitem__("capture_rate", [0.5, 0.9, 1.5]), "bad_capture"),
    ],
)
def test_bad_catalogue_edits_fail_loudly(edit, code):
    d = copy.deepcopy(_raw())
    edit(d)
    with pytest.raises(InvalidInput) as e:
        load_methods(d)
    assert e.value.code == code


def test_expected_effects_by_hand():
    m = load_methods().get("citizen_fine_sorting")
    e = expected_effects(m, 100_000)
    # 100,000 t × 25 % × 50 % participation × 20 % capture = 2,500 t; × 0.9 t CO2e/t; × 1 job/1,000 t
    assert e.tonnes == pytest.approx(2_500)
    assert e.ghg_t == pytest.approx(2_250)
    assert e.jobs == pytest.approx(2.5)
    assert e.net_cost_jpy == pytest.approx(2_500 * 25_000)


def test_required_precondition_failing_sinks_a_method():
    yamasato = demo_profiles()[2]  # 山里村: 8k people, no industrial zone
    recs = recommend(load_methods(), facts_for(yamasato, 2022), generated_t=2_300)
    by_id = {r.method.id: r for r in recs}
    assert not by_id["company_sharing"].feasible  # needs 100k people
    assert not by_id["large_scale_recycling"].feasible  # needs an industrial zone
    assert recs[-1].feasible is False and recs[0].feasible is True
    assert by_id["large_scale_recycling"].reasons_ja[0].startswith("必須条件")


def test_demo_recommendation_explains_itself():
    recs = demo_recommendation()
    assert len(recs) == 8 and [r.rank for r in recs] == list(range(1, 9))
    top = recs[0]
    assert top.feasible
    assert any("○" in s for s in top.reasons_ja)
    fine = next(r for r in recs if r.method.id == "citizen_fine_sorting")
    # 北浜町's bottle recycling plant lies ~8 km from みなと市: the 50 km condition holds
    check = next(c for c in fine.checks if c.precondition.id == "recycler")
    assert check.holds and "nearest" in check.detail
    assert "類似都市A（デモ）" in " ".join(fine.reasons_ja)
    assert fine.elements_present == ("sorting_incentives",)
    assert "advanced_sorting" in fine.elements_missing
