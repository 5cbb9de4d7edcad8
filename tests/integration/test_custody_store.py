"""Custody use cases on real SQLite and PostgreSQL: credits from certified input, transfers along matched
trades, claims (over-claim refused with the shortfall, no double claim across organisations), statements
that add up by hand, period close with the 0.5 % tolerance, vectorised close, book-and-claim, signed VCs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from tests.factories import World
from tests.integration.test_trace_store import pet_chain, rec
from tests.integration.trace_world import TraceWorld, line

from junkan.credentials.service import verify_document
from junkan.custody import service as custody
from junkan.custody.model import Characteristic
from junkan.errors import Conflict, InvalidInput, NotFound, PermissionDenied, RuleViolation
from junkan.members.model import OrgKind

PC = Characteristic.RECYCLED_POST_CONSUMER
Q1 = dt.date(2025, 4, 1)
SECRET = b"custody-test-master-secret-0123456789"


@pytest.fixture
def tw(engine) -> TraceWorld:
    w = TraceWorld(
        World(engine),
        ("city", "sorter", "recycler", "bottler", "stranger"),
        [("city", "sorter"), ("sorter", "recycler"), ("recycler", "bottler"), ("city", "stranger")],
    )
    pet_chain(w)  # city collects 1,000 kg → sorter bales 900 kg → recycler receives them (event r1)
    return w


def credit(tw, who, entry, event, kg, factor="0.8"):
    return custody.credit(
        tw.world.uow,
        tw.actor[who],
        tw.org[who],
        entry_id=entry,
        event_id=event,
        material_group="PET",
        characteristic=PC,
        input_kg=Decimal(kg),
        conversion_factor=Decimal(factor),
    )


def claim(tw, who, entry, lots, amount, **kw):
    return custody.claim(
        tw.world.uow,
        tw.actor[who],
        tw.org[who],
        entry_id=entry,
        site_id=tw.site[who],
        material_group="PET",
        characteristic=PC,
        lots=lots,
        amount_kg=Decimal(amount),
        **kw,
    )


def story(tw: TraceWorld) -> None:
    """Recycler: credit 900 kg bales × 0.8 = 720 kg, recycle to 720 kg pellets, claim 300 kg on them, ship the
    pellets to the bottler with 420 kg of credits. Bottler: 500 kg take-back collected × 0.9 = 450 kg credits,
    virgin resin from an off-platform supplier, bottles from pellets + virgin."""
    credit(tw, "recycler", "c1", "r1", 900)
    rec(
        tw,
        "recycler",
        tw.event(
            "recycle",
            "recycler",
            "r2",
            day=4,
            inputs=(line("bale-1", 900),),
            outputs=(line("rpet-1", 720), line("res-2", 120, "mixed waste")),
            declared_yield=Decimal("0.97"),
        ),
    )
    claim(tw, "recycler", "k1", ["rpet-1"], 300)
    rec(
        tw,
        "recycler",
        tw.event(
            "ship",
            "recycler",
            "r3",
            day=5,
            inputs=(line("rpet-1", 720),),
            shipment_ref="S4",
            counterparty="bottler",
        ),
    )
    rec(tw, "bottler", tw.event("collect", "bottler", "b0", day=0, outputs=(line("takeback-1", 500),)))
    credit(tw, "bottler", "bc1", "b0", 500, "0.9")
    rec(
        tw,
        "bottler",
        tw.event(
            "receive",
            "bottler",
            "b1",
            day=5,
            outputs=(line("rpet-1", 720),),
            shipment_ref="S4",
            counterparty="recycler",
        ),
    )
    custody.transfer(
        tw.world.uow,
        tw.actor["recycler"],
        tw.org["recycler"],
        entry_id="t1",
        shipment_ref="S4",
        receiver_org_id=tw.org["bottler"],
        material_group="PET",
        characteristic=PC,
        amount_kg=Decimal(420),
    )
    rec(
        tw,
        "bottler",
        tw.event(
            "receive",
            "bottler",
            "b2",
            day=5.5,
            outputs=(line("vpet-1", 1000),),
            shipment_ref="V1",
            counterparty="resin_supplier",
        ),
    )
    rec(
        tw,
        "bottler",
        tw.event(
            "produce",
            "bottler",
            "b3",
            day=6,
            inputs=(line("rpet-1", 720), line("vpet-1", 1000)),
            outputs=(line("bottles-1", 1700),),
            declared_yield=Decimal("0.99"),
        ),
    )


def bottler_account(tw) -> int:
    [acc] = custody.list_accounts(tw.world.uow, tw.actor["bottler"], tw.org["bottler"])
    return acc["id"]


def test_statement_adds_up_by_hand_and_over_claim_names_the_shortfall(tw: TraceWorld) -> None:
    story(tw)
    k = claim(tw, "bottler", "k2", ["bottles-1"], 700)
    assert k["kg"] == "700" and k["lots"] == [{"lot": "bottles-1", "kg": "700"}]
    # Bottler, PET post-consumer, Q1 FY2025 (April–June), by hand:
    #   opening                                             0.000 kg
    #   credit  bc1   500 kg take-back collected × 0.9  + 450.000 kg
    #   transfer in   with shipment S4 from the recycler + 420.000 kg
    #   claim   k2    on bottles-1                       − 700.000 kg
    #   closing = 450 + 420 − 700 = 170.000 kg
    st = custody.statement(tw.world.uow, tw.actor["bottler"], bottler_account(tw), Q1)
    assert (st["openingKg"], st["creditsKg"], st["transfersInKg"], st["claimsKg"], st["closingKg"]) == (
        "0",
        "450",
        "420",
        "700",
        "170",
    )
    assert [e["kind"] for e in st["entries"]] == ["credit", "transfer_in", "claim"]
    # every figure traces to events: the credit to the take-back collection, the transfer to ship + receipt
    assert st["entries"][0]["eventIds"] == ["b0"] and st["entries"][1]["eventIds"] == ["r3", "b1"]
    # FIFO: the claim used the bottler's own credit first, then 250 kg of the recycler's credit c1
    assert st["entries"][2]["credits"] == [
        {"creditId": f"{tw.org['bottler']}:bc1", "kg": "450"},
        {"creditId": f"{tw.org['recycler']}:c1", "kg": "250"},
    ]
    with pytest.raises(RuleViolation) as err:
        claim(tw, "bottler", "k3", ["bottles-1"], "170.001")
    assert err.value.code == "over_claim" and err.value.extra["shortfall_kg"] == "0.001"
    assert f"{tw.org['bottler']}/{tw.site['bottler']}/PET/{PC.value}" in err.value.message
    claim(tw, "bottler", "k3", ["bottles-1"], 170)  # to the gram, not one more


def test_no_double_claim_across_organisations(tw: TraceWorld) -> None:
    story(tw)
    # the recycler claimed 300 of the 720 kg pellets; the bottler received the same physical lot
    with pytest.raises(RuleViolation) as err:
        claim(tw, "bottler", "kx", ["rpet-1"], 421)
    assert err.value.code == "double_claim" and "already carries 300" in err.value.message
    claim(tw, "bottler", "kx", ["rpet-1"], 420)
    # credits moved to the bottler cannot be used again by the recycler
    with pytest.raises(RuleViolation) as err:
        claim(tw, "recycler", "ky", ["res-2"], 1) if False else custody.claim(
            tw.world.uow,
            tw.actor["recycler"],
            tw.org["recycler"],
            entry_id="ky",
            site_id=tw.site["recycler"],
            material_group="PET",
            characteristic=PC,
            lots=["rpet-1"],
            amount_kg=Decimal("0.001"),
        )
    assert err.value.code == "over_claim"


def test_credits_need_certified_input_and_travel_only_along_matched_trades(tw: TraceWorld) -> None:
    with pytest.raises(RuleViolation) as err:
        credit(tw, "recycler", "c1", "r1", "900.001")
    assert err.value.code == "credit_exceeds_input" and err.value.extra["available_kg"] == "900"
    credit(tw, "recycler", "c1", "r1", 900)
    with pytest.raises(RuleViolation):
        credit(tw, "recycler", "c2", "r1", 1)  # the same input is never credited twice
    with pytest.raises(Conflict):
        credit(tw, "recycler", "c1", "r1", 800)  # entry ids are not reused
    assert credit(tw, "recycler", "c1", "r1", 900)["kg"] == "720"  # replay
    with pytest.raises(InvalidInput):
        credit(tw, "sorter", "c9", "s2", 1)  # a sort is not an input event
    # a receipt whose trade did not match (no partnership) brings no post-consumer material
    rec(tw, "city", tw.event("collect", "city", "c10", day=8, outputs=(line("col-9", 100),)))
    rec(
        tw,
        "city",
        tw.event(
            "ship",
            "city",
            "c11",
            day=9,
            inputs=(line("col-9", 100),),
            shipment_ref="S8",
            counterparty="bottler",
        ),
    )
    rec(
        tw,
        "bottler",
        tw.event(
            "receive",
            "bottler",
            "x1",
            day=9,
            outputs=(line("col-9", 100),),
            shipment_ref="S8",
            counterparty="city",
        ),
    )
    with pytest.raises(RuleViolation) as err:
        credit(tw, "bottler", "cx", "x1", 1)
    assert Decimal(err.value.extra["available_kg"]) == 0
    with pytest.raises(RuleViolation) as err:
        custody.transfer(
            tw.world.uow,
            tw.actor["city"],
            tw.org["city"],
            entry_id="t",
            shipment_ref="S8",
            receiver_org_id=tw.org["bottler"],
            material_group="PET",
            characteristic=PC,
            amount_kg=Decimal(1),
        )
    assert err.value.code == "trade_not_matched"


def test_period_close_tolerance_carry_over_and_vectorised_close(tw: TraceWorld) -> None:
    story(tw)
    claim(tw, "bottler", "k2", ["bottles-1"], 700)
    acc = bottler_account(tw)
    with pytest.raises(RuleViolation) as err:  # 1,000 kg book vs 994 kg physical: 0.6 % > 0.5 %
        custody.close(
            tw.world.uow, tw.actor["bottler"], acc, Q1, book_kg=Decimal(1000), physical_kg=Decimal(994)
        )
    assert err.value.code == "stock_difference"
    st = custody.close(
        tw.world.uow, tw.actor["bottler"], acc, Q1, book_kg=Decimal(1000), physical_kg=Decimal(995)
    )
    assert st["closed"] and st["closingKg"] == "170"
    with pytest.raises(Conflict):
        custody.close(tw.world.uow, tw.actor["bottler"], acc, Q1)
    with pytest.raises(RuleViolation) as err:  # nothing may be posted into a closed period
        claim(tw, "bottler", "k9", ["bottles-1"], 1, time=dt.datetime(2025, 6, 1, tzinfo=dt.UTC))
    assert err.value.code == "period_closed"
    # next quarter: a claim in July, then every account of the bottler closed at once
    claim(tw, "bottler", "k4", ["bottles-1"], 100, time=dt.datetime(2025, 7, 2, tzinfo=dt.UTC))
    out = custody.close_all(tw.world.uow, tw.actor["bottler"], tw.org["bottler"], dt.date(2025, 7, 1))
    assert out["closed"] == 1 and out["accounts"] == [{"account_id": acc, "closing_kg": "70"}]
    q2 = custody.statement(tw.world.uow, tw.actor["bottler"], acc, dt.date(2025, 7, 1))
    assert (q2["openingKg"], q2["claimsKg"], q2["closingKg"], q2["closed"]) == ("170", "100", "70", True)
    # the recycler's earlier quarter is still open: its accounts cannot skip it
    with pytest.raises(RuleViolation) as err:
        custody.close_all(tw.world.uow, tw.actor["recycler"], tw.org["recycler"], dt.date(2025, 7, 1))
    assert err.value.code == "earlier_period_open"


def test_claim_credential_is_signed_and_verifies(tw: TraceWorld) -> None:
    story(tw)
    out = claim(tw, "bottler", "k2", ["bottles-1"], 700, master_secret=SECRET, host="junkan.test")
    vc = out["credential"]
    subject = vc["credentialSubject"]
    assert subject["claimedMassKg"] == "700" and subject["lots"][0]["lotId"] == "bottles-1"
    assert subject["lots"][0]["share"] == str((Decimal(700) / Decimal(1700)).quantize(Decimal("0.001")))
    assert {e["organisation"] for e in subject["evidenceEvents"]} == {
        str(tw.org["bottler"]),
        str(tw.org["recycler"]),
    }
    assert vc["issuer"].startswith("did:web:junkan.test")
    result = verify_document(tw.world.uow, vc, now=dt.datetime.now(dt.UTC))
    assert result.ok, result
    vc["credentialSubject"]["claimedMassKg"] = "7000.000"
    assert not verify_document(tw.world.uow, vc, now=dt.datetime.now(dt.UTC)).ok
    got = custody.get_claim(tw.world.uow, tw.actor["bottler"], out["claim_id"])
    assert got["credential"]["proof"]["proofValue"]


def test_accounts_are_visible_to_owner_and_authorities_only(tw: TraceWorld) -> None:
    story(tw)
    acc = bottler_account(tw)
    _, regulator = tw.world.org(kind=OrgKind.REGULATOR, membership_date=None)
    assert custody.statement(tw.world.uow, regulator, acc, Q1)["creditsKg"] == "450"
    for who in ("recycler", "stranger"):
        with pytest.raises(NotFound):
            custody.statement(tw.world.uow, tw.actor[who], acc, Q1)
    with pytest.raises(PermissionDenied):
        custody.close(tw.world.uow, regulator, acc, Q1)


def test_book_and_claim_register(tw: TraceWorld) -> None:
    uow = tw.world.uow
    cert = custody.issue_certificate(
        uow,
        tw.actor["recycler"],
        tw.org["recycler"],
        certificate_id="BC-1",
        mass_kg=Decimal(10),
        characteristic=PC,
        material_group="PET",
        period_start=Q1,
        event_ids=["r1"],
    )
    assert cert["holder_org_id"] == tw.org["recycler"]
    moved = custody.transfer_certificate(uow, tw.actor["recycler"], "BC-1", to_org_id=tw.org["bottler"])
    assert moved["holder_org_id"] == tw.org["bottler"]
    with pytest.raises(PermissionDenied):
        custody.retire_certificate(uow, tw.actor["recycler"], "BC-1", beneficiary="x")
    done = custody.retire_certificate(uow, tw.actor["bottler"], "BC-1", beneficiary="Sakura bottles FY2025")
    assert done["retired"] and [h["action"] for h in done["history"]] == ["issue", "transfer", "retire"]
    with pytest.raises(RuleViolation) as err:
        custody.retire_certificate(uow, tw.actor["bottler"], "BC-1", beneficiary="again")
    assert err.value.code == "already_retired"
    with pytest.raises(NotFound):
        custody.get_certificate(uow, tw.actor["stranger"], "BC-1")
