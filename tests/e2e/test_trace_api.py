"""The issue's "done means" story over HTTP: a beverage maker's recycled-PET claim can be followed back to
the city's collection events, its account statement adds up by hand, an over-claim is refused with the
shortfall, a tampered ledger row is caught, and the claim credential verifies offline with `junkan verify`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from typer.testing import CliRunner

from junkan.cli import app as cli
from junkan.members import auth
from junkan.members import service as members
from junkan.members.model import OrgKind, Scope
from junkan.store.tables.trace import trace_ledger
from tests.factories import World, make_facility

PC = "recycled_post_consumer"


class Org:
    def __init__(self, w: World, name: str, kind: OrgKind = OrgKind.COMPANY_SME) -> None:
        self.id, self.actor = w.org(name_en=name, kind=kind)
        self.site = members.add_facility(w.uow, self.actor, make_facility(self.id, name=f"{name} site"))
        self.w = w

    def token(self) -> dict[str, str]:
        tok = auth.create_token(self.w.uow, self.actor, name="t", scopes=set(Scope), days=1).token
        return {"authorization": f"Bearer {tok}"}


@pytest.fixture
def story(app_client: TestClient, sqlite_engine: Engine):
    w = World(sqlite_engine)
    orgs = {k: Org(w, k.title()) for k in ("city", "sorter", "recycler", "beverage")}
    for a, b in (("city", "sorter"), ("sorter", "recycler"), ("recycler", "beverage")):
        orgs[a].actor, orgs[b].actor = w.partner(orgs[a].actor, orgs[b].actor)
    h = {k: o.token() for k, o in orgs.items()}
    c = app_client

    def post(who: str, id: str, kind: str, day: int, **kw):
        body = {
            "id": id,
            "kind": kind,
            "time": f"2025-04-{day:02d}T09:00:00+09:00",
            "site": orgs[who].site,
            **kw,
        }
        for side in ("counterparty",):
            if body.get(side) in orgs:
                body[side] = str(orgs[body[side]].id)
        r = c.post(f"/api/v1/organizations/{orgs[who].id}/trace/events", json=body, headers=h[who])
        assert r.status_code == 201, r.text
        return r.json()

    def ln(lot: str, kg: str, material: str = "PET") -> dict[str, str]:
        return {"lot": lot, "material": material, "quantity": kg}

    post(
        "city",
        "c1",
        "collect",
        3,
        outputs=[ln("col-04", "1000")],
        documents=[{"type": "jp_manifest", "id": "12345678901"}],
    )
    post(
        "city", "c2", "ship", 5, inputs=[ln("col-04", "1000")], shipment_ref="PETC-04", counterparty="sorter"
    )
    post(
        "sorter",
        "s1",
        "receive",
        5,
        outputs=[ln("col-04", "1000")],
        shipment_ref="PETC-04",
        counterparty="city",
    )
    post(
        "sorter",
        "s2",
        "sort",
        8,
        inputs=[ln("col-04", "1000")],
        outputs=[ln("bale-04", "900"), ln("res-04", "60", "mixed waste")],
        declared_yield="0.98",
    )
    post(
        "sorter",
        "s3",
        "ship",
        12,
        inputs=[ln("bale-04", "900")],
        shipment_ref="PETB-04",
        counterparty="recycler",
    )
    post(
        "recycler",
        "r1",
        "receive",
        12,
        outputs=[ln("bale-04", "900")],
        shipment_ref="PETB-04",
        counterparty="sorter",
    )
    r = c.post(
        f"/api/v1/organizations/{orgs['recycler'].id}/custody/credits",
        headers=h["recycler"],
        json={
            "entry_id": "credit-04",
            "event_id": "r1",
            "material_group": "PET",
            "characteristic": PC,
            "input_kg": "900",
            "conversion_factor": "0.8",
        },
    )
    assert r.status_code == 201 and r.json()["kg"] == "720", r.text
    post(
        "recycler",
        "r2",
        "recycle",
        16,
        inputs=[ln("bale-04", "900")],
        outputs=[ln("rpet-04", "720"), ln("rres-04", "120", "mixed waste")],
        declared_yield="0.97",
    )
    post(
        "recycler",
        "r3",
        "ship",
        20,
        inputs=[ln("rpet-04", "720")],
        shipment_ref="RPET-04",
        counterparty="beverage",
    )
    post(
        "beverage",
        "b1",
        "receive",
        20,
        outputs=[ln("rpet-04", "720")],
        shipment_ref="RPET-04",
        counterparty="recycler",
    )
    r = c.post(
        f"/api/v1/organizations/{orgs['recycler'].id}/custody/transfers",
        headers=h["recycler"],
        json={
            "entry_id": "t-04",
            "shipment_ref": "RPET-04",
            "receiver_org_id": orgs["beverage"].id,
            "material_group": "PET",
            "characteristic": PC,
            "amount_kg": "720",
        },
    )
    assert r.status_code == 201, r.text
    post(
        "beverage",
        "b2",
        "receive",
        21,
        outputs=[ln("vpet-04", "780")],
        shipment_ref="VPET-04",
        counterparty="resin_supplier",
    )
    post(
        "beverage",
        "b3",
        "produce",
        24,
        inputs=[ln("rpet-04", "720"), ln("vpet-04", "780")],
        outputs=[ln("bottles-04", "1485")],
        declared_yield="0.99",
    )
    return c, orgs, h


def test_claim_follows_back_to_the_city_and_the_statement_adds_up(story, tmp_path: Path) -> None:
    c, orgs, h = story
    bev = orgs["beverage"]
    claim = c.post(
        f"/api/v1/organizations/{bev.id}/custody/claims",
        headers=h["beverage"],
        json={
            "entry_id": "claim-04",
            "site_id": bev.site,
            "material_group": "PET",
            "characteristic": PC,
            "lots": ["bottles-04"],
            "amount_kg": "700",
        },
    )
    assert claim.status_code == 201, claim.text
    vc = claim.json()["credential"]
    assert (
        vc["credentialSubject"]["claimedMassKg"] == "700.000"
        or vc["credentialSubject"]["claimedMassKg"] == "700"
    )
    # the claim rests on the recycler's credit, which names the receipt of the sorter's bales ...
    [evidence] = vc["credentialSubject"]["evidenceEvents"]
    assert evidence["organisation"] == str(orgs["recycler"].id) and evidence["eventIds"] == ["r1"]
    # ... and the bottles' provenance reaches the city's collection: 720 of 1,500 kg input = 48 % recycled
    up = c.get(
        f"/api/v1/organizations/{bev.id}/trace/lots/bottles-04/provenance", headers=h["beverage"]
    ).json()
    city = [n for n in up["sources"] if n["org_id"] == orgs["city"].id]
    assert [(n["source_kind"], n["masked"], n["lot"], n["kg"]) for n in city] == [
        ("collect", True, None, None)
    ]
    assert city[0]["share"] == pytest.approx(0.48) and up["root_recycled_share"] == pytest.approx(0.48)
    # bottles ← beverage's pellets ← recycler's pellets ← bales ← sorter's bales ← collected ← city's lot
    assert city[0]["max_depth"] == 6
    # Statement by hand — beverage maker, PET post-consumer, Q1 FY2025:
    #   opening 0 + transfer in 720 (with shipment RPET-04) − claim 700 (bottles-04) = closing 20 kg
    [acc] = c.get(f"/api/v1/organizations/{bev.id}/custody/accounts", headers=h["beverage"]).json()
    st = c.get(
        f"/api/v1/custody/accounts/{acc['id']}/statement?period=2025-04-01", headers=h["beverage"]
    ).json()
    assert (st["openingKg"], st["transfersInKg"], st["claimsKg"], st["closingKg"]) == (
        "0",
        "720",
        "700",
        "20",
    )
    assert st["entries"][0]["eventIds"] == ["r3", "b1"]
    # an over-claim is refused, naming the account and the shortfall; nothing changes
    over = c.post(
        f"/api/v1/organizations/{bev.id}/custody/claims",
        headers=h["beverage"],
        json={
            "entry_id": "claim-x",
            "site_id": bev.site,
            "material_group": "PET",
            "characteristic": PC,
            "lots": ["bottles-04"],
            "amount_kg": "20.001",
        },
    )
    assert over.status_code == 422 and over.json()["code"] == "over_claim"
    assert over.json()["shortfall_kg"] == "0.001" and over.json()["errors"][0]["field"] == "amount_kg"
    st2 = c.get(
        f"/api/v1/custody/accounts/{acc['id']}/statement?period=2025-04-01", headers=h["beverage"]
    ).json()
    assert st2["closingKg"] == "20"
    # the credential verifies offline with `junkan verify` and the issuer's cached DID document
    did = c.get(f"/org/{bev.id}/did.json")
    assert did.status_code == 200, did.text
    (tmp_path / "did.json").write_text(did.text)
    (tmp_path / "claim.json").write_text(json.dumps(vc))
    ok = CliRunner().invoke(
        cli, ["verify", str(tmp_path / "claim.json"), "--did-document", str(tmp_path / "did.json")]
    )
    assert ok.exit_code == 0, ok.output
    vc["credentialSubject"]["lots"][0]["claimedMassKg"] = "1485"
    (tmp_path / "forged.json").write_text(json.dumps(vc))
    bad = CliRunner().invoke(
        cli, ["verify", str(tmp_path / "forged.json"), "--did-document", str(tmp_path / "did.json")]
    )
    assert bad.exit_code == 1


def test_a_tampered_ledger_row_is_caught(story, sqlite_engine: Engine) -> None:
    c, orgs, h = story
    sorter = orgs["sorter"]
    ok = c.get(f"/api/v1/organizations/{sorter.id}/trace/ledger/verify", headers=h["sorter"]).json()
    assert ok["ok"] and ok["verified"] == 3
    with sqlite_engine.begin() as conn:
        rid = conn.execute(
            select(trace_ledger.c.id).where(trace_ledger.c.org_id == sorter.id, trace_ledger.c.seq == 2)
        ).scalar_one()
        conn.execute(
            update(trace_ledger)
            .where(trace_ledger.c.id == rid)
            .values(canonical=b'{"kind":"sort","outputs":[]}')
        )
    v = c.get(f"/api/v1/organizations/{sorter.id}/trace/ledger/verify", headers=h["sorter"]).json()
    assert (v["ok"], v["broken_seq"], v["reason"], v["broken_event_id"]) == (False, 2, "hash_mismatch", "s2")
    # a trading partner cannot read the sorter's ledger verdict; a regulator can
    assert (
        c.get(f"/api/v1/organizations/{sorter.id}/trace/ledger/verify", headers=h["recycler"]).status_code
        == 404
    )


def test_partner_sees_the_shipments_between_them_only(story) -> None:
    c, orgs, h = story
    sorter, recycler = orgs["sorter"], orgs["recycler"]
    seen = c.get(f"/api/v1/organizations/{sorter.id}/trace/events", headers=h["recycler"]).json()
    assert [e["id"] for e in seen["items"]] == ["s3"]
    trades = c.get(f"/api/v1/organizations/{recycler.id}/trace/trades", headers=h["recycler"]).json()
    assert {t["shipment_ref"]: t["status"] for t in trades["items"]} == {
        "PETB-04": "matched",
        "RPET-04": "matched",
    }
    assert c.get(f"/api/v1/organizations/{sorter.id}/trace/events", headers=h["beverage"]).status_code == 404


def test_bad_events_get_problem_details_naming_the_field(story) -> None:
    c, orgs, h = story
    city = orgs["city"]
    body = {
        "id": "c9",
        "kind": "ship",
        "time": "2025-05-01T09:00:00+09:00",
        "site": city.site,
        "inputs": [{"lot": "col-04", "material": "PET", "quantity": "1"}],
        "shipment_ref": "X",
        "counterparty": "y",
    }
    r = c.post(f"/api/v1/organizations/{city.id}/trace/events", json=body, headers=h["city"])
    assert r.status_code == 422 and r.json()["code"] == "negative_stock"
    assert (
        r.json()["errors"][0]["field"] == "inputs[0].quantity"
        and "record the receipt first" in r.json()["detail"]
    )
    r = c.post(f"/api/v1/organizations/{city.id}/trace/events", json={**body, "id": "c1"}, headers=h["city"])
    assert r.status_code == 409 and r.json()["code"] == "event_id_reused"
    csv_text = "event_id,kind,time,site,direction,lot,material,quantity\n" + "".join(
        f"i{i},collect,2025-05-0{i}T09:00:00+09:00,{city.site},out,il{i},PET,{q}\n"
        for i, q in ((1, "5"), (2, "five"))
    )
    r = c.post(
        f"/api/v1/organizations/{city.id}/trace/imports",
        headers=h["city"],
        files={"file": ("e.csv", csv_text.encode(), "text/csv")},
    )
    assert r.status_code == 422 and r.json()["report"]["errors"][0]["row"] == 3
    r = c.post(
        f"/api/v1/organizations/{city.id}/trace/imports",
        headers=h["city"],
        files={"file": ("e.csv", csv_text.replace("five", "5").encode(), "text/csv")},
    )
    assert r.status_code == 201 and r.json()["applied"] == 2
