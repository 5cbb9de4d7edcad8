"""Secured documents as people hand them over, and verifying them offline.

A verifier receives either a Data Integrity credential (a JSON object, or its text) or a compact JWS (the
token, or ``{"jws": "…"}``); :func:`parse_document` tells which, :func:`verify_secured` verifies either
with a key resolver, and :func:`verify_offline` does so with cached DID documents only — no database, no
network (W3C VC Data Model 2.0 §7.1 leaves key retrieval to the verifier; did:web makes the issuer's DID
document the place to fetch it).

Also here: the issuer policy for credentials the platform signs (:func:`with_issuer`), the facts the
register keeps about a credential, its digest, and the JSON answer of a verification.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from junkan.credentials.dataintegrity import verify_credential
from junkan.credentials.jcs import canonicalize
from junkan.credentials.jws import verify_credential_jws
from junkan.credentials.keys import KeyResolver, PublicKeyRecord, records_from_did_document, resolver_for
from junkan.credentials.verification import VerificationProblem, VerificationResult
from junkan.errors import InvalidInput

__all__ = [
    "OFFLINE_KEYS_VALID_FROM",
    "credential_types",
    "parse_document",
    "result_view",
    "secured_digest",
    "subject_ref",
    "verify_offline",
    "verify_secured",
    "with_issuer",
]

OFFLINE_KEYS_VALID_FROM = datetime(1970, 1, 1, tzinfo=UTC)
"""A DID document does not say since when a key is valid; offline verification accepts any creation date."""

DATA_INTEGRITY = "data-integrity"
JWS = "jws"


def with_issuer(credential: Mapping[str, Any], did: str) -> dict[str, Any]:
    """A copy of ``credential`` whose issuer is ``did``: set when missing, ``id`` replaced in an issuer
    object (its ``name`` and other properties kept), any other issuer replaced by ``did``."""
    if not isinstance(credential, Mapping):
        raise InvalidInput("a credential is a JSON object", code="credential_not_object", field="$")
    issuer = credential.get("issuer")
    if isinstance(issuer, Mapping):
        return {**credential, "issuer": {**issuer, "id": did}}
    return {**credential, "issuer": did}


def credential_types(credential: Mapping[str, Any]) -> tuple[str, ...]:
    """The credential's ``type`` values (VC 2.0 §4.5: a string or a list of strings)."""
    value = credential.get("type")
    values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return tuple(v for v in values if isinstance(v, str))


def subject_ref(credential: Mapping[str, Any]) -> str | None:
    """The ``id`` of the (first identified) credential subject, if any."""
    subject = credential.get("credentialSubject")
    for item in subject if isinstance(subject, list) else [subject]:
        if isinstance(item, Mapping) and isinstance(item.get("id"), str):
            return str(item["id"])
    return None


def parse_document(document: Mapping[str, Any] | str) -> tuple[str, Any] | VerificationResult:
    """``("jws", token)`` or ``("data-integrity", object)``; a failed result when it is neither."""
    if isinstance(document, str):
        text = document.strip()
        if not text.startswith("{"):
            return JWS, text
        try:
            document = json.loads(text)
        except (ValueError, RecursionError) as exc:
            return VerificationResult(
                problems=(VerificationProblem("malformed_document", "$", f"not valid JSON: {exc}"),)
            )
    if isinstance(document, Mapping):
        if set(document) == {"jws"}:
            if isinstance(document["jws"], str):
                return JWS, document["jws"].strip()
            return VerificationResult(
                problems=(VerificationProblem("malformed_proof", "jws", "jws must be a compact JWS string"),)
            )
        return DATA_INTEGRITY, document
    return VerificationResult(
        problems=(
            VerificationProblem(
                "malformed_document", "$", "a credential is a JSON object (or a compact JWS string)"
            ),
        )
    )


def verify_secured(
    document: Mapping[str, Any] | str, resolve: KeyResolver, *, now: datetime
) -> VerificationResult:
    """Verify either securing format with ``resolve``; same reason codes for both."""
    parsed = parse_document(document)
    if isinstance(parsed, VerificationResult):
        return parsed
    kind, value = parsed
    if kind == JWS:
        return verify_credential_jws(value, resolve, now=now)
    return verify_credential(value, resolve, now=now)


def secured_digest(document: Mapping[str, Any] | str) -> str | None:
    """SHA-256 (hex) of the secured form: the JCS bytes of a credential with its proof, or the JWS token.

    This is what the issuer's register keeps, so a presented credential can be found there.
    """
    parsed = parse_document(document)
    if isinstance(parsed, VerificationResult):
        return None
    kind, value = parsed
    if kind == JWS:
        return hashlib.sha256(str(value).encode("utf-8")).hexdigest()
    try:
        return hashlib.sha256(canonicalize(value)).hexdigest()
    except InvalidInput:
        return None


def verify_offline(
    document: Mapping[str, Any] | str, did_documents: Sequence[Mapping[str, Any]], *, now: datetime
) -> VerificationResult:
    """Verify with cached DID documents only (no database, no network).

    A DID document speaks only for its own DID: verification methods whose id or controller belongs to
    another DID are ignored, so one document cannot vouch for someone else's keys. Revocation of a single
    credential in the issuer's register is not visible offline.
    """
    if now.utcoffset() is None:
        raise InvalidInput("now must carry a time zone", code="naive_datetime", field="now")
    records: list[PublicKeyRecord] = []
    for i, doc in enumerate(did_documents):
        did = doc.get("id") if isinstance(doc, Mapping) else None
        if not isinstance(did, str) or not did:
            raise InvalidInput(
                "a DID document needs an 'id'; pass the document served at /org/<id>/did.json",
                code="did_document_invalid",
                field=f"did_documents[{i}].id",
            )
        try:
            found = records_from_did_document(doc, valid_from=OFFLINE_KEYS_VALID_FROM)
        except (KeyError, TypeError, ValueError, AttributeError):
            raise InvalidInput(
                f"the DID document of {did} has a malformed verification method "
                "(each needs an id and a publicKeyMultibase); fetch it again",
                code="did_document_invalid",
                field=f"did_documents[{i}].verificationMethod",
            ) from None
        if any(r.revoked_at is not None and r.revoked_at.utcoffset() is None for r in found):
            raise InvalidInput(
                f"the DID document of {did} gives a revocation time without a time zone; fetch it again",
                code="did_document_invalid",
                field=f"did_documents[{i}].verificationMethod",
            )
        records += [r for r in found if r.controller == did and r.key_id.startswith(did + "#")]
    return verify_secured(document, resolver_for(records), now=now)


def result_view(result: VerificationResult) -> dict[str, Any]:
    """The JSON answer of a verification: ``ok``, every problem (code, field, message), issuer and key."""
    return {
        "ok": result.ok,
        "problems": [dataclasses.asdict(p) for p in result.problems],
        "issuer": result.issuer,
        "key_id": result.key_id,
    }
