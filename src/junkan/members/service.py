"""Use cases of the members context: organisations, facilities, partnerships, CE targets, the audit log.

Tenant isolation lives here: every read and write checks the principal against the record's organisation.
Records another organisation may not see answer as *not found*, so their existence does not leak.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from junkan.actor import Actor
from junkan.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from junkan.members.directory import DirectoryStats, directory_stats
from junkan.members.model import (
    Facility,
    Organisation,
    OrgKind,
    PartnershipStatus,
    Principal,
    Scope,
    next_partnership_status,
    validate_organisation,
)
from junkan.members.targets import CETarget, Obligation, obligations, validate_target
from junkan.pagination import Page, PageRequest
from junkan.store import audit
from junkan.store.members_repo import MembersRepo
from junkan.store.uow import UnitOfWork

__all__ = [
    "add_facility",
    "audit_entries",
    "change_partnership",
    "declare_target",
    "delete_facility",
    "get_facility",
    "get_org",
    "list_facilities",
    "list_orgs",
    "list_partnerships",
    "list_targets",
    "member_directory",
    "org_obligations",
    "overdue_members",
    "register_org",
    "report_progress",
    "request_partnership",
    "set_target",
    "update_facility",
    "update_org",
]

PRIVATE_FACILITY_FIELDS = ("capacity_t_per_year", "internal_notes")


def _is_operator(p: Principal) -> bool:
    """The registry is kept by the partnership secretariat: the platform operator or a regulator's admin."""
    return p.is_system or (p.org_kind is OrgKind.REGULATOR and Scope.ADMIN in p.scopes)


def _require_org(repo: MembersRepo, org_id: int) -> Organisation:
    org = repo.get_org(org_id)
    if org is None:
        raise NotFound(f"organisation {org_id} does not exist", field="org_id")
    return org


def _check_unique_org(repo: MembersRepo, org: Organisation) -> None:
    for fname in ("name_ja", "name_en"):
        other = repo.find_org_by_name(**{fname: getattr(org, fname)})
        if other is not None and other.id != org.id:
            raise Conflict(
                f"an organisation named {getattr(org, fname)!r} is already registered (id {other.id}); "
                "use a distinct registered name",
                code="duplicate_name",
                field=fname,
            )
    if org.corporate_number:
        other = repo.find_org_by_corporate_number(org.corporate_number)
        if other is not None and other.id != org.id:
            raise Conflict(
                f"corporate number {org.corporate_number} is already registered to organisation {other.id}",
                code="duplicate_corporate_number",
                field="corporate_number",
            )


def _field_diff(current: object, new: object, fields: Iterable[str]) -> dict[str, dict[str, Any]]:
    """``{field: {"old", "new"}}`` for the fields whose value changed (what the audit log records)."""
    return {
        k: {"old": getattr(current, k), "new": getattr(new, k)}
        for k in fields
        if getattr(current, k) != getattr(new, k)
    }


# organisations ----------------------------------------------------------------------------------
def register_org(uow: UnitOfWork, actor: Actor, org: Organisation) -> int:
    p = actor.signed_in
    if not _is_operator(p):
        raise PermissionDenied(
            "only the partnership secretariat (a regulator's admin) registers organisations",
            code="operator_only",
        )
    org = validate_organisation(org)
    with uow:
        repo = MembersRepo(uow.conn)
        _check_unique_org(repo, org)
        org_id = repo.add_org(org, now=actor.now)
        audit.record(
            uow.conn,
            actor,
            action="org.register",
            entity="organisation",
            entity_id=org_id,
            org_id=org_id,
            changes=dataclasses.asdict(org),
        )
        uow.commit()
    return org_id


def update_org(uow: UnitOfWork, actor: Actor, org_id: int, changes: dict[str, Any]) -> Organisation:
    actor.signed_in.require(Scope.ADMIN, org_id=org_id, action="change an organisation's profile")
    unknown = set(changes) - {f.name for f in dataclasses.fields(Organisation)} | (
        {"id", "is_demo"} & set(changes)
    )
    if unknown:
        raise InvalidInput(
            f"these fields cannot be changed: {sorted(unknown)}",
            code="unknown_field",
            field=sorted(unknown)[0],
        )
    with uow:
        repo = MembersRepo(uow.conn)
        current = _require_org(repo, org_id)
        new = validate_organisation(dataclasses.replace(current, **changes))
        _check_unique_org(repo, new)
        diff = _field_diff(current, new, changes)
        if diff:
            repo.update_org(org_id, {k: v["new"] for k, v in diff.items()})
            audit.record(
                uow.conn,
                actor,
                action="org.update",
                entity="organisation",
                entity_id=org_id,
                org_id=org_id,
                changes=diff,
            )
        uow.commit()
    return new


