"""The ledger (台帳): each organisation's append-only, hash-chained sequence of trace records.

Link ``seq`` (1, 2, 3, …) stores its payload's canonical bytes (RFC 8785 JCS, the same canonical form
credentials are signed over) and::

    hash(seq) = SHA-256( prev_hash || canonical(payload) || seq as 8-byte big-endian )

with ``prev_hash`` of link 1 = 32 zero bytes. ``prev_hash`` and ``seq`` have fixed widths, so the
concatenation is unambiguous. Changing, deleting, reordering or inserting any record changes a hash that a
later link or a checkpoint commits to, so tampering is detectable (tamper-evident, not tamper-proof).

Verification hashes the stored canonical bytes, never re-serialises dicts, which keeps it within a small
factor of raw SHA-256 throughput (``bench/ledger_verify.py``); when a link also carries its payload,
``check_payloads=True`` additionally checks that the stored bytes are the canonical form of that payload.

A chain alone cannot show that its *tail* was cut off or that the whole chain was recomputed; a signed
:class:`Checkpoint` ("the head up to seq N is H", signed by the organisation's key) closes that gap.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any

from cryptography.exceptions import InvalidSignature

from junkan.credentials.did import parse_key_id
from junkan.credentials.jcs import canonicalize
from junkan.credentials.keys import KeyResolver, SigningKey
from junkan.credentials.verification import format_datetime
from junkan.errors import InvalidInput, RuleViolation

__all__ = [
    "GENESIS_HASH",
    "ChainVerdict",
    "Checkpoint",
    "CheckpointVerdict",
    "LedgerLink",
    "chain_record",
    "link_hash",
    "make_checkpoint",
    "verify_chain",
    "verify_checkpoint",
]

GENESIS_HASH = bytes(32)
_SEQ = struct.Struct(">Q")


@dataclass(frozen=True, slots=True)
class LedgerLink:
    """One record of the chain. ``payload`` may be absent when only the stored bytes were loaded."""

    seq: int
    prev_hash: bytes
    canonical: bytes
    hash: bytes
    payload: Mapping[str, Any] | None = None

    @property
    def hash_hex(self) -> str:
        return self.hash.hex()


def link_hash(prev_hash: bytes, canonical: bytes, seq: int) -> bytes:
    """SHA-256(prev_hash || canonical || seq as unsigned 64-bit big-endian)."""
    return hashlib.sha256(prev_hash + canonical + _SEQ.pack(seq)).digest()


def chain_record(prev: LedgerLink | None, seq: int, payload: Mapping[str, Any]) -> LedgerLink:
    """The link that appends ``payload`` after ``prev`` (``None`` for the first record, seq 1)."""
    expected = 1 if prev is None else prev.seq + 1
    if seq != expected:
        raise RuleViolation(
            f"the next ledger record must have seq {expected}, not {seq}; records are appended one at a time",
            code="ledger_seq_not_next",
            field="seq",
        )
    prev_hash = GENESIS_HASH if prev is None else prev.hash
    canonical = canonicalize(payload)
    return LedgerLink(seq, prev_hash, canonical, link_hash(prev_hash, canonical, seq), payload)


@dataclass(frozen=True, slots=True)
class ChainVerdict:
    """The outcome of :func:`verify_chain`.

    ``broken_seq`` is the lowest sequence number the chain no longer vouches for: the record whose hash or
    ``prev_hash`` does not match, the first missing seq (``gap``), the seq found out of place
    (``out_of_order``), or, when a seq is claimed twice in a row (``duplicate``), that seq, since either
    claimant may be the inserted one. ``verified`` counts the links that verified before the break.
    """

    ok: bool
    verified: int
    head_seq: int
    head_hash: bytes
    broken_seq: int | None = None
    reason: str | None = None
    message: str = ""


def _canonical_or_none(payload: Mapping[str, Any]) -> bytes | None:
    try:
        return canonicalize(payload)
    except InvalidInput:  # not JSON-representable, so it cannot be what was hashed
        return None


def _seq_break(records: Sequence[LedgerLink], index: int, expected: int) -> tuple[int, str, str]:
    seq = records[index].seq
    if seq == expected - 1:
        return seq, "duplicate", f"seq {seq} appears twice in a row; one of the two records was inserted"
    if seq < expected:
        return expected, "duplicate", f"seq {seq} appears again where seq {expected} was expected"
    if any(r.seq == expected for r in records[index + 1 :]):
        return (
            expected,
            "out_of_order",
            f"seq {seq} comes where seq {expected} was expected; records were moved",
        )
    return expected, "gap", f"seq {expected} is missing (the next record is seq {seq}); a record was deleted"


def verify_chain(
    records: Sequence[LedgerLink],
    *,
    check_payloads: bool = True,
    start_seq: int = 1,
    start_prev_hash: bytes = GENESIS_HASH,
) -> ChainVerdict:
    """Check every link and name the first broken one; ``start_*`` verify a segment after a known link."""
    sha256, pack = hashlib.sha256, _SEQ.pack
    prev, expected = start_prev_hash, start_seq
    broken: tuple[int, str, str] | None = None
    # The hot loop: plain for-iteration, local names, incremental hashing (no concatenated copy); a
    # mismatch only breaks out, and the slow classification happens once, after the loop.
    for record in records:
        seq = record.seq
        if seq != expected or record.prev_hash != prev:
            break
        digest = sha256(prev)
        digest.update(record.canonical)
        digest.update(pack(seq))
        if digest.digest() != record.hash:
            broken = (seq, "hash_mismatch", f"record {seq}'s stored hash does not match its content")
            break
        prev = record.hash
        expected += 1
    index = expected - start_seq
    if broken is None and index < len(records):
        record = records[index]
        if record.seq != expected:
            broken = _seq_break(records, index, expected)
        else:
            broken = (
                expected,
                "prev_hash_mismatch",
                f"record {expected} does not point at the hash of record {expected - 1}",
            )
    if check_payloads:
        for record in islice(records, index):
            if record.payload is not None and _canonical_or_none(record.payload) != record.canonical:
                broken = (
                    record.seq,
                    "payload_mismatch",
                    f"record {record.seq}'s payload differs from its hashed canonical bytes",
                )
                index = record.seq - start_seq
                break
    if broken is not None:
        seq, reason, message = broken
        head = records[index - 1] if index else None
        return ChainVerdict(
            ok=False,
            verified=index,
            head_seq=head.seq if head else start_seq - 1,
            head_hash=head.hash if head else start_prev_hash,
            broken_seq=seq,
            reason=reason,
            message=message + "; the ledger was altered after it was written",
        )
    return ChainVerdict(ok=True, verified=index, head_seq=expected - 1, head_hash=prev)


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A signed statement by ``org``: "my ledger's head at seq ``upto_seq`` is ``head_hash``" at ``at``."""

    org: str
    upto_seq: int
    head_hash: bytes
    at: datetime
    key_id: str
    signature: bytes

    def statement(self) -> bytes:
        return _statement(self.org, self.upto_seq, self.head_hash, self.at, self.key_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "org": self.org,
            "uptoSeq": self.upto_seq,
            "headHash": self.head_hash.hex(),
            "at": format_datetime(self.at),
            "keyId": self.key_id,
            "signature": self.signature.hex(),
        }


