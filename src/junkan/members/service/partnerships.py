"""Partnerships between organisations: requested by one admin, accepted, declined or revoked by the other.

Accepted partnerships are public; requests and their history are visible to the two organisations only.
Trading partners see each other's shipments and receipts (``junkan.trace``).
"""

from __future__ import annotations

from typing import Any

from junkan.actor import Actor
from junkan.errors import Conflict, InvalidInput, NotFound
from junkan.members.model import PartnershipStatus, Scope, next_partnership_status
from junkan.members.service.organisations import acts_for, require_org
from junkan.store import audit
from junkan.store.members_repo import MembersRepo
from junkan.store.uow import UnitOfWork

__all__ = ["change_partnership", "list_partnerships", "request_partnership"]


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
        require_org(repo, partner_org_id)
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
    own = acts_for(p, org_id)
    with uow:
        repo = MembersRepo(uow.conn)
        require_org(repo, org_id)
        rows = repo.partnership_rows(org_id)
        if not own:
            rows = [r for r in rows if r["status"] == PartnershipStatus.ACCEPTED]
        return [_partnership_view(r, repo.partnership_history(r["id"]) if own else None) for r in rows]
