"""passports: passport versions and component edges

Revision ID: 0002_passports
Revises: 0001_members
Create Date: 2026-11-29 13:23:07.710168
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import junkan.store.metadata

revision = "0002_passports"
down_revision = "0001_members"
branch_labels = ("passports",)
depends_on = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "passports",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("passport_id", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("gtin", sa.String(length=14), nullable=True),
        sa.Column("lot", sa.String(length=20), nullable=True),
        sa.Column("serial", sa.String(length=20), nullable=True),
        sa.Column("local_id", sa.String(length=200), nullable=True),
        sa.Column("name_ja", sa.String(length=300), nullable=False),
        sa.Column("name_en", sa.String(length=300), nullable=False),
        sa.Column("category_scheme", sa.String(length=10), nullable=False),
        sa.Column("category_code", sa.String(length=12), nullable=False),
        sa.Column("document", _JSON, nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("credential", _JSON, nullable=True),
        sa.Column("predecessor", sa.Integer(), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", junkan.store.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", junkan.store.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.Column("published_at", junkan.store.metadata.UtcDateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", junkan.store.metadata.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_passports_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_passports")),
        sa.UniqueConstraint(
            "org_id", "passport_id", "version", name=op.f("uq_passports_org_id_passport_id_version")
        ),
        sa.UniqueConstraint("passport_id", "version", name=op.f("uq_passports_passport_id_version")),
    )
    with op.batch_alter_table("passports", schema=None) as batch_op:
        batch_op.create_index("ix_passports_gtin", ["gtin", "lot", "serial"], unique=False)
        batch_op.create_index("ix_passports_org_status", ["org_id", "status"], unique=False)
        batch_op.create_index("ix_passports_status_category", ["status", "category_code"], unique=False)

    op.create_table(
        "passport_components",
        sa.Column("parent_pk", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("component_id", sa.String(length=200), nullable=False),
        sa.Column("pinned_version", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_pk"],
            ["passports.pk"],
            name=op.f("fk_passport_components_parent_pk_passports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("parent_pk", "position", name=op.f("pk_passport_components")),
    )
    with op.batch_alter_table("passport_components", schema=None) as batch_op:
        batch_op.create_index("ix_passport_components_component", ["component_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("passport_components", schema=None) as batch_op:
        batch_op.drop_index("ix_passport_components_component")
    op.drop_table("passport_components")
    with op.batch_alter_table("passports", schema=None) as batch_op:
        batch_op.drop_index("ix_passports_status_category")
        batch_op.drop_index("ix_passports_org_status")
        batch_op.drop_index("ix_passports_gtin")
    op.drop_table("passports")
