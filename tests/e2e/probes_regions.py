"""Regions endpoints in the tenant-isolation probe suite, and a municipality's private plans.

Org A of the probe world is a company; scenarios and pilots are a municipality's, so the setup step adds
municipality M (its own admin, its own region with three years of statistics) and plants SECRET markers
in M's unpublished scenario, its unpublished pilot (name, note, an observation's note) and a rejected
import (a cell echoed in the row report). No probe caller belongs to M: none may see those markers,
except the regulator for import runs (the operator keeps the reference data and reads every import).
Region profiles and statistics are public; writing them is for M's admin or the operator (the regulator's
admin), so those writes name the regulator as a legitimate writer.
"""

from __future__ import annotations

from junkan.actor import Actor
from junkan.demo.members import demo_municipality_code
from junkan.errors import ImportRejected
from junkan.members import service as members
from junkan.members.model import OrgKind, Role
from junkan.regions import service
from junkan.regions.model import Facility
from junkan.regions.scenario import ScenarioChoice
from junkan.regions.tabular import template_csv
from junkan.store.uow import UnitOfWork
from tests.e2e.probe_world import ProbeWorld, probe, setup_step
from tests.factories import World, make_org

M_CODE = demo_municipality_code(88)
HEADER = template_csv("ja")


def m_statistics_csv() -> bytes:
    rows = [
        f"{M_CODE},{y},プローブ市,Probe City,{100_000 - 300 * i},44000,80,20000,9000,1500,29000,1200,3400,"
        f"24000,2500,1600000000\n"
        for i, y in enumerate((2020, 2021, 2022))
    ]
    return (HEADER + "".join(rows)).encode("utf-8")


@setup_step
def regions_records(w: ProbeWorld) -> None:
    uow = UnitOfWork(w.engine)
    f = World(w.engine)
    m = members.register_org(
        uow,
        Actor.system(),
        make_org(kind=OrgKind.MUNICIPALITY, name_en="Municipality M", municipality_code=M_CODE),
    )
    admin = f.person(m, Role.ADMIN)
    w.ids.update({"m": m, "actor.m": admin, "regions.code": M_CODE})
    service.create_region(uow, admin, {"code": M_CODE, "name_ja": "プローブ市", "name_en": "Probe City"})
    service.import_statistics(uow, admin, m_statistics_csv(), filename="m.csv")
    service.add_region_facility(uow, admin, M_CODE, Facility("m-plant", "sorting", "M sorting plant", 60.0))
    w.ids["regions.scenario"] = service.create_scenario(
        uow,
        admin,
        M_CODE,
        service.ScenarioSpec(
            name=w.secret("SCENARIO"),
            note=w.secret("SCENARIO-NOTE"),
            choices=(ScenarioChoice("citizen_fine_sorting", participation=0.6),),
            draws=500,
        ),
    )
    w.ids["regions.pilot"] = service.create_pilot(
        uow,
        admin,
        M_CODE,
        service.PilotSpec(
            name=w.secret("PILOT"),
            note=w.secret("PILOT-NOTE"),
            indicator="recycling_rate",
            start_year=2021,
            observations=(service.Observation(M_CODE, 2022, 18.5, w.secret("OBSERVATION")),),
        ),
    )
    bad = (HEADER + f"{M_CODE},2023,プローブ市,Probe City,{w.secret('IMPORT')},,,,,,,,,,,\n").encode("utf-8")
    try:
        service.import_statistics(uow, admin, bad, filename="m-bad.csv")
    except ImportRejected as e:
        w.ids["regions.import.rejected"] = e.extra["import_run_id"]


M = lambda w: {"code": w.ids["regions.code"]}  # noqa: E731
SCENARIO = lambda w: {"scenario_id": w.ids["regions.scenario"]}  # noqa: E731
PILOT = lambda w: {"pilot_id": w.ids["regions.pilot"]}  # noqa: E731
OPERATOR = frozenset({"regulator"})
ADMINS = frozenset({"b", "partner", "regulator", "certifier"})
STATS = {"population": 1, "total_treated_t": 5}

