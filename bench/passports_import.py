"""Benchmark: bulk import of 100,000 passports from CSV against a raw insert of the same rows.

The import (``junkan.passports.service.files.import_file``) reads the CSV, checks every row (GTIN, CAS,
shares, units…), checks ids and component references against the database, then stores every passport in
one transaction with one ``executemany`` per table, plus one audit row. The baseline, measured in the same
run on a fresh copy of the same empty database, is the floor any import must pay: one ``executemany``
``INSERT`` of the very rows the import stores (documents already built, digests already computed) and a
commit. ``ratio`` = baseline / import (1.0 = as fast as the raw insert; the goal is ≥ 0.5).

Run: ``.venv/bin/python bench/passports_import.py [--n 100000] [--runs 3] [--pg]``
(``--pg`` also runs against a scratch PostgreSQL database on 127.0.0.1:5432.)
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import secrets
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, func, insert, select, text

from junkan.actor import Actor
from junkan.members import service as members
from junkan.members.model import Organisation, OrgKind
from junkan.passports import tabular
from junkan.passports.codec import passport_to_dict
from junkan.passports.identifiers import gtin_check_digit
from junkan.passports.service import files as service_files
from junkan.store.engine import make_engine
from junkan.store.migrate import upgrade
from junkan.store.passports_repo import row_values
from junkan.store.tables.passports import passports
from junkan.store.uow import UnitOfWork

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
CLASSES = ("PP", "PET", "steel", "ABS", "copper")


def make_csv(n: int) -> bytes:
    """``n`` passports, one material row each (every tenth has a second material row)."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow([c[0] for c in tabular.COLUMNS])
    keys = [c[0] for c in tabular.COLUMNS]
    for i in range(n):
        body = f"0952{700_000_000 + i:09d}"
        row = {
            "passport_id": f"bench-{i:07d}",
            "kind": "product",
            "level": "model",
            "name_ja": f"部品 {i}",
            "name_en": f"Part {i}",
            "category_scheme": "hs",
            "category_code": "845090",
            "gtin": body + str(gtin_check_digit(body)),
            "country_of_production": "JP",
            "material_name": "housing",
            "material_class": CLASSES[i % len(CLASSES)],
            "cas": "9003-07-0",
            "mass": f"{1 + i % 97}.{i % 10}",
            "unit": "kg",
            "pre_consumer_pct": str(i % 7),
            "post_consumer_pct": str(i % 31),
        }
        w.writerow([row.get(k, "") for k in keys])
        if i % 10 == 0:
            extra = {"material_name": "screws", "material_class": "steel", "mass": "0.05", "unit": "kg"}
            w.writerow([row["passport_id"] if k == "passport_id" else extra.get(k, "") for k in keys])
    return out.getvalue().encode()


class Db:
    """A migrated database with one organisation, copied fresh for every measured run."""

    def __init__(self, pg: bool) -> None:
        self.pg = pg
        self.tmp = Path(tempfile.mkdtemp(prefix="junkan-bench-"))
        if pg:
            self.name = f"junkan_bench_{os.getpid()}_{secrets.token_hex(3)}"
            self.admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
            with self.admin.connect() as c:
                c.execute(text(f'CREATE DATABASE "{self.name}"'))
            self.url = PG_ADMIN.rsplit("/", 1)[0] + f"/{self.name}"
        else:
            self.url = f"sqlite:///{self.tmp / 'template.db'}"
        engine = make_engine(self.url)
        upgrade(engine)
        self.org_id = members.register_org(
            UnitOfWork(engine),
            Actor.system("bench"),
            Organisation(id=None, name_ja="ベンチ", name_en="Bench", kind=OrgKind.ASSOCIATION),
        )
        if not pg:
            with engine.connect() as c:
                c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()

    def fresh(self) -> Engine:
        if self.pg:
            engine = make_engine(self.url)
            with engine.begin() as c:
                c.execute(text("TRUNCATE passport_components, passports RESTART IDENTITY CASCADE"))
                c.execute(text("DELETE FROM audit_log WHERE action = 'passport.import'"))
            return engine
        path = self.tmp / f"run-{secrets.token_hex(4)}.db"
        shutil.copy(self.tmp / "template.db", path)
        return make_engine(f"sqlite:///{path}")

    def close(self) -> None:
        if self.pg:
            with self.admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
            self.admin.dispose()
        shutil.rmtree(self.tmp, ignore_errors=True)


def _timed(run: Callable[[Engine], None], db: Db, runs: int) -> float:
    times = []
    for _ in range(runs):
        engine = db.fresh()
        start = time.perf_counter()
        run(engine)
        times.append(time.perf_counter() - start)
        with engine.connect() as c:
            assert c.execute(select(func.count()).select_from(passports)).scalar_one() > 0
        engine.dispose()
    return statistics.median(times)


def bench(db: Db, content: bytes, n: int, runs: int) -> tuple[float, float]:
    actor = Actor.system("bench")
    drafts = [
        p
        for _, p, _ in tabular.iter_drafts(
            tabular.read_csv(content.decode().splitlines()), issuer=str(db.org_id)
        )
    ]
    assert len(drafts) == n and all(d is not None for d in drafts)
    stamp = actor.now.isoformat()
    rows: list[dict[str, Any]] = []
    for d in drafts:
        assert d is not None
        doc = passport_to_dict(d)
        doc["created_at"] = stamp
        rows.append(row_values(db.org_id, d, now=actor.now, document=doc))

    def raw(engine: Engine) -> None:
        with engine.begin() as conn:
            conn.execute(insert(passports), rows)

    def imported(engine: Engine) -> None:
        report = service_files.import_file(
            UnitOfWork(engine), actor, db.org_id, filename="bench.csv", content=content
        )
        assert report.imported == n

    return _timed(raw, db, runs), _timed(imported, db, runs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--pg", action="store_true")
    args = ap.parse_args()
    content = make_csv(args.n)
    print(f"file: {args.n} passports, {len(content) / 1e6:.1f} MB CSV")
    for pg in (False, True) if args.pg else (False,):
        db = Db(pg)
        try:
            raw, imported = bench(db, content, args.n, args.runs)
        finally:
            db.close()
        name = "PostgreSQL" if pg else "SQLite"
        print(
            f"{name}: import median {imported:.2f} s ({args.n / imported:,.0f} passports/s), "
            f"raw insert {raw:.2f} s, ratio Y/X {raw / imported:.2f}"
        )


if __name__ == "__main__":
    main()
