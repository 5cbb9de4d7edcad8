"""Demo world, passports: the PET-bottle and home-appliance loops as published, signed product passports.

Issued through the passports service (drafts, then published — so components are pinned and the public
UNTP credentials are signed with the organisations' demo keys), all dated 1 April 2025:

- the plastics recycler's recycled PP pellets, which the appliance maker's tub and side panels are made
  from (so the washing machine's recycled PP comes, across organisations, from the recycler's passport);
- the PET recycler's rPET flakes and pellets, and the beverage maker's 500 ml bottle made half from them;
- the appliance maker's washing machine (with a second version on 1 June 2025, so history and diff show)
  and an EV battery pack (kept with the appliance maker rather than adding a battery company).

Some sections are disclosed to partners or authorities only, so the public page shows masked values.
The washing machine's recycled PP share stays the hand calculation of the domain demo: 34.75 %.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import Engine

from junkan.actor import Actor
from junkan.config import Settings
from junkan.demo import STEPS, DemoWorld
from junkan.demo.credentials import demo_signing
from junkan.passports import service
from junkan.passports.codec import passport_to_dict
from junkan.passports.demo_data import PP_CAS, demo_passports
from junkan.passports.identifiers import gtin_check_digit
from junkan.store.members_repo import MembersRepo
from junkan.store.uow import UnitOfWork

__all__ = ["DEMO_ISSUERS", "PUBLISHED_AT", "REVISED_AT", "RPP_PELLETS", "demo_documents"]

PUBLISHED_AT: Final = datetime(2025, 4, 1, 0, 0, tzinfo=UTC)
REVISED_AT: Final = datetime(2025, 6, 1, 0, 0, tzinfo=UTC)
RPP_PELLETS: Final = "demo-rpp-pellets-2025-03"

#: Passport id → demo organisation key (``world.orgs``), in publishing order (parts before assemblies).
DEMO_ISSUERS: Final = {
    RPP_PELLETS: "plastics_recycler",
    "demo-rpet-flakes-2025-04": "pet_recycler",
    "demo-rpet-pellets-2025-04": "pet_recycler",
    "demo-pet-bottle-500": "beverage",
    "demo-wm-tub": "appliance_maker",
    "demo-wm-side-panel": "appliance_maker",
    "demo-wm-drum": "appliance_maker",
    "demo-wm-motor": "appliance_maker",
    "demo-wm-control": "appliance_maker",
    "demo-washing-machine-8kg": "appliance_maker",
    "demo-ev-battery-75kwh-000123": "appliance_maker",
}
#: Sections withheld from the public (the audience that may see them).
DISCLOSURE: Final[dict[str, dict[str, str]]] = {
    "demo-washing-machine-8kg": {"claims": "authorities", "carbon.primary_data_share": "partners"},
    "demo-ev-battery-75kwh-000123": {
        "composition.materials.origin_country": "authorities",
        "eco_design.disassembly": "partners",
        "carbon.primary_data_share": "partners",
    },
    "demo-rpet-pellets-2025-04": {"carbon": "partners"},
    RPP_PELLETS: {"composition.materials.origin_country": "owner"},
}
_LIFECYCLE: Final = (
    "issuer",
    "status",
    "version",
    "predecessor",
    "created_at",
    "published_at",
    "withdrawn_at",
)


def _gtin(n: int) -> str:
    body = f"952{n:09d}"
    return body + str(gtin_check_digit(body))


def _rpp_pellets() -> dict[str, Any]:
    """1 kg of recycled PP pellets from post-consumer home appliances (a batch)."""
    return {
        "id": RPP_PELLETS,
        "kind": "material",
        "level": "batch",
        "demo": True,
        "identity": {
            "name": {"ja": "再生PPペレット（家電由来）", "en": "Recycled PP pellets (from home appliances)"},
            "category_scheme": "hs",
            "category_code": "3915.90",
            "gtin": _gtin(5),
            "lot": "PP-2503",
            "country_of_production": "JP",
        },
        "composition": {
            "materials": [
                {
                    "name": "recycled polypropylene",
                    "material_class": "PP",
                    "mass_kg": "1",
                    "cas": PP_CAS,
                    "recycled_post_consumer": "1",
                    "origin_country": "JP",
                }
            ]
        },
        "carbon": {
            "value_kg_co2e": "0.6",
            "declared_unit": "KGM",
            "scope": "cradle_to_gate",
            "rulebook": "ISO 14067:2018",
            "primary_data_share": "0.7",
        },
    }


def _from_pellets(doc: dict[str, Any], virgin_kg: str, recycled_kg: str, label: str) -> None:
    """Make a PP part of virgin PP plus ``recycled_kg`` of the recycler's pellets (same totals)."""
    part = doc["composition"]["materials"][0]
    part.update(mass_kg=virgin_kg, recycled_pre_consumer="0", recycled_post_consumer="0")
    part["name"] = f"{label}, virgin PP"
    doc["composition"]["components"] = [
        {"passport_id": RPP_PELLETS, "quantity": recycled_kg, "label": f"{label}, recycled PP pellets (kg)"}
    ]


