"""Demo world, regions: みなと市 and neighbours, ten years of statistics, a model, a scenario, a pilot.

The three regions are the members demo's municipalities (same local government codes), so the city's
organisation and its region are one place: its admin imports its statistics, links the platform's
facilities (the city incinerator, the bottle and plastics recyclers in 北浜町) into the region, saves the
recommended model as a scenario and measures its fine-sorting pilot against twelve comparison
municipalities (the registry's numbered demo municipalities, given seeded statistics).

The six Japanese cities of the World Bank's What a Waste 2.0 data set are imported from the shared data
folder when it is there (``JUNKAN_SHARED_DATA_DIR``, else ``../shared/data`` beside the repository);
without it the demo still builds and says what it skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

from junkan.actor import Actor
from junkan.config import Settings
from junkan.demo import STEPS, DemoWorld
from junkan.demo.members import DEMO_PASSWORD
from junkan.members import auth
from junkan.members import service as members
from junkan.pagination import PageRequest
from junkan.regions import service
from junkan.regions.demo_data import DEMO_PILOT_START, demo_comparison_profiles, demo_profiles
from junkan.regions.scenario import ScenarioChoice
from junkan.regions.tabular import profiles_csv
from junkan.store.uow import UnitOfWork

__all__ = ["FACILITY_LINKS", "N_COMPARISON", "build_regions", "shared_data_dirs"]

N_COMPARISON = 12
# region facility key -> members demo facility key (the same plant, seen from the region)
FACILITY_LINKS = {
    "minato-cc": "city_incinerator",
    "kitahama-bottle": "recycler_plant",
    "kitahama-plastics": "plastics_plant",
}
CITY_KEYS = ("city", "kitahama", "yamasato")


def shared_data_dirs() -> list[Path]:
    configured = Settings().shared_data_dir
    beside_repo = Path(__file__).resolve().parents[3].parent / "shared" / "data"
    return [p for p in (configured, beside_repo) if p is not None]


def _admin(uow: UnitOfWork, world: DemoWorld, key: str) -> Actor:
    s = auth.sign_in(uow, Actor.system(), email=world.people[f"{key}.admin"], password=DEMO_PASSWORD, hours=1)
    return Actor(principal=s.principal, ip="local")


def build_regions(engine: Engine, world: DemoWorld, say: Callable[[str], None]) -> None:
    system = Actor.system("demo builder")
    uow = UnitOfWork(engine)
    city, kitahama, yamasato = demo_profiles()
    admins = {key: _admin(uow, world, key) for key in CITY_KEYS}
    # 1. profiles (each municipality describes itself) and facilities, linked to the platform's
    for key, p in zip(CITY_KEYS, (city, kitahama, yamasato), strict=True):
        service.create_region(
            uow,
            admins[key],
            {"code": p.code, "name_ja": p.name_ja, "name_en": p.name_en, "area_km2": p.area_km2, "lat": p.lat,
             "lon": p.lon, "features": sorted(p.features), "neighbours": list(p.neighbours),
             "employment": dict(p.employment), "source": "デモ: 一般廃棄物処理実態調査の形式"},
            demo=True,
        )  # fmt: skip
        for f in p.facilities:
            link = FACILITY_LINKS.get(f.id)
            service.add_region_facility(
                uow, admins[key], p.code, f, member_facility_id=world.facilities[link] if link else None
            )
    # 2. ten years of statistics, imported through the same door a municipality uses
    for key, p in zip(CITY_KEYS, (city, kitahama, yamasato), strict=True):
        data = ("\ufeff" + profiles_csv([p])).encode("utf-8")
        service.import_statistics(
            uow, admins[key], data, filename=f"{p.code}_ippan_haikibutsu_FY2013-2022.csv"
        )
    say("regions: comparison municipalities")
    cast = set(world.orgs.values())
    munis = members.list_orgs(uow, system, PageRequest(100), kind=["municipality"]).items
    fillers = [o for o in munis if o["id"] not in cast and o["municipality_code"]][:N_COMPARISON]
    comparison = demo_comparison_profiles(
        [(o["municipality_code"], o["name_ja"], o["name_en"]) for o in fillers]
    )
    for p in comparison:
        values = {"code": p.code, "name_ja": p.name_ja, "name_en": p.name_en, "source": p.source}
        service.create_region(uow, system, values, demo=True)
    data = ("\ufeff" + profiles_csv(comparison)).encode("utf-8")
    service.import_statistics(uow, system, data, filename="demo_comparison_municipalities_FY2013-2022.csv")
    # 3. What a Waste 2.0: real data, when the shared folder is there
    for base in shared_data_dirs():
        waw = base / "what-a-waste-2.0" / "city_level_data.csv"
        if waw.is_file():
            book = waw.with_name("city_level_codebook.csv")
            rep = service.import_what_a_waste(
                uow, system, waw, book if book.is_file() else None, filename=waw.name
            )
            world.extra["regions.what_a_waste_run"] = rep.run_id
            say(f"regions: What a Waste 2.0, {len(rep.regions)} Japanese cities")
            break
    else:
        say("regions: What a Waste 2.0 skipped (no shared data folder; set JUNKAN_SHARED_DATA_DIR)")
    # 4. the recommended model, saved as the city's scenario; a private variant it is still weighing
    recs = service.region_recommendations(uow, admins["city"], city.code).recommendations
    top = [r.method.id for r in recs if r.feasible][:3]
    participation = {"citizen_fine_sorting": 0.6, "municipal_bulky_reuse": 0.5, "large_scale_recycling": 0.4}
    choices = tuple(ScenarioChoice(m, participation=participation.get(m, 0.4), ramp_up_years=3) for m in top)
    sid = service.create_scenario(
        uow,
        admins["city"],
        city.code,
        service.ScenarioSpec(name="推奨モデル（上位3手法）2026年度案", choices=choices,
                             note="地域循環モデルの推奨上位3手法を、参加率40-60%・3年で立ち上げる案"),
    )  # fmt: skip
    service.publish_scenario(uow, admins["city"], sid)
    world.extra["regions.scenario"] = sid
    world.extra["regions.private_scenario"] = service.create_scenario(
        uow,
        admins["city"],
        city.code,
        service.ScenarioSpec(name="検討中: 企業製品シェアリング追加案（庁内検討用）",
                             choices=(*choices, ScenarioChoice("company_sharing", participation=0.3)),
                             note="庁内検討中。公開前。"),
    )  # fmt: skip
    # 5. the fine-sorting pilot from FY2019, measured against the comparison municipalities
    pid = service.create_pilot(
        uow,
        admins["city"],
        city.code,
        service.PilotSpec(name="市民詳細分別リサイクル パイロット（FY2019〜）", indicator="recycling_rate",
                          start_year=DEMO_PILOT_START, controls=tuple(p.code for p in comparison),
                          method_id="citizen_fine_sorting",
                          note="資源ごみ10分別・ステーション回収を全市で実施"),
    )  # fmt: skip
    service.publish_pilot(uow, admins["city"], pid)
    world.extra["regions.pilot"] = pid


STEPS.append(("regions", build_regions))
