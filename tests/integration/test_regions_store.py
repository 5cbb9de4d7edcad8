"""Regions use cases against real SQLite and real PostgreSQL (each test runs on both)."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select
from tests.factories import World, make_facility

from junkan.actor import Actor
from junkan.demo.members import demo_municipality_code
from junkan.errors import ImportRejected, InvalidInput, NotFound, PermissionDenied
from junkan.members import service as members
from junkan.members.model import FacilityKind, OrgKind, Role
from junkan.pagination import PageRequest
from junkan.regions import service
from junkan.regions.demo_data import demo_profiles
from junkan.regions.model import Facility
from junkan.regions.scenario import ScenarioChoice
from junkan.regions.tabular import profiles_csv, template_xlsx
from junkan.store.tables.platform import audit_log
from junkan.store.tables.regions import region_import_runs, region_profiles, region_stats

WAW = Path(__file__).resolve().parents[3] / "shared" / "data" / "what-a-waste-2.0"
CITY, TOWN, VILLAGE = demo_profiles()


@pytest.fixture
def world(engine) -> World:
    return World(engine)


def count(world: World, table) -> int:
    with world.engine.connect() as c:
        return c.execute(select(func.count()).select_from(table)).scalar_one()


def municipality(world: World, code: str, role: Role = Role.ADMIN) -> tuple[int, Actor]:
    return world.org(role, kind=OrgKind.MUNICIPALITY, municipality_code=code)


def csv_bytes(*profiles) -> bytes:
    return ("\ufeff" + profiles_csv(profiles)).encode("utf-8")


def stats(world: World, code: str) -> list[dict]:
    return service.region_stats(world.uow, world.system, code)


# imports ----------------------------------------------------------------------------------------
def test_import_creates_profile_and_ten_years(world: World) -> None:
    _, admin = municipality(world, CITY.code)
    rep = service.import_statistics(world.uow, admin, csv_bytes(CITY), filename="minato.csv")
    assert rep.status == "applied" and rep.rows_read == rep.rows_changed == 10 and rep.regions == (CITY.code,)
    rows = stats(world, CITY.code)
    assert [r["year"] for r in rows] == list(range(2013, 2023))
    fy22 = rows[-1]
    assert fy22["population"] == CITY.population[2022]
    assert fy22["direct_recycling_t"] == CITY.waste[2022].direct_recycling_t
    assert fy22["import_run_id"] == rep.run_id and "minato.csv" in fy22["source"]
    region = service.get_region(world.uow, Actor(None), CITY.code)
    assert region["name_ja"] == "みなと市" and region["latest_year"] == 2022
    assert region["writable"] is False  # anonymous


def test_bad_file_is_rejected_whole_with_every_row_reported(world: World) -> None:
    _, admin = municipality(world, CITY.code)
    text = profiles_csv([CITY])
    lines = text.splitlines()
    lines[3] = lines[3].replace(",180,", ",-5,", 1)  # area negative in row 4
    lines[6] = lines[6].replace(f"{CITY.code},2018", f"{CITY.code},20x8", 1)  # bad year in row 7
    before = (count(world, region_stats), count(world, region_profiles))
    with pytest.raises(ImportRejected) as e:
        service.import_statistics(world.uow, admin, "\n".join(lines).encode(), filename="bad.csv")
    assert {(r.row, r.field, r.code) for r in e.value.rows} >= {(4, "area_km2", "negative_amount")}
    assert any(r.row == 7 for r in e.value.rows)
    # nothing of the file is stored, but the run and its report are, for the officer to read again
    assert (count(world, region_stats), count(world, region_profiles)) == before
    run = service.get_import(world.uow, admin, e.value.extra["import_run_id"])
    assert run.status == "rejected" and {r.row for r in run.rows} >= {4, 7}
    assert all(r.severity == "error" for r in run.rows)


def test_reimport_is_idempotent_and_the_file_is_the_truth_for_its_rows(world: World) -> None:
    _, admin = municipality(world, CITY.code)
    first = service.import_statistics(world.uow, admin, csv_bytes(CITY), filename="a.csv")
    snapshot = stats(world, CITY.code)
    again = service.import_statistics(world.uow, admin, csv_bytes(CITY), filename="a.csv")
    assert again.status == "unchanged" and again.rows_changed == 0 and again.run_id != first.run_id
    assert stats(world, CITY.code) == snapshot  # same values, same run id, same timestamps
    # a corrected file changes exactly the rows it corrects; the original file restores them
    text = profiles_csv([CITY]).replace(f"{CITY.code},2022,", f"{CITY.code},2022,", 1)
    lines = text.splitlines()
    lines[-1] = lines[-1].rsplit(",", 1)[0] + ","  # treatment cost of FY2022 now "not reported"
    fixed = service.import_statistics(world.uow, admin, "\n".join(lines).encode(), filename="a.csv")
    assert fixed.rows_changed == 1
    assert stats(world, CITY.code)[-1]["treatment_cost_jpy"] is None  # empty cell = not reported, not zero
    back = service.import_statistics(world.uow, admin, csv_bytes(CITY), filename="a.csv")
    assert back.rows_changed == 1
    assert [r["treatment_cost_jpy"] for r in stats(world, CITY.code)] == [
        s["treatment_cost_jpy"] for s in snapshot
    ]


def test_xlsx_import_reads_the_template_format(world: World) -> None:
    _, admin = municipality(world, TOWN.code)
    wb = openpyxl.load_workbook(io.BytesIO(template_xlsx("ja")))
    ws = wb["data"]
    w = TOWN.waste[2022]
    ws.append(
        [TOWN.code, 2022, TOWN.name_ja, TOWN.name_en, TOWN.population[2022], None, 95, w.household_t,
         w.business_t, w.group_collection_t, w.total_treated_t, w.direct_recycling_t,
         w.recycled_after_treatment_t, w.incinerated_t, w.final_disposal_t, w.treatment_cost_jpy]
    )  # fmt: skip
    buf = io.BytesIO()
    wb.save(buf)
    rep = service.import_statistics(world.uow, admin, buf.getvalue(), filename="kitahama.xlsx")
    assert rep.kind == "xlsx" and rep.rows_changed == 1
    row = stats(world, TOWN.code)[0]
    assert row["households"] is None and row["total_treated_t"] == w.total_treated_t


def test_only_the_region_s_municipality_or_the_operator_writes_it(world: World) -> None:
    _, company = world.org()
    _, other_town = municipality(world, TOWN.code)
    _, city_editor = municipality(world, CITY.code, Role.EDITOR)
    _, regulator = world.org(kind=OrgKind.REGULATOR, membership_date=None)
    runs = count(world, region_import_runs)
    for actor in (company, other_town, city_editor):
        with pytest.raises(PermissionDenied):
            service.import_statistics(world.uow, actor, csv_bytes(CITY), filename="x.csv")
    assert count(world, region_stats) == 0 and count(world, region_import_runs) == runs
    rep = service.import_statistics(world.uow, regulator, csv_bytes(CITY, TOWN), filename="ref.csv")
    assert set(rep.regions) == {CITY.code, TOWN.code}
    with pytest.raises(PermissionDenied):
        service.put_region_year(world.uow, other_town, CITY.code, 2022, {"population": 1.0}, source="x")
    out = service.update_region(world.uow, other_town, TOWN.code, {"features": ["station_collection"]})
    assert out["features"] == ["station_collection"]
    # imports are visible to the importing organisation and the operator only
    assert service.list_imports(world.uow, regulator, PageRequest(10)).total >= 1
    assert service.list_imports(world.uow, other_town, PageRequest(10)).total == 0
    with pytest.raises(NotFound):
        service.get_import(world.uow, other_town, rep.run_id)


def test_every_write_is_audited(world: World) -> None:
    _, admin = municipality(world, CITY.code)
    service.import_statistics(world.uow, admin, csv_bytes(CITY), filename="a.csv")
    service.put_region_year(world.uow, admin, CITY.code, 2023, {"population": 299_000.0}, source="速報値")
    with world.engine.connect() as c:
        actions = [r[0] for r in c.execute(select(audit_log.c.action).order_by(audit_log.c.id))]
    assert "regions.import" in actions and "region.stats.put" in actions


# platform inputs --------------------------------------------------------------------------------
def test_platform_members_located_in_the_region_feed_the_dashboard(world: World) -> None:
    service.import_statistics(world.uow, world.system, csv_bytes(CITY, TOWN, VILLAGE), filename="x.csv")
    recycler, recycler_admin = world.org(sector="PETボトルリサイクル")
    here = {"municipality_code": CITY.code}
    plant = make_facility(recycler, kind=FacilityKind.RECYCLING_PLANT, name="Bottle plant", **here)
    members.add_facility(world.uow, recycler_admin, plant)
    hidden = make_facility(recycler, kind=FacilityKind.SORTING_PLANT, name="Hidden", is_public=False, **here)
    members.add_facility(world.uow, recycler_admin, hidden)
    maker, maker_admin = world.org(sector="飲料製造")
    members.add_facility(world.uow, maker_admin, make_facility(maker, municipality_code=CITY.code))
    region = service.get_region(world.uow, Actor(None), CITY.code)
    platform = [f for f in region["facilities"] if f["origin"] == "platform"]
    assert [f["kind"] for f in platform] == ["recycling"]  # public waste facilities only; never capacity
    assert platform[0]["capacity_t_per_day"] is None
    d = service.region_dashboard(world.uow, Actor(None), CITY.code, year=2022).dashboard
    row = next(r for p in d.perspectives for t in p.themes for r in t.indicators
               if r.value.indicator_id == "circular_businesses_per_10k")  # fmt: skip
    # 1 circular company (the recycler) located in the city; the beverage maker is not circular
    assert row.value.value == pytest.approx(1 * 10_000 / CITY.population[2022], rel=1e-3)
    src = next(i.source for i in row.value.inputs if i.name == "circular_businesses")
    assert "1 circular companies among 2 organisations" in src and "FY2022" in src
    town = service.region_dashboard(world.uow, Actor(None), TOWN.code, year=2022).dashboard
    town_row = next(r for p in town.perspectives for t in p.themes for r in t.indicators
                    if r.value.indicator_id == "circular_businesses_per_10k")  # fmt: skip
    assert town_row.value.value is None  # nobody is located there: missing, not zero


def test_group_statistics_are_the_sum_of_its_members(world: World) -> None:
    service.import_statistics(world.uow, world.system, csv_bytes(CITY, TOWN), filename="x.csv")
    _, admin = municipality(world, CITY.code)
    group = {"code": "group:minato-kitahama", "name_ja": "みなと・北浜広域", "name_en": "Minato-Kitahama"}
    service.create_region(world.uow, admin, {**group, "members": [CITY.code, TOWN.code]})
    d = service.region_dashboard(world.uow, Actor(None), "group:minato-kitahama").dashboard
    assert d.year == 2022
    row = next(r for p in d.perspectives for t in p.themes for r in t.indicators
               if r.value.indicator_id == "recycling_rate")  # fmt: skip
    c, t = CITY.waste[2022], TOWN.waste[2022]
    recycled = sum(x.direct_recycling_t + x.recycled_after_treatment_t + x.group_collection_t for x in (c, t))
    denominator = sum(x.total_treated_t + x.group_collection_t for x in (c, t))
    assert row.value.value == pytest.approx(100 * recycled / denominator, abs=1e-3)
    with pytest.raises(InvalidInput):  # a group needs two members
        service.create_region(world.uow, admin, {"code": "group:alone", "name_ja": "単独", "name_en": "Alone",
                                                 "members": [CITY.code]})  # fmt: skip


# scenarios and pilots ---------------------------------------------------------------------------
def scenario_spec(**over) -> service.ScenarioSpec:
    values = dict(name="private plan", choices=(ScenarioChoice("citizen_fine_sorting", participation=0.6),),
                  draws=500)  # fmt: skip
    values.update(over)
    return service.ScenarioSpec(**values)


def test_scenarios_are_private_until_published(world: World) -> None:
    service.import_statistics(world.uow, world.system, csv_bytes(CITY), filename="x.csv")
    city_id, admin = municipality(world, CITY.code)
    viewer = world.person(city_id, Role.VIEWER)
    _, company = world.org()
    _, regulator = world.org(kind=OrgKind.REGULATOR, membership_date=None)
    sid = service.create_scenario(world.uow, admin, CITY.code, scenario_spec())
    mine = service.get_scenario(world.uow, viewer, sid)
    assert mine["result"]["years"][0] == 2023 and len(mine["result"]["years"]) == 10
    for other in (company, regulator, Actor(None)):
        with pytest.raises(NotFound):
            service.get_scenario(world.uow, other, sid)
        assert service.list_scenarios(world.uow, other, CITY.code) == []
        with pytest.raises(NotFound):
            service.scenario_export(world.uow, other, sid, "csv")
    with pytest.raises(NotFound):
        service.region_report(world.uow, regulator, CITY.code, fmt="xlsx", scenario_id=sid)
    with pytest.raises(PermissionDenied):
        service.publish_scenario(world.uow, viewer, sid)  # publishing needs an admin
    with pytest.raises(PermissionDenied):
        service.run_scenario(world.uow, viewer, sid)
    service.publish_scenario(world.uow, admin, sid)
    for other in (company, regulator, Actor(None)):
        assert service.get_scenario(world.uow, other, sid)["published"] is True
    with pytest.raises(PermissionDenied):
        service.delete_scenario(world.uow, company, sid)  # visible, but not theirs
    name, _media, data = service.scenario_export(world.uow, company, sid, "xlsx")
    assert name.endswith(".xlsx") and data.startswith(b"PK")
    # the same parameters and seed give the same numbers, run after run
    again = service.run_scenario(world.uow, admin, sid)
    assert again["result"]["quantiles"] == mine["result"]["quantiles"]


def test_scenario_input_errors_name_the_field(world: World) -> None:
    service.import_statistics(world.uow, world.system, csv_bytes(CITY), filename="x.csv")
    _, admin = municipality(world, CITY.code)
    with pytest.raises(InvalidInput) as e:
        service.create_scenario(world.uow, admin, CITY.code, scenario_spec(
            choices=(ScenarioChoice("citizen_fine_sorting", participation=60),)))  # fmt: skip
    assert e.value.field == "choices[0].participation"
    with pytest.raises(InvalidInput) as e:
        service.create_scenario(world.uow, admin, CITY.code, scenario_spec(
            choices=(ScenarioChoice("teleportation"),)))  # fmt: skip
    assert e.value.field == "choices[0].method_id"
    with pytest.raises(InvalidInput) as e:
        service.create_scenario(world.uow, admin, CITY.code, scenario_spec(baseline_year=2030))
    assert e.value.code == "incomplete_baseline"


def test_pilots_are_private_and_their_observations_count(world: World) -> None:
    comparison = [
        dataclasses.replace(
            p, code=demo_municipality_code(40 + i), name_ja=f"比較{i}", name_en=f"Comparison {i}"
        )
        for i, p in enumerate([TOWN, VILLAGE] * 3)
    ]
    service.import_statistics(world.uow, world.system, csv_bytes(CITY, *comparison), filename="x.csv")
    _, admin = municipality(world, CITY.code)
    _, company = world.org()
    controls = tuple(p.code for p in comparison)
    spec = service.PilotSpec(name="fine sorting", indicator="recycling_rate", start_year=2019,
                             controls=controls, method_id="citizen_fine_sorting")  # fmt: skip
    pid = service.create_pilot(world.uow, admin, CITY.code, spec)
    res = service.get_pilot(world.uow, admin, pid)["result"]
    assert res["estimate"] == pytest.approx(2.0, abs=0.5) and res["n_pre"] == 6 and res["n_post"] == 4
    with pytest.raises(NotFound):
        service.get_pilot(world.uow, company, pid)
    assert service.list_pilots(world.uow, company, CITY.code) == []
    # a private observation replaces the published figure for that year
    obs = dataclasses.replace(spec, observations=(service.Observation(CITY.code, 2022, 90.0, "速報値"),))
    pid2 = service.create_pilot(world.uow, admin, CITY.code, obs)
    series = service.get_pilot(world.uow, admin, pid2)["result"]["series"]
    assert series["pilot"][series["years"].index(2022)] == 90.0
    # too few comparison regions: measured, but it says it cannot conclude and why
    few = service.PilotSpec(name="few", indicator="recycling_rate", start_year=2019,
                            controls=tuple(p.code for p in comparison[:2]))  # fmt: skip
    pid3 = service.create_pilot(world.uow, admin, CITY.code, few)
    r3 = service.get_pilot(world.uow, admin, pid3)["result"]
    assert r3["conclusive"] is False and "too_few_controls" in {f["code"] for f in r3["findings"]}
    service.publish_pilot(world.uow, admin, pid)
    assert service.get_pilot(world.uow, company, pid)["published"] is True
    recs = service.region_recommendations(world.uow, Actor(None), CITY.code)
    assert len(recs.recommendations) == 8


# What a Waste 2.0 -------------------------------------------------------------------------------
@pytest.mark.skipif(not WAW.is_dir(), reason="shared What a Waste data not present")
def test_what_a_waste_import_reports_repairs_and_rejections(world: World) -> None:
    _, regulator = world.org(kind=OrgKind.REGULATOR, membership_date=None)
    _, city = municipality(world, CITY.code)
    data, book = WAW / "city_level_data.csv", WAW / "city_level_codebook.csv"
    with pytest.raises(PermissionDenied):
        service.import_what_a_waste(world.uow, city, data, book)
    rep = service.import_what_a_waste(world.uow, regulator, data, book)
    assert set(rep.regions) == {"141003", "281000", "271004", "472018", "401005", "162019"}
    assert rep.status == "applied" and rep.rows_read == 367
    repaired = {r.message for r in rep.rows if r.severity == "repair"}
    assert any("Córdoba" in m for m in repaired) and any("Bogotá" in m for m in repaired)
    assert any(r.severity == "error" and r.code == "missing_value" for r in rep.rows)
    yokohama = stats(world, "141003")
    assert [r["year"] for r in yokohama] == [2015]
    assert yokohama[0]["population"] == 3_730_345 and yokohama[0]["total_treated_t"] == 1_182_892
    assert yokohama[0]["household_t"] is None  # What a Waste does not split household waste: never guessed
    assert "What a Waste" in yokohama[0]["source"]
    again = service.import_what_a_waste(world.uow, regulator, data, book)
    assert again.status == "unchanged" and again.rows_changed == 0
    page = service.list_regions(world.uow, Actor(None), PageRequest(10), q="横浜")
    assert [r["code"] for r in page.items] == ["141003"]


def test_what_a_waste_rejects_a_file_that_is_not_the_data_set(world: World) -> None:
    _, regulator = world.org(kind=OrgKind.REGULATOR, membership_date=None)
    with pytest.raises(ImportRejected):
        service.import_what_a_waste(world.uow, regulator, b"a,b\n1,2\n")
    assert count(world, region_profiles) == 0


def test_facilities_link_member_facilities(world: World) -> None:
    service.import_statistics(world.uow, world.system, csv_bytes(CITY), filename="x.csv")
    _, admin = municipality(world, CITY.code)
    org, org_admin = world.org()
    site = make_facility(org, kind=FacilityKind.SORTING_PLANT, municipality_code=CITY.code, latitude=34.9)
    fid = members.add_facility(world.uow, org_admin, site)
    listed = Facility("sorter", "sorting", "選別", 80.0)
    out = service.add_region_facility(world.uow, admin, CITY.code, listed, member_facility_id=fid)
    linked = next(f for f in out["facilities"] if f["key"] == "sorter")
    assert linked["member_facility_id"] == fid and linked["lat"] == 34.9
    assert not [f for f in out["facilities"] if f["origin"] == "platform"]  # listed once, not twice
    hidden = members.add_facility(world.uow, org_admin, make_facility(org, is_public=False))
    with pytest.raises(NotFound):
        service.add_region_facility(world.uow, admin, CITY.code, Facility("x", "sorting", "x"),
                                    member_facility_id=hidden)  # fmt: skip
