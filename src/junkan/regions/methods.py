"""The eight ways to build a regional loop (循環の構築方法, METI draft, March 2025) as a data catalogue.

``methods.json`` holds, for each method, its Japanese and English names and description, the legend
elements it draws on, its preconditions (population, density, an industrial zone, a bulky-waste route, a
capable recycler within a distance, ...) and a model of what it moves: the waste streams, their share of
municipal waste generated, capture rate, net municipal cost per tonne, jobs per 1,000 t and GHG avoided
per tonne, each as a triangular (low, mode, high) distribution with its basis stated under ``assumptions``.
:func:`load_methods` validates the file (JSON Schema, then cross-checks) so a bad edit fails loudly.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import jsonschema

from junkan.errors import InvalidInput
from junkan.regions.model import RegionProfile, haversine_km

__all__ = [
    "Catalogue",
    "Element",
    "Method",
    "Precondition",
    "PreconditionCheck",
    "RegionFacts",
    "Triangular",
    "check_preconditions",
    "facts_for",
    "load_methods",
]

_TRI = {"type": "array", "items": {"type": "number"}, "minItems": 3, "maxItems": 3}
_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["version", "source", "elements", "methods"],
    "properties": {
        "elements": {
            "type": "array",
            "items": {"type": "object", "required": ["id", "name_ja", "name_en"]},
        },
        "methods": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": [
                    "id", "number", "side", "name_ja", "name_en", "description_ja", "description_en",
                    "elements", "preconditions", "streams", "share_of_generated", "capture_rate",
                    "cost_jpy_per_t", "jobs_per_1000t", "ghg_t_per_t", "assumptions",
                ],
                "properties": {
                    "side": {"enum": ["reuse", "recycling"]},
                    "share_of_generated": {"type": "number", "minimum": 0, "maximum": 1},
                    "capture_rate": _TRI,
                    "cost_jpy_per_t": _TRI,
                    "jobs_per_1000t": _TRI,
                    "ghg_t_per_t": _TRI,
                    "preconditions": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["id", "kind", "required", "label_ja", "label_en"],
                            "properties": {
                                "kind": {
                                    "enum": [
                                        "population_min", "population_density_min", "feature", "industry",
                                        "facility_in_region", "facility_within_km",
                                        "neighbour_facility_within_km",
                                    ]
                                }
                            },
                        },
                    },
                },
            },
        },
    },
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Triangular:
    low: float
    mode: float
    high: float


@dataclass(frozen=True, slots=True)
class Element:
    id: str
    name_ja: str
    name_en: str


@dataclass(frozen=True, slots=True)
class Precondition:
    id: str
    kind: str
    required: bool
    label_ja: str
    label_en: str
    params: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Method:
    id: str
    number: int
    side: str
    name_ja: str
    name_en: str
    description_ja: str
    description_en: str
    elements: tuple[str, ...]
    preconditions: tuple[Precondition, ...]
    streams: tuple[str, ...]
    share_of_generated: float
    capture_rate: Triangular
    cost_jpy_per_t: Triangular
    jobs_per_1000t: Triangular
    ghg_t_per_t: Triangular
    assumptions: str


@dataclass(frozen=True, slots=True)
class Catalogue:
    version: str
    source: str
    elements: Mapping[str, Element]
    methods: tuple[Method, ...]

    def get(self, method_id: str) -> Method:
        for m in self.methods:
            if m.id == method_id:
                return m
        raise InvalidInput(
            f"no method {method_id!r}; use one of {', '.join(m.id for m in self.methods)}.",
            code="unknown_method",
            field="method_id",
        )


def _tri(values: Sequence[float], field: str) -> Triangular:
    lo, mode, hi = (float(v) for v in values)
    if not lo <= mode <= hi:
        raise InvalidInput(f"{field} must satisfy low ≤ mode ≤ high.", code="bad_triangular", field=field)
    return Triangular(lo, mode, hi)


def load_methods(data: Mapping[str, Any] | None = None) -> Catalogue:
    """Load and validate the catalogue (default: the shipped ``methods.json``)."""
    if data is None:
        data = json.loads(resources.files("junkan.regions").joinpath("methods.json").read_text("utf-8"))
    try:
        jsonschema.validate(data, _SCHEMA)
    except jsonschema.ValidationError as e:
        path = ".".join(str(p) for p in e.absolute_path)
        raise InvalidInput(f"methods catalogue: {e.message}", code="bad_catalogue", field=path) from None
    elements = {e["id"]: Element(e["id"], e["name_ja"], e["name_en"]) for e in data["elements"]}
    methods = []
    for i, m in enumerate(data["methods"]):
        for el in m["elements"]:
            if el not in elements:
                raise InvalidInput(
                    f"method {m['id']} names element {el!r}, which the legend does not define.",
                    code="unknown_element",
                    field=f"methods[{i}].elements",
                )
        f = f"methods[{i}]"
        cap = _tri(m["capture_rate"], f"{f}.capture_rate")
        if cap.low < 0 or cap.high > 1:
            raise InvalidInput(
                "capture rates are fractions 0-1.", code="bad_capture", field=f"{f}.capture_rate"
            )
        reserved = {"id", "kind", "required", "label_ja", "label_en"}
        methods.append(
            Method(
                id=m["id"],
                number=int(m["number"]),
                side=m["side"],
                name_ja=m["name_ja"],
                name_en=m["name_en"],
                description_ja=m["description_ja"],
                description_en=m["description_en"],
                elements=tuple(m["elements"]),
                preconditions=tuple(
                    Precondition(
                        p["id"], p["kind"], bool(p["required"]), p["label_ja"], p["label_en"],
                        {k: v for k, v in p.items() if k not in reserved},
                    )
                    for p in m["preconditions"]
                ),
                streams=tuple(m["streams"]),
                share_of_generated=float(m["share_of_generated"]),
                capture_rate=cap,
                cost_jpy_per_t=_tri(m["cost_jpy_per_t"], f"{f}.cost_jpy_per_t"),
                jobs_per_1000t=_tri(m["jobs_per_1000t"], f"{f}.jobs_per_1000t"),
                ghg_t_per_t=_tri(m["ghg_t_per_t"], f"{f}.ghg_t_per_t"),
                assumptions=m["assumptions"],
            )
        )  # fmt: skip
    if len({m.id for m in methods}) != len(methods):
        raise InvalidInput("method ids must be unique.", code="duplicate_method", field="methods")
    return Catalogue(str(data["version"]), str(data["source"]), elements, tuple(methods))


@dataclass(frozen=True, slots=True)
class RegionFacts:
    """What preconditions are checked against; :func:`facts_for` derives it from profiles."""

    population: float | None
    density: float | None
    features: frozenset[str]
    main_industry: str | None
    facility_kinds: frozenset[str]
    nearest_km: Mapping[str, float]
    nearest_neighbour_km: Mapping[str, float]


def _nearest(origin: RegionProfile, profiles: Sequence[RegionProfile]) -> dict[str, float]:
    out: dict[str, float] = {}
    for p in profiles:
        for f in p.facilities:
            if f.lat is None or f.lon is None or origin.lat is None or origin.lon is None:
                d = 0.0 if p is origin else float("inf")
            else:
                d = haversine_km(origin.lat, origin.lon, f.lat, f.lon)
            out[f.kind] = min(out.get(f.kind, float("inf")), d)
    return out


def facts_for(
    profile: RegionProfile,
    year: int,
    neighbours: Sequence[RegionProfile] = (),
    main_industry: str | None = None,
) -> RegionFacts:
    return RegionFacts(
        population=profile.population.get(year),
        density=profile.density(year),
        features=profile.features,
        main_industry=main_industry,
        facility_kinds=frozenset(f.kind for f in profile.facilities),
        nearest_km=_nearest(profile, [profile, *neighbours]),
        nearest_neighbour_km=_nearest(profile, list(neighbours)),
    )


@dataclass(frozen=True, slots=True)
class PreconditionCheck:
    precondition: Precondition
    holds: bool | None  # None: the data needed to decide is missing
    detail: str


def _check(p: Precondition, facts: RegionFacts) -> PreconditionCheck:
    k, prm = p.kind, p.params
    if k in ("population_min", "population_density_min"):
        have = facts.population if k == "population_min" else facts.density
        if have is None:
            return PreconditionCheck(p, None, "no data")
        return PreconditionCheck(
            p, have >= float(prm["value"]), f"{have:,.0f} vs ≥ {float(prm['value']):,.0f}"
        )
    if k == "feature":
        return PreconditionCheck(p, prm["feature"] in facts.features, str(prm["feature"]))
    if k == "industry":
        if facts.main_industry is None:
            return PreconditionCheck(p, None, "no industry data")
        return PreconditionCheck(
            p, facts.main_industry == prm["industry"], f"main industry: {facts.main_industry}"
        )
    if k == "facility_in_region":
        return PreconditionCheck(p, prm["facility"] in facts.facility_kinds, str(prm["facility"]))
    table = facts.nearest_km if k == "facility_within_km" else facts.nearest_neighbour_km
    d = table.get(str(prm["facility"]), float("inf"))
    shown = "none known" if d == float("inf") else f"nearest {d:.0f} km"
    return PreconditionCheck(p, d <= float(prm["km"]), f"{shown} vs ≤ {prm['km']} km")


def check_preconditions(method: Method, facts: RegionFacts) -> tuple[PreconditionCheck, ...]:
    return tuple(_check(p, facts) for p in method.preconditions)
