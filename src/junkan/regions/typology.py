"""Region typology: population scale × main industry × presence of a recycling hub.

The METI deck asks for regional models "typed by main industry and population size". No public cut-offs
exist yet, so every threshold here is configuration with its reasoning:

- Population scale follows the Local Autonomy Act (地方自治法): designated city 政令指定都市 needs
  ≥ 500,000 people (art. 252-19), core city 中核市 ≥ 200,000 (art. 252-22), a city 市 ≥ 50,000 (art. 8);
  below that, towns and villages. These thresholds also track how waste services are organised (own
  incinerators and sorting plants vs. shared facilities through 一部事務組合).
- Main industry: the sector group with the highest location quotient LQ = regional employment share /
  national employment share, if LQ > 1 (the region is specialised); otherwise the largest employment share.
  National shares default to the 2020 Population Census (primary ≈ 3.5 %, manufacturing ≈ 16 %,
  construction ≈ 7.5 %, tertiary ≈ 73 %); ``method="largest_share"`` skips the LQ step.
- Recycling hub: a sorting or recycling facility of at least 50 t/day in the region (about the throughput
  of a mid-sized 資源化施設 for 150-300k people), or the ``recycling_hub`` feature set by the municipality.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from junkan.errors import InvalidInput
from junkan.regions.model import SECTORS, RegionProfile

__all__ = [
    "INDUSTRY_GROUPS",
    "POPULATION_CLASSES",
    "TypologyConfig",
    "TypologyResult",
    "classify",
    "classify_profiles",
    "has_recycling_hub",
]

POPULATION_CLASSES = ("town_village", "city", "core_city", "designated_city")
# the deck's three industry types; construction counts toward none (it is everywhere and follows the rest)
INDUSTRY_GROUPS = ("agriculture_forestry_fisheries", "manufacturing", "commerce_tourism_services")


@dataclass(frozen=True, slots=True)
class TypologyConfig:
    population_cuts: tuple[float, float, float] = (50_000, 200_000, 500_000)
    national_shares: Mapping[str, float] = field(
        default_factory=lambda: {
            "agriculture_forestry_fisheries": 0.035,
            "manufacturing": 0.160,
            "construction": 0.075,
            "commerce_tourism_services": 0.730,
        }
    )
    method: str = "location_quotient"
    hub_min_capacity_t_per_day: float = 50.0
    reasoning: str = __doc__ or ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TypologyConfig:
        cuts = tuple(float(c) for c in data.get("population_cuts", cls().population_cuts))
        if len(cuts) != 3 or list(cuts) != sorted(cuts) or cuts[0] <= 0:
            raise InvalidInput(
                "population_cuts must be three increasing positive numbers (city, core city, designated).",
                code="bad_typology_config",
                field="population_cuts",
            )
        method = str(data.get("method", "location_quotient"))
        if method not in ("location_quotient", "largest_share"):
            raise InvalidInput(
                "method must be location_quotient or largest_share.",
                code="bad_typology_config",
                field="method",
            )
        shares = dict(data.get("national_shares", cls().national_shares))
        if set(shares) != set(SECTORS) or any(not 0 < v < 1 for v in shares.values()):
            raise InvalidInput(
                f"national_shares needs a fraction in (0, 1) for each of {', '.join(SECTORS)}.",
                code="bad_typology_config",
                field="national_shares",
            )
        return cls(
            population_cuts=(cuts[0], cuts[1], cuts[2]),
            national_shares=shares,
            method=method,
            hub_min_capacity_t_per_day=float(data.get("hub_min_capacity_t_per_day", 50.0)),
        )


@dataclass(frozen=True, slots=True)
class TypologyResult:
    population_class: tuple[str, ...]
    industry: tuple[str, ...]
    hub: tuple[bool, ...]
    location_quotients: npt.NDArray[np.float64]

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(
            f"{p}/{i}/{'hub' if h else 'no_hub'}"
            for p, i, h in zip(self.population_class, self.industry, self.hub, strict=True)
        )


def classify(
    population: npt.ArrayLike,
    employment: npt.ArrayLike,
    hub: npt.ArrayLike,
    config: TypologyConfig | None = None,
) -> TypologyResult:
    """Classify N regions at once; ``employment`` is (N, len(SECTORS)) in the order of ``SECTORS``."""
    cfg = config or TypologyConfig()
    pop = np.asarray(population, dtype=np.float64)
    emp = np.asarray(employment, dtype=np.float64)
    if emp.shape != (pop.shape[0], len(SECTORS)):
        raise InvalidInput(
            f"employment must be (regions, {len(SECTORS)}) in the order {', '.join(SECTORS)}.",
            code="bad_employment_shape",
            field="employment",
        )
    pop_idx = np.searchsorted(np.asarray(cfg.population_cuts), pop, side="right")
    pop_class = np.asarray(POPULATION_CLASSES, dtype=object)[pop_idx]
    pop_class[np.isnan(pop)] = "unknown"
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = emp / emp.sum(axis=1, keepdims=True)
        national = np.asarray([cfg.national_shares[s] for s in SECTORS])
        lq = shares / national
    cols = [SECTORS.index(g) for g in INDUSTRY_GROUPS]
    lq_g, share_g = lq[:, cols], shares[:, cols]
    filled_lq = np.where(np.isnan(lq_g), -np.inf, lq_g)
    filled_share = np.where(np.isnan(share_g), -np.inf, share_g)
    by_lq = np.argmax(filled_lq, axis=1)
    by_share = np.argmax(filled_share, axis=1)
    specialised = np.max(filled_lq, axis=1) > 1.0
    pick = np.where(specialised, by_lq, by_share) if cfg.method == "location_quotient" else by_share
    industry = np.asarray(INDUSTRY_GROUPS, dtype=object)[pick]
    industry[np.all(np.isnan(share_g), axis=1)] = "unknown"
    return TypologyResult(
        population_class=tuple(str(x) for x in pop_class),
        industry=tuple(str(x) for x in industry),
        hub=tuple(bool(x) for x in np.asarray(hub, dtype=bool)),
        location_quotients=lq,
    )


def has_recycling_hub(profile: RegionProfile, config: TypologyConfig | None = None) -> bool:
    cfg = config or TypologyConfig()
    if "recycling_hub" in profile.features:
        return True
    return any(
        f.kind in ("sorting", "recycling") and (f.capacity_t_per_day or 0.0) >= cfg.hub_min_capacity_t_per_day
        for f in profile.facilities
    )


def classify_profiles(
    profiles: Sequence[RegionProfile], year: int, config: TypologyConfig | None = None
) -> TypologyResult:
    """Classify profiles by their population in ``year`` (latest earlier year if that one is missing)."""
    pops = []
    for p in profiles:
        known = [y for y, v in p.population.items() if v is not None and y <= year]
        pops.append(p.population[max(known)] if known else np.nan)
    emp = [[p.employment.get(s, 0.0) if p.employment else np.nan for s in SECTORS] for p in profiles]
    hubs = [has_recycling_hub(p, config) for p in profiles]
    return classify(
        np.asarray(pops, dtype=np.float64), np.asarray(emp).reshape(len(profiles), len(SECTORS)), hubs, config
    )
