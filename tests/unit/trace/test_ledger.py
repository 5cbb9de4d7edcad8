"""Hash-chained ledger: exact hash layout, first-broken-link detection, signed checkpoints."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from junkan.credentials import generate_signing_key, resolver_for, revoke_key
from junkan.errors import InvalidInput, RuleViolation
from junkan.trace.ledger import (
    GENESIS_HASH,
    LedgerLink,
    chain_record,
    make_checkpoint,
    verify_chain,
    verify_checkpoint,
)

T0 = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)
KEY = generate_signing_key(host="junkan.example.jp", org_id="acme", now=T0)
OTHER = generate_signing_key(host="junkan.example.jp", org_id="other", now=T0)


def make_payload(i: int) -> dict[str, Any]:
    return {"id": f"evt-{i}", "kind": "ship", "lot": f"LOT-{i % 7}", "quantity": f"{i}.5", "unit": "kg"}


def make_chain(n: int) -> list[LedgerLink]:
    links: list[LedgerLink] = []
    for seq in range(1, n + 1):
        links.append(chain_record(links[-1] if links else None, seq, make_payload(seq)))
    return links


def test_hash_layout_is_prev_hash_then_canonical_payload_then_8_byte_seq() -> None:
    first = chain_record(None, 1, {"b": 1, "a": "x"})
    assert first.canonical == b'{"a":"x","b":1}'
    assert first.prev_hash == GENESIS_HASH == bytes(32)
    expected = hashlib.sha256(bytes(32) + b'{"a":"x","b":1}' + b"\x00" * 7 + b"\x01").hexdigest()
    assert first.hash_hex == expected
    second = chain_record(first, 2, {"a": "x", "b": 1})
    assert second.prev_hash == first.hash
    assert second.hash == hashlib.sha256(first.hash + second.canonical + (2).to_bytes(8, "big")).digest()


def test_appending_out_of_sequence_is_refused() -> None:
    first = chain_record(None, 1, make_payload(1))
    with pytest.raises(RuleViolation) as err:
        chain_record(first, 3, make_payload(3))
    assert err.value.code == "ledger_seq_not_next"
    with pytest.raises(RuleViolation):
        chain_record(None, 2, make_payload(2))


def test_intact_chain_verifies_and_reports_its_head() -> None:
    chain = make_chain(5)
    verdict = verify_chain(chain)
    assert (
        verdict.ok and verdict.verified == 5 and verdict.head_seq == 5 and verdict.head_hash == chain[-1].hash
    )
    assert verify_chain([]).ok
    segment = verify_chain(chain[2:], start_seq=3, start_prev_hash=chain[1].hash)
    assert segment.ok and segment.head_hash == chain[-1].hash


def test_payload_that_differs_from_its_hashed_bytes_is_caught_only_when_checked() -> None:
    chain = make_chain(4)
    chain[2] = replace(chain[2], payload={**make_payload(3), "quantity": "999"})
    verdict = verify_chain(chain)
    assert (verdict.broken_seq, verdict.reason, verdict.verified) == (3, "payload_mismatch", 2)
    assert verify_chain(chain, check_payloads=False).ok  # the hashed bytes themselves are intact
    assert verify_chain([replace(r, payload=None) for r in chain]).ok
    chain[2] = replace(chain[2], payload={"quantity": float("nan")})  # cannot even be canonicalized
    assert verify_chain(chain).reason == "payload_mismatch"


@pytest.mark.parametrize(
    ("edit", "broken", "reason"),
    [
        (lambda c: c.pop(2), 3, "gap"),
        (lambda c: c.insert(1, c.pop(3)), 2, "out_of_order"),
        (lambda c: c.insert(3, c[2]), 3, "duplicate"),
        (lambda c: c.insert(5, c[1]), 6, "duplicate"),
        (lambda c: c.__setitem__(3, replace(c[3], prev_hash=c[1].hash)), 4, "prev_hash_mismatch"),
        (
            lambda c: c.__setitem__(0, replace(c[0], canonical=c[0].canonical.replace(b"1.5", b"9.5"))),
            1,
            "hash_mismatch",
        ),
    ],
)
def test_each_kind_of_break_is_named(edit: Any, broken: int, reason: str) -> None:
    chain = make_chain(8)
    edit(chain)
    verdict = verify_chain(chain, check_payloads=False)
    assert not verdict.ok
    assert (verdict.broken_seq, verdict.reason) == (broken, reason)
    assert "altered" in verdict.message


# --- properties: every single edit is caught, at the right seq ------------------------------------------

sizes = st.integers(min_value=2, max_value=25)


@given(data=st.data(), n=sizes)
def test_any_single_modified_byte_breaks_the_chain_at_that_record(data: st.DataObject, n: int) -> None:
    chain = make_chain(n)
    k = data.draw(st.integers(0, n - 1), label="record index")
    field = data.draw(st.sampled_from(["canonical", "hash", "prev_hash"]), label="field")
    blob = getattr(chain[k], field)
    pos = data.draw(st.integers(0, len(blob) - 1), label="byte")
    flip = data.draw(st.integers(1, 255), label="xor")
    chain[k] = replace(chain[k], **{field: blob[:pos] + bytes([blob[pos] ^ flip]) + blob[pos + 1 :]})
    verdict = verify_chain(chain, check_payloads=False)
    assert not verdict.ok and verdict.broken_seq == k + 1
    assert verdict.verified == k


@given(data=st.data(), n=sizes)
def test_any_deleted_record_but_the_last_is_a_gap_at_its_seq(data: st.DataObject, n: int) -> None:
    chain = make_chain(n)
    k = data.draw(st.integers(0, n - 2))
    del chain[k]
    verdict = verify_chain(chain)
    assert (verdict.ok, verdict.broken_seq, verdict.reason) == (False, k + 1, "gap")


@given(data=st.data(), n=sizes)
def test_any_swap_is_out_of_order_at_the_earlier_seq(data: st.DataObject, n: int) -> None:
    chain = make_chain(n)
    i = data.draw(st.integers(0, n - 2))
    j = data.draw(st.integers(i + 1, n - 1))
    chain[i], chain[j] = chain[j], chain[i]
    verdict = verify_chain(chain)
    assert (verdict.ok, verdict.broken_seq, verdict.reason) == (False, i + 1, "out_of_order")


@given(data=st.data(), n=sizes)
def test_any_inserted_record_is_caught_where_it_was_inserted(data: st.DataObject, n: int) -> None:
    chain = make_chain(n)
    p = data.draw(st.integers(0, n - 1), label="insert before index")
    kind = data.draw(st.sampled_from(["forged", "copy", "random"]), label="kind")
    if kind == "forged":  # a well-formed link claiming seq p+1, chained onto the real record p
        intruder = chain_record(chain[p - 1] if p else None, p + 1, {"id": "forged"})
    elif kind == "copy":
        intruder = chain[data.draw(st.integers(0, n - 1), label="copied index")]
    else:
        intruder = LedgerLink(
            seq=data.draw(st.integers(1, n + 3), label="seq"),
            prev_hash=data.draw(st.binary(min_size=32, max_size=32)),
            canonical=b'{"id":"x"}',
            hash=data.draw(st.binary(min_size=32, max_size=32)),
        )
    chain.insert(p, intruder)
    verdict = verify_chain(chain)
    assert not verdict.ok
    # The chain vouches for seq 1..p; the intruder at position p+1 breaks it there, except when it claims
    # seq p, right after the genuine seq p: then seq p is claimed twice and p is the first untrusted seq.
    assert verdict.broken_seq == (p if intruder.seq == p else p + 1)


# --- signed checkpoints ---------------------------------------------------------------------------------


def test_checkpoint_vouches_for_the_head_and_survives_later_appends() -> None:
    chain = make_chain(6)
    cp = make_checkpoint("acme", 4, chain[3].hash, T0 + timedelta(hours=1), KEY)
    resolve = resolver_for([KEY.record, OTHER.record])
    assert verify_checkpoint(cp, chain, resolve).ok
    assert verify_checkpoint(cp, chain[:4], resolve).ok
    assert cp.to_dict()["headHash"] == chain[3].hash_hex and cp.to_dict()["uptoSeq"] == 4


def test_checkpoint_catches_a_truncated_or_recomputed_ledger() -> None:
    chain = make_chain(6)
    cp = make_checkpoint("acme", 6, chain[5].hash, T0, KEY)
    resolve = resolver_for([KEY.record])
    # Deleting the last records leaves a chain that verifies on its own ...
    assert verify_chain(chain[:4]).ok
    # ... but not against the checkpoint.
    assert verify_checkpoint(cp, chain[:4], resolve).reason == "truncated"
    # Rewriting record 2 and recomputing every later hash also verifies on its own, but not at the head.
    rewritten = chain[:1]
    for seq in range(2, 7):
        payload = {"id": "rewritten"} if seq == 2 else make_payload(seq)
        rewritten.append(chain_record(rewritten[-1], seq, payload))
    assert verify_chain(rewritten).ok
    assert verify_checkpoint(cp, rewritten, resolve).reason == "head_mismatch"
    broken = chain[:2] + chain[3:]
    verdict = verify_checkpoint(cp, broken, resolve)
    assert verdict.reason == "gap" and verdict.chain is not None and verdict.chain.broken_seq == 3


def test_checkpoint_signature_and_key_checks() -> None:
    chain = make_chain(3)
    cp = make_checkpoint("acme", 3, chain[2].hash, T0 + timedelta(hours=1), KEY)
    assert verify_checkpoint(cp, chain, resolver_for([])).reason == "unknown_key"
    forged = replace(cp, upto_seq=2, head_hash=chain[1].hash)
    assert verify_checkpoint(forged, chain, resolver_for([KEY.record])).reason == "bad_signature"
    claimed_by_other = replace(cp, org="other")
    assert verify_checkpoint(claimed_by_other, chain, resolver_for([KEY.record])).reason == "issuer_mismatch"
    revoked = revoke_key(KEY.record, at=T0)
    assert verify_checkpoint(cp, chain, resolver_for([revoked])).reason == "key_revoked"
    with pytest.raises(RuleViolation):
        make_checkpoint("acme", 3, chain[2].hash, T0, OTHER)
    with pytest.raises(InvalidInput):
        make_checkpoint("acme", 0, chain[2].hash, T0, KEY)
