"""The credentials API, the did:web DID document, the /verify page and the `junkan verify` / `junkan
validate` commands, end to end over HTTP and through the CLI."""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from junkan.actor import utcnow
from junkan.cli import app as cli
from junkan.credentials import REASONS, service
from junkan.store.uow import UnitOfWork
from junkan.web.credentials import REASON_TEXT
from tests.e2e.test_members_api import bearer, setup_org
from tests.factories import PASSWORD

HOST = "127.0.0.1%3A8000"  # Settings' default base URL http://127.0.0.1:8000


def make_credential(**over: Any) -> dict[str, Any]:
    credential: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:3b0f0c8e-9d1c-4a3e-8f43-6f7d2a1c0e11",
        "type": ["VerifiableCredential", "RecycledContentClaim"],
        "issuer": {"name": "Kan Bottle Recycling"},
        "validFrom": "2025-04-01T00:00:00Z",
        "credentialSubject": {"id": "https://id.example/lot/42", "postConsumerShare": "0.35"},
    }
    credential.update(over)
    return credential


def issue(
    client: TestClient, org_id: int, *, jws: bool = False, now: datetime | None = None, **over: Any
) -> Any:
    """Sign as another context would: inside a unit of work on the app's engine, with the app's secret."""
    state = client.app.state  # type: ignore[attr-defined]
    sign = service.sign_jws_with_org_key if jws else service.sign_with_org_key
    with UnitOfWork(state.engine) as uow:
        out = sign(
            uow.conn,
            org_id,
            make_credential(**over),
            master_secret=state.master_secret,
            host=service.host_from_base_url(state.settings.base_url),
            now=now or utcnow(),
        )
        uow.commit()
    return out


