from decimal import Decimal as D

import pytest

from junkan.custody.closing import close_period, statement
from junkan.custody.mass_balance import MassBalanceLedger
from junkan.custody.model import Characteristic, PeriodScheme
from junkan.errors import Conflict, InvalidInput, RuleViolation
from junkan.trace.trades import TradeMatch
from tests.unit.custody.custody_factories import at, make_account

RECYCLER = make_account()
BOTTLER = make_account("beverage_maker")
Q1 = PeriodScheme().period_of(at(4, 1).date())


def worked_ledger() -> MassBalanceLedger:
    ledger = MassBalanceLedger()
    ledger.credit(
        entry_id="c1",
        account=RECYCLER,
        time=at(4, 3),
        input_kg=D("10000"),
        conversion_factor=D("0.8"),
        event_ids=("recv-bale-04",),
    )
    ledger.credit(
        entry_id="c2",
        account=RECYCLER,
        time=at(5, 2),
        input_kg=D("5000.5"),
        conversion_factor=D("0.8"),
        event_ids=("recv-bale-05",),
    )
    ledger.claim(
        entry_id="k1",
        account=RECYCLER,
        time=at(5, 10),
        lots=[("A", D(6000)), ("B", D(3000))],
        amount_kg=D(3000),
        event_ids=("recycle-05",),
    )
    ledger.transfer(
        entry_id="t1",
        source=RECYCLER,
        destination=BOTTLER,
        time=at(6, 1),
        amount_kg=D(4500),
        event_ids=("ship-06", "recv-06"),
    )
    ledger.claim(
        entry_id="k2",
        account=RECYCLER,
        time=at(6, 20),
        lots=[("C", D(2000))],
        per_lot_kg={"C": D("1234.567")},
        event_ids=("recycle-06",),
    )
    return ledger


def test_worked_example_statement_adds_up_by_hand():
    # Hand calculation, account pet_recycler/plant/PET/recycled_post_consumer, Q1 FY2025 (April–June):
    #   opening                                          0.000 kg
    #   credit c1  10,000   kg bales × 0.8           + 8,000.000 kg
    #   credit c2   5,000.5 kg bales × 0.8           + 4,000.400 kg
    #   claim  k1  lots A (6,000 kg) + B (3,000 kg)  − 3,000.000 kg  (proportional: A 2,000, B 1,000)
    #   transfer t1 to beverage_maker                − 4,500.000 kg
    #   claim  k2  lot C (free attribution)          − 1,234.567 kg
    #   closing = 8,000 + 4,000.4 − 3,000 − 4,500 − 1,234.567 = 3,265.833 kg
    ledger = worked_ledger()
    st = close_period(ledger, RECYCLER, Q1)
    assert (st.opening_g, st.credits_g, st.claims_g, st.transfers_out_g) == (
        0,
        12_000_400,
        4_234_567,
        4_500_000,
    )
    assert st.closing_g == 3_265_833
    assert st.closed and [e.id for e in st.entries] == ["c1", "c2", "k1", "t1:out", "k2"]
    k1 = st.entries[2]
    assert k1.lots == (("A", 2_000_000), ("B", 1_000_000))
    # FIFO: k1 and t1 eat credit c1 (3,000 + 4,500), k2 takes its last 500 kg and 734.567 kg of c2
    assert st.entries[4].credits == (("c1", 500_000), ("c2", 734_567))
    assert st.to_dict()["closingKg"] == "3265.833"
    # The bottler received 4,500 kg under the original credit id
    assert statement(ledger, BOTTLER, Q1).transfers_in_g == 4_500_000
    assert statement(ledger, BOTTLER, Q1).entries[0].credits == (("c1", 4_500_000),)
    # Next quarter opens with the closing balance; 3,265.833 + 800 can be claimed to the gram, not one more
    ledger.credit(
        entry_id="c3", account=RECYCLER, time=at(7, 2), input_kg=D(1000), conversion_factor=D("0.8")
    )
    ledger.claim(
        entry_id="k3", account=RECYCLER, time=at(7, 3), lots=[("D", D(5000))], amount_kg=D("4065.833")
    )
    with pytest.raises(RuleViolation) as err:
        ledger.claim(entry_id="k4", account=RECYCLER, time=at(7, 4), lots=[("E", D(1))], amount_kg=D("0.001"))
    assert err.value.code == "over_claim"
    assert err.value.extra["shortfall_kg"] == "0.001"
    assert str(RECYCLER) in err.value.message
    q2 = close_period(ledger, RECYCLER, PeriodScheme().next(Q1))
    assert (q2.opening_g, q2.closing_g) == (3_265_833, 0)


def test_over_claim_names_account_and_shortfall():
    ledger = MassBalanceLedger()
    ledger.credit(entry_id="c", account=RECYCLER, time=at(4, 1), input_kg=D(100))
    with pytest.raises(RuleViolation) as err:
        ledger.claim(
            entry_id="k", account=RECYCLER, time=at(4, 2), lots=[("L", D(500))], amount_kg=D("100.5")
        )
    assert err.value.code == "over_claim"
    assert err.value.field == "amount_kg"
    assert "short by 0.5 kg" in err.value.message
    assert ledger.balance_g(RECYCLER) == 100_000


