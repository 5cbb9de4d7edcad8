"""Passports endpoints in the tenant-isolation probe suite, and A's passports with SECRET markers.

A has a draft-only passport (marker in its name) and a published passport whose sections are disclosed in
tiers — eco-design to partners, carbon to authorities, claims to the owner only — plus a newer draft
version with a marker in its name. So a partner must see the partners marker and nothing else, a
regulator or certifier the partners and authorities markers, strangers none, and A's own viewer all.
"""

from __future__ import annotations

import io
from typing import Any

import openpyxl

from junkan.passports import service
from junkan.store.uow import UnitOfWork
from tests.e2e.probe_world import ProbeWorld, owner_check, probe, setup_step
from tests.passports_factories import make_body, make_gtin

PARTNERS = "SECRET-A-PP-PARTNERS"
AUTHORITIES = "SECRET-A-PP-AUTHORITIES"
OWNER = "SECRET-A-PP-OWNER"
DRAFT = "SECRET-A-PP-DRAFTONLY"
DRAFT2 = "SECRET-A-PP-V2"
PUB, DRAFT_ONLY = "probe-a-published", "probe-a-draft"
GTIN = make_gtin(990_001)

OWNER_READ = frozenset({"a_viewer"})
ADMINS = frozenset({"b", "partner", "regulator", "certifier"})
# Disclosure tiers of the published passport (a_viewer, the owner's own, is entitled to everything).
TIERS: dict[str, frozenset[str]] = {
    "partner": frozenset({PARTNERS}),
    "regulator": frozenset({PARTNERS, AUTHORITIES}),
    "certifier": frozenset({PARTNERS, AUTHORITIES}),
}


@setup_step
def passports_records(w: ProbeWorld) -> None:
    for label in ("PP-PARTNERS", "PP-AUTHORITIES", "PP-OWNER", "PP-DRAFTONLY", "PP-V2"):
        w.secret(label)
    state = w.client.app.state  # type: ignore[attr-defined]
    uow, admin, a = UnitOfWork(w.engine), w.ids["actor.a"], w.ids["a"]
    body = make_body(
        PUB,
        identity={
            "name": {"ja": "公開パスポート", "en": "Published passport"},
            "category_scheme": "hs",
            "category_code": "8450.11",
            "gtin": GTIN,
        },
        eco_design={"repairability": {"repair_info_url": f"https://a.example/repair/{PARTNERS}"}},
        carbon={
            "value_kg_co2e": "12.5",
            "declared_unit": "H87",
            "scope": "cradle_to_gate",
            "rulebook": f"ISO 14067:2018 {AUTHORITIES}",
        },
        claims=[{"topic": "circularity.content", "description": OWNER, "standard": "ISO 14021:2016"}],
        disclosure={"eco_design": "partners", "carbon": "authorities", "claims": "owner"},
    )
    service.create_draft(uow, admin, a, body)
    service.publish(uow, admin, PUB, base_url=state.settings.base_url, master_secret=state.master_secret)
    service.new_version(uow, admin, PUB, {"identity": {"name": {"en": DRAFT2}}})
    service.create_draft(
        uow,
        admin,
        a,
        make_body(
            DRAFT_ONLY, identity={**body["identity"], "name": {"ja": DRAFT, "en": DRAFT}, "gtin": make_gtin()}
        ),
    )


