"""The answer to "does this credential verify?": ok or not, and every reason why not.

Shared by both securing formats (Data Integrity ``eddsa-jcs-2022`` and compact JWS) so that a verifier
gets the same reason codes whichever format the issuer chose. Each :class:`VerificationProblem` carries a
stable ``code`` (listed in :data:`REASONS`), the ``field`` it concerns and a message a person can act on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from junkan.credentials.keys import KeyResolver, PublicKeyRecord

__all__ = [
    "REASONS",
    "VerificationProblem",
    "VerificationResult",
    "check_key",
    "check_validity_period",
    "format_datetime",
    "issuer_id",
    "parse_datetime",
]

REASONS: Mapping[str, str] = {
    "malformed_document": "the credential is not a JSON object JCS can canonicalize, or lacks an issuer",
    "malformed_proof": "the proof is missing or a required proof property is absent or ill-formed",
    "wrong_cryptosuite": "the proof uses a type or cryptosuite this verifier does not implement",
    "unknown_key": "the verification method does not resolve to a known public key",
    "issuer_mismatch": "the signing key is not controlled by the credential's issuer",
    "key_revoked": "the key was revoked before the proof was created",
    "key_not_yet_valid": "the proof claims a creation time before the key existed",
    "tampered": "the signature does not match the document",
    "expired": "validUntil (or the proof's expires) is in the past",
    "not_yet_valid": "validFrom is in the future",
    "credential_revoked": "the issuer revoked this credential in its register (checked online only)",
}
"""Every reason code a verification can report, with its meaning."""


@dataclass(frozen=True, slots=True)
class VerificationProblem:
    """One reason a credential does not verify."""

    code: str
    field: str
    message: str


@dataclass(frozen=True, slots=True)
class VerificationResult:
    """``ok`` is true only when there is no problem at all."""

    problems: tuple[VerificationProblem, ...]
    key_id: str | None = None
    issuer: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(p.code for p in self.problems)

    def __bool__(self) -> bool:
        return self.ok


def format_datetime(moment: datetime) -> str:
    """XML Schema ``dateTimeStamp`` in UTC with a ``Z``, as VC 2.0 §4.9 examples write it."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_datetime(value: Any) -> datetime | None:
    """A time-zoned datetime from an XML Schema ``dateTimeStamp`` string, else ``None``."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def issuer_id(credential: Mapping[str, Any]) -> str | None:
    """The issuer's id: ``issuer`` is a URL or an object with an ``id`` (VC 2.0 §4.7)."""
    issuer = credential.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) and issuer else None


def check_key(
    verification_method: str,
    resolve_key: KeyResolver,
    *,
    issuer: str | None,
    created: datetime | None,
    field: str,
) -> tuple[PublicKeyRecord | None, list[VerificationProblem]]:
    """Resolve the key and check it belongs to the issuer and was usable when the proof was made."""
    record = resolve_key(verification_method)
    if record is None or record.key_id != verification_method:
        return None, [
            VerificationProblem(
                "unknown_key",
                field,
                f"no public key is known for {verification_method}; fetch the issuer's current DID "
                "document or key list and try again",
            )
        ]
    problems: list[VerificationProblem] = []
    if issuer is not None and record.controller != issuer:
        problems.append(
            VerificationProblem(
                "issuer_mismatch",
                field,
                f"the credential names {issuer} as issuer but was signed with a key of {record.controller}; "
                "only the issuer's own keys can sign its credentials",
            )
        )
    if record.revoked_at is not None and (created is None or record.is_revoked_at(created)):
        when = "at an unknown time" if created is None else f"at {format_datetime(created)}"
        problems.append(
            VerificationProblem(
                "key_revoked",
                field,
                f"key {record.key_id} was revoked at {format_datetime(record.revoked_at)} and the proof was "
                f"made {when}; ask the issuer to re-issue the credential with a current key",
            )
        )
    if created is not None and created < record.valid_from:
        problems.append(
            VerificationProblem(
                "key_not_yet_valid",
                field,
                f"the proof claims creation at {format_datetime(created)}, before key {record.key_id} "
                f"existed ({format_datetime(record.valid_from)}); the proof's date is wrong or forged",
            )
        )
    return record, problems


def check_validity_period(credential: Mapping[str, Any], *, now: datetime) -> list[VerificationProblem]:
    """``validFrom`` ≤ now ≤ ``validUntil`` (VC 2.0 §4.9); unparseable dates are malformed documents."""
    problems: list[VerificationProblem] = []
    for name in ("validFrom", "validUntil"):
        if name not in credential:
            continue
        moment = parse_datetime(credential[name])
        if moment is None:
            problems.append(
                VerificationProblem(
                    "malformed_document",
                    name,
                    f"{name} must be an XML Schema dateTimeStamp with a time zone, e.g. 2025-04-01T00:00:00Z",
                )
            )
        elif name == "validFrom" and moment > now:
            problems.append(
                VerificationProblem(
                    "not_yet_valid", name, f"the credential is valid only from {format_datetime(moment)}"
                )
            )
        elif name == "validUntil" and moment < now:
            problems.append(
                VerificationProblem(
                    "expired",
                    name,
                    f"the credential expired at {format_datetime(moment)}; ask the issuer for a renewed one",
                )
            )
    return problems
