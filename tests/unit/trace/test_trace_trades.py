from decimal import Decimal

from junkan.trace.trades import reconcile
from tests.unit.trace.trace_factories import make_line, make_trade

PARTNERS = {frozenset({"sorter", "recycler"})}


def partners(a, b):
    return frozenset({a, b}) in PARTNERS


def test_matching_shipment_and_receipt_pass_custody():
    ship, rec = make_trade(
        "R1", "sorter", "recycler", (make_line("bale", 1000),), received=(make_line("bale", "997"),)
    )  # 0.3 % weighbridge difference
    result = reconcile([ship, rec], are_partners=partners)
    assert [m.shipment_ref for m in result.matches] == ["R1"]
    assert result.flags == ()
    assert result.matches[0].received_kg == {"PET": 997}


def test_quantity_beyond_tolerance_is_flagged_for_both_sides():
    ship, rec = make_trade(
        "R1", "sorter", "recycler", (make_line("bale", 1000),), received=(make_line("bale", 990),)
    )
    result = reconcile([ship, rec], are_partners=partners)
    assert result.matches == ()
    (flag,) = result.flags
    assert flag.code == "quantity_mismatch"
    assert result.flags_for("sorter") == result.flags_for("recycler") == [flag]
    assert reconcile([ship, rec], are_partners=partners, tolerance=Decimal("0.02")).matches


def test_material_mismatch_unmatched_and_non_partners():
    ship, rec = make_trade(
        "R1",
        "sorter",
        "recycler",
        (make_line("bale", 1000),),
        received=(make_line("bale2", 1000, material="PP"),),
    )
    lone_ship, _ = make_trade("R2", "sorter", "recycler", (make_line("b2", 10),))
    _, lone_rec = make_trade("R3", "sorter", "recycler", (make_line("b3", 10),))
    s4, r4 = make_trade("R4", "sorter", "stranger", (make_line("b4", 10),))
    result = reconcile([ship, rec, lone_ship, lone_rec, s4, r4], are_partners=partners)
    codes = {f.shipment_ref: f.code for f in result.flags}
    assert codes == {
        "R1": "material_mismatch",
        "R2": "unmatched_shipment",
        "R3": "unmatched_receipt",
        "R4": "not_partners",
    }
    assert {f.shipment_ref for f in result.flags_for("recycler")} == {"R1", "R2", "R3"}
    assert {f.shipment_ref for f in result.flags_for("stranger")} == {"R4"}
