"""Provenance (由来): upstream traces from a lot to its sources and downstream traces from a waste lot.

The lot graph is a DAG: an edge parent → child carries the mass of ``parent`` that went into ``child``
(a transformation splits each output over its inputs in proportion to input mass; a receipt under a new lot
id links to the shipped lots). A repository fills it cheaply as three arrays (parent, child, kg) or a dict
adjacency; ``LotGraph`` stores both directions in CSR form.

A trace propagates *shares* frontier by frontier with numpy: upstream, the share of ``child`` attributable to
each parent is edge_kg / Σ edge_kg into child; downstream, the share of ``parent`` that reached each child is
edge_kg / parent mass. Shares along different paths add up (the propagation is linear), so the result is exact
for DAGs with paths of different lengths. Shares are float64 statistics (indicators), not custody credits:
claims use ``junkan.custody`` with exact grams.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from junkan.errors import InvalidInput
from junkan.trace.model import TRANSFORMATION_KINDS, Event, EventKind

__all__ = ["LotGraph", "Trace", "downstream", "graph_from_events", "upstream"]

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]


def _wsum(index: I64, weights: F64, n: int) -> F64:
    """Σ weights grouped by index (np.bincount with weights, typed as float64)."""
    return np.bincount(index, weights=weights, minlength=n).astype(np.float64, copy=False)


def _csr(n: int, src: I64, dst: I64, w: F64) -> tuple[I64, I64, F64]:
    order = np.argsort(src, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    return indptr, dst[order].astype(np.int64), w[order]


@dataclass(frozen=True, slots=True)
class LotGraph:
    """Lots 0..n-1 with CSR adjacency both ways; ``origin_recycled`` is each *source* lot's recycled share."""

    n: int
    up_indptr: I64
    up_indices: I64
    up_share: F64
    down_indptr: I64
    down_indices: I64
    down_share: F64
    origin_recycled: F64

    @classmethod
    def from_edges(
        cls,
        n: int,
        parent: Sequence[int] | I64,
        child: Sequence[int] | I64,
        kg: Sequence[float] | F64,
        *,
        origin_recycled: F64 | None = None,
        lot_kg: F64 | None = None,
    ) -> LotGraph:
        """Build from edge arrays; ``lot_kg`` (mass of each lot) lets downstream shares show losses."""
        p = np.asarray(parent, dtype=np.int64)
        c = np.asarray(child, dtype=np.int64)
        w = np.asarray(kg, dtype=np.float64)
        if not (p.shape == c.shape == w.shape):
            raise InvalidInput(
                "parent, child and kg must have the same length", code="shape_mismatch", field="kg"
            )
        if p.size and (min(p.min(), c.min()) < 0 or max(p.max(), c.max()) >= n):
            raise InvalidInput(
                f"lot indices must lie in 0..{n - 1}", code="index_out_of_range", field="parent"
            )
        if np.any(w < 0):
            raise InvalidInput("edge masses must be ≥ 0", code="negative_quantity", field="kg")
        keep = p != c  # an in-place repair keeps its lot id: not a provenance step
        p, c, w = p[keep], c[keep], w[keep]
        into = np.bincount(c, weights=w, minlength=n)
        out_of = np.bincount(p, weights=w, minlength=n) if lot_kg is None else np.maximum(lot_kg, 1e-300)
        up = _csr(n, c, p, w / np.where(into[c] > 0, into[c], 1.0))
        down = _csr(n, p, c, w / np.where(out_of[p] > 0, out_of[p], 1.0))
        origin = np.zeros(n) if origin_recycled is None else np.asarray(origin_recycled, dtype=np.float64)
        return cls(n, up[0], up[1], up[2], down[0], down[1], down[2], origin)

    @classmethod
    def from_adjacency(
        cls,
        n: int,
        children: Mapping[int, Sequence[tuple[int, float]]],
        *,
        origin_recycled: F64 | None = None,
    ) -> LotGraph:
        """Build from ``{parent: [(child, kg), ...]}``."""
        pairs = [(p, c, kg) for p, cs in children.items() for c, kg in cs]
        arr = np.array(pairs, dtype=np.float64).reshape(-1, 3)
        return cls.from_edges(
            n,
            arr[:, 0].astype(np.int64),
            arr[:, 1].astype(np.int64),
            arr[:, 2],
            origin_recycled=origin_recycled,
        )


@dataclass(frozen=True, slots=True)
class Trace:
    """Lots reached from ``root`` (sorted), with share, shortest and longest step count, and terminal flags.

    Upstream: ``share`` is the fraction of the root's mass attributable to each lot, ``terminal`` marks
    sources (their shares sum to 1), ``recycled_share`` is each lot's own recycled share and
    ``root_recycled_share`` the root's. Downstream: ``share`` is the fraction of the root's mass that
    reached each lot, ``terminal`` marks where it ended (sold, disposed, in stock).
    """

    root: int
    direction: str
    lots: I64
    share: F64
    min_depth: I64
    max_depth: I64
    terminal: NDArray[np.bool_]
    recycled_share: F64
    root_recycled_share: float


def _expand(indptr: I64, indices: I64, share: F64, nodes: I64, amount: F64) -> tuple[I64, F64, I64]:
    starts, counts = indptr[nodes], indptr[nodes + 1] - indptr[nodes]
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, np.int64), np.empty(0), np.empty(0, np.int64)
    owner = np.repeat(np.arange(nodes.size), counts)
    pos = starts[owner] + np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    return indices[pos], amount[owner] * share[pos], owner


