"""Demo world, part one: organisations, facilities, people, partnerships and CE targets.

The core cast (a city, two neighbours and the companies of a PET-bottle loop and a home-appliance loop) is
written out by hand; the rest of the member registry is filled with numbered demo members so that the
directory has the shape of the real Circular Partners table (645 members on 19 March 2025).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal

from sqlalchemy import Engine

from junkan.actor import Actor
from junkan.demo import STEPS, DemoWorld
from junkan.members import auth, service
from junkan.members.codes import corporate_number_check_digit, municipality_check_digit
from junkan.members.model import Facility, FacilityKind, Organisation, OrgKind, Role
from junkan.members.targets import CETarget, validate_target
from junkan.store.members_repo import MembersRepo
from junkan.store.uow import UnitOfWork

__all__ = ["DEMO_PASSWORD", "REGISTRY_SHAPE", "demo_corporate_number", "demo_municipality_code"]

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105  (published in the README for the demo only)
SEED = 20250319

# Circular Partners on 19 March 2025 (METI deck p. 3).
REGISTRY_SHAPE = {
    OrgKind.COMPANY_LARGE: 200,
    OrgKind.COMPANY_SME: 321 - 88,
    OrgKind.COMPANY_SMALL: 88,
    OrgKind.ASSOCIATION: 32,
    OrgKind.MUNICIPALITY: 26,
    OrgKind.UNIVERSITY: 24,
    OrgKind.RELATED: 42,
}


def demo_corporate_number(n: int) -> str:
    base = f"9{n:011d}"  # a base no real registration uses in this demo's range
    return f"{corporate_number_check_digit(base)}{base}"


def demo_municipality_code(n: int) -> str:
    # Aichi (23) city numbers 900+ are unused by real municipalities.
    base = f"23{900 + n:03d}"
    return f"{base}{municipality_check_digit(base)}"


# key, name_ja, name_en, kind, sector, joined, slug
CAST = [
    ("city", "みなと市", "Minato City", OrgKind.MUNICIPALITY, "自治体", "2023-10-01", "minato-city"),
    ("kitahama", "北浜町", "Kitahama Town", OrgKind.MUNICIPALITY, "自治体", "2024-04-01", "kitahama-town"),
    (
        "yamasato",
        "山里村",
        "Yamasato Village",
        OrgKind.MUNICIPALITY,
        "自治体",
        "2024-06-01",
        "yamasato-village",
    ),
    (
        "beverage",
        "さくら飲料株式会社",
        "Sakura Beverages Co., Ltd.",
        OrgKind.COMPANY_LARGE,
        "飲料製造",
        "2023-10-01",
        "sakura-beverages",
    ),
    (
        "pet_sorter",
        "みなと資源選別株式会社",
        "Minato Resource Sorting Co., Ltd.",
        OrgKind.COMPANY_SME,
        "選別・再資源化",
        "2023-11-15",
        "minato-sorting",
    ),
    (
        "pet_recycler",
        "環ボトルリサイクル株式会社",
        "Kan Bottle Recycling Co., Ltd.",
        OrgKind.COMPANY_SME,
        "ボトルtoボトル再生",
        "2023-10-01",
        "kan-bottle",
    ),
    (
        "appliance_maker",
        "東雲電機株式会社",
        "Shinonome Electric Corp.",
        OrgKind.COMPANY_LARGE,
        "家電製造",
        "2023-10-01",
        "shinonome-electric",
    ),
    (
        "retailer",
        "でんきのミナト株式会社",
        "Denki no Minato Co., Ltd.",
        OrgKind.COMPANY_SME,
        "家電小売",
        "2024-01-10",
        "denki-minato",
    ),
    (
        "plastics_recycler",
        "循環プラスチック工業株式会社",
        "Junkan Plastics Industries Co., Ltd.",
        OrgKind.COMPANY_SMALL,
        "家電リサイクル・再生PP",
        "2024-02-01",
        "junkan-plastics",
    ),
    (
        "sharing",
        "シェアリンク株式会社",
        "ShareLink Inc.",
        OrgKind.COMPANY_SMALL,
        "シェアリング",
        "2024-04-01",
        "sharelink",
    ),
    (
        "association",
        "容器包装循環協議会（デモ）",
        "Packaging Circulation Council (demo)",
        OrgKind.ASSOCIATION,
        "業界団体",
        "2023-10-01",
        "packaging-council",
    ),
    (
        "university",
        "みなと工業大学",
        "Minato Institute of Technology",
        OrgKind.UNIVERSITY,
        "研究",
        "2024-05-01",
        "minato-tech",
    ),
    (
        "regulator",
        "資源循環経済課（デモ）",
        "Resource Circulation Economy Division (demo)",
        OrgKind.REGULATOR,
        "行政",
        None,
        "regulator",
    ),
    (
        "certifier",
        "循環認証機構（デモ）",
        "Circular Certification Body (demo)",
        OrgKind.CERTIFIER,
        "認証",
        None,
        "certifier",
    ),
]

FACILITIES = [
    # key, org, name, kind, address, muni n, lat, lon, public, capacity
    (
        "city_station",
        "city",
        "みなと市 中央資源回収ステーション",
        FacilityKind.COLLECTION_POINT,
        "みなと市港町1-1",
        1,
        34.95,
        136.95,
        True,
        None,
    ),
    (
        "city_incinerator",
        "city",
        "みなと市 クリーンセンター",
        FacilityKind.INCINERATOR,
        "みなと市臨海3-5",
        1,
        34.93,
        136.97,
        True,
        Decimal("90000"),
    ),
    (
        "kitahama_station",
        "kitahama",
        "北浜町 資源ごみ集積所",
        FacilityKind.COLLECTION_POINT,
        "北浜町本町2-3",
        2,
        34.99,
        136.88,
        True,
        None,
    ),
    (
        "sorter_plant",
        "pet_sorter",
        "みなと選別センター",
        FacilityKind.SORTING_PLANT,
        "みなと市工業団地7",
        1,
        34.94,
        136.92,
        True,
        Decimal("12000"),
    ),
    (
        "recycler_plant",
        "pet_recycler",
        "環ボトル 再生工場",
        FacilityKind.RECYCLING_PLANT,
        "北浜町臨海工業地区4",
        2,
        34.98,
        136.86,
        True,
        Decimal("24000"),
    ),
    (
        "beverage_factory",
        "beverage",
        "さくら飲料 みなと工場",
        FacilityKind.FACTORY,
        "みなと市工業団地12",
        1,
        34.945,
        136.915,
        True,
        Decimal("60000"),
    ),
    (
        "appliance_factory",
        "appliance_maker",
        "東雲電機 洗濯機工場",
        FacilityKind.FACTORY,
        "山里村産業団地1",
        3,
        35.05,
        136.80,
        True,
        Decimal("300000"),
    ),
    (
        "retail_store",
        "retailer",
        "でんきのミナト 本店",
        FacilityKind.STORE,
        "みなと市駅前2-8",
        1,
        34.955,
        136.94,
        True,
        None,
    ),
    (
        "retail_depot",
        "retailer",
        "でんきのミナト 引取センター",
        FacilityKind.WAREHOUSE,
        "みなと市流通団地3",
        1,
        34.96,
        136.93,
        False,
        Decimal("5000"),
    ),
    (
        "plastics_plant",
        "plastics_recycler",
        "循環プラ 家電リサイクル工場",
        FacilityKind.RECYCLING_PLANT,
        "北浜町臨海工業地区9",
        2,
        34.985,
        136.865,
        True,
        Decimal("15000"),
    ),
    (
        "sharing_depot",
        "sharing",
        "シェアリンク みなとデポ",
        FacilityKind.WAREHOUSE,
        "みなと市栄町5-2",
        1,
        34.952,
        136.945,
        True,
        None,
    ),
]

PARTNERSHIPS = [
    ("city", "pet_sorter", "accept"),
    ("pet_sorter", "pet_recycler", "accept"),
    ("pet_recycler", "beverage", "accept"),
    ("city", "beverage", "accept"),
    ("retailer", "plastics_recycler", "accept"),
    ("plastics_recycler", "appliance_maker", "accept"),
    ("city", "kitahama", "accept"),
    ("city", "yamasato", "accept"),
    ("kitahama", "pet_recycler", "accept"),
    ("sharing", "city", "accept"),
    ("sharing", "appliance_maker", None),
    ("university", "beverage", "decline"),
]

TARGETS = [
    # org, metric, unit, base year, base, target year, target, scope, status, progress
    (
        "beverage",
        "再生PET使用率 Recycled PET share in bottles",
        "%",
        2022,
        "15",
        2030,
        "50",
        "国内で販売する全PETボトル製品",
        "declared",
        [(2023, "22"), (2024, "29"), (2025, "34")],
    ),
    (
        "appliance_maker",
        "再生プラスチック使用率 Recycled plastic share",
        "%",
        2022,
        "5",
        2030,
        "20",
        "国内向け洗濯機・冷蔵庫",
        "declared",
        [(2023, "7.5"), (2024, "9.8"), (2025, "12.1")],
    ),
    (
        "pet_sorter",
        "選別後PET純度 Sorted PET purity",
        "%",
        2023,
        "92",
        2028,
        "98",
        "みなと選別センター",
        "declared",
        [(2024, "94.1"), (2025, "95.6")],
    ),
    (
        "pet_recycler",
        "ボトルtoボトル生産量 Bottle-to-bottle output",
        "t/yr",
        2023,
        "9000",
        2030,
        "20000",
        "再生工場",
        "declared",
        [(2024, "11800"), (2025, "13900")],
    ),
    (
        "city",
        "リサイクル率 Municipal recycling rate",
        "%",
        2022,
        "19.8",
        2030,
        "28",
        "みなと市の一般廃棄物",
        "declared",
        [(2023, "20.6"), (2024, "21.9"), (2025, "23.0")],
    ),
    (
        "plastics_recycler",
        "再生PP出荷量 Recycled PP shipped",
        "t/yr",
        2024,
        "1800",
        2029,
        "4000",
        "家電リサイクル工場",
        "draft",
        [],
    ),
]


def _org(spec: tuple[str, str, str, OrgKind, str, str | None, str], n: int) -> Organisation:
    _key, ja, en, kind, sector, joined, slug = spec
    return Organisation(
        id=None,
        name_ja=ja,
        name_en=en,
        kind=kind,
        sector=sector,
        corporate_number=demo_corporate_number(n) if kind.is_company else None,
        municipality_code=demo_municipality_code(n) if kind is OrgKind.MUNICIPALITY else None,
        contact_email=f"info@{slug}.demo",
        website=f"https://{slug}.demo",
        membership_date=dt.date.fromisoformat(joined) if joined else None,
        is_demo=True,
    )


def build_members(engine: Engine, world: DemoWorld, say: Callable[[str], None]) -> None:
    system = Actor.system("demo builder")
    uow = UnitOfWork(engine)
    slugs = {}
    for n, spec in enumerate(CAST, start=1):
        world.orgs[spec[0]] = service.register_org(uow, system, _org(spec, n))
        slugs[spec[0]] = spec[6]
    # People: an admin for each organisation, an editor and a viewer for the main cast.
    for key, org_id in world.orgs.items():
        for role in (Role.ADMIN, Role.EDITOR, Role.VIEWER):
            if role is not Role.ADMIN and key in ("association", "university", "certifier"):
                continue
            email = f"{role.value}@{slugs[key]}.demo"
            auth.add_person(
                uow,
                system,
                org_id=org_id,
                email=email,
                display_name=f"{role.value} ({slugs[key]})",
                role=role,
                password=DEMO_PASSWORD,
            )
            world.people[f"{key}.{role.value}"] = email
    for key, org, name, kind, addr, muni, lat, lon, public, cap in FACILITIES:
        world.facilities[key] = service.add_facility(
            uow,
            system,
            Facility(
                id=None,
                org_id=world.orgs[org],
                name=name,
                kind=kind,
                address=addr,
                municipality_code=demo_municipality_code(muni),
                latitude=lat,
                longitude=lon,
                is_public=public,
                capacity_t_per_year=cap,
                internal_notes="デモ：内部メモ（他組織には非公開）" if not public else None,
            ),
        )
    for a, b, outcome in PARTNERSHIPS:
        admin_a = _admin_actor(uow, world, a)
        pid = service.request_partnership(uow, admin_a, world.orgs[b], note="demo")
        if outcome:
            service.change_partnership(uow, _admin_actor(uow, world, b), pid, outcome)
    for org, metric, unit, by, bv, ty, tv, scope, status, progress in TARGETS:
        tid = service.set_target(
            uow,
            system,
            CETarget(
                id=None,
                org_id=world.orgs[org],
                metric=metric,
                unit=unit,
                baseline_year=by,
                baseline_value=Decimal(bv),
                target_year=ty,
                target_value=Decimal(tv),
                scope=scope,
                status=status,
            ),
        )
        for year, value in progress:
            service.report_progress(uow, system, tid, year=year, value=Decimal(value))
    say("members: registry")
    _fill_registry(uow, system, len(CAST))


def _admin_actor(uow: UnitOfWork, world: DemoWorld, key: str) -> Actor:
    from junkan.members.auth import sign_in

    s = sign_in(uow, Actor.system(), email=world.people[f"{key}.admin"], password=DEMO_PASSWORD, hours=1)
    return Actor(principal=s.principal, ip="local")


def _fill_registry(uow: UnitOfWork, system: Actor, start: int) -> None:
    """Numbered demo members so that totals by type match the registry table exactly."""
    rng = random.Random(SEED)
    cast_kinds = [spec[3] for spec in CAST]
    labels = {
        OrgKind.COMPANY_LARGE: ("デモ会員 大企業", "Demo member large company"),
        OrgKind.COMPANY_SME: ("デモ会員 中小企業", "Demo member SME"),
        OrgKind.COMPANY_SMALL: ("デモ会員 小規模企業", "Demo member small business"),
        OrgKind.ASSOCIATION: ("デモ会員 業界団体", "Demo member association"),
        OrgKind.MUNICIPALITY: ("デモ会員 自治体", "Demo member municipality"),
        OrgKind.UNIVERSITY: ("デモ会員 大学・研究機関", "Demo member university"),
        OrgKind.RELATED: ("デモ会員 関係機関", "Demo member related organisation"),
    }
    sectors = ["化学", "自動車", "電機", "包装", "繊維", "建設", "小売", "物流", "鉄鋼", "廃棄物処理"]
    n = start
    muni = 10
    synthetic: list[tuple[int, dt.date]] = []
    for kind, want in REGISTRY_SHAPE.items():
        for i in range(1, want - cast_kinds.count(kind) + 1):
            n += 1
            muni += kind is OrgKind.MUNICIPALITY
            ja, en = labels[kind]
            joined = dt.date(2023, 10, 1) + dt.timedelta(days=rng.randrange(0, 530))
            org_id = service.register_org(
                uow,
                system,
                Organisation(
                    id=None,
                    name_ja=f"{ja} {i:03d}",
                    name_en=f"{en} {i:03d}",
                    kind=kind,
                    sector=rng.choice(sectors) if kind.is_company else None,
                    corporate_number=demo_corporate_number(n) if kind.is_company else None,
                    municipality_code=demo_municipality_code(muni) if kind is OrgKind.MUNICIPALITY else None,
                    membership_date=joined,
                    is_demo=True,
                ),
            )
            synthetic.append((org_id, joined))
    _registry_targets(uow, rng, synthetic)


# What the synthetic members declared: most set a target and report on time; some are late, as in life.
REGISTRY_METRICS = [
    ("再生材使用率 Recycled content share", "%", "5", "20"),
    ("廃棄物の再資源化率 Waste recycling rate", "%", "60", "85"),
    ("製品回収率 Product take-back rate", "%", "10", "40"),
]


def _registry_targets(uow: UnitOfWork, rng: random.Random, orgs: list[tuple[int, dt.date]]) -> None:
    """Targets and progress for the numbered members, written in one transaction (demo seeding only;
    every value still passes the same validation as the service's)."""
    now = Actor.system().now
    with uow:
        repo = MembersRepo(uow.conn)
        for org_id, joined in orgs:
            roll = rng.random()
            if roll < 0.12:
                continue  # no target yet: overdue a year after joining
            metric, unit, base, target = rng.choice(REGISTRY_METRICS)
            t = validate_target(
                CETarget(
                    id=None,
                    org_id=org_id,
                    metric=metric,
                    unit=unit,
                    baseline_year=2023,
                    baseline_value=Decimal(base),
                    target_year=2030,
                    target_value=Decimal(target),
                    scope="全社",
                    status="declared",
                )
            )
            tid = repo.add_target(t, now=now)
            late = roll > 0.92  # these skipped last year's report
            for year in range(max(2024, joined.year), now.year):
                if late and year == now.year - 1:
                    continue
                step = (Decimal(target) - Decimal(base)) * Decimal(year - 2023) / 7
                repo.upsert_progress(tid, year, (Decimal(base) + step).quantize(Decimal("0.1")), None, now)
        uow.commit()


STEPS.append(("members", build_members))
