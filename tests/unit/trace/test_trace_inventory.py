from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from junkan.errors import Conflict, InvalidInput, RuleViolation
from junkan.trace.inventory import Inventory, apply_event
from junkan.trace.model import TRANSFORMATION_KINDS
from tests.unit.trace.trace_factories import make_event, make_line

COLLECT = make_event("collect", id="c1", outputs=(make_line("bottles", 1000),))


def collected() -> Inventory:
    inv = Inventory()
    inv.apply(COLLECT)
    return inv


def test_sorting_within_declared_yield_is_accepted_and_loss_is_booked():
    inv = collected()
    sort = make_event(
        "sort",
        id="s1",
        day=1,
        inputs=(make_line("bottles", 1000),),
        outputs=(make_line("bale", 880), make_line("residue", 70, material="mixed waste")),
        declared_yield=Decimal("0.98"),
    )
    inv.apply(sort)
    assert inv.stock_of("site-a", "bale") == 880
    assert inv.stock_of("site-a", "bottles") == 0
    assert inv.loss_kg == 50  # 1000 − 880 − 70
    assert inv.total_stock_kg() == inv.mass_in_kg - inv.mass_out_kg - inv.loss_kg


def test_transformation_creating_mass_beyond_yield_is_refused():
    inv = collected()
    sort = make_event(
        "sort",
        id="s1",
        day=1,
        inputs=(make_line("bottles", 1000),),
        outputs=(make_line("bale", 950),),
        declared_yield=Decimal("0.9"),
    )
    with pytest.raises(RuleViolation) as err:
        inv.apply(sort)
    assert err.value.code == "mass_created"
    assert err.value.field == "outputs"
    assert err.value.extra["allowed_kg"] == "900.0"
    assert inv.stock_of("site-a", "bottles") == 1000  # nothing changed
    # a tolerance lets weighing noise through
    assert Inventory(tolerance=Decimal("0.06")).apply_all([COLLECT, sort]) == 2


def test_stock_cannot_go_negative():
    inv = collected()
    sell = make_event("sell", id="x", day=1, inputs=(make_line("bottles", 1000.5),))
    with pytest.raises(RuleViolation) as err:
        inv.apply(sell)
    assert err.value.code == "negative_stock"
    assert err.value.extra["shortfall_kg"] == "0.5"
    other_site = make_event("sell", id="y", day=1, site="site-b", inputs=(make_line("bottles", 1),))
    with pytest.raises(RuleViolation):
        inv.apply(other_site)


def test_events_out_of_order_are_refused():
    inv = collected()
    inv.apply(make_event("sell", id="s", day=5, inputs=(make_line("bottles", 10),)))
    with pytest.raises(RuleViolation) as err:
        inv.apply(make_event("sell", id="t", day=3, inputs=(make_line("bottles", 10),)))
    assert err.value.code == "out_of_order"
    with pytest.raises(RuleViolation) as err:
        inv.apply(make_event("sell", id="u", day=-1, inputs=(make_line("bottles", 1),)))
    assert err.value.code == "out_of_order"


def test_unknown_lot_and_material_mismatch():
    inv = collected()
    with pytest.raises(RuleViolation) as err:
        inv.apply(make_event("sell", id="s", day=1, inputs=(make_line("ghost", 1),)))
    assert err.value.code == "unknown_lot"
    with pytest.raises(InvalidInput) as err:
        inv.apply(make_event("sell", id="s", day=1, inputs=(make_line("bottles", 1, material="PP"),)))
    assert err.value.code == "material_mismatch"
    assert err.value.field == "inputs[0].material"


def test_replay_is_a_no_op_and_a_reused_id_a_conflict():
    inv = collected()
    assert inv.apply(COLLECT) is False
    assert inv.stock_of("site-a", "bottles") == 1000
    with pytest.raises(Conflict) as err:
        inv.apply(make_event("collect", id="c1", outputs=(make_line("bottles", 999),)))
    assert err.value.code == "event_id_reused"


