import datetime as dt
from decimal import Decimal

import pytest

from junkan.errors import Conflict, InvalidInput, PermissionDenied
from junkan.members.directory import directory_stats
from junkan.members.model import (
    Audience,
    OrgKind,
    PartnershipStatus,
    Principal,
    Scope,
    audiences_for,
    next_partnership_status,
    validate_organisation,
)
from junkan.members.secrets import hash_password, new_api_token, verify_password
from junkan.members.targets import CETarget, Progress, obligations, validate_target
from tests.factories import make_org


def principal(
    org_id: int, kind: OrgKind = OrgKind.COMPANY_SME, partners: frozenset[int] = frozenset()
) -> Principal:
    return Principal(
        org_id=org_id, org_kind=kind, scopes=frozenset(Scope), label="t", partner_org_ids=partners
    )


def test_company_needs_corporate_number() -> None:
    with pytest.raises(InvalidInput) as e:
        validate_organisation(make_org(corporate_number=None))
    assert e.value.field == "corporate_number"


def test_municipality_needs_code() -> None:
    with pytest.raises(InvalidInput) as e:
        validate_organisation(make_org(kind=OrgKind.MUNICIPALITY, municipality_code=None))
    assert e.value.field == "municipality_code"


def test_names_are_trimmed_and_required() -> None:
    assert validate_organisation(make_org(name_en="  Acme  ")).name_en == "Acme"
    with pytest.raises(InvalidInput):
        validate_organisation(make_org(name_ja="   "))


def test_audiences() -> None:
    assert audiences_for(None, 1) == {Audience.PUBLIC}
    assert audiences_for(principal(1), 1) == set(Audience)
    assert audiences_for(principal(2), 1) == {Audience.PUBLIC}
    assert audiences_for(principal(2, partners=frozenset({1})), 1) == {Audience.PUBLIC, Audience.PARTNERS}
    reg = audiences_for(principal(3, OrgKind.REGULATOR), 1)
    assert Audience.AUTHORITIES in reg and Audience.OWNER not in reg


def test_partnership_lifecycle() -> None:
    s = next_partnership_status(PartnershipStatus.REQUESTED, "accept", acting_org=2, requester=1, partner=2)
    assert s is PartnershipStatus.ACCEPTED
    with pytest.raises(PermissionDenied):  # the requester cannot accept its own request
        next_partnership_status(PartnershipStatus.REQUESTED, "accept", acting_org=1, requester=1, partner=2)
    with pytest.raises(Conflict):  # a declined request cannot be accepted later
        next_partnership_status(PartnershipStatus.DECLINED, "accept", acting_org=2, requester=1, partner=2)
    assert (
        next_partnership_status(PartnershipStatus.ACCEPTED, "revoke", acting_org=1, requester=1, partner=2)
        is PartnershipStatus.REVOKED
    )


def test_directory_matches_circular_partners_table() -> None:
    # METI deck p.3: 645 = 521 companies (200 large + 321 SMEs incl. 88 small) + 32 + 26 + 24 + 42.
    kinds = (
        [OrgKind.COMPANY_LARGE] * 200
        + [OrgKind.COMPANY_SME] * 233
        + [OrgKind.COMPANY_SMALL] * 88
        + [OrgKind.ASSOCIATION] * 32
        + [OrgKind.MUNICIPALITY] * 26
        + [OrgKind.UNIVERSITY] * 24
        + [OrgKind.RELATED] * 42
        + [OrgKind.REGULATOR]
    )
    s = directory_stats(kinds)
    assert (s.total, s.companies, s.large, s.smes, s.small) == (645, 521, 200, 321, 88)
    assert (s.associations, s.municipalities, s.universities, s.related, s.authorities) == (32, 26, 24, 42, 1)


def test_target_validation() -> None:
    t = CETarget(
        id=None,
        org_id=1,
        metric="m",
        unit="%",
        baseline_year=2022,
        baseline_value=Decimal(10),
        target_year=2020,
        target_value=Decimal(20),
        scope="s",
    )
    with pytest.raises(InvalidInput) as e:
        validate_target(t)
    assert e.value.field == "target_year"


def test_obligations_overdue_without_target() -> None:
    due = obligations(membership_date=dt.date(2024, 4, 1), targets=[], today=dt.date(2025, 6, 1))
    assert [(o.kind, o.due, o.overdue) for o in due] == [("declare_target", dt.date(2025, 4, 1), True)]
    assert not obligations(membership_date=dt.date(2024, 4, 1), targets=[], today=dt.date(2025, 3, 1))[
        0
    ].overdue


def test_obligations_progress_reports() -> None:
    t = CETarget(
        id=7,
        org_id=1,
        metric="m",
        unit="%",
        baseline_year=2022,
        baseline_value=Decimal(10),
        target_year=2030,
        target_value=Decimal(20),
        scope="s",
        status="declared",
        progress=(Progress(2024, Decimal(12)),),
    )
    due = obligations(membership_date=dt.date(2024, 1, 1), targets=[t], today=dt.date(2026, 7, 1))
    # 2024 reported; 2025 due by 2026-06-30 and overdue on 2026-07-01.
    assert [(o.year, o.overdue) for o in due] == [(2025, True)]


def test_password_hash_round_trip_and_salt() -> None:
    h1, h2 = hash_password("a long passphrase"), hash_password("a long passphrase")
    assert h1 != h2 and "a long passphrase" not in h1
    assert verify_password("a long passphrase", h1)
    assert not verify_password("a long passphrasE", h1)
    assert not verify_password("x", None)


def test_api_tokens_are_unique_and_prefixed() -> None:
    (t1, p1), (t2, p2) = new_api_token(), new_api_token()
    assert t1 != t2 and p1 != p2 and t1.startswith(f"jk_{p1}_")
