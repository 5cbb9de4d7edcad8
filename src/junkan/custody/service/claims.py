"""Claims: the characteristic claimed for output lots out of an account's credits, issued as a Verifiable
Credential (signed with the organisation's key when the master secret is given).

Claims attach to the organisation's own output lots, registered on the physical (root) lot so that no lot
is claimed twice anywhere in the network.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from junkan.actor import Actor
from junkan.custody.claims import recycled_content_claim
from junkan.custody.mass_balance import MassBalanceLedger
from junkan.custody.model import Characteristic, Entry, kg
from junkan.custody.service.accounts import SCHEME, can_read, load_account, save_account
from junkan.custody.service.postings import entry_key, entry_row, entry_view, replayed_entry, request_digest
from junkan.custody.service.statements import account_statement
from junkan.errors import InvalidInput, NotFound, RuleViolation
from junkan.members.model import Scope
from junkan.store import audit
from junkan.store.custody_repo import CustodyRepo
from junkan.store.trace_repo import TraceRepo
from junkan.store.uow import UnitOfWork

__all__ = ["claim", "get_claim", "list_claims"]


def claim(
    uow: UnitOfWork,
    actor: Actor,
    org_id: int,
    *,
    entry_id: str,
    site_id: int,
    material_group: str,
    characteristic: Characteristic,
    lots: Sequence[str],
    amount_kg: Decimal | None = None,
    per_lot_kg: Mapping[str, Decimal] | None = None,
    master_secret: bytes | None = None,
    host: str = "junkan.invalid",
    time: dt.datetime | None = None,
) -> dict[str, Any]:
    """Claim the characteristic for output lots out of the account's credits, and issue the claim as a
    Verifiable Credential (signed with the organisation's key when ``master_secret`` is given)."""
    actor.signed_in.require(Scope.WRITE, org_id=org_id, action="claim recycled content")
    key_id = entry_key(org_id, entry_id)
    request = request_digest(
        "claim",
        site_id,
        material_group,
        characteristic.value,
        list(lots),
        str(amount_kg),
        sorted((k, str(v)) for k, v in (per_lot_kg or {}).items()),
    )
    if not lots:
        raise InvalidInput("name at least one output lot", code="required", field="lots")
    with uow:
        repo, trace = CustodyRepo(uow.conn), TraceRepo(uow.conn)
        if (done := replayed_entry(repo, key_id, request)) is not None:
            found = repo.claim_by_entry(key_id)
            return {**entry_view(done), "claim_id": found["id"] if found else None}
        rows = trace.lots_by_key(org_id, list(lots))
        for i, k in enumerate(lots):
            if k not in rows:
                raise NotFound(f"no lot '{k}' in your organisation", code="unknown_lot", field=f"lots[{i}]")
            if rows[k].material != material_group:
                raise InvalidInput(
                    f"lot '{k}' is {rows[k].material}, not {material_group}",
                    code="material_mismatch",
                    field=f"lots[{i}]",
                )
        acc_row = repo.find_account(org_id, site_id, material_group, characteristic.value)
        if acc_row is None:
            raise RuleViolation(
                f"site {site_id} has no {characteristic.value} {material_group} account: it holds 0 kg; "
                "book credits (certified input) or receive them with a shipment first",
                code="over_claim",
                field="amount_kg" if amount_kg is not None else "per_lot_kg",
                extra={
                    "account": f"{org_id}/{site_id}/{material_group}/{characteristic.value}",
                    "shortfall_kg": str(amount_kg or sum((per_lot_kg or {}).values(), Decimal(0))),
                },
            )
        ledger = MassBalanceLedger(scheme=SCHEME)
        key = load_account(repo, ledger, acc_row)
        roots = {k: rows[k].root_lot_id or rows[k].id for k in lots}
        claimed = repo.lot_claimed(list(roots.values()), characteristic.value)
        for k in lots:
            total, by = claimed.get(roots[k], (0, []))
            ledger.registry.lot_claimed[(k, characteristic)] = total
            ledger.registry.lot_claims[(k, characteristic)] = list(by)
        when = time or max(rows[k].last_time for k in lots)
        if acc_row["last_time"] is not None and when < acc_row["last_time"]:
            when = acc_row["last_time"]
        entry = ledger.claim(
            entry_id=key_id,
            account=key,
            time=when,
            lots=[(k, rows[k].created_kg) for k in lots],
            amount_kg=amount_kg,
            per_lot_kg=per_lot_kg,
            event_ids=_producing_events(trace, [rows[k].id for k in lots]),
        )
        used = {c: ledger.registry.used[c] for c, _ in entry.credits}
        repo.set_used(used)
        repo.add_entries([entry_row(entry, int(acc_row["id"]), org_id, request)])
        repo.add_lot_claims(
            [
                {
                    "root_lot_id": roots[k],
                    "lot_id": rows[k].id,
                    "characteristic": characteristic.value,
                    "grams": g,
                    "entry_key": key_id,
                }
                for k, g in entry.lots
                if g
            ]
        )
        save_account(repo, ledger, key, int(acc_row["id"]))
        stmt = account_statement(repo, acc_row, entry.period)
        stored = next(e for e in stmt.entries if e.id == key_id)
        masses = {k: rows[k].created_kg for k in lots}
        credential = recycled_content_claim(
            stored,
            stmt,
            issuer_id=f"urn:junkan:org:{org_id}",
            credential_id=f"urn:uuid:{uuid.uuid4()}",
            valid_from=actor.now,
            lot_masses_kg=masses,
            statement_url=f"/api/v1/custody/accounts/{acc_row['id']}/statement?period={entry.period.start}",
        )
        credential["credentialSubject"]["evidenceEvents"] = _credit_events(repo, trace, entry)
        signed = 0
        if master_secret is not None:
            from junkan.credentials.service import sign_with_org_key

            credential = sign_with_org_key(
                uow.conn,
                org_id,
                credential,
                master_secret=master_secret,
                host=host,
                now=actor.now,
                actor=actor,
            )
            signed = 1
        claim_id = repo.add_claim(
            org_id=org_id,
            entry_key=key_id,
            credential_id=credential["id"],
            credential=credential,
            signed=signed,
            issued_at=actor.now,
        )
        audit.record(
            uow.conn,
            actor,
            action="custody.claim",
            entity="custody_claim",
            entity_id=claim_id,
            org_id=org_id,
            changes={"grams": entry.grams, "lots": list(lots), "account_id": acc_row["id"]},
        )
        uow.commit()
        view = entry_view(entry_row(entry, int(acc_row["id"]), org_id, request))
    return {**view, "claim_id": claim_id, "credential": credential}


def _producing_events(trace: TraceRepo, lot_ids: Sequence[int]) -> tuple[str, ...]:
    """Client ids of the events that produced the claimed lots (their output lines)."""
    out: list[str] = []
    for lot in lot_ids:
        out += [
            e["client_id"] for e in trace.lot_events(lot) if e["role"] == "out" and e["client_id"] not in out
        ]
    return tuple(out)


def _credit_events(repo: CustodyRepo, trace: TraceRepo, entry: Entry) -> list[dict[str, Any]]:
    """The input events behind the credits a claim consumed (organisation and event id of each credit)."""
    out = []
    for credit_key, g in entry.credits:
        row = repo.entry_by_key(credit_key)
        if row is None:
            continue
        org = credit_key.split(":", 1)[0]
        out.append(
            {
                "creditId": credit_key,
                "organisation": org,
                "eventIds": list(row["event_ids"]),
                "claimedKg": str(kg(g)),
            }
        )
    return out


def list_claims(uow: UnitOfWork, actor: Actor, org_id: int) -> list[dict[str, Any]]:
    can_read(actor.signed_in, org_id, "claims")
    with uow:
        rows = CustodyRepo(uow.conn).claims_of(org_id)
    return [
        {
            "id": r["id"],
            "entry_id": r["entry_key"].split(":", 1)[1],
            "credential_id": r["credential_id"],
            "issued_at": r["issued_at"],
            "signed": bool(r["signed"]),
            "kg": str(kg(int(r["grams"]))),
            "account_id": r["account_id"],
            "time": r["time"],
            "lots": [lot for lot, _ in r["lots"]],
        }
        for r in rows
    ]


def get_claim(uow: UnitOfWork, actor: Actor, claim_id: int) -> dict[str, Any]:
    with uow:
        row = CustodyRepo(uow.conn).claim(claim_id)
    if row is None:
        raise NotFound(f"no claim {claim_id}", field="claim_id")
    try:
        can_read(actor.signed_in, int(row["org_id"]), "claims")
    except NotFound:
        raise NotFound(f"no claim {claim_id}", field="claim_id") from None
    return row
