"""The trace platform source of the regions context on SQLite and PostgreSQL: reuse/repair activity and the
in-region processing of collected recyclables, per region and fiscal year, with the suppression rule.

A hand-built world in two municipalities, A (みなと市's code) and B (北浜町's), plus C (山里村) where
nothing happens. FY2024 = 1 April 2024 - 31 March 2025 (JST).

    A: collector X (public station)       collect c1 1000 kg; ships 600 kg to S and 400 kg to R
       sorter S (public plant)            receives 600 kg, sorts it                    → first treatment in A
       retailer T (PRIVATE depot)         collect wm 10 pcs × 35 kg = 350 kg; repairs 2 pcs (70 kg) → in A
       reuse shop P (public)              receives 120 kg of furniture from a donor off the platform;
                                          reuse event: 100 kg back to use
    B: recycler R (public)                receives 400 kg of c1, recycles it            → first treatment in B
       repairer Q (public)                receives a 25 kg bike, repairs it (20 kg back to use)

Expected FY2024 figures, by hand:
    A reuse events  = T's repair + P's reuse = 2 events by {T, P}                 (2 organisations: shown)
    A reuse mass    = 70 kg + 100 kg = 170 kg = 0.17 t
    A collected     = 1000 + 350 = 1350 kg = 1.35 t by {X, T}                     (shown)
    A processed     = 600 kg (S's sort) + 70 kg (T's repair of its own take-back) = 670 kg = 0.67 t
                      by {X, S, T}; traced anywhere: 600 + 400 + 70 = 1070 kg (the 280 kg of wm left over
                      are not traced and count as not treated in A)
    A share         = 670 / 1350 = 49.63 %
    B reuse         = 1 event by {Q} only → suppressed (NaN, reason in the note), although B is observed
    B collected     = no collect event, observed {R, Q} (2 organisations) → a true zero (0 t)
    B processed     = nothing collected → no figure (missing)
    C               = no event at all → no figure (missing, never zero)
FY2025 (1 April 2025 -): X alone collects c2 500 kg and S sorts it after receipt:
    A collected     = 500 kg by {X} only → suppressed, and the processed part with it
    A reuse         = no repair/reuse event; observed {X, S} → a true zero
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from decimal import Decimal

import pytest
from sqlalchemy import event
from tests.factories import World, make_facility

from junkan.actor import Actor
from junkan.members import service as members
from junkan.members.model import FacilityKind
from junkan.regions import service
from junkan.regions.demo_data import demo_profiles
from junkan.regions.model import RegionProfile
from junkan.regions.service.platform import PlatformFigure, RegionScope, collect
from junkan.regions.service.platform_trace import fiscal_year, trace_source
from junkan.regions.tabular import profiles_csv
from junkan.trace import service as trace
from junkan.trace.model import Event, EventKind, LotLine
from junkan.trace.units import Quantity

JST = dt.timezone(dt.timedelta(hours=9))
NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)  # FY2024 and FY2025 have ended, FY2026 runs
CITY, TOWN, VILLAGE = demo_profiles()
A, B, C = CITY.code, TOWN.code, VILLAGE.code


def kg(lot: str, amount: int | str, material: str = "PET", **kw: object) -> LotLine:
    return LotLine(lot=lot, material=material, quantity=Quantity(Decimal(str(amount)), "kg"), **kw)  # type: ignore[arg-type]


class Place:
    """One organisation with one facility in a municipality."""

    def __init__(self, world: World, name: str, code: str, *, public: bool = True) -> None:
        self.org, self.actor = world.org(name_en=f"{name} {id(self)}")
        kind = FacilityKind.COLLECTION_POINT if name == "X" else FacilityKind.FACTORY
        self.site = members.add_facility(
            world.uow,
            self.actor,
            make_facility(self.org, name=f"{name} site", kind=kind, municipality_code=code, is_public=public),
        )

    def ev(self, kind: EventKind, id: str, when: dt.datetime, **kw: object) -> Event:
        return Event(id=id, kind=kind, time=when, site=str(self.site), organisation=str(self.org), **kw)  # type: ignore[arg-type]


def at(y: int, m: int, d: int) -> dt.datetime:
    return dt.datetime(y, m, d, 10, 0, tzinfo=JST)


def record(world: World, who: Place, *events: Event) -> None:
    trace.record_events(world.uow, world.system, who.org, list(events))


def trade(world: World, a: Place, b: Place, ref: str, line: LotLine, when: dt.datetime) -> None:
    record(world, a, a.ev(EventKind.SHIP, f"{ref}-s", when, inputs=(line,), shipment_ref=ref,
                          counterparty=str(b.org)))  # fmt: skip
    record(world, b, b.ev(EventKind.RECEIVE, f"{ref}-r", when, outputs=(line,), shipment_ref=ref,
                          counterparty=str(a.org)))  # fmt: skip


@pytest.fixture
def world(engine) -> dict[str, Place]:
    w = World(engine)
    p = {n: Place(w, n, A) for n in ("X", "S", "P")}
    p["T"] = Place(w, "T", A, public=False)
    p["R"], p["Q"] = Place(w, "R", B), Place(w, "Q", B)
    for other in ("S", "R"):
        p["X"].actor, p[other].actor = w.partner(p["X"].actor, p[other].actor)
    X, S, T, P, R, Q = (p[k] for k in "XSTPRQ")
    # FY2024
    record(w, X, X.ev(EventKind.COLLECT, "x-c1", at(2024, 5, 1), outputs=(kg("c1", 1000),)))
    trade(w, X, S, "X-S-1", kg("c1", 600), at(2024, 5, 2))
    trade(w, X, R, "X-R-1", kg("c1", 400), at(2024, 5, 3))
    record(w, S, S.ev(EventKind.SORT, "s-1", at(2024, 5, 4), inputs=(kg("c1", 600),),
                      outputs=(kg("bale1", 540),), declared_yield=Decimal("0.9")))  # fmt: skip
    record(w, R, R.ev(EventKind.RECYCLE, "r-1", at(2024, 5, 6), inputs=(kg("c1", 400),),
                      outputs=(kg("pellet1", 300),), declared_yield=Decimal("0.8")))  # fmt: skip
    wm = LotLine("wm", "washing machine", Quantity(Decimal(10), "pcs"), unit_mass_kg=Decimal(35))
    two = dataclasses.replace(wm, quantity=Quantity(Decimal(2), "pcs"))
    record(
        w,
        T,
        T.ev(EventKind.COLLECT, "t-c", at(2024, 6, 1), outputs=(wm,)),
        T.ev(EventKind.REPAIR, "t-r", at(2024, 6, 5), inputs=(two,),
             outputs=(dataclasses.replace(two, lot="wm-refurb"),)),
    )  # fmt: skip
    record(
        w,
        P,
        P.ev(EventKind.RECEIVE, "p-in", at(2024, 7, 1), outputs=(kg("sofa", 120, "furniture"),),
             shipment_ref="DON-1", counterparty="donor (not on the platform)"),
        P.ev(EventKind.REUSE, "p-reuse", at(2024, 7, 9), inputs=(kg("sofa", 120, "furniture"),),
             outputs=(kg("sofa-ok", 100, "furniture"),)),
    )  # fmt: skip
    record(
        w,
        Q,
        Q.ev(EventKind.RECEIVE, "q-in", at(2024, 8, 1), outputs=(kg("bike", 25, "bicycle"),),
             shipment_ref="BK-1", counterparty="rider (not on the platform)"),
        Q.ev(EventKind.REPAIR, "q-fix", at(2024, 8, 2), inputs=(kg("bike", 25, "bicycle"),),
             outputs=(kg("bike-ok", 20, "bicycle"),)),
    )  # fmt: skip
    # FY2025: X alone collects; S sorts what it receives
    record(w, X, X.ev(EventKind.COLLECT, "x-c2", at(2025, 5, 1), outputs=(kg("c2", 500),)))
    trade(w, X, S, "X-S-2", kg("c2", 500), at(2025, 5, 2))
    record(w, S, S.ev(EventKind.SORT, "s-2", at(2025, 5, 4), inputs=(kg("c2", 500),),
                      outputs=(kg("bale2", 450),), declared_yield=Decimal("0.9")))  # fmt: skip
    return p


def figures(engine, *codes: str) -> dict[tuple[str, int, str], PlatformFigure]:
    with engine.connect() as conn:
        out = trace_source(conn, [RegionScope(c, frozenset({c})) for c in codes], NOW)
    return {(f.code, f.year or 0, f.field): f for f in out}


def test_fiscal_year_is_april_to_march_in_japan() -> None:
    assert fiscal_year(dt.datetime(2025, 3, 31, 14, 59, tzinfo=dt.UTC)) == 2024  # 23:59 JST, 31 March
    assert fiscal_year(dt.datetime(2025, 3, 31, 15, 0, tzinfo=dt.UTC)) == 2025  # 00:00 JST, 1 April


def test_reuse_and_collection_figures_match_the_hand_calculation(engine, world) -> None:
    f = figures(engine, A, B, C)
    assert f[(A, 2024, "reuse_repair_sharing_events")].value == 2
    assert f[(A, 2024, "reuse_repair_sharing_t")].value == pytest.approx(0.17)
    assert f[(A, 2024, "recyclables_collected_t")].value == pytest.approx(1.35)
    processed = f[(A, 2024, "recyclables_processed_in_region_t")]
    assert processed.value == pytest.approx(0.67)
    assert (
        "3 organisations" in processed.note
        and "1.07 t of the 1.35 t" in processed.note
        and "other 0.28 t" in processed.note
    )
    assert "2 organisations" in f[(A, 2024, "reuse_repair_sharing_events")].note
    # the private depot's quantities are in the region totals, never its name or organisation
    assert not [x for x in f.values() for who in "XSTPRQ" if f"{who} site" in x.note + x.note_ja]


def test_one_contributor_is_suppressed_with_a_reason_and_missing_is_not_zero(engine, world) -> None:
    f = figures(engine, A, B, C)
    lone = f[(B, 2024, "reuse_repair_sharing_events")]
    assert math.isnan(lone.value) and math.isnan(f[(B, 2024, "reuse_repair_sharing_t")].value)
    assert "suppressed" in lone.note and "1 organisation contributes" in lone.note and "秘匿" in lone.note_ja
    # B is observed (R and Q record events there) but nobody collects: a true zero, no processed figure
    assert f[(B, 2024, "recyclables_collected_t")].value == 0.0
    assert (B, 2024, "recyclables_processed_in_region_t") not in f
    # FY2025: X is the only collector in A → collected and the processed part are suppressed
    assert math.isnan(f[(A, 2025, "recyclables_collected_t")].value)
    assert math.isnan(f[(A, 2025, "recyclables_processed_in_region_t")].value)
    # ... while X and S are observed without any repair or reuse: zero, not missing
    assert f[(A, 2025, "reuse_repair_sharing_events")].value == 0.0
    # C: nothing recorded there, ever → no figure at all (missing)
    assert not [k for k in f if k[0] == C]
    # the running fiscal year (FY2026) is never reported
    assert not [k for k in f if k[1] == 2026]


def test_a_group_or_prefecture_counts_transfers_between_its_members_as_inside(engine, world) -> None:
    with engine.connect() as conn:
        scopes = [RegionScope("group:a-b", frozenset({A, B})), RegionScope(A[:2], prefecture=A[:2])]
        out = {(f.code, f.year, f.field): f.value for f in trace_source(conn, scopes, NOW)}
    for code in ("group:a-b", A[:2]):
        # collected 1350 kg; first treated inside A ∪ B: 600 (S) + 400 (R) + 70 (T) = 1070 kg
        assert out[(code, 2024, "recyclables_collected_t")] == pytest.approx(1.35)
        assert out[(code, 2024, "recyclables_processed_in_region_t")] == pytest.approx(1.07)
        # T, P and Q: 3 events, 70 + 100 + 20 = 190 kg
        assert out[(code, 2024, "reuse_repair_sharing_events")] == 3
        assert out[(code, 2024, "reuse_repair_sharing_t")] == pytest.approx(0.19)


def test_all_regions_cost_the_same_few_queries(engine, world) -> None:
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    many = [RegionScope(f"99{n:04d}", frozenset({f"99{n:04d}"})) for n in range(300)]
    with engine.connect() as conn:
        event.listen(conn, "before_cursor_execute", count)
        trace_source(conn, [RegionScope(A, frozenset({A}))], NOW)
        one = len(statements)
        statements.clear()
        trace_source(conn, [*many, RegionScope(A, frozenset({A}))], NOW)
        event.remove(conn, "before_cursor_execute", count)
    assert one == len(statements) == 4


def shifted(p: RegionProfile, years: int) -> RegionProfile:
    """The same statistics moved ``years`` later (FY2013-2022 → FY2016-2025)."""
    return dataclasses.replace(
        p,
        population={y + years: v for y, v in p.population.items()},
        households={y + years: v for y, v in p.households.items()},
        waste={y + years: v for y, v in p.waste.items()},
    )


def indicator(d, indicator_id: str):
    return next(r.value for p in d.perspectives for t in p.themes for r in t.indicators
                if r.value.indicator_id == indicator_id)  # fmt: skip


def test_the_dashboard_uses_the_figures_of_its_year(engine, world) -> None:
    uow = World(engine).uow
    profiles = [shifted(p, 3) for p in (CITY, TOWN, VILLAGE)]  # statistics up to FY2025
    data = ("\ufeff" + profiles_csv(profiles)).encode("utf-8")
    service.import_statistics(uow, Actor.system("test"), data, filename="shifted.csv")
    anyone = Actor(None, now=NOW)
    d = service.region_dashboard(uow, anyone, A, year=2024).dashboard
    pop = profiles[0].population[2024]
    reuse = indicator(d, "reuse_activity_per_10k")
    assert reuse.value == pytest.approx(2 * 10_000 / pop, rel=1e-3)
    share = indicator(d, "in_region_processing_share")
    assert share.value == pytest.approx(100 * 670 / 1350, rel=1e-3)  # 49.63 %
    sources = {i.name: i.source for i in share.inputs}
    assert "FY2024" in sources["recyclables_processed_in_region_t"]
    # FY2025: X alone collected → the share is missing and says why; reuse is a true zero
    d25 = service.region_dashboard(uow, anyone, A, year=2025).dashboard
    share25 = indicator(d25, "in_region_processing_share")
    assert share25.value is None
    assert "suppressed" in {i.name: i.source for i in share25.inputs}["recyclables_collected_t"]
    assert indicator(d25, "reuse_activity_per_10k").value == 0.0
    # B's lone repairer: missing, C: missing (nothing recorded), not zero
    assert indicator(service.region_dashboard(uow, anyone, B, year=2024).dashboard,
                     "reuse_activity_per_10k").value is None  # fmt: skip
    assert indicator(service.region_dashboard(uow, anyone, C, year=2024).dashboard,
                     "reuse_activity_per_10k").value is None  # fmt: skip


def test_statistics_that_end_earlier_count_the_latest_platform_year_against_them(engine, world) -> None:
    uow = World(engine).uow
    data = ("\ufeff" + profiles_csv([CITY, TOWN, VILLAGE])).encode("utf-8")  # statistics FY2013-2022
    service.import_statistics(uow, Actor.system("test"), data, filename="demo.csv")
    d = service.region_dashboard(uow, Actor(None, now=NOW), A).dashboard
    assert d.year == 2022
    # FY2025 (the latest ended platform year) stands in for FY2022; FY2024 is left out, never added up
    reuse = indicator(d, "reuse_activity_per_10k")
    assert reuse.value == 0.0
    src = {i.name: i.source for i in reuse.inputs}["reuse_repair_sharing_events"]
    assert src.startswith("FY2025") and "counted against FY2022" in src and "FY2024" not in src
    with World(engine).uow as u:
        assert [f for f in collect(u.conn, [RegionScope(A, frozenset({A}))], NOW) if f.year == 2024]


def test_the_demo_city_shows_reuse_and_in_region_processing(engine) -> None:
    from junkan.demo import DemoWorld
    from junkan.demo.credentials import build_credentials
    from junkan.demo.members import build_members
    from junkan.demo.regions import build_regions
    from junkan.demo.sharing import build_sharing
    from junkan.demo.trace import build_trace

    world = DemoWorld(extra={"master_secret": b"demo-test-master-secret-0123456789-abcdef", "host": "x.test"})
    for step in (build_members, build_credentials, build_trace, build_sharing, build_regions):
        step(engine, world, lambda _m: None)
    d = service.region_dashboard(World(engine).uow, Actor(None, now=NOW), A).dashboard
    assert d.year == 2022  # the demo statistics end in FY2022; the platform's FY2025 is counted against it
    # FY2025 in みなと市, from the demo data (trace.demo_data, demo.sharing):
    #   ShareLink: 12 months × 3 appliance types = 36 reuse events + 8 repairs; the retailer: 12 repairs
    #   → 56 events by 2 organisations; population FY2022 300,536 → 56 × 10,000 / 300,536 = 1.863
    reuse = indicator(d, "reuse_activity_per_10k")
    assert reuse.value == pytest.approx(1.863, abs=1e-3)
    # collected: the city's PET 903,087 kg + the retailer's recycling take-back 4,925 units × 35 kg
    #   = 172,375 kg + its reusable take-back 71 × 35 = 2,485 kg → 1,077,947 kg by 2 organisations
    # first treated in the city: all the PET (sorted by みなと資源選別 in the city) + the repaired 2,485 kg
    #   = 905,572 kg; the recycling take-back is dismantled in 北浜町 (outside)
    #   → 905,572 / 1,077,947 = 84.01 %
    share = indicator(d, "in_region_processing_share")
    assert share.value == pytest.approx(84.01, abs=0.01)
    inputs = {i.name: i.value for i in share.inputs}
    assert inputs["recyclables_collected_t"] == pytest.approx(1077.947)
    assert inputs["recyclables_processed_in_region_t"] == pytest.approx(905.572, rel=1e-6)
    # 北浜町 records trace events (two recyclers) but no repair or reuse: a true zero
    town = service.region_dashboard(World(engine).uow, Actor(None, now=NOW), B).dashboard
    assert indicator(town, "reuse_activity_per_10k").value == 0.0
