"""A seeded, realistic year of traceability events for the demo world (pure: no clock, no I/O).

(a) PET bottle loop (容器包装リサイクル法 separate collection): the city collects used PET bottles (60–90 t a
month, ≈ 3 kg per resident a year for a city of ~300,000) → the PET sorter bales them (sorting yield ≈ 0.9,
residue ≈ 0.07 disposed under a マニフェスト) → the bottle-to-bottle recycler makes food-grade rPET pellets
(flake yield ≈ 0.8) → the beverage maker blends rPET with virgin PET into bottles and sells them.

(b) Home-appliance loop (家電リサイクル法): the electronics retailer takes back washing machines
(≈ 35 kg each, 家電リサイクル券) → the appliance recycler dismantles and shreds them (steel ≈ 0.52,
PP flake ≈ 0.13) and compounds recycled PP pellets (≈ 0.92) → the appliance maker moulds parts from rPP
and virgin PP.

Organisations and sites are symbolic keys (``ORGANISATIONS``, ``SITES``) that the demo builder maps to real
records. Virgin resin arrives from ``resin_supplier``, which is not on the platform, so its receipts show up
as unmatched in trade reconciliation, as they would in reality.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from junkan.trace.model import DocumentRef, Event, EventKind, LotLine
from junkan.trace.units import Quantity

__all__ = ["ORGANISATIONS", "PARTNERSHIPS", "SITES", "demo_events"]

JST = timezone(timedelta(hours=9))
ORGANISATIONS: dict[str, str] = {
    "city": "municipality: separate collection of PET bottles",
    "pet_sorter": "PET sorting and baling contractor",
    "pet_recycler": "bottle-to-bottle recycler (food-grade rPET)",
    "beverage_maker": "beverage maker (PET bottles)",
    "electronics_retailer": "electronics retailer (take-back under the Home Appliance Recycling Act)",
    "appliance_recycler": "home-appliance recycling plant",
    "appliance_maker": "home-appliance maker",
    "resin_supplier": "virgin resin supplier (not on the platform)",
}
SITES: dict[str, str] = {
    "city_depot": "city",
    "pet_sorter_plant": "pet_sorter",
    "pet_recycler_plant": "pet_recycler",
    "beverage_plant": "beverage_maker",
    "retailer_store": "electronics_retailer",
    "appliance_recycler_plant": "appliance_recycler",
    "appliance_plant": "appliance_maker",
}
PARTNERSHIPS: frozenset[frozenset[str]] = frozenset(
    frozenset(p)
    for p in [
        ("city", "pet_sorter"),
        ("pet_sorter", "pet_recycler"),
        ("pet_recycler", "beverage_maker"),
        ("electronics_retailer", "appliance_recycler"),
        ("appliance_recycler", "appliance_maker"),
    ]
)
_SITE_OF = {org: site for site, org in SITES.items()}


class _Month:
    """Builds one month's events; quantities rounded to whole kg as weighbridges print them."""

    def __init__(self, rng: random.Random, year: int, month: int) -> None:
        self.rng, self.year, self.month = rng, year, month
        self.tag = f"{year}{month:02d}"
        self.events: list[Event] = []

    def kg(self, low: float, high: float, base: Decimal = Decimal(1)) -> Decimal:
        return (base * Decimal(str(round(self.rng.uniform(low, high), 4)))).quantize(Decimal(1))

    def at(self, day: int, minute: int) -> datetime:
        # The minute is the event's sequence number in the month, so each loop's events stay in order.
        return datetime(self.year, self.month, day, 9, minute, tzinfo=JST)

    def add(self, kind: EventKind, day: int, org: str, **kw: object) -> None:
        n = len(self.events) + 1
        event = Event(
            id=f"demo-{self.tag}-{n:02d}", kind=kind, time=self.at(day, n), site=_SITE_OF[org],
            organisation=org, **kw,  # type: ignore[arg-type]
        )  # fmt: skip
        self.events.append(event)

    def manifest(self) -> tuple[DocumentRef, ...]:
        # JWNET electronic manifest numbers are 11 digits (産業廃棄物管理票, Waste Management Act art. 12-5).
        return (DocumentRef("jp_manifest", f"{self.rng.randrange(10**10, 10**11)}"),)

    def trade(self, day: int, shipper: str, receiver: str, lines: tuple[LotLine, ...], code: str) -> None:
        ref = f"SHP-{code}-{self.tag}"
        self.add(EventKind.SHIP, day, shipper, inputs=lines, shipment_ref=ref, counterparty=receiver)
        self.add(EventKind.RECEIVE, day, receiver, outputs=lines, shipment_ref=ref, counterparty=shipper)


def _line(lot: str, material: str, kg: Decimal, grade: str = "") -> LotLine:
    return LotLine(lot=lot, material=material, grade=grade, quantity=Quantity(kg, "kg"))


