"""Crediting certified input and transferring credits along matched trades.

A credit names one input event of the organisation (a receipt or a collection) and never credits more
input than the event brought in, nor — for post-consumer credits — more than its upstream provenance shows
to be post-consumer. Credits move only along a *matched* trade (shipment and receipt agree, between
accepted partners) and never more than the shipped mass of that material.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from junkan.actor import Actor
from junkan.custody.mass_balance import MassBalanceLedger
from junkan.custody.model import Characteristic
from junkan.custody.service.accounts import SCHEME, load_account, save_account
from junkan.custody.service.postings import (
    entry_key,
    entry_row,
    entry_view,
    own_event,
    replayed_entry,
    request_digest,
)
from junkan.errors import InvalidInput, RuleViolation
from junkan.members.model import Scope
from junkan.store import audit
from junkan.store.custody_repo import CustodyRepo
from junkan.store.trace_repo import TraceRepo, event_from_payload
from junkan.store.uow import UnitOfWork
from junkan.trace.model import EventKind
from junkan.trace.provenance import upstream
from junkan.trace.service.tracing import lot_cone
from junkan.trace.trades import TradeMatch

__all__ = ["credit", "transfer"]


def _post_consumer_kg(trace: TraceRepo, org_id: int, event: dict[str, Any], material: str) -> Decimal:
    """Mass of ``material`` the event brought in whose upstream provenance ends in collection events."""
    ev = event_from_payload(event["payload"])
    lots = trace.lots_by_key(org_id, [x.lot for x in ev.outputs])
    total = Decimal(0)
    for line in ev.outputs:
        if line.material != material:
            continue
        lot = lots[line.lot]
        if lot.source_kind == EventKind.COLLECT.value and lot.id == (lot.root_lot_id or lot.id):
            total += line.kg()
            continue
        cone = lot_cone(trace, lot.id, upstream=True)
        share = upstream(cone.graph, cone.position(lot.id)).root_recycled_share
        total += (line.kg() * Decimal(str(round(share, 9)))).quantize(Decimal("0.001"))
    return total


def credit(
    uow: UnitOfWork,
    actor: Actor,
    org_id: int,
    *,
    entry_id: str,
    event_id: str,
    material_group: str,
    characteristic: Characteristic,
    input_kg: Decimal,
    conversion_factor: Decimal = Decimal(1),
    input_material: str | None = None,
) -> dict[str, Any]:
    """Credit certified input: ``input_kg`` of ``input_material`` (default: the material group, e.g. PET
    bales for PET; washing machines for recycled PP) that event ``event_id`` brought in, × the
    ``conversion_factor`` (the share of it that becomes the material group), into the account of the
    event's site."""
    actor.signed_in.require(Scope.WRITE, org_id=org_id, action="book mass-balance credits")
    key_id = entry_key(org_id, entry_id)
    request = request_digest(
        "credit", event_id, material_group, characteristic.value, str(input_kg), str(conversion_factor)
    )
    with uow:
        repo, trace = CustodyRepo(uow.conn), TraceRepo(uow.conn)
        if (done := replayed_entry(repo, key_id, request)) is not None:
            return entry_view(done)
        ev = own_event(trace, org_id, event_id, "event_id")
        if ev["kind"] not in (EventKind.RECEIVE.value, EventKind.COLLECT.value):
            raise InvalidInput(
                f"event '{event_id}' is a {ev['kind']}; credits come from inputs brought in by a receive or "
                "collect event",
                code="not_an_input_event",
                field="event_id",
            )
        source = input_material or material_group
        event = event_from_payload(ev["payload"])
        brought = sum((x.kg() for x in event.outputs if x.material == source), Decimal(0))
        if characteristic is Characteristic.RECYCLED_POST_CONSUMER:
            brought = min(brought, _post_consumer_kg(trace, org_id, ev, source))
        already = sum((Decimal(x) for x in repo.credited_kg_of_event(int(ev["id"]))), Decimal(0))
        if input_kg + already > brought:
            raise RuleViolation(
                f"event '{event_id}' brought in {brought} kg of {characteristic.value} {source} and "
                f"{already} kg of it are credited already; at most {brought - already} kg more can be "
                "credited",
                code="credit_exceeds_input",
                field="input_kg",
                extra={"available_kg": str(brought - already)},
            )
        acc_row = repo.ensure_account(org_id, int(ev["site_id"]), material_group, characteristic.value)
        ledger = MassBalanceLedger(scheme=SCHEME)
        key = load_account(repo, ledger, acc_row)
        entry = ledger.credit(
            entry_id=key_id,
            account=key,
            time=ev["time"],
            input_kg=input_kg,
            conversion_factor=conversion_factor,
            event_ids=(event_id,),
        )
        repo.add_credit(
            credit_key=key_id,
            org_id=org_id,
            issued_g=entry.grams,
            used_g=0,
            input_event_id=int(ev["id"]),
            input_kg=str(input_kg),
        )
        row = entry_row(entry, int(acc_row["id"]), org_id, request)
        repo.add_entries([row])
        save_account(repo, ledger, key, int(acc_row["id"]))
        audit.record(
            uow.conn,
            actor,
            action="custody.credit",
            entity="custody_entry",
            entity_id=key_id,
            org_id=org_id,
            changes={"grams": entry.grams, "event_id": event_id, "account_id": acc_row["id"]},
        )
        uow.commit()
    return entry_view(row)


