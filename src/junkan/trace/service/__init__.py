"""Use cases of the trace context: record events (append-only, idempotent, conservation-checked, chained into
the organisation's ledger in the same transaction), reconcile trades, trace provenance, verify the ledger.

Identities: in the domain an event's ``organisation`` is the organisation id as text, its ``site`` a
facility id of that organisation as text, its ``counterparty`` an organisation id as text (or the name of
a party that is not on the platform, e.g. a virgin-resin supplier). Lot ids are chosen by each
organisation and scoped to it: a lot received under the shipper's lot id is a new lot of the receiver,
linked to the shipped lot (and to its physical *root*) once the trade is matched.

The modules of this package, one concept each, in one namespace for the entry points:

- ``events``: recording events (idempotency, the inventory check, the set-based write);
- ``trades``: pairing shipments and receipts, custody passing along matched trades;
- ``reads`` and ``tracing``: events and lots as the viewer may see them, provenance traces;
- ``ledger``: the hash chain's next link, verification and signed checkpoints;
- ``imports`` and ``exports``: bulk import (resumable) and UNTP DTE export;
- ``access``: who may read what (owner, trading partner, authorities; everyone else ``NotFound``).
"""

from __future__ import annotations

from junkan.trace.service.access import can_read_org
from junkan.trace.service.events import MAX_KG_DECIMALS as MAX_KG_DECIMALS
from junkan.trace.service.events import Recorded, record_events, record_in_tx
from junkan.trace.service.exports import export_dte, iter_events_payloads
from junkan.trace.service.imports import FORMATS, ImportReport, get_import, import_events, list_imports
from junkan.trace.service.imports import Opener as Opener
from junkan.trace.service.ledger import create_checkpoint, list_checkpoints, verify_ledger
from junkan.trace.service.reads import event_view, get_event, get_lot, list_events, list_lots
from junkan.trace.service.tracing import provenance
from junkan.trace.service.trades import list_trades

__all__ = [
    "FORMATS",
    "ImportReport",
    "Recorded",
    "can_read_org",
    "create_checkpoint",
    "event_view",
    "export_dte",
    "get_event",
    "get_import",
    "get_lot",
    "import_events",
    "iter_events_payloads",
    "list_checkpoints",
    "list_events",
    "list_imports",
    "list_lots",
    "list_trades",
    "provenance",
    "record_events",
    "record_in_tx",
    "verify_ledger",
]
