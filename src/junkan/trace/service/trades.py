"""Trades: a shipper's ship event and the receiver's receive event paired by shipment reference.

When both sides are recorded, agree (:func:`junkan.trace.trades.reconcile`) and the two organisations are
accepted partners, the trade is *matched* and custody passes: the shipped lots become parents of the
received lots. Flags (mass mismatch, unknown partner, ...) show on both sides.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from junkan.actor import Actor
from junkan.errors import Conflict
from junkan.pagination import Page, PageRequest
from junkan.store.members_repo import MembersRepo
from junkan.store.trace_repo import TraceRepo, event_from_payload
from junkan.store.uow import UnitOfWork
from junkan.trace.model import Event, EventKind
from junkan.trace.service.access import require_own
from junkan.trace.trades import reconcile

__all__ = ["list_trades", "update_trades"]


def update_trades(conn: Any, actor: Actor, org_id: int, trades: list[tuple[Event, int]]) -> None:
    """Pair ship and receive events by (shipper, receiver, shipment_ref); evaluate and link when matched."""
    repo = TraceRepo(conn)
    partners = MembersRepo(conn).accepted_partner_ids(org_id)
    me = str(org_id)

    def are_partners(a: str, b: str) -> bool:
        other = b if a == me else a if b == me else None
        return other is not None and other.isdigit() and int(other) in partners

    for e, eid in trades:
        assert e.shipment_ref and e.counterparty
        shipper, receiver = (me, e.counterparty) if e.kind is EventKind.SHIP else (e.counterparty, me)
        key = (shipper, receiver, e.shipment_ref)
        row = repo.trade(*key)
        slot = "ship_event_id" if e.kind is EventKind.SHIP else "receive_event_id"
        if row is not None and row[slot] is not None and row[slot] != eid:
            raise Conflict(
                f"shipment reference {e.shipment_ref!r} between {shipper} and {receiver} already has a "
                f"{e.kind.value} event; give every shipment its own reference",
                code="shipment_ref_reused",
                field="shipment_ref",
            )
        ship_id = eid if e.kind is EventKind.SHIP else (row or {}).get("ship_event_id")
        recv_id = eid if e.kind is EventKind.RECEIVE else (row or {}).get("receive_event_id")
        rows = repo.events_by_id([i for i in (ship_id, recv_id) if i is not None])
        domain = [event_from_payload(rows[i]["payload"]) for i in (ship_id, recv_id) if i is not None]
        result = reconcile(domain, are_partners=are_partners)
        status, message = (
            ("matched", "") if result.matches else (result.flags[0].code, result.flags[0].message)
        )
        repo.upsert_trade(
            key,
            {
                "shipper_org_id": int(shipper) if shipper.isdigit() else None,
                "receiver_org_id": int(receiver) if receiver.isdigit() else None,
                "ship_event_id": ship_id,
                "receive_event_id": recv_id,
                "status": status,
                "message": message[:1000],
                "updated_at": actor.now,
            },
        )
        if status == "matched" and ship_id is not None and recv_id is not None:
            _link_trade(repo, rows[ship_id], rows[recv_id], recv_id)


def _link_trade(repo: TraceRepo, ship: dict[str, Any], receipt: dict[str, Any], recv_id: int) -> None:
    """Custody passed: shipped lots become parents of received lots (1:1 when the lot id is kept)."""
    s_ev, r_ev = event_from_payload(ship["payload"]), event_from_payload(receipt["payload"])
    s_lots = repo.lots_by_key(ship["org_id"], [x.lot for x in s_ev.inputs])
    r_lots = repo.lots_by_key(receipt["org_id"], [x.lot for x in r_ev.outputs])
    shipped = {x.lot: x.kg() for x in s_ev.inputs}
    total = sum(shipped.values(), Decimal(0)) or Decimal(1)
    edges, roots = [], []
    for x in r_ev.outputs:
        child = r_lots[x.lot]
        if x.lot in shipped:
            parent = s_lots[x.lot]
            edges.append(
                {"parent_lot_id": parent.id, "child_lot_id": child.id, "kg": x.kg(), "event_id": recv_id}
            )
            if child.root_lot_id is None and child.source_kind == EventKind.RECEIVE.value:
                roots.append((child.id, parent.root_lot_id or parent.id))
        else:
            for key, kg in shipped.items():
                part = (x.kg() * kg / total).quantize(Decimal("0.000001"))
                edges.append(
                    {
                        "parent_lot_id": s_lots[key].id,
                        "child_lot_id": child.id,
                        "kg": part,
                        "event_id": recv_id,
                    }
                )
    repo.insert_edges(edges)
    repo.set_roots(roots)


def list_trades(
    uow: UnitOfWork, actor: Actor, org_id: int, page: PageRequest, *, status: str | None = None
) -> Page[dict[str, Any]]:
    """Trades where the organisation ships or receives, matched or flagged (flags show on both sides)."""
    require_own(actor.signed_in, org_id, "trades")
    with uow:
        return TraceRepo(uow.conn).trades_of(org_id, page, status=status)