def public_org(org: Organisation, viewer: Principal | None) -> dict[str, Any]:
    """An organisation as others see it: contact details only for signed-in members."""
    d = dataclasses.asdict(org)
    if viewer is None:
        for k in ("contact_email", "contact_phone"):
            d[k] = None
    return d


def get_org(uow: UnitOfWork, actor: Actor, org_id: int) -> dict[str, Any]:
    with uow:
        org = _require_org(MembersRepo(uow.conn), org_id)
    return public_org(org, actor.principal)


def list_orgs(
    uow: UnitOfWork,
    actor: Actor,
    page: PageRequest,
    *,
    kind: Sequence[str] | None = None,
    q: str | None = None,
) -> Page[dict[str, Any]]:
    for k in kind or ():
        if k not in {o.value for o in OrgKind}:
            raise InvalidInput(
                f"unknown organisation kind {k!r}; use one of {[o.value for o in OrgKind]}",
                code="unknown_enum",
                field="kind",
            )
    with uow:
        res = MembersRepo(uow.conn).list_orgs(page, kind=kind, q=q)
    return Page([public_org(o, actor.principal) for o in res.items], res.total, res.limit, res.offset)


def member_directory(uow: UnitOfWork) -> DirectoryStats:
    with uow:
        return directory_stats(OrgKind(k) for k in MembersRepo(uow.conn).org_kinds())


# facilities -------------------------------------------------------------------------------------
def facility_view(f: Facility, viewer: Principal | None) -> dict[str, Any]:
    d = dataclasses.asdict(f)
    if viewer is None or (viewer.org_id != f.org_id and not viewer.is_system):
        for k in PRIVATE_FACILITY_FIELDS:
            d.pop(k)
    return d


def add_facility(uow: UnitOfWork, actor: Actor, f: Facility) -> int:
    actor.signed_in.require(Scope.WRITE, org_id=f.org_id, action="add a facility")
    f = f.validated()
    with uow:
        repo = MembersRepo(uow.conn)
        _require_org(repo, f.org_id)
        if repo.facility_name_taken(f.org_id, f.name):
            raise Conflict(
                f"your organisation already has a facility named {f.name!r}",
                code="duplicate_name",
                field="name",
            )
        fid = repo.add_facility(f, now=actor.now)
        audit.record(
            uow.conn,
            actor,
            action="facility.add",
            entity="facility",
            entity_id=fid,
            org_id=f.org_id,
            changes=dataclasses.asdict(f),
        )
        uow.commit()
    return fid


def _visible_facility(repo: MembersRepo, actor: Actor, facility_id: int) -> Facility:
    f = repo.get_facility(facility_id)
    p = actor.principal
    own = p is not None and (p.org_id == (f.org_id if f else None) or p.is_system)
    if f is None or (not f.is_public and not own):
        raise NotFound(f"facility {facility_id} not found", field="facility_id")
    return f


def get_facility(uow: UnitOfWork, actor: Actor, facility_id: int) -> dict[str, Any]:
    with uow:
        f = _visible_facility(MembersRepo(uow.conn), actor, facility_id)
    return facility_view(f, actor.principal)


def update_facility(
    uow: UnitOfWork, actor: Actor, facility_id: int, changes: dict[str, Any]
) -> dict[str, Any]:
    p = actor.signed_in
    with uow:
        repo = MembersRepo(uow.conn)
        current = _visible_facility(repo, actor, facility_id)
        p.require(Scope.WRITE, org_id=current.org_id, action="change a facility")
        if {"id", "org_id"} & set(changes):
            raise InvalidInput(
                "a facility cannot move to another organisation", code="immutable_field", field="org_id"
            )
        new = dataclasses.replace(current, **changes).validated()
        if "name" in changes and repo.facility_name_taken(new.org_id, new.name, except_id=facility_id):
            raise Conflict(
                f"your organisation already has a facility named {new.name!r}",
                code="duplicate_name",
                field="name",
            )
        diff = _field_diff(current, new, changes)
        if diff:
            values = {k: v["new"] for k, v in diff.items()}
            if "kind" in values:
                values["kind"] = new.kind.value
            repo.update_facility(facility_id, values)
            audit.record(
                uow.conn,
                actor,
                action="facility.update",
                entity="facility",
                entity_id=facility_id,
                org_id=new.org_id,
                changes=diff,
            )
        uow.commit()
    return facility_view(new, p)


def delete_facility(uow: UnitOfWork, actor: Actor, facility_id: int) -> None:
    p = actor.signed_in
    with uow:
        repo = MembersRepo(uow.conn)
        f = _visible_facility(repo, actor, facility_id)
        p.require(Scope.WRITE, org_id=f.org_id, action="delete a facility")
        repo.delete_facility(facility_id)
        audit.record(
            uow.conn,
            actor,
            action="facility.delete",
            entity="facility",
            entity_id=facility_id,
            org_id=f.org_id,
            changes={"name": f.name},
        )
        uow.commit()


