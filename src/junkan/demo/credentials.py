"""Demo world, credentials: the main cast's signing keys, and one rotation so the key history shows.

Every organisation of the hand-written cast gets an Ed25519 key valid from the day the partnership's first
members joined (1 October 2023), so that later demo steps can sign records dated from then on. The bottle
recycler rotated its key on 6 January 2025: credentials it signed before stay verifiable with key-1, those
signed after use key-2, and its DID document lists both.

Later steps sign with :func:`demo_signing`'s master secret and host, e.g.::

    secret, host = demo_signing(world)
    credentials.sign_with_org_key(uow.conn, org_id, vc, master_secret=secret, host=host, now=when)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from sqlalchemy import Engine

from junkan.actor import Actor
from junkan.credentials import service
from junkan.demo import STEPS, DemoWorld
from junkan.demo.members import CAST
from junkan.store.uow import UnitOfWork

__all__ = ["KEYS_FROM", "ROTATED_AT", "ROTATES", "demo_signing"]

JST = timezone(timedelta(hours=9))
KEYS_FROM = datetime(2023, 10, 1, 0, 0, tzinfo=JST)
ROTATED_AT = datetime(2025, 1, 6, 9, 0, tzinfo=JST)
ROTATES = "pet_recycler"


def demo_signing(world: DemoWorld) -> tuple[bytes, str]:
    """The master secret and did:web host the demo signs with (set by :func:`junkan.demo.build`)."""
    try:
        return world.extra["master_secret"], world.extra["host"]
    except KeyError:
        raise RuntimeError(
            "the demo builder has no master secret: pass settings to junkan.demo.build, and on PostgreSQL "
            "set JUNKAN_SECRET_KEY"
        ) from None


def build_credentials(engine: Engine, world: DemoWorld, say: Callable[[str], None]) -> None:
    secret, host = demo_signing(world)
    uow = UnitOfWork(engine)
    system = Actor.system("demo builder")
    keys: dict[str, str] = {}
    for name in (spec[0] for spec in CAST):  # the hand-written cast; numbered members sign nothing
        key = service.ensure_org_key(
            uow,
            dataclasses.replace(system, now=KEYS_FROM),
            world.orgs[name],
            master_secret=secret,
            host=host,
        )
        keys[name] = key["key_id"]
    say("credentials: key rotation")
    rotated = service.rotate_org_key(
        uow,
        dataclasses.replace(system, now=ROTATED_AT),
        master_secret=secret,
        host=host,
        org_id=world.orgs[ROTATES],
    )
    keys[ROTATES] = rotated["key_id"]
    world.extra["credentials.keys"] = keys


STEPS.append(("credentials", build_credentials))
