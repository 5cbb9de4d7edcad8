"""A region's dashboard: indicator tree values against peers, maturity, trends, typology (pure).

The service loads the profiles of the region and its peers and the platform figures; this module lays
them out as a panel, computes every indicator (``indicators.compute_indicators``), and shapes what a
municipal officer reads: per perspective and theme, each value with its unit, the peer median and range,
the percentile and maturity level, and the explanation (formula, inputs with sources). Platform-fed
inputs carry the note of what was counted, so "2 circular businesses" says *which* and *as of when*.

Peer groups: ``kind`` (all municipalities, or all groups, ...), ``population_class`` (designated city,
core city, city, town/village) or ``typology`` (population class × main industry × recycling hub). The
peer median excludes the region itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from junkan.errors import InvalidInput
from junkan.regions.codes import RegionKind
from junkan.regions.indicators import (
    EmissionFactor,
    IndicatorResult,
    IndicatorTree,
    IndicatorValue,
    compute_indicators,
    load_indicator_tree,
)
from junkan.regions.model import SECTORS, WASTE_FIELDS, RegionProfile, WasteYear
from junkan.regions.panel import PLATFORM_FIELDS, PlatformInputs, build_panel
from junkan.regions.typology import TypologyConfig, TypologyResult, classify_profiles

__all__ = [
    "PEER_GROUPS",
    "Analysis",
    "Dashboard",
    "IndicatorRow",
    "PeerStat",
    "PerspectiveView",
    "PlatformNote",
    "ThemeView",
    "Trend",
    "TypologyView",
    "aggregate_group",
    "analyse",
    "default_year",
]

PEER_GROUPS = ("kind", "population_class", "typology")


@dataclass(frozen=True, slots=True)
class PeerStat:
    median: float | None
    low: float | None
    high: float | None
    n: int


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    value: IndicatorValue
    decimals: int
    better: str
    peers: PeerStat


@dataclass(frozen=True, slots=True)
class ThemeView:
    id: str
    name_ja: str
    name_en: str
    indicators: tuple[IndicatorRow, ...]


@dataclass(frozen=True, slots=True)
class PerspectiveView:
    id: str
    name_ja: str
    name_en: str
    score: float | None  # weighted mean percentile among peers, 0-100
    themes: tuple[ThemeView, ...]


@dataclass(frozen=True, slots=True)
class Trend:
    indicator_id: str
    name_ja: str
    name_en: str
    unit: str
    points: tuple[tuple[int, float | None], ...]
    peer_median: tuple[tuple[int, float | None], ...]


@dataclass(frozen=True, slots=True)
class PlatformNote:
    """What the platform counted for one variable of the region, in both languages."""

    variable: str
    text_ja: str
    text_en: str


@dataclass(frozen=True, slots=True)
class TypologyView:
    population_class: str
    industry: str
    hub: bool
    label: str
    population: float | None
    population_year: int | None
    location_quotients: Mapping[str, float | None]
    reasoning: str


@dataclass(frozen=True, slots=True)
class Dashboard:
    code: str
    name_ja: str
    name_en: str
    year: int
    years: tuple[int, ...]
    peer_group: str
    peer_label: str
    peers: tuple[str, ...]
    perspectives: tuple[PerspectiveView, ...]
    trends: tuple[Trend, ...]
    typology: TypologyView
    platform_notes: tuple[PlatformNote, ...]
    demo: bool


@dataclass(frozen=True, slots=True)
class Analysis:
    """The raw indicator result (reports use it) and the dashboard shaped from it."""

    profile: RegionProfile
    result: IndicatorResult
    dashboard: Dashboard
    typology: TypologyResult


def _is_complete(w: WasteYear | None) -> bool:
    return w is not None and w.generated_t is not None and w.total_treated_t is not None


def default_year(profile: RegionProfile) -> int | None:
    """The latest year with population and complete waste statistics, else the latest with population."""
    years = sorted(y for y, p in profile.population.items() if p is not None)
    complete = [y for y in years if _is_complete(profile.waste.get(y))]
    if complete:
        return complete[-1]
    return years[-1] if years else (max(profile.waste) if profile.waste else None)


def aggregate_group(group: RegionProfile, members: Sequence[RegionProfile]) -> RegionProfile:
    """A group's statistics as the sum of its members' where the group reports none of its own.

    A field is summed for a year only when *every* member reports it (a partial sum would understate).
    """
    if group.kind is not RegionKind.GROUP or group.waste or group.population or not members:
        return group
    years = sorted({y for m in members for y in m.population})
    pop: dict[int, float | None] = {}
    hh: dict[int, float | None] = {}
    waste: dict[int, WasteYear] = {}
    for y in years:
        ps = [m.population.get(y) for m in members]
        if all(p is not None for p in ps):
            pop[y] = float(sum(p for p in ps if p is not None))
        hs = [m.households.get(y) for m in members]
        if all(h is not None for h in hs):
            hh[y] = float(sum(h for h in hs if h is not None))
        fields: dict[str, float | None] = {}
        for name in WASTE_FIELDS:
            vals = [getattr(m.waste.get(y) or WasteYear(), name) for m in members]
            fields[name] = float(sum(vals)) if all(v is not None for v in vals) else None
        waste[y] = WasteYear(**fields)
    areas = [m.area_km2 for m in members]
    emp: dict[str, float] = {}
    if all(m.employment for m in members):
        emp = {s: float(sum(m.employment.get(s, 0.0) for m in members)) for s in SECTORS}
    return dataclasses.replace(
        group,
        population=pop,
        households=hh,
        waste=waste,
        area_km2=float(sum(a for a in areas if a is not None)) if all(a is not None for a in areas) else None,
        employment=emp or group.employment,
        facilities=group.facilities + tuple(f for m in members for f in m.facilities),
        source=group.source or "sum of member municipalities' statistics",
    )


def _f(x: float) -> float | None:
    return None if np.isnan(x) else float(x)


def _peer_groups(
    profiles: Sequence[RegionProfile], year: int, peer_group: str, typ: TypologyResult
) -> list[str]:
    if peer_group == "kind":
        return [p.kind.value for p in profiles]
    if peer_group == "population_class":
        return [f"{p.kind.value}/{c}" for p, c in zip(profiles, typ.population_class, strict=True)]
    if peer_group == "typology":
        return [f"{p.kind.value}/{lab}" for p, lab in zip(profiles, typ.labels, strict=True)]
    raise InvalidInput(
        f"peer group {peer_group!r} is unknown; use one of {', '.join(PEER_GROUPS)}.",
        code="unknown_peer_group",
        field="peer_group",
    )


def _with_notes(v: IndicatorValue, notes: Mapping[str, str]) -> IndicatorValue:
    if not any(i.name in notes for i in v.inputs):
        return v
    inputs = tuple(dataclasses.replace(i, source=notes.get(i.name, i.source)) for i in v.inputs)
    return dataclasses.replace(v, inputs=inputs)


def analyse(
    profiles: Sequence[RegionProfile],
    code: str,
    *,
    year: int | None = None,
    activity: Sequence[PlatformInputs] = (),
    platform_notes: Mapping[str, Mapping[str, str]] | None = None,
    platform_notes_ja: Mapping[str, Mapping[str, str]] | None = None,
    factors: Sequence[EmissionFactor] = (),
    peer_group: str = "kind",
    tree: IndicatorTree | None = None,
    typology_config: TypologyConfig | None = None,
) -> Analysis:
    """Compute the dashboard of region ``code`` among ``profiles`` (its peers, itself included).

    ``platform_notes`` maps region code → platform variable → what was counted (shown as the source);
    ``platform_notes_ja`` the same in Japanese for the pages.
    """
    tree = tree or load_indicator_tree()
    by_code = {p.code: p for p in profiles}
    if code not in by_code:
        raise InvalidInput(f"region {code} is not among the profiles given.", code="region_not_in_panel")
    focus = by_code[code]
    year = year if year is not None else default_year(focus)
    if year is None:
        raise InvalidInput(
            f"{focus.name_ja} ({code}) has no statistics yet; import a year of statistics first.",
            code="no_statistics",
            field="year",
        )
    years = sorted({y for p in profiles for y in (*p.population, *p.waste)} | {year})
    panel = build_panel(profiles, years, activity)
    typ = classify_profiles(profiles, year, typology_config)
    groups = _peer_groups(profiles, year, peer_group, typ)
    result = compute_indicators(panel, tree, factors=factors, peer_groups=groups)
    i, j = panel.index(code), panel.year_index(year)
    peer_idx = [k for k, g in enumerate(groups) if g == groups[i] and k != i]
    notes = (platform_notes or {}).get(code, {})
    perspectives = []
    for p in tree.raw["perspectives"]:
        themes = []
        for t in p["themes"]:
            rows = []
            for ind in t["indicators"]:
                d = tree.get(ind["id"])
                vals = result.values[d.id]
                peer_vals = vals[peer_idx, j] if peer_idx else np.array([])
                known = peer_vals[~np.isnan(peer_vals)]
                stat = PeerStat(
                    float(np.median(known)) if known.size else None,
                    float(known.min()) if known.size else None,
                    float(known.max()) if known.size else None,
                    int(known.size),
                )
                rows.append(
                    IndicatorRow(
                        _with_notes(result.explain(d.id, code, year), notes), d.decimals, d.better, stat
                    )
                )
            themes.append(ThemeView(t["id"], t["name_ja"], t["name_en"], tuple(rows)))
        score = _f(result.perspective_scores[p["id"]][i, j])
        perspectives.append(PerspectiveView(p["id"], p["name_ja"], p["name_en"], score, tuple(themes)))
    trends = []
    for d in tree.indicators:
        vals = result.values[d.id]
        own = tuple((y, _f(vals[i, k])) for k, y in enumerate(panel.years))
        if all(v is None for _, v in own):
            continue
        med = []
        for k, y in enumerate(panel.years):
            col = vals[peer_idx, k] if peer_idx else np.array([])
            col = col[~np.isnan(col)]
            med.append((y, float(np.median(col)) if col.size else None))
        trends.append(Trend(d.id, d.name_ja, d.name_en, d.unit, own, tuple(med)))
    k_typ = list(by_code).index(code)
    known_pop = [y for y, v in focus.population.items() if v is not None and y <= year]
    lq = typ.location_quotients[k_typ]
    typology = TypologyView(
        population_class=typ.population_class[k_typ],
        industry=typ.industry[k_typ],
        hub=typ.hub[k_typ],
        label=typ.labels[k_typ],
        population=focus.population[max(known_pop)] if known_pop else None,
        population_year=max(known_pop) if known_pop else None,
        location_quotients={s: _f(float(lq[n])) for n, s in enumerate(SECTORS)},
        reasoning=(typology_config or TypologyConfig()).reasoning.strip(),
    )
    dash = Dashboard(
        code=code,
        name_ja=focus.name_ja,
        name_en=focus.name_en,
        year=year,
        years=tuple(panel.years),
        peer_group=peer_group,
        peer_label=groups[i],
        peers=tuple(panel.codes[k] for k in peer_idx),
        perspectives=tuple(perspectives),
        trends=tuple(trends),
        typology=typology,
        platform_notes=tuple(
            PlatformNote(k, (platform_notes_ja or {}).get(code, {}).get(k, v), v)
            for k, v in sorted(notes.items())
            if k in PLATFORM_FIELDS
        ),
        demo=focus.demo,
    )
    return Analysis(focus, result, dash, typ)
