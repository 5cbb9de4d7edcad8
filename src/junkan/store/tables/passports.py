"""Tables of the passports context: one row per passport version, and the component edges between them.

``passports`` keeps each version's canonical document (``passport_to_dict``) plus the columns lists and
the GS1 resolver search on. Passport ids are unique across the platform (a product passport id is a
unique product identifier, ESPR Art. 9(1)(b)), so ``UNIQUE(passport_id, version)`` holds beside the
per-organisation key. ``digest`` is the SHA-256 of the stored document (the version digest behind
ETags); ``credential`` is the public UNTP credential issued when the version was published.

``passport_components`` lists each version's component references with the version they were *pinned*
to when the parent was published, so a published passport's roll-up never changes afterwards.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from junkan.store.metadata import Json, UtcDateTime, metadata

__all__ = ["passport_components", "passports"]

passports = Table(
    "passports",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("org_id", ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False),
    Column("passport_id", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("level", String(20), nullable=False),
    Column("gtin", String(14), nullable=True),
    Column("lot", String(20), nullable=True),
    Column("serial", String(20), nullable=True),
    Column("local_id", String(200), nullable=True),
    Column("name_ja", String(300), nullable=False),
    Column("name_en", String(300), nullable=False),
    Column("category_scheme", String(10), nullable=False),
    Column("category_code", String(12), nullable=False),
    Column("document", Json, nullable=False),
    Column("digest", String(64), nullable=False),
    Column("credential", Json, nullable=True),
    Column("predecessor", Integer, nullable=True),
    Column("is_demo", Boolean, nullable=False, default=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("published_at", UtcDateTime, nullable=True),
    Column("withdrawn_at", UtcDateTime, nullable=True),
    UniqueConstraint("org_id", "passport_id", "version"),
    UniqueConstraint("passport_id", "version"),
    Index("ix_passports_gtin", "gtin", "lot", "serial"),
    Index("ix_passports_org_status", "org_id", "status"),
    Index("ix_passports_status_category", "status", "category_code"),
)

passport_components = Table(
    "passport_components",
    metadata,
    Column("parent_pk", ForeignKey("passports.pk", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("component_id", String(200), nullable=False),
    Column("pinned_version", Integer, nullable=True),
    Index("ix_passport_components_component", "component_id"),
)
