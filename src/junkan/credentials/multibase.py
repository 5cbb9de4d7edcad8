"""Multibase base58-btc and Multikey encodings used by Data Integrity proofs and DID documents.

- ``z`` + base58-btc is the multibase form of ``proofValue`` (VC Data Integrity EdDSA Cryptosuites v1.0,
  §3.3.1 "Add Proof", step 4) and of ``publicKeyMultibase``.
- An Ed25519 public key in Multikey form is the multicodec prefix ``0xed 0x01`` followed by the 32 raw key
  bytes (Controlled Identifiers v1.0, §2.2.2 "Multikey"); the private key prefix is ``0x80 0x26``.
"""

from __future__ import annotations

from junkan.errors import InvalidInput

__all__ = [
    "ED25519_PRIV_PREFIX",
    "ED25519_PUB_PREFIX",
    "b58decode",
    "b58encode",
    "multibase_decode",
    "multibase_encode",
    "multikey_decode_ed25519_public",
    "multikey_encode_ed25519_public",
]

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {c: i for i, c in enumerate(_ALPHABET)}

ED25519_PUB_PREFIX = b"\xed\x01"
ED25519_PRIV_PREFIX = b"\x80\x26"


def b58encode(data: bytes) -> str:
    """Base58 with the Bitcoin alphabet; each leading zero byte becomes a leading ``1``."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    chars: list[str] = []
    while number:
        number, rem = divmod(number, 58)
        chars.append(_ALPHABET[rem])
    return "1" * zeros + "".join(reversed(chars))


def b58decode(text: str) -> bytes:
    """Inverse of :func:`b58encode`; raises ``InvalidInput`` for characters outside the alphabet."""
    number = 0
    for char in text:
        digit = _INDEX.get(char)
        if digit is None:
            raise InvalidInput(
                f"{char!r} is not a base58-btc character; copy the value again without changes",
                code="base58_invalid",
            )
        number = number * 58 + digit
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def multibase_encode(data: bytes) -> str:
    """Multibase base58-btc: ``z`` followed by base58-btc."""
    return "z" + b58encode(data)


def multibase_decode(text: str) -> bytes:
    """Decode a ``z``-prefixed multibase string (the only base Data Integrity EdDSA proofs use)."""
    if not text.startswith("z"):
        raise InvalidInput(
            "expected a multibase base58-btc value starting with 'z'",
            code="multibase_unsupported",
        )
    return b58decode(text[1:])


def multikey_encode_ed25519_public(raw: bytes) -> str:
    """``publicKeyMultibase`` of a raw 32-byte Ed25519 public key (``z6Mk…``)."""
    if len(raw) != 32:
        raise InvalidInput("an Ed25519 public key has 32 bytes", code="ed25519_key_length")
    return multibase_encode(ED25519_PUB_PREFIX + raw)


def multikey_decode_ed25519_public(text: str) -> bytes:
    """Raw 32-byte Ed25519 public key from ``publicKeyMultibase``."""
    data = multibase_decode(text)
    if not data.startswith(ED25519_PUB_PREFIX) or len(data) != 34:
        raise InvalidInput(
            "publicKeyMultibase is not an Ed25519 Multikey (expected 'z6Mk…', 0xed01 + 32 bytes)",
            code="multikey_not_ed25519",
        )
    return data[2:]
