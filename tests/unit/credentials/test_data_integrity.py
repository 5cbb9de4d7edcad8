"""eddsa-jcs-2022 Data Integrity proofs: the W3C test vector, every failure reason, tamper-evidence."""

from __future__ import annotations

import copy
import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from junkan.credentials import (
    PublicKeyRecord,
    SigningKey,
    canonicalize,
    did_document,
    generate_signing_key,
    records_from_did_document,
    resolver_for,
    revoke_key,
    sign_credential,
    verify_credential,
)
from junkan.credentials.dataintegrity import hash_data
from junkan.credentials.multibase import multibase_decode
from junkan.errors import InvalidInput, RuleViolation

T0 = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)
HOST = "junkan.example.jp"
ACME = generate_signing_key(host=HOST, org_id="acme", now=T0)
MALLORY = generate_signing_key(host=HOST, org_id="mallory", now=T0)


def make_credential(**overrides: Any) -> dict[str, Any]:
    credential: dict[str, Any] = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://test.uncefact.org/vocabulary/untp/dpp/0.5.0/",
        ],
        "id": "urn:uuid:7d0b2f0e-5a0e-4c55-9a55-3c1c8c1f0a01",
        "type": ["VerifiableCredential", "DigitalProductPassport"],
        "issuer": {"id": ACME.record.controller, "name": "ACME Beverages K.K."},
        "validFrom": "2025-04-01T00:00:00Z",
        "validUntil": "2030-04-01T00:00:00Z",
        "credentialSubject": {
            "id": "https://id.gs1.org/01/04912345678904/10/LOT42",
            "materials": [
                {"name": "PET", "massFraction": "0.92", "recycledContent": {"postConsumer": "0.35"}},
                {"name": "PP", "massFraction": "0.08", "recycledContent": {"postConsumer": "0"}},
            ],
            "unitsProduced": 120000,
            "hazardous": False,
        },
    }
    credential.update(overrides)
    return credential


def make_signed(key: SigningKey = ACME, **overrides: Any) -> dict[str, Any]:
    return sign_credential(make_credential(**overrides), key, created=T0 + timedelta(hours=1))


def verify(doc: dict[str, Any], *records: PublicKeyRecord, now: datetime = T0 + timedelta(days=1)):  # type: ignore[no-untyped-def]
    return verify_credential(doc, resolver_for(records or (ACME.record, MALLORY.record)), now=now)


# --- W3C vc-di-eddsa v1.0 test vector (TestVectors/eddsa-jcs-2022, keyPair.json) -----------------------

W3C_PRIVATE = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
W3C_PUBLIC = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
W3C_ISSUER = "https://vc.example/issuers/5678"
W3C_UNSIGNED: dict[str, Any] = {
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
    "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
    "type": ["VerifiableCredential", "AlumniCredential"],
    "name": "Alumni Credential",
    "description": "A minimum viable example of an Alumni Credential.",
    "issuer": W3C_ISSUER,
    "validFrom": "2023-01-01T00:00:00Z",
    "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
}
W3C_PROOF_VALUE = "z63t83Y53KfzJ5ZosfKTnqfMcKB2dmTrfjSaQjeNNjAD5srBowQfmWqeRb8rRjmeEuCBEsddF9LsVogtuTsijJKh4"


def make_w3c_key(method: str) -> SigningKey:
    private = Ed25519PrivateKey.from_private_bytes(multibase_decode(W3C_PRIVATE)[2:])
    record = PublicKeyRecord(
        key_id=method,
        controller=W3C_ISSUER,
        public_key=multibase_decode(W3C_PUBLIC)[2:],
        valid_from=datetime(2023, 1, 1, tzinfo=UTC),
    )
    return SigningKey(record=record, private_key=private)


