"""Closing allocation periods: one account (with a physical stock check) or every account at once."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import numpy as np

from junkan.actor import Actor
from junkan.custody.closing import close_period
from junkan.custody.mass_balance import Account, MassBalanceLedger
from junkan.custody.model import AccountStatement, kg
from junkan.custody.period_close import close_accounts
from junkan.custody.service.accounts import SCHEME, readable_account
from junkan.custody.service.statements import period_starting, requested_period, statement_view
from junkan.errors import Conflict, RuleViolation
from junkan.members.model import Scope
from junkan.store import audit
from junkan.store.custody_repo import CustodyRepo, account_key, entry_from_row
from junkan.store.uow import UnitOfWork

__all__ = ["close", "close_all"]


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
        row = readable_account(repo, actor, account_id)
        actor.signed_in.require(Scope.WRITE, org_id=int(row["org_id"]), action="close a mass-balance period")
        period = requested_period(period_start, row)
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
    period = period_starting(period_start)
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
