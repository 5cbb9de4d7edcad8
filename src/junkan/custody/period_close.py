"""Closing many mass-balance accounts at once from columnar entries (numpy int64 grams).

A repository extracts a period's entries as three columns — account index, entry kind (``EntryKind`` code)
and amount in grams — plus each account's opening balance; ``close_accounts`` sums them per account and kind
and returns the closing balances, refusing the whole batch if any account would close negative (naming the
accounts and shortfalls). Sums use ``np.bincount``, exact for integers while every total stays below 2**53 g
(≈ 9 million tonnes per account and kind, checked); beyond that it falls back to exact int64 ``np.add.at``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from junkan.custody.model import EntryKind
from junkan.errors import InvalidInput, RuleViolation

__all__ = ["ClosedAccounts", "close_accounts"]

I64 = NDArray[np.int64]
_KINDS = len(EntryKind)
_SIGN = np.array([k.sign for k in sorted(EntryKind)], dtype=np.int64)
_EXACT = 2**53


@dataclass(frozen=True, slots=True)
class ClosedAccounts:
    """Per account: opening, per-kind totals (columns in ``EntryKind`` order) and closing, all in grams."""

    opening: I64
    totals: NDArray[np.int64]  # shape (n_accounts, len(EntryKind))
    closing: I64

    def column(self, kind: EntryKind) -> I64:
        return self.totals[:, int(kind)]


def close_accounts(
    n_accounts: int, account: I64, kind: I64, grams: I64, *, opening: I64 | None = None
) -> ClosedAccounts:
    """Close ``n_accounts`` accounts; raises RuleViolation('negative_balance') if any would go below zero."""
    account = np.asarray(account, dtype=np.int64)
    kind = np.asarray(kind, dtype=np.int64)
    grams = np.asarray(grams, dtype=np.int64)
    if not (account.shape == kind.shape == grams.shape):
        raise InvalidInput(
            "account, kind and grams must be columns of equal length", code="shape_mismatch", field="grams"
        )
    if account.size:
        if account.min() < 0 or account.max() >= n_accounts:
            raise InvalidInput(
                f"account indices must lie in 0..{n_accounts - 1}", code="index_out_of_range", field="account"
            )
        if kind.min() < 0 or kind.max() >= _KINDS:
            raise InvalidInput(
                f"entry kinds are codes 0..{_KINDS - 1} (EntryKind)", code="unknown_kind", field="kind"
            )
        if grams.min() < 0:
            raise InvalidInput(
                "amounts are non-negative grams; the kind gives the sign",
                code="negative_amount",
                field="grams",
            )
    start = np.zeros(n_accounts, dtype=np.int64) if opening is None else np.asarray(opening, dtype=np.int64)
    cell = account * _KINDS + kind
    if int(grams.sum(dtype=np.uint64)) < _EXACT:
        # Every partial sum is an integer below 2**53, so float64 accumulation is exact.
        flat = np.bincount(cell, weights=grams, minlength=n_accounts * _KINDS).astype(np.int64)
    else:
        flat = np.zeros(n_accounts * _KINDS, dtype=np.int64)
        np.add.at(flat, cell, grams)
    totals = flat.reshape(n_accounts, _KINDS)
    closing = start + totals @ _SIGN
    negative = np.flatnonzero(closing < 0)
    if negative.size:
        shown = ", ".join(f"#{i} short by {-closing[i] / 1000} kg" for i in negative[:5])
        raise RuleViolation(
            f"{negative.size} account(s) would close negative ({shown}); a claim or transfer exceeds the "
            "credits — find the entries posted without a balance check and reverse them",
            code="negative_balance",
            field="grams",
            extra={"accounts": negative.tolist()},
        )
    return ClosedAccounts(start, totals, closing)
