"""Use cases that analyse a region: dashboard (indicators vs peers, trends, typology), recommendations,
and the XLSX/PDF report.

Every analysis loads the region's peers (all regions of its kind), merges in what the platform knows
(``regions.service.platform``: public member facilities and circular businesses located there), and calls the
pure domain (``regions.analysis``, ``recommend``, ``report``). Everything here only reads; profiles and
statistics are public, and a scenario joins a report only if the caller may see it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from junkan.actor import Actor
from junkan.errors import InvalidInput
from junkan.regions.analysis import Analysis, aggregate_group, analyse, default_year
from junkan.regions.codes import RegionKind
from junkan.regions.factors import default_factors, parse_factors
from junkan.regions.indicators import EmissionFactor
from junkan.regions.methods import facts_for, load_methods
from junkan.regions.model import RegionProfile
from junkan.regions.recommend import Recommendation, recommend
from junkan.regions.report import region_report_pdf, region_report_xlsx
from junkan.regions.service.access import require_profile
from junkan.regions.service.platform import collect, located_facilities, scope_of, to_inputs
from junkan.regions.service.scenarios import scenario_result, visible_scenario
from junkan.regions.typology import classify_profiles
from junkan.store.regions_repo import RegionsRepo
from junkan.store.uow import UnitOfWork

__all__ = [
    "RecommendationSet",
    "RegionWorld",
    "load_factors",
    "load_region_world",
    "region_dashboard",
    "region_recommendations",
    "region_report",
]


def load_factors(shared_data_dir: Path | None) -> tuple[EmissionFactor, ...]:
    """The deployment's emission factors: ``<shared_data_dir>/reference/emission-factors.csv`` when it is
    configured and present, else junkan's packaged defaults (``regions/emission_factors.csv``)."""
    if shared_data_dir is not None:
        path = Path(shared_data_dir) / "reference" / "emission-factors.csv"
        if path.is_file():
            return parse_factors(path.read_text("utf-8"), origin=str(path.name))
    return default_factors()


@dataclass(frozen=True, slots=True)
class RegionWorld:
    """A region with its peers (same kind) and neighbours, platform facilities merged in."""

    focus: RegionProfile
    peers: list[RegionProfile]
    neighbours: list[RegionProfile]
    activity: list[Any]
    notes: dict[str, dict[str, str]]
    notes_ja: dict[str, dict[str, str]]


def load_region_world(conn: Connection, code: str, *, now: Any) -> RegionWorld:
    """Everything an analysis of ``code`` needs, in a fixed number of queries."""
    repo = RegionsRepo(conn)
    focus = require_profile(repo, code)
    peers = repo.load_profiles(kind=focus.kind.value)
    known = {p.code for p in peers}
    extra_codes = [c for c in (*focus.neighbours, *focus.members) if c not in known]
    extra = {p.code: p for p in repo.load_profiles(extra_codes)} if extra_codes else {}
    by_code = {p.code: p for p in peers} | extra
    if focus.kind is RegionKind.GROUP:
        peers = [aggregate_group(p, [by_code[m] for m in p.members if m in by_code]) for p in peers]
    every = list({p.code: p for p in [*peers, *extra.values()]}.values())
    facilities = located_facilities(conn, [scope_of(p) for p in every])
    merged = {
        p.code: dataclasses.replace(p, facilities=p.facilities + facilities[p.code])
        if p.code in facilities
        else p
        for p in every
    }
    peers = [merged[p.code] for p in peers]
    figures = collect(conn, [scope_of(p) for p in peers], now)
    latest = {}
    for p in peers:
        years = [y for y, v in p.population.items() if v is not None]
        if years:
            latest[p.code] = max(years)
    activity, notes, notes_ja = to_inputs(figures, latest)
    return RegionWorld(
        focus=merged[code],
        peers=peers,
        neighbours=[merged[c] for c in merged[code].neighbours if c in merged],
        activity=activity,
        notes=notes,
        notes_ja=notes_ja,
    )


def _analysis(
    conn: Connection,
    actor: Actor,
    code: str,
    *,
    year: int | None,
    peer_group: str,
    factors: Sequence[EmissionFactor],
) -> tuple[Analysis, RegionWorld]:
    world = load_region_world(conn, code, now=actor.now)
    a = analyse(
        world.peers,
        code,
        year=year,
        activity=world.activity,
        platform_notes=world.notes,
        platform_notes_ja=world.notes_ja,
        factors=factors,
        peer_group=peer_group,
    )
    return a, world


