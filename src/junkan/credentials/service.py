"""Use cases of the credentials context: sign as an organisation, verify, rotate and revoke keys, register.

Other contexts issue credentials through :func:`sign_with_org_key` (or :func:`sign_jws_with_org_key`)
*inside their own unit of work*: they pass their open connection, so the key creation, the register entry,
the audit row and their own records commit or roll back together. They are responsible for checking that
their actor may act for ``org_id``; this function signs for whichever organisation it is given.

Issuer policy: the platform signs only as the organisation itself, so a credential's ``issuer`` is always
the organisation's DID ``did:web:<host>:org:<org_id>``. A missing issuer is set to that DID; an issuer
object (``{"id": …, "name": …}``) keeps its other properties and gets that DID as ``id``; any other
issuer is replaced by the DID. Callers that want the organisation's name shown should send an issuer
object with a ``name``.

Which key signs: the organisation's newest key that is not revoked and was already valid at ``now``. When
there is none (a new organisation, or every key revoked) a fresh key is created, valid from ``now``. Key
times are whole seconds because proofs record ``created`` in whole seconds (a key valid from 09:00:00.4
would otherwise be "not yet valid" for a proof made at 09:00:00).

Revoking a credential in the register is checked by :func:`verify_document` (online); offline
verification with a DID document cannot know about it.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from junkan.actor import Actor
from junkan.credentials.dataintegrity import sign_credential
from junkan.credentials.did import did_document, host_from_base_url, org_did, public_jwk
from junkan.credentials.documents import (
    credential_types,
    result_view,
    secured_digest,
    subject_ref,
    verify_offline,
    verify_secured,
    with_issuer,
)
from junkan.credentials.jcs import canonicalize
from junkan.credentials.jws import sign_credential_jws
from junkan.credentials.keys import (
    PublicKeyRecord,
    SigningKey,
    encrypt_private_key,
    load_signing_key,
    revoke_key,
    rotate_signing_key,
)
from junkan.credentials.multibase import multikey_encode_ed25519_public
from junkan.credentials.verification import VerificationProblem, VerificationResult, format_datetime
from junkan.errors import Conflict, InvalidInput, NotFound, RuleViolation
from junkan.members.model import SYSTEM_ORG_ID, Scope
from junkan.pagination import Page, PageRequest
from junkan.store import audit
from junkan.store.credentials_repo import CredentialsRepo, IssuedCredential, StoredKey
from junkan.store.members_repo import MembersRepo
from junkan.store.uow import UnitOfWork

__all__ = [
    "did_document_for",
    "ensure_org_key",
    "host_from_base_url",
    "issued_view",
    "key_view",
    "list_issued",
    "list_org_keys",
    "org_did_for",
    "result_view",
    "revoke_issued_credential",
    "revoke_org_key",
    "rotate_org_key",
    "sign_jws_with_org_key",
    "sign_with_org_key",
    "verify_document",
    "verify_offline",
]


# identifiers ------------------------------------------------------------------------------------
def org_did_for(org_id: int, *, host: str) -> str:
    """The DID of organisation ``org_id`` on this deployment: ``did:web:<host>:org:<org_id>``."""
    return org_did(host, str(org_id))


def _seconds(moment: datetime, name: str = "now") -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInput(
            f"{name} must carry a time zone; pass datetime(..., tzinfo=UTC)",
            code="naive_datetime",
            field=name,
        )
    return moment.astimezone(UTC).replace(microsecond=0)


# views ------------------------------------------------------------------------------------------
def key_view(key: StoredKey) -> dict[str, Any]:
    """A key as anyone may see it: the public half and its lifetime, never the sealed private key."""
    r = key.record
    return {
        "key_id": r.key_id,
        "controller": r.controller,
        "org_id": key.org_id,
        "n": key.n,
        "type": "Multikey",
        "public_key_multibase": multikey_encode_ed25519_public(r.public_key),
        "public_key_jwk": public_jwk(r.key_id, r.public_key),
        "valid_from": r.valid_from,
        "revoked_at": r.revoked_at,
        "status": "revoked" if r.revoked_at is not None else "active",
    }


def issued_view(entry: IssuedCredential) -> dict[str, Any]:
    return {**dataclasses.asdict(entry), "types": list(entry.types)}


# keys -------------------------------------------------------------------------------------------
def _system(now: datetime) -> Actor:
    return dataclasses.replace(Actor.system("credentials service"), now=now)


def _require_org(conn: Connection, org_id: int) -> None:
    if org_id == SYSTEM_ORG_ID or MembersRepo(conn).get_org(org_id) is None:
        raise NotFound(f"organisation {org_id} does not exist", field="org_id")


def _usable(keys: Sequence[StoredKey], did: str, now: datetime) -> StoredKey | None:
    candidates = [
        k
        for k in keys
        if k.record.controller == did and k.record.revoked_at is None and k.record.valid_from <= now
    ]
    return max(candidates, key=lambda k: (k.record.valid_from, k.n), default=None)


def _create_key(
    conn: Connection,
    actor: Actor,
    org_id: int,
    *,
    master_secret: bytes,
    host: str,
    now: datetime,
    action: str,
) -> tuple[StoredKey, SigningKey]:
    repo = CredentialsRepo(conn)
    existing = repo.keys_of(org_id)
    key = rotate_signing_key([k.record for k in existing], host=host, org_id=str(org_id), now=_seconds(now))
    sealed = encrypt_private_key(key.private_key, master_secret=master_secret, key_id=key.key_id)
    n = int(key.key_id.rsplit("#key-", 1)[1])
    multibase = multikey_encode_ed25519_public(key.record.public_key)
    try:
        row_id = repo.add_key(
            org_id=org_id,
            n=n,
            record=key.record,
            public_key_multibase=multibase,
            sealed=sealed,
            now=actor.now,
        )
    except IntegrityError:
        # Two requests created the organisation's next key at the same moment; the other one won.
        raise Conflict(
            f"key {key.key_id} was just created by a concurrent request; retry",
            code="key_created_concurrently",
            field="key_id",
        ) from None
    audit.record(
        conn,
        actor,
        action=action,
        entity="signing_key",
        entity_id=row_id,
        org_id=org_id,
        changes={
            "key_id": key.key_id,
            "public_key_multibase": multibase,
            "valid_from": key.record.valid_from,
            "previous": [k.record.key_id for k in existing if k.record.revoked_at is None],
        },
    )
    stored = StoredKey(id=row_id, org_id=org_id, n=n, record=key.record, sealed=sealed, created_at=actor.now)
    return stored, key


def _signing_key(
    conn: Connection, actor: Actor, org_id: int, *, master_secret: bytes, host: str, now: datetime
) -> SigningKey:
    _require_org(conn, org_id)
    current = _usable(CredentialsRepo(conn).keys_of(org_id), org_did_for(org_id, host=host), now)
    if current is None:
        return _create_key(
            conn, actor, org_id, master_secret=master_secret, host=host, now=now, action="key.create"
        )[1]
    return load_signing_key(current.record, current.sealed, master_secret=master_secret)


def ensure_org_key(
    uow: UnitOfWork, actor: Actor, org_id: int, *, master_secret: bytes, host: str
) -> dict[str, Any]:
    """The organisation's current key, created (valid from ``actor.now``) if it has none usable."""
    actor.signed_in.require(Scope.ADMIN, org_id=org_id, action="create the organisation's signing key")
    now = _seconds(actor.now)
    with uow:
        _require_org(uow.conn, org_id)
        repo = CredentialsRepo(uow.conn)
        current = _usable(repo.keys_of(org_id), org_did_for(org_id, host=host), now)
        if current is None:
            current, _ = _create_key(
                uow.conn, actor, org_id, master_secret=master_secret, host=host, now=now, action="key.create"
            )
        uow.commit()
    return key_view(current)