def _pet(m: _Month) -> None:
    t = m.tag
    collected = _line(f"pet-col-{t}", "PET", m.kg(60_000, 90_000), "used bottles, post-consumer")
    m.add(EventKind.COLLECT, 3, "city", outputs=(collected,))
    m.trade(5, "city", "pet_sorter", (collected,), "PETC")
    bale = _line(f"pet-bale-{t}", "PET", m.kg(0.87, 0.91, collected.quantity.value), "bales, post-consumer")
    residue = _line(f"pet-sortres-{t}", "mixed waste", m.kg(0.05, 0.07, collected.quantity.value))
    m.add(
        EventKind.SORT,
        8,
        "pet_sorter",
        inputs=(collected,),
        outputs=(bale, residue),
        declared_yield=Decimal("0.98"),
    )
    m.add(EventKind.DISPOSE, 9, "pet_sorter", inputs=(residue,), documents=m.manifest())
    m.trade(12, "pet_sorter", "pet_recycler", (bale,), "PETB")
    pellets = _line(f"rpet-{t}", "PET", m.kg(0.78, 0.82, bale.quantity.value), "food-grade rPET pellets")
    res2 = _line(f"rpet-res-{t}", "mixed waste", m.kg(0.12, 0.15, bale.quantity.value))
    m.add(
        EventKind.RECYCLE,
        16,
        "pet_recycler",
        inputs=(bale,),
        outputs=(pellets, res2),
        declared_yield=Decimal("0.97"),
    )
    m.add(EventKind.DISPOSE, 17, "pet_recycler", inputs=(res2,), documents=m.manifest())
    m.trade(20, "pet_recycler", "beverage_maker", (pellets,), "RPET")
    virgin = _line(f"vpet-{t}", "PET", m.kg(1.0, 1.5, pellets.quantity.value), "virgin bottle grade")
    m.add(EventKind.RECEIVE, 21, "beverage_maker", outputs=(virgin,), shipment_ref=f"SHP-VPET-{t}",
          counterparty="resin_supplier")  # fmt: skip
    resin = pellets.quantity.value + virgin.quantity.value
    bottles = _line(f"bottles-{t}", "PET", m.kg(0.975, 0.985, resin), "500 ml bottles")
    m.add(EventKind.PRODUCE, 24, "beverage_maker", inputs=(pellets, virgin), outputs=(bottles,),
          declared_yield=Decimal("0.99"))  # fmt: skip
    m.add(EventKind.SELL, 28, "beverage_maker", inputs=(bottles,))


def _appliances(m: _Month) -> None:
    t = m.tag
    count = Decimal(m.rng.randrange(300, 480))
    units = LotLine(f"appl-col-{t}", "washing machine", Quantity(count, "pcs"), "end-of-life", Decimal(35))
    first = m.rng.randrange(10**12, 9 * 10**12)
    ticket = (DocumentRef("jp_appliance_ticket", f"{first}-{first + int(count) - 1}"),)
    m.add(EventKind.COLLECT, 4, "electronics_retailer", outputs=(units,), documents=ticket)
    m.trade(7, "electronics_retailer", "appliance_recycler", (units,), "APPL")
    mass = count * 35
    steel = _line(f"steel-{t}", "steel", m.kg(0.50, 0.54, mass), "shredded scrap")
    flake = _line(f"pp-flake-{t}", "PP", m.kg(0.12, 0.14, mass), "post-consumer flake")
    res = _line(f"appl-res-{t}", "shredder residue", m.kg(0.15, 0.20, mass))
    m.add(EventKind.RECYCLE, 11, "appliance_recycler", inputs=(units,), outputs=(steel, flake, res),
          declared_yield=Decimal("0.9"))  # fmt: skip
    m.add(EventKind.SELL, 13, "appliance_recycler", inputs=(steel,))
    m.add(EventKind.DISPOSE, 13, "appliance_recycler", inputs=(res,), documents=m.manifest())
    rpp = _line(
        f"rpp-{t}", "PP", m.kg(0.90, 0.93, flake.quantity.value), "recycled PP pellets, post-consumer"
    )
    m.add(
        EventKind.RECYCLE,
        18,
        "appliance_recycler",
        inputs=(flake,),
        outputs=(rpp,),
        declared_yield=Decimal("0.95"),
    )
    m.trade(22, "appliance_recycler", "appliance_maker", (rpp,), "RPP")
    virgin = _line(f"vpp-{t}", "PP", m.kg(2.0, 3.0, rpp.quantity.value), "virgin PP")
    m.add(EventKind.RECEIVE, 23, "appliance_maker", outputs=(virgin,), shipment_ref=f"SHP-VPP-{t}",
          counterparty="resin_supplier")  # fmt: skip
    parts = _line(
        f"pp-parts-{t}", "PP", m.kg(0.96, 0.98, rpp.quantity.value + virgin.quantity.value), "tub parts"
    )
    m.add(EventKind.PRODUCE, 26, "appliance_maker", inputs=(rpp, virgin), outputs=(parts,),
          declared_yield=Decimal("0.99"))  # fmt: skip


def demo_events(*, seed: int = 2025, fiscal_year: int = 2025) -> Iterator[Event]:
    """Twelve months (April–March, the Japanese fiscal year) of both loops, in time order."""
    rng = random.Random(seed)
    for i in range(12):
        year, month = fiscal_year + (3 + i) // 12, (3 + i) % 12 + 1
        m = _Month(rng, year, month)
        _pet(m)
        _appliances(m)
        yield from sorted(m.events, key=lambda e: e.time)
