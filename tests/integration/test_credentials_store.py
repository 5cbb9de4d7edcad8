"""Credentials use cases against real SQLite and real PostgreSQL (each test runs on both).

Signing inside another context's unit of work, verifying from the key table, rotation, revocation,
the register, and the guarantee that private keys only ever reach the database sealed.
"""

from __future__ import annotations

import copy
import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from tests.factories import World

from junkan.credentials import (
    decrypt_private_key,
    generate_signing_key,
    load_signing_key,
    sign_credential,
    sign_credential_jws,
)
from junkan.credentials import service as credentials
from junkan.errors import Conflict, InvalidInput, NotFound, PermissionDenied, RuleViolation
from junkan.members.model import Role
from junkan.pagination import PageRequest
from junkan.store.credentials_repo import CredentialsRepo
from junkan.store.metadata import metadata
from junkan.store.tables.credentials import issued_credentials, signing_keys
from junkan.store.tables.platform import audit_log

SECRET = b"integration-master-secret-0123456789-abcdef"
HOST = "junkan.example.jp"
T0 = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def world(engine) -> World:
    return World(engine)


def make_credential(**over: Any) -> dict[str, Any]:
    credential: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:0f5c6a36-1111-4a59-9d7e-2b7f5c0c0001",
        "type": ["VerifiableCredential", "DigitalProductPassport"],
        "issuer": {"id": "https://someone.else.example", "name": "Sakura Beverages"},
        "validFrom": "2025-04-01T00:00:00Z",
        "credentialSubject": {
            "id": "https://id.gs1.org/01/04912345678904",
            "recycledContent": {"postConsumer": "0.35"},
            "units": 120000,
        },
    }
    credential.update(over)
    return credential


def sign(world: World, org_id: int, now: datetime = T0, **over: Any) -> dict[str, Any]:
    """Sign the way another context does: inside its own unit of work, then commit."""
    with world.uow as uow:
        signed = credentials.sign_with_org_key(
            uow.conn, org_id, make_credential(**over), master_secret=SECRET, host=HOST, now=now
        )
        uow.commit()
    return signed


def verify(world: World, document: Any, now: datetime = T0 + timedelta(days=1)):
    return credentials.verify_document(world.uow, document, now=now)


def count(world: World, table) -> int:
    with world.engine.connect() as c:
        return c.execute(select(func.count()).select_from(table)).scalar_one()


def test_host_and_did_helpers() -> None:
    assert credentials.host_from_base_url("http://127.0.0.1:8000") == "127.0.0.1%3A8000"
    assert credentials.host_from_base_url("https://Junkan.Example.JP/") == "junkan.example.jp"
    assert credentials.host_from_base_url("https://junkan.example.jp:443") == "junkan.example.jp"
    assert credentials.org_did_for(7, host="127.0.0.1%3A8000") == "did:web:127.0.0.1%3A8000:org:7"
    for bad in ("ftp://x.example", "https://x.example/junkan", "not a url"):
        with pytest.raises(InvalidInput):
            credentials.host_from_base_url(bad)


