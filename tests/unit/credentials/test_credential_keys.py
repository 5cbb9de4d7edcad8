"""Signing keys: generation, sealing at rest, rotation, revocation, DID documents and JWKs."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from junkan.credentials import (
    decrypt_private_key,
    did_document,
    encrypt_private_key,
    generate_signing_key,
    jwk_set,
    key_id_for,
    load_signing_key,
    org_did,
    parse_key_id,
    public_jwk,
    revoke_key,
    rotate_signing_key,
)
from junkan.credentials.multibase import (
    b58decode,
    b58encode,
    multibase_decode,
    multikey_decode_ed25519_public,
    multikey_encode_ed25519_public,
)
from junkan.errors import InvalidInput, RuleViolation

T0 = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)
SECRET = bytes(range(32))


def make_key(org_id: str = "acme", n: int = 1, now: datetime = T0):  # type: ignore[no-untyped-def]
    return generate_signing_key(host="junkan.example.jp", org_id=org_id, now=now, n=n)


def test_key_id_is_a_did_web_url_with_a_sequential_fragment() -> None:
    key = make_key()
    assert key.key_id == "did:web:junkan.example.jp:org:acme#key-1"
    assert key.record.controller == "did:web:junkan.example.jp:org:acme"
    assert len(key.record.public_key) == 32
    parsed = parse_key_id(key.key_id)
    assert parsed is not None and (parsed.host, parsed.org_id, parsed.n) == ("junkan.example.jp", "acme", 1)
    assert str(parsed) == key.key_id


def test_did_web_percent_encodes_the_port_and_refuses_bad_segments() -> None:
    assert org_did("localhost:8443", "42") == "did:web:localhost%3A8443:org:42"
    # an already-encoded host (as junkan.credentials.service.host_from_base_url gives it) stays the same
    assert org_did("LocalHost%3A8443", "42") == "did:web:localhost%3A8443:org:42"
    with pytest.raises(InvalidInput):
        org_did("localhost%3Ahttp", "42")
    with pytest.raises(InvalidInput) as err:
        org_did("junkan.example.jp", "a/b")
    assert err.value.field == "org_id"
    with pytest.raises(InvalidInput):
        key_id_for("bad host", "acme", 1)
    assert parse_key_id("did:key:z6Mk#z6Mk") is None


def test_sealed_key_round_trips_and_hides_the_private_bytes() -> None:
    key = make_key()
    blob = encrypt_private_key(key.private_key, master_secret=SECRET, key_id=key.key_id)
    raw = key.private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    assert raw not in blob
    assert blob.startswith(b"JKK1")
    loaded = load_signing_key(key.record, blob, master_secret=SECRET)
    assert loaded.sign(b"m") == key.sign(b"m")  # Ed25519 is deterministic (RFC 8032 §5.1.6)
    assert "private_key" not in repr(loaded)


@pytest.mark.parametrize(
    "how",
    ["wrong secret", "other key id", "flipped byte"],
)
def test_sealed_key_refuses_to_open_when_anything_differs(how: str) -> None:
    key = make_key()
    blob = encrypt_private_key(key.private_key, master_secret=SECRET, key_id=key.key_id)
    secret, key_id = SECRET, key.key_id
    if how == "wrong secret":
        secret = bytes(32)
    elif how == "other key id":
        key_id = key_id_for("junkan.example.jp", "acme", 2)
    else:
        blob = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(InvalidInput) as err:
        decrypt_private_key(blob, master_secret=secret, key_id=key_id)
    assert err.value.code == "sealed_key_undecryptable"


def test_master_secret_must_be_long_and_blob_well_formed() -> None:
    key = make_key()
    with pytest.raises(InvalidInput) as err:
        encrypt_private_key(key.private_key, master_secret=b"short", key_id=key.key_id)
    assert err.value.code == "master_secret_too_short"
    with pytest.raises(InvalidInput) as err:
        decrypt_private_key(b"not a key", master_secret=SECRET, key_id=key.key_id)
    assert err.value.code == "sealed_key_format"


def test_sealed_key_of_another_record_is_detected() -> None:
    key, other = make_key(), make_key()
    blob = encrypt_private_key(other.private_key, master_secret=SECRET, key_id=key.key_id)
    with pytest.raises(InvalidInput) as err:
        load_signing_key(key.record, blob, master_secret=SECRET)
    assert err.value.code == "sealed_key_mismatch"


def test_rotation_numbers_after_the_highest_key_of_that_organisation_only() -> None:
    k1 = make_key()
    k3 = make_key(n=3)
    foreign = make_key(org_id="other", n=9)
    k4 = rotate_signing_key(
        [k1.record, k3.record, foreign.record], host="junkan.example.jp", org_id="acme", now=T0 + timedelta(1)
    )
    assert k4.key_id.endswith("#key-4")
    assert k4.record.public_key != k3.record.public_key
    first = rotate_signing_key([], host="junkan.example.jp", org_id="new", now=T0)
    assert first.key_id.endswith("#key-1")


def test_revocation_is_set_once_and_never_before_the_key_existed() -> None:
    record = make_key().record
    revoked = revoke_key(record, at=T0 + timedelta(days=3))
    assert revoked.revoked_at == T0 + timedelta(days=3)
    assert revoked.is_revoked_at(T0 + timedelta(days=3)) and not revoked.is_revoked_at(T0)
    assert revoke_key(record, at=T0 - timedelta(days=9)).revoked_at == T0
    with pytest.raises(RuleViolation):
        revoke_key(revoked, at=T0 + timedelta(days=4))
    with pytest.raises(InvalidInput):
        revoke_key(record, at=datetime(2025, 1, 1))  # naive on purpose


def test_did_document_lists_all_keys_and_asserts_only_unrevoked_ones() -> None:
    k1, k2 = make_key(), make_key(n=2, now=T0 + timedelta(1))
    old = revoke_key(k1.record, at=T0 + timedelta(2))
    doc = did_document(k1.record.controller, [k2.record, old])
    assert doc["id"] == "did:web:junkan.example.jp:org:acme"
    assert [m["id"] for m in doc["verificationMethod"]] == [k1.key_id, k2.key_id]
    assert doc["assertionMethod"] == [k2.key_id]
    assert doc["verificationMethod"][0]["revoked"] == "2025-04-03T09:00:00Z"
    method = doc["verificationMethod"][1]
    assert method["type"] == "Multikey" and method["publicKeyMultibase"].startswith("z6Mk")
    assert multikey_decode_ed25519_public(method["publicKeyMultibase"]) == k2.record.public_key
    with pytest.raises(InvalidInput):
        did_document("did:web:junkan.example.jp:org:other", [k2.record])


def test_public_jwk_matches_rfc8037_appendix_a() -> None:
    # RFC 8037 A.1/A.2: the private key d and the public key x of the worked example.
    d = base64.urlsafe_b64decode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=")
    public = (
        Ed25519PrivateKey.from_private_bytes(d)
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )
    jwk = public_jwk("did:web:x:org:y#key-1", public)
    assert jwk["kty"] == "OKP" and jwk["crv"] == "Ed25519"
    assert jwk["x"] == "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
    assert jwk_set([make_key().record])["keys"][0]["kid"].endswith("#key-1")


def test_multikey_matches_the_w3c_eddsa_test_vector_key_pair() -> None:
    # vc-di-eddsa TestVectors/keyPair.json: the public key Multikey derived from the private key Multikey.
    private = multibase_decode("z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq")
    assert private[:2] == b"\x80\x26"
    public = (
        Ed25519PrivateKey.from_private_bytes(private[2:])
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )
    assert multikey_encode_ed25519_public(public) == "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"


def test_base58_keeps_leading_zero_bytes_and_refuses_foreign_characters() -> None:
    # Bitcoin base58 worked example: "Hello World!" -> 2NEpo7TZRRrLZSi2U
    assert b58encode(b"Hello World!") == "2NEpo7TZRRrLZSi2U"
    assert b58encode(b"\0\0\x01") == "112"
    assert b58decode("112") == b"\0\0\x01"
    with pytest.raises(InvalidInput):
        b58decode("0OIl")
