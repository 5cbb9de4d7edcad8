"""Plain factories for passport create-bodies (what the API and ``service.create_draft`` take)."""

from __future__ import annotations

import copy
import itertools
from typing import Any

from junkan.passports.identifiers import gtin_check_digit

_seq = itertools.count(1)


def make_gtin(n: int | None = None) -> str:
    """A valid GTIN-14 in the GS1 demo prefix 952 (never a real product)."""
    body = f"0952{(n if n is not None else 500_000 + next(_seq)):09d}"
    return body + str(gtin_check_digit(body))


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


def make_body(pid: str | None = None, **over: Any) -> dict[str, Any]:
    """A valid passport body; ``components`` may be given as [(id, quantity)]."""
    components = over.pop("components", None)
    data: dict[str, Any] = {
        "id": pid or f"test-passport-{next(_seq)}",
        "kind": "product",
        "level": "model",
        "identity": {
            "name": {"ja": "部品", "en": "Part"},
            "category_scheme": "hs",
            "category_code": "8450.90",
            "gtin": make_gtin(),
        },
        "composition": {"materials": [make_material()]},
    }
    if components is not None:
        data["composition"]["components"] = [{"passport_id": c, "quantity": q} for c, q in components]
    for key, value in over.items():
        data[key] = copy.deepcopy(value)
    return data
