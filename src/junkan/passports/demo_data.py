"""DEMO DATA — realistic but invented passports for the demo world (``demo=True`` on every one).

Three loops from the METI deck's examples: a PET drink bottle made partly from bottle-to-bottle recycled
PET (pellets ← flakes), a Japanese top-loading washing machine with recycled PP back in its tub and
housing, and an EV battery pack reporting recycled cobalt, lithium, nickel and lead (EU Batteries
Regulation (EU) 2023/1542 Art. 8). GTINs use GS1 prefix 952, which GS1 reserves for demonstrations and
examples; evidence hashes are SHA-256 of a fixed demo string. Figures are plausible orders of magnitude,
not any real product's data.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from junkan.passports.codec import passport_from_dict
from junkan.passports.identifiers import gtin_check_digit
from junkan.passports.model import Passport

__all__ = [
    "DEMO_PUBLISHED_AT",
    "demo_ev_battery",
    "demo_passports",
    "demo_pet_bottle",
    "demo_rpet_flakes",
    "demo_rpet_pellets",
    "demo_washing_machine",
    "demo_washing_machine_parts",
]

DEMO_PUBLISHED_AT = datetime(2025, 4, 1, 0, 0, tzinfo=UTC)
BEVERAGE, RECYCLER, APPLIANCE, BATTERY = (
    "demo-beverage-co",
    "demo-pet-recycler",
    "demo-appliance-co",
    "demo-battery-co",
)


def _gtin(n: int) -> str:
    body = f"952{n:09d}"
    return body + str(gtin_check_digit(body))


def _evidence(topic: str) -> str:
    return hashlib.sha256(f"junkan demo evidence: {topic}".encode()).hexdigest()


def _party(slug: str, name: str) -> dict[str, str]:
    return {"id": f"https://demo.junkan.example/orgs/{slug}", "name": name}


def _make(data: dict[str, Any], *, published: bool) -> Passport:
    data.setdefault("demo", True)
    if published:
        data.update(
            status="published",
            created_at=DEMO_PUBLISHED_AT.isoformat(),
            published_at=DEMO_PUBLISHED_AT.isoformat(),
        )
    return passport_from_dict(data)


def _mat(
    name: str, cls: str, kg: str, *, cas: str | None = None, pre: str = "0", post: str = "0", **more: Any
) -> dict[str, Any]:
    return {
        "name": name,
        "material_class": cls,
        "mass_kg": kg,
        "cas": cas,
        "recycled_pre_consumer": pre,
        "recycled_post_consumer": post,
        **more,
    }


PET_CAS, PP_CAS = "25038-59-9", "9003-07-0"


def demo_rpet_flakes(*, published: bool = True) -> Passport:
    """1 kg of washed bottle-grade PET flakes from municipal PET-bottle collection (a batch)."""
    return _make(
        {
            "id": "demo-rpet-flakes-2025-04",
            "issuer": RECYCLER,
            "kind": "material",
            "level": "batch",
            "identity": {
                "name": {"ja": "再生PETフレーク（ボトル由来）", "en": "Recycled PET flakes (from bottles)"},
                "category_scheme": "hs",
                "category_code": "3915.90",
                "gtin": _gtin(1),
                "lot": "FL-2504",
                "manufacturer": _party(RECYCLER, "Demo PET Recycling K.K."),
                "country_of_production": "JP",
            },
            "composition": {
                "materials": [_mat("PET flakes", "PET", "1", cas=PET_CAS, post="1", origin_country="JP")]
            },
        },
        published=published,
    )


def demo_rpet_pellets(*, published: bool = True) -> Passport:
    """1 kg of food-contact rPET pellets made from the flakes (1 kg flakes per kg, yield loss ignored)."""
    return _make(
        {
            "id": "demo-rpet-pellets-2025-04",
            "issuer": RECYCLER,
            "kind": "material",
            "level": "batch",
            "identity": {
                "name": {"ja": "再生PETペレット（B to B）", "en": "Recycled PET pellets (bottle-to-bottle)"},
                "category_scheme": "hs",
                "category_code": "3907.61",
                "gtin": _gtin(2),
                "lot": "PL-2504",
                "manufacturer": _party(RECYCLER, "Demo PET Recycling K.K."),
                "country_of_production": "JP",
            },
            "composition": {
                "components": [
                    {"passport_id": "demo-rpet-flakes-2025-04", "quantity": "1", "label": "flakes"}
                ]
            },
            "carbon": {
                "value_kg_co2e": "0.45",
                "declared_unit": "KGM",
                "scope": "cradle_to_gate",
                "rulebook": "ISO 14067:2018",
                "primary_data_share": "0.8",
            },
        },
        published=published,
    )


def demo_pet_bottle(*, published: bool = True) -> Passport:
    """A 500 ml PET drink bottle: 24 g body (half rPET pellets), 2 g PP cap, 0.5 g label."""
    return _make(
        {
            "id": "demo-pet-bottle-500",
            "issuer": BEVERAGE,
            "kind": "product",
            "level": "model",
            "identity": {
                "name": {"ja": "ペットボトル 500ml", "en": "PET drink bottle 500 ml"},
                "category_scheme": "hs",
                "category_code": "3923.30",
                "gtin": _gtin(3),
                "manufacturer": _party(BEVERAGE, "Demo Beverage Co."),
                "country_of_production": "JP",
            },
            "composition": {
                "materials": [
                    _mat("bottle body, virgin PET", "PET", "0.012", cas=PET_CAS),
                    _mat("cap", "PP", "0.002", cas=PP_CAS),
                    _mat("shrink label", "PET-G", "0.0005"),
                ],
                "components": [
                    {
                        "passport_id": "demo-rpet-pellets-2025-04",
                        "quantity": "0.012",
                        "label": "bottle body, recycled PET (12 g of pellets)",
                    }
                ],
            },
            "eco_design": {
                "disassembly": {
                    "steps": 2,
                    "tools": [],
                    "fasteners": ["perforated label"],
                    "material_marking": True,
                },
                "recyclability": {
                    "recyclable_share": "0.98",
                    "recycling_info_url": "https://demo.junkan.example/guides/pet-bottle",
                },
            },
            "carbon": {
                "value_kg_co2e": "0.082",
                "declared_unit": "H87",
                "scope": "cradle_to_gate",
                "rulebook": "ISO 14067:2018",
                "primary_data_share": "0.6",
            },
            "claims": [
                {
                    "topic": "circularity.content",
                    "description": "50 % recycled PET in the bottle body (demo)",
                    "standard": "ISO 14021:2016",
                    "metric_name": "recycled content (body)",
                    "declared_value": "0.5",
                    "declared_unit": "P1",
                    "evidence_url": "https://demo.junkan.example/evidence/pet-audit.pdf",
                    "evidence_sha256": _evidence("PET bottle recycled content audit 2025"),
                    "assessment_date": "2025-03-15",
                }
            ],
        },
        published=published,
    )


def demo_washing_machine_parts(*, published: bool = True) -> list[Passport]:
    """The washing machine's parts that have their own passports (made by the appliance maker's suppliers)."""

    def part(pid: str, n: int, ja: str, en: str, materials: list[dict[str, Any]]) -> Passport:
        return _make(
            {
                "id": pid,
                "issuer": APPLIANCE,
                "kind": "product",
                "level": "model",
                "identity": {
                    "name": {"ja": ja, "en": en},
                    "category_scheme": "hs",
                    "category_code": "8450.90",
                    "gtin": _gtin(n),
                },
                "composition": {"materials": materials},
            },
            published=published,
        )

    return [
        part(
            "demo-wm-tub",
            10,
            "外槽（再生PP）",
            "Outer tub (recycled PP)",
            [_mat("outer tub", "PP", "4.2", cas=PP_CAS, post="0.30")],
        ),
        part(
            "demo-wm-side-panel",
            11,
            "側面ハウジング（再生PP）",
            "Side housing panel (recycled PP)",
            [_mat("side panel", "PP", "1.0", cas=PP_CAS, post="0.50")],
        ),
        part(
            "demo-wm-drum",
            12,
            "洗濯槽（ステンレス）",
            "Washing drum (stainless steel)",
            [_mat("drum", "stainless steel", "4.0", pre="0.20", post="0.40")],
        ),
        part(
            "demo-wm-motor",
            13,
            "DDモーター",
            "Direct-drive motor",
            [
                _mat("stator and rotor steel", "steel", "2.4", cas="7439-89-6", pre="0.10", post="0.15"),
                _mat("copper windings", "copper", "0.9", cas="7440-50-8", post="0.30"),
            ],
        ),
        part(
            "demo-wm-control",
            14,
            "制御基板",
            "Control board",
            [
                _mat(
                    "printed circuit board assembly",
                    "electronics",
                    "0.4",
                    hazardous=True,
                    svhc=True,
                    concentration="0.0005",
                )
            ],
        ),
    ]


def demo_washing_machine(*, published: bool = True) -> Passport:
    """A 30 kg Japanese top-loading washing machine (8 kg) with recycled PP from the appliance loop."""
    return _make(
        {
            "id": "demo-washing-machine-8kg",
            "issuer": APPLIANCE,
            "kind": "product",
            "level": "model",
            "identity": {
                "name": {"ja": "全自動洗濯機 8kg", "en": "Fully automatic washing machine 8 kg"},
                "category_scheme": "hs",
                "category_code": "8450.11",
                "gtin": _gtin(20),
                "manufacturer": _party(APPLIANCE, "Demo Appliance Co."),
                "facility": {
                    "id": "https://demo.junkan.example/facilities/shiga-plant",
                    "name": "Shiga plant",
                },
                "country_of_production": "JP",
            },
            "composition": {
                "materials": [
                    _mat("pulsator", "PP", "0.5", cas=PP_CAS),
                    _mat("base frame", "PP", "1.3", cas=PP_CAS, post="0.40"),
                    _mat("cabinet steel sheet", "steel", "9.0", cas="7439-89-6", pre="0.10", post="0.10"),
                    _mat("control panel", "ABS", "0.6"),
                    _mat("fluid balancer shell", "PE", "0.7"),
                    _mat("fluid balancer brine", "other", "1.5"),
                    _mat("hoses and seals", "EPDM", "0.8"),
                    _mat("glass lid", "glass", "2.0"),
                ],
                "components": [
                    {"passport_id": "demo-wm-tub", "quantity": "1"},
                    {"passport_id": "demo-wm-side-panel", "quantity": "2"},
                    {"passport_id": "demo-wm-drum", "quantity": "1"},
                    {"passport_id": "demo-wm-motor", "quantity": "1"},
                    {"passport_id": "demo-wm-control", "quantity": "1"},
                ],
            },
            "eco_design": {
                "disassembly": {
                    "time_minutes": "25",
                    "steps": 14,
                    "tools": ["Phillips screwdriver", "10 mm socket"],
                    "fasteners": ["screw", "snap-fit"],
                    "material_marking": True,
                },
                "durability": {"expected_lifetime_years": "10", "warranty_years": "1"},
                # 補修用性能部品の保有期間: 6 years for washing machines (home appliance industry practice)
                "repairability": {
                    "spare_parts_years": 6,
                    "repair_info_available": True,
                    "score": "7.5",
                    "repair_info_url": "https://demo.junkan.example/repair/wm-8kg",
                },
                "recyclability": {
                    "recyclable_share": "0.88",
                    "recycling_info_url": "https://demo.junkan.example/recycling/wm-8kg",
                },
            },
            "carbon": {
                "value_kg_co2e": "180",
                "declared_unit": "H87",
                "scope": "cradle_to_gate",
                "rulebook": "ISO 14067:2018",
                "primary_data_share": "0.4",
            },
            "claims": [
                {
                    "topic": "circularity.design",
                    "regulation": "特定家庭用機器再商品化法 (Home Appliance Recycling Law)",
                    "description": "Designed for the statutory washing-machine recycling rate (82 %) (demo)",
                    "metric_name": "recyclable share",
                    "declared_value": "0.88",
                    "declared_unit": "P1",
                    "evidence_url": "https://demo.junkan.example/evidence/wm-design.pdf",
                    "evidence_sha256": _evidence("Home Appliance Recycling Law design assessment 2025"),
                }
            ],
        },
        published=published,
    )


def demo_ev_battery(*, published: bool = True) -> Passport:
    """A 75 kWh NMC811 EV battery pack (one serialised item), reporting recycled content per Art. 8."""

    def cam(name: str, cls: str, kg: str, cas: str, post: str, origin: str) -> dict[str, Any]:
        return _mat(name, cls, kg, cas=cas, post=post, origin_country=origin)

    return _make(
        {
            "id": "demo-ev-battery-75kwh-000123",
            "issuer": BATTERY,
            "kind": "product",
            "level": "item",
            "identity": {
                "name": {"ja": "EV用バッテリーパック 75kWh", "en": "EV battery pack 75 kWh"},
                "category_scheme": "hs",
                "category_code": "8507.60",
                "gtin": _gtin(30),
                "serial": "000123",
                "manufacturer": _party(BATTERY, "Demo Battery Co."),
                "country_of_production": "JP",
                "production_date": "2025-03-20",
            },
            "composition": {
                "materials": [
                    cam("nickel in cathode active material", "nickel", "32", "7440-02-0", "0.08", "ID"),
                    cam("cobalt in cathode active material", "cobalt", "4", "7440-48-4", "0.18", "CD"),
                    cam("lithium in cathode active material", "lithium", "6", "7439-93-2", "0.07", "AU"),
                    cam("manganese in cathode active material", "manganese", "3.6", "7439-96-5", "0", "ZA"),
                    _mat("anode graphite", "graphite", "48", cas="7782-42-5"),
                    _mat("electrolyte", "electrolyte", "22", hazardous=True, concentration="0.12"),
                    _mat(
                        "aluminium housing and foils",
                        "aluminium",
                        "85",
                        cas="7429-90-5",
                        pre="0.10",
                        post="0.20",
                    ),
                    _mat("copper foils and busbars", "copper", "26", cas="7440-50-8", post="0.20"),
                    _mat("steel frame", "steel", "58", cas="7439-89-6", post="0.25"),
                    _mat(
                        "lead in auxiliary components",
                        "lead",
                        "0.4",
                        cas="7439-92-1",
                        post="0.85",
                        hazardous=True,
                        svhc=True,
                    ),
                    _mat("plastics", "PP", "14", cas=PP_CAS),
                    _mat("battery management electronics", "electronics", "5"),
                ]
            },
            "eco_design": {
                "durability": {"expected_lifetime_years": "12", "warranty_years": "8"},
                "repairability": {"spare_parts_years": 10, "repair_info_available": True},
                "disassembly": {"time_minutes": "90", "tools": ["insulated tools"], "fasteners": ["bolt"]},
            },
            # Art. 7: kg CO2e per functional unit, i.e. per kWh of total energy over the service life.
            "carbon": {
                "value_kg_co2e": "62",
                "declared_unit": "KWH",
                "scope": "cradle_to_grave",
                "rulebook": "Battery carbon footprint rules, Regulation (EU) 2023/1542 Art. 7",
                "primary_data_share": "0.55",
            },
            "claims": [
                {
                    "topic": "circularity.content",
                    "regulation": "Regulation (EU) 2023/1542 Art. 8",
                    "reference_url": "https://eur-lex.europa.eu/eli/reg/2023/1542/oj",
                    "description": f"Recovered {metal} share in active materials (demo)",
                    "metric_name": f"recycled {metal} share",
                    "declared_value": share,
                    "declared_unit": "P1",
                    "evidence_url": "https://demo.junkan.example/evidence/battery-art8.pdf",
                    "evidence_sha256": _evidence(
                        "EU Batteries Regulation Art. 8 recycled content report 2025"
                    ),
                }
                for metal, share in (
                    ("cobalt", "0.18"),
                    ("lithium", "0.07"),
                    ("nickel", "0.08"),
                    ("lead", "0.85"),
                )
            ],
        },
        published=published,
    )


def demo_passports(*, published: bool = True) -> dict[str, Passport]:
    """Every demo passport by id (a resolver over it resolves all components)."""
    every = [
        demo_rpet_flakes(published=published),
        demo_rpet_pellets(published=published),
        demo_pet_bottle(published=published),
        *demo_washing_machine_parts(published=published),
        demo_washing_machine(published=published),
        demo_ev_battery(published=published),
    ]
    return {p.id: p for p in every}
