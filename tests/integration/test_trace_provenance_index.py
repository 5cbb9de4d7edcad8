"""The in-memory provenance index (``junkan.store.trace_graph``) answers as the recursive query did, on random
multi-organisation lot graphs recorded through the service, while they grow (incremental refresh), after rows
are deleted (rebuild) and, on PostgreSQL, when edges commit out of id order (holes)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import threading
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, delete, insert, select, text
from tests.factories import World
from tests.integration.trace_world import T0, TraceWorld, line

from junkan.actor import Actor
from junkan.errors import NotFound
from junkan.store.tables.trace import trace_edges, trace_events, trace_lots
from junkan.store.trace_graph import edge_index
from junkan.store.trace_repo import TraceRepo
from junkan.store.uow import UnitOfWork
from junkan.trace import service
from junkan.trace.provenance import downstream, upstream
from junkan.trace.service.access import require_own
from junkan.trace.service.tracing import lot_cone
from junkan.trace.units import normalise_decimal

ORGS = ("a", "b", "c", "d")
PARTNERS = [("a", "b"), ("b", "c"), ("a", "c")]  # d partners nobody: its trades stay flagged, unlinked


def old_provenance(
    uow: UnitOfWork, actor: Actor, org_id: int, key: str, *, direction: str = "upstream"
) -> dict[str, Any]:
    """The service's provenance before the index (commit b192a75), verbatim but for the signature: the
    recursive query (``lot_cone`` without ``edges``), one ``LotRow`` per lot. The oracle."""
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
    trace = upstream(graph, r) if direction == "upstream" else downstream(graph, r)
    mine = p.org_id if not p.is_system else org_id

    def node(i: int, share: float, dmin: int, dmax: int, terminal: bool, recycled: float | None) -> dict:
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
    return {
        "root": nodes_out[0],
        "nodes": nodes_out,
        "edges": [{"parent": int(a), "child": int(b)} for a, b in zip(pi.tolist(), ci.tolist(), strict=True)],
        "root_recycled_share": None if direction == "downstream" else round(trace.root_recycled_share, 6),
        "sources": [n for n in nodes_out[1:] if n["terminal"]],
    }


FLOATS = ("share", "recycled_share")


def same_node(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Equal, but a share may differ in its 6th decimal: the edges come in another order, so Σ kg into a
    lot adds up in another order (the recursive query's order is unspecified, too)."""
    if {k: v for k, v in a.items() if k not in FLOATS} != {k: v for k, v in b.items() if k not in FLOATS}:
        return False
    return all((a[k] is None) == (b[k] is None) and abs((a[k] or 0) - (b[k] or 0)) <= 1.5e-6 for k in FLOATS)


def assert_same(new: dict[str, Any], old: dict[str, Any]) -> None:
    assert len(new["nodes"]) == len(old["nodes"])
    for x, y in zip(new["nodes"], old["nodes"], strict=True):
        assert same_node(x, y), (x, y)
    edges = sorted((e["parent"], e["child"]) for e in new["edges"])
    assert edges == sorted((e["parent"], e["child"]) for e in old["edges"])
    assert [n["index"] for n in new["sources"]] == [n["index"] for n in old["sources"]]
    if old["root_recycled_share"] is None:
        assert new["root_recycled_share"] is None
    else:
        assert abs(new["root_recycled_share"] - old["root_recycled_share"]) <= 1.5e-6


