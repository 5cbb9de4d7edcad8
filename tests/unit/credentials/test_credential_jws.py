"""Compact JWS (vc+jwt) credentials: RFC 8037 example, round trip and the shared failure reasons."""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from junkan.credentials import (
    SigningKey,
    generate_signing_key,
    resolver_for,
    revoke_key,
    sign_credential_jws,
    verify_credential_jws,
)
from junkan.errors import RuleViolation

T0 = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)
ACME = generate_signing_key(host="junkan.example.jp", org_id="acme", now=T0)
MALLORY = generate_signing_key(host="junkan.example.jp", org_id="mallory", now=T0)
NOW = T0 + timedelta(days=1)


def make_credential() -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": ACME.record.controller,
        "validFrom": "2025-04-01T00:00:00Z",
        "validUntil": "2026-04-01T00:00:00Z",
        "credentialSubject": {"id": "urn:lot:42", "recycledContent": "0.35"},
    }


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_ed25519_signing_matches_rfc8037_appendix_a4() -> None:
    d = base64.urlsafe_b64decode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=")
    signature = Ed25519PrivateKey.from_private_bytes(d).sign(
        b"eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"
    )
    assert (
        _b64(signature)
        == "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
    )


def test_round_trip_header_and_payload() -> None:
    token = sign_credential_jws(make_credential(), ACME, issued_at=T0)
    header_b64, payload_b64, _ = token.split(".")
    header = json.loads(base64.urlsafe_b64decode(header_b64 + "=="))
    assert header == {
        "alg": "EdDSA",
        "typ": "vc+jwt",
        "cty": "vc",
        "kid": ACME.key_id,
        "iat": int(T0.timestamp()),
    }
    assert json.loads(base64.urlsafe_b64decode(payload_b64 + "==")) == make_credential()
    result = verify_credential_jws(token, resolver_for([ACME.record]), now=NOW)
    assert result.ok, result.problems


def _swap_payload(token: str, payload: dict[str, Any]) -> str:
    header, _, signature = token.split(".")
    return f"{header}.{_b64(json.dumps(payload).encode())}.{signature}"


def test_failure_reasons() -> None:
    resolve = resolver_for([ACME.record, MALLORY.record])
    token = sign_credential_jws(make_credential(), ACME, issued_at=T0)

    changed = make_credential()
    changed["credentialSubject"]["recycledContent"] = "0.95"
    assert verify_credential_jws(_swap_payload(token, changed), resolve, now=NOW).reasons == ("tampered",)
    assert verify_credential_jws(token, resolver_for([]), now=NOW).reasons == ("unknown_key",)
    assert verify_credential_jws(token, resolve, now=datetime(2027, 1, 1, tzinfo=UTC)).reasons == ("expired",)
    revoked = resolver_for([revoke_key(ACME.record, at=T0 - timedelta(1))])
    assert verify_credential_jws(token, revoked, now=NOW).reasons == ("key_revoked",)
    assert verify_credential_jws("abc.def", resolve, now=NOW).reasons == ("malformed_proof",)
    assert verify_credential_jws("!!.??.**", resolve, now=NOW).reasons == ("malformed_proof",)

    hs256 = _b64(json.dumps({"alg": "HS256", "typ": "vc+jwt", "kid": ACME.key_id}).encode())
    alg_swapped = hs256 + token[token.index(".") :]
    assert verify_credential_jws(alg_swapped, resolve, now=NOW).reasons == ("wrong_cryptosuite",)

    forged_key = SigningKey(
        record=replace(MALLORY.record, controller=ACME.record.controller), private_key=MALLORY.private_key
    )
    forged = sign_credential_jws(make_credential(), forged_key, issued_at=T0)
    assert verify_credential_jws(forged, resolve, now=NOW).reasons == ("issuer_mismatch",)


def test_signing_refuses_a_key_the_issuer_does_not_control() -> None:
    with pytest.raises(RuleViolation):
        sign_credential_jws(make_credential(), MALLORY, issued_at=T0)
