"""Who may do what in the regions context (the rules the services enforce).

- Region profiles and statistics are public reference data: anyone may read them.
- Writing a region's profile or statistics needs the *platform operator* (the CLI and demo builder, or a
  regulator's admin, who keeps the reference data) or an admin of the municipality whose local government
  code is the region's: the municipality itself; for a prefecture (two-digit code) the prefecture's own
  organisation (code ``PP000c``); for a wide-area group, any member municipality.
- Scenarios and pilots belong to the organisation that made them. Until it publishes one, it is private:
  other organisations (regulators included) get *not found*, so even its existence does not leak. Once
  published, anyone may read it; only the owner changes it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from junkan.actor import Actor
from junkan.errors import NotFound, PermissionDenied
from junkan.members.model import OrgKind, Principal, Scope
from junkan.regions.codes import RegionKind
from junkan.regions.model import RegionProfile
from junkan.store.regions_repo import RegionsRepo

__all__ = [
    "can_write_region",
    "is_operator",
    "owned_record",
    "require_profile",
    "require_region_writer",
    "require_writer_kind",
    "visible",
]


def is_operator(p: Principal | None) -> bool:
    return p is not None and (p.is_system or (p.org_kind is OrgKind.REGULATOR and Scope.ADMIN in p.scopes))


def can_write_region(
    repo: RegionsRepo, p: Principal | None, code: str, kind: RegionKind, members: Sequence[str] = ()
) -> bool:
    if p is None:
        return False
    if is_operator(p):
        return True
    if p.org_kind is not OrgKind.MUNICIPALITY or Scope.ADMIN not in p.scopes:
        return False
    own = repo.org_municipality_code(p.org_id)
    if not own:
        return False
    if kind is RegionKind.MUNICIPALITY:
        return own == code
    if kind is RegionKind.PREFECTURE:
        return own[2:5] == "000" and own[:2] == code
    return own in members


def require_writer_kind(actor: Actor, *, action: str) -> Principal:
    """Refuse early (before reading any input) callers who can write no region at all."""
    p = actor.signed_in
    if is_operator(p):
        return p
    if p.org_kind is not OrgKind.MUNICIPALITY:
        raise PermissionDenied(
            f"only a municipality (for its own region) or the platform operator can {action}",
            code="not_a_municipality",
        )
    p.require(Scope.ADMIN, action=action)
    return p


def require_region_writer(
    repo: RegionsRepo, actor: Actor, code: str, kind: RegionKind, members: Sequence[str] = ()
) -> Principal:
    p = require_writer_kind(actor, action=f"change region {code}")
    if not can_write_region(repo, p, code, kind, members):
        raise PermissionDenied(
            f"region {code} is not your municipality's; a municipality maintains its own region's data "
            "(ask the platform operator to correct another region's figures)",
            code="region_not_yours",
            field="code",
        )
    return p


def visible(row: Mapping[str, Any], p: Principal | None) -> bool:
    if row["published"]:
        return True
    return p is not None and (p.is_system or p.org_id == row["owner_org_id"])


def owned_record(
    row: Mapping[str, Any] | None, actor: Actor, *, what: str, ident: object, scope: Scope | None = None
) -> Mapping[str, Any]:
    """The record if the caller may see it (else NotFound); with ``scope``, also if they may change it."""
    p = actor.principal
    if row is None or not visible(row, p):
        raise NotFound(f"{what} {ident} not found", field=f"{what}_id")
    if scope is not None:
        actor.signed_in.require(scope, org_id=row["owner_org_id"], action=f"change this {what}")
    return row


def require_profile(repo: RegionsRepo, code: str) -> RegionProfile:
    """A region's full profile; every region is public reference data, so only absence is refused."""
    found = repo.load_profiles([code])
    if not found:
        raise NotFound(
            f"region {code} is not on the platform; see /api/v1/regions for the list, or import its "
            "statistics to create it",
            code="not_found",
            field="code",
        )
    return found[0]
