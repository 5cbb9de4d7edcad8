"""Demo world, sharing and repair: a year (FY2025, April–March) of reuse and repair in みなと市, recorded
through the trace service so it lands in each organisation's ledger like any other event.

* ShareLink (シェアリンク, a home-appliance sharing operator) takes delivery of its fleet at its みなと
  depot in April from a distributor that is not on the platform (an unmatched receipt, as in reality).
  Every month the units members returned are cleaned, inspected and sent to the next member: one
  ``reuse`` event per appliance type (the returned units in, the same units out as a new lot, first in,
  first out over the fleet's lots); a few units a month come back broken and are repaired (``repair``,
  one unit each).
* でんきのミナト (the electronics retailer) also takes back washing machines that are still sound when a
  customer buys a new one (リユース品としての引取り: a unit that is reused is not waste, so it is outside
  the 家電リサイクル法 take-back it ships to the recycler). It collects them at its take-back centre,
  repairs them and sells them as refurbished units.

The regions dashboard of みなと市 then counts these events (``reuse_repair_sharing_events``), and the
retailer's repaired take-back joins the city's PET as collected mass first treated in the region.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal

from sqlalchemy import Engine

from junkan.actor import Actor
from junkan.demo import STEPS, DemoWorld
from junkan.store.uow import UnitOfWork
from junkan.trace import service as trace
from junkan.trace.model import DocumentRef, Event, EventKind, LotLine
from junkan.trace.units import Quantity

__all__ = ["FLEET", "build_sharing", "retailer_events", "sharing_events"]

JST = dt.timezone(dt.timedelta(hours=9))
# appliance type → (lot prefix, units in the fleet, kg per unit, members returning per month low–high)
FLEET = {
    "washing machine": ("wm", 48, Decimal(35), (6, 12)),
    "refrigerator": ("rf", 32, Decimal(55), (3, 8)),
    "microwave oven": ("mw", 40, Decimal(12), (5, 11)),
}
SUPPLIER = "家電卸 みなと販売（platform 外 / not on the platform）"


def _months(fiscal_year: int = 2025) -> list[tuple[int, int]]:
    return [(fiscal_year + (3 + i) // 12, (3 + i) % 12 + 1) for i in range(12)]


def _units(lot: str, material: str, n: int, kg: Decimal, grade: str = "") -> LotLine:
    return LotLine(lot, material, Quantity(Decimal(n), "pcs"), grade, unit_mass_kg=kg)


def _take(pool: list[tuple[str, int]], n: int, material: str, kg: Decimal) -> tuple[LotLine, ...]:
    """``n`` units from the fleet's lots, oldest first (the pool holds (lot id, units) pairs)."""
    lines = []
    while n:
        lot, have = pool[0]
        k = min(n, have)
        lines.append(_units(lot, material, k, kg))
        n -= k
        if k == have:
            pool.pop(0)
        else:
            pool[0] = (lot, have - k)
    return tuple(lines)


def sharing_events(org: int, site: int, *, seed: int = 2025) -> list[Event]:
    """ShareLink's year: the fleet's delivery, then monthly turnarounds (reuse) and repairs, in time order."""
    rng = random.Random(seed)
    when = dt.datetime(2025, 4, 2, 10, 0, tzinfo=JST)
    fleet = tuple(_units(f"sl-{p}-fleet", m, n, kg, "shared") for m, (p, n, kg, _r) in FLEET.items())
    events = [
        Event("sl-fleet-202504", EventKind.RECEIVE, when, str(site), str(org), outputs=fleet,
              shipment_ref="SL-PO-2025-001", counterparty=SUPPLIER,
              documents=(DocumentRef("invoice", "MS-2025-0402-17"),))
    ]  # fmt: skip
    pools = {line.material: [(line.lot, int(line.quantity.value))] for line in fleet}
    for year, month in _months():
        tag = f"{year}{month:02d}"
        for i, (material, (prefix, _n, kg, (low, high))) in enumerate(FLEET.items()):
            returned = rng.randint(low, high)
            out = _units(f"sl-{prefix}-{tag}-reuse", material, returned, kg, "cleaned and inspected")
            events.append(
                Event(f"sl-reuse-{prefix}-{tag}", EventKind.REUSE, dt.datetime(year, month, 25, 10 + i,
                      tzinfo=JST), str(site), str(org), inputs=_take(pools[material], returned, material, kg),
                      outputs=(out,))
            )  # fmt: skip
            pools[material].append((out.lot, returned))
        for j in range(rng.choice((0, 1, 1, 2))):
            material = rng.choice(("washing machine", "refrigerator", "microwave oven"))
            prefix, _n, kg, _r = FLEET[material]
            fixed = _units(f"sl-{prefix}-{tag}-repair{j + 1}", material, 1, kg, "repaired")
            events.append(
                Event(f"sl-repair-{tag}-{j + 1}", EventKind.REPAIR, dt.datetime(year, month, 27, 10 + j,
                      tzinfo=JST), str(site), str(org), inputs=_take(pools[material], 1, material, kg),
                      outputs=(fixed,))
            )  # fmt: skip
            pools[material].append((fixed.lot, 1))
    return events


def retailer_events(org: int, site: int, *, seed: int = 2026) -> list[Event]:
    """The retailer's year: sound take-back washing machines collected, repaired and sold each month."""
    rng = random.Random(seed)
    kg = FLEET["washing machine"][2]
    events: list[Event] = []
    for year, month in _months():
        tag = f"{year}{month:02d}"
        n = rng.randint(3, 8)
        units = _units(f"reuse-col-{tag}", "washing machine", n, kg, "take-back, reusable")
        fixed = _units(f"refurb-{tag}", "washing machine", n, kg, "refurbished")
        at = dt.datetime(year, month, 15, 11, tzinfo=JST)
        events += [
            Event(f"ret-reuse-col-{tag}", EventKind.COLLECT, at, str(site), str(org), outputs=(units,)),
            Event(f"ret-repair-{tag}", EventKind.REPAIR, at + dt.timedelta(days=5), str(site), str(org),
                  inputs=(units,), outputs=(fixed,)),
            Event(f"ret-refurb-sale-{tag}", EventKind.SELL, at + dt.timedelta(days=12), str(site), str(org),
                  inputs=(fixed,)),
        ]  # fmt: skip
    return events


def build_sharing(engine: Engine, world: DemoWorld, say: Callable[[str], None]) -> None:
    uow = UnitOfWork(engine)
    system = Actor.system("demo builder")
    org, site = world.orgs["sharing"], world.facilities["sharing_depot"]
    trace.record_events(uow, system, org, sharing_events(org, site))
    say("sharing: the retailer's repaired take-back")
    org, site = world.orgs["retailer"], world.facilities["retail_depot"]
    trace.record_events(uow, system, org, retailer_events(org, site))


STEPS.append(("sharing", build_sharing))
