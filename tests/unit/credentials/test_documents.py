"""Presented documents: format detection, issuer policy, digests, did:web hosts, offline verification."""

from __future__ import annotations

import base64
import copy
import hashlib
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from junkan.credentials import (
    canonicalize,
    did_document,
    generate_signing_key,
    revoke_key,
    sign_credential,
    sign_credential_jws,
)
from junkan.credentials.did import host_from_base_url
from junkan.credentials.documents import (
    credential_types,
    parse_document,
    result_view,
    secured_digest,
    subject_ref,
    verify_offline,
    with_issuer,
)
from junkan.errors import InvalidInput

T0 = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)
LATER = datetime(2025, 6, 1, tzinfo=UTC)
HOST = "junkan.example.jp"
ACME = generate_signing_key(host=HOST, org_id="12", now=T0)
OTHER = generate_signing_key(host=HOST, org_id="13", now=T0)


def make_credential(**over: Any) -> dict[str, Any]:
    credential: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:5d1f3c52-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential", "DigitalProductPassport"],
        "issuer": {"id": ACME.record.controller, "name": "ACME"},
        "validFrom": "2025-04-01T00:00:00Z",
        "credentialSubject": {"id": "https://id.gs1.org/01/04912345678904", "share": "0.35", "n": 3},
    }
    credential.update(over)
    return credential


def test_host_from_base_url_follows_did_web() -> None:
    assert host_from_base_url("http://127.0.0.1:8000") == "127.0.0.1%3A8000"
    assert host_from_base_url("https://junkan.example.jp") == "junkan.example.jp"
    assert host_from_base_url("https://junkan.example.jp:443/") == "junkan.example.jp"
    assert host_from_base_url("http://junkan.example.jp:443") == "junkan.example.jp%3A443"
    for bad, code in (
        ("ftp://x.example", "base_url_invalid"),
        ("https://x.example/junkan", "base_url_has_path"),
        ("https://x.example:99999", "base_url_invalid"),
        ("junkan.example.jp", "base_url_invalid"),
    ):
        with pytest.raises(InvalidInput) as err:
            host_from_base_url(bad)
        assert err.value.code == code and err.value.field == "base_url"


def test_issuer_policy() -> None:
    did = "did:web:junkan.example.jp:org:12"
    assert with_issuer({"type": "VerifiableCredential"}, did)["issuer"] == did
    assert with_issuer({"issuer": "https://evil.example"}, did)["issuer"] == did
    assert with_issuer({"issuer": {"id": "x", "name": "ACME"}}, did)["issuer"] == {"id": did, "name": "ACME"}
    original = {"issuer": {"name": "ACME"}}
    with_issuer(original, did)
    assert original == {"issuer": {"name": "ACME"}}
    with pytest.raises(InvalidInput):
        with_issuer(["not", "an", "object"], did)  # type: ignore[arg-type]


def test_register_facts() -> None:
    assert credential_types({"type": "VerifiableCredential"}) == ("VerifiableCredential",)
    assert credential_types({"type": ["VerifiableCredential", 3, "X"]}) == ("VerifiableCredential", "X")
    assert credential_types({}) == ()
    assert subject_ref({"credentialSubject": [{"name": "no id"}, {"id": "urn:a"}]}) == "urn:a"
    assert subject_ref({"credentialSubject": "urn:b"}) is None


def test_parse_document_tells_the_formats_apart() -> None:
    signed = sign_credential(make_credential(), ACME, created=T0)
    token = sign_credential_jws(make_credential(), ACME, issued_at=T0)
    assert parse_document(signed) == ("data-integrity", signed)
    assert parse_document(canonicalize(signed).decode()) == ("data-integrity", signed)
    assert parse_document(f"  {token}\n") == ("jws", token)
    assert parse_document({"jws": token}) == ("jws", token)
    bad = parse_document("{not json")
    assert not isinstance(bad, tuple) and bad.reasons == ("malformed_document",)
    bad = parse_document({"jws": 3})
    assert not isinstance(bad, tuple) and bad.reasons == ("malformed_proof",)
    bad = parse_document([1, 2])  # type: ignore[arg-type]
    assert not isinstance(bad, tuple) and bad.reasons == ("malformed_document",)


def test_secured_digest_is_of_the_jcs_form_or_the_token() -> None:
    signed = sign_credential(make_credential(), ACME, created=T0)
    expected = hashlib.sha256(canonicalize(signed)).hexdigest()
    reordered = dict(reversed(list(signed.items())))
    assert secured_digest(signed) == secured_digest(reordered) == expected
    token = sign_credential_jws(make_credential(), ACME, issued_at=T0)
    assert secured_digest({"jws": token}) == hashlib.sha256(token.encode()).hexdigest()
    assert secured_digest({"x": float("nan")}) is None and secured_digest("{broken") is None


