"""Roll-ups: hand-calculated figures, cycles, missing parts, deep assemblies and invariants."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings

from junkan.errors import InvalidInput, RuleViolation
from junkan.passports.composition import RollupCache, find_cycle, leaf_materials, rollup
from junkan.passports.demo_data import demo_passports
from tests.unit.passports.passports_factories import bom_graphs, make_bom, make_material


def test_washing_machine_recycled_pp_share_matches_the_hand_calculation() -> None:
    # Hand calculation from the demo bill of materials (demo_data.demo_washing_machine and its parts):
    #
    #   PP line                      mass (kg)   recycled share   recycled PP (kg)
    #   outer tub (child passport)   4.2 × 1     30 % post        1.26
    #   side panel (child) × 2       1.0 × 2     50 % post        1.00
    #   pulsator (own)               0.5         0 %              0
    #   base frame (own)             1.3         40 % post        0.52
    #   ------------------------------------------------------------------
    #   Σ PP mass = 4.2 + 2.0 + 0.5 + 1.3 = 8.0 kg
    #   Σ recycled PP = 1.26 + 1.00 + 0 + 0.52 = 2.78 kg
    #   recycled PP share = 2.78 / 8.0 = 0.3475  (34.75 %)
    world = demo_passports()
    result = rollup(world["demo-washing-machine-8kg"], world.get)

    pp = result.by_class["PP"]
    assert pp.mass_kg == Decimal("8.0")
    assert pp.recycled_mass_kg == Decimal("2.78")
    assert pp.recycled_share == Decimal("0.3475")
    assert result.class_share("PP") == Decimal("0.3475")
    # Whole machine: 30.3 kg = own 16.4 kg + tub 4.2 + 2 panels 2.0 + drum 4.0 + motor 3.3 + board 0.4
    assert result.total_mass_kg == Decimal("30.3")


def test_explanation_lists_formula_inputs_and_per_component_contributions() -> None:
    world = demo_passports()
    explained = rollup(world["demo-washing-machine-8kg"], world.get).explain("recycled_share", "PP")
    assert explained.value == Decimal("0.3475")
    assert "Σ mass of PP" in explained.formula
    assert {(i.name, i.value, i.unit) for i in explained.inputs} >= {("mass of PP", Decimal("8.0"), "kg")}
    by_path = {c.path: c for c in explained.contributions}
    panels = by_path["components[1]"]
    assert panels.ref == "demo-wm-side-panel" and panels.quantity == 2
    assert panels.by_class["PP"].mass_kg == Decimal("2.0")
    assert panels.by_class["PP"].recycled_mass_kg == Decimal("1.00")
    assert sum(c.mass_kg for c in explained.contributions) == Decimal("30.3")


def test_pet_bottle_recycled_share_flows_through_pellets_and_flakes() -> None:
    world = demo_passports()
    bottle = rollup(world["demo-pet-bottle-500"], world.get)
    # 12 g virgin PET + 12 g rPET pellets (100 % post-consumer via flakes) + 2 g PP cap + 0.5 g label
    assert bottle.total_mass_kg == Decimal("0.0265")
    assert bottle.by_class["PET"].mass_kg == Decimal("0.024")
    assert bottle.by_class["PET"].recycled_share == Decimal("0.5")
    assert bottle.post_consumer_kg == Decimal("0.012")


def test_hazardous_mass_uses_concentration() -> None:
    world = demo_passports()
    battery = rollup(world["demo-ev-battery-75kwh-000123"], world.get)
    # electrolyte 22 kg × 12 % LiPF6 = 2.64 kg; lead 0.4 kg without concentration counts whole
    assert battery.hazardous_mass_kg == Decimal("2.64") + Decimal("0.4")
    assert battery.svhc_mass_kg == Decimal("0.4")


def test_component_cycle_is_refused_with_the_path() -> None:
    a = make_bom("A", [make_material()], [("B", "1")])
    b = make_bom("B", [make_material()], [("C", "1")])
    c = make_bom("C", [make_material()], [("A", "2")])
    graph = {"A": a, "B": b, "C": c}
    with pytest.raises(RuleViolation) as err:
        rollup(a, graph.get)
    assert err.value.code == "component_cycle"
    assert err.value.field == "composition.components[0].passport_id"
    assert "A → B → C → A" in err.value.message
    assert find_cycle(b, graph.get) == ["B", "C", "A", "B"]
    assert find_cycle(make_bom("D", [make_material()], []), graph.get) is None


def test_missing_component_names_the_field() -> None:
    a = make_bom("A", [make_material()], [("ghost", "1")])
    with pytest.raises(InvalidInput) as err:
        rollup(a, {}.get)
    assert err.value.code == "component_not_found"
    assert err.value.field == "composition.components[0].passport_id"


def test_deep_chain_does_not_hit_the_recursion_limit() -> None:
    graph = {"n0": make_bom("n0", [make_material(mass_kg="1")], [])}
    for i in range(1, 3000):
        graph[f"n{i}"] = make_bom(f"n{i}", [make_material(mass_kg="1")], [(f"n{i - 1}", "1")])
    assert rollup(graph["n2999"], graph.get).total_mass_kg == 3000


def test_shared_part_is_resolved_once_and_cache_is_reusable() -> None:
    calls: list[str] = []
    screw = make_bom("screw", [make_material(mass_kg="0.002", material_class="steel")], [])
    panel = make_bom("panel", [make_material()], [("screw", "4")])
    root = make_bom("root", [], [("panel", "2"), ("screw", "10")])
    graph = {"screw": screw, "panel": panel}

    def resolve(pid: str):  # type: ignore[no-untyped-def]
        calls.append(pid)
        return graph.get(pid)

    cache = RollupCache()
    result = rollup(root, resolve, cache=cache)
    assert result.by_class["steel"].mass_kg == Decimal("0.002") * 4 * 2 + Decimal("0.002") * 10
    assert calls.count("screw") == 2  # once under panel, once under root; summed once (memo hit)
    assert {"screw/1", "panel/1", "root/1"} <= set(cache)


def test_leaf_materials_multiply_quantities() -> None:
    world = demo_passports()
    leaves = {m.name: m for m in leaf_materials(world["demo-washing-machine-8kg"], world.get)}
    assert leaves["side panel"].mass_kg == Decimal("2.0")
    assert leaves["side panel"].recycled_mass_kg == Decimal("1.00")


def _expand(graph, pid, factor):  # type: ignore[no-untyped-def]
    """Naive reference: walk every path to every leaf (exponential, fine for tiny graphs)."""
    node = graph[pid]
    total, recycled = Decimal(0), Decimal(0)
    for m in node.composition.materials:
        total += m.mass_kg * factor
        recycled += m.mass_kg * m.recycled_share * factor
    for c in node.composition.components:
        t, r = _expand(graph, c.passport_id, factor * c.quantity)
        total += t
        recycled += r
    return total, recycled


@settings(max_examples=60, deadline=None)
@given(bom_graphs())
def test_total_mass_is_sum_of_leaf_masses_times_quantities(graph) -> None:  # type: ignore[no-untyped-def]
    root = list(graph.values())[-1]
    result = rollup(root, graph.get)
    total, recycled = _expand(graph, root.id, Decimal(1))
    assert result.total_mass_kg == total
    assert result.recycled_mass_kg == recycled
    assert sum(t.mass_kg for t in result.by_class.values()) == total
    assert Decimal(0) <= result.recycled_share <= 1
    for t in result.by_class.values():
        assert Decimal(0) <= t.recycled_share <= 1
