"""Every endpoint × every caller that is not A's admin: no secret of A leaks, no refused write lands.

A new endpoint without a probe in ``tests/e2e/probes_*.py`` fails ``test_every_endpoint_has_a_probe``.
"""

from __future__ import annotations

import importlib
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from junkan.actor import Actor
from junkan.app import create_app
from junkan.config import Settings
from junkan.members import auth, service
from junkan.members.model import OrgKind, Role, Scope
from junkan.store.engine import make_engine
from junkan.store.uow import UnitOfWork
from tests.e2e.probe_world import CALLERS, OWNER_CHECKS, PROBES, SETUP, WRITE, ProbeWorld, fingerprint
from tests.factories import PASSWORD, World

for mod in sorted(Path(__file__).parent.glob("probes_*.py")):
    importlib.import_module(f"tests.e2e.{mod.stem}")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[ProbeWorld]:
    path = tmp_path_factory.mktemp("probe") / "probe.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    f = World(engine)
    uow = UnitOfWork(engine)
    a, admin_a = f.org(name_en="Org A")
    b, admin_b = f.org(name_en="Org B")
    p, admin_p = f.org(name_en="Partner P")
    _, admin_r = f.org(kind=OrgKind.REGULATOR, name_en="Regulator R", membership_date=None)
    _, admin_c = f.org(kind=OrgKind.CERTIFIER, name_en="Certifier C", membership_date=None)
    admin_a, admin_p = f.partner(admin_a, admin_p)
    viewer = f.person(a, Role.VIEWER)
    client = TestClient(
        create_app(
            Settings(
                database_url=str(engine.url),
                secret_key="probe-secret-0123456789-0123456789-abc",
                principal_cache_seconds=0,
            ),
            engine=engine,
        )
    )
    w = ProbeWorld(engine=engine, client=client)
    w.ids.update({"a": a, "b": b, "p": p, "actor.a": admin_a})
    actors = {"b": admin_b, "partner": admin_p, "regulator": admin_r, "certifier": admin_c}
    for name, actor in actors.items():
        w.tokens[name] = auth.create_token(uow, actor, name=f"{name}-probe", scopes=set(Scope), days=2).token
    w.tokens["a_viewer"] = auth.create_token(
        uow, admin_a, name="viewer-probe", scopes={Scope.READ}, days=2
    ).token
    emails = {"a_viewer": viewer}
    emails.update(actors)
    for name, actor in emails.items():
        w.ids[f"email.{name}"] = actor.label.split("<")[1].rstrip(">")
        sign_in(w, name)
    w.ids["email.a"] = admin_a.label.split("<")[1].rstrip(">")
    for step in SETUP:
        step(w)
    _ = (Actor, service)
    yield w
    client.close()
    engine.dispose()


def app_routes() -> set[tuple[str, str]]:
    app = create_app(Settings(database_url="sqlite://", secret_key="x" * 40))
    out = set()
    for r in iter_route_contexts(app.routes):
        if isinstance(r.original_route, APIRoute):
            for m in (r.methods or set()) - {"HEAD", "OPTIONS"}:
                out.add((m, r.path))
    return out


def test_every_endpoint_has_a_probe() -> None:
    missing = sorted(app_routes() - set(PROBES))
    assert not missing, (
        f"endpoints without a tenant-isolation probe (add them to tests/e2e/probes_*.py): {missing}"
    )
    stale = sorted(set(PROBES) - app_routes())
    assert not stale, f"probes for endpoints that no longer exist: {stale}"


def sign_in(w: ProbeWorld, caller: str) -> None:
    """A fresh web session for ``caller`` (sign-out probes end the one it had)."""
    w.client.cookies.clear()
    r = w.client.post("/api/v1/session", json={"email": w.ids[f"email.{caller}"], "password": PASSWORD})
    assert r.status_code == 200, r.text
    w.cookies[caller] = {"session": r.cookies["junkan_session"], "csrf": r.json()["csrf_token"]}
    w.client.cookies.clear()


def _send(w: ProbeWorld, key: tuple[str, str], caller: str):
    pr = PROBES[key]
    path = pr.path.format(**pr.params(w))
    web = not path.startswith("/api/")
    headers = {"accept": "text/html" if web else "application/json"}
    w.client.cookies.clear()
    data = pr.body(w) if pr.body else None
    if caller != "anon":
        if web:
            w.client.cookies.set("junkan_session", w.cookies[caller]["session"])
            if pr.form and data is not None:
                data = {**data, "csrf_token": w.cookies[caller]["csrf"]}
        else:
            headers["authorization"] = f"Bearer {w.tokens[caller]}"
    kw = {"data": data} if pr.form else ({"json": data} if data is not None else {})
    if pr.files is not None:
        kw["files"] = pr.files(w)
        if web and caller != "anon":
            kw["data"] = {**(data or {}), "csrf_token": w.cookies[caller]["csrf"]}
    return w.client.request(pr.method, path, headers=headers, follow_redirects=False, **kw)


# Callers in a probe's `writers` may legitimately write there (for their own organisation): not sent.
CASES = [(k, c) for k in sorted(PROBES) for c in CALLERS if c not in PROBES[k].writers]


@pytest.mark.parametrize(("key", "caller"), CASES, ids=[f"{k[0]} {k[1]} as {c}" for k, c in CASES])
def test_probe(world: ProbeWorld, key: tuple[str, str], caller: str) -> None:
    pr = PROBES[key]
    before = fingerprint(world.engine) if pr.method in WRITE else None
    r = _send(world, key, caller)
    assert r.status_code < 500, f"{key} as {caller}: server error {r.status_code}: {r.text[:300]}"
    if pr.method in WRITE:
        if not pr.public_write:
            assert r.status_code >= 400 or r.status_code in (301, 302, 303), (
                f"{key} as {caller} was accepted ({r.status_code}): {r.text[:300]}"
            )
        assert fingerprint(world.engine) == before, f"{key} as {caller} changed stored data"
        if pr.public_write and caller != "anon":
            sign_in(world, caller)  # a sign-out probe must not leave later web probes running anonymously
    leaked = [m for m in world.markers if m in r.text and not pr.may_see(caller, m)]
    assert not leaked, f"{key} as {caller} leaked {leaked}"


@pytest.mark.parametrize("check", OWNER_CHECKS, ids=lambda f: f.__name__)
def test_owner_checks(world: ProbeWorld, check: Callable[[ProbeWorld], None]) -> None:
    """Each context's own check that A's callers get the markers it planted."""
    check(world)


def test_owner_sees_its_own_secrets(world: ProbeWorld) -> None:
    """The markers really are in the answers A gets: otherwise the leak checks above prove nothing."""
    token = auth.create_token(
        UnitOfWork(world.engine), world.ids["actor.a"], name="owner-check", scopes={Scope.READ}, days=1
    ).token
    h = {"authorization": f"Bearer {token}"}
    a = world.ids["a"]
    text = "".join(
        world.client.get(u, headers=h).text
        for u in (
            f"/api/v1/organizations/{a}/facilities",
            f"/api/v1/organizations/{a}/people",
            f"/api/v1/organizations/{a}/targets",
            f"/api/v1/organizations/{a}/partnerships",
        )
    )
    for m in (
        "SECRET-A-NOTES",
        "SECRET-A-FACILITY",
        "SECRET-A-PERSON",
        "SECRET-A-DRAFT",
        "SECRET-A-PNOTE",
        "4242.123",
    ):
        assert m in text, m
    assert re.search(r"secret-person@a\.test", text)