def demo_documents(party: Callable[[str], dict[str, str]]) -> dict[str, dict[str, Any]]:
    """The demo passports as create-bodies; ``party(org key)`` gives the manufacturer reference."""
    docs: dict[str, dict[str, Any]] = {RPP_PELLETS: _rpp_pellets()}
    for pid, p in demo_passports(published=False).items():
        doc = passport_to_dict(p)
        for key in _LIFECYCLE:
            doc.pop(key, None)
        docs[pid] = doc
    # Tub 4.2 kg at 30 % and side panel 1.0 kg at 50 % recycled PP, now via the recycler's pellets.
    _from_pellets(docs["demo-wm-tub"], "2.94", "1.26", "outer tub")
    _from_pellets(docs["demo-wm-side-panel"], "0.5", "0.5", "side panel")
    for pid, doc in docs.items():
        ident = doc["identity"]
        if ident.get("manufacturer") or pid == RPP_PELLETS:
            ident["manufacturer"] = party(DEMO_ISSUERS[pid])
        doc["disclosure"] = {**(doc.get("disclosure") or {}), **DISCLOSURE.get(pid, {})}
    return docs


def build_passports(engine: Engine, world: DemoWorld, say: Callable[[str], None]) -> None:
    secret, _host = demo_signing(world)
    base_url = str(world.extra.get("base_url") or Settings().base_url).rstrip("/")
    uow = UnitOfWork(engine)
    system = Actor.system("demo builder")
    with uow:
        members = MembersRepo(uow.conn)
        names = {key: members.get_org(world.orgs[key]) for key in set(DEMO_ISSUERS.values())}

    def party(key: str) -> dict[str, str]:
        org = names[key]
        return {"id": f"{base_url}/members/{world.orgs[key]}", "name": org.name_en if org else key}

    created = dataclasses.replace(system, now=PUBLISHED_AT)
    for pid, doc in demo_documents(party).items():
        org_id = world.orgs[DEMO_ISSUERS[pid]]
        service.create_draft(uow, created, org_id, doc)
        service.publish(uow, created, pid, base_url=base_url, master_secret=secret)
    say("passports: a second version of the washing machine")
    revised = dataclasses.replace(system, now=REVISED_AT)
    service.new_version(
        uow,
        revised,
        "demo-washing-machine-8kg",
        {
            "carbon": {"value_kg_co2e": "172", "primary_data_share": "0.55"},
            "eco_design": {"durability": {"warranty_years": "2"}},
        },
    )
    service.publish(uow, revised, "demo-washing-machine-8kg", base_url=base_url, master_secret=secret)
    world.extra["passports"] = {pid: world.orgs[key] for pid, key in DEMO_ISSUERS.items()}


STEPS.append(("passports", build_passports))