def rotate_org_key(
    uow: UnitOfWork, actor: Actor, *, master_secret: bytes, host: str, org_id: int | None = None
) -> dict[str, Any]:
    """A new key (next number, valid from ``actor.now``) for the actor's organisation; admins only.

    Earlier keys stay in the key table and the DID document, unrevoked, so everything they signed still
    verifies; new signatures use the new key. ``org_id`` defaults to the actor's own organisation (the
    platform operator must name one).
    """
    p = actor.signed_in
    target = p.org_id if org_id is None else org_id
    p.require(Scope.ADMIN, org_id=target, action="rotate the organisation's signing key")
    with uow:
        _require_org(uow.conn, target)
        stored, _ = _create_key(
            uow.conn,
            actor,
            target,
            master_secret=master_secret,
            host=host,
            now=actor.now,
            action="key.rotate",
        )
        uow.commit()
    return key_view(stored)


def revoke_org_key(
    uow: UnitOfWork, actor: Actor, key_id: str, *, now: datetime, compromised: bool = False
) -> dict[str, Any]:
    """Revoke one of the organisation's keys as of ``now``; admins of the owning organisation only.

    Signatures made before ``now`` stay valid (a retired key). With ``compromised`` the key is revoked as
    of the moment it became valid, so every signature it ever made is refused — a thief could back-date
    ``created``. The key stays listed (as revoked) so verifiers get ``key_revoked``, not ``unknown_key``.
    """
    p = actor.signed_in
    at = _seconds(now)
    with uow:
        repo = CredentialsRepo(uow.conn)
        stored = repo.get_key(key_id)
        if stored is None:
            raise NotFound(
                f"no signing key {key_id!r} on this platform; copy the key id from the key list",
                code="key_not_found",
                field="key_id",
            )
        p.require(Scope.ADMIN, org_id=stored.org_id, action="revoke a signing key")
        revoked = revoke_key(stored.record, at=stored.record.valid_from if compromised else at)
        assert revoked.revoked_at is not None
        repo.set_key_revoked(key_id, revoked.revoked_at)
        audit.record(
            uow.conn,
            actor,
            action="key.revoke",
            entity="signing_key",
            entity_id=stored.id,
            org_id=stored.org_id,
            changes={"key_id": key_id, "revoked_at": revoked.revoked_at, "compromised": compromised},
        )
        uow.commit()
    return key_view(dataclasses.replace(stored, record=revoked))


