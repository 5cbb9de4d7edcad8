"""Plain factories for regions tests."""

from __future__ import annotations

from junkan.regions.codes import RegionKind
from junkan.regions.model import RegionProfile, WasteYear


def make_waste(**kw: float | None) -> WasteYear:
    base: dict[str, float | None] = dict(
        household_t=60_000,
        business_t=25_000,
        group_collection_t=4_000,
        total_treated_t=85_000,
        direct_recycling_t=4_000,
        recycled_after_treatment_t=9_000,
        incinerated_t=68_000,
        final_disposal_t=7_000,
        treatment_cost_jpy=4.5e9,
    )
    base.update(kw)
    return WasteYear(**base)


def make_profile(code: str = "141003", **kw: object) -> RegionProfile:
    args: dict[str, object] = dict(
        code=code,
        kind=RegionKind.MUNICIPALITY,
        name_ja="テスト市",
        name_en="Test City",
        population={2021: 300_000, 2022: 298_000},
        households={2022: 130_000},
        area_km2=150.0,
        waste={2022: make_waste()},
    )
    args.update(kw)
    return RegionProfile(**args)  # type: ignore[arg-type]
