"""Dependencies of the entrypoints, wired by the composition root (``create_app``).

``UowDep`` gives a fresh unit of work on the app's engine; ``ActorDep`` resolves who is calling: an API token
(``Authorization: Bearer jk_…``) or a signed-in session cookie. Cookie-authenticated writes must carry the
session's CSRF token (header ``X-CSRF-Token`` or form field ``csrf_token``), so another site cannot make a
signed-in browser write on its behalf.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from junkan.actor import Actor, utcnow
from junkan.config import Settings
from junkan.errors import NotAuthenticated, PermissionDenied
from junkan.members.auth import principal_from_session, principal_from_token
from junkan.members.model import Principal
from junkan.members.principal_cache import PrincipalCache
from junkan.store.uow import UnitOfWork

__all__ = [
    "SESSION_COOKIE",
    "ActorDep",
    "SettingsDep",
    "UowDep",
    "check_csrf",
    "resolve_actor",
    "run_read",
    "session_of",
]

T = TypeVar("T")
SESSION_COOKIE = "junkan_session"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


# Dependencies that do no I/O are `async def` so FastAPI does not hop to a worker thread for them.
async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def uow_dep(request: Request) -> UnitOfWork:
    return get_uow(request)


def get_uow(request: Request) -> UnitOfWork:
    engine: Engine = request.app.state.engine
    return UnitOfWork(engine)


def session_of(request: Request) -> tuple[Principal, str] | None:
    """The principal and CSRF token of the request's session cookie (cached on the request)."""
    if hasattr(request.state, "session"):
        cached: tuple[Principal, str] | None = request.state.session
        return cached
    sid = request.cookies.get(SESSION_COOKIE)
    found = principal_from_session(get_uow(request), sid, utcnow()) if sid else None
    request.state.session = found
    return found


def check_csrf(request: Request, csrf_expected: str, given: str | None) -> None:
    if request.method in SAFE_METHODS:
        return
    if not given or not hmac.compare_digest(given, csrf_expected):
        raise PermissionDenied(
            "the CSRF token is missing or wrong: reload the page and try again "
            "(API clients: send the X-CSRF-Token header, or use an API token)",
            code="csrf",
        )


def _token_principal(request: Request, token: str) -> Principal:
    cache: PrincipalCache = request.app.state.principal_cache
    now = utcnow()
    hit = cache.get(token, now)
    if hit is not None:
        return hit
    principal = principal_from_token(get_uow(request), token, now)
    cache.put(token, principal, now)
    return principal


def resolve_actor(request: Request) -> Actor:
    if hasattr(request.state, "actor"):
        cached: Actor = request.state.actor
        return cached
    ip = request.client.host if request.client else None
    ua = request.headers.get("user-agent")
    principal: Principal | None = None
    auth = request.headers.get("authorization")
    if auth:
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthenticated("use 'Authorization: Bearer <token>'", code="bad_authorization")
        principal = _token_principal(request, token.strip())
    else:
        sess = session_of(request)
        if sess is not None:
            principal, csrf = sess
            check_csrf(request, csrf, request.headers.get("x-csrf-token"))
    actor = Actor(principal=principal, ip=ip, user_agent=ua)
    request.state.actor = actor
    return actor


async def actor_dep(request: Request) -> Actor:
    """Resolve the caller; only a cache miss or a session lookup goes to a worker thread for the database."""
    if hasattr(request.state, "actor"):
        cached: Actor = request.state.actor
        return cached
    auth = request.headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        hit = request.app.state.principal_cache.get(token.strip(), utcnow())
        if hit is not None:
            ip = request.client.host if request.client else None
            actor = Actor(principal=hit, ip=ip, user_agent=request.headers.get("user-agent"))
            request.state.actor = actor
            return actor
    return await run_in_threadpool(resolve_actor, request)


async def run_read(request: Request, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a short database read: inline on the embedded SQLite (a local sub-millisecond read costs less
    than the hop to a worker thread), in the thread pool on a networked database so the event loop never
    waits on the network."""
    engine: Engine = request.app.state.engine
    if engine.dialect.name == "sqlite":
        return fn(*args, **kwargs)
    return await run_in_threadpool(fn, *args, **kwargs)


UowDep = Annotated[UnitOfWork, Depends(uow_dep)]
ActorDep = Annotated[Actor, Depends(actor_dep)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