def _propagate(indptr: I64, indices: I64, share: F64, root: int, max_steps: int) -> tuple[I64, F64, I64, I64]:
    frontier, amount = np.array([root], dtype=np.int64), np.ones(1)
    seen_nodes, seen_amount, seen_depth = [], [], []
    for step in range(1, max_steps + 1):
        nodes, amt, _ = _expand(indptr, indices, share, frontier, amount)
        if nodes.size == 0:
            break
        frontier, inverse = np.unique(nodes, return_inverse=True)
        amount = _wsum(inverse, amt, frontier.size)
        seen_nodes.append(frontier)
        seen_amount.append(amount)
        seen_depth.append(np.full(frontier.size, step, dtype=np.int64))
    else:
        if frontier.size:
            raise InvalidInput(
                f"trace from lot {root} exceeds {max_steps} steps; the lot graph has a cycle "
                "or is deeper than max_steps",
                code="trace_too_deep",
                field="max_steps",
            )
    if not seen_nodes:
        e = np.empty(0, np.int64)
        return e, np.empty(0), e, e
    nodes = np.concatenate(seen_nodes)
    lots, inverse = np.unique(nodes, return_inverse=True)
    total = _wsum(inverse, np.concatenate(seen_amount), lots.size)
    depth = np.concatenate(seen_depth)
    dmin = np.full(lots.size, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(dmin, inverse, depth)
    dmax = np.zeros(lots.size, dtype=np.int64)
    np.maximum.at(dmax, inverse, depth)
    return lots, total, dmin, dmax


def upstream(graph: LotGraph, lot: int, *, max_steps: int = 256) -> Trace:
    """Trace ``lot`` back to its sources, with the recycled share of every lot on the way."""
    lots, share, dmin, dmax = _propagate(graph.up_indptr, graph.up_indices, graph.up_share, lot, max_steps)
    terminal = graph.up_indptr[lots + 1] == graph.up_indptr[lots]
    recycled = graph.origin_recycled[lots].astype(np.float64)
    # Longest distance from the root orders the cone topologically: every parent of a lot lies deeper.
    for level in range(int(dmax.max()) if lots.size else 0, 0, -1):
        idx = np.flatnonzero((dmax == level) & ~terminal)
        if idx.size:
            parents, w, owner = _expand(
                graph.up_indptr, graph.up_indices, graph.up_share, lots[idx], np.ones(idx.size)
            )
            recycled[idx] = _wsum(owner, w * recycled[np.searchsorted(lots, parents)], idx.size)
    if lots.size == 0:
        root_share = float(graph.origin_recycled[lot])
    else:
        parents, w, _ = _expand(
            graph.up_indptr, graph.up_indices, graph.up_share, np.array([lot]), np.ones(1)
        )
        root_share = float(np.sum(w * recycled[np.searchsorted(lots, parents)]))
    return Trace(lot, "upstream", lots, share, dmin, dmax, terminal, recycled, root_share)


def downstream(graph: LotGraph, lot: int, *, max_steps: int = 256) -> Trace:
    """Follow ``lot`` (e.g. a collected waste lot) forward to where its mass went."""
    lots, share, dmin, dmax = _propagate(
        graph.down_indptr, graph.down_indices, graph.down_share, lot, max_steps
    )
    terminal = graph.down_indptr[lots + 1] == graph.down_indptr[lots]
    return Trace(lot, "downstream", lots, share, dmin, dmax, terminal, np.empty(0), float("nan"))


def graph_from_events(
    events: Iterable[Event], *, recycled_kinds: frozenset[EventKind] = frozenset({EventKind.COLLECT})
) -> tuple[LotGraph, list[str]]:
    """Build the lot graph from events (in memory; a repository builds the same arrays in SQL).

    A transformation links every input to every output with output kg × input kg / Σ input kg; a receipt
    under new lot ids links the shipped lots (same shipment reference) to the received ones. Lots created
    by ``recycled_kinds`` events (collected waste) are recycled sources (share 1), other sources virgin (0).
    Returns the graph and the lot ids by index.
    """
    index: dict[str, int] = {}
    parent: list[int] = []
    child: list[int] = []
    mass: list[float] = []
    recycled: set[int] = set()
    shipped: dict[str, list[tuple[str, float]]] = {}

    def at(lot: str) -> int:
        return index.setdefault(lot, len(index))

    def link(ins: Sequence[tuple[str, float]], outs: Sequence[tuple[str, float]]) -> None:
        total = sum(kg for _, kg in ins) or 1.0
        for o, okg in outs:
            for i, ikg in ins:
                if i != o:
                    parent.append(at(i))
                    child.append(at(o))
                    mass.append(okg * ikg / total)

    for event in events:
        ins = [(x.lot, float(x.kg())) for x in event.inputs]
        outs = [(x.lot, float(x.kg())) for x in event.outputs]
        for lot, _ in ins + outs:
            at(lot)
        if event.kind in recycled_kinds:
            recycled.update(index[lot] for lot, _ in outs)
        if event.kind in TRANSFORMATION_KINDS:
            link(ins, outs)
        elif event.kind is EventKind.SHIP and event.shipment_ref:
            shipped[event.shipment_ref] = ins
        elif event.kind is EventKind.RECEIVE and event.shipment_ref in shipped:
            link(shipped[event.shipment_ref], outs)
    origin = np.zeros(len(index))
    origin[sorted(recycled)] = 1.0
    graph = LotGraph.from_edges(len(index), parent, child, mass, origin_recycled=origin)
    return graph, list(index)
