"""Use cases of authentication: people, sign-in sessions, API tokens, and turning either into a Principal.

Secrets are returned once, at creation, and stored only as hashes (see ``members.secrets``).
"""

from __future__ import annotations

import datetime as dt
import secrets as _secrets
from dataclasses import dataclass
from typing import Any

from junkan.actor import Actor
from junkan.errors import Conflict, InvalidInput, NotAuthenticated, NotFound
from junkan.members.model import ROLE_SCOPES, OrgKind, Principal, Role, Scope
from junkan.members.secrets import TOKEN_PREFIX, hash_password, hash_secret, new_api_token, new_session_id
from junkan.members.secrets import verify_password as _verify_password
from junkan.store import audit
from junkan.store.members_repo import MembersRepo
from junkan.store.uow import UnitOfWork

__all__ = [
    "NewSession",
    "NewToken",
    "add_person",
    "create_token",
    "end_session",
    "list_people",
    "list_tokens",
    "principal_from_session",
    "principal_from_token",
    "revoke_token",
    "set_person",
    "sign_in",
]

MIN_PASSWORD = 10
MAX_TOKEN_DAYS = 366


@dataclass(frozen=True, slots=True)
class NewSession:
    session_id: str
    csrf_token: str
    expires_at: dt.datetime
    principal: Principal


@dataclass(frozen=True, slots=True)
class NewToken:
    token: str
    id: int
    prefix: str
    expires_at: dt.datetime


def _principal(
    repo: MembersRepo,
    person: dict[str, Any],
    *,
    scopes: frozenset[Scope] | None = None,
    token_id: int | None = None,
    label: str | None = None,
) -> Principal:
    org = repo.get_org(person["org_id"])
    if org is None or org.id is None:
        raise NotAuthenticated("your organisation no longer exists", code="org_gone")
    role_scopes = ROLE_SCOPES[Role(person["role"])]
    return Principal(
        org_id=org.id,
        org_kind=org.kind,
        scopes=role_scopes if scopes is None else scopes & role_scopes,
        label=label or f"{person['display_name']} <{person['email']}>",
        person_id=person["id"],
        token_id=token_id,
        partner_org_ids=repo.accepted_partner_ids(org.id),
    )


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(
            f"the password needs at least {MIN_PASSWORD} characters; a short sentence works well",
            code="password_too_short",
            field="password",
        )


def add_person(
    uow: UnitOfWork,
    actor: Actor,
    *,
    org_id: int,
    email: str,
    display_name: str,
    role: Role,
    password: str | None,
) -> int:
    actor.signed_in.require(Scope.ADMIN, org_id=org_id, action="add people")
    email = email.strip().lower()
    if "@" not in email:
        raise InvalidInput("email is not an e-mail address", code="email_format", field="email")
    if password is not None:
        _check_password(password)
    with uow:
        repo = MembersRepo(uow.conn)
        if repo.get_org(org_id) is None:
            raise NotFound(f"organisation {org_id} does not exist", field="org_id")
        if repo.person_by_email(email):
            raise Conflict(
                f"{email} already has an account; each person signs in with one e-mail address",
                code="duplicate_email",
                field="email",
            )
        pid = repo.add_person(
            org_id=org_id,
            email=email,
            display_name=display_name.strip() or email,
            role=role.value,
            password_hash=hash_password(password) if password else None,
            active=True,
            created_at=actor.now,
        )
        audit.record(
            uow.conn,
            actor,
            action="person.add",
            entity="person",
            entity_id=pid,
            org_id=org_id,
            changes={"email": email, "role": role.value},
        )
        uow.commit()
        return pid


def list_people(uow: UnitOfWork, actor: Actor, org_id: int) -> list[dict[str, Any]]:
    actor.signed_in.require(Scope.READ, org_id=org_id, action="see the people of an organisation")
    with uow:
        rows = MembersRepo(uow.conn).list_people(org_id)
    return [{k: v for k, v in r.items() if k != "password_hash"} for r in rows]


def set_person(
    uow: UnitOfWork, actor: Actor, person_id: int, *, role: Role | None = None, active: bool | None = None
) -> None:
    p = actor.signed_in
    with uow:
        repo = MembersRepo(uow.conn)
        person = repo.get_person(person_id)
        if person is None or person["org_id"] != p.org_id:
            raise NotFound(f"person {person_id} not found in your organisation", field="person_id")
        p.require(Scope.ADMIN, org_id=person["org_id"], action="change people's roles")
        changes: dict[str, Any] = {}
        if role is not None:
            changes["role"] = role.value
        if active is not None:
            changes["active"] = active
        if person_id == p.person_id and (changes.get("role", "admin") != "admin" or active is False):
            raise Conflict(
                "you cannot remove your own admin rights; ask another admin",
                code="self_demotion",
                field="role",
            )
        repo.update_person(person_id, changes)
        audit.record(
            uow.conn, actor, action="person.update", entity="person", entity_id=person_id, changes=changes
        )
        uow.commit()


