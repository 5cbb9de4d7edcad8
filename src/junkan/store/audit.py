"""Write and read the audit log: who, on behalf of which organisation, when, what changed, from where.

Every service that writes calls :func:`record` inside its unit of work, so the audit row commits or rolls
back together with the change it describes.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, func, insert, select

from junkan.actor import Actor
from junkan.pagination import Page, PageRequest
from junkan.store.tables.platform import audit_log

__all__ = ["jsonable", "list_entries", "record"]

_SECRET_KEYS = {"password", "password_hash", "token", "token_hash", "secret", "private_key"}


def jsonable(value: Any) -> Any:
    """Make a value JSON-safe for the log; secrets are replaced by a marker, never stored."""
    if isinstance(value, Mapping):
        return {str(k): ("***" if str(k) in _SECRET_KEYS else jsonable(v)) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


def record(
    conn: Connection,
    actor: Actor,
    *,
    action: str,
    entity: str,
    entity_id: object,
    changes: Mapping[str, Any] | None = None,
    org_id: int | None = None,
) -> None:
    p = actor.principal
    conn.execute(
        insert(audit_log).values(
            at=actor.now,
            org_id=org_id if org_id is not None else (p.org_id if p and p.org_id else None),
            actor_person_id=p.person_id if p else None,
            actor_token_id=p.token_id if p else None,
            actor_label=actor.label,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            changes=jsonable(dict(changes or {})),
            ip=actor.ip,
            user_agent=(actor.user_agent or "")[:300] or None,
        )
    )


def list_entries(conn: Connection, *, org_id: int | None, page: PageRequest) -> Page[dict[str, Any]]:
    q = select(audit_log)
    cq = select(func.count()).select_from(audit_log)
    if org_id is not None:
        q = q.where(audit_log.c.org_id == org_id)
        cq = cq.where(audit_log.c.org_id == org_id)
    rows = conn.execute(q.order_by(audit_log.c.id.desc()).limit(page.limit).offset(page.offset))
    items = [dict(r._mapping) for r in rows]
    return Page(items=items, total=conn.execute(cq).scalar_one(), limit=page.limit, offset=page.offset)