def _statement(org: str, upto_seq: int, head_hash: bytes, at: datetime, key_id: str) -> bytes:
    return canonicalize(
        {
            "type": "JunkanLedgerCheckpoint",
            "version": 1,
            "org": org,
            "uptoSeq": upto_seq,
            "headHash": head_hash.hex(),
            "at": format_datetime(at),
            "keyId": key_id,
        }
    )


def make_checkpoint(
    org: str, upto_seq: int, head_hash: bytes, at: datetime, private_key: SigningKey
) -> Checkpoint:
    """Sign the head of ``org``'s ledger at ``upto_seq`` with one of the organisation's keys."""
    parsed = parse_key_id(private_key.key_id)
    if parsed is None or parsed.org_id != org:
        raise RuleViolation(
            f"key {private_key.key_id} is not a key of organisation {org}; "
            "sign with the organisation's own key",
            code="checkpoint_key_not_orgs",
        )
    if upto_seq < 1 or len(head_hash) != 32:
        raise InvalidInput(
            "a checkpoint covers seq >= 1 and a 32-byte SHA-256 head hash", code="checkpoint_invalid"
        )
    if at.tzinfo is None:
        raise InvalidInput("at must carry a time zone", code="naive_datetime", field="at")
    at = at.replace(microsecond=0)  # the statement carries whole seconds; keep the value equal to it
    signature = private_key.sign(_statement(org, upto_seq, head_hash, at, private_key.key_id))
    return Checkpoint(org, upto_seq, head_hash, at, private_key.key_id, signature)


@dataclass(frozen=True, slots=True)
class CheckpointVerdict:
    """``ok`` when the checkpoint is genuine and the chain verifies and reaches its head."""

    ok: bool
    reason: str | None = None
    message: str = ""
    chain: ChainVerdict | None = None


def verify_checkpoint(
    checkpoint: Checkpoint,
    records: Sequence[LedgerLink],
    resolve_key: KeyResolver,
    *,
    check_payloads: bool = True,
) -> CheckpointVerdict:
    """Check the checkpoint's signature, then that ``records`` verify and reach its head at its seq."""
    record = resolve_key(checkpoint.key_id)
    if record is None:
        return CheckpointVerdict(False, "unknown_key", f"no public key is known for {checkpoint.key_id}")
    parsed = parse_key_id(record.key_id)
    if parsed is None or parsed.org_id != checkpoint.org:
        return CheckpointVerdict(
            False, "issuer_mismatch", f"{checkpoint.key_id} is not a key of organisation {checkpoint.org}"
        )
    if record.is_revoked_at(checkpoint.at):
        return CheckpointVerdict(
            False, "key_revoked", f"{checkpoint.key_id} was revoked before the checkpoint"
        )
    try:
        record.ed25519().verify(checkpoint.signature, checkpoint.statement())
    except InvalidSignature:
        return CheckpointVerdict(
            False, "bad_signature", "the checkpoint's signature does not match its statement"
        )
    chain = verify_chain(records, check_payloads=check_payloads)
    if not chain.ok:
        return CheckpointVerdict(False, chain.reason, chain.message, chain)
    if chain.head_seq < checkpoint.upto_seq:
        return CheckpointVerdict(
            False,
            "truncated",
            f"the ledger ends at seq {chain.head_seq} but the checkpoint vouches for seq "
            f"{checkpoint.upto_seq}; records were deleted from its end",
            chain,
        )
    if records[checkpoint.upto_seq - 1].hash != checkpoint.head_hash:
        return CheckpointVerdict(
            False,
            "head_mismatch",
            f"record {checkpoint.upto_seq} is not the one the checkpoint vouches for; "
            "the ledger was rewritten",
            chain,
        )
    return CheckpointVerdict(True, chain=chain)