def list_facilities(uow: UnitOfWork, actor: Actor, org_id: int) -> list[dict[str, Any]]:
    p = actor.principal
    own = p is not None and (p.org_id == org_id or p.is_system)
    with uow:
        repo = MembersRepo(uow.conn)
        _require_org(repo, org_id)
        rows = repo.list_facilities(org_id, public_only=not own)
    return [facility_view(f, p) for f in rows]


# partnerships -----------------------------------------------------------------------------------
def _partnership_view(row: dict[str, Any], history: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    d = dict(row)
    if history is not None:
        d["history"] = history
    return d


def request_partnership(uow: UnitOfWork, actor: Actor, partner_org_id: int, note: str | None = None) -> int:
    p = actor.signed_in
    p.require(Scope.ADMIN, action="request a partnership")
    if partner_org_id == p.org_id:
        raise InvalidInput(
            "an organisation cannot partner with itself", code="self_partnership", field="partner_org_id"
        )
    with uow:
        repo = MembersRepo(uow.conn)
        _require_org(repo, partner_org_id)
        existing = repo.open_partnership(p.org_id, partner_org_id)
        if existing is not None:
            raise Conflict(
                f"a partnership with organisation {partner_org_id} is already {existing['status']} "
                f"(id {existing['id']}); accept or revoke that one",
                code="duplicate_partnership",
                field="partner_org_id",
            )
        pid = repo.add_partnership(
            requester_org_id=p.org_id,
            partner_org_id=partner_org_id,
            status=PartnershipStatus.REQUESTED.value,
            note=note,
            created_at=actor.now,
            updated_at=actor.now,
        )
        repo.add_partnership_event(
            partnership_id=pid,
            status="requested",
            actor_org_id=p.org_id,
            actor_label=actor.label,
            note=note,
            at=actor.now,
        )
        audit.record(
            uow.conn,
            actor,
            action="partnership.request",
            entity="partnership",
            entity_id=pid,
            changes={"partner_org_id": partner_org_id},
        )
        uow.commit()
    return pid


def change_partnership(
    uow: UnitOfWork, actor: Actor, partnership_id: int, action: str, note: str | None = None
) -> dict[str, Any]:
    p = actor.signed_in
    if action not in {"accept", "decline", "revoke"}:
        raise InvalidInput("action must be accept, decline or revoke", code="unknown_enum", field="action")
    with uow:
        repo = MembersRepo(uow.conn)
        row = repo.get_partnership(partnership_id)
        if row is None or p.org_id not in (row["requester_org_id"], row["partner_org_id"]):
            raise NotFound(f"partnership {partnership_id} not found", field="partnership_id")
        p.require(Scope.ADMIN, action=f"{action} a partnership")
        new = next_partnership_status(
            PartnershipStatus(row["status"]),
            action,
            acting_org=p.org_id,
            requester=row["requester_org_id"],
            partner=row["partner_org_id"],
        )
        repo.set_partnership_status(partnership_id, new.value, actor.now)
        repo.add_partnership_event(
            partnership_id=partnership_id,
            status=new.value,
            actor_org_id=p.org_id,
            actor_label=actor.label,
            note=note,
            at=actor.now,
        )
        audit.record(
            uow.conn,
            actor,
            action=f"partnership.{action}",
            entity="partnership",
            entity_id=partnership_id,
            changes={"status": {"old": row["status"], "new": new.value}},
        )
        uow.commit()
        row = repo.get_partnership(partnership_id) or row
        return _partnership_view(row, repo.partnership_history(partnership_id))


def list_partnerships(uow: UnitOfWork, actor: Actor, org_id: int) -> list[dict[str, Any]]:
    """An organisation's partnerships with their history; accepted ones are public, the rest private."""
    p = actor.principal
    own = p is not None and (p.org_id == org_id or p.is_system)
    with uow:
        repo = MembersRepo(uow.conn)
        _require_org(repo, org_id)
        rows = repo.partnership_rows(org_id)
        if not own:
            rows = [r for r in rows if r["status"] == PartnershipStatus.ACCEPTED]
        return [_partnership_view(r, repo.partnership_history(r["id"]) if own else None) for r in rows]


# targets ----------------------------------------------------------------------------------------
def set_target(uow: UnitOfWork, actor: Actor, t: CETarget) -> int:
    actor.signed_in.require(Scope.WRITE, org_id=t.org_id, action="set a CE target")
    if t.status not in ("draft", "declared"):
        raise InvalidInput("status must be draft or declared", code="unknown_enum", field="status")
    t = validate_target(t)
    with uow:
        repo = MembersRepo(uow.conn)
        _require_org(repo, t.org_id)
        tid = repo.add_target(t, now=actor.now)
        audit.record(
            uow.conn,
            actor,
            action="target.set",
            entity="ce_target",
            entity_id=tid,
            org_id=t.org_id,
            changes=dataclasses.asdict(t),
        )
        uow.commit()
    return tid


def _own_target(repo: MembersRepo, actor: Actor, target_id: int, scope: Scope) -> CETarget:
    p = actor.signed_in
    t = repo.get_target(target_id)
    if t is None or (t.org_id != p.org_id and not p.is_system and t.status != "declared"):
        raise NotFound(f"target {target_id} not found", field="target_id")
    p.require(scope, org_id=t.org_id, action="change a CE target")
    return t


def declare_target(uow: UnitOfWork, actor: Actor, target_id: int) -> None:
    with uow:
        repo = MembersRepo(uow.conn)
        t = _own_target(repo, actor, target_id, Scope.WRITE)
        if t.status == "declared":
            raise Conflict(
                "this target is already declared; a declared target cannot be changed, set a new one instead",
                code="already_declared",
                field="status",
            )
        repo.update_target(target_id, {"status": "declared", "declared_at": actor.now})
        audit.record(
            uow.conn, actor, action="target.declare", entity="ce_target", entity_id=target_id, org_id=t.org_id
        )
        uow.commit()


def report_progress(
    uow: UnitOfWork, actor: Actor, target_id: int, *, year: int, value: Decimal, note: str | None = None
) -> None:
    with uow:
        repo = MembersRepo(uow.conn)
        t = _own_target(repo, actor, target_id, Scope.WRITE)
        if t.status != "declared":
            raise Conflict(
                "declare the target before reporting progress on it",
                code="target_not_declared",
                field="target_id",
            )
        if not t.baseline_year <= year <= actor.now.year:
            raise InvalidInput(
                f"year must be within {t.baseline_year}–{actor.now.year}", code="range", field="year"
            )
        if t.unit.strip() == "%" and not Decimal(0) <= value <= Decimal(100):
            raise InvalidInput("value is a percentage and must be within 0–100", code="range", field="value")
        repo.upsert_progress(target_id, year, value, note, actor.now)
        audit.record(
            uow.conn,
            actor,
            action="target.progress",
            entity="ce_target",
            entity_id=target_id,
            org_id=t.org_id,
            changes={"year": year, "value": value},
        )
        uow.commit()


def list_targets(uow: UnitOfWork, actor: Actor, org_id: int) -> list[CETarget]:
    p = actor.principal
    own = p is not None and (p.org_id == org_id or p.is_system)
    with uow:
        repo = MembersRepo(uow.conn)
        _require_org(repo, org_id)
        return repo.list_targets(org_id, declared_only=not own)


def org_obligations(uow: UnitOfWork, actor: Actor, org_id: int) -> list[Obligation]:
    with uow:
        repo = MembersRepo(uow.conn)
        org = _require_org(repo, org_id)
        targets = repo.list_targets(org_id, declared_only=True)
    return obligations(membership_date=org.membership_date, targets=targets, today=actor.now.date())


def overdue_members(uow: UnitOfWork, actor: Actor, *, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Members with an overdue target declaration or progress report (for the secretariat and regulators)."""
    p = actor.signed_in
    if not (p.is_system or p.org_kind.is_authority):
        raise PermissionDenied(
            "only regulators and the secretariat see who is overdue", code="authority_only"
        )
    day = today or actor.now.date()
    out = []
    with uow:
        repo = MembersRepo(uow.conn)
        targets = repo.declared_targets_by_org()
        for org in repo.all_orgs():
            assert org.id is not None
            due = [
                o
                for o in obligations(
                    membership_date=org.membership_date, targets=targets.get(org.id, []), today=day
                )
                if o.overdue
            ]
            if due:
                out.append(
                    {"org_id": org.id, "name_ja": org.name_ja, "name_en": org.name_en, "obligations": due}
                )
    return out


# audit ------------------------------------------------------------------------------------------
def audit_entries(
    uow: UnitOfWork, actor: Actor, org_id: int | None, page: PageRequest
) -> Page[dict[str, Any]]:
    """The audit log of one organisation for its admins; any organisation's (or all) for regulators."""
    p = actor.signed_in
    if not (p.is_system or p.org_kind is OrgKind.REGULATOR):
        if org_id is None:
            org_id = p.org_id
        p.require(Scope.ADMIN, org_id=org_id, action="read the audit log")
    with uow:
        return audit.list_entries(uow.conn, org_id=org_id, page=page)
