"""Passwords, session ids and API tokens: generated here, stored only as hashes.

Passwords use scrypt (stdlib ``hashlib.scrypt``, memory-hard; no extra dependency). Session ids and API
tokens are 256-bit random strings, so a single SHA-256 is enough to store them safely (no dictionary to
attack) and keeps every authenticated request fast.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets as _secrets

__all__ = [
    "TOKEN_PREFIX",
    "hash_password",
    "hash_secret",
    "new_api_token",
    "new_session_id",
    "verify_password",
]

TOKEN_PREFIX = "jk_"  # noqa: S105  (a public marker, not a secret)
_N, _R, _P = 2**14, 8, 1


def hash_password(password: str) -> str:
    salt = _secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str | None) -> bool:
    if not stored or not stored.startswith("scrypt$"):
        return False
    _, n, r, p, salt_b64, digest_b64 = stored.split("$")
    digest = hashlib.scrypt(
        password.encode(), salt=base64.b64decode(salt_b64), n=int(n), r=int(r), p=int(p), dklen=32
    )
    return hmac.compare_digest(digest, base64.b64decode(digest_b64))


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_session_id() -> str:
    return _secrets.token_urlsafe(32)


def new_api_token() -> tuple[str, str]:
    """A new token and its public lookup prefix: ``jk_<prefix>_<secret>``; only the hash is stored."""
    prefix = _secrets.token_hex(6)
    return f"{TOKEN_PREFIX}{prefix}_{_secrets.token_urlsafe(32)}", prefix
