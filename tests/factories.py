"""Plain ``make_*`` factories for tests: valid by default, override what a test is about."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine

from junkan.actor import Actor
from junkan.demo.members import demo_corporate_number, demo_municipality_code
from junkan.members import auth, service
from junkan.members.model import Facility, FacilityKind, Organisation, OrgKind, Role
from junkan.members.targets import CETarget
from junkan.store.members_repo import MembersRepo
from junkan.store.uow import UnitOfWork

PASSWORD = "correct horse battery"
_seq = itertools.count(1)


def make_org(**over: Any) -> Organisation:
    n = next(_seq)
    kind = over.pop("kind", OrgKind.COMPANY_SME)
    values: dict[str, Any] = dict(
        id=None,
        name_ja=f"テスト組織{n}",
        name_en=f"Test Org {n}",
        kind=kind,
        corporate_number=demo_corporate_number(10_000 + n) if kind.is_company else None,
        municipality_code=demo_municipality_code(n % 90) if kind is OrgKind.MUNICIPALITY else None,
        sector="test",
        contact_email=f"info{n}@example.test",
        membership_date=dt.date(2024, 4, 1),
    )
    values.update(over)
    return Organisation(**values)


def make_facility(org_id: int, **over: Any) -> Facility:
    values: dict[str, Any] = dict(
        id=None,
        org_id=org_id,
        name=f"Site {next(_seq)}",
        kind=FacilityKind.FACTORY,
        address="1-1 Test",
        municipality_code=None,
        latitude=35.0,
        longitude=137.0,
        is_public=True,
    )
    values.update(over)
    return Facility(**values)


def make_target(org_id: int, **over: Any) -> CETarget:
    values: dict[str, Any] = dict(
        id=None,
        org_id=org_id,
        metric="recycled share",
        unit="%",
        baseline_year=2022,
        baseline_value=Decimal("10"),
        target_year=2030,
        target_value=Decimal("30"),
        scope="all products",
        status="declared",
    )
    values.update(over)
    return CETarget(**values)


class World:
    """An engine with helpers to create organisations with an admin and sign in as them."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.system = Actor.system("test")

    @property
    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine)

    def org(self, role: Role = Role.ADMIN, **over: Any) -> tuple[int, Actor]:
        org_id = service.register_org(self.uow, self.system, make_org(**over))
        actor = self.person(org_id, role)
        return org_id, actor

    def person(self, org_id: int, role: Role) -> Actor:
        email = f"{role.value}{next(_seq)}@org{org_id}.test"
        auth.add_person(
            self.uow,
            self.system,
            org_id=org_id,
            email=email,
            display_name=email,
            role=role,
            password=PASSWORD,
        )
        return self.sign_in(email)

    def sign_in(self, email: str) -> Actor:
        s = auth.sign_in(self.uow, self.system, email=email, password=PASSWORD, hours=1)
        return Actor(principal=s.principal, ip="127.0.0.1")

    def partner(self, a: Actor, b: Actor) -> tuple[Actor, Actor]:
        """Make a and b accepted partners; returns both actors refreshed (their partner sets change)."""
        assert a.principal and b.principal
        pid = service.request_partnership(self.uow, a, b.principal.org_id)
        service.change_partnership(self.uow, b, pid, "accept")
        return self.refresh(a), self.refresh(b)

    def refresh(self, a: Actor) -> Actor:
        assert a.principal and a.principal.person_id
        with self.uow as uow:
            person = MembersRepo(uow.conn).get_person(a.principal.person_id)
        assert person
        return self.sign_in(person["email"])
