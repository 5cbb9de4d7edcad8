"""REST routes of the regions context: region profiles and statistics, imports, indicators, typology,
recommendations, scenarios, pilots and report downloads.

Static paths (``/regions/imports``, ``/regions/scenarios/…``) are declared before ``/regions/{code}`` so a
region code never shadows them. Region codes are local government codes (``141003``), prefecture codes
(``14``) or group ids (``group:<slug>``).
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, Response, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from junkan.api.deps import ActorDep, SettingsDep, UowDep
from junkan.api.idempotency import run_idempotent
from junkan.api.members import page_body
from junkan.config import Settings
from junkan.errors import InvalidInput
from junkan.pagination import PageRequest
from junkan.regions import service
from junkan.regions.indicators import EmissionFactor, load_indicator_tree
from junkan.regions.methods import load_methods
from junkan.regions.model import Facility
from junkan.regions.scenario import ScenarioChoice
from junkan.regions.service.scenarios import DEFAULT_SEED, XLSX
from junkan.regions.tabular import template_csv, template_xlsx

__all__ = ["factors_for", "router"]

router = APIRouter(prefix="/api/v1", tags=["regions"])

Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0)]
MAX_UPLOAD = 5 * 1024 * 1024


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RegionIn(Body):
    code: str = Field(min_length=2, max_length=80)
    name_ja: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)
    area_km2: float | None = Field(default=None, ge=0)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    features: list[str] = Field(default_factory=list, max_length=50)
    neighbours: list[str] = Field(default_factory=list, max_length=50)
    members: list[str] = Field(default_factory=list, max_length=200)
    employment: dict[str, float] = Field(default_factory=dict)
    source: str = Field(default="", max_length=2000)


class RegionPatch(Body):
    name_ja: str | None = Field(default=None, min_length=1, max_length=200)
    name_en: str | None = Field(default=None, min_length=1, max_length=200)
    area_km2: float | None = Field(default=None, ge=0)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    features: list[str] | None = Field(default=None, max_length=50)
    neighbours: list[str] | None = Field(default=None, max_length=50)
    members: list[str] | None = Field(default=None, max_length=200)
    employment: dict[str, float] | None = None
    source: str | None = Field(default=None, max_length=2000)


class StatsIn(Body):
    population: float | None = None
    households: float | None = None
    household_t: float | None = None
    business_t: float | None = None
    group_collection_t: float | None = None
    total_treated_t: float | None = None
    direct_recycling_t: float | None = None
    recycled_after_treatment_t: float | None = None
    incinerated_t: float | None = None
    final_disposal_t: float | None = None
    treatment_cost_jpy: float | None = None
    source: str = Field(default="", max_length=500)


class FacilityIn(Body):
    key: str = Field(min_length=1, max_length=80)
    kind: str
    name: str = Field(min_length=1, max_length=200)
    capacity_t_per_day: float | None = Field(default=None, ge=0)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    streams: list[str] = Field(default_factory=list, max_length=30)
    member_facility_id: int | None = None


class ChoiceIn(Body):
    method_id: str = Field(min_length=1, max_length=60)
    participation: float = 0.5
    capture_rate: float | None = None
    ramp_up_years: int = 3


class ScenarioIn(Body):
    name: str = Field(min_length=1, max_length=200)
    choices: list[ChoiceIn] = Field(min_length=1, max_length=8)
    baseline_year: int | None = None
    horizon: int = 10
    draws: int = 10_000
    seed: int = DEFAULT_SEED
    note: str | None = Field(default=None, max_length=2000)
    run: bool = True


class ScenarioPatch(Body):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    choices: list[ChoiceIn] | None = Field(default=None, min_length=1, max_length=8)
    baseline_year: int | None = None
    horizon: int | None = None
    draws: int | None = None
    seed: int | None = None
    note: str | None = Field(default=None, max_length=2000)


class PublishIn(Body):
    published: bool = True


class ObservationIn(Body):
    code: str = Field(min_length=2, max_length=80)
    year: int
    value: float
    note: str | None = Field(default=None, max_length=300)


class PilotIn(Body):
    name: str = Field(min_length=1, max_length=200)
    indicator: str = Field(min_length=1, max_length=60)
    start_year: int
    controls: list[str] = Field(default_factory=list, max_length=2000)
    method_id: str | None = Field(default=None, max_length=60)
    confidence: float = 0.95
    min_controls: int = 5
    observations: list[ObservationIn] = Field(default_factory=list, max_length=500)
    note: str | None = Field(default=None, max_length=2000)
    measure: bool = True


def factors_for(request: Request) -> tuple[EmissionFactor, ...]:
    """The deployment's emission factors, loaded once per app (shared folder if configured, else defaults)."""
    cached: tuple[EmissionFactor, ...] | None = getattr(request.app.state, "regions_factors", None)
    if cached is None:
        settings: Settings = request.app.state.settings
        cached = service.load_factors(settings.shared_data_dir)
        request.app.state.regions_factors = cached
    return cached


