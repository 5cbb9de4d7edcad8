"""The public surface of ``junkan.credentials`` that the service layer builds on."""

from __future__ import annotations

import junkan.credentials


def test_package_exports_are_pinned() -> None:
    assert sorted(junkan.credentials.__all__) == [
        "CRYPTOSUITE",
        "KeyResolver",
        "PublicKeyRecord",
        "REASONS",
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
    for name in junkan.credentials.__all__:
        assert hasattr(junkan.credentials, name)
