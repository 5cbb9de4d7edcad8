"""Reading an organisation's events and lots, as the viewer may see them (see :mod:`.access`)."""

from __future__ import annotations

import dataclasses
from typing import Any

from junkan.actor import Actor
from junkan.errors import NotFound
from junkan.members.model import Scope
from junkan.pagination import Page, PageRequest
from junkan.store.trace_repo import EventFilter, TraceRepo
from junkan.store.uow import UnitOfWork
from junkan.trace.service.access import owner_or_partner, require_own

__all__ = ["event_view", "get_event", "get_lot", "list_events", "list_lots"]


def event_view(row: dict[str, Any]) -> dict[str, Any]:
    payload = row["payload"]
    return {
        "id": row["client_id"],
        "seq": row["seq"],
        "kind": row["kind"],
        "time": row["time"],
        "site_id": row["site_id"],
        "counterparty": row["counterparty"],
        "counterparty_org_id": row["counterparty_org_id"],
        "shipment_ref": row["shipment_ref"],
        "inputs": payload.get("inputs", []),
        "outputs": payload.get("outputs", []),
        "documents": [{"type": t, "id": i} for t, i in payload.get("documents", [])],
        "declared_yield": payload.get("declared_yield"),
    }


def list_events(
    uow: UnitOfWork, actor: Actor, org_id: int, f: EventFilter, page: PageRequest
) -> Page[dict[str, Any]]:
    p = actor.signed_in
    p.require(Scope.READ, action="read traceability events")
    viewer = owner_or_partner(p, org_id)
    with uow:
        res = TraceRepo(uow.conn).list_events(org_id, f, page, visible_to=viewer)
    return Page([event_view(r) for r in res.items], res.total, res.limit, res.offset)


def get_event(uow: UnitOfWork, actor: Actor, org_id: int, client_id: str) -> dict[str, Any]:
    p = actor.signed_in
    p.require(Scope.READ, action="read traceability events")
    viewer = owner_or_partner(p, org_id)
    with uow:
        row = TraceRepo(uow.conn).event_row(org_id, client_id)
    if row is None or (
        viewer is not None
        and (row["counterparty_org_id"] != viewer or row["kind"] not in ("ship", "receive"))
    ):
        raise NotFound(f"no event '{client_id}' in organisation {org_id}", field="event_id")
    return event_view(row)


def list_lots(
    uow: UnitOfWork, actor: Actor, org_id: int, page: PageRequest, *, material: str | None = None
) -> Page[dict[str, Any]]:
    require_own(actor.signed_in, org_id, "lots")
    with uow:
        return TraceRepo(uow.conn).list_lots(org_id, page, material=material)


def get_lot(uow: UnitOfWork, actor: Actor, org_id: int, key: str) -> dict[str, Any]:
    require_own(actor.signed_in, org_id, "lots")
    with uow:
        repo = TraceRepo(uow.conn)
        lot = repo.lots_by_key(org_id, [key]).get(key)
        if lot is None:
            raise NotFound(f"no lot '{key}' in organisation {org_id}", field="lot")
        return {
            **dataclasses.asdict(lot),
            "stock": [{"site_id": s, "kg": kg} for s, kg in repo.lot_stock(lot.id)],
            "events": repo.lot_events(lot.id),
        }