class RandomWorld:
    """Four organisations recording collections, transformations (several inputs and outputs, sometimes into
    an existing lot) and trades (received under the shipped lot id or new ones, receipt before or after the
    shipment, to a partner or not) through ``service.record_events``, with the stock kept on the side."""

    def __init__(self, engine: Engine, seed: int) -> None:
        self.tw = TraceWorld(World(engine), ORGS, PARTNERS)
        self.rng = random.Random(seed)
        self.stock: dict[str, dict[str, Decimal]] = {o: {} for o in ORGS}
        self.lots: dict[str, list[str]] = {o: [] for o in ORGS}
        self.n = 0
        self.t = 0.0
        self.pending: list[tuple[str, Any]] = []  # receipts recorded after their shipment
        self.born: dict[tuple[str, str], int] = {}  # creation order: every edge runs from older to newer

    def _id(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}{self.n}"

    def _kg(self, lo: int = 50, hi: int = 2000) -> Decimal:
        return Decimal(self.rng.randint(lo * 1000, hi * 1000)) / 1000

    def _record(self, who: str, event: Any) -> None:
        service.record_events(self.tw.world.uow, self.tw.actor[who], self.tw.org[who], [event])
        for x in event.inputs:
            left = self.stock[who][x.lot] - x.kg()
            if left:
                self.stock[who][x.lot] = left
            else:
                del self.stock[who][x.lot]
        for x in event.outputs:
            if (who, x.lot) not in self.born:
                self.born[who, x.lot] = len(self.born)
                self.lots[who].append(x.lot)
            self.stock[who][x.lot] = self.stock[who].get(x.lot, Decimal(0)) + x.kg()

    def step(self) -> None:
        self.t += 0.01
        who = self.rng.choice(ORGS)
        held = sorted(self.stock[who])
        roll = self.rng.random()
        if self.pending and roll < 0.15:
            to, receipt = self.pending.pop(0)
            self._record(to, dataclasses.replace(receipt, time=T0 + dt.timedelta(days=self.t)))
        elif not held or roll < 0.3:
            lot = self._id(f"{who}-col-")
            self._record(
                who,
                self.tw.event("collect", who, self._id("e"), day=self.t, outputs=(line(lot, self._kg()),)),
            )
        elif roll < 0.75:
            ins = self.rng.sample(held, min(len(held), self.rng.randint(1, 3)))
            taken = [
                (
                    lot,
                    self.stock[who][lot]
                    if self.rng.random() < 0.5
                    else (self.stock[who][lot] / 2).quantize(Decimal("0.001")),
                )
                for lot in ins
            ]
            total = sum(kg for _, kg in taken)
            outs, left = [], total * Decimal("0.9")
            for _ in range(self.rng.randint(1, 3)):
                newest = max(self.born[who, x] for x in ins)  # an older output lot would close a cycle
                existing = [
                    x for x in self.lots[who] if self.born[who, x] > newest and x not in [o for o, _ in outs]
                ]
                lot = (
                    self.rng.choice(existing)
                    if existing and self.rng.random() < 0.2
                    else self._id(f"{who}-lot-")
                )
                kg = (left * Decimal(self.rng.randint(20, 60)) / 100).quantize(Decimal("0.001"))
                if kg > 0:
                    outs.append((lot, kg))
                    left -= kg
            kind = self.rng.choice(["sort", "recycle", "produce", "remanufacture"])
            event = self.tw.event(
                kind,
                who,
                self._id("e"),
                day=self.t,
                inputs=tuple(line(lot, kg) for lot, kg in taken),
                outputs=tuple(line(lot, kg) for lot, kg in outs),
                declared_yield=Decimal("0.95"),
            )
            self._record(who, event)
        else:
            to = self.rng.choice([o for o in ORGS if o != who])
            lots = self.rng.sample(held, min(len(held), self.rng.randint(1, 2)))
            shipped = [(lot, self.stock[who][lot]) for lot in lots]
            ref = self._id("ref-")
            ship = self.tw.event(
                "ship",
                who,
                self._id("e"),
                day=self.t,
                inputs=tuple(line(lot, kg) for lot, kg in shipped),
                shipment_ref=ref,
                counterparty=to,
            )
            if self.rng.random() < 0.5 and len(shipped) == 1:
                outs = tuple(line(f"{who}>{to}:{lot}", kg) for lot, kg in shipped)  # new lot ids: split edges
            else:
                outs = tuple(line(f"{who}:{lot}", kg) for lot, kg in shipped)
            if self.rng.random() < 0.3:
                outs = tuple(line(f"{who}>{to}:{self._id('r')}", sum(kg for _, kg in shipped)) for _ in (0,))
            receipt = self.tw.event(
                "receive", to, self._id("e"), day=self.t, outputs=outs, shipment_ref=ref, counterparty=who
            )
            if self.rng.random() < 0.3:  # the receipt first: the shipment's transaction links the trade
                self._record(to, receipt)
                self._record(who, ship)
            else:
                self._record(who, ship)
                if self.rng.random() < 0.7:
                    self._record(to, receipt)
                else:
                    self.pending.append((to, receipt))

    def compare(self, k: int) -> int:
        """Compare new and old answers for ``k`` random lots, both directions; returns the largest cone."""
        tw, biggest = self.tw, 0
        owned = [(o, lot) for o in ORGS for lot in self.lots[o]]
        for who, lot in self.rng.sample(owned, min(k, len(owned))):
            for direction in ("upstream", "downstream"):
                args = (tw.world.uow, tw.actor[who], tw.org[who], lot)
                new = service.provenance(*args, direction=direction)
                assert_same(new, old_provenance(*args, direction=direction))
                biggest = max(biggest, len(new["nodes"]))
        return biggest


@pytest.mark.parametrize("seed", [1, 2])
def test_index_answers_as_the_recursive_query_while_the_graph_grows(engine: Engine, seed: int) -> None:
    w = RandomWorld(engine, seed)
    index = edge_index(engine)
    assert index is not None
    biggest = 0
    for round_ in range(5):
        for _ in range(40):
            w.step()
        biggest = max(biggest, w.compare(12))
        if round_ == 0:
            built = index.rebuilds
    assert biggest > 10  # the cones cross lots and organisations, not just the root
    assert index.rebuilds == built  # later rounds extended the index, they did not rebuild it
    with engine.connect() as c:
        edges = c.execute(select(trace_edges.c.id)).all()
    assert index.graph(engine).edges == len(edges)


