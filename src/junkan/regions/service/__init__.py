"""Use cases of the regions context, in one namespace for the entry points.

The modules of this package are the service layer (they open a unit of work and use the store):

- ``profiles``: region profiles, yearly statistics, facilities;
- ``imports``: our CSV/XLSX statistics format and the World Bank What a Waste 2.0 data set;
- ``analysis``: dashboard (indicators vs peers, trends, typology), recommendations, reports;
- ``scenarios`` and ``pilots``: a municipality's scenarios and pilots;
- ``access``: who may read and write what; ``platform``: what the platform knows about a region
  (the input hook other contexts register sources with).

Reading profiles and statistics is open to everyone (public reference data); writing follows ``access``.
"""

from __future__ import annotations

from junkan.regions.service import platform_trace  # noqa: F401  (registers the trace platform source)
from junkan.regions.service.analysis import (
    RecommendationSet,
    load_factors,
    load_region_world,
    region_dashboard,
    region_recommendations,
    region_report,
)
from junkan.regions.service.imports import (
    ImportReport,
    get_import,
    import_statistics,
    import_what_a_waste,
    list_imports,
)
from junkan.regions.service.pilots import (
    Observation,
    PilotSpec,
    create_pilot,
    delete_pilot,
    get_pilot,
    list_pilots,
    measure,
    publish_pilot,
)
from junkan.regions.service.profiles import (
    PROFILE_FIELDS,
    add_region_facility,
    create_region,
    delete_region_facility,
    get_region,
    list_regions,
    put_region_year,
    region_stats,
    update_region,
)
from junkan.regions.service.scenarios import (
    ScenarioSpec,
    create_scenario,
    delete_scenario,
    get_scenario,
    list_scenarios,
    publish_scenario,
    run_scenario,
    scenario_export,
    update_scenario,
)

__all__ = [
    "PROFILE_FIELDS",
    "ImportReport",
    "Observation",
    "PilotSpec",
    "RecommendationSet",
    "ScenarioSpec",
    "add_region_facility",
    "create_pilot",
    "create_region",
    "create_scenario",
    "delete_pilot",
    "delete_region_facility",
    "delete_scenario",
    "get_import",
    "get_pilot",
    "get_region",
    "get_scenario",
    "import_statistics",
    "import_what_a_waste",
    "list_imports",
    "list_pilots",
    "list_regions",
    "list_scenarios",
    "load_factors",
    "load_region_world",
    "measure",
    "publish_pilot",
    "publish_scenario",
    "put_region_year",
    "region_dashboard",
    "region_recommendations",
    "region_report",
    "region_stats",
    "run_scenario",
    "scenario_export",
    "update_region",
    "update_scenario",
]
