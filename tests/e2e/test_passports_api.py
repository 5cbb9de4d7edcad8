"""The passports story over HTTP: demo-like passports are created, published, browsed, resolved through
GS1 Digital Links, exported as signed UNTP credentials that validate and verify, and as AAS that BaSyx
reads back; bad input gets a 4xx problem naming the field; ETags answer 304."""

from __future__ import annotations

import io
import json
import re
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from basyx.aas import model
from basyx.aas.adapter import aasx
from basyx.aas.adapter.json import read_aas_json_file
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator, FormatChecker
from typer.testing import CliRunner

from junkan.cli import app as cli
from junkan.demo.passports import DEMO_ISSUERS, demo_documents
from junkan.members import auth
from junkan.members.model import OrgKind, Scope
from junkan.store.uow import UnitOfWork
from tests.factories import PASSWORD, World
from tests.passports_factories import make_body, make_gtin

WM = "demo-washing-machine-8kg"
WM_GTIN = "09520000000202"  # demo_data: GS1 prefix 952 (examples), item reference 20


@cache
def _validator(shared: Path) -> Draft202012Validator:
    checker = FormatChecker()

    @checker.checks("uri")
    def _uri(value: object) -> bool:  # no rfc3987 package: an absolute URI has a scheme (RFC 3986 §4.3)
        return not isinstance(value, str) or (bool(urlsplit(value).scheme) and " " not in value)

    @checker.checks("date")
    def _date(value: object) -> bool:
        return not isinstance(value, str) or bool(date.fromisoformat(value))

    @checker.checks("date-time")
    def _datetime(value: object) -> bool:
        return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None

    schema = json.loads((shared / "data" / "untp" / "untp-dpp-schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=checker)


class Story:
    """Organisations of the two loops with API tokens, and their published demo passports."""

    def __init__(self, client: TestClient, world: World) -> None:
        self.client = client
        self.orgs: dict[str, int] = {}
        self.tokens: dict[str, dict[str, str]] = {}
        self.emails: dict[str, str] = {}
        uow = UnitOfWork(world.engine)
        for key in ("plastics_recycler", "pet_recycler", "beverage", "appliance_maker", "stranger"):
            org_id, admin = world.org(name_en=f"Story {key}")
            self.orgs[key] = org_id
            token = auth.create_token(uow, admin, name=key, scopes=set(Scope), days=1).token
            self.tokens[key] = {"authorization": f"Bearer {token}"}
            self.emails[key] = admin.label.split("<")[1].rstrip(">")
        _, regulator = world.org(kind=OrgKind.REGULATOR, name_en="Story regulator", membership_date=None)
        token = auth.create_token(uow, regulator, name="reg", scopes=set(Scope), days=1).token
        self.tokens["regulator"] = {"authorization": f"Bearer {token}"}

    def publish_demo(self) -> None:
        def party(key: str) -> dict[str, str]:
            return {"id": f"https://story.example/members/{self.orgs[key]}", "name": key}

        for pid, body in demo_documents(party).items():
            org = DEMO_ISSUERS[pid]
            r = self.client.post(
                f"/api/v1/organizations/{self.orgs[org]}/passports", json=body, headers=self.tokens[org]
            )
            assert r.status_code == 201, r.text
            r = self.client.post(f"/api/v1/passports/{pid}/publish", headers=self.tokens[org])
            assert r.status_code == 200, r.text


@pytest.fixture
def story(app_client: TestClient, sqlite_engine) -> Story:
    s = Story(app_client, World(sqlite_engine))
    s.publish_demo()
    return s


def test_demo_passports_can_be_browsed(story: Story) -> None:
    c = story.client
    page = c.get("/api/v1/passports", params={"q": "washing machine"}).json()
    assert [p["passport_id"] for p in page["items"]] == [WM]
    assert c.get("/api/v1/passports", params={"category": "8450.90"}).json()["total"] == 5
    assert c.get("/api/v1/passports", params={"org_id": story.orgs["pet_recycler"]}).json()["total"] == 2
    assert c.get("/api/v1/passports", params={"gtin": WM_GTIN}).json()["total"] == 1
    html = c.get("/passports", params={"q": "洗濯機"}, headers={"accept": "text/html"}).text
    assert "全自動洗濯機 8kg" in html and "/passports/demo-washing-machine-8kg" in html
    detail = c.get(f"/passports/{WM}?lang=en", headers={"accept": "text/html"})
    assert detail.status_code == 200 and "Fully automatic washing machine 8 kg" in detail.text


def test_resolver_answers_html_json_ld_and_linkset(story: Story) -> None:
    c = story.client
    html = c.get(f"/01/{WM_GTIN}", headers={"accept": "text/html,application/xhtml+xml"})
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "全自動洗濯機 8kg" in html.text
    assert 'rel="linkset"' in html.headers["link"] and "linkType=linkset" in html.headers["link"]

    ld = c.get(f"/01/{WM_GTIN}", headers={"accept": "application/ld+json"})
    assert ld.status_code == 200 and ld.headers["content-type"].startswith("application/ld+json")
    credential = ld.json()
    assert "DigitalProductPassport" in credential["type"] and "proof" in credential
    assert credential["credentialSubject"]["id"].endswith(f"/01/{WM_GTIN}")

    for kw in ({"headers": {"accept": "application/linkset+json"}}, {"params": {"linkType": "linkset"}}):
        ls = c.get(f"/01/{WM_GTIN}", **kw)
        assert ls.headers["content-type"].startswith("application/linkset+json")
        context = ls.json()["linkset"][0]
        assert context["anchor"].endswith(f"/01/{WM_GTIN}")
        assert context["https://gs1.org/voc/pip"][0]["href"].endswith(f"/passports/{WM}/view")
        assert context["https://gs1.org/voc/sustainabilityInfo"][0]["href"].endswith(f"/passports/{WM}/untp")

    # batch (AI 10) and item (AI 21) keys: the rPET pellets batch, the battery's serial, and walking up
    pellets = c.get("/01/09520000000028/10/PL-2504", headers={"accept": "application/ld+json"}).json()
    assert pellets["credentialSubject"]["product"]["batchNumber"] == "PL-2504"
    battery = c.get("/01/09520000000301/21/000123", headers={"accept": "text/html"})
    assert "EV用バッテリーパック 75kWh" in battery.text
    walked = c.get(f"/01/{WM_GTIN}/10/NO-SUCH-LOT/21/X1", headers={"accept": "application/ld+json"})
    assert walked.json()["id"] == credential["id"]
    missing = c.get(f"/01/{make_gtin()}", headers={"accept": "application/ld+json"})
    assert missing.status_code == 404 and missing.json()["code"] == "gtin_not_found"
    bad = c.get("/01/12345", headers={"accept": "text/html"})
    assert bad.status_code == 404 and "text/html" in bad.headers["content-type"]


def test_untp_credentials_validate_and_verify(story: Story, shared_dir: Path, tmp_path: Path) -> None:
    c = story.client
    for pid in DEMO_ISSUERS:
        r = c.get(f"/api/v1/passports/{pid}/untp")
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")
        credential = r.json()
        errors = [f"{e.json_path}: {e.message}" for e in _validator(shared_dir).iter_errors(credential)]
        assert errors == [], pid
        verdict = c.post("/api/v1/credentials/verify", json=credential).json()
        assert verdict["ok"], (pid, verdict["problems"])
    # tampering is caught
    credential = c.get(f"/api/v1/passports/{WM}/untp").json()
    credential["credentialSubject"]["circularityScorecard"]["recycledContent"] = 0.99
    verdict = c.post("/api/v1/credentials/verify", json=credential).json()
    assert not verdict["ok"] and verdict["problems"][0]["code"] == "tampered"
    # and the CLI verifies offline with the issuer's DID document
    good = c.get(f"/api/v1/passports/{WM}/untp").json()
    org = story.orgs["appliance_maker"]
    (tmp_path / "vc.json").write_text(json.dumps(good))
    (tmp_path / "did.json").write_text(c.get(f"/org/{org}/did.json").text)
    result = CliRunner().invoke(
        cli, ["verify", str(tmp_path / "vc.json"), "--did-document", str(tmp_path / "did.json"), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["ok"] is True


def test_issuer_signs_a_partners_view_others_get_it_unsigned(story: Story) -> None:
    c = story.client
    owner = story.tokens["appliance_maker"]
    signed = c.post(f"/api/v1/passports/{WM}/credentials", json={"audience": "authorities"}, headers=owner)
    assert signed.status_code == 201 and "proof" in signed.json()
    assert c.post("/api/v1/credentials/verify", json=signed.json()).json()["ok"]
    # the washing machine's claims are disclosed to authorities only
    assert "conformityClaim" in str(signed.json())
    regulator = c.get(f"/api/v1/passports/{WM}/untp?audience=authorities", headers=story.tokens["regulator"])
    assert regulator.status_code == 200 and "proof" not in regulator.json()
    refused = c.get(f"/api/v1/passports/{WM}/untp?audience=authorities", headers=story.tokens["stranger"])
    assert refused.status_code == 403 and refused.json()["errors"][0]["field"] == "audience"
    not_issuer = c.post(
        f"/api/v1/passports/{WM}/credentials", json={"audience": "public"}, headers=story.tokens["stranger"]
    )
    assert not_issuer.status_code == 403


def test_aas_json_and_aasx_read_back_with_basyx(story: Story) -> None:
    c = story.client
    r = c.get(f"/api/v1/passports/{WM}/aas")
    assert r.status_code == 200
    store = read_aas_json_file(io.StringIO(r.text))
    shells = [o for o in store if isinstance(o, model.AssetAdministrationShell)]
    assert len(shells) == 1 and shells[0].asset_information.global_asset_id.endswith(f"/01/{WM_GTIN}")
    names = {o.id_short for o in store if isinstance(o, model.Submodel)}
    assert {"Nameplate", "MaterialComposition", "CircularityEcoDesign", "CarbonFootprint"} <= names

    r = c.get(f"/api/v1/passports/{WM}/aas", params={"format": "aasx"})
    assert r.headers["content-type"] == "application/asset-administration-shell-package+zip"
    assert "attachment" in r.headers["content-disposition"]
    objects: model.DictIdentifiableStore[model.Identifiable] = model.DictIdentifiableStore()
    with aasx.AASXReader(io.BytesIO(r.content)) as reader:
        reader.read_into(objects, aasx.DictSupplementaryFileContainer())
    composition = next(
        o for o in objects if isinstance(o, model.Submodel) and o.id_short == "MaterialComposition"
    )
    by_class = composition.get_referable("RecycledContentByClass")
    pp = next(e for e in by_class if e.get_referable("MaterialClass").value == "PP")
    assert str(pp.get_referable("RecycledContent").value) == "0.3475"


def test_washing_machine_recycled_pp_is_the_hand_calculation(story: Story) -> None:
    """Hand calculation (per machine, kg of PP and of recycled PP):

    pulsator            0.5   × 0      = 0
    base frame          1.3   × 0.40   = 0.52
    outer tub  virgin   2.94  × 0      = 0        (tub: 2.94 kg virgin PP
               pellets  1.26  × 1.00   = 1.26      + 1.26 kg of the recycler's 100 % post-consumer pellets)
    side panel ×2       2 × (0.5 virgin + 0.5 pellets) = 2.0 kg PP, 1.0 recycled
    ----------------------------------------------------------------
    PP total 0.5 + 1.3 + 4.2 + 2.0 = 8.0 kg; recycled 0.52 + 1.26 + 1.0 = 2.78 kg → 2.78 / 8.0 = 34.75 %
    """
    c = story.client
    rollup = c.get(f"/api/v1/passports/{WM}/rollup").json()
    assert rollup["by_class"]["PP"]["value"] == "0.3475"
    # the public sees the share and the formula but not the masses behind it
    assert all(i["value"]["masked"] for i in rollup["by_class"]["PP"]["inputs"])
    partner_view = c.get(f"/api/v1/passports/{WM}/rollup", headers=story.tokens["appliance_maker"]).json()
    inputs = {i["name"]: i["value"] for i in partner_view["by_class"]["PP"]["inputs"]}
    assert Decimal(inputs["mass of PP"]) == Decimal("8.0")
    assert Decimal(inputs["post-consumer recycled mass of PP"]) == Decimal("2.78")

    for url in (f"/passports/{WM}/view?lang=en", f"/01/{WM_GTIN}?lang=ja"):
        page = c.get(url, headers={"accept": "text/html"}).text
        row = re.search(r'<tr data-class="PP">.*?</tr>', page, re.S)
        assert row is not None and "34.75 %" in row.group(0)
        assert "pp-masked" in page  # masses and the authorities-only claims are shown as withheld


def test_etags_answer_304_and_if_match_412(story: Story) -> None:
    c = story.client
    for url in (f"/api/v1/passports/{WM}", f"/api/v1/passports/{WM}/untp", f"/api/v1/passports/{WM}/rollup"):
        first = c.get(url)
        etag = first.headers["etag"]
        assert c.get(url, headers={"if-none-match": etag}).status_code == 304
        assert c.get(url, headers={"if-none-match": '"other"'}).status_code == 200
    ld = c.get(f"/01/{WM_GTIN}", headers={"accept": "application/ld+json"})
    again = c.get(
        f"/01/{WM_GTIN}", headers={"accept": "application/ld+json", "if-none-match": ld.headers["etag"]}
    )
    assert again.status_code == 304
    # the owner's ETag differs from the public one (another view), and guards edits of the draft
    owner = story.tokens["appliance_maker"]
    assert (
        c.get(f"/api/v1/passports/{WM}", headers=owner).headers["etag"]
        != c.get(f"/api/v1/passports/{WM}").headers["etag"]
    )
    draft = c.post(f"/api/v1/passports/{WM}/versions", json={}, headers=owner)
    assert draft.status_code == 201 and draft.json()["passport"]["version"] == 2
    etag = c.get(f"/api/v1/passports/{WM}", headers=owner).headers["etag"]
    ok = c.patch(
        f"/api/v1/passports/{WM}",
        json={"carbon": {"value_kg_co2e": "170"}},
        headers={**owner, "if-match": etag},
    )
    assert ok.status_code == 200
    stale = c.patch(
        f"/api/v1/passports/{WM}",
        json={"carbon": {"value_kg_co2e": "171"}},
        headers={**owner, "if-match": etag},
    )
    assert stale.status_code == 412 and stale.json()["code"] == "precondition_failed"
    diff = c.get(f"/api/v1/passports/{WM}/diff", params={"from": 1, "to": 2}, headers=owner).json()
    assert {"path": "carbon.value_kg_co2e", "old": "180", "new": "170"} in diff["changes"]
    assert c.get(f"/api/v1/passports/{WM}/versions/2").status_code == 404  # the draft is the owner's


def test_idempotent_create(story: Story) -> None:
    c = story.client
    org = story.orgs["stranger"]
    h = {**story.tokens["stranger"], "idempotency-key": "create-1"}
    body = make_body("idem-1")
    first = c.post(f"/api/v1/organizations/{org}/passports", json=body, headers=h)
    again = c.post(f"/api/v1/organizations/{org}/passports", json=body, headers=h)
    assert first.status_code == again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert first.json() == again.json()
    other = c.post(f"/api/v1/organizations/{org}/passports", json=make_body("idem-2"), headers=h)
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"


def _field(r: Any) -> set[str]:
    body = r.json()
    return {e["field"] for e in body["errors"]} | ({body.get("field")} - {None})


BAD_BODIES: list[tuple[str, dict[str, Any], str]] = [
    ("gtin check digit", {"identity": {"gtin": "09520000000203"}}, "identity.gtin"),
    (
        "cas check digit",
        {
            "composition": {
                "materials": [{"name": "x", "material_class": "PP", "mass_kg": "1", "cas": "9003-07-1"}]
            }
        },
        "composition.materials[0].cas",
    ),
    (
        "share over 100 %",
        {
            "composition": {
                "materials": [
                    {"name": "x", "material_class": "PP", "mass_kg": "1", "recycled_post_consumer": "1.2"}
                ]
            }
        },
        "composition.materials[0].recycled_post_consumer",
    ),
    (
        "unknown unit",
        {"composition": {"materials": [{"name": "x", "material_class": "PP", "mass": "1", "unit": "stone"}]}},
        "composition.materials[0].mass",
    ),
    ("typo in a field", {"eco_desing": {}}, "eco_desing"),
    ("lifecycle field", {"status": "published"}, "status"),
    ("id with a slash", {"id": "a/b"}, "id"),
    (
        "unknown component",
        {"composition": {"materials": [], "components": [{"passport_id": "nowhere", "quantity": "1"}]}},
        "composition.components[0].passport_id",
    ),
    (
        "unknown category scheme",
        {"identity": {"name": "x", "category_scheme": "unspsc", "category_code": "1", "gtin": make_gtin()}},
        "identity.category_scheme",
    ),
]


@pytest.mark.parametrize(("case", "change", "field"), BAD_BODIES, ids=[b[0] for b in BAD_BODIES])
def test_bad_input_is_a_problem_naming_the_field(
    story: Story, case: str, change: dict[str, Any], field: str
) -> None:
    body = make_body()
    for key, value in change.items():
        if key == "identity" and "name" not in value:
            body["identity"].update(value)
        else:
            body[key] = value
    org = story.orgs["stranger"]
    r = story.client.post(
        f"/api/v1/organizations/{org}/passports", json=body, headers=story.tokens["stranger"]
    )
    assert 400 <= r.status_code < 500 and r.headers["content-type"].startswith("application/problem+json")
    assert field in _field(r), (case, r.json())
    assert all(e["message"] for e in r.json()["errors"])


def test_lifecycle_and_file_problems(story: Story) -> None:
    c = story.client
    owner = story.tokens["appliance_maker"]
    immutable = c.patch(f"/api/v1/passports/{WM}", json={"carbon": {"value_kg_co2e": "1"}}, headers=owner)
    assert immutable.status_code == 409 and immutable.json()["errors"][0]["field"] == "status"
    again = c.post(f"/api/v1/passports/{WM}/publish", headers=owner)
    assert again.status_code == 409 and again.json()["code"] == "passport_not_draft"
    assert c.get(f"/api/v1/passports/{WM}/diff", params={"from": 1, "to": 9}).status_code == 404
    assert c.get(f"/api/v1/passports/{WM}/qr", params={"format": "gif"}).status_code == 422
    assert (
        c.post(
            f"/api/v1/organizations/{story.orgs['appliance_maker']}/passports",
            content=b"{",
            headers={**owner, "content-type": "application/json"},
        ).status_code
        == 422
    )
    org = story.orgs["stranger"]
    csv_bad = (
        "passport_id,name_en,category_scheme,category_code,local_scheme,local_id,material_name,"
        "material_class,mass,unit\nbad-1,Bad,hs,845090,https://ids.example/x,1,x,PP,1,stone\n"
    )
    r = c.post(
        f"/api/v1/organizations/{org}/passports/import",
        files={"file": ("bad.csv", csv_bad.encode(), "text/csv")},
        headers=story.tokens["stranger"],
    )
    assert r.status_code == 422 and r.json()["code"] == "import_rejected"
    assert r.json()["rows"] == [
        {"row": 2, "field": "unit", "code": "unknown_unit", "message": r.json()["rows"][0]["message"]}
    ]
    assert (
        c.get("/api/v1/passports", params={"org_id": org}, headers=story.tokens["stranger"]).json()["total"]
        == 0
    )
    template = c.get("/api/v1/passport-templates/xlsx")
    assert template.status_code == 200 and template.content[:2] == b"PK"
    assert c.get("/api/v1/passport-templates/pdf").status_code == 422


def test_qr_encodes_the_digital_link(story: Story) -> None:
    c = story.client
    svg = c.get(f"/api/v1/passports/{WM}/qr")
    assert svg.headers["content-type"].startswith("image/svg+xml") and svg.text.lstrip().startswith("<svg")
    assert svg.headers["x-digital-link"].endswith(f"/01/{WM_GTIN}")
    png = c.get(f"/api/v1/passports/{WM}/qr", params={"format": "png", "download": "true"})
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n" and "attachment" in png.headers["content-disposition"]


def test_web_form_shows_errors_next_to_fields(story: Story) -> None:
    c = story.client
    r = c.post("/api/v1/session", json={"email": story.emails["stranger"], "password": PASSWORD})
    csrf = r.json()["csrf_token"]
    form = {
        "csrf_token": csrf,
        "id": "web-made-1",
        "kind": "product",
        "level": "model",
        "name_ja": "ウェブ製品",
        "category_scheme": "hs",
        "category_code": "845090",
        "gtin": "09520000000203",
        "composition": '{"materials": [',
    }
    bad = c.post("/passports/new", data=form, headers={"accept": "text/html"})
    assert bad.status_code == 422
    assert 'id="f-composition"' in bad.text and "not valid JSON" in bad.text
    form["composition"] = '{"materials": [{"name": "x", "material_class": "PP", "mass_kg": "1"}]}'
    bad = c.post("/passports/new", data=form, headers={"accept": "text/html"})
    assert bad.status_code == 422 and 'aria-invalid="true" aria-describedby="err-gtin-1' in bad.text
    form["gtin"] = make_gtin()
    ok = c.post("/passports/new", data=form, headers={"accept": "text/html"}, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/passports/web-made-1"
    published = c.post("/passports/web-made-1/publish", data={"csrf_token": csrf}, follow_redirects=False)
    assert published.status_code == 303
    assert c.get("/api/v1/passports/web-made-1").json()["passport"]["status"] == "published"
    c.cookies.clear()
