"""Use cases for scenarios: a municipality's 10-year Monte Carlo projections of circulation methods.

A scenario stores its parameters (methods with participation, capture rate and ramp-up, baseline year,
horizon, draws, seed) and, once run, its P10/P50/P90 result. Running uses the region's *current*
statistics for the baseline, so a re-run after a corrected import shows the corrected projection; the same
parameters and seed always give the same numbers. A scenario is private to the organisation that saved it
until it publishes it (``regions.service.access``).
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import openpyxl
from openpyxl.styles import Font

from junkan.actor import Actor
from junkan.errors import InvalidInput
from junkan.members.model import Scope
from junkan.regions.analysis import default_year
from junkan.regions.methods import load_methods
from junkan.regions.model import RegionProfile
from junkan.regions.scenario import METRICS, ScenarioChoice, ScenarioResult, baseline_from_profile, project
from junkan.regions.service.access import owned_record, require_profile, visible
from junkan.store import audit
from junkan.store.regions_repo import RegionsRepo
from junkan.store.uow import UnitOfWork

__all__ = [
    "DEFAULT_SEED",
    "ScenarioSpec",
    "create_scenario",
    "delete_scenario",
    "finite",
    "get_scenario",
    "list_scenarios",
    "publish_scenario",
    "run_scenario",
    "scenario_export",
    "scenario_result",
    "update_scenario",
    "visible_scenario",
]

DEFAULT_SEED = 20250401
MAX_DRAWS = 50_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SCENARIO_FORMULA = (
    "tonnes[d,m,t] = generated × share_m × participation_m × capture[d,m] × min(1, (t+1)/ramp_up_m), "
    "capped at 90 % of residual waste; GHG, cost and jobs = tonnes × triangular factors of the method "
    "catalogue; P10/P50/P90 over the draws of a seeded numpy Generator (regions.scenario)"
)


def finite(obj: Any) -> Any:
    """JSON-safe: NaN and ±inf become None (PostgreSQL's JSONB refuses them, and they mean 'no value')."""
    if isinstance(obj, float):
        return obj if np.isfinite(obj) else None
    if isinstance(obj, Mapping):
        return {k: finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [finite(v) for v in obj]
    return obj


@dataclass(frozen=True, slots=True)
class ScenarioSpec:
    name: str
    choices: tuple[ScenarioChoice, ...]
    baseline_year: int | None = None
    horizon: int = 10
    draws: int = 10_000
    seed: int = DEFAULT_SEED
    note: str | None = None

    def validated(self) -> ScenarioSpec:
        if not self.name.strip():
            raise InvalidInput("give the scenario a name", code="required", field="name")
        if not self.choices:
            raise InvalidInput("choose at least one circulation method", code="no_methods", field="choices")
        cat = load_methods()
        seen = set()
        for i, c in enumerate(self.choices):
            try:
                cat.get(c.method_id)
            except InvalidInput as e:
                raise InvalidInput(e.message, code=e.code, field=f"choices[{i}].method_id") from None
            if c.method_id in seen:
                raise InvalidInput(
                    f"{c.method_id} is chosen twice; keep one",
                    code="duplicate_method",
                    field=f"choices[{i}].method_id",
                )
            seen.add(c.method_id)
            c.validate(i)
        if not 1 <= self.horizon <= 30:
            raise InvalidInput("horizon must be 1-30 years", code="range", field="horizon")
        if not 100 <= self.draws <= MAX_DRAWS:
            raise InvalidInput(f"draws must be 100-{MAX_DRAWS:,}", code="range", field="draws")
        if not 0 <= self.seed < 2**32:
            raise InvalidInput("seed must be 0 to 2**32-1", code="range", field="seed")
        return dataclasses.replace(self, name=self.name.strip())


def _choices_json(choices: Sequence[ScenarioChoice]) -> list[dict[str, Any]]:
    return [dataclasses.asdict(c) for c in choices]


def _choices(data: Sequence[Mapping[str, Any]]) -> tuple[ScenarioChoice, ...]:
    return tuple(ScenarioChoice(**c) for c in data)


def _run(profile: RegionProfile, spec: ScenarioSpec) -> dict[str, Any]:
    year = spec.baseline_year if spec.baseline_year is not None else default_year(profile)
    if year is None:
        raise InvalidInput(
            f"{profile.name_ja} has no statistics; import them first",
            code="no_statistics",
            field="baseline_year",
        )
    baseline = baseline_from_profile(profile, year)
    res = project(
        baseline,
        load_methods(),
        spec.choices,
        rng=np.random.default_rng(spec.seed),
        horizon=spec.horizon,
        draws=spec.draws,
    )
    out: dict[str, Any] = finite(
        {
            "years": list(res.years),
            "quantiles": {k: q.tolist() for k, q in res.quantiles.items()},
            "method_tonnes_p50": {k: v.tolist() for k, v in res.method_tonnes_p50.items()},
            "draws": res.draws,
            "seed": spec.seed,
            "units": dict(METRICS),
            "baseline": {
                **dataclasses.asdict(baseline),
                "residual_t": baseline.residual_t,
                "recycling_rate": baseline.recycling_rate,
            },
            "baseline_source": f"{profile.name_ja} FY{year} statistics ({profile.source or 'imported'})",
            "formula": SCENARIO_FORMULA,
        }
    )
    return out


def scenario_result(row: Mapping[str, Any]) -> ScenarioResult | None:
    r = row.get("result")
    if not r:
        return None
    return ScenarioResult(
        years=tuple(r["years"]),
        quantiles={k: np.asarray(v, dtype=np.float64) for k, v in r["quantiles"].items()},
        method_tonnes_p50={k: np.asarray(v, dtype=np.float64) for k, v in r["method_tonnes_p50"].items()},
        draws=int(r["draws"]),
        seed_note=f"seed {r['seed']}",
    )


def _scenario_view(row: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
    p = actor.principal
    d = {
        k: row[k]
        for k in (
            "id",
            "owner_org_id",
            "code",
            "name",
            "note",
            "baseline_year",
            "choices",
            "horizon",
            "draws",
            "seed",
            "published",
            "published_at",
            "result",
            "run_at",
            "created_at",
            "updated_at",
        )
    }
    d["mine"] = p is not None and (p.org_id == row["owner_org_id"] or p.is_system)
    return d


def _spec(row: Mapping[str, Any]) -> ScenarioSpec:
    return ScenarioSpec(
        row["name"],
        _choices(row["choices"]),
        row["baseline_year"],
        row["horizon"],
        row["draws"],
        row["seed"],
        row["note"],
    )


# scenarios --------------------------------------------------------------------------------------
def create_scenario(uow: UnitOfWork, actor: Actor, code: str, spec: ScenarioSpec, *, run: bool = True) -> int:
    p = actor.signed_in
    p.require(Scope.WRITE, action="save a scenario")
    spec = spec.validated()
    with uow:
        repo = RegionsRepo(uow.conn)
        profile = require_profile(repo, code)
        result = _run(profile, spec) if run else None
        sid = repo.add_scenario(
            owner_org_id=p.org_id,
            code=code,
            name=spec.name,
            note=spec.note,
            baseline_year=spec.baseline_year,
            choices=_choices_json(spec.choices),
            horizon=spec.horizon,
            draws=spec.draws,
            seed=spec.seed,
            published=False,
            published_at=None,
            result=result,
            run_at=actor.now if run else None,
            created_at=actor.now,
            updated_at=actor.now,
        )
        audit.record(
            uow.conn,
            actor,
            action="region.scenario.create",
            entity="region_scenario",
            entity_id=sid,
            org_id=p.org_id or None,
            changes={"code": code, "name": spec.name, "choices": _choices_json(spec.choices)},
        )
        uow.commit()
    return sid


def visible_scenario(repo: RegionsRepo, actor: Actor, scenario_id: int) -> Mapping[str, Any]:
    return owned_record(repo.get_scenario(scenario_id), actor, what="scenario", ident=scenario_id)


def get_scenario(uow: UnitOfWork, actor: Actor, scenario_id: int) -> dict[str, Any]:
    with uow:
        return _scenario_view(visible_scenario(RegionsRepo(uow.conn), actor, scenario_id), actor)


def list_scenarios(uow: UnitOfWork, actor: Actor, code: str) -> list[dict[str, Any]]:
    p = actor.principal
    with uow:
        repo = RegionsRepo(uow.conn)
        require_profile(repo, code)
        rows = repo.list_scenarios(
            code, viewer_org_id=p.org_id if p else None, everything=bool(p and p.is_system)
        )
    return [_scenario_view(r, actor) for r in rows if visible(r, p)]


def update_scenario(
    uow: UnitOfWork, actor: Actor, scenario_id: int, changes: Mapping[str, Any]
) -> dict[str, Any]:
    allowed = {"name", "note", "choices", "baseline_year", "horizon", "draws", "seed"}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise InvalidInput(
            f"cannot change {unknown}; changeable: {sorted(allowed)}", code="unknown_field", field=unknown[0]
        )
    with uow:
        repo = RegionsRepo(uow.conn)
        row = owned_record(
            repo.get_scenario(scenario_id), actor, what="scenario", ident=scenario_id, scope=Scope.WRITE
        )
        spec = _spec(row)
        upd = dict(changes)
        if "choices" in upd:
            upd["choices"] = tuple(
                c if isinstance(c, ScenarioChoice) else ScenarioChoice(**c) for c in upd["choices"]
            )
        spec = dataclasses.replace(spec, **upd).validated()
        result = _run(require_profile(repo, row["code"]), spec)
        repo.update_scenario(
            scenario_id,
            {
                "name": spec.name,
                "note": spec.note,
                "baseline_year": spec.baseline_year,
                "choices": _choices_json(spec.choices),
                "horizon": spec.horizon,
                "draws": spec.draws,
                "seed": spec.seed,
                "result": result,
                "run_at": actor.now,
                "updated_at": actor.now,
            },
        )
        audit.record(
            uow.conn,
            actor,
            action="region.scenario.update",
            entity="region_scenario",
            entity_id=scenario_id,
            org_id=row["owner_org_id"],
            changes=dict(changes),
        )
        uow.commit()
        return _scenario_view(repo.get_scenario(scenario_id) or {}, actor)


def run_scenario(uow: UnitOfWork, actor: Actor, scenario_id: int) -> dict[str, Any]:
    """Re-run with the region's current statistics (same parameters and seed)."""
    with uow:
        repo = RegionsRepo(uow.conn)
        row = owned_record(
            repo.get_scenario(scenario_id), actor, what="scenario", ident=scenario_id, scope=Scope.WRITE
        )
        result = _run(require_profile(repo, row["code"]), _spec(row))
        repo.update_scenario(scenario_id, {"result": result, "run_at": actor.now, "updated_at": actor.now})
        audit.record(
            uow.conn,
            actor,
            action="region.scenario.run",
            entity="region_scenario",
            entity_id=scenario_id,
            org_id=row["owner_org_id"],
        )
        uow.commit()
        return _scenario_view(repo.get_scenario(scenario_id) or {}, actor)


def publish_scenario(
    uow: UnitOfWork, actor: Actor, scenario_id: int, published: bool = True
) -> dict[str, Any]:
    with uow:
        repo = RegionsRepo(uow.conn)
        row = owned_record(
            repo.get_scenario(scenario_id), actor, what="scenario", ident=scenario_id, scope=Scope.ADMIN
        )
        if published and not row["result"]:
            raise InvalidInput("run the scenario before publishing it", code="not_run", field="published")
        repo.update_scenario(
            scenario_id,
            {
                "published": published,
                "published_at": actor.now if published else None,
                "updated_at": actor.now,
            },
        )
        audit.record(
            uow.conn,
            actor,
            action="region.scenario.publish" if published else "region.scenario.unpublish",
            entity="region_scenario",
            entity_id=scenario_id,
            org_id=row["owner_org_id"],
        )
        uow.commit()
        return _scenario_view(repo.get_scenario(scenario_id) or {}, actor)


def delete_scenario(uow: UnitOfWork, actor: Actor, scenario_id: int) -> None:
    with uow:
        repo = RegionsRepo(uow.conn)
        row = owned_record(
            repo.get_scenario(scenario_id), actor, what="scenario", ident=scenario_id, scope=Scope.WRITE
        )
        repo.delete_scenario(scenario_id)
        audit.record(
            uow.conn,
            actor,
            action="region.scenario.delete",
            entity="region_scenario",
            entity_id=scenario_id,
            org_id=row["owner_org_id"],
            changes={"name": row["name"]},
        )
        uow.commit()


def scenario_export(uow: UnitOfWork, actor: Actor, scenario_id: int, fmt: str) -> tuple[str, str, bytes]:
    """(file name, media type, bytes): one row per year and metric with P10/P50/P90."""
    if fmt not in ("csv", "xlsx"):
        raise InvalidInput("format must be csv or xlsx", code="unknown_enum", field="format")
    with uow:
        row = visible_scenario(RegionsRepo(uow.conn), actor, scenario_id)
    res = scenario_result(row)
    if res is None:
        raise InvalidInput(
            "this scenario has not been run yet; run it first", code="not_run", field="scenario_id"
        )
    rows = res.rows()
    header = ["year", "metric", "unit", "p10", "p50", "p90"]
    name = f"junkan-scenario-{scenario_id}.{fmt}"
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=header, lineterminator="\r\n")
        w.writeheader()
        for r in rows:
            w.writerow({**r, **{k: f"{float(r[k]):.6g}" for k in ("p10", "p50", "p90")}})  # type: ignore[arg-type]
        return name, "text/csv; charset=utf-8", ("\ufeff" + buf.getvalue()).encode("utf-8")
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "scenario"
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append([r[k] for k in header])
    info = wb.create_sheet("about")
    info.append(["scenario", row["name"]])
    info.append(["region", row["code"]])
    info.append(["draws", res.draws])
    info.append(["seed", row["seed"]])
    info.append(["baseline", (row["result"] or {}).get("baseline_source", "")])
    out = io.BytesIO()
    wb.save(out)
    return name, XLSX, out.getvalue()
