from collections import defaultdict
from datetime import timedelta
from decimal import Decimal as D

import numpy as np
import pytest

from junkan.custody.closing import statement
from junkan.custody.mass_balance import MassBalanceLedger
from junkan.custody.model import EntryKind
from junkan.custody.period_close import close_accounts
from junkan.errors import InvalidInput, RuleViolation
from tests.unit.custody.custody_factories import at, make_account


def test_vectorised_close_agrees_with_the_ledger_statements():
    rng = np.random.default_rng(7)
    accounts = [make_account(f"org{i}") for i in range(5)]
    ledger = MassBalanceLedger()
    for n in range(200):
        acc = accounts[int(rng.integers(5))]
        t = at(4, 1) + timedelta(hours=n)
        kg = D(int(rng.integers(1, 10_000))) / 1000
        if rng.random() < 0.6 or ledger.balance_g(acc) < kg * 1000:
            ledger.credit(entry_id=f"c{n}", account=acc, time=t, input_kg=kg)
        else:
            ledger.claim(entry_id=f"k{n}", account=acc, time=t, lots=[(f"L{n}", kg)], amount_kg=kg)
    entries = [e for a in accounts for e in ledger.accounts[a].entries]
    col_acc = np.array([accounts.index(e.account) for e in entries])
    col_kind = np.array([int(e.kind) for e in entries])
    col_g = np.array([e.grams for e in entries])
    closed = close_accounts(5, col_acc, col_kind, col_g)
    period = ledger.scheme.period_of(at(4, 1).date())
    for i, acc in enumerate(accounts):
        st = statement(ledger, acc, period)
        assert closed.closing[i] == st.closing_g
        assert closed.column(EntryKind.CREDIT)[i] == st.credits_g
        assert closed.column(EntryKind.CLAIM)[i] == st.claims_g


def test_matches_plain_python_and_carries_the_opening_balance():
    acc = np.array([0, 0, 1, 1, 1, 2])
    kind = np.array([0, 1, 0, 2, 3, 4])
    grams = np.array([1000, 400, 50, 25, 70, 5])
    opening = np.array([0, 0, 10])
    # by hand: #0 = 1000 − 400 = 600; #1 = 50 + 25 − 70 = 5; #2 = 10 − 5 = 5
    closed = close_accounts(3, acc, kind, grams, opening=opening)
    assert closed.closing.tolist() == [600, 5, 5]
    plain: dict[int, int] = defaultdict(int)
    for a, k, g in zip(acc, kind, grams, strict=True):
        plain[int(a)] += EntryKind(int(k)).sign * int(g)
    assert [plain[i] + opening[i] for i in range(3)] == closed.closing.tolist()


def test_negative_closing_refuses_the_whole_batch():
    with pytest.raises(RuleViolation) as err:
        close_accounts(2, np.array([0, 1]), np.array([0, 1]), np.array([5, 7]))
    assert err.value.code == "negative_balance"
    assert err.value.extra["accounts"] == [1]
    assert "0.007 kg" in err.value.message


def test_exact_beyond_float_precision_and_bad_columns():
    big = 2**60  # far past 2**53: bincount would round, the int64 path must not
    closed = close_accounts(1, np.array([0, 0]), np.array([0, 1]), np.array([big, big - 1]))
    assert closed.closing.tolist() == [1]
    with pytest.raises(InvalidInput):
        close_accounts(1, np.array([0]), np.array([9]), np.array([1]))
    with pytest.raises(InvalidInput):
        close_accounts(1, np.array([0]), np.array([0]), np.array([-1]))
