"""Real Chromium: the /verify page — paste or upload a credential, read the verdict and every reason."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from junkan.credentials import generate_signing_key, sign_credential
from tests.e2e.browser import shot

T0 = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)


def _stranger_credential() -> dict[str, object]:
    """Signed by a key the platform never issued: a well-formed credential that must not verify."""
    key = generate_signing_key(host="elsewhere.example", org_id="7", now=T0)
    return sign_credential(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": key.record.controller,
            "validFrom": "2025-04-01T00:00:00Z",
            "validUntil": "2025-05-01T00:00:00Z",
            "credentialSubject": {"id": "https://id.example/lot/1", "recycledShare": "0.30"},
        },
        key,
        created=T0,
    )


def test_verify_page_paste_and_upload(browser, demo_server, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{demo_server}/?lang=en")
    page.locator("header nav").get_by_role("link", name="Verify").click()
    page.wait_for_url(f"{demo_server}/verify")
    assert page.locator("h1").inner_text() == "Verify a Verifiable Credential"
    page.get_by_label("Credential (JSON or JWS)").fill(json.dumps(_stranger_credential(), indent=2))
    page.get_by_role("button", name="Verify").click()
    verdict = page.locator("#verdict")
    assert verdict.locator("h2").inner_text() == "✗ The credential does not verify"
    reasons = verdict.locator("tbody tr td:first-child code").all_inner_texts()
    assert reasons == ["unknown_key", "expired"]
    shot(page, "credentials-verify-en")

    upload = tmp_path / "claim.json"
    upload.write_text(json.dumps({"jws": "not-a-token"}))
    page.goto(f"{demo_server}/verify?lang=ja")
    page.get_by_label("またはファイルを選択").set_input_files(str(upload))
    page.get_by_role("button", name="検証する").click()
    assert page.locator("#verdict h2").inner_text() == "✗ 検証に失敗しました"
    assert "証明（proof）の形式が不正です" in page.locator("#verdict").inner_text()
    shot(page, "credentials-verify-ja")
