"""Verifiable Credentials secured as a compact JWS (``vc+jwt``), the second securing format.

W3C "Securing Verifiable Credentials using JOSE and COSE" §3.1.1: the JWS payload is the unsecured
credential itself, the protected header has ``alg`` (``EdDSA``, RFC 8037 §3.1), ``typ`` ``vc+jwt``,
``cty`` ``vc`` and ``kid`` (the verification method). The payload bytes are the JCS form of the credential
so the same credential always yields the same token. ``iat`` in the protected header (allowed by RFC 7519
§5.3) records when it was signed, for the revocation check.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature

from junkan.credentials.jcs import canonicalize
from junkan.credentials.keys import KeyResolver, SigningKey
from junkan.credentials.verification import (
    VerificationProblem,
    VerificationResult,
    check_key,
    check_validity_period,
    issuer_id,
)
from junkan.errors import InvalidInput, RuleViolation

__all__ = ["JWS_TYPE", "sign_credential_jws", "verify_credential_jws"]

JWS_TYPE = "vc+jwt"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    if "=" in text:
        raise ValueError("padding is not allowed in JWS (RFC 7515 §2)")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_credential_jws(credential: Mapping[str, Any], key: SigningKey, *, issued_at: datetime) -> str:
    """The credential as ``header.payload.signature`` signed by ``key`` (which the issuer must control)."""
    if "proof" in credential:
        raise InvalidInput(
            "a JWS secures the unsecured credential; remove the embedded 'proof' first",
            code="credential_already_signed",
            field="proof",
        )
    issuer = issuer_id(credential)
    if issuer != key.record.controller:
        raise RuleViolation(
            f"key {key.key_id} belongs to {key.record.controller}, not to the issuer {issuer}; "
            "sign with one of the issuer's keys",
            code="signing_key_not_issuers",
            field="issuer",
        )
    header = {
        "alg": "EdDSA",
        "typ": JWS_TYPE,
        "cty": "vc",
        "kid": key.key_id,
        "iat": int(issued_at.timestamp()),
    }
    signing_input = f"{_b64(canonicalize(header))}.{_b64(canonicalize(credential))}"
    return f"{signing_input}.{_b64(key.sign(signing_input.encode('ascii')))}"


def _malformed(message: str) -> VerificationResult:
    return VerificationResult(problems=(VerificationProblem("malformed_proof", "jws", message),))


def verify_credential_jws(token: str, resolve_key: KeyResolver, *, now: datetime) -> VerificationResult:
    """Verify a compact ``vc+jwt`` JWS offline, with the same reason codes as Data Integrity proofs."""
    parts = token.strip().split(".")
    if len(parts) != 3:
        return _malformed("a compact JWS has three base64url parts separated by '.'")
    try:
        header = json.loads(_unb64(parts[0]))
        payload = json.loads(_unb64(parts[1]))
        signature = _unb64(parts[2])
    except (ValueError, binascii.Error, RecursionError):
        return _malformed("the JWS parts are not base64url-encoded JSON; copy the whole token again")
    if not isinstance(header, dict) or not isinstance(payload, dict):
        return _malformed("the JWS header and payload must both be JSON objects")
    if header.get("alg") != "EdDSA" or header.get("typ") != JWS_TYPE:
        return VerificationResult(
            problems=(
                VerificationProblem(
                    "wrong_cryptosuite",
                    "jws.alg",
                    f"expected alg EdDSA and typ {JWS_TYPE}, got alg {header.get('alg')!r} "
                    f"and typ {header.get('typ')!r}",
                ),
            )
        )
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        return _malformed("the JWS header has no kid naming the signing key")
    iat = header.get("iat")
    created = datetime.fromtimestamp(iat, UTC) if isinstance(iat, int) and not isinstance(iat, bool) else None
    issuer = issuer_id(payload)
    problems: list[VerificationProblem] = []
    if issuer is None:
        problems.append(VerificationProblem("malformed_document", "issuer", "the credential names no issuer"))
    record, key_problems = check_key(kid, resolve_key, issuer=issuer, created=created, field="jws.kid")
    problems += key_problems
    if record is not None:
        try:
            record.ed25519().verify(signature, f"{parts[0]}.{parts[1]}".encode("ascii"))
        except InvalidSignature:
            problems.append(
                VerificationProblem(
                    "tampered",
                    "jws",
                    "the signature does not match the token: its header or credential was changed after "
                    "signing; obtain an unmodified copy from the issuer",
                )
            )
    problems += check_validity_period(payload, now=now)
    return VerificationResult(problems=tuple(problems), key_id=kid, issuer=issuer)
