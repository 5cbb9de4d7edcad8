"""Lots and traceability events: the vocabulary of the trace context.

A *lot* (ロット) is a quantity of one material class and grade, identified by a client-chosen id, optionally
linked to a product/material passport. An *event* records what happened to lots at one site by one
organisation at one time, in the spirit of EPCIS 2.0 (what, when, where, why) and the UNTP Digital
Traceability Event: inputs are lots consumed or observed, outputs are lots created. Events are append-only;
each carries a client-supplied id, so re-sending the same event is a no-op and a different event under a used
id is a ``Conflict`` (see ``fingerprint``). Reference documents include the Japanese industrial-waste manifest
(産業廃棄物管理票, マニフェスト; Waste Management Act art. 12-3) and the home-appliance recycling ticket
(家電リサイクル券; Home Appliance Recycling Act art. 43).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum

from junkan.errors import InvalidInput
from junkan.trace.units import Quantity, normalise_decimal, uom_code

__all__ = [
    "SINK_KINDS",
    "SOURCE_KINDS",
    "TRANSFORMATION_KINDS",
    "DocumentRef",
    "Event",
    "EventKind",
    "LotLine",
    "canonical_payload",
    "fingerprint",
    "payload_fingerprint",
    "payload_text",
]


class EventKind(StrEnum):
    COLLECT = "collect"
    SORT = "sort"
    RECYCLE = "recycle"
    PRODUCE = "produce"
    SHIP = "ship"
    RECEIVE = "receive"
    SELL = "sell"
    USE = "use"
    REPAIR = "repair"
    REUSE = "reuse"
    REMANUFACTURE = "remanufacture"
    DISPOSE = "dispose"


# Transformations consume inputs and create outputs within the declared yield (EPCIS TransformationEvent).
TRANSFORMATION_KINDS = frozenset(
    {
        EventKind.SORT,
        EventKind.RECYCLE,
        EventKind.PRODUCE,
        EventKind.REPAIR,
        EventKind.REUSE,
        EventKind.REMANUFACTURE,
    }
)
# Sources bring mass into the tracked system (outputs only); a receipt may also bring external lots in.
SOURCE_KINDS = frozenset({EventKind.COLLECT, EventKind.RECEIVE})
# Sinks take mass out of the site (inputs only).
SINK_KINDS = frozenset({EventKind.SHIP, EventKind.SELL, EventKind.DISPOSE})


@dataclass(frozen=True, slots=True)
class DocumentRef:
    """A reference document: ``type`` e.g. 'jp_manifest' (マニフェスト), 'jp_appliance_ticket', 'invoice'."""

    type: str
    id: str


@dataclass(frozen=True, slots=True)
class LotLine:
    """One lot in an event with its quantity; ``material`` and ``grade`` describe the lot (checked)."""

    lot: str
    material: str
    quantity: Quantity
    grade: str = ""
    unit_mass_kg: Decimal | None = None
    passport: str | None = None

    def kg(self, field: str = "quantity") -> Decimal:
        return self.quantity.kg(unit_mass_kg=self.unit_mass_kg, field=field)


@dataclass(frozen=True, slots=True)
class Event:
    """One traceability event. ``counterparty`` and ``shipment_ref`` link a shipment to its receipt."""

    id: str
    kind: EventKind
    time: datetime
    site: str
    organisation: str
    inputs: tuple[LotLine, ...] = ()
    outputs: tuple[LotLine, ...] = ()
    documents: tuple[DocumentRef, ...] = ()
    shipment_ref: str | None = None
    counterparty: str | None = None
    declared_yield: Decimal | None = None

    def __post_init__(self) -> None:
        if not self.id.strip():
            raise InvalidInput(
                "an event needs a client-supplied id; generate a UUID", code="missing_id", field="id"
            )
        if self.time.tzinfo is None:
            raise InvalidInput(
                "event time has no time zone; give it with an offset such as +09:00 or Z",
                code="naive_time",
                field="time",
            )
        if self.declared_yield is not None and not Decimal(0) < self.declared_yield <= Decimal(1):
            raise InvalidInput(
                f"declared yield {self.declared_yield} is outside (0, 1]; give the output/input mass ratio",
                code="yield_out_of_range",
                field="declared_yield",
            )
        kind = self.kind
        if kind in TRANSFORMATION_KINDS and not (self.inputs and self.outputs):
            raise InvalidInput(
                f"a '{kind}' event transforms lots: give at least one input and one output line",
                code="transformation_needs_lines",
                field="inputs" if not self.inputs else "outputs",
            )
        if kind in SOURCE_KINDS and (self.inputs or not self.outputs):
            raise InvalidInput(
                f"a '{kind}' event brings lots to the site: list them as outputs only",
                code="source_needs_outputs",
                field="outputs",
            )
        if kind in SINK_KINDS and (self.outputs or not self.inputs):
            raise InvalidInput(
                f"a '{kind}' event takes lots away from the site: list them as inputs only",
                code="sink_needs_inputs",
                field="inputs",
            )
        if kind is EventKind.USE and (self.outputs or not self.inputs):
            raise InvalidInput(
                "a 'use' event observes lots in use: list them as inputs only",
                code="use_needs_inputs",
                field="inputs",
            )
        if kind in {EventKind.SHIP, EventKind.RECEIVE} and not (self.shipment_ref and self.counterparty):
            raise InvalidInput(
                f"a '{kind}' event needs shipment_ref and counterparty so that shipment and receipt "
                "can be matched",
                code="trade_needs_reference",
                field="shipment_ref" if not self.shipment_ref else "counterparty",
            )

    @property
    def utc_time(self) -> datetime:
        return self.time.astimezone(UTC)


def _line_payload(line: LotLine) -> dict[str, object]:
    # Mass units are canonicalised to kg so that '1 t' and '1000 kg' are the same payload; counts stay counts.
    unit = line.quantity.unit
    if unit in {"t", "TNE", "g", "GRM", "kg", "KGM"}:
        value, unit = line.quantity.kg(), "kg"
    else:
        value, unit = line.quantity.value, uom_code(unit)  # 'pcs' and 'H87' are the same count unit
    return {
        "lot": line.lot,
        "material": line.material,
        "grade": line.grade,
        "quantity": normalise_decimal(value),
        "unit": unit,
        "unit_mass_kg": None if line.unit_mass_kg is None else normalise_decimal(line.unit_mass_kg),
        "passport": line.passport,
    }


def canonical_payload(event: Event) -> dict[str, object]:
    """The event as plain JSON values with one spelling per meaning (UTC time, kg, normalised decimals)."""
    return {
        "id": event.id,
        "kind": event.kind.value,
        "time": event.utc_time.isoformat().replace("+00:00", "Z"),
        "site": event.site,
        "organisation": event.organisation,
        "inputs": [_line_payload(x) for x in event.inputs],
        "outputs": [_line_payload(x) for x in event.outputs],
        "documents": sorted([d.type, d.id] for d in event.documents),
        "shipment_ref": event.shipment_ref,
        "counterparty": event.counterparty,
        "declared_yield": None if event.declared_yield is None else normalise_decimal(event.declared_yield),
    }


def fingerprint(event: Event) -> str:
    """SHA-256 of the canonical payload (sorted keys, compact separators, UTF-8): equal iff same event."""
    return payload_fingerprint(canonical_payload(event))


def payload_fingerprint(payload: dict[str, object]) -> str:
    """:func:`fingerprint` of an already computed :func:`canonical_payload` (saves building it twice)."""
    return hashlib.sha256(payload_text(payload).encode("utf-8")).hexdigest()


def payload_text(payload: dict[str, object]) -> str:
    """The canonical payload as compact JSON with sorted keys (what :func:`fingerprint` hashes). Payloads
    hold only strings, lists and null with ASCII keys, so this is also their RFC 8785 (JCS) form."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
