"""Repository of the members context: maps rows of the members tables to domain values and back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, func, insert, or_, select, update

from junkan.members.model import (
    Facility,
    FacilityKind,
    Organisation,
    OrgKind,
)
from junkan.members.targets import CETarget, Progress
from junkan.pagination import Page, PageRequest
from junkan.store.tables.members import (
    api_tokens,
    ce_targets,
    facilities,
    organizations,
    partnership_events,
    partnerships,
    people,
    sessions,
    target_progress,
)

__all__ = ["MembersRepo"]

_ORG_FIELDS = (
    "name_ja",
    "name_en",
    "kind",
    "corporate_number",
    "municipality_code",
    "sector",
    "contact_email",
    "contact_phone",
    "website",
    "membership_date",
    "is_demo",
)
_FAC_FIELDS = (
    "org_id",
    "name",
    "kind",
    "address",
    "municipality_code",
    "latitude",
    "longitude",
    "is_public",
    "capacity_t_per_year",
    "internal_notes",
)


def _org(row: Any) -> Organisation:
    m = row._mapping
    return Organisation(id=m["id"], **{k: m[k] for k in _ORG_FIELDS if k != "kind"}, kind=OrgKind(m["kind"]))


def _facility(row: Any) -> Facility:
    m = row._mapping
    return Facility(id=m["id"], **{k: m[k] for k in _FAC_FIELDS if k != "kind"}, kind=FacilityKind(m["kind"]))


class MembersRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # organisations ------------------------------------------------------------------------------
    def get_org(self, org_id: int) -> Organisation | None:
        row = self.conn.execute(select(organizations).where(organizations.c.id == org_id)).first()
        return _org(row) if row else None

    def find_org_by_name(
        self, *, name_ja: str | None = None, name_en: str | None = None
    ) -> Organisation | None:
        conds = []
        if name_ja:
            conds.append(organizations.c.name_ja == name_ja)
        if name_en:
            conds.append(organizations.c.name_en == name_en)
        if not conds:
            return None
        row = self.conn.execute(select(organizations).where(or_(*conds))).first()
        return _org(row) if row else None

    def find_org_by_corporate_number(self, number: str) -> Organisation | None:
        row = self.conn.execute(
            select(organizations).where(organizations.c.corporate_number == number)
        ).first()
        return _org(row) if row else None

    def add_org(self, org: Organisation, *, now: dt.datetime) -> int:
        values = {k: getattr(org, k) for k in _ORG_FIELDS}
        values["kind"] = org.kind.value
        return int(
            self.conn.execute(
                insert(organizations).values(**values, created_at=now).returning(organizations.c.id)
            ).scalar_one()
        )

    def update_org(self, org_id: int, changes: dict[str, Any]) -> None:
        self.conn.execute(update(organizations).where(organizations.c.id == org_id).values(**changes))

    def list_orgs(
        self, page: PageRequest, *, kind: Sequence[str] | None = None, q: str | None = None
    ) -> Page[Organisation]:
        cond: list[ColumnElement[bool]] = []
        if kind:
            cond.append(organizations.c.kind.in_(list(kind)))
        if q:
            like = f"%{q}%"
            cond.append(or_(organizations.c.name_ja.ilike(like), organizations.c.name_en.ilike(like)))
        where = and_(*cond) if cond else None
        base = select(organizations)
        count = select(func.count()).select_from(organizations)
        if where is not None:
            base, count = base.where(where), count.where(where)
        rows = self.conn.execute(base.order_by(organizations.c.id).limit(page.limit).offset(page.offset))
        return Page(
            items=[_org(r) for r in rows],
            total=int(self.conn.execute(count).scalar_one()),
            limit=page.limit,
            offset=page.offset,
        )

    def org_kinds(self) -> list[str]:
        return [r[0] for r in self.conn.execute(select(organizations.c.kind))]

    # facilities ---------------------------------------------------------------------------------
    def add_facility(self, f: Facility, *, now: dt.datetime) -> int:
        values = {k: getattr(f, k) for k in _FAC_FIELDS}
        values["kind"] = f.kind.value
        return int(
            self.conn.execute(
                insert(facilities).values(**values, created_at=now).returning(facilities.c.id)
            ).scalar_one()
        )

    def get_facility(self, facility_id: int) -> Facility | None:
        row = self.conn.execute(select(facilities).where(facilities.c.id == facility_id)).first()
        return _facility(row) if row else None

    def facility_name_taken(self, org_id: int, name: str, *, except_id: int | None = None) -> bool:
        q = select(facilities.c.id).where(facilities.c.org_id == org_id, facilities.c.name == name)
        if except_id is not None:
            q = q.where(facilities.c.id != except_id)
        return self.conn.execute(q).first() is not None

    def update_facility(self, facility_id: int, changes: dict[str, Any]) -> None:
        self.conn.execute(update(facilities).where(facilities.c.id == facility_id).values(**changes))

    def delete_facility(self, facility_id: int) -> None:
        self.conn.execute(facilities.delete().where(facilities.c.id == facility_id))

    def list_facilities(self, org_id: int, *, public_only: bool) -> list[Facility]:
        q = select(facilities).where(facilities.c.org_id == org_id)
        if public_only:
            q = q.where(facilities.c.is_public.is_(True))
        return [_facility(r) for r in self.conn.execute(q.order_by(facilities.c.id))]

    # people and sessions ------------------------------------------------------------------------
    def add_person(self, **values: Any) -> int:
        return int(self.conn.execute(insert(people).values(**values).returning(people.c.id)).scalar_one())

    def person_by_email(self, email: str) -> dict[str, Any] | None:
        row = self.conn.execute(select(people).where(people.c.email == email.lower())).first()
        return dict(row._mapping) if row else None

    def get_person(self, person_id: int) -> dict[str, Any] | None:
        row = self.conn.execute(select(people).where(people.c.id == person_id)).first()
        return dict(row._mapping) if row else None

    def list_people(self, org_id: int) -> list[dict[str, Any]]:
        q = select(people).where(people.c.org_id == org_id).order_by(people.c.id)
        return [dict(r._mapping) for r in self.conn.execute(q)]

    def update_person(self, person_id: int, changes: dict[str, Any]) -> None:
        self.conn.execute(update(people).where(people.c.id == person_id).values(**changes))

    def add_session(self, **values: Any) -> None:
        self.conn.execute(insert(sessions).values(**values))

    def get_session(self, id_hash: str) -> dict[str, Any] | None:
        row = self.conn.execute(select(sessions).where(sessions.c.id_hash == id_hash)).first()
        return dict(row._mapping) if row else None

    def delete_session(self, id_hash: str) -> None:
        self.conn.execute(sessions.delete().where(sessions.c.id_hash == id_hash))

    # tokens -------------------------------------------------------------------------------------
    def add_token(self, **values: Any) -> int:
        return int(
            self.conn.execute(insert(api_tokens).values(**values).returning(api_tokens.c.id)).scalar_one()
        )

    def token_by_prefix(self, prefix: str) -> dict[str, Any] | None:
        row = self.conn.execute(select(api_tokens).where(api_tokens.c.prefix == prefix)).first()
        return dict(row._mapping) if row else None

    def get_token(self, token_id: int) -> dict[str, Any] | None:
        row = self.conn.execute(select(api_tokens).where(api_tokens.c.id == token_id)).first()
        return dict(row._mapping) if row else None

    def list_tokens(self, org_id: int) -> list[dict[str, Any]]:
        q = select(api_tokens).where(api_tokens.c.org_id == org_id).order_by(api_tokens.c.id)
        return [dict(r._mapping) for r in self.conn.execute(q)]

    def update_token(self, token_id: int, changes: dict[str, Any]) -> None:
        self.conn.execute(update(api_tokens).where(api_tokens.c.id == token_id).values(**changes))

    # partnerships -------------------------------------------------------------------------------
    def partnership_rows(self, org_id: int) -> list[dict[str, Any]]:
        q = (
            select(partnerships)
            .where(or_(partnerships.c.requester_org_id == org_id, partnerships.c.partner_org_id == org_id))
            .order_by(partnerships.c.id)
        )
        return [dict(r._mapping) for r in self.conn.execute(q)]

    def accepted_partner_ids(self, org_id: int) -> frozenset[int]:
        p = partnerships
        q = select(p.c.requester_org_id, p.c.partner_org_id).where(
            p.c.status == "accepted", or_(p.c.requester_org_id == org_id, p.c.partner_org_id == org_id)
        )
        return frozenset(b if a == org_id else a for a, b in self.conn.execute(q))

    def open_partnership(self, a: int, b: int) -> dict[str, Any] | None:
        p = partnerships
        q = select(p).where(
            p.c.status.in_(["requested", "accepted"]),
            or_(
                and_(p.c.requester_org_id == a, p.c.partner_org_id == b),
                and_(p.c.requester_org_id == b, p.c.partner_org_id == a),
            ),
        )
        row = self.conn.execute(q).first()
        return dict(row._mapping) if row else None

    def get_partnership(self, pid: int) -> dict[str, Any] | None:
        row = self.conn.execute(select(partnerships).where(partnerships.c.id == pid)).first()
        return dict(row._mapping) if row else None

    def add_partnership(self, **values: Any) -> int:
        return int(
            self.conn.execute(insert(partnerships).values(**values).returning(partnerships.c.id)).scalar_one()
        )

    def set_partnership_status(self, pid: int, status: str, now: dt.datetime) -> None:
        self.conn.execute(
            update(partnerships).where(partnerships.c.id == pid).values(status=status, updated_at=now)
        )

    def add_partnership_event(self, **values: Any) -> None:
        self.conn.execute(insert(partnership_events).values(**values))

    def partnership_history(self, pid: int) -> list[dict[str, Any]]:
        q = (
            select(partnership_events)
            .where(partnership_events.c.partnership_id == pid)
            .order_by(partnership_events.c.id)
        )
        return [dict(r._mapping) for r in self.conn.execute(q)]

    # targets ------------------------------------------------------------------------------------
    def add_target(self, t: CETarget, *, now: dt.datetime) -> int:
        values = {
            k: getattr(t, k)
            for k in (
                "org_id",
                "metric",
                "unit",
                "baseline_year",
                "baseline_value",
                "target_year",
                "target_value",
                "scope",
                "status",
            )
        }
        return int(
            self.conn.execute(
                insert(ce_targets)
                .values(**values, created_at=now, declared_at=now if t.status == "declared" else None)
                .returning(ce_targets.c.id)
            ).scalar_one()
        )

    def update_target(self, target_id: int, changes: dict[str, Any]) -> None:
        self.conn.execute(update(ce_targets).where(ce_targets.c.id == target_id).values(**changes))

    def get_target(self, target_id: int) -> CETarget | None:
        row = self.conn.execute(select(ce_targets).where(ce_targets.c.id == target_id)).first()
        return self._targets([row])[0] if row else None

    def list_targets(self, org_id: int, *, declared_only: bool) -> list[CETarget]:
        q = select(ce_targets).where(ce_targets.c.org_id == org_id)
        if declared_only:
            q = q.where(ce_targets.c.status == "declared")
        return self._targets(list(self.conn.execute(q.order_by(ce_targets.c.id))))

    def declared_targets_by_org(self) -> dict[int, list[CETarget]]:
        """Every declared target, grouped by organisation, in two queries (for registry-wide checks)."""
        q = select(ce_targets).where(ce_targets.c.status == "declared").order_by(ce_targets.c.id)
        out: dict[int, list[CETarget]] = {}
        for t in self._targets(list(self.conn.execute(q))):
            out.setdefault(t.org_id, []).append(t)
        return out

    def all_orgs(self) -> list[Organisation]:
        return [_org(r) for r in self.conn.execute(select(organizations).order_by(organizations.c.id))]

    def _targets(self, rows: list[Any]) -> list[CETarget]:
        ids = [r._mapping["id"] for r in rows]
        prog: dict[int, list[Progress]] = {i: [] for i in ids}
        if ids:
            q = (
                select(target_progress)
                .where(target_progress.c.target_id.in_(ids))
                .order_by(target_progress.c.year)
            )
            for p in self.conn.execute(q):
                m = p._mapping
                prog[m["target_id"]].append(Progress(year=m["year"], value=m["value"], note=m["note"]))
        out = []
        for r in rows:
            m = r._mapping
            out.append(
                CETarget(
                    id=m["id"],
                    org_id=m["org_id"],
                    metric=m["metric"],
                    unit=m["unit"],
                    baseline_year=m["baseline_year"],
                    baseline_value=m["baseline_value"],
                    target_year=m["target_year"],
                    target_value=m["target_value"],
                    scope=m["scope"],
                    status=m["status"],
                    progress=tuple(prog[m["id"]]),
                )
            )
        return out

    def upsert_progress(
        self, target_id: int, year: int, value: Any, note: str | None, now: dt.datetime
    ) -> None:
        existing = self.conn.execute(
            select(target_progress.c.id).where(
                target_progress.c.target_id == target_id, target_progress.c.year == year
            )
        ).first()
        if existing:
            self.conn.execute(
                update(target_progress)
                .where(target_progress.c.id == existing[0])
                .values(value=value, note=note, reported_at=now)
            )
        else:
            self.conn.execute(
                insert(target_progress).values(
                    target_id=target_id, year=year, value=value, note=note, reported_at=now
                )
            )
