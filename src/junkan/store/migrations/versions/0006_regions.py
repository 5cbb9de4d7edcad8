"""regions: profiles, statistics, facilities, scenarios, pilots, import runs

Revision ID: 0006_regions
Revises: 0001_members
Create Date: 2026-11-29 13:23:07.669020
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import junkan.store.metadata

revision = "0006_regions"
down_revision = "0001_members"
branch_labels = ("regions",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "region_profiles",
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name_ja", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("area_km2", sa.Float(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column(
            "features",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", junkan.store.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", junkan.store.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_region_profiles")),
    )
    with op.batch_alter_table("region_profiles", schema=None) as batch_op:
        batch_op.create_index("ix_region_profiles_kind", ["kind"], unique=False)

    op.create_table(
        "region_group_members",
        sa.Column("group_code", sa.String(length=80), nullable=False),
        sa.Column("member_code", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_code"],
            ["region_profiles.code"],
            name=op.f("fk_region_group_members_group_code_region_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_code", "member_code", name=op.f("pk_region_group_members")),
    )
    with op.batch_alter_table("region_group_members", schema=None) as batch_op:
        batch_op.create_index("ix_region_group_members_member", ["member_code"], unique=False)

    op.create_table(
        "region_import_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column(
            "regions",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("rows_changed", sa.Integer(), nullable=False),
        sa.Column(
            "report",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", junkan.store.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_region_import_runs_org_id_organizations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_region_import_runs")),
    )
    with op.batch_alter_table("region_import_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_region_import_runs_org_id"), ["org_id"], unique=False)
        batch_op.create_index("ix_region_import_runs_sha256", ["sha256"], unique=False)

    op.create_table(
        "region_industry",
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("sector", sa.String(length=60), nullable=False),
        sa.Column("employees", sa.Float(), nullable=False),
        sa.Column("census_year", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["code"],
            ["region_profiles.code"],
            name=op.f("fk_region_industry_code_region_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("code", "sector", name=op.f("pk_region_industry")),
    )
    op.create_table(
        "region_neighbours",
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("neighbour_code", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["code"],
            ["region_profiles.code"],
            name=op.f("fk_region_neighbours_code_region_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("code", "neighbour_code", name=op.f("pk_region_neighbours")),
    )
    op.create_table(
        "region_pilots",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("owner_org_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("method_id", sa.String(length=60), nullable=True),
        sa.Column("indicator", sa.String(length=60), nullable=False),
        sa.Column("start_year", sa.Integer(), nullable=False),
        sa.Column(
            "controls",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("min_controls", sa.Integer(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("published_at", junkan.store.metadata.UtcDateTime(timezone=True), nullable=True),
        sa.Column(
            "result",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("measured_at", junkan.store.metadata.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_at", junkan.store.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", junkan.store.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["code"],
            ["region_profiles.code"],
            name=op.f("fk_region_pilots_code_region_profiles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_org_id"],
            ["organizations.id"],
            name=op.f("fk_region_pilots_owner_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_region_pilots")),
    )
    with op.batch_alter_table("region_pilots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_region_pilots_code"), ["code"], unique=False)
        batch_op.create_index(batch_op.f("ix_region_pilots_owner_org_id"), ["owner_org_id"], unique=False)

    op.create_table(
        "region_scenarios",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("owner_org_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("baseline_year", sa.Integer(), nullable=True),
        sa.Column(
            "choices",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("horizon", sa.Integer(), nullable=False),
        sa.Column("draws", sa.Integer(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("published_at", junkan.store.metadata.UtcDateTime(timezone=True), nullable=True),
        sa.Column(
            "result",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("run_at", junkan.store.metadata.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_at", junkan.store.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", junkan.store.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["code"],
            ["region_profiles.code"],
            name=op.f("fk_region_scenarios_code_region_profiles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_org_id"],
            ["organizations.id"],
            name=op.f("fk_region_scenarios_owner_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_region_scenarios")),
    )
    with op.batch_alter_table("region_scenarios", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_region_scenarios_code"), ["code"], unique=False)
        batch_op.create_index(batch_op.f("ix_region_scenarios_owner_org_id"), ["owner_org_id"], unique=False)

    op.create_table(
        "region_facilities",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("capacity_t_per_day", sa.Float(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column(
            "streams",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("member_facility_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["code"],
            ["region_profiles.code"],
            name=op.f("fk_region_facilities_code_region_profiles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_facility_id"],
            ["facilities.id"],
            name=op.f("fk_region_facilities_member_facility_id_facilities"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_region_facilities")),
        sa.UniqueConstraint("code", "key", name=op.f("uq_region_facilities_code_key")),
    )
    with op.batch_alter_table("region_facilities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_region_facilities_member_facility_id"), ["member_facility_id"], unique=False
        )

    op.create_table(
        "region_pilot_observations",
        sa.Column("pilot_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["pilot_id"],
            ["region_pilots.id"],
            name=op.f("fk_region_pilot_observations_pilot_id_region_pilots"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pilot_id", "code", "year", name=op.f("pk_region_pilot_observations")),
    )
    op.create_table(
        "region_stats",
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("population", sa.Float(), nullable=True),
        sa.Column("households", sa.Float(), nullable=True),
        sa.Column("household_t", sa.Float(), nullable=True),
        sa.Column("business_t", sa.Float(), nullable=True),
        sa.Column("group_collection_t", sa.Float(), nullable=True),
        sa.Column("total_treated_t", sa.Float(), nullable=True),
        sa.Column("direct_recycling_t", sa.Float(), nullable=True),
        sa.Column("recycled_after_treatment_t", sa.Float(), nullable=True),
        sa.Column("incinerated_t", sa.Float(), nullable=True),
        sa.Column("final_disposal_t", sa.Float(), nullable=True),
        sa.Column("treatment_cost_jpy", sa.Float(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("import_run_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", junkan.store.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["code"],
            ["region_profiles.code"],
            name=op.f("fk_region_stats_code_region_profiles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["import_run_id"],
            ["region_import_runs.id"],
            name=op.f("fk_region_stats_import_run_id_region_import_runs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("code", "year", name=op.f("pk_region_stats")),
    )


def downgrade() -> None:
    op.drop_table("region_stats")
    op.drop_table("region_pilot_observations")
    with op.batch_alter_table("region_facilities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_region_facilities_member_facility_id"))

    op.drop_table("region_facilities")
    with op.batch_alter_table("region_scenarios", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_region_scenarios_owner_org_id"))
        batch_op.drop_index(batch_op.f("ix_region_scenarios_code"))

    op.drop_table("region_scenarios")
    with op.batch_alter_table("region_pilots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_region_pilots_owner_org_id"))
        batch_op.drop_index(batch_op.f("ix_region_pilots_code"))

    op.drop_table("region_pilots")
    op.drop_table("region_neighbours")
    op.drop_table("region_industry")
    with op.batch_alter_table("region_import_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_region_import_runs_sha256")
        batch_op.drop_index(batch_op.f("ix_region_import_runs_org_id"))

    op.drop_table("region_import_runs")
    with op.batch_alter_table("region_group_members", schema=None) as batch_op:
        batch_op.drop_index("ix_region_group_members_member")

    op.drop_table("region_group_members")
    with op.batch_alter_table("region_profiles", schema=None) as batch_op:
        batch_op.drop_index("ix_region_profiles_kind")

    op.drop_table("region_profiles")
