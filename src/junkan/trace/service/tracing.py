"""Provenance traces: upstream to the sources of a lot, or downstream to where its mass went.

In a trace, lots of other organisations appear with their organisation, material, creating event kind and
date, shares and recycled share, but their lot ids and masses are masked (``"masked": true``) — enough to
follow a recycled-content claim back to the collection events without disclosing another organisation's
private quantities.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import numpy as np

from junkan.actor import Actor
from junkan.errors import InvalidInput, NotFound
from junkan.store.trace_repo import LotRow, TraceRepo
from junkan.store.uow import UnitOfWork
from junkan.trace.model import EventKind
from junkan.trace.provenance import LotGraph, downstream, upstream
from junkan.trace.service.access import require_own
from junkan.trace.units import normalise_decimal

__all__ = ["Cone", "lot_cone", "provenance"]


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


def lot_cone(repo: TraceRepo, lot_id: int, *, upstream: bool, lot_mass: bool = False) -> Cone:
    """The upstream or downstream cone of ``lot_id`` as a :class:`~junkan.trace.provenance.LotGraph` whose
    origins are the collected lots (100 % post-consumer); with ``lot_mass`` each lot's created mass too, so
    that downstream shares show losses."""
    parent, child, kg = repo.cone_edges(lot_id, upstream=upstream)
    nodes = np.unique(np.concatenate([parent, child, np.array([lot_id], dtype=np.int64)]))
    lots = repo.trace_lots_by_id(nodes.tolist())
    pi = np.searchsorted(nodes, parent)
    ci = np.searchsorted(nodes, child)
    origin = np.array([1.0 if lots[int(n)].source_kind == EventKind.COLLECT.value else 0.0 for n in nodes])
    lot_kg = np.array([float(lots[int(n)].created_kg) for n in nodes]) if lot_mass else None
    graph = LotGraph.from_edges(len(nodes), pi, ci, kg, origin_recycled=origin, lot_kg=lot_kg)
    return Cone(nodes, lots, pi, ci, graph)


def provenance(
    uow: UnitOfWork, actor: Actor, org_id: int, key: str, *, direction: str = "upstream", max_steps: int = 256
) -> dict[str, Any]:
    """Upstream (to the sources) or downstream (to where the mass went) trace of one of the caller's lots."""
    if direction not in ("upstream", "downstream"):
        raise InvalidInput("direction is upstream or downstream", code="unknown_enum", field="direction")
    p = actor.signed_in
    require_own(p, org_id, "lots")
    with uow:
        repo = TraceRepo(uow.conn)
        root = repo.lots_by_key(org_id, [key]).get(key)
        if root is None:
            raise NotFound(f"no lot '{key}' in organisation {org_id}", field="lot")
        cone = lot_cone(repo, root.id, upstream=direction == "upstream", lot_mass=direction == "downstream")
    nodes, info, pi, ci, graph = cone.nodes, cone.lots, cone.parent, cone.child, cone.graph
    r = cone.position(root.id)
    trace = (
        upstream(graph, r, max_steps=max_steps)
        if direction == "upstream"
        else downstream(graph, r, max_steps=max_steps)
    )
    mine = p.org_id if not p.is_system else org_id

    def node(
        i: int, share: float, dmin: int, dmax: int, terminal: bool, recycled: float | None
    ) -> dict[str, Any]:
        lot = info[int(nodes[i])]
        own = lot.org_id == mine
        return {
            "index": i,
            "org_id": lot.org_id,
            "lot": lot.key if own else None,
            "masked": not own,
            "material": lot.material,
            "grade": lot.grade if own else None,
            "source_kind": lot.source_kind,
            "created_at": lot.created_at,
            "kg": Decimal(normalise_decimal(lot.created_kg)) if own else None,
            "share": round(share, 6),
            "min_depth": dmin,
            "max_depth": dmax,
            "terminal": terminal,
            "recycled_share": None if recycled is None else round(recycled, 6),
        }

    rec = trace.recycled_share
    nodes_out = [node(r, 1.0, 0, 0, False, trace.root_recycled_share if direction == "upstream" else None)]
    for j, i in enumerate(trace.lots.tolist()):
        nodes_out.append(
            node(
                int(i),
                float(trace.share[j]),
                int(trace.min_depth[j]),
                int(trace.max_depth[j]),
                bool(trace.terminal[j]),
                float(rec[j]) if rec.size else None,
            )
        )
    edge_list = [{"parent": int(a), "child": int(b)} for a, b in zip(pi.tolist(), ci.tolist(), strict=True)]
    sources = [n for n in nodes_out[1:] if n["terminal"]]
    return {
        "root": nodes_out[0],
        "direction": direction,
        "nodes": nodes_out,
        "edges": edge_list,
        "root_recycled_share": None if direction == "downstream" else round(trace.root_recycled_share, 6),
        "sources": sources,
        "explanation": {
            "formula": "share(parent) = Σ_paths Π edge_kg / Σ edge_kg into child; "
            "recycled(lot) = Σ share(parent) × recycled(parent); collected lots are 100 % post-consumer",
            "masked": "lots of other organisations show organisation, material, kind and date; "
            "their ids and masses are masked",
        },
    }
