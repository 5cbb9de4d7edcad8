"""Use cases of the custody context: mass-balance credits, transfers along matched trades, claims issued as
signed Verifiable Credentials, statements, period closes, and the book-and-claim certificate register.

Each use case loads the state the domain needs (an account's FIFO credit holdings, the registry's counts for
the credits and lots involved), lets :class:`~junkan.custody.mass_balance.MassBalanceLedger` decide, and
writes back what changed — in one unit of work with the audit row.

Rules enforced here on top of the domain: a credit names one input event of the organisation (a receipt
or a collection) and never credits more input than the event brought in, nor — for post-consumer credits —
more than its upstream provenance shows to be post-consumer; credits move only along a *matched* trade
(shipment and receipt agree, between accepted partners) and never more than the shipped mass of that
material; claims attach to the organisation's own output lots, registered on the physical (root) lot so that
no lot is claimed twice anywhere in the network.

Visibility: the owner sees its accounts, statements and claims; regulators and certifiers read them
(supervision, ISO 22095 audits); everyone else gets ``NotFound``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import uuid
from collections import deque
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import numpy as np

from junkan.actor import Actor
from junkan.custody.book_and_claim import Certificate, CertificateRegister
from junkan.custody.claims import recycled_content_claim, statement_digest
from junkan.custody.closing import close_period
from junkan.custody.mass_balance import Account, MassBalanceLedger
from junkan.custody.model import (
    AccountKey,
    AccountStatement,
    Characteristic,
    Entry,
    EntryKind,
    Period,
    PeriodScheme,
    kg,
)
from junkan.custody.period_close import close_accounts
from junkan.errors import Conflict, InvalidInput, NotFound, RuleViolation
from junkan.members.model import Principal, Scope
from junkan.store import audit
from junkan.store.custody_repo import CustodyRepo, account_key, entry_from_row
from junkan.store.trace_repo import TraceRepo, event_from_payload
from junkan.store.uow import UnitOfWork
from junkan.trace.model import EventKind
from junkan.trace.trades import TradeMatch
from junkan.trace.units import grams

__all__ = [
    "SCHEME",
    "account_view",
    "claim",
    "close",
    "close_all",
    "credit",
    "get_account",
    "get_claim",
    "issue_certificate",
    "list_accounts",
    "list_certificates",
    "list_claims",
    "retire_certificate",
    "statement",
    "transfer",
    "transfer_certificate",
]

SCHEME = PeriodScheme()  # 3-month allocation periods aligned on the April fiscal year (ISO 22095 9.3)


def _digest(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()


def _ns(org_id: int, entry_id: str) -> str:
    if not entry_id.strip() or len(entry_id) > 200:
        raise InvalidInput("entry_id must be 1–200 characters; use a UUID", code="range", field="entry_id")
    return f"{org_id}:{entry_id}"


def _can_read(p: Principal, org_id: int, what: str) -> None:
    p.require(Scope.READ, action=f"read {what}")
    if not (p.is_system or p.org_id == org_id or p.org_kind.is_authority):
        raise NotFound(f"organisation {org_id}'s {what} are not visible to you", field="org_id")


def _replay(repo: CustodyRepo, entry_key: str, request: str) -> dict[str, Any] | None:
    row = repo.entry_by_key(entry_key)
    if row is None:
        return None
    if row["request"] != request:
        raise Conflict(
            f"entry id '{entry_key.split(':', 1)[1]}' was used for another posting; use a new id",
            code="entry_id_reused",
            field="entry_id",
        )
    return row


def _load(repo: CustodyRepo, ledger: MassBalanceLedger, row: Mapping[str, Any]) -> AccountKey:
    """Put one stored account (holdings, last entry time, closed periods) into ``ledger``."""
    key = account_key(dict(row))
    acc = Account(holdings=deque(repo.holdings(int(row["id"]))), last_time=row["last_time"])
    if row["closed_until"] is not None:
        p = SCHEME.period_of(row["closed_until"] - dt.timedelta(days=1))
        acc.closed[p] = AccountStatement(key, p, 0, 0, 0, 0, 0, 0, 0, (), closed=True)
    ledger.accounts[key] = acc
    for h in acc.holdings:
        ledger.registry.issued.setdefault(h.credit_id, 0)
    issued = repo.credits([h.credit_id for h in acc.holdings])
    for ck, (i, u) in issued.items():
        ledger.registry.issued[ck] = i
        ledger.registry.used[ck] = u
    return key


def _entry_row(e: Entry, account_id: int, org_id: int, request: str) -> dict[str, Any]:
    return {
        "account_id": account_id,
        "org_id": org_id,
        "entry_key": e.id,
        "kind": int(e.kind),
        "grams": e.grams,
        "time": e.time,
        "period_start": e.period.start,
        "period_end": e.period.end,
        "event_ids": list(e.event_ids),
        "credits": [list(c) for c in e.credits],
        "lots": [list(x) for x in e.lots],
        "note": e.note[:500],
        "request": request,
    }


def _save(repo: CustodyRepo, ledger: MassBalanceLedger, key: AccountKey, account_id: int) -> None:
    acc = ledger.accounts[key]
    repo.replace_holdings(account_id, acc.holdings)
    repo.update_account(account_id, balance_g=sum(h.grams for h in acc.holdings), last_time=acc.last_time)


def _event(repo: TraceRepo, org_id: int, client_id: str, field: str) -> dict[str, Any]:
    row = repo.event_row(org_id, client_id)
    if row is None:
        raise NotFound(
            f"no event '{client_id}' in your ledger; record it first", code="unknown_event", field=field
        )
    return row


# credits ----------------------------------------------------------------------------------------
def _post_consumer_kg(trace: TraceRepo, org_id: int, event: dict[str, Any], material: str) -> Decimal:
    """Mass of ``material`` the event brought in whose upstream provenance ends in collection events."""
    from junkan.trace.provenance import LotGraph, upstream

    ev = event_from_payload(event["payload"])
    lots = trace.lots_by_key(org_id, [x.lot for x in ev.outputs])
    total = Decimal(0)
    for line in ev.outputs:
        if line.material != material:
            continue
        lot = lots[line.lot]
        if lot.source_kind == EventKind.COLLECT.value and lot.id == (lot.root_lot_id or lot.id):
            total += line.kg()
            continue
        parent, child, w = trace.cone_edges(lot.id, upstream=True)
        nodes = np.unique(np.concatenate([parent, child, np.array([lot.id], dtype=np.int64)]))
        info = trace.lots_by_id(nodes.tolist())
        origin = np.array(
            [1.0 if info[int(n)].source_kind == EventKind.COLLECT.value else 0.0 for n in nodes]
        )
        graph = LotGraph.from_edges(
            len(nodes),
            np.searchsorted(nodes, parent),
            np.searchsorted(nodes, child),
            w,
            origin_recycled=origin,
        )
        share = upstream(graph, int(np.searchsorted(nodes, lot.id))).root_recycled_share
        total += (line.kg() * Decimal(str(round(share, 9)))).quantize(Decimal("0.001"))
    return total


def credit(
    uow: UnitOfWork,
    actor: Actor,
    org_id: int,
    *,
    entry_id: str,
    event_id: str,
    material_group: str,
    characteristic: Characteristic,
    input_kg: Decimal,
    conversion_factor: Decimal = Decimal(1),
    input_material: str | None = None,
) -> dict[str, Any]:
    """Credit certified input: ``input_kg`` of ``input_material`` (default: the material group, e.g. PET
    bales for PET; washing machines for recycled PP) that event ``event_id`` brought in, × the
    ``conversion_factor`` (the share of it that becomes the material group), into the account of the
    event's site."""
    actor.signed_in.require(Scope.WRITE, org_id=org_id, action="book mass-balance credits")
    key_id = _ns(org_id, entry_id)
    request = _digest(
        "credit", event_id, material_group, characteristic.value, str(input_kg), str(conversion_factor)
    )
    with uow:
        repo, trace = CustodyRepo(uow.conn), TraceRepo(uow.conn)
        if (done := _replay(repo, key_id, request)) is not None:
            return _entry_view(done)
        ev = _event(trace, org_id, event_id, "event_id")
        if ev["kind"] not in (EventKind.RECEIVE.value, EventKind.COLLECT.value):
            raise InvalidInput(
                f"event '{event_id}' is a {ev['kind']}; credits come from inputs brought in by a receive or "
                "collect event",
                code="not_an_input_event",
                field="event_id",
            )
        source = input_material or material_group
        event = event_from_payload(ev["payload"])
        brought = sum((x.kg() for x in event.outputs if x.material == source), Decimal(0))
        if characteristic is Characteristic.RECYCLED_POST_CONSUMER:
            brought = min(brought, _post_consumer_kg(trace, org_id, ev, source))
        already = sum((Decimal(x) for x in repo.credited_kg_of_event(int(ev["id"]))), Decimal(0))
        if input_kg + already > brought:
            raise RuleViolation(
                f"event '{event_id}' brought in {brought} kg of {characteristic.value} {source} and "
                f"{already} kg of it are credited already; at most {brought - already} kg more can be "
                "credited",
                code="credit_exceeds_input",
                field="input_kg",
                extra={"available_kg": str(brought - already)},
            )
        acc_row = repo.ensure_account(org_id, int(ev["site_id"]), material_group, characteristic.value)
        ledger = MassBalanceLedger(scheme=SCHEME)
        key = _load(repo, ledger, acc_row)
        entry = ledger.credit(
            entry_id=key_id,
            account=key,
            time=ev["time"],
            input_kg=input_kg,
            conversion_factor=conversion_factor,
            event_ids=(event_id,),
        )
        repo.add_credit(
            credit_key=key_id,
            org_id=org_id,
            issued_g=entry.grams,
            used_g=0,
            input_event_id=int(ev["id"]),
            input_kg=str(input_kg),
        )
        row = _entry_row(entry, int(acc_row["id"]), org_id, request)
        repo.add_entries([row])
        _save(repo, ledger, key, int(acc_row["id"]))
        audit.record(
            uow.conn,
            actor,
            action="custody.credit",
            entity="custody_entry",
            entity_id=key_id,
            org_id=org_id,
            changes={"grams": entry.grams, "event_id": event_id, "account_id": acc_row["id"]},
        )
        uow.commit()
    return _entry_view(row)


