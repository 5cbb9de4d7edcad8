"""What every posting (credit, transfer, claim) shares: idempotent entry ids, stored rows and views.

An entry id is the organisation's own (scoped as ``org:entry_id``); posting the same request again answers
the stored entry, the same id for another request is a ``Conflict``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from junkan.custody.model import Entry, EntryKind, kg
from junkan.errors import Conflict, InvalidInput, NotFound
from junkan.store.custody_repo import CustodyRepo
from junkan.store.trace_repo import TraceRepo

__all__ = ["entry_key", "entry_row", "entry_view", "own_event", "replayed_entry", "request_digest"]


def request_digest(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()


def entry_key(org_id: int, entry_id: str) -> str:
    if not entry_id.strip() or len(entry_id) > 200:
        raise InvalidInput("entry_id must be 1–200 characters; use a UUID", code="range", field="entry_id")
    return f"{org_id}:{entry_id}"


def replayed_entry(repo: CustodyRepo, entry_key: str, request: str) -> dict[str, Any] | None:
    row = repo.entry_by_key(entry_key)
    if row is None:
        return None
    if row["request"] != request:
        raise Conflict(
            f"entry id '{entry_key.split(':', 1)[1]}' was used for another posting; use a new id",
            code="entry_id_reused",
            field="entry_id",
        )
    return row


def entry_row(e: Entry, account_id: int, org_id: int, request: str) -> dict[str, Any]:
    return {
        "account_id": account_id,
        "org_id": org_id,
        "entry_key": e.id,
        "kind": int(e.kind),
        "grams": e.grams,
        "time": e.time,
        "period_start": e.period.start,
        "period_end": e.period.end,
        "event_ids": list(e.event_ids),
        "credits": [list(c) for c in e.credits],
        "lots": [list(x) for x in e.lots],
        "note": e.note[:500],
        "request": request,
    }


def entry_view(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "entry_id": str(row["entry_key"]).split(":", 1)[1],
        "account_id": row["account_id"],
        "kind": EntryKind(row["kind"]).name.lower(),
        "kg": str(kg(int(row["grams"]))),
        "time": row["time"],
        "period": f"{row['period_start']}/{row['period_end']}",
        "credits": [{"creditId": c, "kg": str(kg(int(g)))} for c, g in row["credits"]],
        "lots": [{"lot": lot, "kg": str(kg(int(g)))} for lot, g in row["lots"]],
        "event_ids": list(row["event_ids"]),
    }


def own_event(repo: TraceRepo, org_id: int, client_id: str, field: str) -> dict[str, Any]:
    row = repo.event_row(org_id, client_id)
    if row is None:
        raise NotFound(
            f"no event '{client_id}' in your ledger; record it first", code="unknown_event", field=field
        )
    return row
