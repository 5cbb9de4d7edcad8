"""Benchmark: closing 1,000 mass-balance accounts from 1,000,000 columnar entries (int64 grams).

Times ``close_accounts`` (per-account, per-kind totals, closing balances, negative check) against two
baselines measured in the same run: a plain-Python dict accumulation over the same rows and an exact int64
``np.add.at``. Goal: < 3 s (the DB-level SQL baseline comes with the integration).

    .venv/bin/python bench/custody_close.py [--entries 1000000] [--accounts 1000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import defaultdict

import numpy as np

from junkan.custody.model import EntryKind
from junkan.custody.period_close import close_accounts

SIGN = {int(k): k.sign for k in EntryKind}


def columns(n: int, accounts: int, rng: np.random.Generator):
    account = rng.integers(0, accounts, size=n, dtype=np.int64)
    kind = rng.choice(np.array([0, 1, 2, 3, 4]), size=n, p=[0.45, 0.3, 0.1, 0.1, 0.05]).astype(np.int64)
    grams = rng.integers(1, 5_000_000, size=n, dtype=np.int64)  # up to 5 t per entry
    opening = np.full(accounts, 10**12, dtype=np.int64)  # large openings keep every account positive
    return account, kind, grams, opening


def plain_python(account, kind, grams, opening) -> list[int]:
    totals: dict[int, int] = defaultdict(int)
    for a, k, g in zip(account.tolist(), kind.tolist(), grams.tolist(), strict=True):
        totals[a] += SIGN[k] * g
    return [int(opening[i]) + totals[i] for i in range(opening.size)]


def add_at(account, kind, grams, opening) -> np.ndarray:
    signed = grams * np.where((kind == 0) | (kind == 2), 1, -1)
    out = opening.copy()
    np.add.at(out, account, signed)
    return out


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--accounts", type=int, default=1_000)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    rng = np.random.default_rng(2025)
    account, kind, grams, opening = columns(args.entries, args.accounts, rng)
    closed = close_accounts(args.accounts, account, kind, grams, opening=opening)
    assert closed.closing.tolist() == plain_python(account, kind, grams, opening)  # same figures, to the gram
    ours = median_ms(
        lambda: close_accounts(args.accounts, account, kind, grams, opening=opening), args.repeat
    )
    at = median_ms(lambda: add_at(account, kind, grams, opening), args.repeat)
    plain = median_ms(lambda: plain_python(account, kind, grams, opening), max(1, args.repeat // 3))
    print(f"{args.entries:,} entries over {args.accounts:,} accounts")
    print(f"junkan close_accounts (bincount)  median {ours:9.1f} ms")
    print(f"np.add.at int64                   median {at:9.1f} ms")
    print(f"plain-Python dict                 median {plain:9.1f} ms")
    print(f"ratio plain-Python / junkan: {plain / ours:.1f}x   ratio np.add.at / junkan: {at / ours:.1f}x")
    print(f"goal < 3 s: {'met' if ours < 3000 else 'NOT met'}")


if __name__ == "__main__":
    main()
