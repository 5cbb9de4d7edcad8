"""Regional CE indicators: a configurable tree (perspective → theme → indicator) computed on a panel.

The tree lives in ``indicator_tree.json`` (data, not code): each indicator has a formula written as an
arithmetic expression over panel variables, a direction (higher or lower is better), a weight and sources.
:func:`compute_indicators` evaluates every indicator for N regions × Y years at once with numpy, then ranks
each value among peer regions of the same type (percentile, rank, five maturity levels) and rolls
percentiles up into theme and perspective scores by the tree's weights. Every value can explain itself:
:meth:`IndicatorResult.explain` gives formula, inputs with units and sources, and the peer position.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.stats import rankdata

from junkan.errors import InvalidInput
from junkan.regions.panel import RegionPanel

__all__ = [
    "EmissionFactor",
    "IndicatorDef",
    "IndicatorResult",
    "IndicatorTree",
    "IndicatorValue",
    "InputValue",
    "compile_expr",
    "compute_indicators",
    "load_indicator_tree",
    "peer_percentiles",
]

Array = npt.NDArray[np.float64]
_OPS: dict[type[ast.operator], Callable[[Array, Array], Array]] = {
    ast.Add: np.add,
    ast.Sub: np.subtract,
    ast.Mult: np.multiply,
    ast.Div: np.divide,
}


@dataclass(frozen=True, slots=True)
class InputValue:
    name: str
    value: float | None
    unit: str
    source: str


@dataclass(frozen=True, slots=True)
class EmissionFactor:
    """A GHG factor (kg CO2e per kg; negative = net saving) with its source, as the service loads it."""

    material: str
    pathway: str
    kg_co2e_per_kg: float
    source: str


@dataclass(frozen=True, slots=True)
class IndicatorDef:
    id: str
    perspective: str
    theme: str
    name_ja: str
    name_en: str
    unit: str
    expr: str
    better: str
    weight: float
    decimals: int
    sources: tuple[str, ...]
    variables: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class IndicatorTree:
    version: str
    raw: Mapping[str, Any]
    indicators: tuple[IndicatorDef, ...]
    variables: Mapping[str, Mapping[str, str]]
    maturity_cuts: tuple[float, ...]
    maturity_labels_ja: tuple[str, ...]
    maturity_labels_en: tuple[str, ...]
    recycled_mix: Mapping[str, float]
    mix_source: str

    def get(self, indicator_id: str) -> IndicatorDef:
        for d in self.indicators:
            if d.id == indicator_id:
                return d
        raise InvalidInput(
            f"no indicator {indicator_id!r} in tree {self.version}; use one of "
            f"{', '.join(d.id for d in self.indicators)}.",
            code="unknown_indicator",
            field="indicator_id",
        )


@dataclass(frozen=True, slots=True)
class IndicatorValue:
    """One indicator for one region and year, with everything needed to check it by hand."""

    indicator_id: str
    name_ja: str
    name_en: str
    code: str
    year: int
    value: float | None
    unit: str
    formula: str
    inputs: tuple[InputValue, ...]
    sources: tuple[str, ...]
    percentile: float | None
    rank: int | None
    n_peers: int
    maturity_level: int | None
    maturity_label_ja: str | None
    maturity_label_en: str | None


def compile_expr(
    expr: str, *, field: str = "expr"
) -> tuple[Callable[[Mapping[str, Array]], Array], tuple[str, ...]]:
    """Compile an arithmetic expression (+ - * /, unary -, names, numbers) to a vectorised function."""
    try:
        tree = ast.parse(expr, mode="eval")
    except SyntaxError:
        raise InvalidInput(f"formula {expr!r} does not parse.", code="bad_formula", field=field) from None
    names: list[str] = []

    def build(node: ast.AST) -> Callable[[Mapping[str, Array]], Array]:
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            op, left, right = _OPS[type(node.op)], build(node.left), build(node.right)
            return lambda env: op(left(env), right(env))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            inner = build(node.operand)
            return lambda env: np.negative(inner(env))
        if isinstance(node, ast.Name):
            name = node.id
            names.append(name)
            return lambda env: env[name]
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            const = np.float64(node.value)
            return lambda env: np.asarray(const)
        raise InvalidInput(
            f"formula {expr!r} uses {type(node).__name__}; only + - * /, names and numbers are allowed.",
            code="bad_formula",
            field=field,
        )

    fn = build(tree.body)
    return fn, tuple(dict.fromkeys(names))


def load_indicator_tree(data: Mapping[str, Any] | None = None) -> IndicatorTree:
    """Load and validate a tree definition (default: the shipped ``indicator_tree.json``)."""
    if data is None:
        text = resources.files("junkan.regions").joinpath("indicator_tree.json").read_text("utf-8")
        data = json.loads(text)
    variables = data["variables"]
    defs: list[IndicatorDef] = []
    for pi, p in enumerate(data["perspectives"]):
        for ti, t in enumerate(p["themes"]):
            for ii, ind in enumerate(t["indicators"]):
                where = f"perspectives[{pi}].themes[{ti}].indicators[{ii}]"
                _, used = compile_expr(ind["expr"], field=f"{where}.expr")
                for v in used:
                    if v not in variables:
                        raise InvalidInput(
                            f"formula uses {v!r}, which is not declared under 'variables'; declare it with "
                            "unit and source.",
                            code="undeclared_variable",
                            field=f"{where}.expr",
                        )
                if ind["better"] not in ("higher", "lower") or float(ind["weight"]) <= 0:
                    raise InvalidInput(
                        "'better' must be higher or lower and 'weight' positive.",
                        code="bad_indicator",
                        field=where,
                    )
                defs.append(
                    IndicatorDef(
                        id=ind["id"],
                        perspective=p["id"],
                        theme=t["id"],
                        name_ja=ind["name_ja"],
                        name_en=ind["name_en"],
                        unit=ind["unit"],
                        expr=ind["expr"],
                        better=ind["better"],
                        weight=float(ind["weight"]) * float(t["weight"]) * float(p["weight"]),
                        decimals=int(ind.get("decimals", 1)),
                        sources=tuple(ind.get("sources", ())),
                        variables=used,
                    )
                )
    ids = [d.id for d in defs]
    if len(set(ids)) != len(ids):
        raise InvalidInput("indicator ids must be unique in the tree.", code="duplicate_indicator")
    m = data["maturity"]
    mix = {k: float(v) for k, v in data["ghg"]["recycled_mix"].items()}
    if abs(sum(mix.values()) - 1.0) > 1e-6:
        raise InvalidInput(
            "ghg.recycled_mix shares must add up to 1.", code="bad_mix", field="ghg.recycled_mix"
        )
    return IndicatorTree(
        version=str(data["version"]),
        raw=data,
        indicators=tuple(defs),
        variables=variables,
        maturity_cuts=tuple(float(c) for c in m["cuts_percentile"]),
        maturity_labels_ja=tuple(m["labels_ja"]),
        maturity_labels_en=tuple(m["labels_en"]),
        recycled_mix=mix,
        mix_source=str(data["ghg"]["mix_source"]),
    )


def peer_percentiles(values: Array, groups: Sequence[str], *, higher_is_better: bool) -> tuple[Array, Array]:
    """Percentile (0 = worst, 100 = best) of each value among regions of the same group, per year.

    Returns (percentile, n_peers_with_data); NaN values and groups with one member get NaN percentile.
    """
    pct = np.full(values.shape, np.nan)
    count = np.zeros(values.shape)
    labels = np.asarray(groups)
    for g in np.unique(labels):
        idx = np.flatnonzero(labels == g)
        sub = values[idx] if higher_is_better else -values[idx]
        ranks = rankdata(sub, axis=0, nan_policy="omit")
        c = np.sum(~np.isnan(sub), axis=0, keepdims=True).astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            pct[idx] = np.where(c > 1, 100.0 * (ranks - 1.0) / (c - 1.0), np.nan)
        count[idx] = np.broadcast_to(c, sub.shape)
    return pct, count


@dataclass(frozen=True, slots=True)
class IndicatorResult:
    """All indicators for a panel: values, peer percentiles, maturity levels and weighted scores."""

    panel: RegionPanel
    tree: IndicatorTree
    values: Mapping[str, Array]
    percentiles: Mapping[str, Array]
    n_peers: Mapping[str, Array]
    levels: Mapping[str, Array]
    perspective_scores: Mapping[str, Array]
    ghg_inputs: tuple[InputValue, ...]

    def explain(self, indicator_id: str, code: str, year: int) -> IndicatorValue:
        d = self.tree.get(indicator_id)
        i, j = self.panel.index(code), self.panel.year_index(year)
        val = float(self.values[d.id][i, j])
        pct = float(self.percentiles[d.id][i, j])
        c = int(self.n_peers[d.id][i, j])
        inputs = []
        for v in d.variables:
            x = float(self.panel[v][i, j])
            meta = self.tree.variables[v]
            inputs.append(InputValue(v, None if np.isnan(x) else x, meta["unit"], meta["source"]))
        if "ghg_avoided_t" in d.variables:
            inputs.extend(self.ghg_inputs)
        has_pct = not np.isnan(pct)
        level = int(self.levels[d.id][i, j]) if has_pct else None
        return IndicatorValue(
            indicator_id=d.id,
            name_ja=d.name_ja,
            name_en=d.name_en,
            code=code,
            year=year,
            value=None if np.isnan(val) else round(val, d.decimals + 3),
            unit=d.unit,
            formula=f"{d.id} = {d.expr}",
            inputs=tuple(inputs),
            sources=d.sources,
            percentile=pct if has_pct else None,
            rank=round((100.0 - pct) / 100.0 * (c - 1)) + 1 if has_pct else None,
            n_peers=c,
            maturity_level=level,
            maturity_label_ja=self.tree.maturity_labels_ja[level - 1] if level else None,
            maturity_label_en=self.tree.maturity_labels_en[level - 1] if level else None,
        )


def _ghg_avoided(
    panel: RegionPanel, tree: IndicatorTree, factors: Sequence[EmissionFactor]
) -> tuple[Array, tuple[InputValue, ...]]:
    by_material = {f.material: f for f in factors if f.pathway.startswith("recycling")}
    per_t = 0.0
    inputs: list[InputValue] = [InputValue("recycled mix", None, "share", tree.mix_source)]
    for material, share in tree.recycled_mix.items():
        f = by_material.get(material)
        if f is None:
            inputs.append(InputValue(f"{material} share", share, "share", "no factor: no credit taken"))
            continue
        # kg CO2e/kg equals t CO2e/t; the factor is negative for a net saving, so avoided = -factor.
        per_t += share * -f.kg_co2e_per_kg
        inputs.append(
            InputValue(f"{material} factor × share {share:g}", f.kg_co2e_per_kg, "kg CO2e/kg", f.source)
        )
    if not factors:
        return np.full(panel["recycled_t"].shape, np.nan), (
            InputValue("emission factors", None, "kg CO2e/kg", "none loaded: GHG indicator is missing"),
        )
    return panel["recycled_t"] * per_t, tuple(inputs)


def compute_indicators(
    panel: RegionPanel,
    tree: IndicatorTree | None = None,
    *,
    factors: Sequence[EmissionFactor] = (),
    peer_groups: Sequence[str] | None = None,
) -> IndicatorResult:
    """Evaluate every indicator for all regions and years; rank among ``peer_groups`` (default: kind)."""
    tree = tree or load_indicator_tree()
    ghg, ghg_inputs = _ghg_avoided(panel, tree, factors)
    panel = panel.with_variables({"ghg_avoided_t": ghg})
    groups = list(peer_groups) if peer_groups is not None else list(panel.kinds or ["all"] * len(panel.codes))
    if len(groups) != len(panel.codes):
        raise InvalidInput("give one peer group per region.", code="peer_groups_length", field="peer_groups")
    values: dict[str, Array] = {}
    pcts: dict[str, Array] = {}
    counts: dict[str, Array] = {}
    levels: dict[str, Array] = {}
    cuts = np.asarray(tree.maturity_cuts)
    with np.errstate(divide="ignore", invalid="ignore"):
        for d in tree.indicators:
            fn, _ = compile_expr(d.expr)
            v = np.asarray(fn(panel.variables), dtype=np.float64)
            v = np.where(np.isfinite(v), v, np.nan)
            values[d.id] = v
            pcts[d.id], counts[d.id] = peer_percentiles(v, groups, higher_is_better=d.better == "higher")
            levels[d.id] = np.where(
                np.isnan(pcts[d.id]), np.nan, np.searchsorted(cuts, pcts[d.id], side="right") + 1.0
            )
        scores: dict[str, Array] = {}
        for p in dict.fromkeys(d.perspective for d in tree.indicators):
            members = [d for d in tree.indicators if d.perspective == p]
            stack = np.stack([pcts[d.id] for d in members])
            w = np.asarray([d.weight for d in members])[:, None, None] * ~np.isnan(stack)
            scores[p] = np.nansum(stack * w, axis=0) / np.sum(w, axis=0)
    return IndicatorResult(panel, tree, values, pcts, counts, levels, scores, ghg_inputs)