# transfers --------------------------------------------------------------------------------------
def transfer(
    uow: UnitOfWork,
    actor: Actor,
    org_id: int,
    *,
    entry_id: str,
    shipment_ref: str,
    receiver_org_id: int,
    material_group: str,
    characteristic: Characteristic,
    amount_kg: Decimal,
) -> dict[str, Any]:
    """Move credits with shipped lots to the receiver's account, along a matched trade."""
    actor.signed_in.require(Scope.WRITE, org_id=org_id, action="transfer mass-balance credits")
    key_id = _ns(org_id, entry_id)
    request = _digest(
        "transfer", shipment_ref, receiver_org_id, material_group, characteristic.value, str(amount_kg)
    )
    with uow:
        repo, trace = CustodyRepo(uow.conn), TraceRepo(uow.conn)
        if (done := _replay(repo, f"{key_id}:out", request)) is not None:
            return _entry_view(done)
        trade = trace.find_trade(shipment_ref, shipper_org_id=org_id, receiver_org_id=receiver_org_id)
        if trade is None or trade["status"] != "matched":
            state = (
                "has no receipt yet"
                if trade is None or trade["receive_event_id"] is None
                else f"is flagged ({trade['status']})"
            )
            raise RuleViolation(
                f"shipment {shipment_ref} to organisation {receiver_org_id} {state}; credits travel only "
                "along a "
                "matched trade between partners — the receiver records the receipt first",
                code="trade_not_matched",
                field="shipment_ref",
            )
        events = trace.events_by_id([trade["ship_event_id"], trade["receive_event_id"]])
        ship, receipt = events[trade["ship_event_id"]], events[trade["receive_event_id"]]
        shipped = sum(
            (Decimal(x["quantity"]) for x in ship["payload"]["inputs"] if x["material"] == material_group),
            Decimal(0),
        )
        if amount_kg > shipped:
            raise RuleViolation(
                f"shipment {shipment_ref} carried {shipped} kg of {material_group}; credits for more than "
                "the "
                "shipped mass cannot travel with it",
                code="transfer_exceeds_shipment",
                field="amount_kg",
            )
        src_row = repo.find_account(org_id, int(ship["site_id"]), material_group, characteristic.value)
        if src_row is None:
            raise RuleViolation(
                f"your site {ship['site_id']} has no {characteristic.value} {material_group} account; "
                "book credits first",
                code="over_claim",
                field="amount_kg",
                extra={"shortfall_kg": str(amount_kg)},
            )
        dst_row = repo.ensure_account(
            receiver_org_id, int(receipt["site_id"]), material_group, characteristic.value
        )
        ledger = MassBalanceLedger(scheme=SCHEME)
        src, dst = _load(repo, ledger, src_row), _load(repo, ledger, dst_row)
        match = TradeMatch(
            shipment_ref, str(org_id), str(receiver_org_id), ship["client_id"], receipt["client_id"], {}, {}
        )
        when = max(
            ship["time"], receipt["time"], *(t for t in (src_row["last_time"], dst_row["last_time"]) if t)
        )
        out, into = ledger.transfer_with_trade(
            match, entry_id=key_id, source=src, destination=dst, time=when, amount_kg=amount_kg
        )
        rows = [
            _entry_row(out, int(src_row["id"]), org_id, request),
            _entry_row(into, int(dst_row["id"]), receiver_org_id, request),
        ]
        repo.add_entries(rows)
        _save(repo, ledger, src, int(src_row["id"]))
        _save(repo, ledger, dst, int(dst_row["id"]))
        audit.record(
            uow.conn,
            actor,
            action="custody.transfer",
            entity="custody_entry",
            entity_id=key_id,
            org_id=org_id,
            changes={"grams": out.grams, "to_org": receiver_org_id, "shipment_ref": shipment_ref},
        )
        uow.commit()
    return _entry_view(rows[0])