def test_index_rebuilds_after_edges_are_deleted(engine: Engine) -> None:
    w = RandomWorld(engine, 3)
    for _ in range(80):
        w.step()
    w.compare(5)
    index = edge_index(engine)
    assert index is not None
    before = index.rebuilds
    with engine.begin() as c:  # not something the platform does: an operator deleting rows by hand
        ids = [r[0] for r in c.execute(select(trace_edges.c.id).order_by(trace_edges.c.id))]
        c.execute(delete(trace_edges).where(trace_edges.c.id.in_(ids[::3])))
    w.compare(10)
    assert index.rebuilds == before + 1


def test_edges_committed_out_of_id_order_are_not_missed(engine: Engine) -> None:
    """PostgreSQL draws ids when a row is inserted, so a transaction holding id k can commit after id k+1
    was read; the index must still pick up k (and give up ids whose transaction rolled back)."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: its ids commit in order")
    w = RandomWorld(engine, 4)
    for _ in range(60):
        w.step()
    index = edge_index(engine)
    assert index is not None
    who = w.rng.choice([o for o in ORGS if w.lots[o]])
    z = w.lots[who][-1]
    w._record(who, w.tw.event("collect", who, "src-e1", day=9, outputs=(line("src-1", 10),)))
    w._record(who, w.tw.event("collect", who, "src-e2", day=9, outputs=(line("src-2", 10),)))
    with engine.connect() as c:
        t = trace_lots.c
        ids = dict(c.execute(select(t.key, t.id).where(t.org_id == w.tw.org[who])).all())
        event = c.execute(select(trace_events.c.id)).first()[0]

    def edge(parent: str, child: str) -> dict[str, Any]:
        return {
            "parent_lot_id": ids[parent],
            "child_lot_id": ids[child],
            "kg": Decimal("12.5"),
            "event_id": event,
        }

    args = (w.tw.world.uow, w.tw.actor[who], w.tw.org[who], z)
    service.provenance(*args)  # the index is current
    with engine.connect() as slow, engine.connect() as doomed:  # closed (rolled back) on any failure
        slow_tx = slow.begin()
        slow.execute(text("SELECT txid_current()"))  # like record_in_tx: it has written before the edges
        slow.execute(insert(trace_edges), [edge("src-1", z)])  # draws id k, stays uncommitted
        doomed.begin()
        doomed.execute(text("SELECT txid_current()"))
        doomed.execute(insert(trace_edges), [edge("src-2", z)])  # draws k+1, will roll back
        with engine.begin() as c:
            c.execute(insert(trace_edges), [edge("src-2", "src-1")])  # k+2, committed
        first = service.provenance(*args)
        assert_same(first, old_provenance(*args))
        assert index._holes.size == 2
        slow_tx.commit()
    second = service.provenance(*args)
    assert_same(second, old_provenance(*args))
    # the late edge src-1 -> z is in, and through it src-2 -> src-1; the rolled-back src-2 -> z is not
    assert len(second["nodes"]) == len(first["nodes"]) + 2
    assert len(second["edges"]) == len(first["edges"]) + 2
    assert index._holes.size == 0  # both transactions ended: nothing left to wait for
    rebuilt = index.rebuilds
    service.provenance(*args)
    assert index.rebuilds == rebuilt


def test_a_trace_waits_for_nothing_when_nothing_changed(engine: Engine) -> None:
    w = RandomWorld(engine, 5)
    for _ in range(30):
        w.step()
    w.compare(3)
    index = edge_index(engine)
    assert index is not None
    g = index.graph(engine)
    assert index.graph(engine) is g  # no new rows: the same snapshot, nothing rebuilt


def test_traces_in_threads_while_events_are_recorded(engine: Engine) -> None:
    """Readers share the index while a writer records events; afterwards every answer is the oracle's."""
    w = RandomWorld(engine, 6)
    for _ in range(40):
        w.step()
    owned = [(o, lot) for o in ORGS for lot in w.lots[o]]
    errors: list[BaseException] = []
    stop = threading.Event()

    def read(seed: int) -> None:
        rng = random.Random(seed)
        try:
            while not stop.is_set():
                who, lot = rng.choice(owned)
                service.provenance(UnitOfWork(engine), w.tw.actor[who], w.tw.org[who], lot)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    readers = [threading.Thread(target=read, args=(k,)) for k in range(3)]
    for t in readers:
        t.start()
    try:
        for _ in range(60):
            w.step()
    finally:
        stop.set()
        for t in readers:
            t.join()
    assert not errors, errors
    w.compare(15)