def list_org_keys(uow: UnitOfWork, org_id: int) -> list[dict[str, Any]]:
    """Every key the organisation ever had (public halves only), oldest first. Public."""
    with uow:
        _require_org(uow.conn, org_id)
        return [key_view(k) for k in CredentialsRepo(uow.conn).keys_of(org_id)]


def did_document_for(uow: UnitOfWork, org_id: int, *, host: str) -> dict[str, Any]:
    """The DID document of ``did:web:<host>:org:<org_id>``: every key of that DID, revoked ones marked."""
    did = org_did_for(org_id, host=host)
    with uow:
        _require_org(uow.conn, org_id)
        keys = [k.record for k in CredentialsRepo(uow.conn).keys_of(org_id) if k.record.controller == did]
    return did_document(did, keys)


# issuing ----------------------------------------------------------------------------------------
def _register(
    conn: Connection,
    actor: Actor,
    org_id: int,
    credential: Mapping[str, Any],
    *,
    key_id: str,
    proof_format: str,
    digest: str,
    now: datetime,
) -> None:
    raw_id = credential.get("id")
    credential_id = raw_id[:500] if isinstance(raw_id, str) else None
    types, subject = credential_types(credential), (subject_ref(credential) or "")[:500] or None
    register_id = CredentialsRepo(conn).add_issued(
        org_id=org_id,
        credential_id=credential_id,
        types=types,
        subject_ref=subject,
        key_id=key_id,
        proof_format=proof_format,
        digest=digest,
        issued_at=now,
    )
    entry = {
        "credential_id": credential_id,
        "types": types,
        "subject_ref": subject,
        "key_id": key_id,
        "proof_format": proof_format,
        "digest": digest,
    }
    audit.record(
        conn,
        actor,
        action="credential.issue",
        entity="issued_credential",
        entity_id=register_id,
        org_id=org_id,
        changes=entry,
    )


def sign_with_org_key(
    conn: Connection,
    org_id: int,
    credential: dict[str, Any],
    *,
    master_secret: bytes,
    host: str,
    now: datetime,
    actor: Actor | None = None,
) -> dict[str, Any]:
    """``credential`` signed by organisation ``org_id`` (eddsa-jcs-2022 Data Integrity proof), registered.

    Runs inside the caller's open transaction on ``conn`` and does not commit. Sets ``issuer`` to the
    organisation's DID (see the module docstring), creates the organisation's first key if needed, and
    writes the register entry and audit rows (as ``actor`` when given, else as the credentials service).
    """
    moment = _seconds(now)
    who = actor or _system(moment)
    unsecured = with_issuer(credential, org_did_for(org_id, host=host))
    key = _signing_key(conn, who, org_id, master_secret=master_secret, host=host, now=moment)
    signed = sign_credential(unsecured, key, created=moment)
    digest = hashlib.sha256(canonicalize(signed)).hexdigest()
    _register(
        conn, who, org_id, signed, key_id=key.key_id, proof_format="data-integrity", digest=digest, now=moment
    )
    return signed


