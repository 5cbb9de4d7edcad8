"""Who may read and write a passport (the tenant rules every passport use case enforces).

A passport belongs to the organisation that created it. Drafts are the owner's: anyone else gets
``NotFound`` for them. Published and withdrawn versions are public records; what each viewer sees of them
is decided by :func:`junkan.passports.disclose` with the viewer's audiences from
:func:`junkan.members.model.audiences_for` (public, partners, authorities, owner). Writes need the owner's
``write`` scope; a visible passport of another organisation answers ``PermissionDenied``, an invisible one
``NotFound``.
"""

from __future__ import annotations

from junkan.actor import Actor
from junkan.errors import NotFound, PermissionDenied
from junkan.members.model import Principal, Scope, audiences_for
from junkan.passports.disclosure import RANK, visible_audiences
from junkan.passports.model import Audience, Status
from junkan.store.passports_repo import PassportRow, PassportsRepo

__all__ = [
    "is_owner",
    "not_found",
    "readable_row",
    "top_audience",
    "viewer_audiences",
    "writable_newest",
    "write_owner",
]


def viewer_audiences(principal: Principal | None, owner_org_id: int) -> frozenset[Audience]:
    """The passport audiences of a viewer (the platform operator sees as the owner)."""
    if principal is not None and principal.is_system:
        return frozenset(Audience)
    return visible_audiences(Audience(a.value) for a in audiences_for(principal, owner_org_id))


def top_audience(audiences: frozenset[Audience]) -> Audience:
    return max(audiences, key=lambda a: RANK[a])


def is_owner(principal: Principal | None, owner_org_id: int) -> bool:
    return principal is not None and (principal.is_system or principal.org_id == owner_org_id)


def not_found(passport_id: str, version: int | None = None) -> NotFound:
    what = f"passport {passport_id!r}" + (f" version {version}" if version is not None else "")
    return NotFound(
        f"{what} was not found; check the id (drafts are visible to their issuer only)",
        code="passport_not_found",
        field="passport_id",
    )


def readable_row(
    repo: PassportsRepo, actor: Actor, passport_id: str, version: int | None, *, published: bool = False
) -> PassportRow:
    owner = repo.owner_of(passport_id)
    if owner is None:
        raise not_found(passport_id, version)
    drafts = is_owner(actor.principal, owner)
    if drafts and actor.principal is not None:
        actor.principal.require(Scope.READ, org_id=owner, action="read your organisation's passports")
    row = (
        repo.latest(passport_id, include_drafts=drafts and not published)
        if version is None
        else repo.get(passport_id, version)
    )
    if row is None or (row.passport.status is Status.DRAFT and not drafts):
        raise not_found(passport_id, version)
    return row


def write_owner(repo: PassportsRepo, actor: Actor, passport_id: str, action: str) -> int:
    """The owner of ``passport_id`` after checking the actor may write for it."""
    p = actor.signed_in
    owner = repo.owner_of(passport_id)
    if owner is None:
        raise not_found(passport_id)
    if not is_owner(p, owner):
        if repo.latest(passport_id, include_drafts=False) is None:
            raise not_found(passport_id)
        raise PermissionDenied(
            f"passport {passport_id!r} belongs to another organisation; only its issuer can {action} it",
            code="other_organisation",
        )
    p.require(Scope.WRITE, org_id=owner, action=f"{action} passports")
    return owner


def writable_newest(
    repo: PassportsRepo, actor: Actor, passport_id: str, action: str
) -> tuple[int, PassportRow]:
    """The owner and the newest version (drafts included) of a passport the actor may ``action``."""
    owner = write_owner(repo, actor, passport_id, action)
    row = repo.latest(passport_id, include_drafts=True)
    assert row is not None
    return owner, row
