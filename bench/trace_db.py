"""Benchmarks of the trace context against the database (SQLite and PostgreSQL), with same-run baselines:

* provenance: ``service.provenance`` upstream from leaf lots of a 10-tier lot graph stored in ``trace_edges``
  (one recursive query + the numpy trace), p50/p99, against the bare recursive query (no shares) and the
  in-memory ``upstream`` on the same cone;
* ledger verification: ``service.verify_ledger`` over N stored links (streamed in chunks), against reading
  the same rows and hashing them with raw SHA-256 (the least any verifier must do).

    .venv/bin/python bench/trace_db.py [--lots 100000] [--links 200000] [--queries 100] [--skip-pg]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sqlalchemy import Engine, insert, select, text

sys.path.insert(0, str(Path(__file__).parent))
from junkan.store.tables.trace import trace_edges, trace_events, trace_ledger, trace_ledger_heads, trace_lots
from junkan.store.trace_repo import TraceRepo
from junkan.store.uow import UnitOfWork
from junkan.trace import service
from junkan.trace.ledger import chain_record
from junkan.trace.provenance import LotGraph, upstream
from trace_ingest import Db, setup

T0 = dt.datetime(2025, 4, 1, tzinfo=dt.UTC)


def pct(xs: list[float], q: float) -> float:
    return float(np.percentile(xs, q))


def analyze(engine: Engine) -> None:
    """Planner statistics, as autovacuum (PostgreSQL) or a periodic ANALYZE (SQLite) keep them in service."""
    with engine.begin() as c:
        c.execute(text("ANALYZE"))


def build_graph(
    engine: Engine, org: int, site: int, n: int, tiers: int, rng: np.random.Generator
) -> list[str]:
    per = n // tiers
    with engine.begin() as c:
        eid = c.execute(
            insert(trace_events)
            .values(
                org_id=org,
                client_id="graph",
                kind="sort",
                time=T0,
                site_id=site,
                payload={},
                fingerprint="x",
                seq=0,
                recorded_at=T0,
            )
            .returning(trace_events.c.id)
        ).scalar_one()
        for start in range(0, n, 20_000):
            c.execute(
                insert(trace_lots),
                [
                    {
                        "org_id": org,
                        "key": f"T{i // per}-{i}",
                        "material": "PET",
                        "grade": "",
                        "site_id": site,
                        "created_kg": 1000,
                        "source_kind": "collect"
                        if i < per and i % 3 == 0
                        else ("receive" if i < per else "sort"),
                        "created_at": T0,
                        "last_time": T0,
                    }
                    for i in range(start, min(n, start + 20_000))
                ],
            )
        first = c.execute(
            select(trace_lots.c.id).where(trace_lots.c.org_id == org).order_by(trace_lots.c.id).limit(1)
        ).scalar_one()
        edges = []
        for t in range(1, tiers):
            child = np.arange(t * per, (t + 1) * per)
            k = rng.integers(1, 5, size=per)
            ch = np.repeat(child, k)
            par = rng.integers((t - 1) * per, t * per, size=ch.size)
            edges.append(np.stack([par, ch]).T)
        pairs = np.concatenate(edges)
        kg = rng.uniform(10, 1000, size=len(pairs))
        for start in range(0, len(pairs), 20_000):
            c.execute(
                insert(trace_edges),
                [
                    {
                        "parent_lot_id": int(p) + first,
                        "child_lot_id": int(q) + first,
                        "kg": round(float(w), 3),
                        "event_id": eid,
                    }
                    for (p, q), w in zip(
                        pairs[start : start + 20_000], kg[start : start + 20_000], strict=True
                    )
                ],
            )
    analyze(engine)
    print(f"  graph: {n:,} lots in {tiers} tiers, {len(pairs):,} edges")
    return [f"T{tiers - 1}-{i}" for i in rng.integers((tiers - 1) * per, n, size=200)]


def bench_provenance(engine: Engine, n: int, queries: int) -> None:
    actor, org, site = setup(engine)
    rng = np.random.default_rng(7)
    leaves = build_graph(engine, org, site, n, 10, rng)[:queries]
    uow = UnitOfWork(engine)
    ours, bare, mem, cone = [], [], [], []
    for key in leaves:
        t0 = time.perf_counter()
        out = service.provenance(uow, actor, org, key)
        ours.append((time.perf_counter() - t0) * 1000)
        cone.append(len(out["nodes"]))
        with uow:
            repo = TraceRepo(uow.conn)
            root = repo.lots_by_key(org, [key])[key].id
            t0 = time.perf_counter()
            p, c, w = repo.cone_edges(root, upstream=True)
            bare.append((time.perf_counter() - t0) * 1000)
        nodes = np.unique(np.concatenate([p, c, [root]]))
        g = LotGraph.from_edges(len(nodes), np.searchsorted(nodes, p), np.searchsorted(nodes, c), w)
        t0 = time.perf_counter()
        upstream(g, int(np.searchsorted(nodes, root)))
        mem.append((time.perf_counter() - t0) * 1000)
    print(f"  upstream cone: median {statistics.median(cone):,.0f} lots")
    for name, xs in (
        ("service.provenance (DB + shares)", ours),
        ("recursive query only", bare),
        ("in-memory upstream only", mem),
    ):
        print(f"  {name:34s} p50 {pct(xs, 50):8.2f} ms   p99 {pct(xs, 99):8.2f} ms")
    print(
        f"  ratio p50 provenance / bare query: {pct(ours, 50) / pct(bare, 50):.2f}x   goal p99 < 100 ms: "
        f"{'met' if pct(ours, 99) < 100 else 'NOT met'}"
    )


def bench_ledger(engine: Engine, n: int, repeat: int) -> None:
    actor, org, _ = setup(engine)
    prev = None
    rows = []
    for seq in range(1, n + 1):
        payload = {
            "type": "junkan.trace.event",
            "event": {
                "id": f"e{seq}",
                "kind": "collect",
                "time": "2025-04-01T00:00:00Z",
                "outputs": [
                    {"lot": f"L{seq}", "material": "PET", "quantity": str(1000 + seq % 97), "unit": "kg"}
                ],
            },
            "fingerprint": "0" * 64,
        }
        prev = chain_record(prev, seq, payload)
        rows.append(
            {
                "org_id": org,
                "seq": seq,
                "prev_hash": prev.prev_hash,
                "hash": prev.hash,
                "canonical": prev.canonical,
                "event_id": None,
                "recorded_at": T0,
            }
        )
    with engine.begin() as c:
        for start in range(0, n, 20_000):
            c.execute(insert(trace_ledger), rows[start : start + 20_000])
        c.execute(insert(trace_ledger_heads).values(org_id=org, seq=prev.seq, hash=prev.hash))
    analyze(engine)
    size = sum(len(r["canonical"]) for r in rows)
    del rows
    uow = UnitOfWork(engine)
    ours, base = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        v = service.verify_ledger(uow, actor, org)
        ours.append(time.perf_counter() - t0)
        assert v["ok"] and v["verified"] == n, v
        t0 = time.perf_counter()
        with engine.connect() as c:
            sha = hashlib.sha256
            for (blob,) in c.execute(
                select(trace_ledger.c.canonical)
                .where(trace_ledger.c.org_id == org)
                .order_by(trace_ledger.c.seq)
            ):
                sha(blob).digest()
        base.append(time.perf_counter() - t0)
    o, b = statistics.median(ours), statistics.median(base)
    print(f"  ledger: {n:,} links, {size / 1e6:.1f} MB canonical bytes")
    print(f"  service.verify_ledger (chunks, chain) median {o:7.2f} s  {n / o:10,.0f} links/s")
    print(f"  SELECT + raw SHA-256 of the same rows median {b:7.2f} s  {n / b:10,.0f} links/s")
    print(f"  ratio verify / raw: {o / b:.2f}x")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lots", type=int, default=100_000)
    ap.add_argument("--links", type=int, default=200_000)
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-pg", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        for kind in ("sqlite",) + (() if args.skip_pg else ("postgresql",)):
            print(f"[{kind}] provenance")
            with Db(kind, Path(d)) as e:
                bench_provenance(e, args.lots, args.queries)
            print(f"[{kind}] ledger verification")
            with Db(kind, Path(d)) as e:
                bench_ledger(e, args.links, args.repeat)


if __name__ == "__main__":
    main()