def test_postings_are_idempotent_by_entry_id():
    ledger = worked_ledger()
    before = ledger.balance_g(RECYCLER)
    again = ledger.claim(
        entry_id="k1",
        account=RECYCLER,
        time=at(5, 10),
        lots=[("A", D(6000)), ("B", D(3000))],
        amount_kg=D(3000),
        event_ids=("recycle-05",),
    )
    assert again.id == "k1" and ledger.balance_g(RECYCLER) == before
    with pytest.raises(Conflict) as err:
        ledger.credit(entry_id="c1", account=RECYCLER, time=at(6, 25), input_kg=D(1))
    assert err.value.code == "entry_id_reused"


def test_a_lot_cannot_be_claimed_twice_anywhere_in_the_network():
    ledger = worked_ledger()
    with pytest.raises(RuleViolation) as err:  # bottler claims lot A, which already carries 2,000 of 6,000 kg
        ledger.claim(
            entry_id="kb",
            account=BOTTLER,
            time=at(6, 25),
            lots=[("A", D(6000))],
            per_lot_kg={"A": D("4000.001")},
        )
    assert err.value.code == "double_claim"
    ledger.claim(
        entry_id="kb", account=BOTTLER, time=at(6, 25), lots=[("A", D(6000))], per_lot_kg={"A": D(4000)}
    )
    with pytest.raises(InvalidInput) as err2:
        ledger.claim(
            entry_id="kc", account=BOTTLER, time=at(6, 26), lots=[("Z", D(1))], per_lot_kg={"Z": D(2)}
        )
    assert err2.value.code == "claim_exceeds_lot_mass"


def test_registry_refuses_a_credit_used_beyond_its_issue():
    ledger = worked_ledger()
    with pytest.raises(RuleViolation) as err:
        ledger.registry.use([("c2", 4_000_401)])
    assert err.value.code == "double_claim"


def test_transfer_with_trade_only_between_the_trading_organisations():
    ledger = worked_ledger()
    match = TradeMatch("S-1", "pet_recycler", "beverage_maker", "ship-07", "recv-07", {}, {})
    _, into = ledger.transfer_with_trade(
        match, entry_id="t2", source=RECYCLER, destination=BOTTLER, time=at(6, 30), amount_kg=D(100)
    )
    assert into.event_ids == ("ship-07", "recv-07")
    with pytest.raises(InvalidInput):
        ledger.transfer_with_trade(
            match,
            entry_id="t3",
            source=RECYCLER,
            destination=make_account("someone_else"),
            time=at(6, 30),
            amount_kg=D(1),
        )


def test_period_rules_order_close_and_tolerance():
    ledger = worked_ledger()
    with pytest.raises(RuleViolation) as err:
        ledger.credit(entry_id="late", account=RECYCLER, time=at(6, 1), input_kg=D(1))
    assert err.value.code == "out_of_order"
    with pytest.raises(RuleViolation) as err:  # 1,000 kg book vs 994 kg physical: 0.6 % > 0.5 %
        close_period(ledger, RECYCLER, Q1, book_kg=D(1000), physical_kg=D(994))
    assert err.value.code == "stock_difference"
    st = close_period(ledger, RECYCLER, Q1, book_kg=D(1000), physical_kg=D(995))
    assert st.stock_difference == D(-5)
    with pytest.raises(RuleViolation) as err:
        ledger.credit(entry_id="back", account=RECYCLER, time=at(6, 30, 23), input_kg=D(1))
    assert err.value.code == "period_closed"
    later = MassBalanceLedger()
    later.credit(entry_id="x", account=RECYCLER, time=at(4, 1), input_kg=D(1))
    with pytest.raises(RuleViolation) as err:
        close_period(later, RECYCLER, PeriodScheme().next(Q1))
    assert err.value.code == "earlier_period_open"


def test_credits_expire_only_when_the_scheme_says_so():
    ledger = MassBalanceLedger(credit_lifetime_periods=2)
    ledger.credit(entry_id="old", account=RECYCLER, time=at(4, 1), input_kg=D(100))
    close_period(ledger, RECYCLER, Q1)
    assert ledger.balance_g(RECYCLER) == 100_000  # still usable in the 2nd period
    q2 = close_period(ledger, RECYCLER, PeriodScheme().next(Q1))
    assert (q2.expired_g, q2.closing_g, ledger.balance_g(RECYCLER)) == (100_000, 0, 0)
    assert MassBalanceLedger().credit_lifetime_periods is None  # default: credits carry over


def test_bad_inputs():
    ledger = MassBalanceLedger()
    with pytest.raises(InvalidInput):
        ledger.credit(
            entry_id="c", account=RECYCLER, time=at(4, 1), input_kg=D(1), conversion_factor=D("1.1")
        )
    ledger.credit(entry_id="c", account=RECYCLER, time=at(4, 1), input_kg=D(10))
    with pytest.raises(InvalidInput) as err:
        ledger.claim(
            entry_id="k",
            account=RECYCLER,
            time=at(4, 2),
            lots=[("L", D(1))],
            amount_kg=D(1),
            per_lot_kg={"L": D(1)},
        )
    assert err.value.code == "attribution_ambiguous"
    with pytest.raises(InvalidInput):
        ledger.transfer(
            entry_id="t",
            source=RECYCLER,
            destination=make_account(characteristic=Characteristic.BIO_BASED),
            time=at(4, 3),
            amount_kg=D(1),
        )