# claims -----------------------------------------------------------------------------------------
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
    key_id = _ns(org_id, entry_id)
    request = _digest(
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
        if (done := _replay(repo, key_id, request)) is not None:
            found = repo.claim_by_entry(key_id)
            return {**_entry_view(done), "claim_id": found["id"] if found else None}
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
        key = _load(repo, ledger, acc_row)
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
        repo.add_entries([_entry_row(entry, int(acc_row["id"]), org_id, request)])
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
        _save(repo, ledger, key, int(acc_row["id"]))
        stmt = _statement(repo, acc_row, entry.period)
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
        view = _entry_view(_entry_row(entry, int(acc_row["id"]), org_id, request))
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


# statements and closes --------------------------------------------------------------------------
def _statement(repo: CustodyRepo, acc_row: Mapping[str, Any], period: Period) -> AccountStatement:
    key = account_key(dict(acc_row))
    account_id = int(acc_row["id"])
    entries = tuple(entry_from_row(r, key) for r in repo.entries(account_id, period.start))
    closed = repo.close_row(account_id, period.start)
    if closed is not None:
        return AccountStatement(
            key,
            period,
            closed["opening_g"],
            closed["credits_g"],
            closed["transfers_in_g"],
            closed["claims_g"],
            closed["transfers_out_g"],
            closed["expired_g"],
            closed["closing_g"],
            entries,
            closed=True,
            stock_difference=(Decimal(closed["physical_kg"]) - Decimal(closed["book_kg"]))
            if closed["book_kg"]
            else None,
        )
    opening = repo.signed_total_before(account_id, period.start)
    by = {k: sum(e.grams for e in entries if e.kind is k) for k in EntryKind}
    closing = opening + sum(e.kind.sign * e.grams for e in entries)
    return AccountStatement(
        key,
        period,
        opening,
        by[EntryKind.CREDIT],
        by[EntryKind.TRANSFER_IN],
        by[EntryKind.CLAIM],
        by[EntryKind.TRANSFER_OUT],
        by[EntryKind.EXPIRY],
        closing,
        entries,
    )


def _account(repo: CustodyRepo, actor: Actor, account_id: int) -> dict[str, Any]:
    row = repo.account(account_id)
    p = actor.signed_in
    if row is None:
        raise NotFound(f"no account {account_id}", field="account_id")
    _can_read(p, int(row["org_id"]), "accounts")
    return row


def _period(value: dt.date | None, acc_row: Mapping[str, Any]) -> Period:
    if value is None:
        t = acc_row["last_time"]
        return SCHEME.period_of(t.date() if t else dt.date.today())
    p = SCHEME.period_of(value)
    if p.start != value:
        raise InvalidInput(
            f"{value} is not the start of an allocation period; use {p.start}",
            code="not_period_start",
            field="period",
        )
    return p


def statement_view(stmt: AccountStatement) -> dict[str, Any]:
    d = stmt.to_dict()
    d["digest"] = statement_digest(stmt)
    d["check"] = (
        f"{kg(stmt.opening_g)} + {kg(stmt.credits_g)} + {kg(stmt.transfers_in_g)} − {kg(stmt.claims_g)} − "
        f"{kg(stmt.transfers_out_g)} − {kg(stmt.expired_g)} = {kg(stmt.closing_g)} kg"
    )
    shown: list[dict[str, Any]] = d["entries"]  # type: ignore[assignment]
    for out, e in zip(shown, stmt.entries, strict=True):
        out["time"] = e.time
        out["credits"] = [{"creditId": c, "kg": str(kg(g))} for c, g in e.credits]
        out["lots"] = [{"lot": lot, "kg": str(kg(g))} for lot, g in e.lots]
        out["note"] = e.note
    return d


def statement(
    uow: UnitOfWork, actor: Actor, account_id: int, period_start: dt.date | None = None
) -> dict[str, Any]:
    """The account statement of one period, every figure traceable to its entries and their events."""
    with uow:
        repo = CustodyRepo(uow.conn)
        row = _account(repo, actor, account_id)
        stmt = _statement(repo, row, _period(period_start, row))
        periods = repo.periods_of(account_id)
    return {**statement_view(stmt), "account_id": account_id, "periods": periods}


def close(
    uow: UnitOfWork,
    actor: Actor,
    account_id: int,
    period_start: dt.date,
    *,
    book_kg: Decimal | None = None,
    physical_kg: Decimal | None = None,
) -> dict[str, Any]:
    """Close one period of one account: earlier periods closed first, physical stock within 0.5 % of book."""
    with uow:
        repo = CustodyRepo(uow.conn)
        row = _account(repo, actor, account_id)
        actor.signed_in.require(Scope.WRITE, org_id=int(row["org_id"]), action="close a mass-balance period")
        period = _period(period_start, row)
        if repo.close_row(account_id, period.start) is not None:
            raise Conflict(
                f"period {period} of account {account_id} is closed already",
                code="period_already_closed",
                field="period",
            )
        if repo.open_periods_before([account_id], period.start):
            raise RuleViolation(
                f"an earlier period of account {account_id} is still open; close periods in order",
                code="earlier_period_open",
                field="period",
            )
        key = account_key(row)
        ledger = MassBalanceLedger(scheme=SCHEME)
        entries = [entry_from_row(r, key) for r in repo.entries(account_id, period.start)]
        ledger.accounts[key] = Account(entries=list(entries))
        part = close_period(ledger, key, period, book_kg=book_kg, physical_kg=physical_kg)
        opening = repo.signed_total_before(account_id, period.start)
        stmt = dataclasses.replace(part, opening_g=opening, closing_g=opening + part.closing_g)
        _store_closes(repo, [(account_id, stmt, book_kg, physical_kg)], actor.now)
        audit.record(
            uow.conn,
            actor,
            action="custody.close",
            entity="custody_account",
            entity_id=account_id,
            org_id=int(row["org_id"]),
            changes={"period": str(period), "closing_g": stmt.closing_g},
        )
        uow.commit()
    return statement_view(stmt)


def _store_closes(
    repo: CustodyRepo,
    items: Sequence[tuple[int, AccountStatement, Decimal | None, Decimal | None]],
    now: dt.datetime,
) -> None:
    repo.add_closes(
        [
            {
                "account_id": a,
                "period_start": s.period.start,
                "period_end": s.period.end,
                "opening_g": s.opening_g,
                "credits_g": s.credits_g,
                "transfers_in_g": s.transfers_in_g,
                "claims_g": s.claims_g,
                "transfers_out_g": s.transfers_out_g,
                "expired_g": s.expired_g,
                "closing_g": s.closing_g,
                "book_kg": None if b is None else str(b),
                "physical_kg": None if ph is None else str(ph),
                "closed_at": now,
            }
            for a, s, b, ph in items
        ]
    )
    ends: dict[dt.date, list[int]] = {}
    for a, s, _, _ in items:
        ends.setdefault(s.period.end, []).append(a)
    for end, ids in ends.items():
        repo.set_closed_until(ids, end)


def close_all(uow: UnitOfWork, actor: Actor, org_id: int | None, period_start: dt.date) -> dict[str, Any]:
    """Close one period of every account of ``org_id`` (all accounts for the platform operator) at once:
    the period's entries summed per account and kind in SQL, closing balances vectorised
    (``close_accounts``); refused as a whole if an account has an earlier open period or would go negative."""
    p = actor.signed_in
    if org_id is None and not p.is_system:
        org_id = p.org_id
    if org_id is not None:
        p.require(Scope.WRITE, org_id=org_id, action="close mass-balance periods")
    period = SCHEME.period_of(period_start)
    if period.start != period_start:
        raise InvalidInput(
            f"{period_start} is not the start of an allocation period; use {period.start}",
            code="not_period_start",
            field="period",
        )
    with uow:
        repo = CustodyRepo(uow.conn)
        accounts = [
            a for a in repo.accounts_of(org_id) if not (a["closed_until"] and a["closed_until"] >= period.end)
        ]
        ids = [int(a["id"]) for a in accounts]
        if not ids:
            return {"period": str(period), "closed": 0, "accounts": []}
        stale = repo.open_periods_before(ids, period.start)
        if stale:
            raise RuleViolation(
                f"accounts {sorted(stale)[:10]} have an earlier open period; close periods in order",
                code="earlier_period_open",
                field="period",
                extra={"accounts": sorted(stale)},
            )
        index = {a: i for i, a in enumerate(ids)}
        last = repo.last_closes(ids)
        opening = np.array([int(last[a]["closing_g"]) if a in last else 0 for a in ids], dtype=np.int64)
        acc, kind, g = repo.period_sums(ids, period.start)
        idx = np.array([index[int(a)] for a in acc.tolist()], dtype=np.int64)
        closed = close_accounts(len(ids), idx, kind, g, opening=opening)
        items = []
        for i, a in enumerate(accounts):
            t = closed.totals[i]
            items.append(
                (
                    int(a["id"]),
                    AccountStatement(
                        account_key(a),
                        period,
                        int(closed.opening[i]),
                        int(t[0]),
                        int(t[2]),
                        int(t[1]),
                        int(t[3]),
                        int(t[4]),
                        int(closed.closing[i]),
                        (),
                    ),
                    None,
                    None,
                )
            )
        _store_closes(repo, items, actor.now)
        audit.record(
            uow.conn,
            actor,
            action="custody.close_all",
            entity="custody_period",
            entity_id=str(period),
            org_id=org_id,
            changes={"accounts": len(ids)},
        )
        uow.commit()
    return {
        "period": str(period),
        "closed": len(ids),
        "accounts": [{"account_id": a, "closing_kg": str(kg(s.closing_g))} for a, s, _, _ in items],
    }


# accounts and claims (read) ---------------------------------------------------------------------
def account_view(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "org_id": row["org_id"],
        "site_id": row["site_id"],
        "material_group": row["material_group"],
        "characteristic": row["characteristic"],
        "balance_kg": str(kg(int(row["balance_g"]))),
        "last_time": row["last_time"],
        "closed_until": row["closed_until"],
    }


def _entry_view(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "entry_id": str(row["entry_key"]).split(":", 1)[1],
        "account_id": row["account_id"],
        "kind": EntryKind(row["kind"]).name.lower(),
        "kg": str(kg(int(row["grams"]))),
        "time": row["time"],
        "period": f"{row['period_start']}/{row['period_end']}",
        "credits": [{"creditId": c, "kg": str(kg(int(g)))} for c, g in row["credits"]],
        "lots": [{"lot": lot, "kg": str(kg(int(g)))} for lot, g in row["lots"]],
        "event_ids": list(row["event_ids"]),
    }


def list_accounts(uow: UnitOfWork, actor: Actor, org_id: int) -> list[dict[str, Any]]:
    _can_read(actor.signed_in, org_id, "accounts")
    with uow:
        return [account_view(r) for r in CustodyRepo(uow.conn).accounts_of(org_id)]


def get_account(uow: UnitOfWork, actor: Actor, account_id: int) -> dict[str, Any]:
    with uow:
        repo = CustodyRepo(uow.conn)
        row = _account(repo, actor, account_id)
        return {
            **account_view(row),
            "periods": repo.periods_of(account_id),
            "closes": repo.closes(account_id),
        }


def list_claims(uow: UnitOfWork, actor: Actor, org_id: int) -> list[dict[str, Any]]:
    _can_read(actor.signed_in, org_id, "claims")
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
        _can_read(actor.signed_in, int(row["org_id"]), "claims")
    except NotFound:
        raise NotFound(f"no claim {claim_id}", field="claim_id") from None
    return row


# book-and-claim ---------------------------------------------------------------------------------
def _cert(repo: CustodyRepo, key: str, p: Principal) -> tuple[int, Certificate]:
    found = repo.certificate(key)
    if found is None or not (
        p.is_system or str(p.org_id) in (found[1].holder, found[1].issuer) or p.org_kind.is_authority
    ):
        raise NotFound(f"no certificate '{key}'", code="certificate_not_found", field="certificate_id")
    return found


def certificate_view(cid: int, c: Certificate, history: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": c.id,
        "issuer_org_id": int(c.issuer),
        "holder_org_id": int(c.holder),
        "kg": str(kg(c.grams)),
        "characteristic": c.characteristic.value,
        "material_group": c.material_group,
        "production_period": str(c.production_period),
        "event_ids": list(c.event_ids),
        "retired": c.retired,
        "retired_for": c.retired_for,
        "retired_at": c.retired_at,
        "history": [
            {"action": h["action"], "by_org_id": h["by_org_id"], "to": h["to"], "time": h["time"]}
            for h in history
        ],
    }


def issue_certificate(
    uow: UnitOfWork,
    actor: Actor,
    org_id: int,
    *,
    certificate_id: str,
    mass_kg: Decimal,
    characteristic: Characteristic,
    material_group: str,
    period_start: dt.date,
    event_ids: Sequence[str] = (),
) -> dict[str, Any]:
    """Issue a book-and-claim certificate for production of ``org_id`` (ISO 22095 clause 5.6)."""
    actor.signed_in.require(Scope.WRITE, org_id=org_id, action="issue certificates")
    with uow:
        repo, trace = CustodyRepo(uow.conn), TraceRepo(uow.conn)
        for i, e in enumerate(event_ids):
            _event(trace, org_id, e, f"event_ids[{i}]")
        cert = Certificate(
            certificate_id,
            str(org_id),
            str(org_id),
            grams(mass_kg),
            characteristic,
            material_group,
            SCHEME.period_of(period_start),
            tuple(event_ids),
        )
        found = repo.certificate(certificate_id)
        register = CertificateRegister()
        if found is not None:
            register.certificates[certificate_id] = found[1]
        out = register.issue(cert, time=actor.now)
        if found is None:
            cid = repo.add_certificate(out, now=actor.now)
            repo.add_history(
                certificate_id=cid, action="issue", by_org_id=org_id, to=str(org_id), time=actor.now
            )
            audit.record(
                uow.conn,
                actor,
                action="custody.certificate.issue",
                entity="certificate",
                entity_id=certificate_id,
                org_id=org_id,
                changes={"grams": cert.grams},
            )
        else:
            cid = found[0]
        uow.commit()
        return certificate_view(cid, out, repo.history(cid))


def _move(uow: UnitOfWork, actor: Actor, key: str, action: str, to: str) -> dict[str, Any]:
    p = actor.signed_in
    with uow:
        repo = CustodyRepo(uow.conn)
        cid, cert = _cert(repo, key, p)
        p.require(Scope.WRITE, org_id=int(cert.holder), action=f"{action} a certificate")
        register = CertificateRegister(certificates={key: cert})
        if action == "transfer":
            if not to.isdigit() or not TraceRepo(uow.conn).existing_org_ids([int(to)]):
                raise InvalidInput(
                    "to_org_id must be a registered organisation", code="unknown_org", field="to_org_id"
                )
            new = register.transfer(key, holder=cert.holder, to=to, time=actor.now)
        else:
            new = register.retire(key, holder=cert.holder, beneficiary=to, time=actor.now)
        repo.save_certificate(cid, new)
        repo.add_history(certificate_id=cid, action=action, by_org_id=int(cert.holder), to=to, time=actor.now)
        audit.record(
            uow.conn,
            actor,
            action=f"custody.certificate.{action}",
            entity="certificate",
            entity_id=key,
            org_id=int(cert.holder),
            changes={"to": to},
        )
        uow.commit()
        return certificate_view(cid, new, repo.history(cid))


def transfer_certificate(uow: UnitOfWork, actor: Actor, key: str, *, to_org_id: int) -> dict[str, Any]:
    return _move(uow, actor, key, "transfer", str(to_org_id))


def retire_certificate(uow: UnitOfWork, actor: Actor, key: str, *, beneficiary: str) -> dict[str, Any]:
    if not beneficiary.strip():
        raise InvalidInput("name the beneficiary of the claim", code="required", field="beneficiary")
    return _move(uow, actor, key, "retire", beneficiary.strip()[:300])


def get_certificate(uow: UnitOfWork, actor: Actor, key: str) -> dict[str, Any]:
    with uow:
        repo = CustodyRepo(uow.conn)
        cid, cert = _cert(repo, key, actor.signed_in)
        return certificate_view(cid, cert, repo.history(cid))


def list_certificates(uow: UnitOfWork, actor: Actor, org_id: int) -> list[dict[str, Any]]:
    p = actor.signed_in
    p.require(Scope.READ, action="read certificates")
    if not (p.is_system or p.org_id == org_id):
        raise NotFound(f"organisation {org_id}'s certificates are not visible to you", field="org_id")
    with uow:
        rows = CustodyRepo(uow.conn).certificates_of(org_id)
    return [
        {
            "id": r["key"],
            "issuer_org_id": r["issuer_org_id"],
            "holder_org_id": r["holder_org_id"],
            "kg": str(kg(int(r["grams"]))),
            "characteristic": r["characteristic"],
            "material_group": r["material_group"],
            "retired": r["retired_at"] is not None,
            "retired_for": r["retired_for"],
        }
        for r in rows
    ]


__all__ += ["certificate_view", "get_certificate", "statement_view"]
