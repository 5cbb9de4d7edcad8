"""Public JSON-LD throughput: ``GET /01/{gtin}`` (Accept: application/ld+json) against a bare Starlette route.

What a QR code scan by a machine costs: the GS1 Digital Link resolver finds the newest published version
of the GTIN (one indexed query, walking up serial → lot → GTIN) and answers its signed public UNTP
credential with an ETag. The baseline, in the same process behind the same in-process ASGI transport, is a
bare Starlette route answering the very same credential from memory. Rounds alternate between the two and
the medians are compared: ``ratio`` = junkan / bare (goal ≥ 0.5). Further lines show the passport JSON
(``GET /api/v1/passports/{id}``: disclosure, roll-up through the components) and the same app's
``/healthz`` — what any route of the app costs with the platform's middleware stack — for reference.

    .venv/bin/python bench/passports_resolver.py [--requests 2000] [--rounds 5] [--database-url URL]
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
from junkan.demo.passports import DEMO_ISSUERS, demo_documents
from junkan.members import service
from junkan.members.model import Organisation, OrgKind
from junkan.passports import service as passports
from junkan.store.engine import make_engine
from junkan.store.migrate import upgrade
from junkan.store.uow import UnitOfWork

WM, WM_GTIN = "demo-washing-machine-8kg", "09520000000202"
LD = {"accept": "application/ld+json"}


def bare_app(payload: dict[str, object]) -> Starlette:
    async def credential(request: object) -> JSONResponse:
        return JSONResponse(payload, media_type="application/ld+json")

    return Starlette(routes=[Route("/01/{gtin}", credential)])


async def rate(app: object, path: str, headers: dict[str, str], n: int) -> float:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        r = await client.get(path, headers=headers)
        assert r.status_code == 200, r.text
        t0 = time.perf_counter()
        for _ in range(n):
            await client.get(path, headers=headers)
        return n / (time.perf_counter() - t0)


def setup(url: str) -> Settings:
    settings = Settings(database_url=url, secret_key="bench-secret-0123456789-0123456789-xx")
    engine = make_engine(url)
    upgrade(engine)
    uow, system = UnitOfWork(engine), Actor.system("bench")
    orgs = {
        key: service.register_org(
            uow,
            system,
            Organisation(id=None, name_ja=f"ベンチ {key}", name_en=f"Bench {key}", kind=OrgKind.ASSOCIATION),
        )
        for key in sorted(set(DEMO_ISSUERS.values()))
    }
    secret = create_app(settings, engine=engine).state.master_secret
    for pid, doc in demo_documents(lambda key: {"id": f"https://bench.example/{key}", "name": key}).items():
        passports.create_draft(uow, system, orgs[DEMO_ISSUERS[pid]], doc)
        passports.publish(uow, system, pid, base_url=settings.base_url, master_secret=secret)
    engine.dispose()
    return settings


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--database-url", default=None)
    args = ap.parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    settings = setup(url)
    app = create_app(settings)
    credential = asyncio.run(_fetch(app))
    bare = bare_app(credential)
    ours, base, passport, health = [], [], [], []
    for _ in range(args.rounds):
        ours.append(asyncio.run(rate(app, f"/01/{WM_GTIN}", LD, args.requests)))
        base.append(asyncio.run(rate(bare, f"/01/{WM_GTIN}", LD, args.requests)))
        health.append(asyncio.run(rate(app, "/healthz", {}, args.requests)))
        passport.append(asyncio.run(rate(app, f"/api/v1/passports/{WM}", {}, args.requests // 4)))
    x, y, z = statistics.median(ours), statistics.median(base), statistics.median(passport)
    h = statistics.median(health)
    print(f"credential: {len(str(credential))} characters, signed: {'proof' in credential}")
    print(f"GET /01/{{gtin}} JSON-LD median {x:,.0f} req/s, bare Starlette {y:,.0f} req/s, ratio {x / y:.2f}")
    print(f"(GET /api/v1/passports/{{id}} with roll-up and disclosure: {z:,.0f} req/s, ratio {z / y:.2f})")
    print(
        f"(the same app's /healthz, its floor with every middleware: {h:,.0f} req/s, ratio {h / y:.2f}; "
        f"the resolver reaches {x / h:.2f} of it)"
    )


async def _fetch(app: object) -> dict[str, object]:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        r = await client.get(f"/01/{WM_GTIN}", headers=LD)
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json"), r.text
        data: dict[str, object] = r.json()
        return data


if __name__ == "__main__":
    main()
