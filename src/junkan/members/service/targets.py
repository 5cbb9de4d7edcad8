"""Circular-economy targets: members set and declare targets, report yearly progress, and owe the
secretariat declarations and reports on a schedule (obligations, who is overdue).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from junkan.actor import Actor
from junkan.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from junkan.members.model import Scope
from junkan.members.service.organisations import acts_for, require_org
from junkan.members.targets import CETarget, Obligation, obligations, validate_target
from junkan.store import audit
from junkan.store.members_repo import MembersRepo
from junkan.store.uow import UnitOfWork

__all__ = [
    "declare_target",
    "list_targets",
    "org_obligations",
    "overdue_members",
    "report_progress",
    "set_target",
]


def set_target(uow: UnitOfWork, actor: Actor, t: CETarget) -> int:
    actor.signed_in.require(Scope.WRITE, org_id=t.org_id, action="set a CE target")
    if t.status not in ("draft", "declared"):
        raise InvalidInput("status must be draft or declared", code="unknown_enum", field="status")
    t = validate_target(t)
    with uow:
        repo = MembersRepo(uow.conn)
        require_org(repo, t.org_id)
        tid = repo.add_target(t, now=actor.now)
        audit.record(
            uow.conn,
            actor,
            action="target.set",
            entity="ce_target",
            entity_id=tid,
            org_id=t.org_id,
            changes=dataclasses.asdict(t),
        )
        uow.commit()
    return tid


def _own_target(repo: MembersRepo, actor: Actor, target_id: int, scope: Scope) -> CETarget:
    p = actor.signed_in
    t = repo.get_target(target_id)
    if t is None or (not acts_for(p, t.org_id) and t.status != "declared"):
        raise NotFound(f"target {target_id} not found", field="target_id")
    p.require(scope, org_id=t.org_id, action="change a CE target")
    return t


def declare_target(uow: UnitOfWork, actor: Actor, target_id: int) -> None:
    with uow:
        repo = MembersRepo(uow.conn)
        t = _own_target(repo, actor, target_id, Scope.WRITE)
        if t.status == "declared":
            raise Conflict(
                "this target is already declared; a declared target cannot be changed, set a new one instead",
                code="already_declared",
                field="status",
            )
        repo.update_target(target_id, {"status": "declared", "declared_at": actor.now})
        audit.record(
            uow.conn, actor, action="target.declare", entity="ce_target", entity_id=target_id, org_id=t.org_id
        )
        uow.commit()


def report_progress(
    uow: UnitOfWork, actor: Actor, target_id: int, *, year: int, value: Decimal, note: str | None = None
) -> None:
    with uow:
        repo = MembersRepo(uow.conn)
        t = _own_target(repo, actor, target_id, Scope.WRITE)
        if t.status != "declared":
            raise Conflict(
                "declare the target before reporting progress on it",
                code="target_not_declared",
                field="target_id",
            )
        if not t.baseline_year <= year <= actor.now.year:
            raise InvalidInput(
                f"year must be within {t.baseline_year}–{actor.now.year}", code="range", field="year"
            )
        if t.unit.strip() == "%" and not Decimal(0) <= value <= Decimal(100):
            raise InvalidInput("value is a percentage and must be within 0–100", code="range", field="value")
        repo.upsert_progress(target_id, year, value, note, actor.now)
        audit.record(
            uow.conn,
            actor,
            action="target.progress",
            entity="ce_target",
            entity_id=target_id,
            org_id=t.org_id,
            changes={"year": year, "value": value},
        )
        uow.commit()


def list_targets(uow: UnitOfWork, actor: Actor, org_id: int) -> list[CETarget]:
    p = actor.principal
    own = acts_for(p, org_id)
    with uow:
        repo = MembersRepo(uow.conn)
        require_org(repo, org_id)
        return repo.list_targets(org_id, declared_only=not own)


def org_obligations(uow: UnitOfWork, actor: Actor, org_id: int) -> list[Obligation]:
    with uow:
        repo = MembersRepo(uow.conn)
        org = require_org(repo, org_id)
        targets = repo.list_targets(org_id, declared_only=True)
    return obligations(membership_date=org.membership_date, targets=targets, today=actor.now.date())


def overdue_members(uow: UnitOfWork, actor: Actor, *, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Members with an overdue target declaration or progress report (for the secretariat and regulators)."""
    p = actor.signed_in
    if not (p.is_system or p.org_kind.is_authority):
        raise PermissionDenied(
            "only regulators and the secretariat see who is overdue", code="authority_only"
        )
    day = today or actor.now.date()
    out = []
    with uow:
        repo = MembersRepo(uow.conn)
        targets = repo.declared_targets_by_org()
        for org in repo.all_orgs():
            assert org.id is not None
            due = [
                o
                for o in obligations(
                    membership_date=org.membership_date, targets=targets.get(org.id, []), today=day
                )
                if o.overdue
            ]
            if due:
                out.append(
                    {"org_id": org.id, "name_ja": org.name_ja, "name_en": org.name_en, "obligations": due}
                )
    return out
