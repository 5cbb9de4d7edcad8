"""Selective disclosure: the audience chain, visible masking, and never leaking."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from junkan.passports.composition import rollup
from junkan.passports.demo_data import demo_passports
from junkan.passports.disclosure import RANK, disclose, is_masked, viewer_audiences, visible_audiences
from junkan.passports.model import Audience
from tests.unit.passports.passports_factories import make_passport

P, PA, AU, OW = Audience.PUBLIC, Audience.PARTNERS, Audience.AUTHORITIES, Audience.OWNER


def test_audience_chain() -> None:
    assert visible_audiences([PA]) == {P, PA}
    assert visible_audiences([AU]) == {P, PA, AU}  # authorities also see partner data (documented choice)
    assert visible_audiences([OW]) == set(Audience)
    assert visible_audiences([]) == {P}
    assert viewer_audiences(viewer_org="a", issuer="a") == set(Audience)
    assert viewer_audiences(viewer_org="b", issuer="a", partners={"b"}) == {P, PA}
    assert viewer_audiences(viewer_org="c", issuer="a", partners={"b"}) == {P}
    assert viewer_audiences(viewer_org=None, issuer="a", authority=True) == {P, PA, AU}


def test_public_sees_shares_but_masses_are_masked_visibly() -> None:
    world = demo_passports()
    machine = world["demo-washing-machine-8kg"]
    view = disclose(machine, {P}, rollup=rollup(machine, world.get))
    material = view["composition"]["materials"][0]
    assert material["material_class"] == "PP"
    assert material["recycled_post_consumer"] == "0"
    assert material["mass_kg"] == {
        "masked": True,
        "audience": "partners",
        "reason": "visible to partners of the issuer, authorities and the issuer; you are viewing as public",
    }
    assert is_masked(view["composition"]["components"])
    assert view["composition"]["rollup"]["recycled_share"] == str(rollup(machine, world.get).recycled_share)
    assert is_masked(view["composition"]["rollup"]["total_mass_kg"])
    assert is_masked(view["composition"]["rollup"]["by_class"][0]["mass_kg"])
    assert is_masked(view["disclosure"])
    assert view["id"] == machine.id and view["identity"]["gtin"] == machine.identity.gtin


def test_partner_sees_masses_and_owner_sees_policy() -> None:
    machine = demo_passports()["demo-washing-machine-8kg"]
    partner = disclose(machine, {PA})
    assert partner["composition"]["materials"][0]["mass_kg"] == "0.5"
    assert partner["composition"]["components"][0]["passport_id"] == "demo-wm-tub"
    assert is_masked(partner["disclosure"])
    assert disclose(machine, {OW})["disclosure"]["composition.components"] == "partners"


def test_a_hidden_section_masks_everything_below_even_a_public_rule() -> None:
    passport = make_passport(
        disclosure={"carbon": "authorities", "carbon.scope": "public", "composition": "owner"}
    )
    view = disclose(passport, {PA})
    assert is_masked(view["carbon"]) and view["carbon"]["audience"] == "authorities"
    assert is_masked(view["composition"])
    assert disclose(passport, {AU})["composition"]["audience"] == "owner"


_PATHS = [
    "identity",
    "identity.gtin",
    "identity.name",
    "composition",
    "composition.materials",
    "composition.materials.mass_kg",
    "composition.materials.cas",
    "composition.components",
    "carbon",
    "claims",
    "eco_design",
    "eco_design.repairability.score",
]


def _visible_leaves(value: Any, path: str) -> list[str]:
    if is_masked(value):
        return []
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in _visible_leaves(v, f"{path}.{k}" if path else k)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in _visible_leaves(v, path)] or [path]
    return [path]


@settings(max_examples=150, deadline=None)
@given(
    policy=st.dictionaries(st.sampled_from(_PATHS), st.sampled_from(list(Audience)), max_size=8),
    viewer=st.sets(st.sampled_from(list(Audience)), max_size=2),
)
def test_disclosure_never_leaks_a_field_above_the_viewer(
    policy: dict[str, Audience], viewer: set[Audience]
) -> None:
    passport = demo_passports()["demo-washing-machine-8kg"]
    rules = dict(passport.disclosure_map())
    rules.update(policy)
    passport = replace(passport, disclosure=tuple(sorted(rules.items())))
    view = disclose(passport, viewer)
    top = max((RANK[a] for a in viewer), default=0)
    for leaf in _visible_leaves(view, ""):
        assert not leaf.startswith("disclosure") or top == RANK[OW]
        for rule_path, audience in rules.items():
            if leaf == rule_path or leaf.startswith(rule_path + "."):
                assert RANK[audience] <= top, (leaf, rule_path, audience, viewer)
