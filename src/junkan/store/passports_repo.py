"""Repository of the passports context: passport versions and their component edges, rows ↔ domain values.

Documents are stored in the canonical ``passport_to_dict`` form; the listing columns (names, GTIN,
category, status) are copies of document fields kept for indexes. ``digest`` is the SHA-256 of the
document's compact JSON: the version digest behind ETags. Bulk inserts go through one
``executemany`` per table (:meth:`PassportsRepo.insert_many`), never one statement per row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Text,
    and_,
    bindparam,
    cast,
    func,
    insert,
    or_,
    select,
    true,
    tuple_,
    update,
)

from junkan.pagination import Page, PageRequest
from junkan.passports.codec import passport_from_dict, passport_to_dict
from junkan.passports.model import Passport, Status
from junkan.store.tables.members import organizations
from junkan.store.tables.passports import passport_components, passports

__all__ = ["PassportRow", "PassportsRepo", "Summary", "document_digest", "row_values"]

_CHUNK = 500
_SUMMARY_COLUMNS = (
    passports.c.pk,
    passports.c.org_id,
    passports.c.passport_id,
    passports.c.version,
    passports.c.status,
    passports.c.kind,
    passports.c.level,
    passports.c.gtin,
    passports.c.lot,
    passports.c.serial,
    passports.c.local_id,
    passports.c.name_ja,
    passports.c.name_en,
    passports.c.category_scheme,
    passports.c.category_code,
    passports.c.digest,
    passports.c.predecessor,
    passports.c.is_demo,
    passports.c.created_at,
    passports.c.updated_at,
    passports.c.published_at,
    passports.c.withdrawn_at,
)


def document_digest(document: Mapping[str, Any]) -> str:
    """SHA-256 of the document as compact UTF-8 JSON in ``passport_to_dict``'s field order (that writer's
    order is fixed, so no sorting is needed; the digest is always computed from a fresh document, never
    from the database's copy, whose key order PostgreSQL's JSONB does not keep)."""
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Summary:
    """The listing columns of one stored version (no document)."""

    pk: int
    org_id: int
    passport_id: str
    version: int
    status: Status
    kind: str
    level: str
    gtin: str | None
    lot: str | None
    serial: str | None
    local_id: str | None
    name_ja: str
    name_en: str
    category_scheme: str
    category_code: str
    digest: str
    predecessor: int | None
    is_demo: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    published_at: dt.datetime | None
    withdrawn_at: dt.datetime | None

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__ if name != "pk"}


@dataclass(frozen=True, slots=True)
class PassportRow:
    """One stored version: its owner, the domain value, its digest, pins and issued credential."""

    summary: Summary
    passport: Passport
    credential: dict[str, Any] | None

    @property
    def pk(self) -> int:
        return self.summary.pk

    @property
    def org_id(self) -> int:
        return self.summary.org_id

    @property
    def digest(self) -> str:
        return self.summary.digest


def _summary(m: Any) -> Summary:
    return Summary(
        **{c.name: m[c.name] for c in _SUMMARY_COLUMNS if c.name != "status"}, status=Status(m["status"])
    )


#: Parsed versions by (id, version, digest). A stored document never changes without its digest changing,
#: and passports are immutable values, so every request can share them (reads skip re-validating JSON).
_PARSED: OrderedDict[tuple[str, int, str], Passport] = OrderedDict()
_PARSED_MAX: Final = 4096
_PARSED_LOCK: Final = threading.Lock()


def _passport(m: Any) -> Passport:
    key = (m["passport_id"], m["version"], m["digest"])
    with _PARSED_LOCK:  # requests run in a thread pool
        found = _PARSED.get(key)
        if found is not None:
            _PARSED.move_to_end(key)
            return found
    parsed = passport_from_dict(m["document"])
    with _PARSED_LOCK:
        _PARSED[key] = parsed
        if len(_PARSED) > _PARSED_MAX:
            _PARSED.popitem(last=False)
    return parsed


def _row(r: Any) -> PassportRow:
    m = r._mapping
    return PassportRow(_summary(m), _passport(m), m["credential"])


def row_values(
    org_id: int, p: Passport, *, now: dt.datetime, document: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The ``passports`` row of one version (``document`` may be given when already built)."""
    doc = document if document is not None else passport_to_dict(p)
    ident = p.identity
    return {
        "org_id": org_id,
        "passport_id": p.id,
        "version": p.version,
        "status": p.status.value,
        "kind": p.kind.value,
        "level": p.level.value,
        "gtin": ident.gtin,
        "lot": ident.lot,
        "serial": ident.serial,
        "local_id": ident.local_id,
        "name_ja": ident.name.ja[:300],
        "name_en": ident.name.en[:300],
        "category_scheme": ident.category_scheme,
        "category_code": ident.category_code,
        "document": doc,
        "digest": document_digest(doc),
        "credential": None,
        "predecessor": p.predecessor,
        "is_demo": p.demo,
        "created_at": p.created_at or now,
        "updated_at": now,
        "published_at": p.published_at,
        "withdrawn_at": p.withdrawn_at,
    }


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


