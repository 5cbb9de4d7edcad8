"""A passport's version history and field-by-field differences between versions, as the viewer sees them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from junkan.actor import Actor
from junkan.passports import versioning
from junkan.passports.disclosure import disclose
from junkan.passports.service.access import is_owner, readable_row, viewer_audiences
from junkan.store.passports_repo import PassportsRepo, Summary
from junkan.store.uow import UnitOfWork

__all__ = ["diff_versions", "versions"]


def versions(uow: UnitOfWork, actor: Actor, passport_id: str) -> list[Summary]:
    """The version history the actor may see (drafts for the owner only), oldest first."""
    with uow:
        repo = PassportsRepo(uow.conn)
        readable_row(repo, actor, passport_id, None)
        owner = repo.owner_of(passport_id)
        return repo.versions(
            passport_id, include_drafts=owner is not None and is_owner(actor.principal, owner)
        )


def _diff(old: Any, new: Any, path: str, out: list[dict[str, Any]]) -> None:
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        if old.get("masked") is True or new.get("masked") is True:
            if old != new:
                out.append({"path": path, "old": old, "new": new})
            return
        for key in sorted(set(old) | set(new), key=str):
            _diff(old.get(key), new.get(key), f"{path}.{key}" if path else str(key), out)
    elif isinstance(old, list) and isinstance(new, list):
        for i in range(max(len(old), len(new))):
            _diff(old[i] if i < len(old) else None, new[i] if i < len(new) else None, f"{path}[{i}]", out)
    elif old != new:
        out.append({"path": path, "old": old, "new": new})


def diff_versions(
    uow: UnitOfWork, actor: Actor, passport_id: str, old: int, new: int
) -> list[dict[str, Any]]:
    """Field-by-field changes between two versions, computed on what the actor may see of each."""
    with uow:
        repo = PassportsRepo(uow.conn)
        a = readable_row(repo, actor, passport_id, old)
        b = readable_row(repo, actor, passport_id, new)
    audiences = viewer_audiences(actor.principal, a.org_id)
    left, right = disclose(a.passport, audiences), disclose(b.passport, audiences)
    for key in versioning.READ_ONLY - {"id", "issuer"}:
        left.pop(key, None)
        right.pop(key, None)
    out: list[dict[str, Any]] = []
    _diff(left, right, "", out)
    return out
