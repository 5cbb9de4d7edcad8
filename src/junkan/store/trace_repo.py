"""Repository of the trace context: rows of lots, events, stock, edges, trades and the ledger, mapped to and
from the domain values of :mod:`junkan.trace` (``Event`` from the canonical payload, ``LedgerLink``).

Writes are set-based (one ``executemany`` per table per batch) so that recording N events costs a handful of
round trips, not N; reads that feed computations return columns (numpy arrays for the provenance graph).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    String,
    and_,
    any_,
    bindparam,
    cast,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY

from junkan.pagination import Page, PageRequest
from junkan.store.tables.members import facilities, organizations
from junkan.store.tables.trace import (
    trace_checkpoints,
    trace_edges,
    trace_event_lines,
    trace_events,
    trace_import_runs,
    trace_ledger,
    trace_ledger_heads,
    trace_lots,
    trace_stock,
    trace_trades,
)
from junkan.trace.ledger import GENESIS_HASH, LedgerLink
from junkan.trace.model import DocumentRef, Event, EventKind, LotLine
from junkan.trace.units import Quantity, normalise_decimal

__all__ = ["ConeLots", "EventFilter", "LotRow", "TraceRepo", "event_from_payload"]

_CHUNK = 900  # stays under SQLite's bound-parameter limit for IN lists


def _chunks(items: Sequence[Any], n: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def _in_clause(conn: Connection, col: Any, values: Sequence[Any], *, type_: Any) -> list[ColumnElement[bool]]:
    """``col IN values`` as one condition per chunk: on PostgreSQL a single ``= ANY(array)`` (one plan for
    any length), on SQLite IN lists under its bound-parameter limit."""
    if conn.dialect.name == "postgresql":
        return [col == any_(cast(bindparam(None, list(values), type_=ARRAY(type_)), ARRAY(type_)))]
    return [col.in_(list(part)) for part in _chunks(list(values))]


def event_from_payload(payload: Mapping[str, Any]) -> Event:
    """The domain event back from its canonical payload (``junkan.trace.model.canonical_payload``)."""

    def line(x: Mapping[str, Any]) -> LotLine:
        mass = x.get("unit_mass_kg")
        return LotLine(
            lot=x["lot"],
            material=x["material"],
            grade=x.get("grade") or "",
            quantity=Quantity(Decimal(x["quantity"]), x["unit"]),
            unit_mass_kg=None if mass is None else Decimal(mass),
            passport=x.get("passport"),
        )

    dy = payload.get("declared_yield")
    return Event(
        id=payload["id"],
        kind=EventKind(payload["kind"]),
        time=dt.datetime.fromisoformat(str(payload["time"]).replace("Z", "+00:00")),
        site=payload["site"],
        organisation=payload["organisation"],
        inputs=tuple(line(x) for x in payload.get("inputs", [])),
        outputs=tuple(line(x) for x in payload.get("outputs", [])),
        documents=tuple(DocumentRef(t, i) for t, i in payload.get("documents", [])),
        shipment_ref=payload.get("shipment_ref"),
        counterparty=payload.get("counterparty"),
        declared_yield=None if dy is None else Decimal(dy),
    )


@dataclass(frozen=True, slots=True)
class LotRow:
    id: int
    org_id: int
    key: str
    material: str
    grade: str
    site_id: int | None
    created_kg: Decimal
    source_kind: str
    root_lot_id: int | None
    created_at: dt.datetime
    last_time: dt.datetime
    created_by: str = ""


@dataclass(frozen=True, slots=True)
class ConeLots:
    """What a provenance trace shows of the lots of a cone, one list per column, in the order of their ids.

    ``created_kg`` is without the column's trailing zeros (the value ``LotRow`` readers normalise to)."""

    org_id: list[int]
    key: list[str]
    material: list[str]
    grade: list[str]
    source_kind: list[str]
    created_at: list[dt.datetime]
    created_kg: list[Decimal]


@dataclass(frozen=True, slots=True)
class EventFilter:
    site_id: int | None = None
    material: str | None = None
    kind: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    partner_org_id: int | None = None


