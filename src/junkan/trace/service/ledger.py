"""An organisation's hash-chained ledger: the next link, verifying the chain, signed checkpoints of its head.

Every recorded event is one link, ``SHA-256(prev_hash || JCS(payload) || seq)`` (:mod:`junkan.trace.ledger`).
Verification streams the links in chunks and names the first broken one; a checkpoint is the organisation's
signed statement "my ledger's head at seq N is H", which reveals truncation or a wholesale rewrite that the
chain alone cannot.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from junkan.actor import Actor
from junkan.errors import RuleViolation
from junkan.members.model import Scope
from junkan.store import audit
from junkan.store.trace_repo import LEDGER_TYPE, TraceRepo
from junkan.store.uow import UnitOfWork
from junkan.trace.ledger import GENESIS_HASH, ChainVerdict, LedgerLink, link_hash, verify_chain
from junkan.trace.service.access import can_verify

__all__ = ["create_checkpoint", "list_checkpoints", "next_link", "verify_ledger"]


def next_link(prev: LedgerLink | None, text: str, fp: str) -> LedgerLink:
    """The next ledger link for an event whose canonical payload text is ``text``.

    Same bytes as ``chain_record(prev, seq, ledger_payload(payload, fp))`` — the JCS form of
    ``{"event": payload, "fingerprint": fp, "type": LEDGER_TYPE}`` — assembled from the text already built
    for the fingerprint instead of encoding the payload a second time (the integration tests check every
    link with ``verify_chain(check_payloads=True)``, which re-canonicalises).
    """
    seq = prev.seq + 1 if prev else 1
    prev_hash = prev.hash if prev else GENESIS_HASH
    canonical = f'{{"event":{text},"fingerprint":"{fp}","type":"{LEDGER_TYPE}"}}'.encode()
    return LedgerLink(seq, prev_hash, canonical, link_hash(prev_hash, canonical, seq))


def verify_ledger(uow: UnitOfWork, actor: Actor, org_id: int) -> dict[str, Any]:
    """Check every link of the organisation's ledger and name the first broken one (streamed in chunks)."""
    can_verify(actor.signed_in, org_id)
    with uow:
        repo = TraceRepo(uow.conn)
        head_seq, head_hash = repo.ledger_head(org_id)
        verdict: ChainVerdict | None = None
        start_seq, start_prev = 1, bytes(32)
        verified = 0
        for chunk in repo.iter_links(org_id):
            verdict = verify_chain(
                chunk, check_payloads=True, start_seq=start_seq, start_prev_hash=start_prev
            )
            verified += verdict.verified
            if not verdict.ok:
                break
            start_seq, start_prev = verdict.head_seq + 1, verdict.head_hash
        chain_head = (
            (start_seq - 1, start_prev)
            if verdict is None or verdict.ok
            else (verdict.head_seq, verdict.head_hash)
        )
        out: dict[str, Any] = {
            "org_id": org_id,
            "verified": verified,
            "head_seq": chain_head[0],
            "head_hash": chain_head[1].hex(),
        }
        if verdict is not None and not verdict.ok:
            out.update(
                ok=False, broken_seq=verdict.broken_seq, reason=verdict.reason, message=verdict.message
            )
        elif head_seq > chain_head[0]:
            out.update(
                ok=False,
                broken_seq=chain_head[0] + 1,
                reason="truncated",
                message=f"the ledger head says seq {head_seq} but the chain ends at seq {chain_head[0]}; "
                "records were deleted from its end",
            )
        elif head_seq == chain_head[0] and head_seq and head_hash != chain_head[1]:
            out.update(
                ok=False,
                broken_seq=head_seq,
                reason="head_mismatch",
                message=f"record {head_seq} is not the one the ledger head points at; "
                "the ledger was rewritten",
            )
        else:
            out.update(ok=True, broken_seq=None, reason=None, message="every link verifies")
        if out.get("broken_seq"):
            out["broken_event_id"] = repo.link_event_client_id(org_id, int(out["broken_seq"]))
        out["checkpoints"] = _check_checkpoints(repo, org_id, out)
    return out


