"""Trade reconciliation: matching a shipment by A with its receipt by B (by shipment reference).

Custody passes only when both sides recorded the trade, the two organisations are partners (the caller
supplies ``are_partners``; the members context owns partnerships) and the receipt agrees with the shipment:
same materials, and per material a received mass within ``tolerance`` (relative, default 0.5 %) of the shipped
mass. Anything else is flagged — for both organisations, so that each sees what its counterparty must fix.
``reconcile`` is pure: give it the ship/receive events (other kinds are ignored).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from junkan.trace.model import Event, EventKind

__all__ = ["Reconciliation", "TradeFlag", "TradeMatch", "reconcile"]


@dataclass(frozen=True, slots=True)
class TradeMatch:
    """A shipment and its receipt that agree; ``custody_passes`` means credits may travel with the lots."""

    shipment_ref: str
    shipper: str
    receiver: str
    ship_event: str
    receive_event: str
    shipped_kg: dict[str, Decimal]
    received_kg: dict[str, Decimal]


@dataclass(frozen=True, slots=True)
class TradeFlag:
    """A problem with one trade, shown to every organisation in ``parties``."""

    code: str
    shipment_ref: str
    parties: tuple[str, ...]
    event_ids: tuple[str, ...]
    message: str


@dataclass(frozen=True, slots=True)
class Reconciliation:
    matches: tuple[TradeMatch, ...]
    flags: tuple[TradeFlag, ...]

    def flags_for(self, organisation: str) -> list[TradeFlag]:
        return [f for f in self.flags if organisation in f.parties]


def _by_material(event: Event) -> dict[str, Decimal]:
    lines = event.inputs if event.kind is EventKind.SHIP else event.outputs
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        totals[line.material] += line.kg()
    return dict(totals)


def _compare(ship: Event, receipt: Event, tolerance: Decimal) -> TradeFlag | None:
    sent, got = _by_material(ship), _by_material(receipt)
    parties = (ship.organisation, receipt.organisation)
    ids = (ship.id, receipt.id)
    ref = ship.shipment_ref or ""
    if receipt.organisation != ship.counterparty or ship.organisation != receipt.counterparty:
        return TradeFlag(
            "party_mismatch",
            ref,
            parties,
            ids,
            f"shipment {ref} was sent by {ship.organisation} to {ship.counterparty} but received by "
            f"{receipt.organisation} from {receipt.counterparty}; correct the counterparty on one side",
        )
    if set(sent) != set(got):
        return TradeFlag(
            "material_mismatch",
            ref,
            parties,
            ids,
            f"shipment {ref} sent {sorted(sent)} but the receipt lists {sorted(got)}; "
            "the receiver should record what arrived, the shipper correct the shipment if it was wrong",
        )
    for material, kg in sorted(sent.items()):
        diff = abs(got[material] - kg)
        if diff > kg * tolerance:
            return TradeFlag(
                "quantity_mismatch",
                ref,
                parties,
                ids,
                f"shipment {ref}: {kg} kg of {material} shipped, {got[material]} kg received (difference "
                f"{diff} kg exceeds {tolerance * 100} %); re-weigh and correct the wrong side",
            )
    return None


def reconcile(
    events: Iterable[Event],
    *,
    are_partners: Callable[[str, str], bool],
    tolerance: Decimal = Decimal("0.005"),
) -> Reconciliation:
    """Match ship and receive events by ``shipment_ref`` and flag what does not agree."""
    ships: dict[str, list[Event]] = defaultdict(list)
    receipts: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        if event.kind is EventKind.SHIP and event.shipment_ref:
            ships[event.shipment_ref].append(event)
        elif event.kind is EventKind.RECEIVE and event.shipment_ref:
            receipts[event.shipment_ref].append(event)
    matches: list[TradeMatch] = []
    flags: list[TradeFlag] = []
    for ref in sorted(set(ships) | set(receipts)):
        s, r = ships.get(ref, []), receipts.get(ref, [])
        every = tuple(e.id for e in s + r)
        orgs = tuple(dict.fromkeys([e.organisation for e in s + r] + [e.counterparty or "" for e in s + r]))
        parties = tuple(o for o in orgs if o)
        if len(s) > 1 or len(r) > 1:
            flags.append(
                TradeFlag(
                    "duplicate_reference",
                    ref,
                    parties,
                    every,
                    f"shipment reference {ref} is used by {len(s)} shipments and {len(r)} receipts; "
                    "give every shipment its own reference",
                )
            )
            continue
        if not r:
            flags.append(
                TradeFlag(
                    "unmatched_shipment",
                    ref,
                    parties,
                    every,
                    f"shipment {ref} has no receipt yet; the receiver should record it",
                )
            )
            continue
        if not s:
            flags.append(
                TradeFlag(
                    "unmatched_receipt",
                    ref,
                    parties,
                    every,
                    f"receipt {ref} has no shipment; the shipper should record it",
                )
            )
            continue
        ship, receipt = s[0], r[0]
        if not are_partners(ship.organisation, receipt.organisation):
            flags.append(
                TradeFlag(
                    "not_partners",
                    ref,
                    parties,
                    every,
                    f"{ship.organisation} and {receipt.organisation} are not partners, so custody "
                    "cannot pass; accept a partnership first",
                )
            )
            continue
        flag = _compare(ship, receipt, tolerance)
        if flag is not None:
            flags.append(flag)
            continue
        matches.append(
            TradeMatch(
                ref,
                ship.organisation,
                receipt.organisation,
                ship.id,
                receipt.id,
                _by_material(ship),
                _by_material(receipt),
            )
        )
    return Reconciliation(tuple(matches), tuple(flags))
