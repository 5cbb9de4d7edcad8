"""Repository of the regions context: maps the regions tables to domain values and back.

Profiles come back as :class:`junkan.regions.model.RegionProfile` with their yearly statistics, industry
structure, facilities, neighbours and group members. Scenarios, pilots and import runs come back as plain
dicts (their JSON columns hold the parameters and results the service interprets).

The repository also *reads* two tables of the members context (organisations and public facilities)
to tell which platform members are located in a region; it never writes them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    true,
    update,
)

from junkan.pagination import Page, PageRequest
from junkan.regions.codes import RegionKind
from junkan.regions.model import WASTE_FIELDS, Facility, RegionProfile, WasteYear
from junkan.store.tables.members import facilities, organizations
from junkan.store.tables.regions import (
    region_facilities,
    region_group_members,
    region_import_runs,
    region_industry,
    region_neighbours,
    region_pilot_observations,
    region_pilots,
    region_profiles,
    region_scenarios,
    region_stats,
)

__all__ = ["STAT_FIELDS", "RegionsRepo"]

STAT_FIELDS = ("population", "households", *WASTE_FIELDS)


def _profile_values(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in ("code", "kind", "name_ja", "name_en", "area_km2", "lat", "lon", "source")}


class RegionsRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # profiles -----------------------------------------------------------------------------------
    def get_meta(self, code: str) -> dict[str, Any] | None:
        row = self.conn.execute(select(region_profiles).where(region_profiles.c.code == code)).first()
        return dict(row._mapping) if row else None

    def insert_profile(self, p: RegionProfile, *, now: dt.datetime) -> None:
        self.conn.execute(
            insert(region_profiles).values(
                code=p.code,
                kind=p.kind.value,
                name_ja=p.name_ja,
                name_en=p.name_en,
                area_km2=p.area_km2,
                lat=p.lat,
                lon=p.lon,
                features=sorted(p.features),
                source=p.source,
                is_demo=p.demo,
                created_at=now,
                updated_at=now,
            )
        )
        self.set_members(p.code, p.members)
        self.set_neighbours(p.code, p.neighbours)
        if p.employment:
            self.set_industry(p.code, p.employment)

    def update_profile(self, code: str, changes: Mapping[str, Any], *, now: dt.datetime) -> None:
        values = dict(changes)
        if "features" in values:
            values["features"] = sorted(values["features"])
        self.conn.execute(
            update(region_profiles).where(region_profiles.c.code == code).values(**values, updated_at=now)
        )

    def set_members(self, code: str, members: Sequence[str]) -> None:
        self.conn.execute(delete(region_group_members).where(region_group_members.c.group_code == code))
        for m in dict.fromkeys(members):
            self.conn.execute(insert(region_group_members).values(group_code=code, member_code=m))

    def set_neighbours(self, code: str, neighbours: Sequence[str]) -> None:
        self.conn.execute(delete(region_neighbours).where(region_neighbours.c.code == code))
        for n in dict.fromkeys(neighbours):
            self.conn.execute(insert(region_neighbours).values(code=code, neighbour_code=n))

    def set_industry(
        self, code: str, employment: Mapping[str, float], census_year: int | None = None
    ) -> None:
        self.conn.execute(delete(region_industry).where(region_industry.c.code == code))
        for sector, n in employment.items():
            self.conn.execute(
                insert(region_industry).values(
                    code=code, sector=sector, employees=float(n), census_year=census_year
                )
            )

    def list_profiles(
        self, page: PageRequest, *, q: str | None = None, kind: str | None = None
    ) -> Page[dict[str, Any]]:
        cond: list[ColumnElement[bool]] = []
        rp = region_profiles.c
        if kind:
            cond.append(rp.kind == kind)
        if q:
            like = f"%{q}%"
            cond.append(or_(rp.name_ja.ilike(like), rp.name_en.ilike(like), rp.code.like(f"{q}%")))
        where = and_(*cond) if cond else None
        base = select(region_profiles)
        count = select(func.count()).select_from(region_profiles)
        if where is not None:
            base, count = base.where(where), count.where(where)
        rows = [
            dict(r._mapping)
            for r in self.conn.execute(base.order_by(rp.kind, rp.code).limit(page.limit).offset(page.offset))
        ]
        latest = self._latest_population([r["code"] for r in rows])
        for r in rows:
            r["latest_year"], r["population"] = latest.get(r["code"], (None, None))
        return Page(rows, int(self.conn.execute(count).scalar_one()), page.limit, page.offset)

    def _latest_population(self, codes: Sequence[str]) -> dict[str, tuple[int, float]]:
        if not codes:
            return {}
        s = region_stats.c
        sub = (
            select(s.code, func.max(s.year).label("year"))
            .where(s.code.in_(codes), s.population.is_not(None))
            .group_by(s.code)
            .subquery()
        )
        q = select(s.code, s.year, s.population).join(sub, and_(s.code == sub.c.code, s.year == sub.c.year))
        return {r.code: (r.year, r.population) for r in self.conn.execute(q)}

    def codes(self, *, kind: str | None = None) -> list[str]:
        q = select(region_profiles.c.code).order_by(region_profiles.c.code)
        if kind:
            q = q.where(region_profiles.c.kind == kind)
        return [r[0] for r in self.conn.execute(q)]

    def load_profiles(
        self, codes: Sequence[str] | None = None, *, kind: str | None = None
    ) -> list[RegionProfile]:
        """Full profiles (statistics, industry, facilities, neighbours, members) in a handful of queries."""
        q = select(region_profiles).order_by(region_profiles.c.code)
        if codes is not None:
            if not codes:
                return []
            q = q.where(region_profiles.c.code.in_(list(codes)))
        if kind:
            q = q.where(region_profiles.c.kind == kind)
        metas = [dict(r._mapping) for r in self.conn.execute(q)]
        wanted = [m["code"] for m in metas]
        if not wanted:
            return []
        stats: dict[str, list[dict[str, Any]]] = defaultdict(list)
        cols = [region_stats.c[k] for k in ("code", "year", *STAT_FIELDS)]
        for r in self.conn.execute(select(*cols).where(region_stats.c.code.in_(wanted))):
            stats[r.code].append(dict(r._mapping))
        emp: dict[str, dict[str, float]] = defaultdict(dict)
        for r in self.conn.execute(select(region_industry).where(region_industry.c.code.in_(wanted))):
            emp[r.code][r.sector] = r.employees
        facs: dict[str, list[Facility]] = defaultdict(list)
        q_fac = (
            select(region_facilities)
            .where(region_facilities.c.code.in_(wanted))
            .order_by(region_facilities.c.id)
        )
        for r in self.conn.execute(q_fac):
            facs[r.code].append(
                Facility(r.key, r.kind, r.name, r.capacity_t_per_day, r.lat, r.lon, tuple(r.streams or ()))
            )
        neigh: dict[str, list[str]] = defaultdict(list)
        q_n = (
            select(region_neighbours)
            .where(region_neighbours.c.code.in_(wanted))
            .order_by(region_neighbours.c.neighbour_code)
        )
        for r in self.conn.execute(q_n):
            neigh[r.code].append(r.neighbour_code)
        members: dict[str, list[str]] = defaultdict(list)
        q_m = (
            select(region_group_members)
            .where(region_group_members.c.group_code.in_(wanted))
            .order_by(region_group_members.c.member_code)
        )
        for r in self.conn.execute(q_m):
            members[r.group_code].append(r.member_code)
        out = []
        for m in metas:
            code = m["code"]
            rows = sorted(stats[code], key=lambda r: r["year"])
            out.append(
                RegionProfile(
                    code=code,
                    kind=RegionKind(m["kind"]),
                    name_ja=m["name_ja"],
                    name_en=m["name_en"],
                    population={r["year"]: r["population"] for r in rows if r["population"] is not None},
                    households={r["year"]: r["households"] for r in rows if r["households"] is not None},
                    area_km2=m["area_km2"],
                    employment=emp.get(code, {}),
                    waste={r["year"]: WasteYear(**{k: r[k] for k in WASTE_FIELDS}) for r in rows},
                    facilities=tuple(facs.get(code, ())),
                    neighbours=tuple(neigh.get(code, ())),
                    members=tuple(members.get(code, ())),
                    features=frozenset(m["features"] or ()),
                    lat=m["lat"],
                    lon=m["lon"],
                    demo=bool(m["is_demo"]),
                    source=m["source"],
                )
            )
        return out

    def groups_containing(self, municipality_code: str) -> list[str]:
        q = select(region_group_members.c.group_code).where(
            region_group_members.c.member_code == municipality_code
        )
        return [r[0] for r in self.conn.execute(q)]

    # statistics ---------------------------------------------------------------------------------
    def stats_rows(self, code: str) -> list[dict[str, Any]]:
        q = select(region_stats).where(region_stats.c.code == code).order_by(region_stats.c.year)
        return [dict(r._mapping) for r in self.conn.execute(q)]

    def get_stats(self, code: str, year: int) -> dict[str, Any] | None:
        q = select(region_stats).where(region_stats.c.code == code, region_stats.c.year == year)
        row = self.conn.execute(q).first()
        return dict(row._mapping) if row else None

    def metas(self, codes: Sequence[str]) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for i in range(0, len(codes), 500):
            q = select(region_profiles).where(region_profiles.c.code.in_(list(codes[i : i + 500])))
            out.update({r.code: dict(r._mapping) for r in self.conn.execute(q)})
        return out

    def stats_for(self, codes: Sequence[str]) -> dict[tuple[str, int], dict[str, Any]]:
        """Every stored region-year of ``codes`` in a few queries (imports compare a whole file at once)."""
        out: dict[tuple[str, int], dict[str, Any]] = {}
        for i in range(0, len(codes), 500):
            q = select(region_stats).where(region_stats.c.code.in_(list(codes[i : i + 500])))
            out.update({(r.code, r.year): dict(r._mapping) for r in self.conn.execute(q)})
        return out

    def insert_stats_rows(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert new region-years in one round trip (``executemany``)."""
        if rows:
            self.conn.execute(insert(region_stats), [dict(r) for r in rows])

    def put_stats(
        self,
        code: str,
        year: int,
        values: Mapping[str, float | None],
        *,
        source: str,
        run_id: int | None,
        now: dt.datetime,
    ) -> None:
        """Replace one region-year: the new row is the truth for every field (empty stays empty)."""
        row = {k: values.get(k) for k in STAT_FIELDS}
        meta = {"source": source, "import_run_id": run_id, "updated_at": now}
        if self.get_stats(code, year) is None:
            self.conn.execute(insert(region_stats).values(code=code, year=year, **row, **meta))
        else:
            self.conn.execute(
                update(region_stats)
                .where(region_stats.c.code == code, region_stats.c.year == year)
                .values(**row, **meta)
            )

    # facilities ---------------------------------------------------------------------------------
    def facility_rows(self, code: str) -> list[dict[str, Any]]:
        q = select(region_facilities).where(region_facilities.c.code == code).order_by(region_facilities.c.id)
        return [dict(r._mapping) for r in self.conn.execute(q)]

    def add_facility(self, code: str, f: Facility, *, member_facility_id: int | None) -> int:
        return int(
            self.conn.execute(
                insert(region_facilities)
                .values(
                    code=code,
                    key=f.id,
                    kind=f.kind,
                    name=f.name,
                    capacity_t_per_day=f.capacity_t_per_day,
                    lat=f.lat,
                    lon=f.lon,
                    streams=list(f.streams),
                    member_facility_id=member_facility_id,
                )
                .returning(region_facilities.c.id)
            ).scalar_one()
        )

    def delete_facility(self, code: str, key: str) -> bool:
        res = self.conn.execute(
            delete(region_facilities).where(region_facilities.c.code == code, region_facilities.c.key == key)
        )
        return bool(res.rowcount)

    # the members context, read only ----------------------------------------------------------------
    def located_facilities(self) -> list[dict[str, Any]]:
        """Public facilities of member organisations that name their municipality (never private fields)."""
        f, o = facilities.c, organizations.c
        q = (
            select(f.id, f.org_id, f.name, f.kind, f.municipality_code, f.latitude, f.longitude, o.name_ja,
                   o.name_en, o.kind.label("org_kind"), o.sector)
            .join(organizations, organizations.c.id == f.org_id)
            .where(f.is_public.is_(True), f.municipality_code.is_not(None))
            .order_by(f.id)
        )  # fmt: skip
        return [dict(r._mapping) for r in self.conn.execute(q)]

    def located_orgs(self) -> list[dict[str, Any]]:
        o = organizations.c
        q = (
            select(o.id, o.name_ja, o.name_en, o.kind, o.sector, o.municipality_code)
            .where(o.municipality_code.is_not(None))
            .order_by(o.id)
        )
        return [dict(r._mapping) for r in self.conn.execute(q)]

    def linked_member_facility_ids(self) -> set[int]:
        q = select(region_facilities.c.member_facility_id).where(
            region_facilities.c.member_facility_id.is_not(None)
        )
        return {int(r[0]) for r in self.conn.execute(q)}

    def org_municipality_code(self, org_id: int) -> str | None:
        q = select(organizations.c.municipality_code).where(organizations.c.id == org_id)
        return self.conn.execute(q).scalar_one_or_none()

    def member_facility(self, facility_id: int) -> dict[str, Any] | None:
        f = facilities.c
        q = select(f.id, f.name, f.kind, f.municipality_code, f.latitude, f.longitude, f.is_public).where(
            f.id == facility_id
        )
        row = self.conn.execute(q).first()
        return dict(row._mapping) if row else None

    # import runs --------------------------------------------------------------------------------
    def add_run(self, **values: Any) -> int:
        return int(
            self.conn.execute(
                insert(region_import_runs).values(**values).returning(region_import_runs.c.id)
            ).scalar_one()
        )

    def get_run(self, run_id: int) -> dict[str, Any] | None:
        row = self.conn.execute(select(region_import_runs).where(region_import_runs.c.id == run_id)).first()
        return dict(row._mapping) if row else None

    def list_runs(self, page: PageRequest, *, org_id: int | None) -> Page[dict[str, Any]]:
        r = region_import_runs.c
        q = select(r.id, r.org_id, r.actor_label, r.kind, r.filename, r.sha256, r.status, r.regions,
                   r.rows_read, r.rows_changed, r.created_at)  # fmt: skip
        cq = select(func.count()).select_from(region_import_runs)
        if org_id is not None:
            q, cq = q.where(r.org_id == org_id), cq.where(r.org_id == org_id)
        rows = self.conn.execute(q.order_by(r.id.desc()).limit(page.limit).offset(page.offset))
        return Page([dict(x._mapping) for x in rows], int(self.conn.execute(cq).scalar_one()),
                    page.limit, page.offset)  # fmt: skip

    # scenarios and pilots -----------------------------------------------------------------------
    def add_scenario(self, **values: Any) -> int:
        return int(
            self.conn.execute(
                insert(region_scenarios).values(**values).returning(region_scenarios.c.id)
            ).scalar_one()
        )

    def get_scenario(self, scenario_id: int) -> dict[str, Any] | None:
        row = self.conn.execute(select(region_scenarios).where(region_scenarios.c.id == scenario_id)).first()
        return dict(row._mapping) if row else None

    def update_scenario(self, scenario_id: int, values: Mapping[str, Any]) -> None:
        self.conn.execute(
            update(region_scenarios).where(region_scenarios.c.id == scenario_id).values(**values)
        )

    def delete_scenario(self, scenario_id: int) -> None:
        self.conn.execute(delete(region_scenarios).where(region_scenarios.c.id == scenario_id))

    def list_scenarios(
        self, code: str, *, viewer_org_id: int | None, everything: bool = False
    ) -> list[dict[str, Any]]:
        """A region's scenarios the viewer may see: published ones and its own organisation's."""
        s = region_scenarios.c
        visible: ColumnElement[bool] = s.published.is_(True)
        if viewer_org_id is not None:
            visible = or_(visible, s.owner_org_id == viewer_org_id)
        if everything:
            visible = true()
        q = select(region_scenarios).where(s.code == code, visible).order_by(s.id)
        return [dict(r._mapping) for r in self.conn.execute(q)]

    def add_pilot(self, observations: Sequence[Mapping[str, Any]] = (), **values: Any) -> int:
        pid = int(
            self.conn.execute(
                insert(region_pilots).values(**values).returning(region_pilots.c.id)
            ).scalar_one()
        )
        self.set_observations(pid, observations)
        return pid

    def set_observations(self, pilot_id: int, observations: Sequence[Mapping[str, Any]]) -> None:
        o = region_pilot_observations
        self.conn.execute(delete(o).where(o.c.pilot_id == pilot_id))
        for obs in observations:
            self.conn.execute(insert(o).values(pilot_id=pilot_id, **obs))

    def observations(self, pilot_id: int) -> list[dict[str, Any]]:
        o = region_pilot_observations.c
        q = select(o.code, o.year, o.value, o.note).where(o.pilot_id == pilot_id).order_by(o.code, o.year)
        return [dict(r._mapping) for r in self.conn.execute(q)]

    def get_pilot(self, pilot_id: int) -> dict[str, Any] | None:
        row = self.conn.execute(select(region_pilots).where(region_pilots.c.id == pilot_id)).first()
        return dict(row._mapping) if row else None

    def update_pilot(self, pilot_id: int, values: Mapping[str, Any]) -> None:
        self.conn.execute(update(region_pilots).where(region_pilots.c.id == pilot_id).values(**values))

    def delete_pilot(self, pilot_id: int) -> None:
        self.conn.execute(delete(region_pilots).where(region_pilots.c.id == pilot_id))

    def list_pilots(
        self, code: str, *, viewer_org_id: int | None, everything: bool = False
    ) -> list[dict[str, Any]]:
        p = region_pilots.c
        visible: ColumnElement[bool] = p.published.is_(True)
        if viewer_org_id is not None:
            visible = or_(visible, p.owner_org_id == viewer_org_id)
        if everything:
            visible = true()
        q = select(region_pilots).where(p.code == code, visible).order_by(p.id)
        return [dict(r._mapping) for r in self.conn.execute(q)]

    def published_pilot_methods(self) -> dict[str, set[str]]:
        """Region code → circulation methods it runs, from *published* pilots only."""
        p = region_pilots.c
        q = select(p.code, p.method_id).where(p.published.is_(True), p.method_id.is_not(None))
        out: dict[str, set[str]] = defaultdict(set)
        for r in self.conn.execute(q):
            out[r.code].add(r.method_id)
        return dict(out)

    @staticmethod
    def profile_values(row: Mapping[str, Any]) -> dict[str, Any]:
        return _profile_values(row)
