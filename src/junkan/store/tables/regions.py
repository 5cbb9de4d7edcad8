"""Tables of the regions context: region profiles and their statistics, scenarios, pilots, import runs.

Region profiles and yearly statistics are public reference data (環境省 一般廃棄物処理実態調査 and the
like); scenarios and pilots belong to an organisation and stay private until it publishes them.

Statistics are stored as ``Float``: they are survey figures that the domain computes on as numpy float64
(conventions: statistics and indicators may use float64), not mass-balance credits. Yen figures of a
municipal budget (< 2**53) are exact in a float64.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from junkan.store.metadata import Json, UtcDateTime, metadata

__all__ = [
    "region_facilities",
    "region_group_members",
    "region_import_runs",
    "region_industry",
    "region_neighbours",
    "region_pilot_observations",
    "region_pilots",
    "region_profiles",
    "region_scenarios",
    "region_stats",
]

CODE = 80  # "group:" + a 63-character slug fits

region_profiles = Table(
    "region_profiles",
    metadata,
    Column("code", String(CODE), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("name_ja", String(200), nullable=False),
    Column("name_en", String(200), nullable=False),
    Column("area_km2", Float, nullable=True),
    Column("lat", Float, nullable=True),
    Column("lon", Float, nullable=True),
    Column("features", Json, nullable=False),
    Column("source", Text, nullable=False),
    Column("is_demo", Boolean, nullable=False, default=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_region_profiles_kind", "kind"),
)

region_group_members = Table(
    "region_group_members",
    metadata,
    Column("group_code", ForeignKey("region_profiles.code", ondelete="CASCADE"), primary_key=True),
    Column("member_code", String(CODE), primary_key=True),
    Index("ix_region_group_members_member", "member_code"),
)

region_neighbours = Table(
    "region_neighbours",
    metadata,
    Column("code", ForeignKey("region_profiles.code", ondelete="CASCADE"), primary_key=True),
    Column("neighbour_code", String(CODE), primary_key=True),
)

region_industry = Table(
    "region_industry",
    metadata,
    Column("code", ForeignKey("region_profiles.code", ondelete="CASCADE"), primary_key=True),
    Column("sector", String(60), primary_key=True),
    Column("employees", Float, nullable=False),
    Column("census_year", Integer, nullable=True),
)

region_stats = Table(
    "region_stats",
    metadata,
    Column("code", ForeignKey("region_profiles.code", ondelete="CASCADE"), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("population", Float, nullable=True),
    Column("households", Float, nullable=True),
    Column("household_t", Float, nullable=True),
    Column("business_t", Float, nullable=True),
    Column("group_collection_t", Float, nullable=True),
    Column("total_treated_t", Float, nullable=True),
    Column("direct_recycling_t", Float, nullable=True),
    Column("recycled_after_treatment_t", Float, nullable=True),
    Column("incinerated_t", Float, nullable=True),
    Column("final_disposal_t", Float, nullable=True),
    Column("treatment_cost_jpy", Float, nullable=True),
    Column("source", Text, nullable=False),
    Column("import_run_id", ForeignKey("region_import_runs.id", ondelete="SET NULL"), nullable=True),
    Column("updated_at", UtcDateTime, nullable=False),
)

region_facilities = Table(
    "region_facilities",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("code", ForeignKey("region_profiles.code", ondelete="CASCADE"), nullable=False),
    Column("key", String(80), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("name", String(200), nullable=False),
    Column("capacity_t_per_day", Float, nullable=True),
    Column("lat", Float, nullable=True),
    Column("lon", Float, nullable=True),
    Column("streams", Json, nullable=False),
    # a facility a member organisation registered on the platform (members context), if this is one
    Column("member_facility_id", ForeignKey("facilities.id", ondelete="SET NULL"), nullable=True, index=True),
    UniqueConstraint("code", "key"),
)

region_import_runs = Table(
    "region_import_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("org_id", ForeignKey("organizations.id", ondelete="SET NULL"), nullable=True, index=True),
    Column("actor_label", String(200), nullable=False),
    Column("kind", String(30), nullable=False),
    Column("filename", String(300), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("status", String(20), nullable=False),
    Column("regions", Json, nullable=False),
    Column("rows_read", Integer, nullable=False),
    Column("rows_changed", Integer, nullable=False),
    Column("report", Json, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_region_import_runs_sha256", "sha256"),
)

region_scenarios = Table(
    "region_scenarios",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("owner_org_id", ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("code", ForeignKey("region_profiles.code", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("note", Text, nullable=True),
    Column("baseline_year", Integer, nullable=True),
    Column("choices", Json, nullable=False),
    Column("horizon", Integer, nullable=False),
    Column("draws", Integer, nullable=False),
    Column("seed", Integer, nullable=False),
    Column("published", Boolean, nullable=False, default=False),
    Column("published_at", UtcDateTime, nullable=True),
    Column("result", Json, nullable=True),
    Column("run_at", UtcDateTime, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

region_pilots = Table(
    "region_pilots",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("owner_org_id", ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("code", ForeignKey("region_profiles.code", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("note", Text, nullable=True),
    Column("method_id", String(60), nullable=True),
    Column("indicator", String(60), nullable=False),
    Column("start_year", Integer, nullable=False),
    Column("controls", Json, nullable=False),
    Column("confidence", Float, nullable=False),
    Column("min_controls", Integer, nullable=False),
    Column("published", Boolean, nullable=False, default=False),
    Column("published_at", UtcDateTime, nullable=True),
    Column("result", Json, nullable=True),
    Column("measured_at", UtcDateTime, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

# The pilot's own measurements of its indicator (e.g. preliminary figures before the national survey
# publishes them): private pilot data, used in place of the published statistic for that region-year.
region_pilot_observations = Table(
    "region_pilot_observations",
    metadata,
    Column("pilot_id", ForeignKey("region_pilots.id", ondelete="CASCADE"), primary_key=True),
    Column("code", String(CODE), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("value", Float, nullable=False),
    Column("note", String(300), nullable=True),
)