_NOT_DRAFT = passports.c.status != Status.DRAFT.value


def _by_gtin(no_lot: bool, no_serial: bool) -> Select[Any]:
    return (
        select(passports.c.passport_id, passports.c.digest, cast(passports.c.credential, Text))
        .where(
            passports.c.gtin == bindparam("gtin"),
            passports.c.lot.is_(None) if no_lot else passports.c.lot == bindparam("lot"),
            passports.c.serial.is_(None) if no_serial else passports.c.serial == bindparam("serial"),
            _NOT_DRAFT,
        )
        .order_by(passports.c.version.desc())
        .limit(1)
    )


# Built once: constructing a select costs more than running it on an indexed column.
_BY_GTIN: Final = {(a, b): _by_gtin(a, b) for a in (True, False) for b in (True, False)}


class PassportsRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # writes -------------------------------------------------------------------------------------
    def insert(self, org_id: int, p: Passport, *, now: dt.datetime) -> int:
        pk = int(
            self.conn.execute(
                insert(passports).values(**row_values(org_id, p, now=now)).returning(passports.c.pk)
            ).scalar_one()
        )
        self.replace_components(pk, p)
        return pk

    def insert_many(self, rows: Sequence[dict[str, Any]], components: Mapping[str, Sequence[str]]) -> None:
        """Insert many version rows and their component edges (``components``: passport id → refs)."""
        if not rows:
            return
        self.conn.execute(insert(passports), list(rows))
        wanted = [(r["passport_id"], r["version"]) for r in rows if components.get(r["passport_id"])]
        edges: list[dict[str, Any]] = []
        for chunk in _chunks(wanted):
            found = self.conn.execute(
                select(passports.c.pk, passports.c.passport_id).where(
                    tuple_(passports.c.passport_id, passports.c.version).in_(list(chunk))
                )
            )
            for pk, pid in found:
                edges.extend(
                    {"parent_pk": pk, "position": i, "component_id": ref, "pinned_version": None}
                    for i, ref in enumerate(components[pid])
                )
        if edges:
            self.conn.execute(insert(passport_components), edges)

    def replace_components(self, pk: int, p: Passport, pins: Sequence[int | None] | None = None) -> None:
        self.conn.execute(passport_components.delete().where(passport_components.c.parent_pk == pk))
        comps = p.composition.components
        if comps:
            pinned = list(pins) if pins is not None else [None] * len(comps)
            self.conn.execute(
                insert(passport_components),
                [
                    {"parent_pk": pk, "position": i, "component_id": c.passport_id, "pinned_version": v}
                    for i, (c, v) in enumerate(zip(comps, pinned, strict=True))
                ],
            )

    def update(
        self,
        pk: int,
        p: Passport,
        *,
        now: dt.datetime,
        credential: dict[str, Any] | None = None,
        keep_credential: bool = True,
    ) -> str:
        """Store a changed version (edited draft, published, withdrawn); returns the new digest."""
        values = row_values(0, p, now=now)
        for key in ("org_id", "passport_id", "version", "created_at", "predecessor"):
            values.pop(key)
        if keep_credential:
            values.pop("credential")
        else:
            values["credential"] = credential
        self.conn.execute(update(passports).where(passports.c.pk == pk).values(**values))
        return str(values["digest"])

    # reads --------------------------------------------------------------------------------------
    def get(self, passport_id: str, version: int) -> PassportRow | None:
        r = self.conn.execute(
            select(passports).where(passports.c.passport_id == passport_id, passports.c.version == version)
        ).first()
        return _row(r) if r else None

    def latest(self, passport_id: str, *, include_drafts: bool) -> PassportRow | None:
        """The newest version (drafts only if asked: they are the owner's)."""
        q = select(passports).where(passports.c.passport_id == passport_id)
        if not include_drafts:
            q = q.where(_NOT_DRAFT)
        r = self.conn.execute(q.order_by(passports.c.version.desc()).limit(1)).first()
        return _row(r) if r else None

    def owner_of(self, passport_id: str) -> int | None:
        found = self.conn.execute(
            select(passports.c.org_id).where(passports.c.passport_id == passport_id).limit(1)
        ).scalar()
        return int(found) if found is not None else None

    def owners(self, passport_ids: Iterable[str]) -> dict[str, int]:
        """Which organisation owns each of these ids (ids in no row are left out)."""
        ids = sorted(set(passport_ids))
        out: dict[str, int] = {}
        for chunk in _chunks(ids):
            rows = self.conn.execute(
                select(passports.c.passport_id, passports.c.org_id)
                .where(passports.c.passport_id.in_(list(chunk)))
                .distinct()
            )
            out.update({pid: int(org) for pid, org in rows})
        return out

    def versions(self, passport_id: str, *, include_drafts: bool) -> list[Summary]:
        q = select(*_SUMMARY_COLUMNS).where(passports.c.passport_id == passport_id)
        if not include_drafts:
            q = q.where(_NOT_DRAFT)
        return [_summary(r._mapping) for r in self.conn.execute(q.order_by(passports.c.version))]

    def current_many(
        self, passport_ids: Iterable[str], *, drafts_of: int | None = None
    ) -> dict[str, PassportRow]:
        """The newest non-draft version of each id; for ids owned by ``drafts_of``, drafts count too."""
        ids = sorted(set(passport_ids))
        out: dict[str, PassportRow] = {}
        for chunk in _chunks(ids):
            visible: ColumnElement[bool] = _NOT_DRAFT
            if drafts_of is not None:
                visible = or_(_NOT_DRAFT, passports.c.org_id == drafts_of)
            newest = (
                select(passports.c.passport_id, func.max(passports.c.version).label("v"))
                .where(passports.c.passport_id.in_(list(chunk)), visible)
                .group_by(passports.c.passport_id)
                .subquery()
            )
            rows = self.conn.execute(
                select(passports).join(
                    newest,
                    and_(passports.c.passport_id == newest.c.passport_id, passports.c.version == newest.c.v),
                )
            )
            out.update({r._mapping["passport_id"]: _row(r) for r in rows})
        return out

    def known_ids(self, passport_ids: Iterable[str], *, drafts_of: int) -> set[str]:
        """The ids a component of ``drafts_of`` may refer to: published anywhere, or its own in any state."""
        ids = sorted(set(passport_ids))
        out: set[str] = set()
        for chunk in _chunks(ids):
            rows = self.conn.execute(
                select(passports.c.passport_id)
                .where(
                    passports.c.passport_id.in_(list(chunk)),
                    or_(_NOT_DRAFT, passports.c.org_id == drafts_of),
                )
                .distinct()
            )
            out.update(pid for (pid,) in rows)
        return out

    def get_many(self, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], PassportRow]:
        pairs = sorted(set(keys))
        out: dict[tuple[str, int], PassportRow] = {}
        for chunk in _chunks(pairs):
            rows = self.conn.execute(
                select(passports).where(tuple_(passports.c.passport_id, passports.c.version).in_(list(chunk)))
            )
            for r in rows:
                row = _row(r)
                out[(row.passport.id, row.passport.version)] = row
        return out

    def pins(self, pks: Iterable[int]) -> dict[int, list[tuple[str, int | None]]]:
        """Component edges (id, pinned version) of each version, in component order."""
        wanted = sorted(set(pks))
        out: dict[int, list[tuple[str, int | None]]] = {pk: [] for pk in wanted}
        c = passport_components.c
        for chunk in _chunks(wanted):
            rows = self.conn.execute(
                select(c.parent_pk, c.component_id, c.pinned_version)
                .where(c.parent_pk.in_(list(chunk)))
                .order_by(c.parent_pk, c.position)
            )
            for pk, ref, pinned in rows:
                out[pk].append((ref, pinned))
        return out

    def used_in(self, passport_id: str, *, limit: int = 50) -> list[Summary]:
        """Non-draft versions that list ``passport_id`` as a component (where-used)."""
        q = (
            select(*_SUMMARY_COLUMNS)
            .join(passport_components, passport_components.c.parent_pk == passports.c.pk)
            .where(passport_components.c.component_id == passport_id, _NOT_DRAFT)
            .order_by(passports.c.passport_id, passports.c.version)
            .limit(limit)
        )
        return [_summary(r._mapping) for r in self.conn.execute(q)]

    def by_gtin(self, gtin: str, lot: str | None, serial: str | None) -> PassportRow | None:
        """The newest non-draft version identified by exactly (gtin, lot, serial)."""
        q = select(passports).where(
            passports.c.gtin == gtin,
            passports.c.lot.is_(None) if lot is None else passports.c.lot == lot,
            passports.c.serial.is_(None) if serial is None else passports.c.serial == serial,
            _NOT_DRAFT,
        )
        r = self.conn.execute(q.order_by(passports.c.version.desc()).limit(1)).first()
        return _row(r) if r else None

    def credential_by_gtin(
        self, gtin: str, lot: str | None, serial: str | None
    ) -> tuple[str, str, str | None] | None:
        """(id, digest, public credential as JSON text) of the newest non-draft version on a GS1 key.

        The resolver's fast path: one prepared statement, no document read, and the credential as the
        database's JSON text (never parsed here; PostgreSQL normalises key order and spacing of JSONB,
        which a Data Integrity proof over the JCS form does not mind)."""
        stmt = _BY_GTIN[(lot is None, serial is None)]
        r = self.conn.execute(stmt, {"gtin": gtin, "lot": lot, "serial": serial}).first()
        return (r[0], r[1], r[2]) if r else None

    def gtin_holders(self, gtin: str) -> list[tuple[str, int, str | None, str | None]]:
        """(passport id, owner, lot, serial) of every non-draft passport on this GTIN."""
        rows = self.conn.execute(
            select(passports.c.passport_id, passports.c.org_id, passports.c.lot, passports.c.serial)
            .where(passports.c.gtin == gtin, _NOT_DRAFT)
            .distinct()
        )
        return [(pid, int(org), lot, serial) for pid, org, lot, serial in rows]

    def search(
        self,
        page: PageRequest,
        *,
        viewer_org: int | None,
        all_drafts: bool = False,
        org_id: int | None = None,
        status: str | None = None,
        category: str | None = None,
        kind: str | None = None,
        gtin: str | None = None,
        q: str | None = None,
        latest_only: bool = True,
    ) -> Page[Summary]:
        """Versions the viewer may list: everyone's non-draft versions, drafts of ``viewer_org`` only."""
        visible: ColumnElement[bool] = _NOT_DRAFT
        if viewer_org is not None:
            visible = or_(_NOT_DRAFT, passports.c.org_id == viewer_org)
        cond: list[ColumnElement[bool]] = [] if all_drafts else [visible]
        if org_id is not None:
            cond.append(passports.c.org_id == org_id)
        if status:
            cond.append(passports.c.status == status)
        if category:
            cond.append(passports.c.category_code.startswith(category, autoescape=True))
        if kind:
            cond.append(passports.c.kind == kind)
        if gtin:
            cond.append(passports.c.gtin == gtin)
        if q:
            like = f"%{q}%"
            cond.append(
                or_(
                    passports.c.name_ja.ilike(like),
                    passports.c.name_en.ilike(like),
                    passports.c.passport_id.ilike(like),
                    passports.c.local_id.ilike(like),
                )
            )
        where = and_(true(), *cond)
        if latest_only:
            top = (
                select(passports.c.passport_id, func.max(passports.c.version).label("v"))
                .where(where)
                .group_by(passports.c.passport_id)
                .subquery()
            )
            base = select(*_SUMMARY_COLUMNS).join(
                top, and_(passports.c.passport_id == top.c.passport_id, passports.c.version == top.c.v)
            )
            total = self.conn.execute(select(func.count()).select_from(top)).scalar_one()
        else:
            base = select(*_SUMMARY_COLUMNS).where(where)
            total = self.conn.execute(select(func.count()).select_from(passports).where(where)).scalar_one()
        rows = self.conn.execute(
            base.order_by(passports.c.updated_at.desc(), passports.c.passport_id)
            .limit(page.limit)
            .offset(page.offset)
        )
        items = [_summary(r._mapping) for r in rows]
        return Page(items=items, total=int(total), limit=page.limit, offset=page.offset)

    def issuer_ids(self, *, viewer_org: int | None) -> list[int]:
        """Organisations with a non-draft passport (and the viewer's own, drafts included)."""
        visible: ColumnElement[bool] = _NOT_DRAFT
        if viewer_org is not None:
            visible = or_(_NOT_DRAFT, passports.c.org_id == viewer_org)
        rows = self.conn.execute(select(passports.c.org_id).where(visible).distinct())
        return sorted(int(org) for (org,) in rows)

    def org_names(self, org_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
        ids = sorted(set(org_ids))
        if not ids:
            return {}
        rows = self.conn.execute(
            select(organizations.c.id, organizations.c.name_ja, organizations.c.name_en).where(
                organizations.c.id.in_(ids)
            )
        )
        return {int(i): (ja, en) for i, ja, en in rows}

    def all_of_org(self, org_id: int, *, ids: Sequence[str] | None = None) -> list[PassportRow]:
        """The newest version of each of an organisation's passports (optionally only ``ids``)."""
        top = (
            select(passports.c.passport_id, func.max(passports.c.version).label("v"))
            .where(passports.c.org_id == org_id)
            .group_by(passports.c.passport_id)
        )
        if ids is not None:
            top = top.where(passports.c.passport_id.in_(list(ids)))
        sub = top.subquery()
        rows = self.conn.execute(
            select(passports)
            .join(sub, and_(passports.c.passport_id == sub.c.passport_id, passports.c.version == sub.c.v))
            .order_by(passports.c.passport_id)
        )
        return [_row(r) for r in rows]
