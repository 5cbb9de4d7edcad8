"""Use cases for region profiles: list, read, create and change a region, its yearly statistics and
its facilities. Reading is open to everyone (public reference data); writing follows
``regions.service.access``: the platform operator, or an admin of the municipality the region is.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection

from junkan.actor import Actor
from junkan.errors import Conflict, InvalidInput, NotFound
from junkan.pagination import Page, PageRequest
from junkan.regions.analysis import default_year
from junkan.regions.codes import RegionKind, validate_region_id
from junkan.regions.model import FACILITY_KINDS, SECTORS, Facility, RegionProfile, WasteYear
from junkan.regions.service.access import can_write_region, require_profile, require_region_writer
from junkan.regions.service.platform import located_facilities, scope_of
from junkan.store import audit
from junkan.store.regions_repo import STAT_FIELDS, RegionsRepo
from junkan.store.uow import UnitOfWork

__all__ = [
    "PROFILE_FIELDS",
    "add_region_facility",
    "create_region",
    "delete_region_facility",
    "get_region",
    "list_regions",
    "put_region_year",
    "region_stats",
    "update_region",
]

PROFILE_FIELDS = (
    "name_ja",
    "name_en",
    "area_km2",
    "lat",
    "lon",
    "features",
    "neighbours",
    "members",
    "employment",
    "source",
)


# profiles ---------------------------------------------------------------------------------------
def list_regions(
    uow: UnitOfWork, actor: Actor, page: PageRequest, *, q: str | None = None, kind: str | None = None
) -> Page[dict[str, Any]]:
    if kind and kind not in {k.value for k in RegionKind}:
        raise InvalidInput(
            f"unknown region kind {kind!r}; use municipality, prefecture or group",
            code="unknown_enum",
            field="kind",
        )
    with uow:
        return RegionsRepo(uow.conn).list_profiles(page, q=q, kind=kind)


def _named(code: str, names: Mapping[str, RegionProfile]) -> dict[str, str]:
    p = names.get(code)
    return {"code": code, "name_ja": p.name_ja if p else code, "name_en": p.name_en if p else code}


def _profile_view(repo: RegionsRepo, p: RegionProfile, actor: Actor, conn: Connection) -> dict[str, Any]:
    meta = repo.get_meta(p.code) or {}
    names = (
        {x.code: x for x in repo.load_profiles([*p.neighbours, *p.members])}
        if (p.neighbours or p.members)
        else {}
    )
    fac_rows = repo.facility_rows(p.code)
    platform = located_facilities(conn, [scope_of(p)]).get(p.code, ())
    years = sorted(set(p.population) | set(p.waste))
    latest = max((y for y, v in p.population.items() if v is not None), default=None)
    return {
        "code": p.code,
        "kind": p.kind.value,
        "name_ja": p.name_ja,
        "name_en": p.name_en,
        "area_km2": p.area_km2,
        "lat": p.lat,
        "lon": p.lon,
        "features": sorted(p.features),
        "source": p.source,
        "is_demo": p.demo,
        "employment": dict(p.employment),
        "neighbours": [_named(c, names) for c in p.neighbours],
        "members": [_named(c, names) for c in p.members],
        "facilities": [
            {
                "key": r["key"],
                "kind": r["kind"],
                "name": r["name"],
                "capacity_t_per_day": r["capacity_t_per_day"],
                "lat": r["lat"],
                "lon": r["lon"],
                "streams": list(r["streams"] or ()),
                "member_facility_id": r["member_facility_id"],
                "origin": "region",
            }
            for r in fac_rows
        ]
        + [
            {
                "key": f.id,
                "kind": f.kind,
                "name": f.name,
                "capacity_t_per_day": None,
                "lat": f.lat,
                "lon": f.lon,
                "streams": [],
                "member_facility_id": int(f.id.split(":")[1]),
                "origin": "platform",
            }
            for f in platform
        ],
        "years": years,
        "latest_year": latest,
        "population": p.population.get(latest) if latest is not None else None,
        "default_year": default_year(p),
        "created_at": meta.get("created_at"),
        "updated_at": meta.get("updated_at"),
        "writable": can_write_region(repo, actor.principal, p.code, p.kind, p.members),
    }


def get_region(uow: UnitOfWork, actor: Actor, code: str) -> dict[str, Any]:
    with uow:
        repo = RegionsRepo(uow.conn)
        return _profile_view(repo, require_profile(repo, code), actor, uow.conn)


def _clean_profile_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(changes) - set(PROFILE_FIELDS))
    if unknown:
        raise InvalidInput(
            f"these fields cannot be set: {unknown}; settable: {', '.join(PROFILE_FIELDS)}",
            code="unknown_field",
            field=unknown[0],
        )
    out = dict(changes)
    for i, c in enumerate(out.get("neighbours") or ()):
        validate_region_id(c, field=f"neighbours[{i}]")
    for s in out.get("employment") or {}:
        if s not in SECTORS:
            raise InvalidInput(
                f"sector {s!r} is unknown; use one of {', '.join(SECTORS)}",
                code="unknown_sector",
                field=f"employment.{s}",
            )
    return out


def create_region(
    uow: UnitOfWork, actor: Actor, values: Mapping[str, Any], *, demo: bool = False
) -> dict[str, Any]:
    """Create a profile (a group, or a region before its first statistics import).

    ``demo`` flags fictional demo data (the demo builder), shown with a demo tag and noted in reports.
    """
    code = str(values.get("code", "")).strip()
    code, kind = validate_region_id(code)
    changes = _clean_profile_changes({k: v for k, v in values.items() if k != "code"})
    profile = RegionProfile(
        code=code,
        kind=kind,
        name_ja=str(changes.get("name_ja") or ""),
        name_en=str(changes.get("name_en") or ""),
        area_km2=changes.get("area_km2"),
        lat=changes.get("lat"),
        lon=changes.get("lon"),
        features=frozenset(changes.get("features") or ()),
        neighbours=tuple(changes.get("neighbours") or ()),
        members=tuple(changes.get("members") or ()),
        employment=dict(changes.get("employment") or {}),
        source=str(changes.get("source") or ""),
        demo=demo,
    )
    if not profile.name_ja.strip() or not profile.name_en.strip():
        raise InvalidInput(
            "give the region's name in Japanese and English (name_ja, name_en)",
            code="required",
            field="name_ja",
        )
    with uow:
        repo = RegionsRepo(uow.conn)
        require_region_writer(repo, actor, code, kind, profile.members)
        if repo.get_meta(code) is not None:
            raise Conflict(
                f"region {code} exists already; change it with PATCH", code="duplicate_region", field="code"
            )
        repo.insert_profile(profile, now=actor.now)
        audit.record(
            uow.conn,
            actor,
            action="region.create",
            entity="region",
            entity_id=code,
            changes={k: v for k, v in values.items()},
        )
        uow.commit()
        return _profile_view(repo, require_profile(repo, code), actor, uow.conn)


def update_region(uow: UnitOfWork, actor: Actor, code: str, changes: Mapping[str, Any]) -> dict[str, Any]:
    clean = _clean_profile_changes(changes)
    with uow:
        repo = RegionsRepo(uow.conn)
        current = require_profile(repo, code)
        require_region_writer(repo, actor, code, current.kind, current.members)
        replaced: dict[str, Any] = {
            k: (frozenset(v) if k == "features" else tuple(v) if k in ("neighbours", "members") else v)
            for k, v in clean.items()
        }
        new = dataclasses.replace(current, **replaced)  # RegionProfile re-validates members and sectors
        meta_keys = ("name_ja", "name_en", "area_km2", "lat", "lon", "features", "source")
        meta = {k: v for k, v in clean.items() if k in meta_keys}
        if meta:
            repo.update_profile(code, meta, now=actor.now)
        if "neighbours" in clean:
            repo.set_neighbours(code, new.neighbours)
        if "members" in clean:
            repo.set_members(code, new.members)
        if "employment" in clean:
            repo.set_industry(code, new.employment)
        audit.record(uow.conn, actor, action="region.update", entity="region", entity_id=code, changes=clean)
        uow.commit()
        return _profile_view(repo, require_profile(repo, code), actor, uow.conn)


def region_stats(uow: UnitOfWork, actor: Actor, code: str) -> list[dict[str, Any]]:
    with uow:
        repo = RegionsRepo(uow.conn)
        require_profile(repo, code)
        return [
            {k: r[k] for k in ("year", *STAT_FIELDS, "source", "import_run_id", "updated_at")}
            for r in repo.stats_rows(code)
        ]


def put_region_year(
    uow: UnitOfWork, actor: Actor, code: str, year: int, values: Mapping[str, float | None], *, source: str
) -> dict[str, Any]:
    """Set one fiscal year of a region's statistics (the given row replaces the stored one)."""
    if not 1900 <= year <= 2100:
        raise InvalidInput("give the fiscal year as four digits, e.g. 2022", code="bad_year", field="year")
    unknown = sorted(set(values) - set(STAT_FIELDS))
    if unknown:
        raise InvalidInput(f"unknown statistics {unknown}", code="unknown_field", field=unknown[0])
    WasteYear(**{k: values.get(k) for k in STAT_FIELDS[2:]}).validate(field="waste")
    for k in ("population", "households"):
        v = values.get(k)
        if v is not None and v < 0:
            raise InvalidInput(f"{k} cannot be negative", code="negative_amount", field=k)
    with uow:
        repo = RegionsRepo(uow.conn)
        p = require_profile(repo, code)
        require_region_writer(repo, actor, code, p.kind, p.members)
        old = repo.get_stats(code, year)
        repo.put_stats(
            code, year, values, source=source or "entered through the API", run_id=None, now=actor.now
        )
        before = {k: old[k] for k in STAT_FIELDS} if old else None
        audit.record(
            uow.conn,
            actor,
            action="region.stats.put",
            entity="region",
            entity_id=f"{code}/{year}",
            changes={"old": before, "new": dict(values)},
        )
        uow.commit()
        row = repo.get_stats(code, year) or {}
    return {k: row.get(k) for k in ("year", *STAT_FIELDS, "source", "updated_at")}


