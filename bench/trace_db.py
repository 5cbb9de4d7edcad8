"""Benchmarks of the trace context against the database (SQLite and PostgreSQL), with same-run baselines:

* provenance: ``service.provenance`` upstream from leaf lots of a 10-tier lot graph stored in ``trace_edges``
  (the engine's in-memory edge index, refreshed per trace, + the cone's lots + the numpy trace), p50/p99,
  against the bare recursive query of the same cone's edges (no lots, no shares), the index refresh alone
  and the in-memory ``upstream`` on the same cone; the graph is bulk-inserted with raw SQL (COPY);
* ledger verification: ``service.verify_ledger`` over N stored links (streamed in chunks), against reading
  the same rows and hashing them with raw SHA-256 (the least any verifier must do).

    .venv/bin/python bench/trace_db.py [--lots 1000000] [--links 200000] [--queries 100] [--skip-pg]
        [--only provenance|ledger]
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
from sqlalchemy import Engine, func, insert, select, text

sys.path.insert(0, str(Path(__file__).parent))
from junkan.store.tables.trace import trace_events, trace_ledger, trace_ledger_heads, trace_lots
from junkan.store.trace_graph import edge_index
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


def _bulk(engine: Engine, table: str, columns: tuple[str, ...], rows: list[tuple[object, ...]]) -> None:
    """Setup only: raw bulk insert (COPY on PostgreSQL, one executemany on SQLite), no ORM, no checks."""
    with engine.begin() as c:
        raw = c.connection.driver_connection
        assert raw is not None
        if engine.dialect.name == "postgresql":
            with raw.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            raw.cursor().executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def build_graph(
    engine: Engine, org: int, site: int, n: int, tiers: int, rng: np.random.Generator
) -> list[str]:
    """``n`` lots in ``tiers`` tiers, each lot of tiers 1.. with 1–4 parents in the tier above; returns the
    keys of 200 random leaves."""
    t0 = time.perf_counter()
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
        first = 1 + int(c.execute(select(func.coalesce(func.max(trace_lots.c.id), 0))).scalar_one())
    pg = engine.dialect.name == "postgresql"
    at = T0 if pg else T0.strftime("%Y-%m-%d %H:%M:%S.%f")
    kinds = np.where(np.arange(n) < per, np.where(np.arange(n) % 3 == 0, "collect", "receive"), "sort")
    lots = [
        (first + i, org, f"T{i // per}-{i}", "PET", "", site, 1000, kind, at, at)
        for i, kind in enumerate(kinds.tolist())
    ]
    cols = ("id", "org_id", "key", "material", "grade", "site_id", "created_kg", "source_kind")
    _bulk(engine, "trace_lots", (*cols, "created_at", "last_time"), lots)
    del lots
    edges = []
    for t in range(1, tiers):
        child = np.arange(t * per, (t + 1) * per)
        k = rng.integers(1, 5, size=per)
        ch = np.repeat(child, k)
        par = rng.integers((t - 1) * per, t * per, size=ch.size)
        edges.append(np.stack([par, ch]).T)
    pairs = np.concatenate(edges) + first
    kg = np.round(rng.uniform(10, 1000, size=len(pairs)), 3)
    rows = [(int(p), int(q), float(w), eid) for (p, q), w in zip(pairs, kg, strict=True)]
    _bulk(engine, "trace_edges", ("parent_lot_id", "child_lot_id", "kg", "event_id"), rows)
    if pg:  # the identity column was bypassed above
        with engine.begin() as c:
            c.execute(text("SELECT setval('trace_lots_id_seq', (SELECT max(id) FROM trace_lots))"))
    analyze(engine)
    took = time.perf_counter() - t0
    print(f"  graph: {n:,} lots in {tiers} tiers, {len(pairs):,} edges (bulk insert {took:.0f} s)")
    return [f"T{tiers - 1}-{i}" for i in rng.integers((tiers - 1) * per, n, size=200)]


def bench_provenance(engine: Engine, n: int, queries: int) -> None:
    actor, org, site = setup(engine)
    rng = np.random.default_rng(7)
    leaves = build_graph(engine, org, site, n, 10, rng)[:queries]
    uow = UnitOfWork(engine)
    index = edge_index(engine)
    assert index is not None
    t0 = time.perf_counter()
    index.graph(engine)
    print(f"  index build (first trace after start): {time.perf_counter() - t0:.2f} s")
    ours, bare, mem, cone, refresh = [], [], [], [], []
    for key in leaves:
        t0 = time.perf_counter()
        out = service.provenance(uow, actor, org, key)
        ours.append((time.perf_counter() - t0) * 1000)
        cone.append(len(out["nodes"]))
        t0 = time.perf_counter()
        index.graph(engine)
        refresh.append((time.perf_counter() - t0) * 1000)
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
    print(f"  upstream cone: median {statistics.median(cone):,.0f} lots, p99 {pct(cone, 99):,.0f}")
    for name, xs in (
        ("service.provenance (index + shares)", ours),
        ("recursive query only (no lots)", bare),
        ("index refresh, nothing new", refresh),
        ("in-memory upstream only", mem),
    ):
        print(f"  {name:36s} p50 {pct(xs, 50):8.2f} ms   p99 {pct(xs, 99):8.2f} ms")
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
    ap.add_argument("--lots", type=int, default=1_000_000)
    ap.add_argument("--links", type=int, default=200_000)
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-pg", action="store_true")
    ap.add_argument("--only", choices=("provenance", "ledger"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        for kind in ("sqlite",) + (() if args.skip_pg else ("postgresql",)):
            if args.only != "ledger":
                print(f"[{kind}] provenance")
                with Db(kind, Path(d)) as e:
                    bench_provenance(e, args.lots, args.queries)
            if args.only != "provenance":
                print(f"[{kind}] ledger verification")
                with Db(kind, Path(d)) as e:
                    bench_ledger(e, args.links, args.repeat)


if __name__ == "__main__":
    main()
