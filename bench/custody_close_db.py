"""Benchmark: closing one allocation period of 1,000 mass-balance accounts stored in the database, against a
hand-written SQL ``GROUP BY`` baseline, on SQLite and PostgreSQL.

``custody.service.close_all`` checks that no account has an earlier open period, sums the period's entries
per account and kind in SQL, closes the balances with ``period_close.close_accounts`` (numpy, refusing the
batch if any would go negative) and writes 1,000 close rows + the accounts' closed-until dates + an audit
row. The baseline only reads: ``SELECT account_id, SUM(signed grams) … GROUP BY account_id`` and adds the
openings in Python — the least a close must do. Goal (issue 4): the full close in < 3 s for 1,000 accounts.

    .venv/bin/python bench/custody_close_db.py [--accounts 1000] [--entries 200000] [--repeat 5] [--skip-pg]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sqlalchemy import Engine, case, delete, func, insert, select, update

sys.path.insert(0, str(Path(__file__).parent))
from junkan.custody import service as custody
from junkan.members import service as members
from junkan.members.model import Facility, FacilityKind
from junkan.store.tables.custody import custody_accounts, custody_closes, custody_entries
from junkan.store.uow import UnitOfWork
from trace_ingest import Db, setup

Q1 = dt.date(2025, 4, 1)
T = dt.datetime(2025, 5, 1, tzinfo=dt.UTC)


def fill(engine: Engine, n_accounts: int, n_entries: int) -> tuple[object, int]:
    actor, org, _ = setup(engine)
    uow = UnitOfWork(engine)
    sites = [
        members.add_facility(uow, actor, Facility(None, org, f"site {i}", FacilityKind.FACTORY))
        for i in range(10)
    ]
    rng = np.random.default_rng(2025)
    with engine.begin() as c:
        c.execute(
            insert(custody_accounts),
            [
                {
                    "org_id": org,
                    "site_id": sites[i % 10],
                    "material_group": f"M{i // 10}",
                    "characteristic": "recycled_post_consumer",
                    "balance_g": 0,
                }
                for i in range(n_accounts)
            ],
        )
        ids = [r[0] for r in c.execute(select(custody_accounts.c.id).order_by(custody_accounts.c.id))]
        acc = rng.integers(0, n_accounts, size=n_entries)
        kind = rng.choice([0, 1, 2, 3], size=n_entries, p=[0.5, 0.2, 0.2, 0.1])
        grams = rng.integers(1, 5_000, size=n_entries) * np.where((kind == 0) | (kind == 2), 1000, 1)
        for start in range(0, n_entries, 20_000):
            c.execute(
                insert(custody_entries),
                [
                    {
                        "account_id": ids[a],
                        "org_id": org,
                        "entry_key": f"{org}:e{start + j}",
                        "kind": int(k),
                        "grams": int(g),
                        "time": T,
                        "period_start": Q1,
                        "period_end": dt.date(2025, 7, 1),
                        "event_ids": [],
                        "credits": [],
                        "lots": [],
                        "note": "",
                        "request": "bench",
                    }
                    for j, (a, k, g) in enumerate(
                        zip(
                            acc[start : start + 20_000],
                            kind[start : start + 20_000],
                            grams[start : start + 20_000],
                            strict=True,
                        )
                    )
                ],
            )
    return actor, org


def reset(engine: Engine) -> None:
    with engine.begin() as c:
        c.execute(delete(custody_closes))
        c.execute(update(custody_accounts).values(closed_until=None))


def baseline(engine: Engine) -> dict[int, int]:
    e = custody_entries.c
    signed = case((e.kind.in_([0, 2]), e.grams), else_=-e.grams)
    with engine.connect() as c:
        rows = c.execute(
            select(e.account_id, func.sum(signed)).where(e.period_start == Q1).group_by(e.account_id)
        ).all()
    opening: dict[int, int] = {}
    return {a: opening.get(a, 0) + int(s) for a, s in rows}


def bench(kind: str, n_accounts: int, n_entries: int, repeat: int, tmp: Path) -> None:
    with Db(kind, tmp) as engine:
        actor, org = fill(engine, n_accounts, n_entries)
        uow = UnitOfWork(engine)
        ours, base = [], []
        for _ in range(repeat):
            reset(engine)
            t0 = time.perf_counter()
            out = custody.close_all(uow, actor, org, Q1)  # type: ignore[arg-type]
            ours.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            ref = baseline(engine)
            base.append(time.perf_counter() - t0)
        got = {
            a["account_id"]: int(__import__("decimal").Decimal(a["closing_kg"]) * 1000)
            for a in out["accounts"]
        }
        assert all(got[a] == g for a, g in ref.items()), "closing balances differ from the SQL baseline"
    o, b = statistics.median(ours), statistics.median(base)
    print(f"[{kind}] {n_accounts:,} accounts, {n_entries:,} entries in the period")
    print(f"  close_all (check, GROUP BY, numpy close, write closes) median {o * 1000:8.1f} ms")
    print(f"  hand-written SQL GROUP BY (read only)                  median {b * 1000:8.1f} ms")
    print(f"  ratio close_all / GROUP BY: {o / b:.2f}x   goal < 3 s: {'met' if o < 3 else 'NOT met'}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=1000)
    ap.add_argument("--entries", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--skip-pg", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        for kind in ("sqlite",) + (() if args.skip_pg else ("postgresql",)):
            bench(kind, args.accounts, args.entries, args.repeat, Path(d))


if __name__ == "__main__":
    main()
