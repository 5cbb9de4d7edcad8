"""Credentials (資格証明): organisations' signing keys, and Verifiable Credentials anyone can verify offline.

Passports and custody claims are issued as W3C Verifiable Credentials 2.0, secured either with a Data
Integrity proof (``eddsa-jcs-2022``, :mod:`.dataintegrity`) or as a compact JWS (``vc+jwt``, :mod:`.jws`).
Keys are Ed25519, identified by ``did:web`` DID URLs (:mod:`.did`), sealed at rest and rotated
(:mod:`.keys`). Canonical JSON (RFC 8785, :mod:`.jcs`) is shared with the trace ledger.

This package is pure domain: it never reads settings, files or the clock; the caller passes the master
secret, ``now`` and a key resolver.
"""

from __future__ import annotations

from junkan.credentials.dataintegrity import CRYPTOSUITE, sign_credential, verify_credential
from junkan.credentials.did import did_document, jwk_set, key_id_for, org_did, parse_key_id, public_jwk
from junkan.credentials.jcs import canonicalize
from junkan.credentials.jws import sign_credential_jws, verify_credential_jws
from junkan.credentials.keys import (
    KeyResolver,
    PublicKeyRecord,
    SigningKey,
    decrypt_private_key,
    encrypt_private_key,
    generate_signing_key,
    load_signing_key,
    records_from_did_document,
    resolver_for,
    revoke_key,
    rotate_signing_key,
)
from junkan.credentials.verification import REASONS, VerificationProblem, VerificationResult

__all__ = [
    "CRYPTOSUITE",
    "REASONS",
    "KeyResolver",
    "PublicKeyRecord",
    "SigningKey",
    "VerificationProblem",
    "VerificationResult",
    "canonicalize",
    "decrypt_private_key",
    "did_document",
    "encrypt_private_key",
    "generate_signing_key",
    "jwk_set",
    "key_id_for",
    "load_signing_key",
    "org_did",
    "parse_key_id",
    "public_jwk",
    "records_from_did_document",
    "resolver_for",
    "revoke_key",
    "rotate_signing_key",
    "sign_credential",
    "sign_credential_jws",
    "verify_credential",
    "verify_credential_jws",
]
