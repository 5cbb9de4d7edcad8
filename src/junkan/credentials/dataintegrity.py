"""Verifiable Credentials secured with a Data Integrity proof, cryptosuite ``eddsa-jcs-2022``.

Follows W3C "Data Integrity EdDSA Cryptosuites v1.0" §3.3 (eddsa-jcs-2022):

- proof configuration (§3.3.5): the proof options without ``proofValue``, with the document's
  ``@context`` copied in; canonicalized with JCS (RFC 8785);
- transformation (§3.3.3): the credential without ``proof``, canonicalized with JCS;
- hashing (§3.3.4): ``SHA-256(canonical proof config) || SHA-256(canonical document)`` (64 bytes);
- signature: Ed25519 over those 64 bytes, ``proofValue`` = multibase base58-btc (``z…``).

Verification (§3.3.2) works offline: the caller passes a resolver from verification method to public key
record (from the platform's key table or a cached DID document). On top of the signature it checks what a
relying party needs: the key belongs to the issuer, was not revoked when the proof was made, and the
credential is inside its validity period at ``now``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature

from junkan.credentials.jcs import canonicalize
from junkan.credentials.keys import KeyResolver, SigningKey
from junkan.credentials.multibase import b58decode, multibase_encode
from junkan.credentials.verification import (
    VerificationProblem,
    VerificationResult,
    check_key,
    check_validity_period,
    format_datetime,
    issuer_id,
    parse_datetime,
)
from junkan.errors import InvalidInput, RuleViolation

__all__ = ["CRYPTOSUITE", "PROOF_TYPE", "hash_data", "sign_credential", "verify_credential"]

CRYPTOSUITE = "eddsa-jcs-2022"
PROOF_TYPE = "DataIntegrityProof"


def hash_data(unsecured_document: Mapping[str, Any], proof_config: Mapping[str, Any]) -> bytes:
    """The 64 bytes that get signed: proof config hash then document hash (§3.3.4 "Hashing")."""
    return (
        hashlib.sha256(canonicalize(proof_config)).digest()
        + hashlib.sha256(canonicalize(unsecured_document)).digest()
    )


def sign_credential(
    credential: Mapping[str, Any],
    key: SigningKey,
    *,
    created: datetime,
    proof_purpose: str = "assertionMethod",
) -> dict[str, Any]:
    """A copy of ``credential`` with an ``eddsa-jcs-2022`` proof made by ``key`` at ``created``.

    Refuses a credential that already has a proof, has no issuer, or whose issuer does not control
    ``key`` (a credential signed by someone else's key could never verify).
    """
    if "proof" in credential:
        raise InvalidInput(
            "the credential already has a proof; sign the unsecured credential (remove 'proof')",
            code="credential_already_signed",
            field="proof",
        )
    issuer = issuer_id(credential)
    if issuer is None:
        raise InvalidInput(
            "a credential needs an issuer (a URL or an object with an id) before it can be signed",
            code="credential_issuer_missing",
            field="issuer",
        )
    if issuer != key.record.controller:
        raise RuleViolation(
            f"key {key.key_id} belongs to {key.record.controller}, not to the issuer {issuer}; "
            "sign with one of the issuer's keys",
            code="signing_key_not_issuers",
            field="issuer",
        )
    if created.tzinfo is None:
        raise InvalidInput("created must carry a time zone", code="naive_datetime", field="created")
    proof: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": format_datetime(created.replace(microsecond=0)),
        "verificationMethod": key.key_id,
        "proofPurpose": proof_purpose,
    }
    if "@context" in credential:
        # §3.3.5 step 4: the proof carries the document's @context, so the config is the proof itself.
        proof["@context"] = credential["@context"]
    proof["proofValue"] = multibase_encode(key.sign(hash_data(credential, proof)))
    return {**credential, "proof": proof}


def _malformed(field: str, message: str) -> VerificationResult:
    return VerificationResult(problems=(VerificationProblem("malformed_proof", field, message),))


def verify_credential(
    document: Mapping[str, Any],
    resolve_key: KeyResolver,
    *,
    now: datetime,
    expected_proof_purpose: str = "assertionMethod",
) -> VerificationResult:
    """Verify an ``eddsa-jcs-2022`` secured credential offline; see :data:`~.verification.REASONS`."""
    if not isinstance(document, Mapping):
        return VerificationResult(
            problems=(VerificationProblem("malformed_document", "$", "a credential is a JSON object"),)
        )
    proof = document.get("proof")
    if proof is None:
        return _malformed(
            "proof", "the credential has no proof; it was never signed or the proof was removed"
        )
    if not isinstance(proof, Mapping):
        return _malformed("proof", "only a single proof object is supported, not a proof set or chain")
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        return VerificationResult(
            problems=(
                VerificationProblem(
                    "wrong_cryptosuite",
                    "proof.cryptosuite",
                    f"expected a {PROOF_TYPE} with cryptosuite {CRYPTOSUITE}, got type "
                    f"{proof.get('type')!r} with cryptosuite {proof.get('cryptosuite')!r}",
                ),
            )
        )
    method = proof.get("verificationMethod")
    if not isinstance(method, str) or not method:
        return _malformed("proof.verificationMethod", "the proof does not name its verification method")
    if proof.get("proofPurpose") != expected_proof_purpose:
        return _malformed(
            "proof.proofPurpose", f"the proof purpose must be {expected_proof_purpose!r} for a credential"
        )
    created: datetime | None = None
    if "created" in proof:
        created = parse_datetime(proof["created"])
        if created is None:
            return _malformed(
                "proof.created", "proof.created must be a dateTimeStamp such as 2025-04-01T09:00:00Z"
            )
    proof_value = proof.get("proofValue")
    try:
        if not isinstance(proof_value, str) or not proof_value.startswith("z"):
            raise InvalidInput("not multibase base58-btc")
        signature = b58decode(proof_value[1:])
    except InvalidInput:
        return _malformed(
            "proof.proofValue", "proofValue must be a base58-btc multibase string starting with 'z'"
        )
    if len(signature) != 64:
        return _malformed("proof.proofValue", "proofValue must decode to a 64-byte Ed25519 signature")

    unsecured = {k: v for k, v in document.items() if k != "proof"}
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    if "@context" in config:
        # §3.3.2 step 5: the document's @context must start with the proof's.
        doc_ctx, proof_ctx = unsecured.get("@context"), config["@context"]
        doc_list = doc_ctx if isinstance(doc_ctx, list) else [doc_ctx]
        proof_list = proof_ctx if isinstance(proof_ctx, list) else [proof_ctx]
        if doc_list[: len(proof_list)] != proof_list:
            return VerificationResult(
                problems=(
                    VerificationProblem(
                        "tampered",
                        "@context",
                        "the credential's @context differs from the one the proof was made over; "
                        "it was changed after signing",
                    ),
                )
            )
        unsecured["@context"] = proof_ctx

    issuer = issuer_id(document)
    problems: list[VerificationProblem] = []
    if issuer is None:
        problems.append(VerificationProblem("malformed_document", "issuer", "the credential names no issuer"))
    record, key_problems = check_key(method, resolve_key, issuer=issuer, created=created, field="proof")
    problems += key_problems
    if record is not None:
        try:
            record.ed25519().verify(signature, hash_data(unsecured, config))
        except InvalidSignature:
            problems.append(
                VerificationProblem(
                    "tampered",
                    "$",
                    "the signature does not match the document: a field of the credential or its proof was "
                    "changed after signing; obtain an unmodified copy from the issuer",
                )
            )
        except InvalidInput as exc:  # not canonicalizable: cannot have been signed as is
            problems.append(VerificationProblem("malformed_document", exc.field or "$", exc.message))
    problems += check_validity_period(document, now=now)
    expires = parse_datetime(proof.get("expires")) if "expires" in proof else None
    if expires is not None and expires < now:
        problems.append(
            VerificationProblem(
                "expired", "proof.expires", f"the proof expired at {format_datetime(expires)}"
            )
        )
    return VerificationResult(problems=tuple(problems), key_id=method, issuer=issuer)
