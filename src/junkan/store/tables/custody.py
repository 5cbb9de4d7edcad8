"""Tables of the custody context: mass-balance accounts, entries, FIFO credit holdings, the network-wide
credit and lot-claim registry, period closes, claims with their signed credentials, and the book-and-claim
certificate register. Amounts are integer grams (exact, never binary floats).

Scale plan: ``custody_entries`` is append-only and read per account and period, so on PostgreSQL it
partitions by ``RANGE (period_start)``; the vectorised period close reads one period's entries as columns.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from junkan.store.metadata import Json, UtcDateTime, metadata

__all__ = [
    "custody_accounts",
    "custody_certificate_history",
    "custody_certificates",
    "custody_claims",
    "custody_closes",
    "custody_credits",
    "custody_entries",
    "custody_holdings",
    "custody_lot_claims",
]

BigId = BigInteger().with_variant(Integer, "sqlite")

custody_accounts = Table(
    "custody_accounts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("org_id", ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False),
    Column("site_id", ForeignKey("facilities.id"), nullable=False),
    Column("material_group", String(120), nullable=False),
    Column("characteristic", String(40), nullable=False),
    Column("balance_g", BigInteger, nullable=False, default=0),
    Column("last_time", UtcDateTime, nullable=True),
    Column("closed_until", Date, nullable=True),  # end of the latest closed period
    UniqueConstraint("org_id", "site_id", "material_group", "characteristic"),
)

custody_entries = Table(
    "custody_entries",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("account_id", ForeignKey("custody_accounts.id", ondelete="CASCADE"), nullable=False),
    Column("org_id", Integer, nullable=False),
    Column("entry_key", String(250), nullable=False, unique=True),  # network-unique: "<org>:<client id>"
    Column("kind", Integer, nullable=False),  # junkan.custody.model.EntryKind
    Column("grams", BigInteger, nullable=False),
    Column("time", UtcDateTime, nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("event_ids", Json, nullable=False),
    Column("credits", Json, nullable=False),
    Column("lots", Json, nullable=False),
    Column("note", String(500), nullable=False, default=""),
    Column("request", String(64), nullable=False),  # digest of the posting, for idempotent replays
    Index("ix_custody_entries_account_period", "account_id", "period_start"),
    Index("ix_custody_entries_period", "period_start"),
)

custody_credits = Table(
    "custody_credits",
    metadata,
    Column("credit_key", String(250), primary_key=True),
    Column("org_id", Integer, nullable=False),
    Column("issued_g", BigInteger, nullable=False),
    Column("used_g", BigInteger, nullable=False, default=0),
    Column("input_event_id", BigInteger, nullable=True, index=True),
    Column("input_kg", String(40), nullable=False),
)

custody_holdings = Table(
    "custody_holdings",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("account_id", ForeignKey("custody_accounts.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("credit_key", ForeignKey("custody_credits.credit_key"), nullable=False),
    Column("grams", BigInteger, nullable=False),
    Column("origin", Integer, nullable=False),
)

custody_lot_claims = Table(
    "custody_lot_claims",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("root_lot_id", BigInteger, nullable=False),
    Column("lot_id", BigInteger, nullable=False),
    Column("characteristic", String(40), nullable=False),
    Column("grams", BigInteger, nullable=False),
    Column("entry_key", String(250), nullable=False),
    Index("ix_custody_lot_claims_root", "root_lot_id", "characteristic"),
)

custody_closes = Table(
    "custody_closes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_id", ForeignKey("custody_accounts.id", ondelete="CASCADE"), nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("opening_g", BigInteger, nullable=False),
    Column("credits_g", BigInteger, nullable=False),
    Column("transfers_in_g", BigInteger, nullable=False),
    Column("claims_g", BigInteger, nullable=False),
    Column("transfers_out_g", BigInteger, nullable=False),
    Column("expired_g", BigInteger, nullable=False),
    Column("closing_g", BigInteger, nullable=False),
    Column("book_kg", String(40), nullable=True),
    Column("physical_kg", String(40), nullable=True),
    Column("closed_at", UtcDateTime, nullable=False),
    UniqueConstraint("account_id", "period_start"),
)

custody_claims = Table(
    "custody_claims",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("org_id", ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("entry_key", ForeignKey("custody_entries.entry_key"), nullable=False, unique=True),
    Column("credential_id", String(300), nullable=False),
    Column("credential", Json, nullable=False),
    Column("signed", Integer, nullable=False, default=0),
    Column("issued_at", UtcDateTime, nullable=False),
)

custody_certificates = Table(
    "custody_certificates",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(200), nullable=False, unique=True),
    Column("issuer_org_id", ForeignKey("organizations.id"), nullable=False, index=True),
    Column("holder_org_id", ForeignKey("organizations.id"), nullable=False, index=True),
    Column("grams", BigInteger, nullable=False),
    Column("characteristic", String(40), nullable=False),
    Column("material_group", String(120), nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("event_ids", Json, nullable=False),
    Column("retired_for", String(300), nullable=True),
    Column("retired_at", UtcDateTime, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
)

custody_certificate_history = Table(
    "custody_certificate_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("certificate_id", ForeignKey("custody_certificates.id", ondelete="CASCADE"), nullable=False),
    Column("action", String(20), nullable=False),
    Column("by_org_id", Integer, nullable=False),
    Column("to", String(300), nullable=False),
    Column("time", UtcDateTime, nullable=False),
)
