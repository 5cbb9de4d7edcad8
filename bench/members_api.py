"""Authenticated ``GET /api/v1/organizations/{id}`` throughput against a bare Starlette JSON route.

Both apps run in this process behind the same in-process ASGI transport, so the ratio isolates what junkan
adds (token authentication, tenant checks, a database read, problem-detail machinery) from network noise.
Rounds alternate between the two and the medians are compared. Goal: ratio >= 0.5.

    .venv/bin/python bench/members_api.py [--requests 2000] [--rounds 5] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from junkan.actor import Actor
from junkan.app import create_app
from junkan.config import Settings
from junkan.members import auth, service
from junkan.members.model import Organisation, OrgKind, Role, Scope
from junkan.store.engine import make_engine
from junkan.store.migrate import upgrade
from junkan.store.uow import UnitOfWork


def bare_app(payload: dict[str, object]) -> Starlette:
    async def org(request: object) -> JSONResponse:
        return JSONResponse(payload)

    return Starlette(routes=[Route("/api/v1/organizations/{org_id}", org)])


async def rate(app: object, path: str, headers: dict[str, str], n: int) -> float:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        r = await client.get(path, headers=headers)
        assert r.status_code == 200, r.text
        t0 = time.perf_counter()
        for _ in range(n):
            await client.get(path, headers=headers)
        return n / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--database-url", default=None)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp()
    url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
    settings = Settings(database_url=url, secret_key="bench-secret-0123456789-0123456789-xx")
    engine = make_engine(url)
    upgrade(engine)
    uow, system = UnitOfWork(engine), Actor.system("bench")
    org_id = service.register_org(
        uow,
        system,
        Organisation(id=None, name_ja="ベンチ協会", name_en="Bench Assoc", kind=OrgKind.ASSOCIATION),
    )
    auth.add_person(
        uow,
        system,
        org_id=org_id,
        email="bench@x.test",
        display_name="b",
        role=Role.ADMIN,
        password="bench password 123",
    )
    s = auth.sign_in(uow, system, email="bench@x.test", password="bench password 123", hours=1)
    token = auth.create_token(uow, Actor(s.principal), name="bench", scopes={Scope.READ}, days=1).token
    app = create_app(settings, engine=engine)
    path = f"/api/v1/organizations/{org_id}"
    headers = {"authorization": f"Bearer {token}"}
    payload = service.get_org(uow, system, org_id)
    payload = {
        k: (str(v) if v is not None and not isinstance(v, (int, bool, str)) else v)
        for k, v in payload.items()
    }
    bare = bare_app(payload)
    ours, base = [], []
    for _ in range(args.rounds):
        ours.append(asyncio.run(rate(app, path, headers, args.requests)))
        base.append(asyncio.run(rate(bare, path, {}, args.requests)))
    m_ours, m_base = statistics.median(ours), statistics.median(base)
    print(f"database: {engine.dialect.name}; {args.rounds} rounds x {args.requests} requests")
    print(f"junkan authenticated GET  median {m_ours:8.0f} req/s  ({1e3 / m_ours:.3f} ms/req)")
    print(f"bare Starlette JSON route median {m_base:8.0f} req/s  ({1e3 / m_base:.3f} ms/req)")
    print(f"ratio junkan/bare = {m_ours / m_base:.2f}  (goal >= 0.5)")


if __name__ == "__main__":
    main()
