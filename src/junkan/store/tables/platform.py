"""Cross-cutting tables: the audit log and idempotency keys."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, String, Table, Text

from junkan.store.metadata import Json, UtcDateTime, metadata

__all__ = ["audit_log", "idempotency_keys"]

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("at", UtcDateTime, nullable=False),
    Column("org_id", ForeignKey("organizations.id", ondelete="CASCADE"), nullable=True),
    Column("actor_person_id", Integer, nullable=True),
    Column("actor_token_id", Integer, nullable=True),
    Column("actor_label", String(200), nullable=False),
    Column("action", String(80), nullable=False),
    Column("entity", String(80), nullable=False),
    Column("entity_id", String(120), nullable=False),
    Column("changes", Json, nullable=False),
    Column("ip", String(64), nullable=True),
    Column("user_agent", String(300), nullable=True),
    Index("ix_audit_log_org_at", "org_id", "at"),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("org_id", ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("method_path", String(300), nullable=False),
    Column("request_hash", String(64), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("response_body", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)
