"""Explanations of a passport's roll-up figures (formula, inputs, contributions), masked per viewer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from junkan.passports.composition import Explanation
from junkan.passports.disclosure import RANK, effective_audience
from junkan.passports.model import Audience
from junkan.passports.service.reads import PassportView

__all__ = ["explain"]


def _mask(audience: Audience, top: Audience) -> dict[str, Any]:
    return {
        "masked": True,
        "audience": audience.value,
        "reason": f"visible to {audience.value} and above; you are viewing as {top.value}",
    }


#: Which disclosure path guards each input of an explanation, by the start of the input's name.
_TOTAL_PATHS: Final = {
    "mass of": "composition.rollup.total_mass_kg",
    "total mass": "composition.rollup.total_mass_kg",
    "pre-consumer": "composition.rollup.recycled_mass_kg",
    "post-consumer": "composition.rollup.recycled_mass_kg",
    "hazardous": "composition.rollup.hazardous_mass_kg",
}


_CLASS_PATHS: Final = {
    "mass of": "composition.rollup.by_class.mass_kg",
    "pre-consumer": "composition.rollup.by_class.recycled_mass_kg",
    "post-consumer": "composition.rollup.by_class.recycled_mass_kg",
}


def _explanation(
    e: Explanation, view: PassportView, value_path: str, input_paths: Mapping[str, str]
) -> dict[str, Any]:
    rules = view.passport.disclosure_map()

    def guarded(path: str, value: Any) -> Any:
        audience = effective_audience(path, rules)
        return value if RANK[audience] <= RANK[view.top] else _mask(audience, view.top)

    inputs = []
    for i in e.inputs:
        path = next((p for key, p in input_paths.items() if i.name.startswith(key)), "composition.rollup")
        inputs.append(
            {"name": i.name, "value": guarded(path, str(i.value)), "unit": i.unit, "source": i.source}
        )
    contributions = guarded(
        "composition.rollup.contributions",
        [
            {
                "path": c.path,
                "ref": c.ref,
                "quantity": str(c.quantity),
                "mass_kg": str(c.mass_kg),
                "recycled_mass_kg": str(c.recycled_mass_kg),
            }
            for c in e.contributions
        ],
    )
    return {
        "figure": e.figure,
        "value": guarded(value_path, str(e.value)),
        "unit": e.unit,
        "formula": e.formula,
        "inputs": inputs,
        "contributions": contributions,
        "sources": list(e.sources),
    }


def explain(view: PassportView) -> dict[str, Any]:
    """Every roll-up figure of a view with its explanation, masked where the viewer may not look."""
    r = view.rollup
    if r is None:
        err = view.rollup_error
        return {
            "available": False,
            "error": {"code": err.code, "field": err.field, "message": err.message} if err else None,
        }
    return {
        "available": True,
        "figures": view.document["composition"].get("rollup"),
        "explanations": {
            "recycled_share": _explanation(
                r.explain("recycled_share"), view, "composition.rollup.recycled_share", _TOTAL_PATHS
            ),
            "total_mass_kg": _explanation(
                r.explain("total_mass_kg"), view, "composition.rollup.total_mass_kg", _TOTAL_PATHS
            ),
            "hazardous_mass_kg": _explanation(
                r.explain("hazardous_mass_kg"), view, "composition.rollup.hazardous_mass_kg", _TOTAL_PATHS
            ),
        },
        "by_class": {
            name: _explanation(
                r.explain("recycled_share", name),
                view,
                "composition.rollup.by_class.recycled_share",
                _CLASS_PATHS,
            )
            for name in r.by_class
        },
    }
