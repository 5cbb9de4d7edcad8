"""Drafting passports: create a draft, edit it (JSON Merge Patch, ``If-Match``), start a new version.

Passport ids are unique across the platform — a passport id is a unique product identifier (EU ESPR
Art. 9(1)(b)) and the key components and public URLs refer to — so creating an id that is taken anywhere
is a ``Conflict`` (the answer does not say by whom).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.exc import IntegrityError

from junkan.actor import Actor
from junkan.errors import Conflict, InvalidInput, NotFound
from junkan.members.model import Scope
from junkan.passports import versioning
from junkan.passports.model import Passport, Status
from junkan.passports.service.access import writable_newest
from junkan.passports.service.documents import (
    check_lifecycle_fields,
    check_passport_id,
    check_patch,
    parse_document,
    patched,
)
from junkan.passports.service.graphs import checked_rollup, load_graph
from junkan.store import audit
from junkan.store.members_repo import MembersRepo
from junkan.store.passports_repo import PassportsRepo
from junkan.store.uow import UnitOfWork

__all__ = ["PreconditionFailed", "create_draft", "edit_draft", "new_version"]


class PreconditionFailed(Conflict):
    """``If-Match`` named a version digest that is no longer the stored one (RFC 9110 §13.1.1)."""

    status = 412
    default_code = "precondition_failed"


def create_draft(uow: UnitOfWork, actor: Actor, org_id: int, data: Mapping[str, Any]) -> Passport:
    """Store a new passport as draft version 1 of ``org_id``."""
    actor.signed_in.require(Scope.WRITE, org_id=org_id, action="create passports")
    if not isinstance(data, Mapping):
        raise InvalidInput("a passport is a JSON object", code="not_an_object", field="")
    check_lifecycle_fields(data)
    doc = {
        **data,
        "issuer": str(org_id),
        "status": Status.DRAFT.value,
        "version": 1,
        "created_at": actor.now.isoformat(),
    }
    passport = parse_document(doc, data)
    check_passport_id(passport.id)
    with uow:
        if MembersRepo(uow.conn).get_org(org_id) is None:
            raise NotFound(f"organisation {org_id} does not exist", field="org_id")
        repo = PassportsRepo(uow.conn)
        if repo.owner_of(passport.id) is not None:
            raise _id_taken(passport.id)
        checked_rollup(passport, load_graph(repo, passport, drafts_of=org_id))
        try:
            repo.insert(org_id, passport, now=actor.now)
        except IntegrityError:
            raise _id_taken(passport.id) from None
        audit.record(
            uow.conn,
            actor,
            action="passport.create",
            entity="passport",
            entity_id=passport.key,
            org_id=org_id,
            changes={
                "name": passport.identity.name.best("en"),
                "kind": passport.kind,
                "level": passport.level,
            },
        )
        uow.commit()
    return passport


def _id_taken(passport_id: str) -> Conflict:
    return Conflict(
        f"passport id {passport_id!r} is already in use; passport ids are unique across junkan, so pick "
        "another (prefix ids with your company or brand name)",
        code="passport_id_taken",
        field="id",
    )


def _etag_matches(if_match: str, digest: str) -> bool:
    """Whether an ``If-Match`` value names this version digest (any of a list, ``*`` for any)."""
    for tag in if_match.split(","):
        tag = tag.strip().removeprefix("W/").strip('"')
        if tag == "*" or tag.split("-", 1)[0] == digest[:32]:
            return True
    return False


def edit_draft(
    uow: UnitOfWork,
    actor: Actor,
    passport_id: str,
    patch: Mapping[str, Any],
    *,
    if_match: str | None = None,
) -> Passport:
    """Apply a JSON Merge Patch (RFC 7396) to the draft; a published version refuses with ``Conflict``."""
    check_patch(patch)
    with uow:
        repo = PassportsRepo(uow.conn)
        owner, row = writable_newest(repo, actor, passport_id, "edit")
        if if_match is not None and not _etag_matches(if_match, row.digest):
            raise PreconditionFailed(
                "the passport changed since you read it (If-Match does not match its ETag); "
                "read it again and re-apply your change",
                field="If-Match",
            )
        edited = patched(lambda: versioning.edit_draft(row.passport, patch), patch)
        checked_rollup(edited, load_graph(repo, edited, drafts_of=owner))
        repo.update(row.pk, edited, now=actor.now)
        repo.replace_components(row.pk, edited)
        audit.record(
            uow.conn,
            actor,
            action="passport.edit",
            entity="passport",
            entity_id=edited.key,
            org_id=owner,
            changes={"patch": dict(patch)},
        )
        uow.commit()
    return edited


def new_version(uow: UnitOfWork, actor: Actor, passport_id: str, patch: Mapping[str, Any]) -> Passport:
    """A new draft version from the newest published one, with ``patch`` applied."""
    check_patch(patch)
    with uow:
        repo = PassportsRepo(uow.conn)
        owner, newest = writable_newest(repo, actor, passport_id, "revise")
        if newest.passport.status is Status.DRAFT:
            raise Conflict(
                f"version {newest.passport.version} of {passport_id!r} is still a draft; edit or publish it "
                "instead of starting another version",
                code="draft_exists",
                field="status",
            )
        draft = patched(lambda: versioning.new_version(newest.passport, patch, now=actor.now), patch)
        checked_rollup(draft, load_graph(repo, draft, drafts_of=owner))
        try:
            repo.insert(owner, draft, now=actor.now)
        except IntegrityError:
            raise Conflict(
                "another version was created at the same time; reload and try again",
                code="version_conflict",
                field="version",
            ) from None
        changes = versioning.diff(newest.passport, draft)
        audit.record(
            uow.conn,
            actor,
            action="passport.new_version",
            entity="passport",
            entity_id=draft.key,
            org_id=owner,
            changes={"from": newest.passport.version, "changed": [c.path for c in changes]},
        )
        uow.commit()
    return draft