def test_offline_verification_and_its_reasons() -> None:
    doc = did_document(ACME.record.controller, [ACME.record])
    signed = sign_credential(make_credential(), ACME, created=T0)
    assert verify_offline(signed, [doc], now=LATER).ok
    assert verify_offline(
        {"jws": sign_credential_jws(make_credential(), ACME, issued_at=T0)}, [doc], now=LATER
    ).ok
    assert verify_offline(signed, [], now=LATER).reasons == ("unknown_key",)
    revoked = did_document(ACME.record.controller, [revoke_key(ACME.record, at=T0)])
    assert verify_offline(signed, [revoked], now=LATER).reasons == ("key_revoked",)
    with pytest.raises(InvalidInput):
        verify_offline(signed, [doc], now=LATER.replace(tzinfo=None))
    answer = result_view(verify_offline(signed, [], now=LATER))
    assert answer["ok"] is False and answer["problems"][0]["code"] == "unknown_key"
    assert set(answer["problems"][0]) == {"code", "field", "message"}


def test_a_did_document_cannot_vouch_for_another_dids_key() -> None:
    signed = sign_credential(make_credential(), ACME, created=T0)
    other_doc = did_document(OTHER.record.controller, [OTHER.record])
    acme_method = did_document(ACME.record.controller, [ACME.record])["verificationMethod"][0]
    smuggled = {**other_doc, "verificationMethod": [*other_doc["verificationMethod"], acme_method]}
    assert verify_offline(signed, [smuggled], now=LATER).reasons == ("unknown_key",)
    # nor by claiming the controller while listing the method under its own id
    disguised = {**acme_method, "controller": OTHER.record.controller}
    forged_doc = {**other_doc, "verificationMethod": [disguised]}
    assert verify_offline(signed, [forged_doc], now=LATER).reasons == ("unknown_key",)


def test_malformed_did_documents_are_refused_with_the_path() -> None:
    signed = sign_credential(make_credential(), ACME, created=T0)
    with pytest.raises(InvalidInput) as err:
        verify_offline(signed, [{"verificationMethod": []}], now=LATER)
    assert err.value.field == "did_documents[0].id"
    method = did_document(ACME.record.controller, [ACME.record])["verificationMethod"][0]
    for bad_method in (
        {k: v for k, v in method.items() if k != "id"},
        {**method, "revoked": "yesterday"},
        {**method, "revoked": "2025-01-01T00:00:00"},
    ):
        broken = {"id": ACME.record.controller, "verificationMethod": [bad_method]}
        with pytest.raises(InvalidInput) as err:
            verify_offline(signed, [broken], now=LATER)
        assert err.value.code == "did_document_invalid"


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _paths(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _paths(v, (*path, i))]
    return [path]


SIGNED = sign_credential(make_credential(), ACME, created=T0)
DOC = did_document(ACME.record.controller, [ACME.record])


@settings(max_examples=150, deadline=None)
@given(index=st.integers(min_value=0), replacement=st.text(max_size=12) | st.integers() | st.booleans())
def test_any_changed_leaf_never_verifies_offline(index: int, replacement: Any) -> None:
    paths = _paths(SIGNED)
    path = paths[index % len(paths)]
    tampered = copy.deepcopy(SIGNED)
    node: Any = tampered
    for step in path[:-1]:
        node = node[step]
    if node[path[-1]] == replacement:
        replacement = f"{replacement}!"
    node[path[-1]] = replacement
    assert not verify_offline(tampered, [DOC], now=LATER).ok


def test_absurdly_nested_input_gets_an_answer_not_a_crash() -> None:
    deep: Any = []
    for _ in range(700):
        deep = [deep]
    forged = copy.deepcopy(SIGNED)
    forged["credentialSubject"] = {"id": "urn:x", "deep": deep}
    assert verify_offline(forged, [DOC], now=LATER).reasons == ("malformed_document",)
    assert secured_digest(forged) is None
    with pytest.raises(InvalidInput) as err:
        canonicalize(deep)
    assert err.value.code == "jcs_too_deep"
    text = '{"a":' + "[" * 5000 + "]" * 5000 + "}"  # too deep for the JSON parser itself
    assert verify_offline(text, [DOC], now=LATER).reasons == ("malformed_document",)
    header = "eyJhbGciOiJFZERTQSJ9"
    payload = base64.urlsafe_b64encode(b"[" * 5000 + b"]" * 5000).rstrip(b"=").decode()
    assert verify_offline({"jws": f"{header}.{payload}.c2ln"}, [DOC], now=LATER).reasons == (
        "malformed_proof",
    )
