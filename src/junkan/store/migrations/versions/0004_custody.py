"""custody: mass-balance accounts, entries, credits, holdings, lot claims, closes, claims, certificates

Revision ID: 0004_custody
Revises: 0001_members
Create Date: 2026-11-29 13:22:36.070725
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import junkan.store.metadata

revision = "0004_custody"
down_revision = "0001_members"
branch_labels = ("custody",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "custody_credits",
        sa.Column("credit_key", sa.String(length=250), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("issued_g", sa.BigInteger(), nullable=False),
        sa.Column("used_g", sa.BigInteger(), nullable=False),
        sa.Column("input_event_id", sa.BigInteger(), nullable=True),
        sa.Column("input_kg", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("credit_key", name=op.f("pk_custody_credits")),
    )
    with op.batch_alter_table("custody_credits", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_custody_credits_input_event_id"), ["input_event_id"], unique=False
        )
    op.create_table(
        "custody_lot_claims",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("root_lot_id", sa.BigInteger(), nullable=False),
        sa.Column("lot_id", sa.BigInteger(), nullable=False),
        sa.Column("characteristic", sa.String(length=40), nullable=False),
        sa.Column("grams", sa.BigInteger(), nullable=False),
        sa.Column("entry_key", sa.String(length=250), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custody_lot_claims")),
    )
    with op.batch_alter_table("custody_lot_claims", schema=None) as batch_op:
        batch_op.create_index("ix_custody_lot_claims_root", ["root_lot_id", "characteristic"], unique=False)
    op.create_table(
        "custody_certificates",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("issuer_org_id", sa.Integer(), nullable=False),
        sa.Column("holder_org_id", sa.Integer(), nullable=False),
        sa.Column("grams", sa.BigInteger(), nullable=False),
        sa.Column("characteristic", sa.String(length=40), nullable=False),
        sa.Column("material_group", sa.String(length=120), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column(
            "event_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("retired_for", sa.String(length=300), nullable=True),
        sa.Column("retired_at", junkan.store.metadata.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_at", junkan.store.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["holder_org_id"],
            ["organizations.id"],
            name=op.f("fk_custody_certificates_holder_org_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["issuer_org_id"],
            ["organizations.id"],
            name=op.f("fk_custody_certificates_issuer_org_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custody_certificates")),
        sa.UniqueConstraint("key", name=op.f("uq_custody_certificates_key")),
    )
    with op.batch_alter_table("custody_certificates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_custody_certificates_holder_org_id"), ["holder_org_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_custody_certificates_issuer_org_id"), ["issuer_org_id"], unique=False
        )
    op.create_table(
        "custody_accounts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("material_group", sa.String(length=120), nullable=False),
        sa.Column("characteristic", sa.String(length=40), nullable=False),
        sa.Column("balance_g", sa.BigInteger(), nullable=False),
        sa.Column("last_time", junkan.store.metadata.UtcDateTime(timezone=True), nullable=True),
        sa.Column("closed_until", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_custody_accounts_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["facilities.id"], name=op.f("fk_custody_accounts_site_id_facilities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custody_accounts")),
        sa.UniqueConstraint(
            "org_id",
            "site_id",
            "material_group",
            "characteristic",
            name=op.f("uq_custody_accounts_org_id_site_id_material_group_characteristic"),
        ),
    )
    op.create_table(
        "custody_certificate_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("by_org_id", sa.Integer(), nullable=False),
        sa.Column("to", sa.String(length=300), nullable=False),
        sa.Column("time", junkan.store.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["custody_certificates.id"],
            name=op.f("fk_custody_certificate_history_certificate_id_custody_certificates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custody_certificate_history")),
    )
    op.create_table(
        "custody_closes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("opening_g", sa.BigInteger(), nullable=False),
        sa.Column("credits_g", sa.BigInteger(), nullable=False),
        sa.Column("transfers_in_g", sa.BigInteger(), nullable=False),
        sa.Column("claims_g", sa.BigInteger(), nullable=False),
        sa.Column("transfers_out_g", sa.BigInteger(), nullable=False),
        sa.Column("expired_g", sa.BigInteger(), nullable=False),
        sa.Column("closing_g", sa.BigInteger(), nullable=False),
        sa.Column("book_kg", sa.String(length=40), nullable=True),
        sa.Column("physical_kg", sa.String(length=40), nullable=True),
        sa.Column("closed_at", junkan.store.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["custody_accounts.id"],
            name=op.f("fk_custody_closes_account_id_custody_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custody_closes")),
        sa.UniqueConstraint(
            "account_id", "period_start", name=op.f("uq_custody_closes_account_id_period_start")
        ),
    )
    op.create_table(
        "custody_entries",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("entry_key", sa.String(length=250), nullable=False),
        sa.Column("kind", sa.Integer(), nullable=False),
        sa.Column("grams", sa.BigInteger(), nullable=False),
        sa.Column("time", junkan.store.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column(
            "event_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "credits",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "lots",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("request", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["custody_accounts.id"],
            name=op.f("fk_custody_entries_account_id_custody_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custody_entries")),
        sa.UniqueConstraint("entry_key", name=op.f("uq_custody_entries_entry_key")),
    )
    with op.batch_alter_table("custody_entries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_custody_entries_account_period", ["account_id", "period_start"], unique=False
        )
        batch_op.create_index("ix_custody_entries_period", ["period_start"], unique=False)
    op.create_table(
        "custody_holdings",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("credit_key", sa.String(length=250), nullable=False),
        sa.Column("grams", sa.BigInteger(), nullable=False),
        sa.Column("origin", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["custody_accounts.id"],
            name=op.f("fk_custody_holdings_account_id_custody_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["credit_key"],
            ["custody_credits.credit_key"],
            name=op.f("fk_custody_holdings_credit_key_custody_credits"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custody_holdings")),
    )
    with op.batch_alter_table("custody_holdings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_custody_holdings_account_id"), ["account_id"], unique=False)
    op.create_table(
        "custody_claims",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("entry_key", sa.String(length=250), nullable=False),
        sa.Column("credential_id", sa.String(length=300), nullable=False),
        sa.Column(
            "credential",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("signed", sa.Integer(), nullable=False),
        sa.Column("issued_at", junkan.store.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_key"],
            ["custody_entries.entry_key"],
            name=op.f("fk_custody_claims_entry_key_custody_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_custody_claims_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custody_claims")),
        sa.UniqueConstraint("entry_key", name=op.f("uq_custody_claims_entry_key")),
    )
    with op.batch_alter_table("custody_claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_custody_claims_org_id"), ["org_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("custody_claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_custody_claims_org_id"))
    op.drop_table("custody_claims")
    with op.batch_alter_table("custody_holdings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_custody_holdings_account_id"))
    op.drop_table("custody_holdings")
    with op.batch_alter_table("custody_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_custody_entries_period")
        batch_op.drop_index("ix_custody_entries_account_period")
    op.drop_table("custody_entries")
    op.drop_table("custody_closes")
    op.drop_table("custody_certificate_history")
    op.drop_table("custody_accounts")
    with op.batch_alter_table("custody_certificates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_custody_certificates_issuer_org_id"))
        batch_op.drop_index(batch_op.f("ix_custody_certificates_holder_org_id"))
    op.drop_table("custody_certificates")
    with op.batch_alter_table("custody_lot_claims", schema=None) as batch_op:
        batch_op.drop_index("ix_custody_lot_claims_root")
    op.drop_table("custody_lot_claims")
    with op.batch_alter_table("custody_credits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_custody_credits_input_event_id"))
    op.drop_table("custody_credits")
