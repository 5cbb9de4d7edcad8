"""Region profiles: the facts a municipality, prefecture or wide-area partnership brings to the platform.

A profile holds population, area, households and industry structure, the yearly municipal waste statistics
in the categories of Japan's municipal waste survey (環境省「一般廃棄物処理事業実態調査」), facilities and
neighbours. These are *statistics*, so tonnes are float64 (conventions: statistics/indicators may use
numpy float64; mass-balance credits elsewhere use Decimal kg). A missing year or a missing item is ``None``
(NaN in arrays) and is shown as missing, never as zero.

Survey categories and how they add up (a survey respondent fills exactly these):

- ``household_t`` 生活系ごみ (excluding group collection), ``business_t`` 事業系ごみ,
  ``group_collection_t`` 集団回収量; total generated ごみ総排出量 = household + business + group collection.
- ``total_treated_t`` ごみ総処理量 (planned collection + direct carry-in actually treated).
- ``direct_recycling_t`` 直接資源化量, ``recycled_after_treatment_t`` 中間処理後再生利用量,
  ``incinerated_t`` 焼却量, ``final_disposal_t`` 最終処分量, ``treatment_cost_jpy`` ごみ処理事業経費.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from junkan.errors import InvalidInput
from junkan.regions.codes import RegionKind, validate_municipality_code, validate_region_id

__all__ = [
    "FACILITY_KINDS",
    "SECTORS",
    "WASTE_FIELDS",
    "Facility",
    "RegionProfile",
    "WasteYear",
    "check_share",
    "haversine_km",
]

SECTORS = ("agriculture_forestry_fisheries", "manufacturing", "construction", "commerce_tourism_services")
FACILITY_KINDS = (
    "incinerator",
    "sorting",
    "recycling",
    "composting",
    "landfill",
    "reuse_centre",
    "bulky_waste_route",
)
WASTE_FIELDS = (
    "household_t",
    "business_t",
    "group_collection_t",
    "total_treated_t",
    "direct_recycling_t",
    "recycled_after_treatment_t",
    "incinerated_t",
    "final_disposal_t",
    "treatment_cost_jpy",
)


def check_share(value: float, *, field: str) -> float:
    """A percentage must lie in 0-100; raise InvalidInput naming the field otherwise."""
    if math.isnan(value) or not 0.0 <= value <= 100.0:
        raise InvalidInput(
            f"{value} % is outside 0-100 %; give a percentage (e.g. 23.5), not a fraction or a count.",
            code="share_out_of_range",
            field=field,
        )
    return value


@dataclass(frozen=True, slots=True)
class WasteYear:
    """One fiscal year of municipal waste statistics (t/yr, JPY/yr); ``None`` means not reported."""

    household_t: float | None = None
    business_t: float | None = None
    group_collection_t: float | None = None
    total_treated_t: float | None = None
    direct_recycling_t: float | None = None
    recycled_after_treatment_t: float | None = None
    incinerated_t: float | None = None
    final_disposal_t: float | None = None
    treatment_cost_jpy: float | None = None

    @property
    def generated_t(self) -> float | None:
        parts = (self.household_t, self.business_t, self.group_collection_t)
        if any(p is None for p in parts):
            return None
        return sum(p for p in parts if p is not None)

    def validate(self, *, field: str = "waste") -> WasteYear:
        """Raise InvalidInput on negative amounts or components larger than the total they belong to."""
        for name in WASTE_FIELDS:
            v = getattr(self, name)
            if v is not None and (math.isnan(v) or v < 0):
                raise InvalidInput(
                    f"{name} is {v}; amounts are non-negative; leave the cell empty if not reported.",
                    code="negative_amount",
                    field=f"{field}.{name}",
                )
        t = self.total_treated_t
        if t is not None:
            recyc = [v for v in (self.direct_recycling_t, self.recycled_after_treatment_t) if v is not None]
            if sum(recyc) > t * (1 + 1e-9):
                raise InvalidInput(
                    f"direct recycling + recycling after treatment ({sum(recyc):,.0f} t) exceeds the total "
                    f"treated ({t:,.0f} t); check the units (t, not kg) and the columns.",
                    code="component_exceeds_total",
                    field=f"{field}.direct_recycling_t",
                )
            for name in ("incinerated_t", "final_disposal_t"):
                v = getattr(self, name)
                if v is not None and v > t * (1 + 1e-9):
                    raise InvalidInput(
                        f"{name} ({v:,.0f} t) exceeds the total treated ({t:,.0f} t); check the columns.",
                        code="component_exceeds_total",
                        field=f"{field}.{name}",
                    )
        return self


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a 6,371 km sphere (good to ~0.5 % for siting questions)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


@dataclass(frozen=True, slots=True)
class Facility:
    """A waste or resource facility: incinerator, sorting or recycling plant, reuse centre, ..."""

    id: str
    kind: str
    name: str
    capacity_t_per_day: float | None = None
    lat: float | None = None
    lon: float | None = None
    streams: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in FACILITY_KINDS:
            raise InvalidInput(
                f"facility kind {self.kind!r} is unknown; use one of {', '.join(FACILITY_KINDS)}.",
                code="unknown_facility_kind",
                field="facilities.kind",
            )


@dataclass(frozen=True, slots=True)
class RegionProfile:
    """A region's profile; yearly mappings hold only reported years (a missing year is simply absent)."""

    code: str
    kind: RegionKind
    name_ja: str
    name_en: str
    population: Mapping[int, float | None] = field(default_factory=dict)
    households: Mapping[int, float | None] = field(default_factory=dict)
    area_km2: float | None = None
    employment: Mapping[str, float] = field(default_factory=dict)
    waste: Mapping[int, WasteYear] = field(default_factory=dict)
    facilities: tuple[Facility, ...] = ()
    neighbours: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    features: frozenset[str] = frozenset()
    lat: float | None = None
    lon: float | None = None
    demo: bool = False
    source: str = ""

    def __post_init__(self) -> None:
        _code, kind = validate_region_id(self.code)
        if kind is not self.kind:
            raise InvalidInput(
                f"{self.code!r} looks like a {kind.value} id but kind is {self.kind.value}; fix either.",
                code="region_kind_mismatch",
                field="kind",
            )
        if kind is RegionKind.GROUP:
            if len(self.members) < 2:
                raise InvalidInput(
                    "a wide-area group needs at least two member municipalities; list their codes.",
                    code="group_too_small",
                    field="members",
                )
            for i, m in enumerate(self.members):
                validate_municipality_code(m, field=f"members[{i}]")
        for sector in self.employment:
            if sector not in SECTORS:
                raise InvalidInput(
                    f"sector {sector!r} is unknown; use one of {', '.join(SECTORS)}.",
                    code="unknown_sector",
                    field=f"employment.{sector}",
                )
        for year, w in self.waste.items():
            w.validate(field=f"waste[{year}]")

    def population_in(self, year: int) -> float | None:
        return self.population.get(year)

    @property
    def latest_year(self) -> int | None:
        years = [y for y, p in self.population.items() if p is not None]
        return max(years) if years else None

    def density(self, year: int) -> float | None:
        p = self.population.get(year)
        if p is None or not self.area_km2:
            return None
        return p / self.area_km2

    def employment_shares(self) -> dict[str, float]:
        total = sum(self.employment.values())
        return {s: (self.employment.get(s, 0.0) / total if total else math.nan) for s in SECTORS}
