"""Account statements and period close for mass-balance accounts (ISO 22095:2020 clause 9.3–9.4).

A statement shows opening balance, credits, transfers in, claims, transfers out, expired credits and the
closing balance of one account for one period, with every entry (and so every event id) behind the figures.
Closing a period checks the physical vs book stock difference against the ledger's tolerance (default
0.5 %), expires credits past their lifetime if the scheme sets one, and freezes the statement; its closing
balance is the next period's opening balance (opening = Σ signed entries of all earlier periods).
"""

from __future__ import annotations

from collections import deque
from dataclasses import replace
from datetime import UTC, datetime, time
from decimal import Decimal

from junkan.custody.mass_balance import Account, MassBalanceLedger
from junkan.custody.model import AccountKey, AccountStatement, Entry, EntryKind, Period
from junkan.errors import Conflict, RuleViolation

__all__ = ["close_period", "open_statement", "statement"]


def statement(ledger: MassBalanceLedger, account: AccountKey, period: Period) -> AccountStatement:
    """The statement of ``account`` for ``period`` (frozen once the period is closed)."""
    acc = ledger.accounts.get(account, Account())
    if period in acc.closed:
        return acc.closed[period]
    opening = sum(e.kind.sign * e.grams for e in acc.entries if e.period < period)
    return open_statement(account, period, opening, tuple(e for e in acc.entries if e.period == period))


def open_statement(
    account: AccountKey, period: Period, opening: int, entries: tuple[Entry, ...]
) -> AccountStatement:
    """The statement of a period not closed yet: ``opening`` (grams) and the period's ``entries`` by kind."""
    by = {k: sum(e.grams for e in entries if e.kind is k) for k in EntryKind}
    closing = opening + sum(e.kind.sign * e.grams for e in entries)
    return AccountStatement(
        account,
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


def close_period(
    ledger: MassBalanceLedger,
    account: AccountKey,
    period: Period,
    *,
    book_kg: Decimal | None = None,
    physical_kg: Decimal | None = None,
) -> AccountStatement:
    """Close ``period``: check stock within tolerance, expire old credits, carry the balance over."""
    acc = ledger.accounts.setdefault(account, Account())
    if period in acc.closed:
        return acc.closed[period]
    if any(p > period for p in acc.closed):
        raise Conflict(
            f"a later period of {account} is closed already", code="period_already_closed", field="period"
        )
    if any(e.period < period and e.period not in acc.closed for e in acc.entries):
        raise RuleViolation(
            f"an earlier period of {account} is still open; close periods in order",
            code="earlier_period_open",
            field="period",
        )
    difference = None
    if book_kg is not None and physical_kg is not None:
        difference = physical_kg - book_kg
        if abs(difference) > abs(book_kg) * ledger.tolerance:
            raise RuleViolation(
                f"physical stock {physical_kg} kg differs from book stock {book_kg} kg by {difference} kg, "
                f"more than the {ledger.tolerance * 100} % tolerance; investigate, then correct",
                code="stock_difference",
                field="physical_kg",
                extra={"account": str(account), "difference_kg": str(difference)},
            )
    if ledger.credit_lifetime_periods is not None:
        _expire(ledger, acc, account, period)
    stmt = statement(ledger, account, period)
    if stmt.closing_g < 0:  # unreachable through the ledger: every debit is checked against the balance
        raise RuleViolation(
            f"account {account} would close negative", code="negative_balance", field="period"
        )
    closed = replace(stmt, closed=True, stock_difference=difference)
    acc.closed[period] = closed
    return closed


def _expire(ledger: MassBalanceLedger, acc: Account, account: AccountKey, period: Period) -> None:
    # A credit earned in period o is usable in periods o .. o + lifetime − 1 and expires at that close.
    assert ledger.credit_lifetime_periods is not None
    last_origin = ledger.scheme.index(period) - ledger.credit_lifetime_periods + 1
    stale = [h for h in acc.holdings if h.origin <= last_origin and h.grams]
    if not stale:
        return
    taken = tuple((h.credit_id, h.grams) for h in stale)
    ledger.registry.use(taken)
    acc.holdings = deque(h for h in acc.holdings if h.origin > last_origin)
    when = acc.last_time or datetime.combine(period.start, time(0), tzinfo=UTC)
    entry = Entry(
        f"expiry:{account}:{period}",
        account,
        period,
        EntryKind.EXPIRY,
        sum(g for _, g in taken),
        when,
        (),
        taken,
        note=f"credits older than {ledger.credit_lifetime_periods} periods",
    )
    acc.entries.append(entry)
    acc.last_time = when
