"""Members use cases against real SQLite and real PostgreSQL (each test runs on both)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select
from tests.factories import World, make_facility, make_org, make_target

from junkan.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from junkan.members import auth, service
from junkan.members.model import OrgKind, Role, Scope
from junkan.pagination import PageRequest
from junkan.store.migrate import pending
from junkan.store.tables.members import api_tokens, organizations, people
from junkan.store.tables.platform import audit_log


@pytest.fixture
def world(engine) -> World:
    return World(engine)


def count(world: World, table) -> int:
    with world.engine.connect() as c:
        return c.execute(select(func.count()).select_from(table)).scalar_one()


def test_schema_is_fully_migrated(world: World) -> None:
    assert pending(world.engine) == set()


def test_register_and_read_back(world: World) -> None:
    org_id = service.register_org(world.uow, world.system, make_org(name_en="Acme Recycling"))
    got = service.get_org(world.uow, world.system, org_id)
    assert got["name_en"] == "Acme Recycling" and got["kind"] is OrgKind.COMPANY_SME
    page = service.list_orgs(world.uow, world.system, PageRequest(10), q="acme")
    assert [o["id"] for o in page.items] == [org_id]


def test_duplicate_name_is_refused_and_nothing_is_stored(world: World) -> None:
    service.register_org(world.uow, world.system, make_org(name_en="Same"))
    before = (count(world, organizations), count(world, audit_log))
    with pytest.raises(Conflict) as e:
        service.register_org(world.uow, world.system, make_org(name_en="Same"))
    assert e.value.field == "name_en"
    assert (count(world, organizations), count(world, audit_log)) == before


def test_invalid_corporate_number_is_refused(world: World) -> None:
    with pytest.raises(InvalidInput) as e:
        service.register_org(world.uow, world.system, make_org(corporate_number="1234567890123"))
    assert e.value.field == "corporate_number"
    assert count(world, organizations) == 0


def test_only_the_secretariat_registers(world: World) -> None:
    _, company = world.org()
    with pytest.raises(PermissionDenied):
        service.register_org(world.uow, company, make_org())
    _, regulator = world.org(kind=OrgKind.REGULATOR)
    assert service.register_org(world.uow, regulator, make_org()) > 0


def test_private_facility_fields_are_hidden_from_others(world: World) -> None:
    a, admin_a = world.org()
    _, admin_b = world.org()
    fid = service.add_facility(
        world.uow,
        admin_a,
        make_facility(a, internal_notes="secret", is_public=True, capacity_t_per_year=Decimal("12.5")),
    )
    hidden = service.add_facility(world.uow, admin_a, make_facility(a, is_public=False))
    mine = service.get_facility(world.uow, admin_a, fid)
    assert mine["internal_notes"] == "secret" and mine["capacity_t_per_year"] == Decimal("12.5")
    theirs = service.get_facility(world.uow, admin_b, fid)
    assert "internal_notes" not in theirs and "capacity_t_per_year" not in theirs
    with pytest.raises(NotFound):
        service.get_facility(world.uow, admin_b, hidden)
    assert [f["id"] for f in service.list_facilities(world.uow, admin_b, a)] == [fid]
    with pytest.raises(PermissionDenied):
        service.update_facility(world.uow, admin_b, fid, {"name": "taken over"})


def test_viewer_cannot_write(world: World) -> None:
    a, _ = world.org()
    viewer = world.person(a, Role.VIEWER)
    with pytest.raises(PermissionDenied) as e:
        service.add_facility(world.uow, viewer, make_facility(a))
    assert e.value.code == "missing_scope"


def test_partnership_lifecycle_with_history(world: World) -> None:
    a, admin_a = world.org()
    b, admin_b = world.org()
    pid = service.request_partnership(world.uow, admin_a, b)
    with pytest.raises(Conflict):
        service.request_partnership(world.uow, admin_b, a)  # already requested the other way
    with pytest.raises(PermissionDenied):
        service.change_partnership(world.uow, admin_a, pid, "accept")
    view = service.change_partnership(world.uow, admin_b, pid, "accept")
    assert view["status"] == "accepted"
    admin_a = world.refresh(admin_a)
    assert admin_a.principal and b in admin_a.principal.partner_org_ids
    view = service.change_partnership(world.uow, admin_a, pid, "revoke", note="contract ended")
    assert [h["status"] for h in view["history"]] == ["requested", "accepted", "revoked"]
    assert world.refresh(admin_a).principal.partner_org_ids == frozenset()  # type: ignore[union-attr]


def test_targets_drafts_private_progress_and_obligations(world: World) -> None:
    a, admin_a = world.org()
    _, admin_b = world.org()
    draft = service.set_target(world.uow, admin_a, make_target(a, status="draft", metric="secret plan"))
    assert [t.metric for t in service.list_targets(world.uow, admin_b, a)] == []
    with pytest.raises(Conflict):
        service.report_progress(world.uow, admin_a, draft, year=2024, value=Decimal(12))
    service.declare_target(world.uow, admin_a, draft)
    service.report_progress(world.uow, admin_a, draft, year=2024, value=Decimal(12))
    service.report_progress(world.uow, admin_a, draft, year=2024, value=Decimal(13))  # corrected
    [t] = service.list_targets(world.uow, admin_b, a)
    assert [(p.year, p.value) for p in t.progress] == [(2024, Decimal(13))]
    with pytest.raises(InvalidInput):
        service.report_progress(world.uow, admin_a, draft, year=2024, value=Decimal(130))


def test_tokens_are_hashed_scoped_and_revocable(world: World) -> None:
    a, admin_a = world.org()
    t = auth.create_token(world.uow, admin_a, name="erp", scopes={Scope.READ}, days=30)
    with world.engine.connect() as c:
        stored = c.execute(select(api_tokens)).one()._mapping
    assert t.token not in str(dict(stored)) and stored["token_hash"] != t.token
    p = auth.principal_from_token(world.uow, t.token, admin_a.now)
    assert p.org_id == a and p.scopes == {Scope.READ}
    auth.revoke_token(world.uow, admin_a, t.id)
    with pytest.raises(Exception, match="unknown, revoked or expired"):
        auth.principal_from_token(world.uow, t.token, admin_a.now)
    editor = world.person(a, Role.EDITOR)
    with pytest.raises(PermissionDenied):  # only admins mint tokens
        auth.create_token(world.uow, editor, name="x", scopes={Scope.READ}, days=1)


def test_passwords_never_stored_in_clear(world: World) -> None:
    world.org()
    with world.engine.connect() as c:
        hashes = [r[0] for r in c.execute(select(people.c.password_hash))]
    assert all(h.startswith("scrypt$") and "correct horse" not in h for h in hashes)
    with world.engine.connect() as c:
        changes = [str(r[0]) for r in c.execute(select(audit_log.c.changes))]
    assert not any("correct horse" in ch for ch in changes)


def test_audit_log_records_writes_and_is_private(world: World) -> None:
    a, admin_a = world.org()
    _, admin_b = world.org()
    _, regulator = world.org(kind=OrgKind.REGULATOR)
    service.add_facility(world.uow, admin_a, make_facility(a, name="Audited site"))
    mine = service.audit_entries(world.uow, admin_a, None, PageRequest(50))
    assert any(e["action"] == "facility.add" and e["ip"] == "127.0.0.1" for e in mine.items)
    with pytest.raises(PermissionDenied):
        service.audit_entries(world.uow, admin_b, a, PageRequest(50))
    assert service.audit_entries(world.uow, regulator, a, PageRequest(50)).total == mine.total


def test_overdue_members_for_regulators(world: World) -> None:
    import datetime as dt

    a, admin_a = world.org(membership_date=dt.date(2020, 1, 1))
    _, regulator = world.org(kind=OrgKind.REGULATOR, membership_date=None)
    rows = service.overdue_members(world.uow, regulator)
    assert a in [r["org_id"] for r in rows]
    with pytest.raises(PermissionDenied):
        service.overdue_members(world.uow, admin_a)