# catalogue, templates, imports
probe("GET", "/api/v1/regions/methods")
probe("GET", "/api/v1/regions/indicator-tree")
probe("GET", "/api/v1/regions/template")
probe("GET", "/api/v1/regions/imports")
probe("POST", "/api/v1/regions/imports", body=lambda w: {"file": "not a multipart upload"})
probe("POST", "/api/v1/regions/imports/what-a-waste", writers=OPERATOR)
probe(
    "GET",
    "/api/v1/regions/imports/{run_id}",
    params=lambda w: {"run_id": w.ids["regions.import.rejected"]},
    entitled=OPERATOR,
)
# scenarios and pilots by id (M's private ones)
probe("GET", "/api/v1/regions/scenarios/{scenario_id}", params=SCENARIO)
probe(
    "PATCH", "/api/v1/regions/scenarios/{scenario_id}", params=SCENARIO, body=lambda w: {"name": "hijacked"}
)
probe("DELETE", "/api/v1/regions/scenarios/{scenario_id}", params=SCENARIO)
probe("POST", "/api/v1/regions/scenarios/{scenario_id}/run", params=SCENARIO)
probe(
    "POST",
    "/api/v1/regions/scenarios/{scenario_id}/publish",
    params=SCENARIO,
    body=lambda w: {"published": True},
)
probe("GET", "/api/v1/regions/scenarios/{scenario_id}/export", params=SCENARIO)
probe("GET", "/api/v1/regions/pilots/{pilot_id}", params=PILOT)
probe("POST", "/api/v1/regions/pilots/{pilot_id}/measure", params=PILOT)
probe("POST", "/api/v1/regions/pilots/{pilot_id}/publish", params=PILOT, body=lambda w: {"published": True})
probe("DELETE", "/api/v1/regions/pilots/{pilot_id}", params=PILOT)
# regions (public reference data; M's admin or the operator writes)
probe("GET", "/api/v1/regions")
probe(
    "POST",
    "/api/v1/regions",
    body=lambda w: {"code": "group:probe-intruders", "name_ja": "侵入", "name_en": "Intruders",
                    "members": [w.ids["regions.code"], "239011"]},
    writers=OPERATOR,
)  # fmt: skip
probe("GET", "/api/v1/regions/{code}", params=M)
probe("PATCH", "/api/v1/regions/{code}", params=M, body=lambda w: {"name_en": "Hijacked"}, writers=OPERATOR)
probe("GET", "/api/v1/regions/{code}/stats", params=M)
probe(
    "PUT",
    "/api/v1/regions/{code}/stats/{year}",
    params=lambda w: {"code": w.ids["regions.code"], "year": 2022},
    body=lambda w: STATS,
    writers=OPERATOR,
)
probe(
    "POST",
    "/api/v1/regions/{code}/facilities",
    params=M,
    body=lambda w: {"key": "intruder", "kind": "landfill", "name": "Intruder landfill"},
    writers=OPERATOR,
)
probe(
    "DELETE",
    "/api/v1/regions/{code}/facilities/{key}",
    params=lambda w: {"code": w.ids["regions.code"], "key": "m-plant"},
    writers=OPERATOR,
)
probe("GET", "/api/v1/regions/{code}/indicators", params=M)
probe("GET", "/api/v1/regions/{code}/typology", params=M)
probe("GET", "/api/v1/regions/{code}/recommendations", params=M)
probe("GET", "/api/v1/regions/{code}/scenarios", params=M)
probe(
    "POST",
    "/api/v1/regions/{code}/scenarios",
    params=M,
    body=lambda w: {"name": "own", "choices": [{"method_id": "citizen_fine_sorting"}], "draws": 200},
    writers=ADMINS,
)
probe("GET", "/api/v1/regions/{code}/pilots", params=M)
probe(
    "POST",
    "/api/v1/regions/{code}/pilots",
    params=M,
    body=lambda w: {"name": "own", "indicator": "recycling_rate", "start_year": 2021},
    writers=ADMINS,
)
probe("GET", "/api/v1/regions/{code}/report.xlsx", params=M)
probe("GET", "/api/v1/regions/{code}/report.pdf", params=M)
# web pages
probe("GET", "/regions")
probe("GET", "/regions/import")
probe("POST", "/regions/import", form=True, body=lambda w: {})
probe("GET", "/regions/scenarios/{scenario_id}", params=SCENARIO)
probe(
    "POST",
    "/regions/scenarios/{scenario_id}/publish",
    params=SCENARIO,
    form=True,
    body=lambda w: {"published": "1"},
)
probe("GET", "/regions/pilots/{pilot_id}", params=PILOT)
probe(
    "POST", "/regions/pilots/{pilot_id}/publish", params=PILOT, form=True, body=lambda w: {"published": "1"}
)
probe("GET", "/regions/{code}", params=M)
probe("GET", "/regions/{code}/recommendations", params=M)
probe("GET", "/regions/{code}/scenarios", params=M)
probe(
    "POST",
    "/regions/{code}/scenarios",
    params=M,
    form=True,
    body=lambda w: {
        "name": "own",
        "use_citizen_fine_sorting": "1",
        "participation_citizen_fine_sorting": "50",
        "draws": "1000",
    },
    writers=ADMINS,
)
probe("GET", "/regions/{code}/pilots", params=M)
