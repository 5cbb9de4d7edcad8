"""Tables of the credentials context: organisations' signing keys and the register of issued credentials.

``signing_keys`` keeps every key an organisation ever had — the public half forever (old credentials must
stay verifiable after a rotation or a revocation), the private half only sealed with the master secret
(AES-256-GCM, see ``junkan.credentials.keys``); the raw private key never reaches the database.
``issued_credentials`` is each organisation's register of what it signed: ids, type, subject and a digest
of the secured document, so an issuer can revoke a credential and a verifier can see that it did.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, LargeBinary, String, Table

from junkan.store.metadata import UtcDateTime, metadata

__all__ = ["issued_credentials", "signing_keys"]

signing_keys = Table(
    "signing_keys",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # No ON DELETE CASCADE: public keys are kept as long as credentials signed with them may circulate.
    Column("org_id", ForeignKey("organizations.id"), nullable=False, index=True),
    Column("key_id", String(300), nullable=False, unique=True),  # did:web DID URL …#key-<n>
    Column("controller", String(300), nullable=False),  # the organisation's DID
    Column("n", Integer, nullable=False),
    Column("public_key", LargeBinary(32), nullable=False),  # raw Ed25519 public key
    Column("public_key_multibase", String(64), nullable=False),  # Multikey z6Mk…
    Column("private_key_sealed", LargeBinary(128), nullable=False),  # JKK1 || salt || nonce || AES-GCM
    Column("valid_from", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
)

issued_credentials = Table(
    "issued_credentials",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("org_id", ForeignKey("organizations.id"), nullable=False),
    Column("credential_id", String(500), nullable=True),  # the credential's own "id" (often urn:uuid:…)
    Column("types", String(300), nullable=False),  # its "type" values, comma-separated
    Column("subject_ref", String(500), nullable=True),  # credentialSubject.id
    Column("key_id", ForeignKey("signing_keys.key_id"), nullable=False),
    Column("proof_format", String(20), nullable=False),  # data-integrity | jws
    Column("digest", String(64), nullable=False, index=True),  # SHA-256 hex of the secured form
    Column("issued_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime, nullable=True),
    Index("ix_issued_credentials_org_issued", "org_id", "issued_at"),
)
