"""Tables of the trace context: lots, events and their lines, stock, provenance edges, trades, the
per-organisation hash-chained ledger with its head and signed checkpoints, and import runs.

Sites are members ``facilities`` rows of the acting organisation. Masses are exact ``Numeric`` kg.

Scale plan (not built yet): ``trace_events``, ``trace_event_lines`` and ``trace_ledger`` are append-only and
always read per organisation and time range, so on PostgreSQL they become declaratively partitioned tables
(``PARTITION BY HASH (org_id)`` then by ``RANGE (time)`` per quarter), and a national deployment shards them
by ``org_id`` with Citus; every index here therefore leads with ``org_id``.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Table,
    UniqueConstraint,
)

from junkan.store.metadata import Json, UtcDateTime, metadata

__all__ = [
    "KG",
    "trace_checkpoints",
    "trace_edges",
    "trace_event_lines",
    "trace_events",
    "trace_import_runs",
    "trace_ledger",
    "trace_ledger_heads",
    "trace_lots",
    "trace_stock",
    "trace_trades",
]

# Kilograms with 6 decimals (to the milligram), exact on PostgreSQL.
KG = Numeric(24, 6)
BigId = BigInteger().with_variant(Integer, "sqlite")

trace_lots = Table(
    "trace_lots",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("org_id", ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False),
    Column("key", String(200), nullable=False),
    Column("material", String(120), nullable=False),
    Column("grade", String(200), nullable=False, default=""),
    Column("site_id", ForeignKey("facilities.id"), nullable=True),
    Column("created_kg", KG, nullable=False),
    Column("unit_mass_kg", KG, nullable=True),
    Column("passport", String(300), nullable=True),
    # The kind of the event that created the lot (collect lots are post-consumer sources).
    Column("source_kind", String(20), nullable=False),
    # The physical lot this one is (a lot received 1:1 under the shipper's id): claims are registered on it.
    Column("root_lot_id", BigId, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_time", UtcDateTime, nullable=False),
    UniqueConstraint("org_id", "key"),
    Index("ix_trace_lots_org_material", "org_id", "material"),
)

trace_stock = Table(
    "trace_stock",
    metadata,
    Column("lot_id", ForeignKey("trace_lots.id", ondelete="CASCADE"), primary_key=True),
    Column("site_id", ForeignKey("facilities.id"), primary_key=True),
    Column("kg", KG, nullable=False),
)

trace_events = Table(
    "trace_events",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("org_id", ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False),
    Column("client_id", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("time", UtcDateTime, nullable=False),
    Column("site_id", ForeignKey("facilities.id"), nullable=False),
    Column("counterparty", String(200), nullable=True),
    Column("counterparty_org_id", Integer, nullable=True),
    Column("shipment_ref", String(200), nullable=True),
    Column("payload", Json, nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    Column("import_run_id", Integer, nullable=True),
    UniqueConstraint("org_id", "client_id"),
    Index("ix_trace_events_org_time", "org_id", "time"),
    Index("ix_trace_events_cp_time", "counterparty_org_id", "time"),
    Index("ix_trace_events_ref", "shipment_ref"),
)

trace_event_lines = Table(
    "trace_event_lines",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("event_id", ForeignKey("trace_events.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("org_id", Integer, nullable=False),
    Column("lot_id", ForeignKey("trace_lots.id"), nullable=False, index=True),
    Column("role", String(3), nullable=False),  # in | out
    Column("material", String(120), nullable=False),
    Column("kg", KG, nullable=False),
)

trace_edges = Table(
    "trace_edges",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("parent_lot_id", ForeignKey("trace_lots.id"), nullable=False, index=True),
    Column("child_lot_id", ForeignKey("trace_lots.id"), nullable=False, index=True),
    Column("kg", KG, nullable=False),
    Column("event_id", ForeignKey("trace_events.id", ondelete="CASCADE"), nullable=False),
)

trace_trades = Table(
    "trace_trades",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("shipper", String(200), nullable=False),
    Column("receiver", String(200), nullable=False),
    Column("shipper_org_id", Integer, nullable=True, index=True),
    Column("receiver_org_id", Integer, nullable=True, index=True),
    Column("shipment_ref", String(200), nullable=False),
    Column("ship_event_id", ForeignKey("trace_events.id"), nullable=True),
    Column("receive_event_id", ForeignKey("trace_events.id"), nullable=True),
    Column("status", String(30), nullable=False),  # matched | a TradeFlag code
    Column("message", String(1000), nullable=False, default=""),
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("shipper", "receiver", "shipment_ref"),
)

trace_ledger = Table(
    "trace_ledger",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("org_id", ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("prev_hash", LargeBinary(32), nullable=False),
    Column("hash", LargeBinary(32), nullable=False),
    Column("canonical", LargeBinary, nullable=False),
    Column("event_id", BigInteger, nullable=True),
    Column("recorded_at", UtcDateTime, nullable=False),
    UniqueConstraint("org_id", "seq"),
)

trace_ledger_heads = Table(
    "trace_ledger_heads",
    metadata,
    Column("org_id", ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True),
    Column("seq", BigInteger, nullable=False),
    Column("hash", LargeBinary(32), nullable=False),
)

trace_checkpoints = Table(
    "trace_checkpoints",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("org_id", ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("upto_seq", BigInteger, nullable=False),
    Column("head_hash", LargeBinary(32), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("key_id", String(300), nullable=False),
    Column("signature", LargeBinary, nullable=False),
    Column("document", Json, nullable=False),
)

trace_import_runs = Table(
    "trace_import_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("org_id", ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("digest", String(64), nullable=False),
    Column("filename", String(300), nullable=False),
    Column("format", String(10), nullable=False),
    Column("status", String(20), nullable=False),  # validating | rejected | applying | stopped | done
    Column("events_total", Integer, nullable=False, default=0),
    Column("events_applied", Integer, nullable=False, default=0),
    Column("events_replayed", Integer, nullable=False, default=0),
    Column("errors", Json, nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime, nullable=True),
)
