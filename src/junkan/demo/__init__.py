"""The demo world: a reproducible (seeded) mid-sized Japanese city, its neighbours and their value chains.

Every organisation it creates is flagged ``is_demo`` and every page shows a demo banner. Each context adds
a step to :data:`STEPS`; :func:`build` runs them in order inside the configured database.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, exists, select

from junkan.actor import Actor
from junkan.config import Settings
from junkan.credentials.did import host_from_base_url
from junkan.errors import InvalidInput
from junkan.store import audit
from junkan.store.master_secret import master_secret
from junkan.store.tables.members import organizations
from junkan.store.tables.platform import audit_log
from junkan.store.uow import UnitOfWork

__all__ = ["DONE_ACTION", "STEPS", "DemoInterrupted", "DemoWorld", "already_built", "build"]

DONE_ACTION = "demo.built"


@dataclass
class DemoWorld:
    """What earlier steps created, by symbolic key, for later steps to refer to."""

    orgs: dict[str, int] = field(default_factory=dict)
    facilities: dict[str, int] = field(default_factory=dict)
    people: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


Step = Callable[[Engine, DemoWorld, Callable[[str], None]], None]
STEPS: list[tuple[str, Step]] = []


class DemoInterrupted(RuntimeError):
    """Demo organisations exist but the build never finished."""


def already_built(engine: Engine) -> bool:
    """True when a finished demo world is in the database; raises if an earlier build was interrupted."""
    with engine.connect() as conn:
        done = conn.execute(select(exists().where(audit_log.c.action == DONE_ACTION))).scalar()
        started = conn.execute(select(exists().where(organizations.c.is_demo))).scalar()
    if started and not done:
        raise DemoInterrupted(
            "an earlier demo build was interrupted: start from an empty database "
            "(delete the SQLite file, or drop and recreate the PostgreSQL database), "
            "then run `junkan demo` again"
        )
    return bool(done)


# Modules junkan.demo.<name> that register steps, in the order the world is built.
DEMO_PARTS = ("members", "credentials", "trace", "sharing", "passports", "regions")


def build(
    engine: Engine, *, say: Callable[[str], None] = lambda _m: None, settings: Settings | None = None
) -> DemoWorld:
    for part in DEMO_PARTS:
        importlib.import_module(f"junkan.demo.{part}")

    world = DemoWorld()
    # Demo credentials are signed with the app's master secret and did:web host (junkan.demo.credentials).
    settings = settings or Settings(database_url=engine.url.render_as_string(hide_password=False))
    world.extra["base_url"] = settings.base_url
    try:
        world.extra["master_secret"] = master_secret(settings)
        world.extra["host"] = host_from_base_url(settings.base_url)
    except InvalidInput:
        pass  # PostgreSQL without JUNKAN_SECRET_KEY: steps that sign say so (demo_signing)
    for name, step in STEPS:
        say(name)
        step(engine, world, say)
    uow = UnitOfWork(engine)
    with uow:
        audit.record(
            uow.conn, Actor.system("demo builder"), action=DONE_ACTION, entity="demo", entity_id="world"
        )
        uow.commit()
    return world
