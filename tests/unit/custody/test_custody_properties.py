from datetime import timedelta
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from junkan.custody.closing import close_period, statement
from junkan.custody.mass_balance import MassBalanceLedger
from junkan.custody.model import EntryKind
from junkan.errors import RuleViolation
from tests.unit.custody.custody_factories import at, make_account

ACCOUNTS = [make_account(f"org{i}") for i in range(3)]
op = st.tuples(
    st.sampled_from(["credit", "claim", "transfer"]),
    st.integers(0, 2),
    st.integers(0, 2),
    st.decimals(D("0.001"), D("5000"), places=3),
)


def run(ops):
    ledger = MassBalanceLedger()
    expected = [0, 0, 0]
    refused = 0
    posted = []
    for n, (kind, a, b, amount) in enumerate(ops):
        t = at(4, 1) + timedelta(hours=n)
        g = int(amount * 1000)
        try:
            if kind == "credit":
                kw = {"entry_id": f"e{n}", "account": ACCOUNTS[a], "time": t, "input_kg": amount}
                ledger.credit(**kw)
                expected[a] += g
            elif kind == "claim":
                kw = {
                    "entry_id": f"e{n}",
                    "account": ACCOUNTS[a],
                    "time": t,
                    "lots": [(f"lot{n}", amount)],
                    "amount_kg": amount,
                }
                ledger.claim(**kw)
                expected[a] -= g
            else:
                if a == b:
                    continue
                kw = {
                    "entry_id": f"e{n}",
                    "source": ACCOUNTS[a],
                    "destination": ACCOUNTS[b],
                    "time": t,
                    "amount_kg": amount,
                }
                ledger.transfer(**kw)
                expected[a] -= g
                expected[b] += g
            posted.append((kind, kw))
        except RuleViolation as err:
            assert err.code == "over_claim"
            assert g > expected[a]  # refused exactly when the balance is too small
            refused += 1
        assert all(ledger.balance_g(acc) == expected[i] >= 0 for i, acc in enumerate(ACCOUNTS))
    return ledger, expected, posted


@settings(max_examples=150, deadline=None)
@given(st.lists(op, max_size=30))
def test_balances_never_go_negative_and_over_claims_are_always_refused(ops):
    ledger, expected, _ = run(ops)
    issued = sum(ledger.registry.issued.values())
    claimed = sum(ledger.registry.used.values())
    assert issued - claimed == sum(expected)  # transfers move credits, they neither create nor destroy them
    for credit_id, used in ledger.registry.used.items():
        assert used <= ledger.registry.issued[credit_id]
    period = ledger.scheme.period_of(at(4, 1).date())
    for acc in ACCOUNTS:
        st_ = close_period(ledger, acc, period)
        assert st_.closing_g == ledger.balance_g(acc) >= 0
        signed = sum(e.kind.sign * e.grams for e in st_.entries)
        assert st_.closing_g == st_.opening_g + signed
        assert all(e.kind is not EntryKind.EXPIRY for e in st_.entries)


@settings(max_examples=50, deadline=None)
@given(st.lists(op, max_size=20))
def test_replaying_every_posting_changes_nothing(ops):
    ledger, _, posted = run(ops)
    period = ledger.scheme.period_of(at(4, 1).date())
    before = [statement(ledger, acc, period) for acc in ACCOUNTS]
    for kind, kw in posted:
        getattr(ledger, kind)(**kw)
    assert [statement(ledger, acc, period) for acc in ACCOUNTS] == before
