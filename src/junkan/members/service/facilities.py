"""Facilities of an organisation (plants, depots, collection points): public ones are listed for everyone,
private ones and private fields (capacity, internal notes) only for the organisation itself.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from junkan.actor import Actor
from junkan.errors import Conflict, InvalidInput, NotFound
from junkan.members.model import Facility, Principal, Scope
from junkan.members.service.organisations import acts_for, field_diff, require_org
from junkan.store import audit
from junkan.store.members_repo import MembersRepo
from junkan.store.uow import UnitOfWork

__all__ = [
    "PRIVATE_FACILITY_FIELDS",
    "add_facility",
    "delete_facility",
    "facility_view",
    "get_facility",
    "list_facilities",
    "update_facility",
]


PRIVATE_FACILITY_FIELDS = ("capacity_t_per_year", "internal_notes")


def facility_view(f: Facility, viewer: Principal | None) -> dict[str, Any]:
    d = dataclasses.asdict(f)
    if not acts_for(viewer, f.org_id):
        for k in PRIVATE_FACILITY_FIELDS:
            d.pop(k)
    return d


def add_facility(uow: UnitOfWork, actor: Actor, f: Facility) -> int:
    actor.signed_in.require(Scope.WRITE, org_id=f.org_id, action="add a facility")
    f = f.validated()
    with uow:
        repo = MembersRepo(uow.conn)
        require_org(repo, f.org_id)
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
    own = acts_for(p, f.org_id if f else None)
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
        diff = field_diff(current, new, changes)
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
    own = acts_for(p, org_id)
    with uow:
        repo = MembersRepo(uow.conn)
        require_org(repo, org_id)
        rows = repo.list_facilities(org_id, public_only=not own)
    return [facility_view(f, p) for f in rows]
