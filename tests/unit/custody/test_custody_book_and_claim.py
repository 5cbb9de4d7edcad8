from dataclasses import replace
from datetime import date

import pytest

from junkan.custody.book_and_claim import Certificate, CertificateRegister
from junkan.custody.model import Characteristic, Period
from junkan.errors import Conflict, PermissionDenied, RuleViolation
from tests.unit.custody.custody_factories import at


def make_certificate(id: str = "cert-1", holder: str = "recycler") -> Certificate:
    return Certificate(
        id,
        "scheme-body",
        holder,
        1_000_000,
        Characteristic.RECYCLED_POST_CONSUMER,
        "PET",
        Period(date(2025, 4, 1), date(2025, 7, 1)),
        ("recycle-04",),
    )


def test_issue_transfer_retire_once():
    reg = CertificateRegister()
    reg.issue(make_certificate(), time=at(4, 1))
    reg.transfer("cert-1", holder="recycler", to="trader", time=at(4, 2))
    with pytest.raises(PermissionDenied) as err:
        reg.transfer("cert-1", holder="recycler", to="bottler", time=at(4, 3))
    assert err.value.code == "not_holder"
    reg.transfer("cert-1", holder="trader", to="bottler", time=at(4, 3))
    retired = reg.retire("cert-1", holder="bottler", beneficiary="bottler: FY2025 bottles", time=at(4, 4))
    assert retired.retired
    for action in (
        lambda: reg.retire("cert-1", holder="bottler", beneficiary="x", time=at(4, 5)),
        lambda: reg.transfer("cert-1", holder="bottler", to="y", time=at(4, 5)),
    ):
        with pytest.raises(RuleViolation) as err2:
            action()
        assert err2.value.code == "already_retired"
    assert [h.action for h in reg.history] == ["issue", "transfer", "transfer", "retire"]


def test_issue_is_idempotent_but_ids_are_unique():
    reg = CertificateRegister()
    reg.issue(make_certificate(), time=at(4, 1))
    reg.transfer("cert-1", holder="recycler", to="trader", time=at(4, 2))
    assert reg.issue(make_certificate(), time=at(4, 1)).holder == "trader"  # replay: no-op
    with pytest.raises(Conflict):
        reg.issue(replace(make_certificate(), grams=5), time=at(4, 1))