def _d(value: Any) -> Decimal:
    """A stored Numeric without the column's trailing zeros (100.500000 → 100.5)."""
    return Decimal(normalise_decimal(Decimal(value)))


def _lot(row: Any) -> LotRow:
    m = row._mapping
    return LotRow(
        id=m["id"],
        org_id=m["org_id"],
        key=m["key"],
        material=m["material"],
        grade=m["grade"],
        site_id=m["site_id"],
        created_kg=_d(m["created_kg"]),
        source_kind=m["source_kind"],
        root_lot_id=m["root_lot_id"],
        created_at=m["created_at"],
        last_time=m["last_time"],
    )


class TraceRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.pg = conn.dialect.name == "postgresql"

    def _bulk(self, table: Any, rows: list[dict[str, Any]], *, ids: bool = False) -> list[int]:
        """Insert many rows with one executemany; with ``ids`` on PostgreSQL, return their ids in order.

        PostgreSQL returns ids from a batched ``INSERT … RETURNING`` ("insertmanyvalues"); SQLite would
        fall back to one statement per row for RETURNING, so there the caller reads ids back by key.
        """
        if not rows:
            return []
        if self.pg and ids:
            res = self.conn.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
            return [r[0] for r in res]
        self.conn.execute(insert(table), rows)
        return []

    # organisations and sites ----------------------------------------------------------------------
    def site_ids(self, org_id: int) -> set[int]:
        q = select(facilities.c.id).where(facilities.c.org_id == org_id)
        return {r[0] for r in self.conn.execute(q)}

    def existing_org_ids(self, ids: Iterable[int]) -> set[int]:
        wanted = sorted(set(ids))
        out: set[int] = set()
        for part in _chunks(wanted):
            out.update(
                r[0]
                for r in self.conn.execute(select(organizations.c.id).where(organizations.c.id.in_(part)))
            )
        return out

    def org_name(self, org_id: int) -> str:
        row = self.conn.execute(select(organizations.c.name_en).where(organizations.c.id == org_id)).first()
        return row[0] if row else str(org_id)

    def analyze(self) -> None:
        """Refresh planner statistics of the trace tables (PostgreSQL). Bulk loads outrun autovacuum: with
        the stale statistics of a fresh table the planner scans an organisation's whole ledger by time
        instead of probing (org, client id) — quadratic over an import. SQLite plans by its indexes."""
        if self.pg:
            self.conn.exec_driver_sql(
                "ANALYZE trace_events, trace_lots, trace_stock, trace_event_lines, trace_ledger"
            )

    # idempotency ------------------------------------------------------------------------------------
    def known_events(self, org_id: int, client_ids: Sequence[str]) -> dict[str, tuple[str, int, int]]:
        """client id -> (fingerprint, seq, row id) of events already recorded."""
        e = trace_events.c
        out: dict[str, tuple[str, int, int]] = {}
        for part in _chunks(sorted(set(client_ids))):
            q = select(e.client_id, e.fingerprint, e.seq, e.id).where(
                e.org_id == org_id, e.client_id.in_(part)
            )
            out.update({r[0]: (r[1], r[2], r[3]) for r in self.conn.execute(q)})
        return out

    # lots and stock ---------------------------------------------------------------------------------
    def lots_by_key(self, org_id: int, keys: Sequence[str]) -> dict[str, LotRow]:
        out: dict[str, LotRow] = {}
        for cond in _in_clause(self.conn, trace_lots.c.key, sorted(set(keys)), type_=String):
            q = select(trace_lots).where(trace_lots.c.org_id == org_id, cond)
            out.update({r._mapping["key"]: _lot(r) for r in self.conn.execute(q)})
        return out

    def lots_by_id(self, ids: Sequence[int]) -> dict[int, LotRow]:
        out: dict[int, LotRow] = {}
        for part in _chunks(sorted(set(ids))):
            out.update(
                {
                    r._mapping["id"]: _lot(r)
                    for r in self.conn.execute(select(trace_lots).where(trace_lots.c.id.in_(part)))
                }
            )
        return out

    def stock_of(self, lot_ids: Sequence[int]) -> dict[tuple[int, int], Decimal]:
        """(site id, lot id) -> kg."""
        out: dict[tuple[int, int], Decimal] = {}
        s = trace_stock.c
        for cond in _in_clause(self.conn, s.lot_id, sorted(set(lot_ids)), type_=BigInteger):
            for r in self.conn.execute(select(s.site_id, s.lot_id, s.kg).where(cond)):
                out[(r[0], r[1])] = _d(r[2])
        return out

    def insert_lots(self, rows: list[dict[str, Any]]) -> list[int]:
        """Insert new lots with one executemany and read their ids back by key."""
        if not rows:
            return []
        self._bulk(trace_lots, rows)
        ids: dict[str, int] = {}
        t = trace_lots.c
        for cond in _in_clause(self.conn, t.key, [r["key"] for r in rows], type_=String):
            ids.update(
                {
                    k: i
                    for k, i in self.conn.execute(
                        select(t.key, t.id).where(t.org_id == rows[0]["org_id"], cond)
                    )
                }
            )
        return [ids[r["key"]] for r in rows]

    def update_lots(self, rows: list[dict[str, Any]]) -> None:
        """rows: {b_id, b_last_time, b_created_kg}."""
        if rows:
            self.conn.execute(
                update(trace_lots)
                .where(trace_lots.c.id == bindparam("b_id"))
                .values(last_time=bindparam("b_last_time"), created_kg=bindparam("b_created_kg")),
                rows,
            )

    def set_roots(self, pairs: Sequence[tuple[int, int]]) -> None:
        """(lot id, root lot id)."""
        if pairs:
            self.conn.execute(
                update(trace_lots)
                .where(trace_lots.c.id == bindparam("b_id"))
                .values(root_lot_id=bindparam("b_root")),
                [{"b_id": a, "b_root": b} for a, b in pairs],
            )

    def write_stock(self, values: Mapping[tuple[int, int], Decimal]) -> None:
        """Absolute stock per (site, lot); zero removes the row."""
        gone = [(s, lot) for (s, lot), kg in values.items() if not kg]
        keep = [{"site_id": s, "lot_id": lot, "kg": kg} for (s, lot), kg in values.items() if kg]
        by_site: dict[int, list[int]] = {}
        for site, lot in gone:
            by_site.setdefault(site, []).append(lot)
        for site, lots in by_site.items():  # lot_id leads the primary key: an index lookup per chunk
            for part in _chunks(lots):
                self.conn.execute(
                    delete(trace_stock).where(
                        trace_stock.c.lot_id.in_(list(part)), trace_stock.c.site_id == site
                    )
                )
        if keep:
            dialect = postgresql if self.conn.dialect.name == "postgresql" else sqlite
            ins: Any = dialect.insert(trace_stock)
            stmt = ins.on_conflict_do_update(
                index_elements=["lot_id", "site_id"], set_={"kg": ins.excluded.kg}
            )
            self.conn.execute(stmt, keep)

    # events -----------------------------------------------------------------------------------------
    def insert_events(self, rows: list[dict[str, Any]]) -> list[int]:
        """Insert events with one executemany and read their ids back by (organisation, client id)."""
        self._bulk(trace_events, rows)
        known = self.known_events(rows[0]["org_id"], [r["client_id"] for r in rows])
        return [known[r["client_id"]][2] for r in rows]

    def insert_lines(self, rows: list[dict[str, Any]]) -> None:
        self._bulk(trace_event_lines, rows)

    def insert_edges(self, rows: list[dict[str, Any]]) -> None:
        self._bulk(trace_edges, rows)

    def event_row(self, org_id: int, client_id: str) -> dict[str, Any] | None:
        e = trace_events.c
        row = self.conn.execute(
            select(trace_events).where(e.org_id == org_id, e.client_id == client_id)
        ).first()
        return dict(row._mapping) if row else None

    def events_by_id(self, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        out: dict[int, dict[str, Any]] = {}
        for part in _chunks(sorted(set(ids))):
            for r in self.conn.execute(select(trace_events).where(trace_events.c.id.in_(part))):
                out[r._mapping["id"]] = dict(r._mapping)
        return out

    def _event_where(
        self, org_id: int, f: EventFilter, *, visible_to: int | None
    ) -> list[ColumnElement[bool]]:
        e = trace_events.c
        cond: list[ColumnElement[bool]] = [e.org_id == org_id]
        if visible_to is not None:  # a trading partner sees only the trades between the two
            cond += [e.counterparty_org_id == visible_to, e.kind.in_(["ship", "receive"])]
        if f.site_id is not None:
            cond.append(e.site_id == f.site_id)
        if f.kind:
            cond.append(e.kind == f.kind)
        if f.since is not None:
            cond.append(e.time >= f.since)
        if f.until is not None:
            cond.append(e.time < f.until)
        if f.partner_org_id is not None:
            cond.append(e.counterparty_org_id == f.partner_org_id)
        if f.material:
            ln = trace_event_lines.c
            cond.append(exists().where(ln.event_id == e.id, ln.material == f.material))
        return cond

    def list_events(
        self, org_id: int, f: EventFilter, page: PageRequest, *, visible_to: int | None = None
    ) -> Page[dict[str, Any]]:
        cond = self._event_where(org_id, f, visible_to=visible_to)
        e = trace_events.c
        q = (
            select(
                e.id,
                e.client_id,
                e.kind,
                e.time,
                e.site_id,
                e.counterparty,
                e.counterparty_org_id,
                e.shipment_ref,
                e.payload,
                e.seq,
            )
            .where(and_(*cond))
            .order_by(e.time.desc(), e.id.desc())
            .limit(page.limit)
            .offset(page.offset)
        )
        items = [dict(r._mapping) for r in self.conn.execute(q)]
        total = int(
            self.conn.execute(select(func.count()).select_from(trace_events).where(and_(*cond))).scalar_one()
        )
        return Page(items=items, total=total, limit=page.limit, offset=page.offset)

    def iter_events(self, org_id: int, f: EventFilter, *, chunk: int = 2000) -> Iterator[dict[str, Any]]:
        """All matching events in ledger order, fetched in chunks (for exports)."""
        cond = self._event_where(org_id, f, visible_to=None)
        e = trace_events.c
        last = 0
        while True:
            q = select(e.seq, e.payload).where(and_(*cond), e.seq > last).order_by(e.seq).limit(chunk)
            rows = self.conn.execute(q).all()
            if not rows:
                return
            for r in rows:
                yield r[1]
            last = rows[-1][0]

    def event_materials(self, org_id: int) -> list[str]:
        ln = trace_event_lines.c
        q = select(ln.material).where(ln.org_id == org_id).distinct().order_by(ln.material)
        return [r[0] for r in self.conn.execute(q)]

    # lots (read) ----------------------------------------------------------------------------------
    def list_lots(
        self, org_id: int, page: PageRequest, *, material: str | None = None
    ) -> Page[dict[str, Any]]:
        lt = trace_lots.c
        cond: list[ColumnElement[bool]] = [lt.org_id == org_id]
        if material:
            cond.append(lt.material == material)
        stock = (
            select(func.coalesce(func.sum(trace_stock.c.kg), 0))
            .where(trace_stock.c.lot_id == lt.id)
            .scalar_subquery()
            .label("stock_kg")
        )
        q = (
            select(trace_lots, stock)
            .where(*cond)
            .order_by(lt.created_at.desc(), lt.id.desc())
            .limit(page.limit)
            .offset(page.offset)
        )
        items = [dict(r._mapping) for r in self.conn.execute(q)]
        total = int(self.conn.execute(select(func.count()).select_from(trace_lots).where(*cond)).scalar_one())
        return Page(items=items, total=total, limit=page.limit, offset=page.offset)

    def lot_events(self, lot_id: int) -> list[dict[str, Any]]:
        e, ln = trace_events.c, trace_event_lines.c
        q = (
            select(e.client_id, e.kind, e.time, e.site_id, ln.role, ln.kg)
            .join(trace_event_lines, ln.event_id == e.id)
            .where(ln.lot_id == lot_id)
            .order_by(e.time, e.id)
        )
        return [dict(r._mapping) for r in self.conn.execute(q)]

    def lot_stock(self, lot_id: int) -> list[tuple[int, Decimal]]:
        s = trace_stock.c
        return [
            (r[0], _d(r[1])) for r in self.conn.execute(select(s.site_id, s.kg).where(s.lot_id == lot_id))
        ]

    # provenance -----------------------------------------------------------------------------------
    def _cone(self, root: int, *, upstream: bool) -> Any:
        ed = trace_edges.c
        near, far = (ed.child_lot_id, ed.parent_lot_id) if upstream else (ed.parent_lot_id, ed.child_lot_id)
        base = select(cast(literal(root), BigInteger).label("lot")).cte("cone", recursive=True)
        step = select(far.label("lot")).join(base, near == base.c.lot)
        return base.union(step), near

    def cone_edges(self, root: int, *, upstream: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Edges (parent, child, kg) of the lots reachable from ``root`` one way, in one recursive query."""
        cone, near = self._cone(root, upstream=upstream)
        ed = trace_edges.c
        q = select(ed.parent_lot_id, ed.child_lot_id, ed.kg).where(near.in_(select(cone.c.lot)))
        rows = self.conn.execute(q).all()
        if not rows:
            e = np.empty(0, np.int64)
            return e, e, np.empty(0)
        arr = np.array([(r[0], r[1], float(r[2])) for r in rows], dtype=np.float64)
        return arr[:, 0].astype(np.int64), arr[:, 1].astype(np.int64), arr[:, 2]

    def trace_lots_by_id(self, ids: Sequence[int]) -> dict[int, LotRow]:
        """The columns a provenance trace shows, for the lots of a cone (by primary key, no recursion)."""
        t = trace_lots.c
        cols = (
            t.id,
            t.org_id,
            t.key,
            t.material,
            t.grade,
            t.created_kg,
            t.source_kind,
            t.root_lot_id,
            t.created_at,
        )
        out: dict[int, LotRow] = {}
        for cond in _in_clause(self.conn, t.id, list(ids), type_=BigInteger):
            for i, org, key, material, grade, kg, kind, root_id, at in self.conn.execute(
                select(*cols).where(cond)
            ):
                # last_time is not read here (a trace does not need it): created_at stands in for it
                out[i] = LotRow(i, org, key, material, grade, None, kg, kind, root_id, at, at)
        return out

    def cone_lots(self, ids: Sequence[int]) -> ConeLots | None:
        """The columns of ``ids`` (sorted, distinct) in one statement, or None if any lot is missing.

        A cone has thousands of lots, so this reads plain driver tuples (the connection's cursor, in its
        transaction) without SQLAlchemy's rows and per-value type processing: times and masses come as
        text (SQLite keeps times as text anyway, and masses as REAL/INTEGER) and each distinct one is
        converted once, to the values ``trace_lots_by_id`` gives — UTC times, and on SQLite the mass
        SQLAlchemy reads, ``Decimal('%.6f' % value)`` — without trailing zeros."""
        raw = self.conn.connection.driver_connection
        assert raw is not None
        cursor = raw.cursor()
        try:
            if self.pg:
                # the ids as one array literal: adapting thousands of ints one by one costs more than the scan
                cursor.execute(
                    "SELECT org_id, key, material, grade, source_kind, created_kg::text, "
                    "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') "
                    "FROM trace_lots WHERE id = ANY(%s::bigint[]) ORDER BY id",
                    ("{" + ",".join(map(str, ids)) + "}",),
                )
            else:
                cursor.execute(
                    "SELECT org_id, key, material, grade, source_kind, created_kg, created_at "
                    "FROM trace_lots WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
                    (json.dumps(list(ids)),),
                )
            rows = cursor.fetchall()
        finally:
            cursor.close()
        if len(rows) != len(ids):
            return None
        times: dict[str, dt.datetime] = {}
        masses: dict[Any, Decimal] = {}
        pg = self.pg

        def at(text: str) -> dt.datetime:
            t = times.get(text)
            if t is None:
                t = dt.datetime.fromisoformat(text)
                t = times[text] = t.replace(tzinfo=dt.UTC) if t.tzinfo is None else t.astimezone(dt.UTC)
            return t

        def kg(value: Any) -> Decimal:
            d = masses.get(value)
            if d is None:
                exact = Decimal(value) if pg else Decimal(f"{value:.6f}")
                d = masses[value] = Decimal(normalise_decimal(exact))
            return d

        # one pass per column: zip(*rows) would hold an iterator per row, thousands of objects for the GC
        return ConeLots(
            [r[0] for r in rows],
            [r[1] for r in rows],
            [r[2] for r in rows],
            [r[3] for r in rows],
            [r[4] for r in rows],
            [at(r[6]) for r in rows],
            [kg(r[5]) for r in rows],
        )

    # trades ---------------------------------------------------------------------------------------
    def trade(self, shipper: str, receiver: str, ref: str) -> dict[str, Any] | None:
        t = trace_trades.c
        q = select(trace_trades).where(t.shipper == shipper, t.receiver == receiver, t.shipment_ref == ref)
        row = self.conn.execute(q).first()
        return dict(row._mapping) if row else None

    def upsert_trade(self, key: tuple[str, str, str], values: dict[str, Any]) -> int:
        row = self.trade(*key)
        if row is None:
            shipper, receiver, ref = key
            return int(
                self.conn.execute(
                    insert(trace_trades)
                    .values(shipper=shipper, receiver=receiver, shipment_ref=ref, **values)
                    .returning(trace_trades.c.id)
                ).scalar_one()
            )
        self.conn.execute(update(trace_trades).where(trace_trades.c.id == row["id"]).values(**values))
        return int(row["id"])

    def trades_of(self, org_id: int, page: PageRequest, *, status: str | None = None) -> Page[dict[str, Any]]:
        t = trace_trades.c
        cond: list[ColumnElement[bool]] = [or_(t.shipper_org_id == org_id, t.receiver_org_id == org_id)]
        if status == "flagged":
            cond.append(t.status != "matched")
        elif status:
            cond.append(t.status == status)
        q = (
            select(trace_trades)
            .where(*cond)
            .order_by(t.updated_at.desc(), t.id.desc())
            .limit(page.limit)
            .offset(page.offset)
        )
        items = [dict(r._mapping) for r in self.conn.execute(q)]
        total = int(
            self.conn.execute(select(func.count()).select_from(trace_trades).where(*cond)).scalar_one()
        )
        return Page(items=items, total=total, limit=page.limit, offset=page.offset)

    def matched_trade_for_receipt(self, receive_event_id: int) -> dict[str, Any] | None:
        t = trace_trades.c
        row = self.conn.execute(
            select(trace_trades).where(t.receive_event_id == receive_event_id, t.status == "matched")
        ).first()
        return dict(row._mapping) if row else None

    def find_trade(self, ref: str, *, shipper_org_id: int, receiver_org_id: int) -> dict[str, Any] | None:
        t = trace_trades.c
        row = self.conn.execute(
            select(trace_trades).where(
                t.shipment_ref == ref,
                t.shipper_org_id == shipper_org_id,
                t.receiver_org_id == receiver_org_id,
            )
        ).first()
        return dict(row._mapping) if row else None

    # ledger -----------------------------------------------------------------------------------------
    def ledger_head(self, org_id: int, *, lock: bool = False) -> tuple[int, bytes]:
        q = select(trace_ledger_heads.c.seq, trace_ledger_heads.c.hash).where(
            trace_ledger_heads.c.org_id == org_id
        )
        if lock and self.conn.dialect.name == "postgresql":
            q = q.with_for_update()
        row = self.conn.execute(q).first()
        return (int(row[0]), bytes(row[1])) if row else (0, GENESIS_HASH)

    def set_head(self, org_id: int, seq: int, digest: bytes, *, existed: bool) -> None:
        h = trace_ledger_heads
        if existed:
            self.conn.execute(update(h).where(h.c.org_id == org_id).values(seq=seq, hash=digest))
        else:
            self.conn.execute(insert(h).values(org_id=org_id, seq=seq, hash=digest))

    def insert_links(self, rows: list[dict[str, Any]]) -> None:
        self._bulk(trace_ledger, rows)

    def iter_links(self, org_id: int, *, chunk: int = 20_000) -> Iterator[list[LedgerLink]]:
        """The ledger in seq order, in chunks (keyset on the unique (org, seq) index), each link carrying the
        payload rebuilt from its event row."""
        lg, e = trace_ledger.c, trace_events.c
        last = None
        while True:
            q = (
                select(lg.seq, lg.prev_hash, lg.canonical, lg.hash, e.payload, e.fingerprint)
                .outerjoin(trace_events, e.id == lg.event_id)
                .where(lg.org_id == org_id)
                .order_by(lg.seq)
                .limit(chunk)
            )
            if last is not None:
                q = q.where(lg.seq > last)
            rows = self.conn.execute(q).all()
            if not rows:
                return
            yield [
                LedgerLink(
                    seq=int(seq),
                    prev_hash=bytes(prev),
                    canonical=bytes(canonical),
                    hash=bytes(digest),
                    payload=None if payload is None else ledger_payload(payload, fp),
                )
                for seq, prev, canonical, digest, payload, fp in rows
            ]
            last = rows[-1][0]

    def link_event_client_id(self, org_id: int, seq: int) -> str | None:
        lg, e = trace_ledger.c, trace_events.c
        q = (
            select(e.client_id)
            .join(trace_ledger, lg.event_id == e.id)
            .where(lg.org_id == org_id, lg.seq == seq)
        )
        row = self.conn.execute(q).first()
        return row[0] if row else None

    def link_hash(self, org_id: int, seq: int) -> bytes | None:
        lg = trace_ledger.c
        row = self.conn.execute(select(lg.hash).where(lg.org_id == org_id, lg.seq == seq)).first()
        return bytes(row[0]) if row else None

    def add_checkpoint(self, **values: Any) -> int:
        return int(
            self.conn.execute(
                insert(trace_checkpoints).values(**values).returning(trace_checkpoints.c.id)
            ).scalar_one()
        )

    def checkpoints(self, org_id: int, *, limit: int = 50) -> list[dict[str, Any]]:
        c = trace_checkpoints.c
        q = (
            select(trace_checkpoints)
            .where(c.org_id == org_id)
            .order_by(c.upto_seq.desc(), c.id.desc())
            .limit(limit)
        )
        return [dict(r._mapping) for r in self.conn.execute(q)]

    # import runs ----------------------------------------------------------------------------------
    def import_run(self, run_id: int) -> dict[str, Any] | None:
        row = self.conn.execute(select(trace_import_runs).where(trace_import_runs.c.id == run_id)).first()
        return dict(row._mapping) if row else None

    def open_run(self, org_id: int, digest: str) -> dict[str, Any] | None:
        r = trace_import_runs.c
        q = select(trace_import_runs).where(r.org_id == org_id, r.digest == digest).order_by(r.id.desc())
        row = self.conn.execute(q).first()
        return dict(row._mapping) if row else None

    def add_run(self, **values: Any) -> int:
        return int(
            self.conn.execute(
                insert(trace_import_runs).values(**values).returning(trace_import_runs.c.id)
            ).scalar_one()
        )

    def update_run(self, run_id: int, **values: Any) -> None:
        self.conn.execute(update(trace_import_runs).where(trace_import_runs.c.id == run_id).values(**values))

    def runs(self, org_id: int, *, limit: int = 50) -> list[dict[str, Any]]:
        r = trace_import_runs.c
        q = select(trace_import_runs).where(r.org_id == org_id).order_by(r.id.desc()).limit(limit)
        return [dict(x._mapping) for x in self.conn.execute(q)]


LEDGER_TYPE = "junkan.trace.event"


def ledger_payload(event_payload: Mapping[str, Any], fp: str) -> dict[str, Any]:
    """What the ledger chains for one event: its canonical payload and fingerprint."""
    return {"type": LEDGER_TYPE, "event": dict(event_payload), "fingerprint": fp}


__all__ += ["LEDGER_TYPE", "ledger_payload"]