def _check_checkpoints(repo: TraceRepo, org_id: int, verdict: dict[str, Any]) -> list[dict[str, Any]]:
    """Each stored checkpoint: is its signature genuine, and does the verified chain still reach its head?"""
    from junkan.credentials.dataintegrity import verify_credential
    from junkan.store.credentials_repo import CredentialsRepo

    keys = CredentialsRepo(repo.conn)

    def resolve(key_id: str) -> Any:
        stored = keys.get_key(key_id)
        return stored.record if stored else None

    out = []
    for cp in repo.checkpoints(org_id, limit=5):
        seq, want = int(cp["upto_seq"]), bytes(cp["head_hash"])
        signed = verify_credential(cp["document"], resolve, now=cp["at"])
        have = repo.link_hash(org_id, seq)
        if not signed.ok:
            state, msg = (
                "bad_signature",
                "the checkpoint's signature does not verify: " + "; ".join(signed.reasons),
            )
        elif verdict["head_seq"] < seq and verdict["ok"]:
            state, msg = (
                "truncated",
                f"the checkpoint vouches for seq {seq} but the ledger ends at {verdict['head_seq']}",
            )
        elif have is None or have != want:
            state, msg = (
                "head_mismatch",
                f"record {seq} is not the one the checkpoint vouches for; the ledger was rewritten",
            )
        elif not verdict["ok"] and verdict["broken_seq"] is not None and verdict["broken_seq"] <= seq:
            state, msg = (
                "chain_broken",
                f"the chain breaks at seq {verdict['broken_seq']}, before this checkpoint",
            )
        else:
            state, msg = "ok", f"the ledger up to seq {seq} is the one signed at {cp['at'].isoformat()}"
        out.append({"upto_seq": seq, "at": cp["at"], "key_id": cp["key_id"], "status": state, "message": msg})
    return out


def create_checkpoint(
    uow: UnitOfWork, actor: Actor, org_id: int, *, master_secret: bytes, host: str
) -> dict[str, Any]:
    """Sign "my ledger's head at seq N is H" as a Verifiable Credential of the organisation (eddsa-jcs-2022).

    Only a ledger that verifies is signed. A later truncation or wholesale rewrite of the chain, which the
    chain alone cannot reveal, then shows against the checkpoint (``verify_ledger``, ``junkan verify``).
    """
    from junkan.credentials.service import org_did_for, sign_with_org_key

    p = actor.signed_in
    p.require(Scope.WRITE, org_id=org_id, action="sign a ledger checkpoint")
    verdict = verify_ledger(uow, actor, org_id)
    if not verdict["ok"]:
        raise RuleViolation(
            f"the ledger is broken at seq {verdict['broken_seq']} ({verdict['reason']}); a checkpoint would "
            "vouch for altered records — investigate and restore the ledger first",
            code="ledger_broken",
            field="org_id",
        )
    if verdict["head_seq"] == 0:
        raise RuleViolation("the ledger is empty; record events first", code="ledger_empty", field="org_id")
    with uow:
        repo = TraceRepo(uow.conn)
        seq, digest = verdict["head_seq"], bytes.fromhex(verdict["head_hash"])
        credential = {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential", "LedgerCheckpointCredential"],
            "id": f"urn:uuid:{uuid.uuid4()}",
            "validFrom": actor.now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "credentialSubject": {
                "type": ["LedgerCheckpoint"],
                "id": org_did_for(org_id, host=host),
                "uptoSeq": seq,
                "headHash": digest.hex(),
                "hashRule": "SHA-256(prev_hash || JCS(payload) || seq as 8-byte big-endian), "
                "genesis 32 zero bytes",
            },
        }
        signed = sign_with_org_key(
            uow.conn, org_id, credential, master_secret=master_secret, host=host, now=actor.now, actor=actor
        )
        proof = signed["proof"]
        at = actor.now.replace(microsecond=0)
        cid = repo.add_checkpoint(
            org_id=org_id,
            upto_seq=seq,
            head_hash=digest,
            at=at,
            key_id=proof["verificationMethod"],
            signature=str(proof["proofValue"]).encode(),
            document=signed,
        )
        audit.record(
            uow.conn,
            actor,
            action="trace.checkpoint",
            entity="ledger_checkpoint",
            entity_id=cid,
            org_id=org_id,
            changes={"upto_seq": seq, "head_hash": digest.hex()},
        )
        uow.commit()
    return {
        "id": cid,
        "upto_seq": seq,
        "head_hash": digest.hex(),
        "at": at,
        "key_id": proof["verificationMethod"],
        "credential": signed,
    }


def list_checkpoints(uow: UnitOfWork, actor: Actor, org_id: int) -> list[dict[str, Any]]:
    can_verify(actor.signed_in, org_id)
    with uow:
        rows = TraceRepo(uow.conn).checkpoints(org_id)
    return [
        {
            "id": r["id"],
            "upto_seq": r["upto_seq"],
            "head_hash": bytes(r["head_hash"]).hex(),
            "at": r["at"],
            "key_id": r["key_id"],
            "credential": r["document"],
        }
        for r in rows
    ]