def test_apply_event_is_pure():
    start = collected()
    after = apply_event(start, make_event("sell", id="s", day=1, inputs=(make_line("bottles", 400),)))
    assert start.stock_of("site-a", "bottles") == 1000
    assert after.stock_of("site-a", "bottles") == 600
    with pytest.raises(RuleViolation):
        apply_event(after, make_event("sell", id="t", day=2, inputs=(make_line("bottles", 601),)))
    assert after.stock_of("site-a", "bottles") == 600


def test_count_units_use_the_unit_mass():
    inv = Inventory()
    inv.apply(
        make_event(
            "collect",
            id="c",
            outputs=(make_line("wm", 10, material="washing machine", unit="pcs", unit_mass_kg=Decimal(35)),),
        )
    )
    assert inv.stock_of("site-a", "wm") == 350
    with pytest.raises(InvalidInput) as err:
        inv.apply(make_event("collect", id="d", outputs=(make_line("tv", 3, material="TV", unit="pcs"),)))
    assert err.value.code == "unit_mass_unknown"
    assert err.value.field == "outputs[0].quantity"


# --- property: any sequence of events keeps mass conserved --------------------------------------------------

SITES = ["s1", "s2"]
LOTS = [f"L{i}" for i in range(6)]
step = st.tuples(
    st.sampled_from(["collect", "sort", "recycle", "sell", "dispose", "ship_receive"]),
    st.sampled_from(LOTS),
    st.sampled_from(LOTS),
    st.sampled_from(SITES),
    st.integers(0, 2000),
    st.decimals(Decimal("0.3"), Decimal("1.2"), places=2),
)


def _event(n, kind, a, b, site, kg, ratio):
    line = lambda lot, q: make_line(lot, q)  # noqa: E731
    if kind == "collect":
        return [make_event("collect", id=f"e{n}", day=n, site=site, outputs=(line(a, kg),))]
    if kind in ("sort", "recycle"):
        out = (Decimal(kg) * ratio).quantize(Decimal("0.001"))
        return [
            make_event(
                kind,
                id=f"e{n}",
                day=n,
                site=site,
                inputs=(line(a, kg),),
                outputs=(line(b, out),),
                declared_yield=Decimal("0.9"),
            )
        ]
    if kind in ("sell", "dispose"):
        return [make_event(kind, id=f"e{n}", day=n, site=site, inputs=(line(a, kg),))]
    other = SITES[1 - SITES.index(site)]
    ship = make_event(
        "ship",
        id=f"e{n}s",
        day=n,
        site=site,
        inputs=(line(a, kg),),
        shipment_ref=f"r{n}",
        counterparty="org-a",
    )
    rec = make_event(
        "receive",
        id=f"e{n}r",
        day=n,
        site=other,
        outputs=(line(a, kg),),
        shipment_ref=f"r{n}",
        counterparty="org-a",
    )
    return [ship, rec]


@settings(max_examples=150, deadline=None)
@given(st.lists(step, max_size=25))
def test_mass_is_conserved_through_any_sequence(steps):
    inv = Inventory()
    accepted = []
    for n, s in enumerate(steps):
        for event in _event(n, *s):
            before = inv.copy()
            try:
                inv.apply(event)
                accepted.append(event)
            except (RuleViolation, InvalidInput):
                assert inv.stock == before.stock  # refused events change nothing
                continue
            if event.kind in TRANSFORMATION_KINDS:
                ins = sum(x.kg() for x in event.inputs)
                outs = sum(x.kg() for x in event.outputs)
                assert outs <= ins * Decimal("0.9")
    assert all(v > 0 for v in inv.stock.values())
    assert inv.total_stock_kg() == inv.mass_in_kg - inv.mass_out_kg - inv.loss_kg
    # replaying the whole accepted history changes nothing
    snapshot = dict(inv.stock)
    assert inv.apply_all(accepted) == 0
    assert inv.stock == snapshot
