"""The region panel: every statistic of N regions × Y fiscal years as float64 arrays (NaN = missing).

Indicators, typology, scenarios and pilot measurement compute on this panel, never on a database. The
service builds it from stored profiles and from platform activity (events at facilities in the region,
members located there) that it aggregates into :class:`PlatformInputs`.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from junkan.errors import InvalidInput
from junkan.regions.model import WASTE_FIELDS, RegionProfile

__all__ = [
    "PLATFORM_FIELDS",
    "PlatformInputs",
    "RegionPanel",
    "build_panel",
    "fiscal_year_days",
]

Array = npt.NDArray[np.float64]

PLATFORM_FIELDS = (
    "reuse_repair_sharing_events",
    "reuse_repair_sharing_t",
    "circular_businesses",
    "circular_jobs",
    "group_collection_households",
    "recyclables_collected_t",
    "recyclables_processed_in_region_t",
)


@dataclass(frozen=True, slots=True)
class PlatformInputs:
    """What platform data tells about one region in one fiscal year (the service fills this).

    - ``reuse_repair_sharing_events``: trace events of kind repair/reuse/remanufacture/share at facilities
      located in the region; ``reuse_repair_sharing_t`` their mass in tonnes.
    - ``circular_businesses``: member organisations located in the region whose declared activity is CE
      commerce, repair, reuse or recycling; ``circular_jobs`` the jobs they declare there.
    - ``group_collection_households``: households taking part in group collection (集団回収).
    - ``recyclables_collected_t`` and ``recyclables_processed_in_region_t``: recyclables collected in the
      region, and the part whose first recycling facility (from custody records) lies in the region.
    ``None`` means the platform has no data, never zero activity.
    """

    code: str
    year: int
    reuse_repair_sharing_events: float | None = None
    reuse_repair_sharing_t: float | None = None
    circular_businesses: float | None = None
    circular_jobs: float | None = None
    group_collection_households: float | None = None
    recyclables_collected_t: float | None = None
    recyclables_processed_in_region_t: float | None = None


def fiscal_year_days(fy: int) -> int:
    """Days in Japan's fiscal year ``fy`` (1 April fy to 31 March fy+1): 366 when Feb fy+1 has 29 days."""
    return 366 if calendar.isleap(fy + 1) else 365


@dataclass(frozen=True, slots=True)
class RegionPanel:
    """Variables as (N regions, Y years) float64 arrays; ``kinds`` holds each region's kind."""

    codes: tuple[str, ...]
    years: tuple[int, ...]
    variables: Mapping[str, Array]
    kinds: tuple[str, ...] = ()
    names: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        shape = (len(self.codes), len(self.years))
        for name, arr in self.variables.items():
            if arr.shape != shape:
                raise InvalidInput(
                    f"variable {name} has shape {arr.shape}, expected {shape} (regions × years).",
                    code="panel_shape",
                    field=f"variables.{name}",
                )

    def __getitem__(self, name: str) -> Array:
        try:
            return self.variables[name]
        except KeyError:
            raise InvalidInput(
                f"the panel has no variable {name!r}; add it to the profiles or platform inputs.",
                code="unknown_variable",
                field=name,
            ) from None

    def index(self, code: str) -> int:
        try:
            return self.codes.index(code)
        except ValueError:
            raise InvalidInput(
                f"region {code} is not in this panel; include its profile.",
                code="region_not_in_panel",
                field="code",
            ) from None

    def year_index(self, year: int) -> int:
        try:
            return self.years.index(year)
        except ValueError:
            raise InvalidInput(
                f"fiscal year {year} is not in this panel ({self.years[0]}-{self.years[-1]}).",
                code="year_not_in_panel",
                field="year",
            ) from None

    def with_variables(self, extra: Mapping[str, Array]) -> RegionPanel:
        return RegionPanel(self.codes, self.years, {**self.variables, **extra}, self.kinds, self.names)


def _nan(n: int, y: int) -> Array:
    return np.full((n, y), np.nan, dtype=np.float64)


def build_panel(
    profiles: Sequence[RegionProfile],
    years: Iterable[int],
    activity: Iterable[PlatformInputs] = (),
) -> RegionPanel:
    """Lay profiles and platform inputs out as arrays; years without data stay NaN."""
    yrs = tuple(sorted(set(years)))
    n, y = len(profiles), len(yrs)
    col = {yr: j for j, yr in enumerate(yrs)}
    row = {p.code: i for i, p in enumerate(profiles)}
    if len(row) != n:
        raise InvalidInput("a region appears twice; give each profile once.", code="duplicate_region")
    v: dict[str, Array] = {
        k: _nan(n, y) for k in ("population", "households", "area_km2", *WASTE_FIELDS, *PLATFORM_FIELDS)
    }
    for i, p in enumerate(profiles):
        for yr, pop in p.population.items():
            if yr in col and pop is not None:
                v["population"][i, col[yr]] = pop
        for yr, hh in p.households.items():
            if yr in col and hh is not None:
                v["households"][i, col[yr]] = hh
        if p.area_km2 is not None:
            v["area_km2"][i, :] = p.area_km2
        for yr, w in p.waste.items():
            if yr in col:
                for name in WASTE_FIELDS:
                    val = getattr(w, name)
                    if val is not None:
                        v[name][i, col[yr]] = val
    for a in activity:
        if a.code not in row:
            raise InvalidInput(
                f"platform inputs name region {a.code}, which has no profile in this panel.",
                code="region_not_in_panel",
                field="activity.code",
            )
        if a.year in col:
            for name in PLATFORM_FIELDS:
                val = getattr(a, name)
                if val is not None:
                    v[name][row[a.code], col[a.year]] = val
    v["generated_t"] = v["household_t"] + v["business_t"] + v["group_collection_t"]
    v["recycled_t"] = v["direct_recycling_t"] + v["recycled_after_treatment_t"] + v["group_collection_t"]
    v["days"] = np.broadcast_to(
        np.array([fiscal_year_days(yr) for yr in yrs], dtype=np.float64), (n, y)
    ).copy()
    return RegionPanel(
        codes=tuple(row),
        years=yrs,
        variables=v,
        kinds=tuple(p.kind.value for p in profiles),
        names=tuple(p.name_ja for p in profiles),
    )