def check(client: TestClient, body: Any) -> dict[str, Any]:
    r = client.post("/api/v1/credentials/verify", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def codes(answer: dict[str, Any]) -> list[str]:
    return [p["code"] for p in answer["problems"]]


def test_verify_endpoint_gives_precise_reasons(app_client: TestClient) -> None:
    org_id, _, token = setup_org(app_client)
    signed = issue(app_client, org_id)
    good = check(app_client, signed)
    assert good == {
        "ok": True,
        "problems": [],
        "issuer": f"did:web:{HOST}:org:{org_id}",
        "key_id": f"did:web:{HOST}:org:{org_id}#key-1",
    }
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["postConsumerShare"] = "0.95"
    answer = check(app_client, tampered)
    assert answer["ok"] is False and codes(answer) == ["tampered"]
    assert (
        answer["problems"][0]["field"] == "$" and "changed after signing" in answer["problems"][0]["message"]
    )
    # unknown key
    unknown = copy.deepcopy(signed)
    unknown["proof"]["verificationMethod"] = f"did:web:{HOST}:org:{org_id}#key-7"
    assert codes(check(app_client, unknown)) == ["unknown_key"]
    # no proof, wrong cryptosuite
    assert codes(check(app_client, {k: v for k, v in signed.items() if k != "proof"})) == ["malformed_proof"]
    suite = copy.deepcopy(signed)
    suite["proof"]["cryptosuite"] = "ecdsa-rdfc-2019"
    assert codes(check(app_client, suite)) == ["wrong_cryptosuite"]
    # expired (the validity period is signed, so issue one that has already ended)
    expired = issue(app_client, org_id, id="urn:uuid:old", validUntil="2025-05-01T00:00:00Z")
    answer = check(app_client, expired)
    assert codes(answer) == ["expired"] and answer["problems"][0]["field"] == "validUntil"
    # a compact JWS, as {"jws": …} and as a bare JSON string
    token_jws = issue(app_client, org_id, jws=True, id="urn:uuid:jws")
    assert check(app_client, {"jws": token_jws})["ok"] and check(app_client, token_jws)["ok"]
    assert codes(check(app_client, {"jws": token_jws[:-4] + "AAAA"})) == ["tampered"]
    assert codes(check(app_client, {"jws": "not.a-jws"})) == ["malformed_proof"]
    # revoked key: compromised, so even signatures made before today are refused
    r = app_client.post(
        "/api/v1/keys/revoke", headers=bearer(token), json={"key_id": good["key_id"], "compromised": True}
    )
    assert r.status_code == 200 and r.json()["status"] == "revoked"
    assert codes(check(app_client, signed)) == ["key_revoked"]
    # bodies that are no credential at all
    assert app_client.post("/api/v1/credentials/verify", json=[1, 2]).status_code == 422
    bad = app_client.post(
        "/api/v1/credentials/verify", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"


def test_every_reason_has_ui_text() -> None:
    assert set(REASON_TEXT) == set(REASONS)


def test_keys_rotation_and_revocation_over_http(app_client: TestClient) -> None:
    org_id, _, token = setup_org(app_client)
    other_id, _, other_token = setup_org(app_client)
    # an hour ago: revoking key-1 now must not touch it (a signature in the very second of a revocation
    # is refused, conservatively)
    old = issue(app_client, org_id, now=utcnow() - timedelta(hours=1))
    keys = app_client.get(f"/api/v1/organizations/{org_id}/keys").json()
    assert [k["key_id"] for k in keys] == [f"did:web:{HOST}:org:{org_id}#key-1"]
    assert (
        keys[0]["public_key_multibase"].startswith("z6Mk") and keys[0]["public_key_jwk"]["crv"] == "Ed25519"
    )
    assert not any("sealed" in name or "private" in name for name in keys[0])
    # only the organisation's admin rotates
    refused = app_client.post(f"/api/v1/organizations/{org_id}/keys/rotate", headers=bearer(other_token))
    assert refused.status_code == 403 and refused.json()["code"] == "other_organisation"
    assert app_client.post(f"/api/v1/organizations/{org_id}/keys/rotate").status_code == 401
    h = {**bearer(token), "Idempotency-Key": "rotate-once"}
    r = app_client.post(f"/api/v1/organizations/{org_id}/keys/rotate", headers=h)
    assert r.status_code == 201 and r.json()["key_id"].endswith("#key-2")
    again = app_client.post(f"/api/v1/organizations/{org_id}/keys/rotate", headers=h)
    assert again.json() == r.json() and again.headers.get("idempotent-replayed") == "true"
    assert len(app_client.get(f"/api/v1/organizations/{org_id}/keys").json()) == 2
    new = issue(app_client, org_id, id="urn:uuid:new")
    assert new["proof"]["verificationMethod"].endswith("#key-2")
    assert check(app_client, old)["ok"] and check(app_client, new)["ok"]
    # revocation: others are refused, unknown keys are 404, a second revocation is a rule violation
    key1 = f"did:web:{HOST}:org:{org_id}#key-1"
    assert (
        app_client.post("/api/v1/keys/revoke", headers=bearer(other_token), json={"key_id": key1}).status_code
        == 403
    )
    missing = app_client.post("/api/v1/keys/revoke", headers=bearer(token), json={"key_id": key1 + "9"})
    assert missing.status_code == 404 and missing.json()["errors"][0]["field"] == "key_id"
    assert (
        app_client.post("/api/v1/keys/revoke", headers=bearer(token), json={"key_id": key1}).status_code
        == 200
    )
    twice = app_client.post("/api/v1/keys/revoke", headers=bearer(token), json={"key_id": key1})
    assert twice.status_code == 422 and twice.json()["code"] == "key_already_revoked"
    # retired, not compromised: what key-1 signed before stays valid
    assert check(app_client, old)["ok"]
    assert app_client.get("/api/v1/organizations/999999/keys").status_code == 404
    assert other_id != org_id


def test_did_json_resolves_and_verifies_offline(app_client: TestClient) -> None:
    org_id, _, token = setup_org(app_client)
    signed = issue(app_client, org_id)
    app_client.post(f"/api/v1/organizations/{org_id}/keys/rotate", headers=bearer(token))
    newer = issue(app_client, org_id, id="urn:uuid:newer")
    # did:web:<host>:org:<id>  →  http://<host>/org/<id>/did.json
    did = signed["issuer"]["id"]
    assert did == f"did:web:{HOST}:org:{org_id}"
    path = "/" + "/".join(did.split(":")[3:]) + "/did.json"
    r = app_client.get(path)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert r.headers["access-control-allow-origin"] == "*"
    doc = r.json()
    assert doc["id"] == did and len(doc["verificationMethod"]) == 2
    assert (
        app_client.get(path, headers={"accept": "application/did+json"})
        .headers["content-type"]
        .startswith("application/did+json")
    )
    now = utcnow() + timedelta(seconds=5)
    assert service.verify_offline(signed, [doc], now=now).ok
    assert service.verify_offline(newer, [doc], now=now).ok
    assert app_client.get("/org/999999/did.json").status_code == 404


def test_register_lists_and_revokes_issued_credentials(app_client: TestClient) -> None:
    org_id, _, token = setup_org(app_client)
    _, _, other_token = setup_org(app_client)
    signed = issue(app_client, org_id)
    page = app_client.get(f"/api/v1/organizations/{org_id}/issued-credentials", headers=bearer(token)).json()
    assert page["total"] == 1 and page["items"][0]["credential_id"] == signed["id"]
    entry = page["items"][0]
    assert app_client.get(f"/api/v1/organizations/{org_id}/issued-credentials").status_code == 401
    other = app_client.get(f"/api/v1/organizations/{org_id}/issued-credentials", headers=bearer(other_token))
    assert other.status_code == 403
    assert (
        app_client.post(
            f"/api/v1/issued-credentials/{entry['id']}/revoke", headers=bearer(other_token)
        ).status_code
        == 404
    )
    r = app_client.post(f"/api/v1/issued-credentials/{entry['id']}/revoke", headers=bearer(token))
    assert r.status_code == 200 and r.json()["revoked_at"]
    assert codes(check(app_client, signed)) == ["credential_revoked"]


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


def test_verify_page_pastes_and_uploads(app_client: TestClient) -> None:
    org_id, _, _ = setup_org(app_client)
    signed = issue(app_client, org_id)
    page = app_client.get("/verify?lang=en")
    assert page.status_code == 200 and 'action="/verify"' in page.text and "Verify" in page.text
    token = _csrf(page.text)
    ok = app_client.post("/verify", data={"document": json.dumps(signed), "csrf_token": token})
    assert ok.status_code == 200 and "✓ The credential verifies" in ok.text
    assert f"/org/{org_id}/did.json" in ok.text
    tampered = {**signed, "validFrom": "2020-01-01T00:00:00Z"}
    upload = app_client.post(
        "/verify",
        data={"csrf_token": token},
        files={"file": ("claim.json", json.dumps(tampered).encode(), "application/json")},
    )
    assert upload.status_code == 200 and "✗ The credential does not verify" in upload.text
    assert "Changed after signing" in upload.text and "tampered" in upload.text
    ja = app_client.post("/verify?lang=ja", data={"document": json.dumps(tampered), "csrf_token": token})
    assert "改ざん" in ja.text
    empty = app_client.post("/verify", data={"document": " ", "csrf_token": token})
    assert empty.status_code == 422
    assert app_client.post("/verify", data={"document": json.dumps(signed)}).status_code == 403  # no CSRF
    assert "/verify" in app_client.get("/").text  # in the navigation


# the CLI ----------------------------------------------------------------------------------------
@pytest.fixture
def cli_env(app_client: TestClient) -> dict[str, str]:
    state = app_client.app.state  # type: ignore[attr-defined]
    return {
        "JUNKAN_DATABASE_URL": str(state.engine.url),
        "JUNKAN_SECRET_KEY": state.settings.secret_key,
        "JUNKAN_BASE_URL": state.settings.base_url,
    }


def test_cli_verify_against_the_database_and_offline(
    app_client: TestClient, cli_env: dict[str, str], tmp_path: Path
) -> None:
    org_id, email, _ = setup_org(app_client)
    signed = issue(app_client, org_id)
    good = tmp_path / "credential.json"
    good.write_text(json.dumps(signed))
    runner = CliRunner()
    r = runner.invoke(cli, ["verify", str(good)], env=cli_env)
    assert r.exit_code == 0, r.output
    assert "✓ verified" in r.output and f"did:web:{HOST}:org:{org_id}" in r.output
    bad = tmp_path / "tampered.json"
    bad.write_text(json.dumps({**signed, "id": "urn:uuid:other"}))
    r = runner.invoke(cli, ["verify", str(bad)], env=cli_env)
    assert r.exit_code == 1 and "✗ not verified" in r.output and "tampered at $" in r.output
    # offline, with the DID document saved from /org/<id>/did.json
    did_file = tmp_path / "did.json"
    did_file.write_text(app_client.get(f"/org/{org_id}/did.json").text)
    offline_env = {**cli_env, "JUNKAN_DATABASE_URL": "sqlite:////nonexistent/dir/none.db"}
    r = runner.invoke(cli, ["verify", str(good), "--did-document", str(did_file)], env=offline_env)
    assert r.exit_code == 0 and "offline" in r.output, r.output
    r = runner.invoke(cli, ["verify", str(bad), "--did-document", str(did_file), "--json"], env=offline_env)
    assert r.exit_code == 1 and json.loads(r.output)["problems"][0]["code"] == "tampered"
    # as of a time before validFrom
    r = runner.invoke(cli, ["verify", str(good), "--at", "2024-01-01T00:00:00+09:00"], env=cli_env)
    assert r.exit_code == 1 and "not_yet_valid" in r.output
    # a JWS file
    jws_file = tmp_path / "claim.jwt"
    jws_file.write_text(issue(app_client, org_id, jws=True, id="urn:uuid:jws") + "\n")
    assert runner.invoke(cli, ["verify", str(jws_file)], env=cli_env).exit_code == 0
    # key commands: list and rotate
    r = runner.invoke(cli, ["key", "rotate", "--email", email, "--password", PASSWORD], env=cli_env)
    assert r.exit_code == 0 and "#key-2" in r.output, r.output
    r = runner.invoke(cli, ["key", "list", str(org_id)], env=cli_env)
    assert r.exit_code == 0 and "active" in r.output
    r = runner.invoke(cli, ["verify", str(good)], env=cli_env)
    assert r.exit_code == 0  # the rotation kept the old signature valid


def test_cli_validate(tmp_path: Path, shared_dir: Path) -> None:
    runner = CliRunner()
    schema = tmp_path / "schema.json"
    schema.write_text(
        json.dumps(
            {
                "type": "object",
                "required": ["id", "materials"],
                "properties": {
                    "id": {"type": "string", "format": "uri"},
                    "materials": {"type": "array", "items": {"required": ["cas"]}},
                },
            }
        )
    )
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"id": "https://id.example/1", "materials": [{"cas": "7732-18-5"}]}))
    r = runner.invoke(cli, ["validate", str(good), "--schema", str(schema)])
    assert r.exit_code == 0 and "valid" in r.output
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"id": "not a uri", "materials": [{"cas": "1"}, {}]}))
    r = runner.invoke(cli, ["validate", str(bad), "--schema", str(schema)])
    assert r.exit_code == 1
    assert "$.id" in r.output and "$.materials[1]" in r.output and "2 problems" in r.output
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    assert runner.invoke(cli, ["validate", str(broken), "--schema", str(schema)]).exit_code == 2
    # the UNTP Digital Product Passport schema and its sample, as published by UN/CEFACT
    untp = shared_dir / "data" / "untp"
    if not (untp / "untp-dpp-schema.json").exists():
        pytest.skip("UNTP schema not present")
    dpp_schema = str(untp / "untp-dpp-schema.json")
    r = runner.invoke(cli, ["validate", str(untp / "untp-dpp-instance.json"), "--schema", dpp_schema])
    assert r.exit_code == 0, r.output
    instance = json.loads((untp / "untp-dpp-instance.json").read_text())
    del instance["issuer"]
    instance["validFrom"] = "2025-04-31T00:00:00Z"
    broken_dpp = tmp_path / "dpp.json"
    broken_dpp.write_text(json.dumps(instance))
    r = runner.invoke(cli, ["validate", str(broken_dpp), "--schema", dpp_schema])
    assert r.exit_code == 1 and "issuer" in r.output and "$.validFrom" in r.output, r.output


def test_signing_times_are_whole_seconds(app_client: TestClient) -> None:
    org_id, _, _ = setup_org(app_client)
    signed = issue(app_client, org_id)
    created = datetime.fromisoformat(signed["proof"]["created"])
    assert created.microsecond == 0 and created.tzinfo is not None
    assert abs(created - datetime.now(UTC)) < timedelta(minutes=1)
