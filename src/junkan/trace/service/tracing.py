"""Provenance traces: upstream to the sources of a lot, or downstream to where its mass went.

In a trace, lots of other organisations appear with their organisation, material, creating event kind and
date, shares and recycled share, but their lot ids and masses are masked (``"masked": true``) — enough to
follow a recycled-content claim back to the collection events without disclosing another organisation's
private quantities.

The cone's edges come from the engine's in-memory lot graph (:mod:`junkan.store.trace_graph`, refreshed
before the lots are read, so every lot it names is visible), or from a recursive query where there is no
index (in-memory SQLite) or the index names a lot that is gone (then it is rebuilt on the next trace).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np

from junkan.actor import Actor
from junkan.errors import InvalidInput, NotFound
from junkan.store.trace_graph import EdgeGraph, edge_index
from junkan.store.trace_repo import ConeLots, LotRow, TraceRepo
from junkan.store.uow import UnitOfWork
from junkan.trace.model import EventKind
from junkan.trace.provenance import LotGraph, downstream, upstream
from junkan.trace.service.access import require_own

__all__ = ["Cone", "lot_cone", "provenance"]

_COLLECT = EventKind.COLLECT.value


@dataclasses.dataclass(frozen=True, slots=True)
class Cone:
    """The lots reachable from one lot one way, numbered 0..n-1 in the order of their ids (``nodes``)."""

    nodes: np.ndarray
    lots: dict[int, LotRow]
    parent: np.ndarray  # each edge's parent and child as positions in ``nodes``
    child: np.ndarray
    graph: LotGraph

    def position(self, lot_id: int) -> int:
        return int(np.searchsorted(self.nodes, lot_id))


def _edges(
    repo: TraceRepo, lot_id: int, upstream: bool, edges: EdgeGraph | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(sorted lot ids of the cone, parent, child, kg) from the index when given, else the recursive query."""
    parent, child, kg = (
        edges.cone_edges(lot_id, upstream=upstream)
        if edges is not None
        else repo.cone_edges(lot_id, upstream=upstream)
    )
    nodes = np.unique(np.concatenate([parent, child, np.array([lot_id], dtype=np.int64)]))
    return nodes, parent, child, kg


def lot_cone(
    repo: TraceRepo, lot_id: int, *, upstream: bool, lot_mass: bool = False, edges: EdgeGraph | None = None
) -> Cone:
    """The upstream or downstream cone of ``lot_id`` as a :class:`~junkan.trace.provenance.LotGraph` whose
    origins are the collected lots (100 % post-consumer); with ``lot_mass`` each lot's created mass too, so
    that downstream shares show losses. ``edges`` (the engine's index, refreshed before this transaction
    read anything) replaces the recursive query; without it, edges the caller's own uncommitted
    transaction wrote are part of the cone too."""
    nodes, parent, child, kg = _edges(repo, lot_id, upstream, edges)
    lots = repo.trace_lots_by_id(nodes.tolist())
    pi = np.searchsorted(nodes, parent)
    ci = np.searchsorted(nodes, child)
    origin = np.array([1.0 if lots[int(n)].source_kind == _COLLECT else 0.0 for n in nodes])
    lot_kg = np.array([float(lots[int(n)].created_kg) for n in nodes]) if lot_mass else None
    graph = LotGraph.from_edges(len(nodes), pi, ci, kg, origin_recycled=origin, lot_kg=lot_kg)
    return Cone(nodes, lots, pi, ci, graph)


@dataclasses.dataclass(frozen=True, slots=True)
class _View:
    """A cone with the columns a trace shows (``lots``), for thousands of lots without a row object each."""

    nodes: np.ndarray
    lots: ConeLots
    parent: np.ndarray
    child: np.ndarray
    graph: LotGraph


def _view(repo: TraceRepo, lot_id: int, *, upstream: bool) -> _View:
    index = edge_index(repo.conn.engine)
    edges = index.graph(repo.conn.engine) if index is not None else None
    nodes, parent, child, kg = _edges(repo, lot_id, upstream, edges)
    lots = repo.cone_lots(nodes.tolist())
    if lots is None and index is not None:  # a lot of the index is gone: rows were deleted
        index.invalidate()
        nodes, parent, child, kg = _edges(repo, lot_id, upstream, None)
        lots = repo.cone_lots(nodes.tolist())
    if lots is None:
        raise NotFound(f"lot {lot_id} or a lot of its provenance was deleted", field="lot")
    pi = np.searchsorted(nodes, parent)
    ci = np.searchsorted(nodes, child)
    origin = np.array([kind == _COLLECT for kind in lots.source_kind], dtype=np.float64)
    lot_kg = None if upstream else np.array([float(x) for x in lots.created_kg], dtype=np.float64)
    graph = LotGraph.from_edges(len(nodes), pi, ci, kg, origin_recycled=origin, lot_kg=lot_kg)
    return _View(nodes, lots, pi, ci, graph)