def test_w3c_vector_canonical_document_and_its_hash() -> None:
    canonical = canonicalize(W3C_UNSIGNED)
    assert canonical.startswith(b'{"@context":["https://www.w3.org/ns/credentials/v2",')
    assert canonical.endswith(b'"validFrom":"2023-01-01T00:00:00Z"}')
    # TestVectors/eddsa-jcs-2022/docHashJCS.txt
    assert (
        hashlib.sha256(canonical).hexdigest()
        == "59b7cb6251b8991add1ce0bc83107e3db9dbbab5bd2c28f687db1a03abc92f19"
    )


def test_w3c_vector_combined_hash_for_the_did_key_proof_config() -> None:
    method = f"did:key:{W3C_PUBLIC}#{W3C_PUBLIC}"
    config = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "created": "2023-02-24T23:36:38Z",
        "verificationMethod": method,
        "proofPurpose": "assertionMethod",
        "@context": W3C_UNSIGNED["@context"],
    }
    # TestVectors/eddsa-jcs-2022/combinedHashJCS.txt: proofConfigHash || documentHash
    assert hash_data(W3C_UNSIGNED, config).hex() == (
        "66ab154f5c2890a140cb8388a22a160454f80575f6eae09e5a097cabe539a1db"
        "59b7cb6251b8991add1ce0bc83107e3db9dbbab5bd2c28f687db1a03abc92f19"
    )


def test_w3c_vector_signing_reproduces_the_published_proof_value_and_it_verifies() -> None:
    key = make_w3c_key(f"{W3C_ISSUER}#{W3C_PUBLIC}")
    signed = sign_credential(W3C_UNSIGNED, key, created=datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC))
    # TestVectors/eddsa-jcs-2022/signedJCS.json
    assert signed["proof"] == {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "created": "2023-02-24T23:36:38Z",
        "verificationMethod": f"{W3C_ISSUER}#{W3C_PUBLIC}",
        "proofPurpose": "assertionMethod",
        "@context": W3C_UNSIGNED["@context"],
        "proofValue": W3C_PROOF_VALUE,
    }
    result = verify_credential(signed, resolver_for([key.record]), now=datetime(2024, 1, 1, tzinfo=UTC))
    assert result.ok, result.problems


# --- our own credentials -------------------------------------------------------------------------------


def test_signed_credential_verifies_and_keeps_the_original_untouched() -> None:
    credential = make_credential()
    before = copy.deepcopy(credential)
    signed = sign_credential(credential, ACME, created=T0)
    assert credential == before
    assert signed["proof"]["verificationMethod"] == ACME.key_id
    assert signed["proof"]["proofValue"].startswith("z")
    result = verify(signed)
    assert result.ok and bool(result) and result.issuer == ACME.record.controller


def test_verifies_offline_from_a_cached_did_document_and_honours_its_revocations() -> None:
    signed = make_signed()  # created T0 + 1h
    doc = did_document(ACME.record.controller, [ACME.record])
    records = records_from_did_document(doc, valid_from=T0)
    assert records == [ACME.record]
    assert verify(signed, *records).ok
    revoked = did_document(ACME.record.controller, [revoke_key(ACME.record, at=T0)])
    assert verify(signed, *records_from_did_document(revoked, valid_from=T0)).reasons == ("key_revoked",)


def test_signing_refuses_a_key_the_issuer_does_not_control_or_a_signed_credential() -> None:
    with pytest.raises(RuleViolation) as err:
        sign_credential(make_credential(), MALLORY, created=T0)
    assert err.value.code == "signing_key_not_issuers"
    with pytest.raises(InvalidInput):
        sign_credential(make_signed(), ACME, created=T0)
    with pytest.raises(InvalidInput):
        sign_credential(make_credential(issuer=None), ACME, created=T0)


def test_tampered_field_is_reported_as_a_signature_mismatch() -> None:
    signed = make_signed()
    signed["credentialSubject"]["materials"][0]["recycledContent"]["postConsumer"] = "0.95"
    result = verify(signed)
    assert not result.ok
    assert result.reasons == ("tampered",)
    assert "changed after signing" in result.problems[0].message