def region_dashboard(
    uow: UnitOfWork,
    actor: Actor,
    code: str,
    *,
    year: int | None = None,
    peer_group: str = "kind",
    factors: Sequence[EmissionFactor] = (),
) -> Analysis:
    with uow:
        return _analysis(uow.conn, actor, code, year=year, peer_group=peer_group, factors=factors)[0]


@dataclass(frozen=True, slots=True)
class RecommendationSet:
    code: str
    year: int
    generated_t: float
    basis: str
    typology: str
    recommendations: tuple[Recommendation, ...]


def _recommend(world: RegionWorld, year: int, published_methods: Mapping[str, set[str]]) -> RecommendationSet:
    focus = world.focus
    w = focus.waste.get(year)
    if w is not None and w.generated_t is not None:
        gen, basis = w.generated_t, f"ごみ総排出量 FY{year} (waste generated)"
    elif w is not None and w.total_treated_t is not None:
        gen = w.total_treated_t + (w.group_collection_t or 0.0)
        basis = f"ごみ総処理量 FY{year} (total treated; waste generated is not reported)"
    else:
        raise InvalidInput(
            f"{focus.name_ja} has no waste total for FY{year}; import the year's statistics first",
            code="no_statistics",
            field="year",
        )
    typ = classify_profiles(world.peers, year)
    idx = [p.code for p in world.peers].index(focus.code)
    industry = typ.industry[idx]
    same = [p for k, p in enumerate(world.peers) if typ.labels[k] == typ.labels[idx] and p.code != focus.code]
    running: dict[str, frozenset[str]] = {}
    for p in same:
        ms = set(published_methods.get(p.code, set())) | {
            f[7:] for f in p.features if f.startswith("method:")
        }
        running[p.code] = frozenset(ms)
    recs = recommend(
        load_methods(),
        facts_for(focus, year, world.neighbours, main_industry=None if industry == "unknown" else industry),
        generated_t=gen,
        present_elements=focus.features,
        peers=running,
        peer_names={p.code: p.name_ja for p in same},
    )
    return RecommendationSet(focus.code, year, gen, basis, typ.labels[idx], tuple(recs))


def region_recommendations(
    uow: UnitOfWork, actor: Actor, code: str, *, year: int | None = None
) -> RecommendationSet:
    with uow:
        world = load_region_world(uow.conn, code, now=actor.now)
        y = year if year is not None else default_year(world.focus)
        if y is None:
            raise InvalidInput(f"region {code} has no statistics yet", code="no_statistics", field="year")
        return _recommend(world, y, RegionsRepo(uow.conn).published_pilot_methods())


def region_report(
    uow: UnitOfWork,
    actor: Actor,
    code: str,
    *,
    fmt: str,
    year: int | None = None,
    scenario_id: int | None = None,
    factors: Sequence[EmissionFactor] = (),
) -> tuple[str, bytes]:
    """(file name, bytes) of the region report: XLSX workbook or Japanese PDF."""
    if fmt not in ("xlsx", "pdf"):
        raise InvalidInput("format must be xlsx or pdf", code="unknown_enum", field="format")
    with uow:
        a, world = _analysis(uow.conn, actor, code, year=year, peer_group="kind", factors=factors)
        recs = _recommend(world, a.dashboard.year, RegionsRepo(uow.conn).published_pilot_methods())
        scenario, scenario_name = None, None
        if scenario_id is not None:
            row = visible_scenario(RegionsRepo(uow.conn), actor, scenario_id)
            if row["code"] != code:
                raise InvalidInput(
                    f"scenario {scenario_id} is for region {row['code']}, not {code}",
                    code="scenario_region_mismatch",
                    field="scenario_id",
                )
            scenario, scenario_name = scenario_result(row), str(row["name"])
    args = (a.profile, a.dashboard.year, a.result, recs.recommendations, scenario)
    if fmt == "xlsx":
        data = region_report_xlsx(*args)
    else:
        data = region_report_pdf(*args, scenario_name=scenario_name)
    safe = re.sub(r"[^A-Za-z0-9_-]", "-", code)
    return f"junkan-region-{safe}-FY{a.dashboard.year}.{fmt}", data
