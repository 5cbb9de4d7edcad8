"""Mass-balance accounts: one per organisation, site, material group and characteristic.

An account's state for the domain — its FIFO credit holdings, last entry time and closed periods, and the
registry's counts for the credits it holds — is loaded into a
:class:`~junkan.custody.mass_balance.MassBalanceLedger` and written back after the domain decided.

Who may read an organisation's custody records: the owner, and regulators and certifiers (supervision,
ISO 22095 audits). Everyone else gets ``NotFound``, so an account's existence does not leak.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Mapping
from typing import Any

from junkan.actor import Actor
from junkan.custody.mass_balance import Account, MassBalanceLedger
from junkan.custody.model import AccountKey, AccountStatement, PeriodScheme, kg
from junkan.errors import NotFound
from junkan.members.model import Principal, Scope
from junkan.store.custody_repo import CustodyRepo, account_key
from junkan.store.uow import UnitOfWork

__all__ = [
    "SCHEME",
    "account_view",
    "can_read",
    "get_account",
    "list_accounts",
    "load_account",
    "readable_account",
    "save_account",
]


SCHEME = PeriodScheme()  # 3-month allocation periods aligned on the April fiscal year (ISO 22095 9.3)


def can_read(p: Principal, org_id: int, what: str) -> None:
    p.require(Scope.READ, action=f"read {what}")
    if not (p.is_system or p.org_id == org_id or p.org_kind.is_authority):
        raise NotFound(f"organisation {org_id}'s {what} are not visible to you", field="org_id")


def readable_account(repo: CustodyRepo, actor: Actor, account_id: int) -> dict[str, Any]:
    row = repo.account(account_id)
    p = actor.signed_in
    if row is None:
        raise NotFound(f"no account {account_id}", field="account_id")
    can_read(p, int(row["org_id"]), "accounts")
    return row


def load_account(repo: CustodyRepo, ledger: MassBalanceLedger, row: Mapping[str, Any]) -> AccountKey:
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


def save_account(repo: CustodyRepo, ledger: MassBalanceLedger, key: AccountKey, account_id: int) -> None:
    acc = ledger.accounts[key]
    repo.replace_holdings(account_id, acc.holdings)
    repo.update_account(account_id, balance_g=sum(h.grams for h in acc.holdings), last_time=acc.last_time)


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


def list_accounts(uow: UnitOfWork, actor: Actor, org_id: int) -> list[dict[str, Any]]:
    can_read(actor.signed_in, org_id, "accounts")
    with uow:
        return [account_view(r) for r in CustodyRepo(uow.conn).accounts_of(org_id)]


def get_account(uow: UnitOfWork, actor: Actor, account_id: int) -> dict[str, Any]:
    with uow:
        repo = CustodyRepo(uow.conn)
        row = readable_account(repo, actor, account_id)
        return {
            **account_view(row),
            "periods": repo.periods_of(account_id),
            "closes": repo.closes(account_id),
        }
