"""Use cases for pilots: measuring a circulation model's effect by difference-in-differences.

A pilot measures the effect on one indicator against comparison regions (``regions.pilot``). It may carry
its own observations (e.g. preliminary figures before the national survey publishes them) that replace the
published value for that region-year. Its result states plainly when the data cannot support a
conclusion, and why. A pilot is private to its organisation until it publishes it (``service.access``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from junkan.actor import Actor
from junkan.errors import InvalidInput
from junkan.members.model import Scope
from junkan.regions.indicators import compute_indicators, load_indicator_tree
from junkan.regions.methods import load_methods
from junkan.regions.panel import build_panel
from junkan.regions.pilot import measure_pilot
from junkan.regions.service.access import owned_record, require_profile, visible
from junkan.regions.service.scenarios import finite
from junkan.store import audit
from junkan.store.regions_repo import RegionsRepo
from junkan.store.uow import UnitOfWork

__all__ = [
    "Observation",
    "PilotSpec",
    "create_pilot",
    "delete_pilot",
    "get_pilot",
    "list_pilots",
    "measure",
    "publish_pilot",
]


# pilots -----------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Observation:
    code: str
    year: int
    value: float
    note: str | None = None


@dataclass(frozen=True, slots=True)
class PilotSpec:
    name: str
    indicator: str
    start_year: int
    controls: tuple[str, ...] = ()
    method_id: str | None = None
    confidence: float = 0.95
    min_controls: int = 5
    observations: tuple[Observation, ...] = ()
    note: str | None = None

    def validated(self) -> PilotSpec:
        if not self.name.strip():
            raise InvalidInput("give the pilot a name", code="required", field="name")
        load_indicator_tree().get(self.indicator)
        if self.method_id is not None:
            try:
                load_methods().get(self.method_id)
            except InvalidInput as e:
                raise InvalidInput(e.message, code=e.code, field="method_id") from None
        if not 0.5 <= self.confidence < 1:
            raise InvalidInput("confidence is a fraction such as 0.95", code="range", field="confidence")
        if not 1 <= self.min_controls <= 100:
            raise InvalidInput("min_controls must be 1-100", code="range", field="min_controls")
        if not 1950 <= self.start_year <= 2100:
            raise InvalidInput(
                "start_year is a fiscal year such as 2019", code="bad_year", field="start_year"
            )
        return dataclasses.replace(self, name=self.name.strip())


def _pilot_view(
    row: Mapping[str, Any], observations: Sequence[Mapping[str, Any]], actor: Actor
) -> dict[str, Any]:
    p = actor.principal
    d = {
        k: row[k]
        for k in (
            "id",
            "owner_org_id",
            "code",
            "name",
            "note",
            "method_id",
            "indicator",
            "start_year",
            "controls",
            "confidence",
            "min_controls",
            "published",
            "published_at",
            "result",
            "measured_at",
            "created_at",
            "updated_at",
        )
    }
    d["observations"] = list(observations)
    d["mine"] = p is not None and (p.org_id == row["owner_org_id"] or p.is_system)
    return d


def _measure(
    repo: RegionsRepo, row: Mapping[str, Any], observations: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    code = row["code"]
    pilot_profile = require_profile(repo, code)
    controls = list(row["controls"] or ())
    auto = not controls
    if auto:
        controls = [c for c in repo.codes(kind=pilot_profile.kind.value) if c != code]
    profiles = repo.load_profiles([code, *controls])
    known = {p.code for p in profiles}
    missing = [c for c in controls if c not in known]
    if missing:
        raise InvalidInput(
            f"comparison regions not on the platform: {', '.join(missing)}",
            code="unknown_region",
            field="controls",
        )
    years = sorted(
        {y for p in profiles for y in (*p.population, *p.waste)} | {o["year"] for o in observations}
    )
    profiles = [p for p in profiles if p.code == code] + [p for p in profiles if p.code != code]
    panel = build_panel(profiles, years)
    tree = load_indicator_tree()
    values = np.array(compute_indicators(panel, tree).values[row["indicator"]], copy=True)
    for o in observations:
        if o["code"] in panel.codes and o["year"] in panel.years:
            values[panel.index(o["code"]), panel.year_index(o["year"])] = float(o["value"])
    if auto:
        # automatic comparison group: every other region of the kind with data before and after the start
        pre = np.asarray(panel.years) < row["start_year"]
        ok = [
            i
            for i in range(1, len(panel.codes))
            if (~np.isnan(values[i, pre])).any() and (~np.isnan(values[i, ~pre])).any()
        ]
        controls = [panel.codes[i] for i in ok]
    effect = measure_pilot(
        values,
        panel.codes,
        panel.years,
        indicator=row["indicator"],
        pilot=code,
        start_year=row["start_year"],
        controls=controls,
        confidence=row["confidence"],
        min_controls=row["min_controls"],
    )
    used = [panel.index(c) for c in effect.controls_used]
    mean = np.nanmean(values[used], axis=0) if used else np.full(len(panel.years), np.nan)
    d = tree.get(row["indicator"])

    def clean(a: Any) -> list[float | None]:
        return [None if np.isnan(x) else float(x) for x in a]

    out: dict[str, Any] = finite(
        {
            **dataclasses.asdict(effect),
            "conclusive": effect.conclusive,
            "auto_controls": auto,
            "unit": d.unit,
            "indicator_name_ja": d.name_ja,
            "indicator_name_en": d.name_en,
            "series": {"years": list(panel.years), "pilot": clean(values[0]), "control_mean": clean(mean)},
        }
    )
    return out


def create_pilot(
    uow: UnitOfWork, actor: Actor, code: str, spec: PilotSpec, *, measure_now: bool = True
) -> int:
    p = actor.signed_in
    p.require(Scope.WRITE, action="register a pilot")
    spec = spec.validated()
    obs = [dataclasses.asdict(o) for o in spec.observations]
    with uow:
        repo = RegionsRepo(uow.conn)
        require_profile(repo, code)
        values = dict(
            owner_org_id=p.org_id,
            code=code,
            name=spec.name,
            note=spec.note,
            method_id=spec.method_id,
            indicator=spec.indicator,
            start_year=spec.start_year,
            controls=list(spec.controls),
            confidence=spec.confidence,
            min_controls=spec.min_controls,
            published=False,
            published_at=None,
            created_at=actor.now,
            updated_at=actor.now,
        )
        result = _measure(repo, values, obs) if measure_now else None
        pid = repo.add_pilot(obs, **values, result=result, measured_at=actor.now if measure_now else None)
        audit.record(
            uow.conn,
            actor,
            action="region.pilot.create",
            entity="region_pilot",
            entity_id=pid,
            org_id=p.org_id or None,
            changes={"code": code, "name": spec.name, "indicator": spec.indicator},
        )
        uow.commit()
    return pid


def _visible_pilot(
    repo: RegionsRepo, actor: Actor, pilot_id: int, scope: Scope | None = None
) -> Mapping[str, Any]:
    return owned_record(repo.get_pilot(pilot_id), actor, what="pilot", ident=pilot_id, scope=scope)


def get_pilot(uow: UnitOfWork, actor: Actor, pilot_id: int) -> dict[str, Any]:
    with uow:
        repo = RegionsRepo(uow.conn)
        row = _visible_pilot(repo, actor, pilot_id)
        return _pilot_view(row, repo.observations(pilot_id), actor)


def list_pilots(uow: UnitOfWork, actor: Actor, code: str) -> list[dict[str, Any]]:
    p = actor.principal
    with uow:
        repo = RegionsRepo(uow.conn)
        require_profile(repo, code)
        rows = repo.list_pilots(
            code, viewer_org_id=p.org_id if p else None, everything=bool(p and p.is_system)
        )
        return [_pilot_view(r, repo.observations(r["id"]), actor) for r in rows if visible(r, p)]


def measure(uow: UnitOfWork, actor: Actor, pilot_id: int) -> dict[str, Any]:
    """Measure (again) with the current statistics and the pilot's observations."""
    with uow:
        repo = RegionsRepo(uow.conn)
        row = _visible_pilot(repo, actor, pilot_id, Scope.WRITE)
        obs = repo.observations(pilot_id)
        repo.update_pilot(
            pilot_id, {"result": _measure(repo, row, obs), "measured_at": actor.now, "updated_at": actor.now}
        )
        audit.record(
            uow.conn,
            actor,
            action="region.pilot.measure",
            entity="region_pilot",
            entity_id=pilot_id,
            org_id=row["owner_org_id"],
        )
        uow.commit()
        return _pilot_view(repo.get_pilot(pilot_id) or {}, obs, actor)


