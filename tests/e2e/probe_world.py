"""The world the tenant-isolation probes run in, and the registry every endpoint must be listed in.

Organisation A owns private records planted with unique SECRET markers. Every other caller — anonymous,
an unrelated organisation B, A's accepted partner P, a regulator R, a certifier C and A's own read-only
viewer — is sent to every endpoint. A probe fails when a marker leaks to a caller not entitled to it, when
a refused write changed anything in the database, or when an endpoint of the app has no probe at all.

Each context registers its endpoints in ``tests/e2e/probes_<context>.py`` with :func:`probe`, and may add
its own private records to the world with :func:`setup_step`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from junkan.store.metadata import metadata

__all__ = [
    "CALLERS",
    "OWNER_CHECKS",
    "PROBES",
    "Probe",
    "ProbeWorld",
    "fingerprint",
    "owner_check",
    "probe",
    "setup_step",
]

CALLERS = ("anon", "b", "partner", "regulator", "certifier", "a_viewer")
WRITE = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass
class ProbeWorld:
    engine: Engine
    client: TestClient
    ids: dict[str, Any] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, dict[str, str]] = field(default_factory=dict)
    markers: set[str] = field(default_factory=set)

    def secret(self, label: str) -> str:
        m = f"SECRET-A-{label}"
        self.markers.add(m)
        return m


@dataclass(frozen=True)
class Probe:
    method: str
    path: str
    params: Callable[[ProbeWorld], dict[str, Any]] = lambda w: {}
    body: Callable[[ProbeWorld], Any] | None = None
    # Callers entitled to A's private data through this endpoint (never asserted leak-free).
    entitled: frozenset[str] = frozenset()
    # Writes that anyone may attempt (sign-in, sign-out): only "nothing changed" is asserted.
    public_write: bool = False
    # Callers for whom this write is legitimate (it acts on their own organisation): not sent.
    writers: frozenset[str] = frozenset()
    form: bool = False
    # Disclosure tiers: markers a caller not in `entitled` may still see here (caller -> markers), e.g. a
    # partner sees A's partners-only passport sections but not its owner-only ones.
    sees: dict[str, frozenset[str]] = field(default_factory=dict)
    # Multipart files to send (name -> (filename, bytes, media type)), with `body` as the other form fields.
    files: Callable[[ProbeWorld], dict[str, tuple[str, bytes, str]]] | None = None

    def may_see(self, caller: str, marker: str) -> bool:
        return caller in self.entitled or marker in self.sees.get(caller, frozenset())


PROBES: dict[tuple[str, str], Probe] = {}
SETUP: list[Callable[[ProbeWorld], None]] = []
# Checks that A's own callers do get the planted markers (else "no leak" proves nothing).
OWNER_CHECKS: list[Callable[[ProbeWorld], None]] = []


def probe(method: str, path: str, **kw: Any) -> None:
    key = (method, path)
    if key in PROBES:
        raise ValueError(f"probe for {method} {path} registered twice")
    PROBES[key] = Probe(method=method, path=path, **kw)


def setup_step(fn: Callable[[ProbeWorld], None]) -> Callable[[ProbeWorld], None]:
    SETUP.append(fn)
    return fn


def owner_check(fn: Callable[[ProbeWorld], None]) -> Callable[[ProbeWorld], None]:
    OWNER_CHECKS.append(fn)
    return fn


def fingerprint(engine: Engine) -> str:
    """A digest of every row of every table except sign-in sessions."""
    h = hashlib.sha256()
    with engine.connect() as conn:
        for t in metadata.sorted_tables:
            if t.name == "sessions":
                continue
            pk = list(t.primary_key.columns) or list(t.columns)
            for row in conn.execute(select(t).order_by(*pk)):
                h.update(repr(tuple(row)).encode())
    return h.hexdigest()