def sign_jws_with_org_key(
    conn: Connection,
    org_id: int,
    credential: dict[str, Any],
    *,
    master_secret: bytes,
    host: str,
    now: datetime,
    actor: Actor | None = None,
) -> str:
    """As :func:`sign_with_org_key`, but secured as a compact ``vc+jwt`` JWS (returned as the token)."""
    moment = _seconds(now)
    who = actor or _system(moment)
    unsecured = with_issuer(credential, org_did_for(org_id, host=host))
    key = _signing_key(conn, who, org_id, master_secret=master_secret, host=host, now=moment)
    token = sign_credential_jws(unsecured, key, issued_at=moment)
    digest = hashlib.sha256(token.encode("ascii")).hexdigest()
    _register(conn, who, org_id, unsecured, key_id=key.key_id, proof_format="jws", digest=digest, now=moment)
    return token


# verifying --------------------------------------------------------------------------------------
def verify_document(
    uow: UnitOfWork, document: Mapping[str, Any] | str, *, now: datetime
) -> VerificationResult:
    """Verify a Data Integrity credential (a JSON object, or its text) or a compact JWS (a string, or
    ``{"jws": "…"}``) with the keys in this platform's key table — any organisation's, rotated and
    revoked ones included — and the issuers' registers (a revoked credential reports
    ``credential_revoked``)."""
    _seconds(now)  # refuses a naive datetime, which could not be compared with the credential's times
    with uow:
        repo = CredentialsRepo(uow.conn)
        cache: dict[str, PublicKeyRecord | None] = {}

        def resolve(key_id: str) -> PublicKeyRecord | None:
            if key_id not in cache:
                stored = repo.get_key(key_id)
                cache[key_id] = stored.record if stored else None
            return cache[key_id]

        result = verify_secured(document, resolve, now=now)
        digest = secured_digest(document)
        revoked = [
            e
            for e in (repo.issued_by_digest(digest) if digest else [])
            if e.revoked_at and e.revoked_at <= now
        ]
    if revoked:
        problem = VerificationProblem(
            "credential_revoked",
            "$",
            f"the issuer revoked this credential at {format_datetime(revoked[0].revoked_at or now)}; "
            "ask the issuer for the credential that replaces it",
        )
        return dataclasses.replace(result, problems=(*result.problems, problem))
    return result


# the register -----------------------------------------------------------------------------------
def list_issued(uow: UnitOfWork, actor: Actor, org_id: int, page: PageRequest) -> Page[dict[str, Any]]:
    """The organisation's register of issued credentials, newest first; its own members only."""
    actor.signed_in.require(Scope.READ, org_id=org_id, action="see the register of issued credentials")
    with uow:
        _require_org(uow.conn, org_id)
        res = CredentialsRepo(uow.conn).list_issued(org_id, page)
    return Page([issued_view(e) for e in res.items], res.total, res.limit, res.offset)


def revoke_issued_credential(
    uow: UnitOfWork, actor: Actor, register_id: int, *, now: datetime
) -> dict[str, Any]:
    """Mark a credential of the register revoked as of ``now`` (editors and admins of the issuer)."""
    p = actor.signed_in
    at = _seconds(now)
    with uow:
        repo = CredentialsRepo(uow.conn)
        entry = repo.get_issued(register_id)
        if entry is None or not (p.is_system or p.org_id == entry.org_id):
            raise NotFound(f"issued credential {register_id} not found", field="register_id")
        p.require(Scope.WRITE, org_id=entry.org_id, action="revoke an issued credential")
        if entry.revoked_at is not None:
            raise RuleViolation(
                f"this credential was already revoked at {format_datetime(entry.revoked_at)}",
                code="credential_already_revoked",
                field="register_id",
            )
        repo.set_issued_revoked(register_id, at)
        audit.record(
            uow.conn,
            actor,
            action="credential.revoke",
            entity="issued_credential",
            entity_id=register_id,
            org_id=entry.org_id,
            changes={"credential_id": entry.credential_id, "revoked_at": at},
        )
        uow.commit()
    return issued_view(dataclasses.replace(entry, revoked_at=at))
