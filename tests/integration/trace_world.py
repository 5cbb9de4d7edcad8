"""A small traceability world on a real database: organisations with sites and partnerships, and helpers
that turn the demo's symbolic events into events of those organisations."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Iterable
from decimal import Decimal

from tests.factories import World, make_facility

from junkan.actor import Actor
from junkan.members import service as members
from junkan.trace.model import Event, EventKind, LotLine
from junkan.trace.units import Quantity

JST = dt.timezone(dt.timedelta(hours=9))
_SEQ = itertools.count(1)
T0 = dt.datetime(2025, 4, 1, 9, 0, tzinfo=JST)


class TraceWorld:
    """Organisations keyed by name, each with one site, partnered as ``pairs`` says."""

    def __init__(self, world: World, names: Iterable[str], pairs: Iterable[tuple[str, str]] = ()) -> None:
        self.world = world
        self.org: dict[str, int] = {}
        self.actor: dict[str, Actor] = {}
        self.site: dict[str, int] = {}
        for name in names:
            org_id, actor = world.org(name_en=f"{name} {next(_SEQ)}")
            self.org[name], self.actor[name] = org_id, actor
            self.site[name] = members.add_facility(
                world.uow, actor, make_facility(org_id, name=f"{name} plant")
            )
        for a, b in pairs:
            self.actor[a], self.actor[b] = world.partner(self.actor[a], self.actor[b])

    def event(self, kind: str, who: str, id: str, *, day: float = 0, **kw: object) -> Event:
        cp = kw.pop("counterparty", None)
        if isinstance(cp, str) and cp in self.org:
            cp = str(self.org[cp])
        return Event(
            id=id,
            kind=EventKind(kind),
            time=T0 + dt.timedelta(days=day),
            site=str(self.site[who]),
            organisation=str(self.org[who]),
            counterparty=cp,  # type: ignore[arg-type]
            **kw,  # type: ignore[arg-type]
        )

    def mapped(self, e: Event, orgs: dict[str, str]) -> Event:
        """A demo event of symbolic organisation keys as an event of this world's organisations."""
        who = orgs[e.organisation]
        cp = e.counterparty
        return dataclasses.replace(
            e,
            organisation=str(self.org[who]),
            site=str(self.site[who]),
            counterparty=str(self.org[orgs[cp]]) if cp in orgs else cp,
        )


def line(lot: str, kg: str | int, material: str = "PET", **kw: object) -> LotLine:
    return LotLine(lot=lot, material=material, quantity=Quantity(Decimal(str(kg)), "kg"), **kw)  # type: ignore[arg-type]
