"""A short-lived in-process cache of API-token principals.

Resolving a token costs a hash and several reads (token, person, organisation, partnerships); an API client
sends the same token many times a second. Entries live ``ttl`` seconds (default 5): a revoked token or a
changed role or partnership takes effect within that time on other processes, and at once on the process
that made the change (services call :meth:`PrincipalCache.clear`). Keys are SHA-256 digests of the tokens,
never the tokens themselves.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import OrderedDict

from junkan.members.model import Principal

__all__ = ["PrincipalCache"]


class PrincipalCache:
    def __init__(self, *, ttl: float = 5.0, size: int = 10_000) -> None:
        self.ttl = dt.timedelta(seconds=ttl)
        self.size = size
        self._items: OrderedDict[str, tuple[dt.datetime, Principal]] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _key(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def get(self, token: str, now: dt.datetime) -> Principal | None:
        if self.ttl.total_seconds() <= 0:
            return None
        key = self._key(token)
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            if now >= item[0]:
                del self._items[key]
                return None
            return item[1]

    def put(self, token: str, principal: Principal, now: dt.datetime) -> None:
        if self.ttl.total_seconds() <= 0:
            return
        with self._lock:
            self._items[self._key(token)] = (now + self.ttl, principal)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
