"""Benchmark: ingesting traceability events vs a raw INSERT of the same rows, on SQLite and PostgreSQL.

For each database:

1. ``import``: ``junkan.trace.service.import_events`` streams a CSV of N events (2/3 collections, 1/3 sorts
   with three lot lines), validates every row, then applies batches of 1,000 events: conservation checks
   against stored stock, lots, lines, stock, provenance edges, the hash-chained ledger and its head;
2. ``record``: the same events as ``Event`` values through ``record_in_tx`` (no file parsing);
3. ``raw``: the rows both produced (events, lines, lots, stock, edges, ledger, head), dumped and inserted
   into an empty database with one ``executemany`` per table and batch — no checks, no hashing.

Prints medians of ``--repeat`` runs, the ratio raw/ours (goal ≥ 0.5) and the growth of peak RSS during the
import, which stays flat as N grows (streaming, constant memory).

    .venv/bin/python bench/trace_ingest.py [--events 100000] [--repeat 3] [--skip-pg]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import resource
import secrets
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine, create_engine, insert, select, text

from junkan.actor import Actor
from junkan.members import service as members
from junkan.members.model import Facility, FacilityKind, Organisation, OrgKind
from junkan.store import tables  # noqa: F401
from junkan.store.engine import make_engine
from junkan.store.migrate import upgrade
from junkan.store.tables.trace import (
    trace_edges,
    trace_event_lines,
    trace_events,
    trace_ledger,
    trace_ledger_heads,
    trace_lots,
    trace_stock,
)
from junkan.store.trace_repo import TraceRepo
from junkan.store.uow import UnitOfWork
from junkan.trace import service
from junkan.trace.model import Event, EventKind, LotLine
from junkan.trace.tabular import csv_lines
from junkan.trace.units import Quantity

PG_ADMIN = os.environ.get("JUNKAN_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
T0 = dt.datetime(2025, 4, 1, tzinfo=dt.UTC)
TABLES = (
    trace_lots,
    trace_events,
    trace_event_lines,
    trace_stock,
    trace_edges,
    trace_ledger,
    trace_ledger_heads,
)


def events(n: int, org: int, site: int):
    """2/3 collections and 1/3 sorts of the previous collection (3 lot lines), in time order."""
    for i in range(n):
        t = T0 + dt.timedelta(seconds=i)
        if i % 3 == 2:
            src = f"L{i - 1}"
            yield Event(
                f"e{i}",
                EventKind.SORT,
                t,
                str(site),
                str(org),
                inputs=(LotLine(src, "PET", Quantity(Decimal(1000 + (i - 1) % 97), "kg")),),
                outputs=(
                    LotLine(f"B{i}", "PET", Quantity(Decimal(900), "kg")),
                    LotLine(f"R{i}", "mixed waste", Quantity(Decimal(60), "kg")),
                ),
                declared_yield=Decimal("0.98"),
            )
        else:
            yield Event(
                f"e{i}",
                EventKind.COLLECT,
                t,
                str(site),
                str(org),
                outputs=(LotLine(f"L{i}", "PET", Quantity(Decimal(1000 + i % 97), "kg")),),
            )


class Db:
    """A fresh migrated database per run: a SQLite file, or a new PostgreSQL database."""

    def __init__(self, kind: str, tmp: Path) -> None:
        self.kind, self.tmp, self.name = kind, tmp, f"junkan_bench_{os.getpid()}_{secrets.token_hex(3)}"

    def __enter__(self) -> Engine:
        if self.kind == "sqlite":
            self.path = self.tmp / f"{self.name}.db"
            self.engine = make_engine(f"sqlite:///{self.path}")
        else:
            self.admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
            with self.admin.connect() as c:
                c.execute(text(f'CREATE DATABASE "{self.name}"'))
            self.engine = make_engine(PG_ADMIN.rsplit("/", 1)[0] + f"/{self.name}")
        upgrade(self.engine)
        return self.engine

    def __exit__(self, *exc: object) -> None:
        self.engine.dispose()
        if self.kind == "sqlite":
            for p in self.tmp.glob(f"{self.name}.db*"):
                p.unlink()
        else:
            with self.admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
            self.admin.dispose()


def setup(engine: Engine) -> tuple[Actor, int, int]:
    uow, system = UnitOfWork(engine), Actor.system("bench")
    org = members.register_org(uow, system, Organisation(None, "ベンチ", "Bench", OrgKind.ASSOCIATION))
    site = members.add_facility(uow, system, Facility(None, org, "plant", FacilityKind.SORTING_PLANT))
    return system, org, site


def ours_import(engine: Engine, csv_path: Path, n: int) -> tuple[float, float]:
    actor, org, _ = setup(engine)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    report = service.import_events(
        UnitOfWork(engine), actor, org, lambda: csv_path.open("rb"), fmt="csv", batch_size=1000
    )
    took = time.perf_counter() - t0
    assert report.status == "done" and report.applied == n, report
    return took, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024


def ours_record(engine: Engine, n: int) -> float:
    actor, org, site = setup(engine)
    uow = UnitOfWork(engine)
    it = events(n, org, site)
    t0 = time.perf_counter()
    k = 0
    while batch := [e for _, e in zip(range(1000), it, strict=False)]:
        with uow:
            service.record_in_tx(uow.conn, actor, org, batch)
            uow.commit()
            k += 1
            if k in (1, 4) or k % 50 == 0:  # as import_events does: statistics after bulk batches
                TraceRepo(uow.conn).analyze()
                uow.commit()
    return time.perf_counter() - t0


def dump(engine: Engine) -> dict[str, list[dict[str, object]]]:
    with engine.connect() as c:
        return {
            t.name: [dict(r._mapping) for r in c.execute(select(t).order_by(*t.primary_key.columns))]
            for t in TABLES
        }


def batches(
    rows: dict[str, list[dict[str, object]]], size: int = 1000
) -> list[dict[str, list[dict[str, object]]]]:
    """The dumped rows grouped into the transactions our ingest used: each row goes with its event's batch
    (a lot with the batch of the event that created it); final stock and the ledger head with the last."""
    order = {r["id"]: k // size for k, r in enumerate(rows["trace_events"])}
    first_out: dict[object, int] = {}
    for line in rows["trace_event_lines"]:
        b = order[line["event_id"]]
        if first_out.get(line["lot_id"], b + 1) > b:
            first_out[line["lot_id"]] = b
    last = max(order.values())
    out: list[dict[str, list[dict[str, object]]]] = [{t.name: [] for t in TABLES} for _ in range(last + 1)]
    for t in TABLES:
        for r in rows[t.name]:
            if t is trace_lots:
                b = first_out[r["id"]]
            elif t in (trace_stock, trace_ledger_heads):
                b = last
            else:
                b = order[r["event_id"] if "event_id" in r else r["id"]]
            out[b][t.name].append(r)
    return out


def raw(engine: Engine, groups: list[dict[str, list[dict[str, object]]]]) -> float:
    setup(engine)
    t0 = time.perf_counter()
    for group in groups:
        with engine.begin() as c:
            for t in TABLES:
                if group[t.name]:
                    c.execute(insert(t), group[t.name])
    return time.perf_counter() - t0


def bench(kind: str, n: int, repeat: int, tmp: Path, csv_path: Path) -> None:
    imp, rec, base, mem = [], [], [], []
    rows = None
    for _ in range(repeat):
        with Db(kind, tmp) as e:
            took, grew = ours_import(e, csv_path, n)
            imp.append(took)
            mem.append(grew)
            if rows is None:
                rows = dump(e)
        with Db(kind, tmp) as e:
            rec.append(ours_record(e, n))
        with Db(kind, tmp) as e:
            assert rows is not None
            base.append(raw(e, batches(rows)))
    i, r, b = statistics.median(imp), statistics.median(rec), statistics.median(base)
    print(f"[{kind}] {n:,} events ({sum(len(v) for v in (rows or {}).values()):,} rows in 7 tables)")
    print(f"  import CSV (validate + apply)  median {i:8.2f} s  {n / i:9,.0f} events/s")
    print(f"  record_in_tx (Event values)    median {r:8.2f} s  {n / r:9,.0f} events/s")
    print(f"  raw INSERT of the same rows    median {b:8.2f} s  {n / b:9,.0f} events/s")
    print(f"  ratio raw/import {b / i:.2f}x   raw/record {b / r:.2f}x   (goal >= 0.5)")
    print(f"  peak RSS growth during import: {max(mem):.1f} MB")
    print(f"  extrapolated to 1,000,000 events: import ≈ {i * 1_000_000 / n / 60:.1f} min")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-pg", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        csv_path = tmp / "events.csv"
        with csv_path.open("w", encoding="utf-8", newline="") as f:
            for chunk in csv_lines(events(args.events, 1, 1)):
                f.write(chunk)
        print(f"CSV: {csv_path.stat().st_size / 1e6:.1f} MB")
        for kind in ("sqlite",) + (() if args.skip_pg else ("postgresql",)):
            bench(kind, args.events, args.repeat, tmp, csv_path)
    _ = io


if __name__ == "__main__":
    main()
