"""Plain factories for trace tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

from junkan.trace.model import Event, EventKind, LotLine
from junkan.trace.units import Quantity

JST = timezone(timedelta(hours=9))
T0 = datetime(2025, 4, 1, 9, 0, tzinfo=JST)


def make_line(lot: str, kg: str | int, material: str = "PET", unit: str = "kg", **kw: object) -> LotLine:
    return LotLine(lot=lot, material=material, quantity=Quantity(Decimal(str(kg)), unit), **kw)  # type: ignore[arg-type]


def make_event(
    kind: EventKind | str,
    *,
    id: str,
    day: int = 0,
    site: str = "site-a",
    org: str = "org-a",
    inputs: tuple[LotLine, ...] = (),
    outputs: tuple[LotLine, ...] = (),
    **kw: object,
) -> Event:
    return Event(
        id=id,
        kind=EventKind(kind),
        time=T0 + timedelta(days=day),
        site=site,
        organisation=org,
        inputs=inputs,
        outputs=outputs,
        **kw,  # type: ignore[arg-type]
    )


def make_trade(
    ref: str, shipper: str, receiver: str, lines: tuple[LotLine, ...], *, received=None, day: int = 1
):
    ship = make_event(
        "ship",
        id=f"{ref}-s",
        day=day,
        site=f"{shipper}-site",
        org=shipper,
        inputs=lines,
        shipment_ref=ref,
        counterparty=receiver,
    )
    receipt = make_event(
        "receive",
        id=f"{ref}-r",
        day=day,
        site=f"{receiver}-site",
        org=receiver,
        outputs=received or lines,
        shipment_ref=ref,
        counterparty=shipper,
    )
    return ship, receipt
