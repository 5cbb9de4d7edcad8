"""Exporting an organisation's events: as a UNTP Digital Traceability Event credential, or streamed."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterable
from typing import Any

from junkan.actor import Actor
from junkan.errors import InvalidInput
from junkan.store.trace_repo import EventFilter, TraceRepo, event_from_payload
from junkan.store.uow import UnitOfWork
from junkan.trace.model import Event
from junkan.trace.service.access import require_own
from junkan.trace.untp_dte import Issuer, UriScheme, to_dte_credential

__all__ = ["export_dte", "iter_events_payloads"]


def export_dte(
    uow: UnitOfWork,
    actor: Actor,
    org_id: int,
    f: EventFilter,
    *,
    host: str,
    uris: UriScheme | None = None,
    limit: int = 10_000,
) -> dict[str, Any]:
    """The organisation's events as one unsigned UNTP Digital Traceability Event credential."""
    from junkan.credentials.service import org_did_for

    require_own(actor.signed_in, org_id, "events")
    with uow:
        repo = TraceRepo(uow.conn)
        events = list(
            itertools.islice((event_from_payload(x) for x in repo.iter_events(org_id, f)), limit + 1)
        )
        name = repo.org_name(org_id)
    if len(events) > limit:
        raise InvalidInput(
            f"more than {limit} events match; narrow the period (since/until) or use the CLI export",
            code="too_many",
            field="until",
        )
    return to_dte_credential(
        events,
        issuer=Issuer(org_did_for(org_id, host=host), name),
        credential_id=f"urn:uuid:{uuid.uuid4()}",
        valid_from=actor.now,
        uris=uris,
    )


def iter_events_payloads(uow: UnitOfWork, actor: Actor, org_id: int, f: EventFilter) -> Iterable[Event]:
    """The organisation's events in ledger order (for exports); the caller keeps ``uow`` open."""
    require_own(actor.signed_in, org_id, "events")
    for payload in TraceRepo(uow.conn).iter_events(org_id, f):
        yield event_from_payload(payload)
