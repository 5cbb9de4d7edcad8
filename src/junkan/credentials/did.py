"""Decentralised identifiers for organisations and their keys: ``did:web`` DIDs, DID documents, JWKs.

Choice: every organisation is ``did:web:<host>:org:<org_id>`` and its n-th signing key is the DID URL
``did:web:<host>:org:<org_id>#key-<n>``. ``did:web`` (W3C CCG did:web method) resolves over plain HTTPS
to ``https://<host>/org/<org_id>/did.json``, which the platform can serve from its own key table: no
blockchain, no third party, and the identifier stays stable across key rotations (unlike ``did:key``,
whose identifier *is* the key). Key ids are sequential so a rotation is visible in the id itself.
A port in the host is percent-encoded (``example.org%3A8443``) as did:web §3.1 requires.

The DID document lists every key ever used, so old credentials stay verifiable offline; a revoked key
carries ``revoked`` (Controlled Identifiers v1.0, §2.2 verification method properties) and is left out of
``assertionMethod``.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from junkan.credentials.multibase import multikey_encode_ed25519_public
from junkan.errors import InvalidInput

if TYPE_CHECKING:
    from junkan.credentials.keys import PublicKeyRecord

__all__ = [
    "KeyId",
    "did_document",
    "host_from_base_url",
    "jwk_set",
    "key_id_for",
    "org_did",
    "parse_key_id",
    "public_jwk",
]

_HOST = re.compile(r"^[A-Za-z0-9.-]+(%3A[0-9]{1,5})?$")
_ORG = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_KEY_ID = re.compile(r"^did:web:(?P<host>[^:#]+):org:(?P<org>[A-Za-z0-9._-]{1,64})#key-(?P<n>[1-9][0-9]*)$")


@dataclass(frozen=True, slots=True)
class KeyId:
    """The parts of a junkan key id ``did:web:<host>:org:<org_id>#key-<n>``."""

    host: str
    org_id: str
    n: int

    @property
    def controller(self) -> str:
        return f"did:web:{self.host}:org:{self.org_id}"

    def __str__(self) -> str:
        return f"{self.controller}#key-{self.n}"


def _host(host: str) -> str:
    # Accept the host already encoded ("example.org%3A8443") as well as with a plain colon.
    encoded = host.replace("%3A", ":").replace("%3a", ":").lower().replace(":", "%3A")
    if not _HOST.match(encoded):
        raise InvalidInput(
            f"{host!r} is not a host name for did:web; give a DNS name such as 'junkan.example.jp' "
            "(optionally with ':port')",
            code="did_web_host_invalid",
            field="host",
        )
    return encoded


_DEFAULT_PORTS = {"http": 80, "https": 443}


def host_from_base_url(base_url: str) -> str:
    """The did:web host of a deployment's public URL: ``http://127.0.0.1:8000`` → ``127.0.0.1%3A8000``.

    did:web §3.1 percent-encodes the port colon; the scheme's default port is left out. A base URL with a
    path is refused: ``did:web:<host>:org:<id>`` must resolve to ``https://<host>/org/<id>/did.json``.
    """
    parts = urlsplit(base_url.strip())
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise InvalidInput(
            f"{base_url!r} is not an http(s) URL; set JUNKAN_BASE_URL to e.g. https://junkan.example.jp",
            code="base_url_invalid",
            field="base_url",
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise InvalidInput(
            f"{base_url!r} has a path; did:web identifiers need the platform at the root of its host "
            "(https://host/org/<id>/did.json): serve it from a host of its own",
            code="base_url_has_path",
            field="base_url",
        )
    try:
        port = parts.port
    except ValueError:
        raise InvalidInput(
            f"{base_url!r} has an invalid port", code="base_url_invalid", field="base_url"
        ) from None
    host = parts.hostname.lower()
    if port is not None and port != _DEFAULT_PORTS[parts.scheme]:
        host = f"{host}%3A{port}"
    return _host(host)


def org_did(host: str, org_id: str) -> str:
    """The DID of an organisation: ``did:web:<host>:org:<org_id>``."""
    if not _ORG.match(org_id):
        raise InvalidInput(
            f"{org_id!r} cannot be a DID path segment; use letters, digits, '.', '_' or '-' (max 64)",
            code="did_org_id_invalid",
            field="org_id",
        )
    return f"did:web:{_host(host)}:org:{org_id}"


def key_id_for(host: str, org_id: str, n: int) -> str:
    """The DID URL of an organisation's n-th key (n starts at 1)."""
    if n < 1:
        raise InvalidInput("key numbers start at 1", code="key_number_invalid", field="n")
    return f"{org_did(host, org_id)}#key-{n}"


def parse_key_id(key_id: str) -> KeyId | None:
    """Split a junkan key id into host, org id and number; ``None`` if it is not one of ours."""
    match = _KEY_ID.match(key_id)
    if match is None:
        return None
    return KeyId(host=match["host"], org_id=match["org"], n=int(match["n"]))


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def public_jwk(key_id: str, public_key: bytes) -> dict[str, str]:
    """An Ed25519 public key as a JWK (RFC 8037 §2: ``kty`` OKP, ``crv`` Ed25519, ``x`` base64url)."""
    if len(public_key) != 32:
        raise InvalidInput("an Ed25519 public key has 32 bytes", code="ed25519_key_length")
    return {"kty": "OKP", "crv": "Ed25519", "x": _b64url(public_key), "kid": key_id, "alg": "EdDSA"}


def jwk_set(keys: Iterable[PublicKeyRecord]) -> dict[str, list[dict[str, str]]]:
    """A JWK Set (RFC 7517 §5) of the given public key records."""
    return {"keys": [public_jwk(k.key_id, k.public_key) for k in keys]}


def did_document(did: str, keys: Iterable[PublicKeyRecord]) -> dict[str, Any]:
    """The DID document of ``did`` listing ``keys`` as Multikey verification methods.

    Every key controlled by ``did`` is listed so that credentials signed before a rotation still verify;
    only keys that are not revoked are referenced from ``assertionMethod``.
    """
    methods: list[dict[str, Any]] = []
    assertion: list[str] = []
    for key in sorted(keys, key=lambda k: k.valid_from):
        if key.controller != did:
            raise InvalidInput(
                f"key {key.key_id} is controlled by {key.controller}, not {did}; pass only that DID's keys",
                code="did_key_controller_mismatch",
            )
        method: dict[str, Any] = {
            "id": key.key_id,
            "type": "Multikey",
            "controller": key.controller,
            "publicKeyMultibase": multikey_encode_ed25519_public(key.public_key),
        }
        if key.revoked_at is not None:
            method["revoked"] = key.revoked_at.isoformat().replace("+00:00", "Z")
        else:
            assertion.append(key.key_id)
        methods.append(method)
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": assertion,
    }
