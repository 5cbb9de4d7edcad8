"""Plain factories and hypothesis strategies for passport tests."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from junkan.passports.codec import passport_from_dict
from junkan.passports.model import Passport

NOW = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)
VALID_GTIN = "09520123456788"  # the GS1 example GTIN used throughout the Digital Link standard


def make_material(**over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "housing",
        "material_class": "PP",
        "mass_kg": "1.0",
        "cas": "9003-07-0",
        "recycled_pre_consumer": "0.1",
        "recycled_post_consumer": "0.2",
    }
    data.update(over)
    return data


def make_passport_dict(pid: str = "p-1", **over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": pid,
        "issuer": "org-1",
        "kind": "product",
        "level": "model",
        "identity": {
            "name": {"ja": "部品", "en": "Part"},
            "category_scheme": "hs",
            "category_code": "8450.90",
            "gtin": VALID_GTIN,
        },
        "composition": {"materials": [make_material()]},
    }
    data.update(over)
    return data


def make_passport(pid: str = "p-1", *, published: bool = False, **over: Any) -> Passport:
    data = make_passport_dict(pid, **over)
    if published:
        data.update(status="published", published_at=NOW.isoformat())
    return passport_from_dict(data)


def make_bom(
    pid: str, materials: list[dict[str, Any]], components: list[tuple[str, str]], **over: Any
) -> Passport:
    comps = [{"passport_id": c, "quantity": q} for c, q in components]
    return make_passport(pid, composition={"materials": materials, "components": comps}, **over)


_CLASSES = ("PP", "PET", "steel", "copper", "glass")
_masses = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("100"), places=3)
_shares = st.decimals(min_value=Decimal(0), max_value=Decimal(1), places=2)
_quantities = st.decimals(min_value=Decimal("0.5"), max_value=Decimal(5), places=1)


@st.composite
def material_dicts(draw: st.DrawFn) -> dict[str, Any]:
    pre = draw(_shares)
    post = draw(st.decimals(min_value=Decimal(0), max_value=1 - pre, places=2))
    return make_material(
        name=f"m{draw(st.integers(0, 9))}",
        material_class=draw(st.sampled_from(_CLASSES)),
        mass_kg=str(draw(_masses)),
        recycled_pre_consumer=str(pre),
        recycled_post_consumer=str(post),
        hazardous=draw(st.booleans()),
        cas=None,
    )


@st.composite
def bom_graphs(draw: st.DrawFn, max_size: int = 6, published: bool = False) -> dict[str, Passport]:
    """A DAG of passports: passport i may only contain passports j < i, so there is never a cycle.
    The last passport is the root."""
    n = draw(st.integers(1, max_size))
    graph: dict[str, Passport] = {}
    for i in range(n):
        materials = draw(st.lists(material_dicts(), min_size=0 if i else 1, max_size=3))
        children = draw(st.lists(st.integers(0, i - 1), max_size=3)) if i else []
        if not materials and not children:
            materials = [draw(material_dicts())]
        components = [(f"p{j}", str(draw(_quantities))) for j in children]
        graph[f"p{i}"] = make_bom(f"p{i}", materials, components, published=published)
    return graph
