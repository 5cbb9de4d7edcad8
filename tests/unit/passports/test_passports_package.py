"""What the passports package exports (pinned, so a rename is a deliberate change) and the demo labels."""

from __future__ import annotations

from decimal import Decimal

import junkan.passports as passports
from junkan.passports.composition import rollup
from junkan.passports.demo_data import demo_passports


def test_public_names_are_pinned() -> None:
    assert sorted(passports.__all__) == [
        "Audience", "Change", "Explanation", "Kind", "Level", "Passport", "Resolver", "Rollup", "Section",
        "Status", "diff", "disclose", "edit_draft", "find_cycle", "new_version", "passport_from_dict",
        "passport_to_dict", "publish", "rollup", "viewer_audiences", "withdraw",
    ]  # fmt: skip
    for name in passports.__all__:
        assert hasattr(passports, name)


def test_demo_passports_are_labelled_demo_and_resolve() -> None:
    world = demo_passports()
    assert all(p.demo for p in world.values())
    assert all(
        p.identity.gtin and p.identity.gtin.startswith("0952") for p in world.values()
    )  # GS1 demo prefix
    machine = rollup(world["demo-washing-machine-8kg"], world.get)
    assert Decimal(29) < machine.total_mass_kg < Decimal(31)


def test_ev_battery_reports_article_8_metals() -> None:
    world = demo_passports()
    battery = rollup(world["demo-ev-battery-75kwh-000123"], world.get)
    # Regulation (EU) 2023/1542 Art. 8(2) minimum shares from 18 August 2031: Co 16 %, Pb 85 %, Li 6 %, Ni 6 %
    minimum = {"cobalt": "0.16", "lead": "0.85", "lithium": "0.06", "nickel": "0.06"}
    for metal, floor in minimum.items():
        assert battery.class_share(metal) >= Decimal(floor), metal
    declared = {c.metric_name: c.declared_value for c in world["demo-ev-battery-75kwh-000123"].claims}
    for metal in minimum:
        assert declared[f"recycled {metal} share"] == battery.class_share(metal)