_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")


def add_region_facility(
    uow: UnitOfWork, actor: Actor, code: str, f: Facility, *, member_facility_id: int | None = None
) -> dict[str, Any]:
    if not _KEY.match(f.id):
        raise InvalidInput(
            "key: lowercase letters, digits, - and _ (e.g. city-incinerator)", code="bad_key", field="key"
        )
    if f.kind not in FACILITY_KINDS:
        raise InvalidInput(
            f"kind must be one of {', '.join(FACILITY_KINDS)}", code="unknown_enum", field="kind"
        )
    with uow:
        repo = RegionsRepo(uow.conn)
        p = require_profile(repo, code)
        require_region_writer(repo, actor, code, p.kind, p.members)
        if member_facility_id is not None:
            mf = repo.member_facility(member_facility_id)
            if mf is None or not mf["is_public"]:
                raise NotFound(f"facility {member_facility_id} not found", field="member_facility_id")
            if f.lat is None and mf["latitude"] is not None:
                f = dataclasses.replace(f, lat=mf["latitude"], lon=mf["longitude"])
        if any(r["key"] == f.id for r in repo.facility_rows(code)):
            raise Conflict(
                f"region {code} already has a facility {f.id!r}", code="duplicate_key", field="key"
            )
        repo.add_facility(code, f, member_facility_id=member_facility_id)
        audit.record(
            uow.conn,
            actor,
            action="region.facility.add",
            entity="region",
            entity_id=code,
            changes={**dataclasses.asdict(f), "member_facility_id": member_facility_id},
        )
        uow.commit()
        return _profile_view(repo, require_profile(repo, code), actor, uow.conn)


def delete_region_facility(uow: UnitOfWork, actor: Actor, code: str, key: str) -> None:
    with uow:
        repo = RegionsRepo(uow.conn)
        p = require_profile(repo, code)
        require_region_writer(repo, actor, code, p.kind, p.members)
        if not repo.delete_facility(code, key):
            raise NotFound(f"region {code} has no facility {key!r}", field="key")
        audit.record(
            uow.conn,
            actor,
            action="region.facility.delete",
            entity="region",
            entity_id=code,
            changes={"key": key},
        )
        uow.commit()