def _round6(values: np.ndarray) -> list[float]:
    """``[round(x, 6) for x in values]``, vectorised: ``rint(x·10⁶)/10⁶`` is the double nearest the correctly
    rounded decimal unless x·10⁶ lies within float error of a half (or is huge, NaN or infinite), and those
    few take ``round`` itself."""
    x = np.asarray(values, dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        y = x * 1e6
        out: np.ndarray = np.rint(y) / 1e6
        safe = (np.abs(y) < 1e12) & (np.abs(y - np.floor(y) - 0.5) >= 1e-3)
    slow = np.flatnonzero(~safe)
    if slow.size:
        out[slow] = [round(v, 6) for v in x[slow].tolist()]
    result: list[float] = out.tolist()
    return result


def provenance(
    uow: UnitOfWork, actor: Actor, org_id: int, key: str, *, direction: str = "upstream", max_steps: int = 256
) -> dict[str, Any]:
    """Upstream (to the sources) or downstream (to where the mass went) trace of one of the caller's lots."""
    if direction not in ("upstream", "downstream"):
        raise InvalidInput("direction is upstream or downstream", code="unknown_enum", field="direction")
    p = actor.signed_in
    require_own(p, org_id, "lots")
    up = direction == "upstream"
    with uow:
        repo = TraceRepo(uow.conn)
        root = repo.lots_by_key(org_id, [key]).get(key)
        if root is None:
            raise NotFound(f"no lot '{key}' in organisation {org_id}", field="lot")
        cone = _view(repo, root.id, upstream=up)
    r = int(np.searchsorted(cone.nodes, root.id))
    trace = (
        upstream(cone.graph, r, max_steps=max_steps) if up else downstream(cone.graph, r, max_steps=max_steps)
    )
    mine = p.org_id if not p.is_system else org_id
    lots = cone.lots
    # the root first, then the reached lots in the order of their ids; columns, then one dict per lot
    order = [r, *trace.lots.tolist()]
    shares = [1.0, *_round6(trace.share)]
    dmin = [0, *trace.min_depth.tolist()]
    dmax = [0, *trace.max_depth.tolist()]
    terminal = [False, *trace.terminal.tolist()]
    recycled: Sequence[float | None] = (
        _round6(np.concatenate([[trace.root_recycled_share], trace.recycled_share]))
        if up
        else [None] * len(order)
    )
    org, lot_key, grade, kg = lots.org_id, lots.key, lots.grade, lots.created_kg
    material, kind, created = lots.material, lots.source_kind, lots.created_at
    nodes_out = []
    for i, share, lo, hi, end, rec in zip(order, shares, dmin, dmax, terminal, recycled, strict=True):
        own = org[i] == mine
        nodes_out.append(
            {
                "index": i,
                "org_id": org[i],
                "lot": lot_key[i] if own else None,
                "masked": not own,
                "material": material[i],
                "grade": grade[i] if own else None,
                "source_kind": kind[i],
                "created_at": created[i],
                "kg": kg[i] if own else None,
                "share": share,
                "min_depth": lo,
                "max_depth": hi,
                "terminal": end,
                "recycled_share": rec,
            }
        )
    edge_list = [
        {"parent": a, "child": b} for a, b in zip(cone.parent.tolist(), cone.child.tolist(), strict=True)
    ]
    sources = [n for n in nodes_out[1:] if n["terminal"]]
    return {
        "root": nodes_out[0],
        "direction": direction,
        "nodes": nodes_out,
        "edges": edge_list,
        "root_recycled_share": recycled[0],
        "sources": sources,
        "explanation": {
            "formula": "share(parent) = Σ_paths Π edge_kg / Σ edge_kg into child; "
            "recycled(lot) = Σ share(parent) × recycled(parent); collected lots are 100 % post-consumer",
            "masked": "lots of other organisations show organisation, material, kind and date; "
            "their ids and masses are masked",
        },
    }
