"""Signing keys (署名鍵) of organisations: Ed25519 key pairs, encrypted at rest, rotated, revoked.

A :class:`SigningKey` is the private half, held in memory only while signing; what the store keeps is
the :class:`PublicKeyRecord` (public, kept forever so old credentials stay verifiable) and the private
key sealed by :func:`encrypt_private_key`.

Encryption at rest: AES-256-GCM (NIST SP 800-38D) under a key derived with HKDF-SHA256 (RFC 5869) from
the server master secret and a random 16-byte salt. The master secret is a high-entropy server secret,
not a password, so HKDF (not a slow password hash) is the right derivation. The key id is bound in as
associated data: a sealed key copied onto another key's row does not decrypt.

Rotation makes a new key with the next number; earlier keys stay resolvable. Revocation sets
``revoked_at``: signatures whose proof says they were created at or after that instant are refused. (A
thief holding the key can back-date ``created``; to disown every signature of a compromised key, revoke it
as of its ``valid_from``.)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from junkan.credentials.did import key_id_for, org_did, parse_key_id
from junkan.credentials.multibase import multikey_decode_ed25519_public
from junkan.errors import InvalidInput, RuleViolation

__all__ = [
    "MIN_MASTER_SECRET_BYTES",
    "KeyResolver",
    "PublicKeyRecord",
    "SigningKey",
    "decrypt_private_key",
    "encrypt_private_key",
    "generate_signing_key",
    "load_signing_key",
    "records_from_did_document",
    "resolver_for",
    "revoke_key",
    "rotate_signing_key",
]

MIN_MASTER_SECRET_BYTES = 32
_MAGIC = b"JKK1"  # format version of a sealed private key
_SALT_BYTES = 16
_NONCE_BYTES = 12  # the GCM nonce size SP 800-38D §8.2 recommends


def _aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(
            f"{name} must carry a time zone; pass datetime(..., tzinfo=UTC)",
            code="naive_datetime",
            field=name,
        )
    return value


@dataclass(frozen=True, slots=True)
class PublicKeyRecord:
    """The public half of a signing key and its lifetime; safe to publish and kept after revocation."""

    key_id: str
    controller: str
    public_key: bytes
    valid_from: datetime
    revoked_at: datetime | None = None

    def ed25519(self) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(self.public_key)

    def is_revoked_at(self, moment: datetime) -> bool:
        return self.revoked_at is not None and moment >= self.revoked_at


@dataclass(frozen=True, slots=True)
class SigningKey:
    """A private Ed25519 key with its public record. Never stored as is: seal it first."""

    record: PublicKeyRecord
    private_key: Ed25519PrivateKey = field(repr=False)

    @property
    def key_id(self) -> str:
        return self.record.key_id

    def sign(self, message: bytes) -> bytes:
        return self.private_key.sign(message)


KeyResolver = Callable[[str], PublicKeyRecord | None]
"""Looks a verification method (key id) up; ``None`` when it is unknown."""


def _raw_public(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def generate_signing_key(*, host: str, org_id: str, now: datetime, n: int = 1) -> SigningKey:
    """A fresh Ed25519 key for organisation ``org_id``, id ``did:web:<host>:org:<org_id>#key-<n>``."""
    private_key = Ed25519PrivateKey.generate()
    record = PublicKeyRecord(
        key_id=key_id_for(host, org_id, n),
        controller=org_did(host, org_id),
        public_key=_raw_public(private_key),
        valid_from=_aware(now, "now"),
    )
    return SigningKey(record=record, private_key=private_key)


def rotate_signing_key(
    existing: Iterable[PublicKeyRecord], *, host: str, org_id: str, now: datetime
) -> SigningKey:
    """A new key numbered after the organisation's highest existing key; the old ones stay valid."""
    controller = org_did(host, org_id)
    numbers = [
        parsed.n
        for record in existing
        if record.controller == controller and (parsed := parse_key_id(record.key_id)) is not None
    ]
    return generate_signing_key(host=host, org_id=org_id, now=now, n=max(numbers, default=0) + 1)


def revoke_key(record: PublicKeyRecord, *, at: datetime) -> PublicKeyRecord:
    """The record with ``revoked_at`` set; a key is revoked once, and never before it became valid."""
    _aware(at, "at")
    if record.revoked_at is not None:
        raise RuleViolation(
            f"key {record.key_id} was already revoked at {record.revoked_at.isoformat()}",
            code="key_already_revoked",
        )
    if at < record.valid_from:
        at = record.valid_from
    return replace(record, revoked_at=at)