def test_sign_inside_a_unit_of_work_creates_a_key_registers_and_verifies(world: World) -> None:
    org_id, _ = world.org()
    signed = sign(world, org_id)
    did = f"did:web:{HOST}:org:{org_id}"
    # the issuer is forced to the organisation's DID; the issuer's other properties survive
    assert signed["issuer"] == {"id": did, "name": "Sakura Beverages"}
    assert signed["proof"]["verificationMethod"] == f"{did}#key-1"
    assert signed["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    result = verify(world, signed)
    assert result.ok, result.problems
    assert (result.issuer, result.key_id) == (did, f"{did}#key-1")
    # one key, one register entry, audited
    assert count(world, signing_keys) == 1
    page = credentials.list_issued(world.uow, world.system, org_id, PageRequest(10))
    (entry,) = page.items
    assert entry["credential_id"] == "urn:uuid:0f5c6a36-1111-4a59-9d7e-2b7f5c0c0001"
    assert entry["types"] == ["VerifiableCredential", "DigitalProductPassport"]
    assert entry["subject_ref"] == "https://id.gs1.org/01/04912345678904"
    assert entry["key_id"] == f"{did}#key-1" and entry["proof_format"] == "data-integrity"
    with world.engine.connect() as c:
        actions = [r[0] for r in c.execute(select(audit_log.c.action).where(audit_log.c.org_id == org_id))]
    assert "key.create" in actions and "credential.issue" in actions
    # a second signature reuses the key
    sign(world, org_id, now=T0 + timedelta(hours=1), id="urn:uuid:second")
    assert count(world, signing_keys) == 1 and count(world, issued_credentials) == 2


def test_a_string_issuer_or_none_becomes_the_org_did(world: World) -> None:
    org_id, _ = world.org()
    did = f"did:web:{HOST}:org:{org_id}"
    assert sign(world, org_id, issuer="https://evil.example")["issuer"] == did
    cred = make_credential()
    del cred["issuer"]
    with world.uow as uow:
        signed = credentials.sign_with_org_key(
            uow.conn, org_id, cred, master_secret=SECRET, host=HOST, now=T0
        )
    assert signed["issuer"] == did and "issuer" not in cred  # the caller's dict is not modified


def test_signing_rolls_back_with_the_callers_unit_of_work(world: World) -> None:
    org_id, _ = world.org()
    with world.uow as uow:
        credentials.sign_with_org_key(
            uow.conn, org_id, make_credential(), master_secret=SECRET, host=HOST, now=T0
        )
        # no commit: the caller's use case failed after signing
    assert count(world, signing_keys) == 0 and count(world, issued_credentials) == 0


def test_signing_for_an_unknown_org_is_refused(world: World) -> None:
    with world.uow as uow, pytest.raises(NotFound):
        credentials.sign_with_org_key(
            uow.conn, 999_999, make_credential(), master_secret=SECRET, host=HOST, now=T0
        )


def test_private_keys_are_stored_sealed_never_raw(world: World, tmp_path: Path) -> None:
    org_id, admin = world.org()
    sign(world, org_id)
    credentials.rotate_org_key(world.uow, admin, master_secret=SECRET, host=HOST)
    with world.engine.connect() as c:
        keys = list(c.execute(select(signing_keys)))
        raw = [
            decrypt_private_key(
                bytes(k.private_key_sealed), master_secret=SECRET, key_id=k.key_id
            ).private_bytes_raw()
            for k in keys
        ]
        assert len(raw) == 2 and all(len(r) == 32 for r in raw)
        # no column of any table holds the raw private key (nor its hex/base64 forms)
        forms = [f for r in raw for f in (r, r.hex().encode(), r.hex().upper().encode())]
        for table in metadata.sorted_tables:
            for row in c.execute(select(table)):
                for value in row:
                    blob = value if isinstance(value, bytes) else str(value).encode()
                    assert not any(f in blob for f in forms), f"raw private key found in {table.name}"
    if world.engine.dialect.name == "sqlite":
        world.engine.dispose()
        path = Path(str(world.engine.url.database))
        data = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
        assert not any(r in data for r in raw)
    # the sealed key does not open with another master secret
    with pytest.raises(InvalidInput):
        decrypt_private_key(bytes(keys[0].private_key_sealed), master_secret=b"x" * 40, key_id=keys[0].key_id)


def test_rotation_keeps_old_signatures_verifiable(world: World) -> None:
    org_id, admin = world.org()
    old = sign(world, org_id, now=T0)
    rotated = credentials.rotate_org_key(
        world.uow, dataclasses.replace(admin, now=T0 + timedelta(days=30)), master_secret=SECRET, host=HOST
    )
    assert rotated["key_id"].endswith("#key-2") and rotated["status"] == "active"
    new = sign(world, org_id, now=T0 + timedelta(days=31), id="urn:uuid:after-rotation")
    assert new["proof"]["verificationMethod"].endswith("#key-2")
    later = T0 + timedelta(days=60)
    assert verify(world, old, later).ok and verify(world, new, later).ok
    # a back-dated signing (a historical record) uses the key that was current then
    back = sign(world, org_id, now=T0 + timedelta(days=1), id="urn:uuid:historical")
    assert back["proof"]["verificationMethod"].endswith("#key-1")
    keys = credentials.list_org_keys(world.uow, org_id)
    assert [k["n"] for k in keys] == [1, 2]
    assert all("private" not in name for k in keys for name in k)
    doc = credentials.did_document_for(world.uow, org_id, host=HOST)
    assert doc["assertionMethod"] == [k["key_id"] for k in keys]


def test_revoked_key_refuses_signatures_made_after_revocation(world: World) -> None:
    org_id, admin = world.org()
    before = sign(world, org_id, now=T0)
    key_id = before["proof"]["verificationMethod"]
    t_revoke = T0 + timedelta(days=10)
    view = credentials.revoke_org_key(world.uow, admin, key_id, now=t_revoke)
    assert view["status"] == "revoked" and view["revoked_at"] == t_revoke
    # a signature made with the revoked key after revocation (say, by whoever stole it) is refused
    with world.uow as uow:
        stored = CredentialsRepo(uow.conn).get_key(key_id)
    assert stored is not None
    stolen = load_signing_key(stored.record, stored.sealed, master_secret=SECRET)
    after = sign_credential({k: v for k, v in before.items() if k != "proof"}, stolen, created=t_revoke)
    result = verify(world, after, t_revoke + timedelta(days=1))
    assert result.reasons == ("key_revoked",)
    jws = sign_credential_jws({k: v for k, v in before.items() if k != "proof"}, stolen, issued_at=t_revoke)
    assert verify(world, jws, t_revoke + timedelta(days=1)).reasons == ("key_revoked",)
    # what it signed before revocation still verifies (retired, not compromised)
    assert verify(world, before, t_revoke + timedelta(days=1)).ok
    # the platform never signs with a revoked key: the next signature gets a fresh key
    fresh = sign(world, org_id, now=t_revoke + timedelta(days=1), id="urn:uuid:fresh")
    assert fresh["proof"]["verificationMethod"].endswith("#key-2")
    with pytest.raises(RuleViolation):
        credentials.revoke_org_key(world.uow, admin, key_id, now=t_revoke)


def test_compromised_key_disowns_everything_it_signed(world: World) -> None:
    org_id, admin = world.org()
    signed = sign(world, org_id, now=T0)
    credentials.revoke_org_key(
        world.uow, admin, signed["proof"]["verificationMethod"], now=T0 + timedelta(days=5), compromised=True
    )
    assert verify(world, signed).reasons == ("key_revoked",)


def test_only_the_owners_admin_rotates_or_revokes_and_refusals_change_nothing(world: World) -> None:
    a, admin_a = world.org()
    _, admin_b = world.org()
    editor_a = world.person(a, Role.EDITOR)
    signed = sign(world, a)
    key_id = signed["proof"]["verificationMethod"]
    before = (count(world, signing_keys), count(world, audit_log))
    with pytest.raises(PermissionDenied):
        credentials.rotate_org_key(world.uow, admin_b, master_secret=SECRET, host=HOST, org_id=a)
    with pytest.raises(PermissionDenied):
        credentials.rotate_org_key(world.uow, editor_a, master_secret=SECRET, host=HOST)
    with pytest.raises(PermissionDenied):
        credentials.revoke_org_key(world.uow, admin_b, key_id, now=T0)
    with pytest.raises(NotFound):
        credentials.revoke_org_key(world.uow, admin_a, key_id.replace("#key-1", "#key-9"), now=T0)
    assert (count(world, signing_keys), count(world, audit_log)) == before
    assert credentials.list_org_keys(world.uow, a)[0]["status"] == "active"
    with pytest.raises(PermissionDenied):
        credentials.list_issued(world.uow, admin_b, a, PageRequest(10))


def _leaves(value: Any, path: tuple = ()) -> list[tuple]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _leaves(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _leaves(v, (*path, i))]
    return [path]


def _changed(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + "x" if not value.startswith("z") else value[:-2] + value[-1] + value[-2]
    return "changed"


def test_a_tampered_or_re_signed_credential_never_verifies(world: World) -> None:
    a, _ = world.org()
    b, _ = world.org()
    signed = sign(world, a)
    assert verify(world, signed).ok
    # every single leaf of the credential and its proof, changed, breaks verification
    for path in _leaves(signed):
        if (
            path == ("proof", "proofValue")
            and signed["proof"]["proofValue"][-1] == signed["proof"]["proofValue"][-2]
        ):
            continue
        tampered = copy.deepcopy(signed)
        node = tampered
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = _changed(node[path[-1]])
        assert not verify(world, tampered).ok, f"changing {path} went unnoticed"
    # an added field too
    assert verify(world, {**signed, "extra": 1}).reasons == ("tampered",)
    # B re-signs A's content claiming to be A: B's key is not A's
    with world.uow as uow:
        b_key = CredentialsRepo(uow.conn).keys_of(b)
    assert b_key == []  # B has no key yet; give it one by signing
    sign(world, b)
    with world.uow as uow:
        (stored_b,) = CredentialsRepo(uow.conn).keys_of(b)
    b_signing = load_signing_key(stored_b.record, stored_b.sealed, master_secret=SECRET)
    unsecured = {k: v for k, v in signed.items() if k != "proof"}
    forged = sign_credential({**unsecured, "issuer": stored_b.record.controller}, b_signing, created=T0)
    forged["issuer"] = signed["issuer"]
    assert "issuer_mismatch" in verify(world, forged).reasons
    # a fresh key that claims A's key id does not match the public key on record
    impostor = generate_signing_key(host=HOST, org_id=str(a), now=T0)
    assert impostor.key_id == signed["proof"]["verificationMethod"]
    assert verify(world, sign_credential(unsecured, impostor, created=T0)).reasons == ("tampered",)
    # and a key id nobody registered is unknown
    stranger = generate_signing_key(host=HOST, org_id="424242", now=T0)
    other = sign_credential({**unsecured, "issuer": stranger.record.controller}, stranger, created=T0)
    assert verify(world, other).reasons == ("unknown_key",)


def test_expiry_and_jws_and_register_revocation(world: World) -> None:
    org_id, admin = world.org()
    expiring = sign(world, org_id, validUntil="2025-05-01T00:00:00Z")
    assert verify(world, expiring, datetime(2025, 4, 15, tzinfo=UTC)).ok
    assert verify(world, expiring, datetime(2025, 6, 1, tzinfo=UTC)).reasons == ("expired",)
    with world.uow as uow:
        token = credentials.sign_jws_with_org_key(
            uow.conn, org_id, make_credential(id="urn:uuid:jws"), master_secret=SECRET, host=HOST, now=T0
        )
        uow.commit()
    assert verify(world, token).ok and verify(world, {"jws": token}).ok
    # the issuer revokes the JWS credential in its register: online verification says so
    page = credentials.list_issued(world.uow, admin, org_id, PageRequest(10))
    jws_entry = next(e for e in page.items if e["proof_format"] == "jws")
    credentials.revoke_issued_credential(world.uow, admin, jws_entry["id"], now=T0 + timedelta(days=2))
    assert verify(world, token, T0 + timedelta(days=3)).reasons == ("credential_revoked",)
    assert verify(world, token, T0 + timedelta(days=1)).ok  # not yet revoked at that time
    with pytest.raises(RuleViolation):
        credentials.revoke_issued_credential(world.uow, admin, jws_entry["id"], now=T0 + timedelta(days=3))
    _, admin_b = world.org()
    dp_entry = next(e for e in page.items if e["proof_format"] == "data-integrity")
    with pytest.raises(NotFound):
        credentials.revoke_issued_credential(world.uow, admin_b, dp_entry["id"], now=T0)


def test_offline_verification_with_the_did_document(world: World) -> None:
    org_id, admin = world.org()
    old = sign(world, org_id, now=T0)
    credentials.rotate_org_key(
        world.uow, dataclasses.replace(admin, now=T0 + timedelta(days=1)), master_secret=SECRET, host=HOST
    )
    new = sign(world, org_id, now=T0 + timedelta(days=2), id="urn:uuid:new")
    doc = credentials.did_document_for(world.uow, org_id, host=HOST)
    later = T0 + timedelta(days=3)
    assert credentials.verify_offline(old, [doc], now=later).ok
    assert credentials.verify_offline(new, [doc], now=later).ok
    assert credentials.verify_offline(new, [], now=later).reasons == ("unknown_key",)
    # a DID document cannot vouch for another DID's keys
    _, admin_b = world.org()
    other = credentials.ensure_org_key(
        world.uow, admin_b, admin_b.principal.org_id, master_secret=SECRET, host=HOST
    )
    doc_b = credentials.did_document_for(world.uow, admin_b.principal.org_id, host=HOST)
    smuggled = {**doc_b, "verificationMethod": doc_b["verificationMethod"] + doc["verificationMethod"]}
    assert credentials.verify_offline(new, [smuggled], now=later).reasons == ("unknown_key",)
    assert other["key_id"].endswith("#key-1")
    with pytest.raises(InvalidInput):
        credentials.verify_offline(new, [{"verificationMethod": []}], now=later)


def test_a_concurrently_created_key_is_a_conflict_and_nothing_half_written(world: World, monkeypatch) -> None:
    org_id, admin = world.org()
    sign(world, org_id)
    before = (count(world, signing_keys), count(world, audit_log))
    # the other request committed key-1 after this one read the (then empty) key list
    monkeypatch.setattr(CredentialsRepo, "keys_of", lambda self, org: [])
    with pytest.raises(Conflict) as err:
        credentials.rotate_org_key(world.uow, admin, master_secret=SECRET, host=HOST)
    assert err.value.code == "key_created_concurrently"
    monkeypatch.undo()
    assert (count(world, signing_keys), count(world, audit_log)) == before
