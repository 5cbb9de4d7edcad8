"""Organisations: the partnership's member register (registered by the secretariat), each member's profile
as others see it, the member directory's statistics, and the audit log of an organisation.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import Any

from junkan.actor import Actor
from junkan.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from junkan.members.directory import DirectoryStats, directory_stats
from junkan.members.model import Organisation, OrgKind, Principal, Scope, validate_organisation
from junkan.pagination import Page, PageRequest
from junkan.store import audit
from junkan.store.members_repo import MembersRepo
from junkan.store.uow import UnitOfWork

__all__ = [
    "acts_for",
    "audit_entries",
    "field_diff",
    "get_org",
    "list_orgs",
    "member_directory",
    "public_org",
    "register_org",
    "require_org",
    "update_org",
]


def acts_for(p: Principal | None, org_id: int | None) -> bool:
    """Whether ``p`` acts for organisation ``org_id`` (the platform operator acts for every organisation)."""
    return p is not None and (p.org_id == org_id or p.is_system)


def _is_operator(p: Principal) -> bool:
    """The registry is kept by the partnership secretariat: the platform operator or a regulator's admin."""
    return p.is_system or (p.org_kind is OrgKind.REGULATOR and Scope.ADMIN in p.scopes)


def require_org(repo: MembersRepo, org_id: int) -> Organisation:
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


def field_diff(current: object, new: object, fields: Iterable[str]) -> dict[str, dict[str, Any]]:
    """``{field: {"old", "new"}}`` for the fields whose value changed (what the audit log records)."""
    return {
        k: {"old": getattr(current, k), "new": getattr(new, k)}
        for k in fields
        if getattr(current, k) != getattr(new, k)
    }


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
        current = require_org(repo, org_id)
        new = validate_organisation(dataclasses.replace(current, **changes))
        _check_unique_org(repo, new)
        diff = field_diff(current, new, changes)
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
        org = require_org(MembersRepo(uow.conn), org_id)
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
