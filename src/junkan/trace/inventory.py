"""Site inventory and the conservation rules every traceability event must respect.

Rules (checked before anything changes, so a refused event leaves the inventory as it was):

* a transformation cannot create mass: Σ outputs ≤ Σ inputs × declared yield × (1 + tolerance)
  (law of conservation of mass; the yield is the operator's declaration, e.g. ~0.9 for PET sorting);
* a site's stock of a lot never goes negative (you cannot ship, sell or transform what is not there);
* events on a lot are in time order: never before the lot was created or before its previous event;
* a lot keeps its material class: a line naming another material for a known lot is refused;
* events are idempotent by id: the same id with the same fingerprint is a no-op, another payload a Conflict.

All masses are Decimal kg (``units.to_kg``). ``apply_event`` is the pure form; ``Inventory.apply`` mutates.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from junkan.errors import Conflict, InvalidInput, RuleViolation
from junkan.trace.model import SINK_KINDS, TRANSFORMATION_KINDS, Event, EventKind, LotLine, fingerprint

__all__ = ["Inventory", "LotInfo", "apply_event"]


@dataclass(frozen=True, slots=True)
class LotInfo:
    """What the inventory knows about a lot: its material, when it was created and last touched."""

    lot: str
    material: str
    grade: str
    created_at: datetime
    last_time: datetime
    created_by: str


@dataclass(slots=True)
class Inventory:
    """Stocks per (site, lot) in kg plus the running mass totals that make conservation checkable."""

    tolerance: Decimal = Decimal(0)
    lots: dict[str, LotInfo] = field(default_factory=dict)
    stock: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    applied: dict[str, str] = field(default_factory=dict)
    mass_in_kg: Decimal = Decimal(0)
    mass_out_kg: Decimal = Decimal(0)
    loss_kg: Decimal = Decimal(0)

    def copy(self) -> Inventory:
        return replace(self, lots=dict(self.lots), stock=dict(self.stock), applied=dict(self.applied))

    def stock_of(self, site: str, lot: str) -> Decimal:
        return self.stock.get((site, lot), Decimal(0))

    def total_stock_kg(self) -> Decimal:
        return sum(self.stock.values(), Decimal(0))

    def apply_all(self, events: Iterable[Event]) -> int:
        """Apply events in order; returns how many were new (replays are counted out)."""
        return sum(1 for e in events if self.apply(e))

    def apply(self, event: Event, *, fp: str | None = None) -> bool:
        """Apply one event; ``False`` when it is a replay of an event already applied (a no-op).
        ``fp`` is the event's fingerprint when the caller has computed it already."""
        fp = fp or fingerprint(event)
        known = self.applied.get(event.id)
        if known is not None:
            if known == fp:
                return False
            raise Conflict(
                f"event id '{event.id}' was already used for a different event; events are append-only: "
                "send a correcting event under a new id",
                code="event_id_reused",
                field="id",
                extra={"event_id": event.id},
            )
        in_kg = self._check_inputs(event)
        out_kg = self._check_outputs(event)
        if event.kind in TRANSFORMATION_KINDS:
            self._check_conservation(event, sum(in_kg, Decimal(0)), sum(out_kg, Decimal(0)))
        self._commit(event, in_kg, out_kg, fp)
        return True

    def _check_time(self, event: Event, line: LotLine, where: str) -> LotInfo | None:
        info = self.lots.get(line.lot)
        if info is None:
            return None
        if info.material != line.material:
            raise InvalidInput(
                f"lot '{line.lot}' is {info.material}, not {line.material}; "
                "use the lot's material or a new lot id",
                code="material_mismatch",
                field=f"{where}.material",
            )
        if event.time < info.last_time:
            raise RuleViolation(
                f"event '{event.id}' at {event.time.isoformat()} is before the previous event on lot "
                f"'{line.lot}' ({info.last_time.isoformat()}); send events in time order or fix the time",
                code="out_of_order",
                field="time",
            )
        return info

    def _check_inputs(self, event: Event) -> list[Decimal]:
        masses: list[Decimal] = []
        seen: set[str] = set()
        for i, line in enumerate(event.inputs):
            where = f"inputs[{i}]"
            if line.lot in seen:
                raise InvalidInput(
                    f"lot '{line.lot}' appears twice in inputs; merge the lines",
                    code="duplicate_lot_line",
                    field=f"{where}.lot",
                )
            seen.add(line.lot)
            kg = line.kg(field=f"{where}.quantity")
            if self._check_time(event, line, where) is None:
                raise RuleViolation(
                    f"lot '{line.lot}' is unknown; record the event that created it "
                    "(collect, receive, produce) first",
                    code="unknown_lot",
                    field=f"{where}.lot",
                )
            if event.kind is not EventKind.USE:
                have = self.stock_of(event.site, line.lot)
                if kg > have:
                    raise RuleViolation(
                        f"site '{event.site}' holds {have} kg of lot '{line.lot}' but the event "
                        f"takes {kg} kg (short by {kg - have} kg); record the receipt first "
                        "or correct the quantity",
                        code="negative_stock",
                        field=f"{where}.quantity",
                        extra={"site": event.site, "lot": line.lot, "shortfall_kg": str(kg - have)},
                    )
            masses.append(kg)
        return masses

    def _check_outputs(self, event: Event) -> list[Decimal]:
        masses: list[Decimal] = []
        seen: set[str] = set()
        for i, line in enumerate(event.outputs):
            where = f"outputs[{i}]"
            if line.lot in seen:
                raise InvalidInput(
                    f"lot '{line.lot}' appears twice in outputs; merge the lines",
                    code="duplicate_lot_line",
                    field=f"{where}.lot",
                )
            seen.add(line.lot)
            masses.append(line.kg(field=f"{where}.quantity"))
            self._check_time(event, line, where)
        return masses

    def _check_conservation(self, event: Event, in_kg: Decimal, out_kg: Decimal) -> None:
        declared = event.declared_yield if event.declared_yield is not None else Decimal(1)
        allowed = in_kg * declared * (1 + self.tolerance)
        if out_kg > allowed:
            raise RuleViolation(
                f"the '{event.kind}' event creates mass: outputs {out_kg} kg > inputs {in_kg} kg × yield "
                f"{declared} (+{self.tolerance} tolerance) = {allowed} kg; list all inputs or correct the "
                "declared yield",
                code="mass_created",
                field="outputs",
                extra={"inputs_kg": str(in_kg), "outputs_kg": str(out_kg), "allowed_kg": str(allowed)},
            )

    def _commit(self, event: Event, in_kg: list[Decimal], out_kg: list[Decimal], fp: str) -> None:
        lines = list(event.inputs) + list(event.outputs)
        if event.kind is not EventKind.USE:
            for line, kg in zip(event.inputs, in_kg, strict=True):
                key = (event.site, line.lot)
                left = self.stock_of(*key) - kg
                if left:
                    self.stock[key] = left
                else:
                    self.stock.pop(key, None)
        for line, kg in zip(event.outputs, out_kg, strict=True):
            key = (event.site, line.lot)
            if kg:
                self.stock[key] = self.stock_of(*key) + kg
        for line in lines:
            info = self.lots.get(line.lot)
            if info is None:
                self.lots[line.lot] = LotInfo(
                    line.lot, line.material, line.grade, event.time, event.time, event.id
                )
            else:
                self.lots[line.lot] = replace(info, last_time=max(info.last_time, event.time))
        total_in, total_out = sum(in_kg, Decimal(0)), sum(out_kg, Decimal(0))
        if event.kind in TRANSFORMATION_KINDS:
            self.loss_kg += total_in - total_out
        elif event.kind in SINK_KINDS:
            self.mass_out_kg += total_in
        elif event.kind is not EventKind.USE:
            self.mass_in_kg += total_out
        self.applied[event.id] = fp


def apply_event(state: Inventory, event: Event) -> Inventory:
    """Pure form: a new inventory with ``event`` applied; ``state`` is left untouched (also on error)."""
    new = state.copy()
    new.apply(event)
    return new