def transfer(
    uow: UnitOfWork,
    actor: Actor,
    org_id: int,
    *,
    entry_id: str,
    shipment_ref: str,
    receiver_org_id: int,
    material_group: str,
    characteristic: Characteristic,
    amount_kg: Decimal,
) -> dict[str, Any]:
    """Move credits with shipped lots to the receiver's account, along a matched trade."""
    actor.signed_in.require(Scope.WRITE, org_id=org_id, action="transfer mass-balance credits")
    key_id = entry_key(org_id, entry_id)
    request = request_digest(
        "transfer", shipment_ref, receiver_org_id, material_group, characteristic.value, str(amount_kg)
    )
    with uow:
        repo, trace = CustodyRepo(uow.conn), TraceRepo(uow.conn)
        if (done := replayed_entry(repo, f"{key_id}:out", request)) is not None:
            return entry_view(done)
        trade = trace.find_trade(shipment_ref, shipper_org_id=org_id, receiver_org_id=receiver_org_id)
        if trade is None or trade["status"] != "matched":
            state = (
                "has no receipt yet"
                if trade is None or trade["receive_event_id"] is None
                else f"is flagged ({trade['status']})"
            )
            raise RuleViolation(
                f"shipment {shipment_ref} to organisation {receiver_org_id} {state}; credits travel only "
                "along a "
                "matched trade between partners — the receiver records the receipt first",
                code="trade_not_matched",
                field="shipment_ref",
            )
        events = trace.events_by_id([trade["ship_event_id"], trade["receive_event_id"]])
        ship, receipt = events[trade["ship_event_id"]], events[trade["receive_event_id"]]
        shipped = sum(
            (Decimal(x["quantity"]) for x in ship["payload"]["inputs"] if x["material"] == material_group),
            Decimal(0),
        )
        if amount_kg > shipped:
            raise RuleViolation(
                f"shipment {shipment_ref} carried {shipped} kg of {material_group}; credits for more than "
                "the "
                "shipped mass cannot travel with it",
                code="transfer_exceeds_shipment",
                field="amount_kg",
            )
        src_row = repo.find_account(org_id, int(ship["site_id"]), material_group, characteristic.value)
        if src_row is None:
            raise RuleViolation(
                f"your site {ship['site_id']} has no {characteristic.value} {material_group} account; "
                "book credits first",
                code="over_claim",
                field="amount_kg",
                extra={"shortfall_kg": str(amount_kg)},
            )
        dst_row = repo.ensure_account(
            receiver_org_id, int(receipt["site_id"]), material_group, characteristic.value
        )
        ledger = MassBalanceLedger(scheme=SCHEME)
        src, dst = load_account(repo, ledger, src_row), load_account(repo, ledger, dst_row)
        match = TradeMatch(
            shipment_ref, str(org_id), str(receiver_org_id), ship["client_id"], receipt["client_id"], {}, {}
        )
        when = max(
            ship["time"], receipt["time"], *(t for t in (src_row["last_time"], dst_row["last_time"]) if t)
        )
        out, into = ledger.transfer_with_trade(
            match, entry_id=key_id, source=src, destination=dst, time=when, amount_kg=amount_kg
        )
        rows = [
            entry_row(out, int(src_row["id"]), org_id, request),
            entry_row(into, int(dst_row["id"]), receiver_org_id, request),
        ]
        repo.add_entries(rows)
        save_account(repo, ledger, src, int(src_row["id"]))
        save_account(repo, ledger, dst, int(dst_row["id"]))
        audit.record(
            uow.conn,
            actor,
            action="custody.transfer",
            entity="custody_entry",
            entity_id=key_id,
            org_id=org_id,
            changes={"grams": out.grams, "to_org": receiver_org_id, "shipment_ref": shipment_ref},
        )
        uow.commit()
    return entry_view(rows[0])
