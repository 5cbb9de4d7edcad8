"""Demo world, traceability and custody: a year (FY2025, April–March) of the PET-bottle loop and the
home-appliance loop recorded in every organisation's ledger, with mass-balance accounts and signed claims.

The symbolic organisations of :mod:`junkan.trace.demo_data` map onto the members cast; the virgin-resin
supplier is not on the platform, so its deliveries stay unmatched receipts (as they would in reality).

Custody, month by month (ISO 22095 mass balance, 3-month periods):

* PET: the bottle recycler credits the bales it receives (post-consumer by provenance: they trace back to
  the city's collection) × 0.8, the flake-to-pellet yield; credits for the pellets travel to the beverage
  maker with each shipment; the beverage maker claims recycled content on its bottle lot — half the lot's
  mass when the balance allows, the 50 % recycled PET body of the bottle passport
  (``junkan.passports.demo_data.demo_pet_bottle``).
* PP: the appliance recycler credits the washing machines it receives × 0.12 (≈ 0.13 PP flake × 0.92 pellet
  yield); credits travel with recycled PP pellets to the maker, which claims 30 % of its tub parts — the
  recycled PP share of the outer tub in the washing-machine passport.

Quarters Q1–Q3 are closed; Q4 stays open so the explorer shows an open period too. Each claim is a
Verifiable Credential signed with the organisation's key.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from decimal import ROUND_DOWN, Decimal

from sqlalchemy import Engine

from junkan.actor import Actor
from junkan.custody import service as custody
from junkan.custody.model import Characteristic
from junkan.demo import STEPS, DemoWorld
from junkan.demo.credentials import demo_signing
from junkan.store.uow import UnitOfWork
from junkan.trace import service as trace
from junkan.trace.demo_data import demo_events
from junkan.trace.model import Event, EventKind

__all__ = ["ORG_KEYS", "SITE_KEYS"]

# trace.demo_data symbolic organisation -> (members demo org key, facility key)
ORG_KEYS = {
    "city": ("city", "city_station"),
    "pet_sorter": ("pet_sorter", "sorter_plant"),
    "pet_recycler": ("pet_recycler", "recycler_plant"),
    "beverage_maker": ("beverage", "beverage_factory"),
    "electronics_retailer": ("retailer", "retail_depot"),
    "appliance_recycler": ("plastics_recycler", "plastics_plant"),
    "appliance_maker": ("appliance_maker", "appliance_factory"),
}
SITE_KEYS = {org: site for org, site in ORG_KEYS.values()}
PC = Characteristic.RECYCLED_POST_CONSUMER
PET_FACTOR = Decimal("0.8")
PP_FACTOR = Decimal("0.12")
BOTTLE_SHARE = Decimal("0.5")
TUB_SHARE = Decimal("0.3")


def _mapped(e: Event, world: DemoWorld) -> Event:
    org_key, site_key = ORG_KEYS[e.organisation]
    cp = e.counterparty
    return dataclasses.replace(
        e,
        organisation=str(world.orgs[org_key]),
        site=str(world.facilities[site_key]),
        counterparty=str(world.orgs[ORG_KEYS[cp][0]]) if cp in ORG_KEYS else cp,
    )


def _kg(e: Event, lot_prefix: str) -> Decimal:
    return next(x.kg() for x in e.inputs + e.outputs if x.lot.startswith(lot_prefix))


def build_trace(engine: Engine, world: DemoWorld, say: Callable[[str], None]) -> None:
    uow = UnitOfWork(engine)
    system = Actor.system("demo builder")
    events = list(demo_events())
    batch: list[Event] = []
    for e in events:
        mapped = _mapped(e, world)
        if batch and batch[-1].organisation != mapped.organisation:
            trace.record_events(uow, system, int(batch[0].organisation), batch)
            batch = []
        batch.append(mapped)
    if batch:
        trace.record_events(uow, system, int(batch[0].organisation), batch)
    say("trace: mass-balance accounts and claims")
    secret, host = demo_signing(world)
    by_month: dict[str, list[Event]] = {}
    for e in events:
        by_month.setdefault(e.id.split("-")[1], []).append(e)
    org = {k: world.orgs[v[0]] for k, v in ORG_KEYS.items()}
    site = {k: world.facilities[v[1]] for k, v in ORG_KEYS.items()}
    claims: dict[str, int] = {}
    for tag, month in sorted(by_month.items()):
        _pet_month(uow, system, tag, month, org, site, secret, host, claims)
        _pp_month(uow, system, tag, month, org, site, secret, host, claims)
    for key in ("pet_recycler", "beverage_maker", "appliance_recycler", "appliance_maker"):
        for start in (dt.date(2025, 4, 1), dt.date(2025, 7, 1), dt.date(2025, 10, 1)):
            custody.close_all(uow, system, org[key], start)
    world.extra["trace.claims"] = claims
    say("trace: ledger checkpoints")
    for key in ("city", "beverage_maker"):
        trace.create_checkpoint(
            uow,
            dataclasses.replace(system, now=dt.datetime(2026, 4, 1, tzinfo=dt.UTC)),
            org[key],
            master_secret=secret,
            host=host,
        )


def _find(month: list[Event], kind: EventKind, org: str, ref: str | None = None) -> Event:
    return next(
        e
        for e in month
        if e.kind is kind
        and e.organisation == org
        and (ref is None or (e.shipment_ref or "").startswith(ref))
    )


def _claim(
    uow: UnitOfWork,
    system: Actor,
    who: str,
    tag: str,
    lot: str,
    want: Decimal,
    material: str,
    org: dict[str, int],
    site: dict[str, int],
    secret: bytes,
    host: str,
    claims: dict[str, int],
    when: dt.datetime,
) -> None:
    balance = Decimal(
        next(
            a["balance_kg"]
            for a in custody.list_accounts(uow, system, org[who])
            if a["site_id"] == site[who] and a["material_group"] == material
        )
    )
    amount = min(balance, want).quantize(Decimal(1), rounding=ROUND_DOWN)
    if amount <= 0:
        return
    out = custody.claim(
        uow,
        dataclasses.replace(system, now=when),
        org[who],
        entry_id=f"claim-{lot}",
        site_id=site[who],
        material_group=material,
        characteristic=PC,
        lots=[lot],
        amount_kg=amount,
        master_secret=secret,
        host=host,
    )
    claims[lot] = out["claim_id"]


def _pet_month(
    uow: UnitOfWork,
    system: Actor,
    tag: str,
    month: list[Event],
    org: dict[str, int],
    site: dict[str, int],
    secret: bytes,
    host: str,
    claims: dict[str, int],
) -> None:
    bales = _find(month, EventKind.RECEIVE, "pet_recycler", "SHP-PETB")
    custody.credit(
        uow,
        system,
        org["pet_recycler"],
        entry_id=f"credit-bales-{tag}",
        event_id=bales.id,
        material_group="PET",
        characteristic=PC,
        input_kg=_kg(bales, "pet-bale"),
        conversion_factor=PET_FACTOR,
    )
    ship = _find(month, EventKind.SHIP, "pet_recycler", "SHP-RPET")
    balance = Decimal(custody.list_accounts(uow, system, org["pet_recycler"])[0]["balance_kg"])
    amount = min(_kg(ship, "rpet"), balance)
    custody.transfer(
        uow,
        system,
        org["pet_recycler"],
        entry_id=f"transfer-rpet-{tag}",
        shipment_ref=ship.shipment_ref or "",
        receiver_org_id=org["beverage_maker"],
        material_group="PET",
        characteristic=PC,
        amount_kg=amount,
    )
    produce = _find(month, EventKind.PRODUCE, "beverage_maker")
    bottles = produce.outputs[0]
    _claim(
        uow,
        system,
        "beverage_maker",
        tag,
        bottles.lot,
        bottles.kg() * BOTTLE_SHARE,
        "PET",
        org,
        site,
        secret,
        host,
        claims,
        produce.time,
    )


def _pp_month(
    uow: UnitOfWork,
    system: Actor,
    tag: str,
    month: list[Event],
    org: dict[str, int],
    site: dict[str, int],
    secret: bytes,
    host: str,
    claims: dict[str, int],
) -> None:
    units = _find(month, EventKind.RECEIVE, "appliance_recycler", "SHP-APPL")
    custody.credit(
        uow,
        system,
        org["appliance_recycler"],
        entry_id=f"credit-appliances-{tag}",
        event_id=units.id,
        material_group="PP",
        input_material="washing machine",
        characteristic=PC,
        input_kg=units.outputs[0].kg(),
        conversion_factor=PP_FACTOR,
    )
    ship = _find(month, EventKind.SHIP, "appliance_recycler", "SHP-RPP")
    balance = Decimal(custody.list_accounts(uow, system, org["appliance_recycler"])[0]["balance_kg"])
    custody.transfer(
        uow,
        system,
        org["appliance_recycler"],
        entry_id=f"transfer-rpp-{tag}",
        shipment_ref=ship.shipment_ref or "",
        receiver_org_id=org["appliance_maker"],
        material_group="PP",
        characteristic=PC,
        amount_kg=min(_kg(ship, "rpp"), balance),
    )
    produce = _find(month, EventKind.PRODUCE, "appliance_maker")
    parts = produce.outputs[0]
    _claim(
        uow,
        system,
        "appliance_maker",
        tag,
        parts.lot,
        parts.kg() * TUB_SHARE,
        "PP",
        org,
        site,
        secret,
        host,
        claims,
        produce.time,
    )


STEPS.append(("trace", build_trace))