def _download(name: str, media_type: str, data: bytes) -> Response:
    return Response(
        data, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


async def _read_upload(f: UploadFile) -> bytes:
    data = await f.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise InvalidInput("the file is over 5 MB; split it by year", code="file_too_large", field="file")
    if not data:
        raise InvalidInput("the file is empty", code="empty_file", field="file")
    return data


# catalogue and templates ------------------------------------------------------------------------
@router.get(
    "/regions/methods", summary="The eight ways to build a regional loop (catalogue with assumptions)"
)
def methods() -> dict[str, Any]:
    return dataclasses.asdict(load_methods())


@router.get(
    "/regions/indicator-tree", summary="The regional CE indicator tree (definitions, formulas, sources)"
)
def indicator_tree() -> dict[str, Any]:
    return dict(load_indicator_tree().raw)


@router.get("/regions/template", summary="Empty statistics file in junkan's format (CSV or XLSX, ja or en)")
def template(
    format: Annotated[str, Query(pattern="^(csv|xlsx)$")] = "csv",
    lang: Annotated[str, Query(pattern="^(ja|en)$")] = "ja",
) -> Response:
    if format == "xlsx":
        return _download(f"junkan-region-statistics-{lang}.xlsx", XLSX, template_xlsx(lang))
    data = ("\ufeff" + template_csv(lang)).encode("utf-8")
    return _download(f"junkan-region-statistics-{lang}.csv", "text/csv; charset=utf-8", data)


# imports ----------------------------------------------------------------------------------------
@router.get("/regions/imports", summary="Import runs: your organisation's (all for the operator)")
def list_imports(uow: UowDep, actor: ActorDep, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    return page_body(service.list_imports(uow, actor, PageRequest(limit, offset)))


@router.post(
    "/regions/imports",
    status_code=201,
    summary="Import statistics (CSV/XLSX, all or nothing); a rejected file gets 422 with every row's problem",
)
async def import_file(
    request: Request, uow: UowDep, actor: ActorDep, file: Annotated[UploadFile, File()]
) -> JSONResponse:
    data = await _read_upload(file)
    name = file.filename or "upload"

    def run() -> dict[str, Any]:
        return dataclasses.asdict(service.import_statistics(uow, actor, data, filename=name))

    return run_idempotent(
        request, uow, actor, {"file": name, "sha256": hashlib.sha256(data).hexdigest()}, run
    )


@router.post(
    "/regions/imports/what-a-waste",
    status_code=201,
    summary="Import the Japanese cities of World Bank What a Waste 2.0 (operator; upload or shared folder)",
)
async def import_waw(
    uow: UowDep,
    actor: ActorDep,
    settings: SettingsDep,
    file: Annotated[UploadFile | None, File()] = None,
    codebook: Annotated[UploadFile | None, File()] = None,
) -> JSONResponse:
    actor.signed_in  # noqa: B018  (401 before anything is read)
    if file is not None:
        data: bytes | Path = await _read_upload(file)
        book: bytes | Path | None = await _read_upload(codebook) if codebook is not None else None
        name = file.filename or "city_level_data.csv"
    else:
        base = settings.shared_data_dir
        path = base / "what-a-waste-2.0" / "city_level_data.csv" if base else None
        if path is None or not path.is_file():
            raise InvalidInput(
                "upload city_level_data.csv (and city_level_codebook.csv), or configure "
                "JUNKAN_SHARED_DATA_DIR with a what-a-waste-2.0 folder",
                code="no_file",
                field="file",
            )
        data, name = path, path.name
        cb = path.with_name("city_level_codebook.csv")
        book = cb if cb.is_file() else None
    report = service.import_what_a_waste(uow, actor, data, book, filename=name)
    return JSONResponse(dataclasses.asdict(report), status_code=201)


@router.get("/regions/imports/{run_id}", summary="One import run with its per-row report")
def get_import(run_id: int, uow: UowDep, actor: ActorDep) -> dict[str, Any]:
    return dataclasses.asdict(service.get_import(uow, actor, run_id))


# scenarios and pilots by id ---------------------------------------------------------------------
def _choices(items: list[ChoiceIn]) -> tuple[ScenarioChoice, ...]:
    return tuple(ScenarioChoice(**c.model_dump()) for c in items)


@router.get("/regions/scenarios/{scenario_id}")
def get_scenario(scenario_id: int, uow: UowDep, actor: ActorDep) -> dict[str, Any]:
    return service.get_scenario(uow, actor, scenario_id)


@router.patch("/regions/scenarios/{scenario_id}", summary="Change a scenario's parameters (runs it again)")
def patch_scenario(scenario_id: int, body: ScenarioPatch, uow: UowDep, actor: ActorDep) -> dict[str, Any]:
    changes: dict[str, Any] = body.model_dump(exclude_unset=True)
    if body.choices is not None:
        changes["choices"] = _choices(body.choices)
    return service.update_scenario(uow, actor, scenario_id, changes)


@router.delete("/regions/scenarios/{scenario_id}", status_code=204)
def delete_scenario(scenario_id: int, uow: UowDep, actor: ActorDep) -> Response:
    service.delete_scenario(uow, actor, scenario_id)
    return Response(status_code=204)


@router.post("/regions/scenarios/{scenario_id}/run", summary="Run again with the region's current statistics")
def run_scenario(scenario_id: int, uow: UowDep, actor: ActorDep) -> dict[str, Any]:
    return service.run_scenario(uow, actor, scenario_id)


@router.post("/regions/scenarios/{scenario_id}/publish", summary="Publish (or withdraw) a scenario")
def publish_scenario(scenario_id: int, body: PublishIn, uow: UowDep, actor: ActorDep) -> dict[str, Any]:
    return service.publish_scenario(uow, actor, scenario_id, body.published)


@router.get("/regions/scenarios/{scenario_id}/export", summary="Scenario rows (year, metric, P10/P50/P90)")
def export_scenario(
    scenario_id: int,
    uow: UowDep,
    actor: ActorDep,
    format: Annotated[str, Query(pattern="^(csv|xlsx)$")] = "csv",
) -> Response:
    return _download(*service.scenario_export(uow, actor, scenario_id, format))


@router.get("/regions/pilots/{pilot_id}")
def get_pilot(pilot_id: int, uow: UowDep, actor: ActorDep) -> dict[str, Any]:
    return service.get_pilot(uow, actor, pilot_id)


@router.post("/regions/pilots/{pilot_id}/measure", summary="Measure again (difference-in-differences)")
def measure_pilot(pilot_id: int, uow: UowDep, actor: ActorDep) -> dict[str, Any]:
    return service.measure(uow, actor, pilot_id)


@router.post("/regions/pilots/{pilot_id}/publish", summary="Publish (or withdraw) a pilot")
def publish_pilot(pilot_id: int, body: PublishIn, uow: UowDep, actor: ActorDep) -> dict[str, Any]:
    return service.publish_pilot(uow, actor, pilot_id, body.published)


@router.delete("/regions/pilots/{pilot_id}", status_code=204)
def delete_pilot(pilot_id: int, uow: UowDep, actor: ActorDep) -> Response:
    service.delete_pilot(uow, actor, pilot_id)
    return Response(status_code=204)


# regions ----------------------------------------------------------------------------------------
@router.get("/regions", summary="Regions (public reference data): search by name or code, filter by kind")
def list_regions(
    uow: UowDep,
    actor: ActorDep,
    q: str | None = None,
    kind: str | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    return page_body(service.list_regions(uow, actor, PageRequest(limit, offset), q=q, kind=kind))


@router.post(
    "/regions", status_code=201, summary="Create a region profile (own municipality, a group, operator)"
)
def create_region(body: RegionIn, request: Request, uow: UowDep, actor: ActorDep) -> JSONResponse:
    return run_idempotent(
        request, uow, actor, body.model_dump(), lambda: service.create_region(uow, actor, body.model_dump())
    )


@router.get("/regions/{code}", summary="A region's profile: facilities (incl. platform members'), neighbours")
def get_region(code: str, uow: UowDep, actor: ActorDep) -> dict[str, Any]:
    return service.get_region(uow, actor, code)


@router.patch("/regions/{code}")
def patch_region(code: str, body: RegionPatch, uow: UowDep, actor: ActorDep) -> dict[str, Any]:
    return service.update_region(uow, actor, code, body.model_dump(exclude_unset=True))


@router.get("/regions/{code}/stats", summary="Yearly statistics with their source and import run")
def region_stats(code: str, uow: UowDep, actor: ActorDep) -> list[dict[str, Any]]:
    return service.region_stats(uow, actor, code)


@router.put("/regions/{code}/stats/{year}", summary="Set one fiscal year (replaces the stored row)")
def put_stats(code: str, year: int, body: StatsIn, uow: UowDep, actor: ActorDep) -> dict[str, Any]:
    values = body.model_dump(exclude={"source"})
    return service.put_region_year(uow, actor, code, year, values, source=body.source)


@router.post("/regions/{code}/facilities", status_code=201, summary="Add a facility (may link a member's)")
def add_facility(code: str, body: FacilityIn, request: Request, uow: UowDep, actor: ActorDep) -> JSONResponse:
    f = Facility(
        body.key, body.kind, body.name, body.capacity_t_per_day, body.lat, body.lon, tuple(body.streams)
    )
    return run_idempotent(
        request,
        uow,
        actor,
        body.model_dump(),
        lambda: service.add_region_facility(uow, actor, code, f, member_facility_id=body.member_facility_id),
    )


@router.delete("/regions/{code}/facilities/{key}", status_code=204)
def delete_facility(code: str, key: str, uow: UowDep, actor: ActorDep) -> Response:
    service.delete_region_facility(uow, actor, code, key)
    return Response(status_code=204)


@router.get(
    "/regions/{code}/indicators",
    summary="Indicator tree values vs peers, maturity, trends; each value with formula, inputs and sources",
)
def indicators(
    code: str,
    request: Request,
    uow: UowDep,
    actor: ActorDep,
    year: int | None = None,
    peer_group: Annotated[str, Query(pattern="^(kind|population_class|typology)$")] = "kind",
) -> dict[str, Any]:
    a = service.region_dashboard(
        uow, actor, code, year=year, peer_group=peer_group, factors=factors_for(request)
    )
    return dataclasses.asdict(a.dashboard)


@router.get(
    "/regions/{code}/typology", summary="Population scale × main industry × recycling hub, with reasons"
)
def typology(
    code: str, request: Request, uow: UowDep, actor: ActorDep, year: int | None = None
) -> dict[str, Any]:
    d = service.region_dashboard(uow, actor, code, year=year, factors=factors_for(request)).dashboard
    return {"code": code, "year": d.year, **dataclasses.asdict(d.typology)}


@router.get(
    "/regions/{code}/recommendations", summary="The eight methods ranked for this region, with reasons"
)
def recommendations(code: str, uow: UowDep, actor: ActorDep, year: int | None = None) -> dict[str, Any]:
    return dataclasses.asdict(service.region_recommendations(uow, actor, code, year=year))


@router.get("/regions/{code}/scenarios", summary="Scenarios you may see: published ones and your own")
def list_scenarios(code: str, uow: UowDep, actor: ActorDep) -> list[dict[str, Any]]:
    return service.list_scenarios(uow, actor, code)


@router.post(
    "/regions/{code}/scenarios", status_code=201, summary="Save (and run) a scenario; private until published"
)
def create_scenario(
    code: str, body: ScenarioIn, request: Request, uow: UowDep, actor: ActorDep
) -> JSONResponse:
    spec = service.ScenarioSpec(
        name=body.name,
        choices=_choices(body.choices),
        baseline_year=body.baseline_year,
        horizon=body.horizon,
        draws=body.draws,
        seed=body.seed,
        note=body.note,
    )

    def run() -> dict[str, Any]:
        sid = service.create_scenario(uow, actor, code, spec, run=body.run)
        return service.get_scenario(uow, actor, sid)

    return run_idempotent(request, uow, actor, body.model_dump(), run)


@router.get("/regions/{code}/pilots", summary="Pilots you may see: published ones and your own")
def list_pilots(code: str, uow: UowDep, actor: ActorDep) -> list[dict[str, Any]]:
    return service.list_pilots(uow, actor, code)


@router.post(
    "/regions/{code}/pilots",
    status_code=201,
    summary="Register (and measure) a pilot; private until published",
)
def create_pilot(code: str, body: PilotIn, request: Request, uow: UowDep, actor: ActorDep) -> JSONResponse:
    spec = service.PilotSpec(
        name=body.name,
        indicator=body.indicator,
        start_year=body.start_year,
        controls=tuple(body.controls),
        method_id=body.method_id,
        confidence=body.confidence,
        min_controls=body.min_controls,
        observations=tuple(service.Observation(**o.model_dump()) for o in body.observations),
        note=body.note,
    )

    def run() -> dict[str, Any]:
        pid = service.create_pilot(uow, actor, code, spec, measure_now=body.measure)
        return service.get_pilot(uow, actor, pid)

    return run_idempotent(request, uow, actor, body.model_dump(), run)


@router.get(
    "/regions/{code}/report.xlsx", summary="Region report workbook (profile, indicators, methods, scenario)"
)
def report_xlsx(
    code: str,
    request: Request,
    uow: UowDep,
    actor: ActorDep,
    year: int | None = None,
    scenario_id: int | None = None,
) -> Response:
    name, data = service.region_report(
        uow, actor, code, fmt="xlsx", year=year, scenario_id=scenario_id, factors=factors_for(request)
    )
    return _download(name, XLSX, data)


@router.get("/regions/{code}/report.pdf", summary="Region report in Japanese (PDF, A4)")
def report_pdf(
    code: str,
    request: Request,
    uow: UowDep,
    actor: ActorDep,
    year: int | None = None,
    scenario_id: int | None = None,
) -> Response:
    name, data = service.region_report(
        uow, actor, code, fmt="pdf", year=year, scenario_id=scenario_id, factors=factors_for(request)
    )
    return _download(name, "application/pdf", data)