def publish_pilot(uow: UnitOfWork, actor: Actor, pilot_id: int, published: bool = True) -> dict[str, Any]:
    with uow:
        repo = RegionsRepo(uow.conn)
        row = _visible_pilot(repo, actor, pilot_id, Scope.ADMIN)
        repo.update_pilot(
            pilot_id,
            {
                "published": published,
                "published_at": actor.now if published else None,
                "updated_at": actor.now,
            },
        )
        audit.record(
            uow.conn,
            actor,
            action="region.pilot.publish" if published else "region.pilot.unpublish",
            entity="region_pilot",
            entity_id=pilot_id,
            org_id=row["owner_org_id"],
        )
        uow.commit()
        return _pilot_view(repo.get_pilot(pilot_id) or {}, repo.observations(pilot_id), actor)


def delete_pilot(uow: UnitOfWork, actor: Actor, pilot_id: int) -> None:
    with uow:
        repo = RegionsRepo(uow.conn)
        row = _visible_pilot(repo, actor, pilot_id, Scope.WRITE)
        repo.delete_pilot(pilot_id)
        audit.record(
            uow.conn,
            actor,
            action="region.pilot.delete",
            entity="region_pilot",
            entity_id=pilot_id,
            org_id=row["owner_org_id"],
            changes={"name": row["name"]},
        )
        uow.commit()
