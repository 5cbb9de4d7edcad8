"""Trace use cases on real SQLite and PostgreSQL: idempotent append-only events, conservation, partner-only
custody, provenance across organisations, ledger tamper detection, resumable bulk import."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select, update
from tests.factories import World
from tests.integration.trace_world import TraceWorld, line

from junkan.errors import Conflict, InvalidInput, NotFound, RuleViolation
from junkan.pagination import PageRequest
from junkan.store.tables.trace import trace_events, trace_ledger, trace_lots, trace_stock, trace_trades
from junkan.store.trace_repo import EventFilter
from junkan.trace import service
from junkan.trace.demo_data import demo_events
from junkan.trace.tabular import csv_lines

CHAIN = ("city", "sorter", "recycler", "bottler")


@pytest.fixture
def tw(engine) -> TraceWorld:
    return TraceWorld(
        World(engine),
        (*CHAIN, "stranger"),
        [("city", "sorter"), ("sorter", "recycler"), ("recycler", "bottler")],
    )


def rec(tw: TraceWorld, who: str, *events):
    return service.record_events(
        tw.world.uow, tw.actor[who], tw.org[who], list(events), batch=len(events) > 1
    )


def count(tw: TraceWorld, table, **where) -> int:
    with tw.world.engine.connect() as c:
        q = select(func.count()).select_from(table)
        for k, v in where.items():
            q = q.where(table.c[k] == v)
        return c.execute(q).scalar_one()


def stock(tw: TraceWorld, who: str, lot: str) -> Decimal:
    got = service.get_lot(tw.world.uow, tw.actor[who], tw.org[who], lot)
    return sum((s["kg"] for s in got["stock"]), Decimal(0))


def pet_chain(tw: TraceWorld) -> None:
    """City collects 1,000 kg, ships to the sorter (900 kg bales out), who ships to the recycler."""
    rec(tw, "city", tw.event("collect", "city", "c1", outputs=(line("col-1", 1000),)))
    rec(
        tw,
        "city",
        tw.event(
            "ship",
            "city",
            "c2",
            day=1,
            inputs=(line("col-1", 1000),),
            shipment_ref="S1",
            counterparty="sorter",
        ),
    )
    rec(
        tw,
        "sorter",
        tw.event(
            "receive",
            "sorter",
            "s1",
            day=1,
            outputs=(line("col-1", 1000),),
            shipment_ref="S1",
            counterparty="city",
        ),
    )
    rec(
        tw,
        "sorter",
        tw.event(
            "sort",
            "sorter",
            "s2",
            day=2,
            inputs=(line("col-1", 1000),),
            outputs=(line("bale-1", 900), line("res-1", 60, "mixed waste")),
            declared_yield=Decimal("0.98"),
        ),
    )
    rec(
        tw,
        "sorter",
        tw.event(
            "ship",
            "sorter",
            "s3",
            day=3,
            inputs=(line("bale-1", 900),),
            shipment_ref="S2",
            counterparty="recycler",
        ),
    )
    rec(
        tw,
        "recycler",
        tw.event(
            "receive",
            "recycler",
            "r1",
            day=3,
            outputs=(line("bale-1", 900),),
            shipment_ref="S2",
            counterparty="sorter",
        ),
    )


def test_events_are_idempotent_and_a_reused_id_is_a_conflict(tw: TraceWorld) -> None:
    e = tw.event("collect", "city", "c1", outputs=(line("col-1", "1000.5"),))
    first = rec(tw, "city", e)
    again = rec(tw, "city", e)
    assert (first[0].replayed, again[0].replayed, first[0].seq, again[0].seq) == (False, True, 1, 1)
    assert count(tw, trace_events) == 1 and count(tw, trace_ledger) == 1
    with pytest.raises(Conflict) as err:
        rec(tw, "city", tw.event("collect", "city", "c1", outputs=(line("col-1", "1000.6"),)))
    assert err.value.code == "event_id_reused" and err.value.field == "id"
    # 1 t and 1000 kg are the same payload: the replay is recognised across units
    t = tw.event("collect", "city", "c9", day=1, outputs=(line("col-9", 1000),))
    rec(tw, "city", t)
    from dataclasses import replace

    from junkan.trace.units import Quantity

    same = replace(t, outputs=(replace(t.outputs[0], quantity=Quantity(Decimal(1), "t")),))
    assert rec(tw, "city", same)[0].replayed
    assert stock(tw, "city", "col-1") == Decimal("1000.5")


@pytest.mark.parametrize(
    ("event", "code", "field"),
    [
        (
            lambda tw: tw.event(
                "sort", "city", "x", day=5, inputs=(line("nope", 1),), outputs=(line("o", 1),)
            ),
            "unknown_lot",
            "inputs[0].lot",
        ),
        (
            lambda tw: tw.event(
                "ship",
                "city",
                "x",
                day=5,
                inputs=(line("col-1", 1001),),
                shipment_ref="S",
                counterparty="sorter",
            ),
            "negative_stock",
            "inputs[0].quantity",
        ),
        (
            lambda tw: tw.event(
                "sort", "city", "x", day=5, inputs=(line("col-1", 100),), outputs=(line("o", 101),)
            ),
            "mass_created",
            "outputs",
        ),
        (
            lambda tw: tw.event(
                "sort", "city", "x", day=-1, inputs=(line("col-1", 100),), outputs=(line("o", 90),)
            ),
            "out_of_order",
            "time",
        ),
        (
            lambda tw: tw.event(
                "sort", "city", "x", day=5, inputs=(line("col-1", 100, "PP"),), outputs=(line("o", 90),)
            ),
            "material_mismatch",
            "inputs[0].material",
        ),
        (
            lambda tw: tw.event("collect", "city", "x", day=5, outputs=(line("o", "1.0000001"),)),
            "too_precise",
            "outputs[0].quantity",
        ),
    ],
    ids=[
        "unknown-lot",
        "negative-stock",
        "mass-creation",
        "out-of-order",
        "unit-or-material-mismatch",
        "too-precise",
    ],
)
def test_rule_violations_name_the_field_and_change_nothing(tw: TraceWorld, event, code, field) -> None:
    rec(tw, "city", tw.event("collect", "city", "c1", outputs=(line("col-1", 1000),)))
    before = (count(tw, trace_events), count(tw, trace_ledger), stock(tw, "city", "col-1"))
    with pytest.raises((RuleViolation, InvalidInput)) as err:
        rec(tw, "city", event(tw))
    assert (err.value.code, err.value.field) == (code, field)
    assert "; " in err.value.message or "fix" in err.value.message or "give" in err.value.message
    assert (count(tw, trace_events), count(tw, trace_ledger), stock(tw, "city", "col-1")) == before


def test_a_batch_is_all_or_nothing(tw: TraceWorld) -> None:
    good = tw.event("collect", "city", "b1", outputs=(line("col-1", 10),))
    bad = tw.event(
        "ship", "city", "b2", day=1, inputs=(line("col-1", 11),), shipment_ref="S", counterparty="sorter"
    )
    with pytest.raises(RuleViolation) as err:
        rec(tw, "city", good, bad)
    assert err.value.field == "events[1].inputs[0].quantity"
    assert count(tw, trace_events) == 0 and count(tw, trace_ledger) == 0


def test_unit_counts_need_a_unit_mass(tw: TraceWorld) -> None:
    from junkan.trace.model import LotLine
    from junkan.trace.units import Quantity

    pcs = LotLine("wm-1", "washing machine", Quantity(Decimal(3), "pcs"))
    with pytest.raises(InvalidInput) as err:
        rec(tw, "city", tw.event("collect", "city", "u1", outputs=(pcs,)))
    assert err.value.code == "unit_mass_unknown"
    from dataclasses import replace

    rec(tw, "city", tw.event("collect", "city", "u1", outputs=(replace(pcs, unit_mass_kg=Decimal(35)),)))
    assert stock(tw, "city", "wm-1") == Decimal(105)


def test_custody_passes_between_partners_only_and_flags_show_on_both_sides(tw: TraceWorld) -> None:
    pet_chain(tw)
    page = service.list_trades(tw.world.uow, tw.actor["sorter"], tw.org["sorter"], PageRequest())
    assert sorted(t["status"] for t in page.items) == ["matched", "matched"]
    # a shipment to a non-partner is flagged for both sides, and no provenance link is made
    rec(tw, "city", tw.event("collect", "city", "c3", day=4, outputs=(line("col-2", 50),)))
    rec(
        tw,
        "city",
        tw.event(
            "ship",
            "city",
            "c4",
            day=5,
            inputs=(line("col-2", 50),),
            shipment_ref="S9",
            counterparty="stranger",
        ),
    )
    rec(
        tw,
        "stranger",
        tw.event(
            "receive",
            "stranger",
            "x1",
            day=5,
            outputs=(line("col-2", 50),),
            shipment_ref="S9",
            counterparty="city",
        ),
    )
    for who in ("city", "stranger"):
        flags = service.list_trades(
            tw.world.uow, tw.actor[who], tw.org[who], PageRequest(), status="flagged"
        ).items
        assert [f["status"] for f in flags] == ["not_partners"]
        assert "accept a partnership" in flags[0]["message"]
    up = service.provenance(tw.world.uow, tw.actor["stranger"], tw.org["stranger"], "col-2")
    assert up["sources"] == []  # custody did not pass: the lot is its own source
    # a quantity mismatch between partners is flagged too
    rec(tw, "city", tw.event("collect", "city", "c5", day=6, outputs=(line("col-3", 100),)))
    rec(
        tw,
        "city",
        tw.event(
            "ship",
            "city",
            "c6",
            day=7,
            inputs=(line("col-3", 100),),
            shipment_ref="S3",
            counterparty="sorter",
        ),
    )
    rec(
        tw,
        "sorter",
        tw.event(
            "receive",
            "sorter",
            "s9",
            day=7,
            outputs=(line("col-3", 98),),
            shipment_ref="S3",
            counterparty="city",
        ),
    )
    flags = service.list_trades(
        tw.world.uow, tw.actor["city"], tw.org["city"], PageRequest(), status="flagged"
    ).items
    assert {f["status"] for f in flags} == {"not_partners", "quantity_mismatch"}
    rec(tw, "city", tw.event("collect", "city", "c7", day=8, outputs=(line("col-5", 10),)))
    with pytest.raises(Conflict) as err:  # a shipment reference names one shipment
        rec(
            tw,
            "city",
            tw.event(
                "ship",
                "city",
                "c8",
                day=8,
                inputs=(line("col-5", 1),),
                shipment_ref="S3",
                counterparty="sorter",
            ),
        )
    assert err.value.code == "shipment_ref_reused"


def test_provenance_follows_lots_across_organisations_and_masks_others(tw: TraceWorld) -> None:
    pet_chain(tw)
    rec(
        tw,
        "recycler",
        tw.event(
            "recycle",
            "recycler",
            "r2",
            day=4,
            inputs=(line("bale-1", 900),),
            outputs=(line("rpet-1", 720), line("res-2", 120, "mixed waste")),
            declared_yield=Decimal("0.97"),
        ),
    )
    up = service.provenance(tw.world.uow, tw.actor["recycler"], tw.org["recycler"], "rpet-1")
    sources = up["sources"]
    assert [(s["org_id"], s["source_kind"], s["masked"], s["lot"]) for s in sources] == [
        (tw.org["city"], "collect", True, None)
    ]
    assert sources[0]["share"] == 1.0 and up["root_recycled_share"] == 1.0
    assert all(n["kg"] is None for n in up["nodes"] if n["masked"])
    down = service.provenance(tw.world.uow, tw.actor["city"], tw.org["city"], "col-1", direction="downstream")
    got = {(n["org_id"], n["lot"]) for n in down["nodes"]}
    assert (tw.org["recycler"], None) in got  # reached, masked
    # hand calc: of 1,000 kg collected, 900 kg became bales (0.9) and 720 of those 900 kg pellets (0.8):
    # 0.9 × 0.8 = 0.72 of the collected mass reached the pellets, four steps downstream
    rpet = next(
        n
        for n in down["nodes"]
        if n["org_id"] == tw.org["recycler"] and n["max_depth"] == 4 and n["material"] == "PET"
    )
    assert rpet["share"] == pytest.approx(0.72, rel=1e-9)
    with pytest.raises(NotFound):
        service.provenance(tw.world.uow, tw.actor["sorter"], tw.org["recycler"], "rpet-1")


def test_partner_sees_only_the_trades_between_them(tw: TraceWorld) -> None:
    pet_chain(tw)
    f = EventFilter()
    mine = service.list_events(tw.world.uow, tw.actor["sorter"], tw.org["sorter"], f, PageRequest())
    assert mine.total == 3
    seen = service.list_events(tw.world.uow, tw.actor["recycler"], tw.org["sorter"], f, PageRequest())
    assert [e["id"] for e in seen.items] == ["s3"]
    with pytest.raises(NotFound):
        service.list_events(tw.world.uow, tw.actor["stranger"], tw.org["sorter"], f, PageRequest())
    with pytest.raises(NotFound):
        service.get_event(tw.world.uow, tw.actor["recycler"], tw.org["sorter"], "s2")
    assert (
        service.list_events(
            tw.world.uow,
            tw.actor["sorter"],
            tw.org["sorter"],
            EventFilter(material="mixed waste"),
            PageRequest(),
        ).total
        == 1
    )


def _ledger_rows(tw, who):
    with tw.world.engine.connect() as c:
        return c.execute(
            select(trace_ledger.c.id, trace_ledger.c.seq)
            .where(trace_ledger.c.org_id == tw.org[who])
            .order_by(trace_ledger.c.seq)
        ).all()


def _tamper(tw, stmt) -> None:
    with tw.world.engine.begin() as c:
        c.execute(stmt)


def _verify(tw, who="city"):
    return service.verify_ledger(tw.world.uow, tw.actor[who], tw.org[who])


def _five(tw):
    for i in range(5):
        rec(tw, "city", tw.event("collect", "city", f"e{i}", day=i, outputs=(line(f"l{i}", 10 + i),)))
    assert _verify(tw)["ok"] and _verify(tw)["verified"] == 5
    return _ledger_rows(tw, "city")


def test_tamper_modify_a_row_is_caught_at_that_link(tw: TraceWorld) -> None:
    rows = _five(tw)
    _tamper(tw, update(trace_ledger).where(trace_ledger.c.id == rows[2][0]).values(canonical=b'{"forged":1}'))
    v = _verify(tw)
    assert (v["ok"], v["broken_seq"], v["reason"], v["broken_event_id"]) == (False, 3, "hash_mismatch", "e2")


def test_tamper_modify_the_event_payload_is_caught(tw: TraceWorld) -> None:
    _five(tw)
    with tw.world.engine.begin() as c:
        row = c.execute(
            select(trace_events.c.id, trace_events.c.payload).where(trace_events.c.client_id == "e3")
        ).one()
        payload = dict(row[1])
        payload["outputs"] = [{**payload["outputs"][0], "quantity": "99999"}]
        c.execute(update(trace_events).where(trace_events.c.id == row[0]).values(payload=payload))
    v = _verify(tw)
    assert (v["broken_seq"], v["reason"]) == (4, "payload_mismatch")


def test_tamper_delete_a_row_is_caught_as_a_gap(tw: TraceWorld) -> None:
    rows = _five(tw)
    _tamper(tw, delete(trace_ledger).where(trace_ledger.c.id == rows[1][0]))
    v = _verify(tw)
    assert (v["broken_seq"], v["reason"]) == (2, "gap")


def test_tamper_delete_the_last_row_is_caught_against_the_head(tw: TraceWorld) -> None:
    rows = _five(tw)
    _tamper(tw, delete(trace_ledger).where(trace_ledger.c.id == rows[4][0]))
    v = _verify(tw)
    assert (v["broken_seq"], v["reason"]) == (5, "truncated")


def test_tamper_reorder_rows_is_caught(tw: TraceWorld) -> None:
    rows = _five(tw)
    _tamper(tw, update(trace_ledger).where(trace_ledger.c.id == rows[1][0]).values(seq=-2))
    _tamper(tw, update(trace_ledger).where(trace_ledger.c.id == rows[3][0]).values(seq=2))
    _tamper(tw, update(trace_ledger).where(trace_ledger.c.id == rows[1][0]).values(seq=4))
    v = _verify(tw)
    assert (v["ok"], v["broken_seq"]) == (False, 2) and v["reason"] in ("prev_hash_mismatch", "out_of_order")


def test_tamper_insert_a_row_is_caught(tw: TraceWorld) -> None:
    rows = _five(tw)
    with tw.world.engine.begin() as c:  # shift 4 and 5 up and slip a forged record in at seq 4
        for rid, seq in reversed(rows[3:]):
            c.execute(update(trace_ledger).where(trace_ledger.c.id == rid).values(seq=seq + 1))
        first = c.execute(select(trace_ledger).where(trace_ledger.c.id == rows[2][0])).one()._mapping
        c.execute(
            trace_ledger.insert().values(
                org_id=first["org_id"],
                seq=4,
                prev_hash=first["hash"],
                hash=b"\0" * 32,
                canonical=b"{}",
                event_id=None,
                recorded_at=first["recorded_at"],
            )
        )
    v = _verify(tw)
    assert (v["broken_seq"], v["reason"]) == (4, "hash_mismatch")


def test_only_owner_and_authorities_verify(tw: TraceWorld) -> None:
    from junkan.members.model import OrgKind

    _five(tw)
    _, regulator = tw.world.org(kind=OrgKind.REGULATOR, membership_date=None)
    assert service.verify_ledger(tw.world.uow, regulator, tw.org["city"])["ok"]
    with pytest.raises(NotFound):
        service.verify_ledger(tw.world.uow, tw.actor["sorter"], tw.org["city"])


def _demo_csv(tw: TraceWorld, n_months: int = 1) -> bytes:
    """The beverage part of the demo year as one organisation's CSV (its collect/produce/sell chain)."""
    orgs = {"city": "city"}
    events = [
        tw.mapped(e, orgs) for e in demo_events() if e.organisation == "city" and e.kind.value == "collect"
    ]
    return "".join(csv_lines(events[: n_months * 1])).encode()