def sign_in(uow: UnitOfWork, actor: Actor, *, email: str, password: str, hours: int) -> NewSession:
    with uow:
        repo = MembersRepo(uow.conn)
        person = repo.person_by_email(email.strip())
        if person is None or not person["active"] or not _verify_password(password, person["password_hash"]):
            raise NotAuthenticated("e-mail or password is wrong", code="bad_credentials")
        sid, csrf = new_session_id(), _secrets.token_urlsafe(24)
        expires = actor.now + dt.timedelta(hours=hours)
        repo.add_session(
            id_hash=hash_secret(sid),
            person_id=person["id"],
            csrf_token=csrf,
            created_at=actor.now,
            expires_at=expires,
        )
        principal = _principal(repo, person)
        as_person = Actor(principal, actor.ip, actor.user_agent, actor.now)
        audit.record(uow.conn, as_person, action="session.start", entity="person", entity_id=person["id"])
        uow.commit()
    return NewSession(session_id=sid, csrf_token=csrf, expires_at=expires, principal=principal)


def principal_from_session(
    uow: UnitOfWork, session_id: str, now: dt.datetime
) -> tuple[Principal, str] | None:
    """The principal and CSRF token of a live session, or None when it is unknown or expired."""
    with uow:
        repo = MembersRepo(uow.conn)
        s = repo.get_session(hash_secret(session_id))
        if s is None or s["expires_at"] <= now:
            return None
        person = repo.get_person(s["person_id"])
        if person is None or not person["active"]:
            return None
        return _principal(repo, person), s["csrf_token"]


def end_session(uow: UnitOfWork, session_id: str) -> None:
    with uow:
        MembersRepo(uow.conn).delete_session(hash_secret(session_id))
        uow.commit()


def create_token(uow: UnitOfWork, actor: Actor, *, name: str, scopes: set[Scope], days: int) -> NewToken:
    p = actor.signed_in
    p.require(Scope.ADMIN, action="create API tokens")
    if not name.strip():
        raise InvalidInput("give the token a name that says where it is used", code="required", field="name")
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise InvalidInput(
            f"a token lives 1–{MAX_TOKEN_DAYS} days; rotate it before it expires", code="range", field="days"
        )
    if not scopes:
        raise InvalidInput("give at least one scope: read, write or admin", code="required", field="scopes")
    if not scopes <= set(p.scopes):
        raise InvalidInput(
            "a token cannot have scopes you do not have yourself", code="scope_escalation", field="scopes"
        )
    token, prefix = new_api_token()
    expires = actor.now + dt.timedelta(days=days)
    with uow:
        tid = MembersRepo(uow.conn).add_token(
            org_id=p.org_id,
            created_by=p.person_id,
            name=name.strip(),
            prefix=prefix,
            token_hash=hash_secret(token),
            scopes=" ".join(sorted(s.value for s in scopes)),
            created_at=actor.now,
            expires_at=expires,
        )
        audit.record(
            uow.conn,
            actor,
            action="token.create",
            entity="api_token",
            entity_id=tid,
            changes={"name": name, "scopes": sorted(scopes), "expires_at": expires},
        )
        uow.commit()
    return NewToken(token=token, id=tid, prefix=prefix, expires_at=expires)


def list_tokens(uow: UnitOfWork, actor: Actor) -> list[dict[str, Any]]:
    p = actor.signed_in
    p.require(Scope.ADMIN, action="see API tokens")
    with uow:
        rows = MembersRepo(uow.conn).list_tokens(p.org_id)
    return [{k: v for k, v in r.items() if k != "token_hash"} for r in rows]


def revoke_token(uow: UnitOfWork, actor: Actor, token_id: int) -> None:
    p = actor.signed_in
    p.require(Scope.ADMIN, action="revoke API tokens")
    with uow:
        repo = MembersRepo(uow.conn)
        t = repo.get_token(token_id)
        if t is None or t["org_id"] != p.org_id:
            raise NotFound(f"token {token_id} not found in your organisation", field="token_id")
        if t["revoked_at"] is None:
            repo.update_token(token_id, {"revoked_at": actor.now})
            audit.record(uow.conn, actor, action="token.revoke", entity="api_token", entity_id=token_id)
        uow.commit()


def principal_from_token(uow: UnitOfWork, token: str, now: dt.datetime) -> Principal:
    bad = NotAuthenticated("the API token is unknown, revoked or expired; create a new one", code="bad_token")
    if not token.startswith(TOKEN_PREFIX) or token.count("_") < 2:
        raise bad
    prefix = token[len(TOKEN_PREFIX) :].split("_", 1)[0]
    with uow:
        repo = MembersRepo(uow.conn)
        t = repo.token_by_prefix(prefix)
        if (
            t is None
            or t["revoked_at"] is not None
            or t["expires_at"] <= now
            or not _secrets.compare_digest(t["token_hash"], hash_secret(token))
        ):
            raise bad
        org = repo.get_org(t["org_id"])
        if org is None:
            raise bad
        scopes = frozenset(Scope(s) for s in t["scopes"].split())
        creator = repo.get_person(t["created_by"]) if t["created_by"] else None
        if creator is not None:
            if not creator["active"]:
                raise bad
            return _principal(repo, creator, scopes=scopes, token_id=t["id"], label=f"token {t['name']}")
        return Principal(
            org_id=t["org_id"],
            org_kind=OrgKind(org.kind),
            scopes=scopes,
            label=f"token {t['name']}",
            token_id=t["id"],
            partner_org_ids=repo.accepted_partner_ids(t["org_id"]),
        )
