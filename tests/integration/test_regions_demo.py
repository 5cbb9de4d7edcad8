"""The demo world's regions step on SQLite and PostgreSQL: same places as the members demo, ten years of
statistics, linked facilities, the recommended model saved as a scenario, the pilot's measured effect."""

from __future__ import annotations

import pytest

from junkan.actor import Actor
from junkan.demo import DemoWorld
from junkan.demo.members import build_members, demo_municipality_code
from junkan.demo.regions import build_regions, shared_data_dirs
from junkan.members import service as members
from junkan.regions import service
from junkan.regions.demo_data import DEMO_CODES
from junkan.store.uow import UnitOfWork


@pytest.fixture
def demo(engine) -> DemoWorld:
    world = DemoWorld()
    build_members(engine, world, lambda _m: None)
    build_regions(engine, world, lambda _m: None)
    return world


def test_regions_demo_is_the_members_demo_s_places(engine, demo: DemoWorld) -> None:
    uow, anyone = UnitOfWork(engine), Actor(None)
    for key, code in zip(("city", "kitahama", "yamasato"), DEMO_CODES, strict=True):
        org = members.get_org(uow, anyone, demo.orgs[key])
        region = service.get_region(uow, anyone, code)
        assert org["municipality_code"] == code == demo_municipality_code(DEMO_CODES.index(code) + 1)
        assert region["name_ja"] == org["name_ja"] and region["is_demo"]
        assert region["years"] == list(range(2013, 2023))
    city = service.get_region(uow, anyone, DEMO_CODES[0])
    linked = {f["key"]: f["member_facility_id"] for f in city["facilities"]}
    assert linked["minato-cc"] == demo.facilities["city_incinerator"]
    platform = [f["name"] for f in city["facilities"] if f["origin"] == "platform"]
    assert platform == ["みなと選別センター（みなと資源選別株式会社）"]


def test_demo_plans_and_platform_figures(engine, demo: DemoWorld) -> None:
    uow, anyone = UnitOfWork(engine), Actor(None)
    d = service.region_dashboard(uow, anyone, DEMO_CODES[0]).dashboard
    notes = {n.variable: n.text_ja for n in d.platform_notes}
    # the sorter (sorting plant) and ShareLink (sector シェアリング) are the city's circular companies
    assert "循環型の企業2社（みなと資源選別株式会社、シェアリンク株式会社）" in notes["circular_businesses"]
    published = service.list_scenarios(uow, anyone, DEMO_CODES[0])
    assert [s["name"] for s in published] == ["推奨モデル（上位3手法）2026年度案"]
    top = [r.method.id for r in service.region_recommendations(uow, anyone, DEMO_CODES[0]).recommendations][
        :3
    ]
    assert [c["method_id"] for c in published[0]["choices"]] == top
    with pytest.raises(Exception, match="not found"):
        service.get_scenario(uow, anyone, demo.extra["regions.private_scenario"])
    pilot = service.get_pilot(uow, anyone, demo.extra["regions.pilot"])["result"]
    # demo_data puts a +2 percentage-point step into the city's recycling rate from FY2019
    assert pilot["conclusive"] and pilot["ci_low"] < 2.0 < pilot["ci_high"]
    assert len(pilot["controls_used"]) == 12
    waw = any((p / "what-a-waste-2.0" / "city_level_data.csv").is_file() for p in shared_data_dirs())
    assert ("regions.what_a_waste_run" in demo.extra) is waw
