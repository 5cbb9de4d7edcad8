from datetime import UTC, datetime
from decimal import Decimal as D

import pytest

from junkan.custody.claims import recycled_content_claim, statement_digest
from junkan.custody.closing import close_period
from junkan.custody.model import CoCModel
from junkan.custody.physical import PhysicalInput, output_share
from junkan.errors import InvalidInput, RuleViolation
from tests.unit.custody.test_custody_mass_balance import Q1, RECYCLER, worked_ledger


def test_claim_credential_references_the_statement():
    ledger = worked_ledger()
    st = close_period(ledger, RECYCLER, Q1)
    k1 = next(e for e in st.entries if e.id == "k1")
    vc = recycled_content_claim(
        k1,
        st,
        issuer_id="did:web:junkan.example:orgs:pet_recycler",
        credential_id="urn:uuid:0b6f7c1e-claim-k1",
        valid_from=datetime(2025, 7, 1, tzinfo=UTC),
        lot_masses_kg={"A": D(6000), "B": D(3000)},
    )
    assert vc["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert "VerifiableCredential" in vc["type"] and "proof" not in vc
    subject = vc["credentialSubject"]
    assert subject["claimedMassKg"] == "3000"
    assert subject["lots"][0] == {
        "lotId": "A",
        "claimedMassKg": "2000",
        "lotMassKg": "6000",
        "share": "0.333",
    }
    assert subject["creditIds"] == ["c1"] and subject["eventIds"] == ["recycle-05"]
    assert vc["evidence"][0]["digest"] == statement_digest(st)
    assert vc["evidence"][0]["statement"]["closingKg"] == "3265.833"
    with pytest.raises(InvalidInput):
        recycled_content_claim(
            st.entries[0], st, issuer_id="did:x", credential_id="u", valid_from=datetime.now(UTC)
        )


def test_statement_digest_changes_with_any_figure():
    ledger = worked_ledger()
    st = close_period(ledger, RECYCLER, Q1)
    from dataclasses import replace

    assert statement_digest(st) != statement_digest(replace(st, closing_g=st.closing_g + 1))


def test_physical_models():
    a = PhysicalInput(D(600), D(1), True, "sorter-1")
    b = PhysicalInput(D(400), D("0.5"), True, "sorter-2")
    virgin = PhysicalInput(D(1000), D(0), False, "resin")
    assert output_share(CoCModel.IDENTITY_PRESERVED, [a]) == 1
    with pytest.raises(RuleViolation):
        output_share(CoCModel.IDENTITY_PRESERVED, [a, b])
    assert output_share(CoCModel.SEGREGATED, [a, b]) == D("0.8")  # (600 + 200) / 1000
    with pytest.raises(RuleViolation) as err:
        output_share(CoCModel.SEGREGATED, [a, virgin])
    assert err.value.field == "inputs[1]"
    assert output_share(CoCModel.CONTROLLED_BLENDING, [a, virgin]) == D("0.375")  # 600 / (600 + 1000)
    with pytest.raises(InvalidInput):
        output_share(CoCModel.MASS_BALANCE, [a])