def _csv(tw: TraceWorld, n: int) -> bytes:
    events = []
    for i in range(n):
        events.append(
            tw.event("collect", "city", f"imp-{i}", day=i / 100, outputs=(line(f"il-{i}", 100 + i),))
        )
    events.append(
        tw.event(
            "sort", "city", "imp-sort", day=n, inputs=(line("il-0", 100),), outputs=(line("il-sorted", 95),)
        )
    )
    return "".join(csv_lines(events)).encode()


def test_import_rejects_a_bad_file_whole_with_row_errors(tw: TraceWorld) -> None:
    text = _csv(tw, 4).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    rows[2]["quantity"] = "twelve"
    rows[3]["site"] = "99999"
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)
    data = out.getvalue().encode()
    report = service.import_events(
        tw.world.uow, tw.actor["city"], tw.org["city"], lambda: io.BytesIO(data), fmt="csv"
    )
    assert report.status == "rejected" and count(tw, trace_events) == 0
    assert [(e.row, e.code) for e in report.errors] == [(4, "not_a_number"), (5, "unknown_site")]


def test_interrupted_import_resumes_without_double_counting(tw: TraceWorld) -> None:
    data = _csv(tw, 25)
    opener = lambda: io.BytesIO(data)  # noqa: E731
    calls = []

    def stop_after_two(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        service.import_events(
            tw.world.uow,
            tw.actor["city"],
            tw.org["city"],
            opener,
            fmt="csv",
            batch_size=10,
            progress=stop_after_two,
        )
    assert count(tw, trace_events) == 20
    report = service.import_events(
        tw.world.uow, tw.actor["city"], tw.org["city"], opener, fmt="csv", batch_size=10
    )
    assert (report.status, report.events_total, report.applied, report.replayed) == ("done", 26, 6, 20)
    assert count(tw, trace_events) == 26 and count(tw, trace_ledger) == 26
    assert _verify(tw)["ok"] and stock(tw, "city", "il-3") == 103 and stock(tw, "city", "il-0") == 0
    assert count(tw, trace_stock) == 25


def test_import_stops_at_a_rule_violation_and_keeps_earlier_batches(tw: TraceWorld) -> None:
    events = [tw.event("collect", "city", f"i{i}", day=i, outputs=(line(f"l{i}", 10),)) for i in range(5)]
    events.append(tw.event("sort", "city", "bad", day=9, inputs=(line("l1", 10),), outputs=(line("x", 11),)))
    data = "".join(csv_lines(events)).encode()
    report = service.import_events(
        tw.world.uow, tw.actor["city"], tw.org["city"], lambda: io.BytesIO(data), fmt="csv", batch_size=2
    )
    assert report.status == "stopped" and report.applied == 4
    assert [(e.row, e.code) for e in report.errors] == [(7, "mass_created")]
    assert count(tw, trace_events) == 4


def test_export_dte_round_trips_through_import(tw: TraceWorld, shared_dir) -> None:
    import json

    import jsonschema

    pet_chain(tw)
    doc = service.export_dte(
        tw.world.uow, tw.actor["sorter"], tw.org["sorter"], EventFilter(), host="junkan.test"
    )
    schema = json.loads((shared_dir / "data/untp/untp-dte-schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(doc)
    assert len(doc["credentialSubject"]) == 3
    data = json.dumps(doc).encode()
    report = service.import_events(
        tw.world.uow, tw.actor["sorter"], tw.org["sorter"], lambda: io.BytesIO(data), fmt="json"
    )
    assert (report.status, report.replayed, report.applied) == ("done", 3, 0)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(st.sampled_from(["collect", "ship", "sort"]), st.integers(1, 500)), min_size=1, max_size=12
    )
)
def test_stock_always_equals_replayed_inventory(engine, data) -> None:
    """Property: after any sequence of accepted/refused events the DB stock is the domain inventory's."""
    from junkan.trace.inventory import Inventory

    tw = TraceWorld(World(engine), ("a", "b"), [("a", "b")])
    inv = Inventory()
    for i, (kind, kg) in enumerate(data):
        if kind == "collect":
            e = tw.event("collect", "a", f"p{i}", day=i, outputs=(line(f"lot{i}", kg),))
        elif kind == "ship":
            e = tw.event(
                "ship",
                "a",
                f"p{i}",
                day=i,
                inputs=(line("lot0", kg),),
                shipment_ref=f"S{i}",
                counterparty="b",
            )
        else:
            e = tw.event(
                "sort", "a", f"p{i}", day=i, inputs=(line("lot0", kg),), outputs=(line(f"s{i}", kg),)
            )
        try:
            inv.apply(e)
            ok = True
        except (RuleViolation, InvalidInput):
            ok = False
        try:
            rec(tw, "a", e)
            assert ok
        except (RuleViolation, InvalidInput):
            assert not ok
    with tw.world.engine.connect() as c:
        q = select(trace_stock.c.kg).join(trace_lots, trace_lots.c.id == trace_stock.c.lot_id)
        got = sum((r[0] for r in c.execute(q.where(trace_lots.c.org_id == tw.org["a"]))), Decimal(0))
    assert got == inv.total_stock_kg()
    assert service.verify_ledger(tw.world.uow, tw.actor["a"], tw.org["a"])["ok"]
    _ = trace_trades


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    n=st.integers(2, 8),
    at=st.integers(0, 7),
    flip=st.integers(0, 255),
    where=st.sampled_from(["canonical", "hash"]),
)
def test_a_tampered_ledger_never_verifies(engine, n, at, flip, where) -> None:
    """Property: any single altered byte of any stored link is caught, at that link."""
    tw = TraceWorld(World(engine), ("a",))
    for i in range(n):
        rec(tw, "a", tw.event("collect", "a", f"t{i}", day=i, outputs=(line(f"t{i}", 10 + i),)))
    seq = at % n + 1
    with tw.world.engine.begin() as c:
        row = c.execute(
            select(trace_ledger.c.id, trace_ledger.c[where]).where(
                trace_ledger.c.org_id == tw.org["a"], trace_ledger.c.seq == seq
            )
        ).one()
        blob = bytearray(row[1])
        blob[flip % len(blob)] ^= 0x01
        c.execute(update(trace_ledger).where(trace_ledger.c.id == row[0]).values({where: bytes(blob)}))
    v = service.verify_ledger(tw.world.uow, tw.actor["a"], tw.org["a"])
    assert not v["ok"] and v["broken_seq"] == seq