def _import_file(w: ProbeWorld) -> dict[str, tuple[str, bytes, str]]:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["passport_id", "name_en", "category_code", "material_name", "material_class", "mass"])
    sheet.append(["intruder-import-1", "Intruder", "845090", "x", "PP", "1"])
    out = io.BytesIO()
    book.save(out)
    return {
        "file": (
            "intruder.xlsx",
            out.getvalue(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    }


@owner_check
def passports_owner_sees_every_tier(w: ProbeWorld) -> None:
    h = {"authorization": f"Bearer {w.tokens['a_viewer']}"}
    text = w.client.get(f"/api/v1/passports/{PUB}/versions/1", headers=h).text
    for marker in (PARTNERS, AUTHORITIES, OWNER):
        assert marker in text, marker
    assert DRAFT2 in w.client.get(f"/api/v1/passports/{PUB}", headers=h).text
    assert DRAFT in w.client.get(f"/api/v1/passports/{DRAFT_ONLY}", headers=h).text
    tiers = {
        "partner": {PARTNERS},
        "regulator": {PARTNERS, AUTHORITIES},
        "certifier": {PARTNERS, AUTHORITIES},
    }
    for caller, shown in tiers.items():
        seen = w.client.get(
            f"/api/v1/passports/{PUB}", headers={"authorization": f"Bearer {w.tokens[caller]}"}
        ).text
        assert {m for m in (PARTNERS, AUTHORITIES, OWNER) if m in seen} == shown, caller


P = lambda w: {"passport_id": PUB}  # noqa: E731
A = lambda w: {"org_id": w.ids["a"]}  # noqa: E731
G = {"gtin": GTIN}


def _tiers(**kw: Any) -> dict[str, Any]:
    return {"entitled": OWNER_READ, "sees": TIERS, **kw}


# API
probe("GET", "/api/v1/passports", entitled=OWNER_READ)
probe("POST", "/api/v1/organizations/{org_id}/passports", params=A, body=lambda w: make_body("intruder-1"))
probe("GET", "/api/v1/passports/{passport_id}", params=P, **_tiers())
probe(
    "PATCH", "/api/v1/passports/{passport_id}", params=P, body=lambda w: {"identity": {"name": {"en": "x"}}}
)
probe("POST", "/api/v1/passports/{passport_id}/publish", params=P)
probe("POST", "/api/v1/passports/{passport_id}/versions", params=P, body=lambda w: {})
probe("POST", "/api/v1/passports/{passport_id}/withdraw", params=P, body=lambda w: {"reason": "hijack"})
probe("GET", "/api/v1/passports/{passport_id}/versions", params=P, entitled=OWNER_READ)
probe(
    "GET",
    "/api/v1/passports/{passport_id}/versions/{version}",
    params=lambda w: {"passport_id": PUB, "version": 2},
    entitled=OWNER_READ,
)
probe("GET", "/api/v1/passports/{passport_id}/diff", params=P, entitled=OWNER_READ)
probe("GET", "/api/v1/passports/{passport_id}/rollup", params=P, **_tiers())
probe("GET", "/api/v1/passports/{passport_id}/untp", params=P, **_tiers())
probe("POST", "/api/v1/passports/{passport_id}/credentials", params=P, body=lambda w: {"audience": "owner"})
probe("GET", "/api/v1/passports/{passport_id}/aas", params=P, **_tiers())
probe("GET", "/api/v1/passports/{passport_id}/qr", params=P, entitled=OWNER_READ)
probe("GET", "/api/v1/passports/{passport_id}/linkset", params=P, entitled=OWNER_READ)
probe("GET", "/api/v1/passport-templates/{fmt}", params=lambda w: {"fmt": "xlsx"})
probe("GET", "/api/v1/organizations/{org_id}/passports/export", params=A, entitled=OWNER_READ)
probe("POST", "/api/v1/organizations/{org_id}/passports/import", params=A, files=_import_file)
# web pages
probe("GET", "/passports", entitled=OWNER_READ)
probe("GET", "/passports/new")
probe(
    "POST",
    "/passports/new",
    form=True,
    writers=ADMINS,
    body=lambda w: {
        "id": "intruder-web-1",
        "kind": "product",
        "level": "model",
        "name_en": "Intruder",
        "category_scheme": "hs",
        "category_code": "845090",
        "local_scheme": "https://intruder.example/ids",
        "local_id": "1",
        "composition": '{"materials": [{"name": "x", "material_class": "PP", "mass_kg": "1"}]}',
    },
)
probe("GET", "/passports/import")
probe("POST", "/passports/import", writers=ADMINS, files=_import_file, body=lambda w: {})
probe("GET", "/passports/{passport_id}", params=P, **_tiers())
probe("GET", "/passports/{passport_id}/edit", params=P, entitled=OWNER_READ)
probe(
    "POST",
    "/passports/{passport_id}/edit",
    params=P,
    form=True,
    body=lambda w: {"name_en": "hijacked", "category_code": "845011", "composition": "{}"},
)
probe("POST", "/passports/{passport_id}/publish", params=P, form=True, body=lambda w: {})
probe("POST", "/passports/{passport_id}/new-version", params=P, form=True, body=lambda w: {})
probe("POST", "/passports/{passport_id}/withdraw", params=P, form=True, body=lambda w: {"reason": "x"})
probe("GET", "/passports/{passport_id}/view", params=P, **_tiers())
# the GS1 Digital Link resolver (HTML for these callers: the probe sends Accept: text/html)
probe("GET", "/01/{gtin}", params=lambda w: G, **_tiers())
probe("GET", "/01/{gtin}/10/{lot}", params=lambda w: {**G, "lot": "L1"}, **_tiers())
probe("GET", "/01/{gtin}/21/{serial}", params=lambda w: {**G, "serial": "S1"}, **_tiers())
probe(
    "GET", "/01/{gtin}/10/{lot}/21/{serial}", params=lambda w: {**G, "lot": "L1", "serial": "S1"}, **_tiers()
)
