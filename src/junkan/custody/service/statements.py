"""Account statements: one allocation period of an account, every figure traceable to its entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from junkan.actor import Actor
from junkan.custody.claims import statement_digest
from junkan.custody.closing import open_statement
from junkan.custody.model import AccountStatement, Period, kg
from junkan.custody.service.accounts import SCHEME, readable_account
from junkan.errors import InvalidInput
from junkan.store.custody_repo import CustodyRepo, account_key, entry_from_row
from junkan.store.uow import UnitOfWork

__all__ = ["account_statement", "period_starting", "requested_period", "statement", "statement_view"]


def account_statement(repo: CustodyRepo, acc_row: Mapping[str, Any], period: Period) -> AccountStatement:
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
    return open_statement(key, period, repo.signed_total_before(account_id, period.start), entries)


def period_starting(start: dt.date) -> Period:
    """The allocation period that begins on ``start``; any other day is refused, naming the period's start."""
    p = SCHEME.period_of(start)
    if p.start != start:
        raise InvalidInput(
            f"{start} is not the start of an allocation period; use {p.start}",
            code="not_period_start",
            field="period",
        )
    return p


def requested_period(value: dt.date | None, acc_row: Mapping[str, Any]) -> Period:
    if value is None:
        t = acc_row["last_time"]
        return SCHEME.period_of(t.date() if t else dt.date.today())
    return period_starting(value)


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
        row = readable_account(repo, actor, account_id)
        stmt = account_statement(repo, row, requested_period(period_start, row))
        periods = repo.periods_of(account_id)
    return {**statement_view(stmt), "account_id": account_id, "periods": periods}
