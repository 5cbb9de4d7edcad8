"""trace: lots, events, stock, provenance edges, trades, hash-chained ledger, checkpoints, imports

Revision ID: 0003_trace
Revises: 0001_members
Create Date: 2026-11-29 13:22:36.070725
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import junkan.store.metadata

revision = "0003_trace"
down_revision = "0001_members"
branch_labels = ("trace",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trace_checkpoints",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("upto_seq", sa.BigInteger(), nullable=False),
        sa.Column("head_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("at", junkan.store.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.Column("key_id", sa.String(length=300), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.Column(
            "document",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_trace_checkpoints_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trace_checkpoints")),
    )
    with op.batch_alter_table("trace_checkpoints", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trace_checkpoints_org_id"), ["org_id"], unique=False)
    op.create_table(
        "trace_import_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("events_total", sa.Integer(), nullable=False),
        sa.Column("events_applied", sa.Integer(), nullable=False),
        sa.Column("events_replayed", sa.Integer(), nullable=False),
        sa.Column(
            "errors",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("started_at", junkan.store.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", junkan.store.metadata.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_trace_import_runs_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trace_import_runs")),
    )
    with op.batch_alter_table("trace_import_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trace_import_runs_org_id"), ["org_id"], unique=False)
    op.create_table(
        "trace_ledger",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("prev_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("canonical", sa.LargeBinary(), nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=True),
        sa.Column("recorded_at", junkan.store.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_trace_ledger_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trace_ledger")),
        sa.UniqueConstraint("org_id", "seq", name=op.f("uq_trace_ledger_org_id_seq")),
    )
    op.create_table(
        "trace_ledger_heads",
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_trace_ledger_heads_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("org_id", name=op.f("pk_trace_ledger_heads")),
    )
    op.create_table(
        "trace_events",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("time", junkan.store.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("counterparty", sa.String(length=200), nullable=True),
        sa.Column("counterparty_org_id", sa.Integer(), nullable=True),
        sa.Column("shipment_ref", sa.String(length=200), nullable=True),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("recorded_at", junkan.store.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.Column("import_run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_trace_events_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["facilities.id"], name=op.f("fk_trace_events_site_id_facilities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trace_events")),
        sa.UniqueConstraint("org_id", "client_id", name=op.f("uq_trace_events_org_id_client_id")),
    )
    with op.batch_alter_table("trace_events", schema=None) as batch_op:
        batch_op.create_index("ix_trace_events_cp_time", ["counterparty_org_id", "time"], unique=False)
        batch_op.create_index("ix_trace_events_org_time", ["org_id", "time"], unique=False)
        batch_op.create_index("ix_trace_events_ref", ["shipment_ref"], unique=False)
    op.create_table(
        "trace_lots",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("material", sa.String(length=120), nullable=False),
        sa.Column("grade", sa.String(length=200), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("created_kg", sa.Numeric(precision=24, scale=6), nullable=False),
        sa.Column("unit_mass_kg", sa.Numeric(precision=24, scale=6), nullable=True),
        sa.Column("passport", sa.String(length=300), nullable=True),
        sa.Column("source_kind", sa.String(length=20), nullable=False),
        sa.Column("root_lot_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_at", junkan.store.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_time", junkan.store.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_trace_lots_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["facilities.id"], name=op.f("fk_trace_lots_site_id_facilities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trace_lots")),
        sa.UniqueConstraint("org_id", "key", name=op.f("uq_trace_lots_org_id_key")),
    )
    with op.batch_alter_table("trace_lots", schema=None) as batch_op:
        batch_op.create_index("ix_trace_lots_org_material", ["org_id", "material"], unique=False)
    op.create_table(
        "trace_edges",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("parent_lot_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("child_lot_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kg", sa.Numeric(precision=24, scale=6), nullable=False),
        sa.Column("event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_lot_id"], ["trace_lots.id"], name=op.f("fk_trace_edges_child_lot_id_trace_lots")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["trace_events.id"],
            name=op.f("fk_trace_edges_event_id_trace_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_lot_id"], ["trace_lots.id"], name=op.f("fk_trace_edges_parent_lot_id_trace_lots")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trace_edges")),
    )
    with op.batch_alter_table("trace_edges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trace_edges_child_lot_id"), ["child_lot_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_trace_edges_parent_lot_id"), ["parent_lot_id"], unique=False)
    op.create_table(
        "trace_event_lines",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("role", sa.String(length=3), nullable=False),
        sa.Column("material", sa.String(length=120), nullable=False),
        sa.Column("kg", sa.Numeric(precision=24, scale=6), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["trace_events.id"],
            name=op.f("fk_trace_event_lines_event_id_trace_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lot_id"], ["trace_lots.id"], name=op.f("fk_trace_event_lines_lot_id_trace_lots")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trace_event_lines")),
    )
    with op.batch_alter_table("trace_event_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trace_event_lines_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_trace_event_lines_lot_id"), ["lot_id"], unique=False)
    op.create_table(
        "trace_stock",
        sa.Column("lot_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("kg", sa.Numeric(precision=24, scale=6), nullable=False),
        sa.ForeignKeyConstraint(
            ["lot_id"], ["trace_lots.id"], name=op.f("fk_trace_stock_lot_id_trace_lots"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["facilities.id"], name=op.f("fk_trace_stock_site_id_facilities")
        ),
        sa.PrimaryKeyConstraint("lot_id", "site_id", name=op.f("pk_trace_stock")),
    )
    op.create_table(
        "trace_trades",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("shipper", sa.String(length=200), nullable=False),
        sa.Column("receiver", sa.String(length=200), nullable=False),
        sa.Column("shipper_org_id", sa.Integer(), nullable=True),
        sa.Column("receiver_org_id", sa.Integer(), nullable=True),
        sa.Column("shipment_ref", sa.String(length=200), nullable=False),
        sa.Column("ship_event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("receive_event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("message", sa.String(length=1000), nullable=False),
        sa.Column("updated_at", junkan.store.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["receive_event_id"],
            ["trace_events.id"],
            name=op.f("fk_trace_trades_receive_event_id_trace_events"),
        ),
        sa.ForeignKeyConstraint(
            ["ship_event_id"], ["trace_events.id"], name=op.f("fk_trace_trades_ship_event_id_trace_events")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trace_trades")),
        sa.UniqueConstraint(
            "shipper", "receiver", "shipment_ref", name=op.f("uq_trace_trades_shipper_receiver_shipment_ref")
        ),
    )
    with op.batch_alter_table("trace_trades", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_trace_trades_receiver_org_id"), ["receiver_org_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_trace_trades_shipper_org_id"), ["shipper_org_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("trace_trades", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trace_trades_shipper_org_id"))
        batch_op.drop_index(batch_op.f("ix_trace_trades_receiver_org_id"))
    op.drop_table("trace_trades")
    op.drop_table("trace_stock")
    with op.batch_alter_table("trace_event_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trace_event_lines_lot_id"))
        batch_op.drop_index(batch_op.f("ix_trace_event_lines_event_id"))
    op.drop_table("trace_event_lines")
    with op.batch_alter_table("trace_edges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trace_edges_parent_lot_id"))
        batch_op.drop_index(batch_op.f("ix_trace_edges_child_lot_id"))
    op.drop_table("trace_edges")
    with op.batch_alter_table("trace_lots", schema=None) as batch_op:
        batch_op.drop_index("ix_trace_lots_org_material")
    op.drop_table("trace_lots")
    with op.batch_alter_table("trace_events", schema=None) as batch_op:
        batch_op.drop_index("ix_trace_events_ref")
        batch_op.drop_index("ix_trace_events_org_time")
        batch_op.drop_index("ix_trace_events_cp_time")
    op.drop_table("trace_events")
    op.drop_table("trace_ledger_heads")
    op.drop_table("trace_ledger")
    with op.batch_alter_table("trace_import_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trace_import_runs_org_id"))
    op.drop_table("trace_import_runs")
    with op.batch_alter_table("trace_checkpoints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trace_checkpoints_org_id"))
    op.drop_table("trace_checkpoints")
