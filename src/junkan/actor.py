"""The actor of a use case: the principal plus where the request came from and when (for the audit log)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from junkan.errors import NotAuthenticated
from junkan.members.model import OrgKind, Principal, Scope

__all__ = ["Actor", "utcnow"]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class Actor:
    principal: Principal | None
    ip: str | None = None
    user_agent: str | None = None
    now: dt.datetime = field(default_factory=utcnow)

    @property
    def signed_in(self) -> Principal:
        if self.principal is None:
            raise NotAuthenticated(
                "sign in, or send an API token as 'Authorization: Bearer jk_…'", code="not_authenticated"
            )
        return self.principal

    @property
    def label(self) -> str:
        return self.principal.label if self.principal else "anonymous"

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        """The CLI and the demo builder act as the platform operator, audited under ``label``."""
        return cls(
            principal=Principal(org_id=0, org_kind=OrgKind.REGULATOR, scopes=frozenset(Scope), label=label),
            ip="local",
        )
