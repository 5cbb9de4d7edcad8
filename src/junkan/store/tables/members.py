"""Tables of the members context: organisations, facilities, people, sessions, tokens, partners, targets."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from junkan.store.metadata import UtcDateTime, metadata

__all__ = [
    "api_tokens",
    "ce_targets",
    "facilities",
    "organizations",
    "partnership_events",
    "partnerships",
    "people",
    "sessions",
    "target_progress",
]

organizations = Table(
    "organizations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name_ja", String(200), nullable=False, unique=True),
    Column("name_en", String(200), nullable=False, unique=True),
    Column("kind", String(40), nullable=False),
    Column("corporate_number", String(13), nullable=True, unique=True),
    Column("municipality_code", String(6), nullable=True),
    Column("sector", String(120), nullable=True),
    Column("contact_email", String(254), nullable=True),
    Column("contact_phone", String(40), nullable=True),
    Column("website", String(300), nullable=True),
    Column("membership_date", Date, nullable=True),
    Column("is_demo", Boolean, nullable=False, default=False),
    Column("created_at", UtcDateTime, nullable=False),
)

facilities = Table(
    "facilities",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("org_id", ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("address", String(300), nullable=True),
    Column("municipality_code", String(6), nullable=True, index=True),
    Column("latitude", Float, nullable=True),
    Column("longitude", Float, nullable=True),
    Column("is_public", Boolean, nullable=False, default=True),
    Column("capacity_t_per_year", Numeric(18, 3), nullable=True),
    Column("internal_notes", Text, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("org_id", "name"),
)

people = Table(
    "people",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("org_id", ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("password_hash", String(300), nullable=True),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UtcDateTime, nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("org_id", ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_by", ForeignKey("people.id", ondelete="SET NULL"), nullable=True),
    Column("name", String(100), nullable=False),
    Column("prefix", String(16), nullable=False, unique=True),
    Column("token_hash", String(64), nullable=False),
    Column("scopes", String(200), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime, nullable=True),
    Column("last_used_at", UtcDateTime, nullable=True),
)

partnerships = Table(
    "partnerships",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("requester_org_id", ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False),
    Column("partner_org_id", ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False),
    Column("status", String(20), nullable=False),
    Column("note", String(500), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    CheckConstraint("requester_org_id <> partner_org_id", name="not_self"),
    Index("ix_partnerships_pair", "requester_org_id", "partner_org_id"),
    Index("ix_partnerships_partner", "partner_org_id"),
)

partnership_events = Table(
    "partnership_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("partnership_id", ForeignKey("partnerships.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("status", String(20), nullable=False),
    Column("actor_org_id", Integer, nullable=False),
    Column("actor_label", String(200), nullable=False),
    Column("note", String(500), nullable=True),
    Column("at", UtcDateTime, nullable=False),
)

ce_targets = Table(
    "ce_targets",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("org_id", ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("metric", String(200), nullable=False),
    Column("unit", String(40), nullable=False),
    Column("baseline_year", Integer, nullable=False),
    Column("baseline_value", Numeric(20, 6), nullable=False),
    Column("target_year", Integer, nullable=False),
    Column("target_value", Numeric(20, 6), nullable=False),
    Column("scope", String(300), nullable=False),
    Column("status", String(20), nullable=False),
    Column("declared_at", UtcDateTime, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
)

target_progress = Table(
    "target_progress",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("target_id", ForeignKey("ce_targets.id", ondelete="CASCADE"), nullable=False),
    Column("year", Integer, nullable=False),
    Column("value", Numeric(20, 6), nullable=False),
    Column("note", String(500), nullable=True),
    Column("reported_at", UtcDateTime, nullable=False),
    UniqueConstraint("target_id", "year"),
)