def test_unknown_key() -> None:
    assert verify(make_signed(), MALLORY.record).reasons == ("unknown_key",)


def test_resigned_with_another_organisations_key_does_not_verify() -> None:
    # Mallory signs ACME's credential with her own (real, resolvable) key: the signature is valid, but
    # the key is not controlled by the issuer the credential names.
    forged_key = SigningKey(
        record=replace(MALLORY.record, controller=ACME.record.controller), private_key=MALLORY.private_key
    )
    forged = make_signed(forged_key)
    assert verify(forged).reasons == ("issuer_mismatch",)


def test_key_revoked_before_the_proof_was_made() -> None:
    signed = make_signed()  # created T0 + 1h
    assert verify(signed, revoke_key(ACME.record, at=T0 + timedelta(minutes=30))).reasons == ("key_revoked",)
    assert verify(signed, revoke_key(ACME.record, at=T0 + timedelta(hours=2))).ok


def test_proof_dated_before_the_key_existed() -> None:
    signed = sign_credential(make_credential(), ACME, created=T0 - timedelta(days=1))
    assert verify(signed).reasons == ("key_not_yet_valid",)


def test_expired_and_not_yet_valid() -> None:
    signed = make_signed()
    assert verify(signed, now=datetime(2030, 4, 2, tzinfo=UTC)).reasons == ("expired",)
    assert verify(signed, now=datetime(2025, 3, 1, tzinfo=UTC)).reasons == ("not_yet_valid",)


def test_wrong_cryptosuite() -> None:
    signed = make_signed()
    signed["proof"]["cryptosuite"] = "eddsa-rdfc-2022"
    result = verify(signed)
    assert result.reasons == ("wrong_cryptosuite",)
    assert result.problems[0].field == "proof.cryptosuite"


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d.pop("proof"), "proof"),
        (lambda d: d.__setitem__("proof", [d["proof"]]), "proof"),
        (lambda d: d["proof"].pop("verificationMethod"), "proof.verificationMethod"),
        (lambda d: d["proof"].__setitem__("proofPurpose", "authentication"), "proof.proofPurpose"),
        (lambda d: d["proof"].__setitem__("created", "yesterday"), "proof.created"),
        (
            lambda d: d["proof"].__setitem__("proofValue", "u" + d["proof"]["proofValue"][1:]),
            "proof.proofValue",
        ),
        (lambda d: d["proof"].__setitem__("proofValue", "z0OIl"), "proof.proofValue"),
        (lambda d: d["proof"].__setitem__("proofValue", "z3yQ"), "proof.proofValue"),
    ],
)
def test_malformed_proof(mutate: Any, field: str) -> None:
    signed = make_signed()
    mutate(signed)
    result = verify(signed)
    assert result.reasons == ("malformed_proof",)
    assert result.problems[0].field == field


# --- property: any single leaf change breaks verification ---------------------------------------------

leaf_values = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**6), max_value=10**6)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)


def _leaf_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _leaf_paths(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _leaf_paths(v, (*path, i))]
    return [path]


SIGNED = make_signed()
LEAVES = _leaf_paths(SIGNED)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(LEAVES), new=leaf_values)
def test_changing_any_single_leaf_of_a_signed_credential_fails_verification(
    path: tuple[Any, ...], new: Any
) -> None:
    doc = copy.deepcopy(SIGNED)
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    assume(canonicalize(parent[path[-1]]) != canonicalize(new))  # a different JSON value, not 1 vs 1.0
    parent[path[-1]] = new
    assert not verify(doc).ok


def test_every_leaf_is_covered_by_the_property() -> None:
    # The property samples from these paths; make sure they include the proof and deep subject fields.
    assert ("proof", "created") in LEAVES and ("proof", "@context", 1) in LEAVES
    assert ("credentialSubject", "materials", 1, "recycledContent", "postConsumer") in LEAVES
    assert verify(SIGNED).ok