def _aead(master_secret: bytes, salt: bytes) -> AESGCM:
    if len(master_secret) < MIN_MASTER_SECRET_BYTES:
        raise InvalidInput(
            f"the master secret must have at least {MIN_MASTER_SECRET_BYTES} random bytes; "
            "generate one with secrets.token_bytes(32)",
            code="master_secret_too_short",
        )
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"junkan signing key v1").derive(
        master_secret
    )
    return AESGCM(key)


def encrypt_private_key(private_key: Ed25519PrivateKey, *, master_secret: bytes, key_id: str) -> bytes:
    """Seal a private key for storage: ``JKK1 || salt(16) || nonce(12) || AES-256-GCM(ciphertext+tag)``."""
    raw = private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    salt, nonce = os.urandom(_SALT_BYTES), os.urandom(_NONCE_BYTES)
    sealed = _aead(master_secret, salt).encrypt(nonce, raw, _MAGIC + key_id.encode("utf-8"))
    return _MAGIC + salt + nonce + sealed


def decrypt_private_key(blob: bytes, *, master_secret: bytes, key_id: str) -> Ed25519PrivateKey:
    """Open a key sealed by :func:`encrypt_private_key`; refuses a wrong secret, key id or altered blob."""
    head = len(_MAGIC) + _SALT_BYTES + _NONCE_BYTES
    if not blob.startswith(_MAGIC) or len(blob) != head + 32 + 16:
        raise InvalidInput(
            "this is not a sealed junkan signing key (format JKK1); re-export it from the key table",
            code="sealed_key_format",
        )
    salt = blob[len(_MAGIC) : len(_MAGIC) + _SALT_BYTES]
    nonce = blob[len(_MAGIC) + _SALT_BYTES : head]
    try:
        raw = _aead(master_secret, salt).decrypt(nonce, blob[head:], _MAGIC + key_id.encode("utf-8"))
    except InvalidTag:
        raise InvalidInput(
            f"the sealed key for {key_id} does not open: wrong master secret, wrong key id or altered bytes; "
            "check the server's master secret setting",
            code="sealed_key_undecryptable",
        ) from None
    return Ed25519PrivateKey.from_private_bytes(raw)


def load_signing_key(record: PublicKeyRecord, blob: bytes, *, master_secret: bytes) -> SigningKey:
    """Unseal ``blob`` and check it is the private half of ``record``."""
    private_key = decrypt_private_key(blob, master_secret=master_secret, key_id=record.key_id)
    if _raw_public(private_key) != record.public_key:
        raise InvalidInput(
            f"the sealed key does not belong to {record.key_id}; the key table row is inconsistent",
            code="sealed_key_mismatch",
        )
    return SigningKey(record=record, private_key=private_key)


def resolver_for(records: Iterable[PublicKeyRecord]) -> KeyResolver:
    """A :data:`KeyResolver` over an in-memory set of public key records."""
    by_id = {record.key_id: record for record in records}
    return by_id.get


def records_from_did_document(document: Mapping[str, Any], *, valid_from: datetime) -> list[PublicKeyRecord]:
    """Public key records from a DID document (as :func:`~junkan.credentials.did.did_document` writes it).

    For verifying offline with a cached copy of an issuer's DID document. A DID document does not say
    since when a key is valid, so the caller supplies ``valid_from`` (e.g. the earliest date it accepts).
    Verification methods that are not Ed25519 Multikeys are skipped.
    """
    records: list[PublicKeyRecord] = []
    for method in document.get("verificationMethod", []):
        if not isinstance(method, Mapping) or method.get("type") != "Multikey":
            continue
        try:
            public_key = multikey_decode_ed25519_public(str(method.get("publicKeyMultibase", "")))
        except InvalidInput:
            continue
        revoked = method.get("revoked")
        records.append(
            PublicKeyRecord(
                key_id=str(method["id"]),
                controller=str(method.get("controller", document.get("id"))),
                public_key=public_key,
                valid_from=valid_from,
                revoked_at=datetime.fromisoformat(revoked) if isinstance(revoked, str) else None,
            )
        )
    return records
