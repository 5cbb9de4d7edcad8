"""Use cases of the trace context: record events (append-only, idempotent, conservation-checked, chained into
the organisation's ledger in the same transaction), reconcile trades, trace provenance, verify the ledger.

Identities: in the domain an event's ``organisation`` is the organisation id as text, its ``site`` a
facility id of that organisation as text, its ``counterparty`` an organisation id as text (or the name of
a party that is not on the platform, e.g. a virgin-resin supplier). Lot ids are chosen by each
organisation and scoped to it: a lot received under the shipper's lot id is a new lot of the receiver,
linked to the shipped lot (and to its physical *root*) once the trade is matched.

Visibility (decided here, enforced for every read): an organisation sees all its own events, lots,
trades and provenance; an accepted trading partner sees the shipments and receipts between the two (never
the rest of the ledger); in a provenance trace, lots of other organisations appear with their
organisation, material, creating event kind and date, shares and recycled share, but their lot ids and
masses are masked (``"masked": true``) — enough to follow a recycled-content claim back to the collection
events without disclosing another organisation's private quantities. Regulators and certifiers verify
ledgers and read custody accounts (see ``junkan.custody.service``); everyone else gets ``NotFound``.
"""

from __future__ import annotations

import collections
import csv
import dataclasses
import datetime as dt
import hashlib
import io
import itertools
import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from decimal import Decimal
from typing import IO, Any

import numpy as np

from junkan.actor import Actor
from junkan.errors import Conflict, InvalidInput, JunkanError, NotFound, RowError, RuleViolation
from junkan.members.model import Principal, Scope
from junkan.pagination import Page, PageRequest
from junkan.store import audit
from junkan.store.members_repo import MembersRepo
from junkan.store.trace_repo import LEDGER_TYPE, EventFilter, LotRow, TraceRepo, event_from_payload
from junkan.store.uow import UnitOfWork
from junkan.trace.inventory import Inventory, LotInfo
from junkan.trace.ledger import GENESIS_HASH, ChainVerdict, LedgerLink, link_hash, verify_chain
from junkan.trace.model import TRANSFORMATION_KINDS, Event, EventKind, canonical_payload, payload_text
from junkan.trace.provenance import LotGraph, downstream, upstream
from junkan.trace.tabular import parse_rows
from junkan.trace.trades import reconcile
from junkan.trace.units import normalise_decimal
from junkan.trace.untp_dte import Issuer, UriScheme, parse_dte, to_dte_credential

__all__ = [
    "Recorded",
    "can_read_org",
    "get_event",
    "get_lot",
    "list_events",
    "list_lots",
    "list_trades",
    "provenance",
    "record_events",
    "record_in_tx",
    "verify_ledger",
]

MAX_KG_DECIMALS = 6


@dataclasses.dataclass(frozen=True, slots=True)
class Recorded:
    """The outcome for one event: its ledger seq and whether it was a replay of an event already stored."""

    id: str
    seq: int
    replayed: bool
    row_id: int


def _prefixed(exc: JunkanError, prefix: str, index: int) -> JunkanError:
    """The same error with its field placed under ``prefix`` (e.g. ``events[3].``) for batch requests, and
    the index of the refused event in ``extra``."""
    field = f"{prefix}{exc.field}" if exc.field else prefix.rstrip(".") or None
    return type(exc)(exc.message, code=exc.code, field=field, extra={**exc.extra, "event_index": index})


def _check_event(e: Event, org_id: int, sites: set[int]) -> None:
    if e.organisation != str(org_id):
        raise InvalidInput(
            f"the event is recorded for organisation {e.organisation!r} but you act for {org_id}; "
            "leave organisation empty or give your own organisation id",
            code="other_organisation",
            field="organisation",
        )
    if not e.site.isdigit() or int(e.site) not in sites:
        raise InvalidInput(
            f"site {e.site!r} is not a facility of your organisation; give the id of one of your facilities "
            f"({', '.join(str(s) for s in sorted(sites)) or 'add a facility first'})",
            code="unknown_site",
            field="site",
        )
    for where, lines in (("inputs", e.inputs), ("outputs", e.outputs)):
        for i, line in enumerate(lines):
            kg = line.kg(field=f"{where}[{i}].quantity")
            exponent = kg.normalize().as_tuple().exponent
            if isinstance(exponent, int) and exponent < -MAX_KG_DECIMALS:
                raise InvalidInput(
                    f"{kg} kg has more than {MAX_KG_DECIMALS} decimals; round to the milligram",
                    code="too_precise",
                    field=f"{where}[{i}].quantity",
                )
            if len(line.lot) > 200 or len(line.material) > 120 or len(line.grade) > 200:
                raise InvalidInput(
                    "lot ids and grades are at most 200 characters, materials 120",
                    code="too_long",
                    field=f"{where}[{i}].lot",
                )
    if len(e.id) > 200:
        raise InvalidInput("event ids are at most 200 characters; use a UUID", code="too_long", field="id")


def _lot_info(row: LotRow) -> LotInfo:
    return LotInfo(row.key, row.material, row.grade, row.created_at, row.last_time, row.created_by)


def _counterparty_org(e: Event, known: set[int]) -> int | None:
    cp = e.counterparty
    return int(cp) if cp and cp.isdigit() and int(cp) in known else None


def record_in_tx(
    conn: Any,
    actor: Actor,
    org_id: int,
    events: Sequence[Event],
    *,
    import_run_id: int | None = None,
    field_prefix: Callable[[int], str] | None = None,
) -> list[Recorded]:
    """Record ``events`` of ``org_id`` inside the caller's open transaction (all or nothing).

    Set-based: lots and stock are loaded once for the batch, the domain ``Inventory`` checks every event in
    order, then each table is written with one statement.
    """
    repo = TraceRepo(conn)
    sites = repo.site_ids(org_id)
    prefix = field_prefix or (lambda i: "")
    known = repo.known_events(org_id, [e.id for e in events])
    fresh: list[tuple[int, Event, str]] = []
    batch_fp: dict[str, str] = {}
    payloads: dict[int, dict[str, object]] = {}
    texts: dict[int, str] = {}
    for i, e in enumerate(events):
        try:
            _check_event(e, org_id, sites)
            payload = canonical_payload(e)
            text = payload_text(payload)
            fp = hashlib.sha256(text.encode("utf-8")).hexdigest()
        except JunkanError as exc:
            raise _prefixed(exc, prefix(i), i) from None
        seen = known[e.id][0] if e.id in known else batch_fp.get(e.id)
        if seen is not None:
            if seen != fp:
                raise _prefixed(
                    Conflict(
                        f"event id '{e.id}' was already used for a different event; events are append-only: "
                        "send a correcting event under a new id",
                        code="event_id_reused",
                        field="id",
                        extra={"event_id": e.id},
                    ),
                    prefix(i),
                    i,
                )
            continue
        batch_fp[e.id] = fp
        fresh.append((i, e, fp))
        payloads[i] = payload
        texts[i] = text
    if not fresh:
        return [Recorded(e.id, known[e.id][1], True, known[e.id][2]) for e in events]

    keys = sorted({line.lot for _, e, _ in fresh for line in e.inputs + e.outputs})
    lots = repo.lots_by_key(org_id, keys)
    stock = repo.stock_of([r.id for r in lots.values()])
    site_of_key = {r.id: r.key for r in lots.values()}
    inv = Inventory(
        lots={k: _lot_info(r) for k, r in lots.items()},
        stock={(str(s), site_of_key[lot]): kg for (s, lot), kg in stock.items()},
    )
    before_stock = dict(inv.stock)
    created: dict[str, tuple[Event, LotInfo]] = {}
    added_kg: dict[str, Decimal] = {}
    for i, e, fp in fresh:
        try:
            inv.apply(e, fp=fp)
        except JunkanError as exc:
            raise _prefixed(exc, prefix(i), i) from None
        for line in e.outputs:
            added_kg[line.lot] = added_kg.get(line.lot, Decimal(0)) + line.kg()
            if line.lot not in lots and line.lot not in created:
                created[line.lot] = (e, inv.lots[line.lot])

    cps = repo.existing_org_ids(
        int(e.counterparty) for _, e, _ in fresh if e.counterparty and e.counterparty.isdigit()
    )
    # New lots first (their ids are needed by the lines), then existing lots' last_time and output mass.
    new_keys = sorted(created)
    new_rows = []
    for k in new_keys:
        ev, info = created[k]
        line = next(x for x in ev.outputs if x.lot == k)
        new_rows.append(
            {
                "org_id": org_id,
                "key": k,
                "material": info.material,
                "grade": info.grade,
                "site_id": int(ev.site),
                "created_kg": added_kg[k],
                "unit_mass_kg": line.unit_mass_kg,
                "passport": line.passport,
                "source_kind": ev.kind.value,
                "root_lot_id": None,
                "created_at": info.created_at,
                "last_time": inv.lots[k].last_time,
            }
        )
    lot_id = {k: r.id for k, r in lots.items()}
    lot_id.update(zip(new_keys, repo.insert_lots(new_rows), strict=True))
    repo.update_lots(
        [
            {
                "b_id": r.id,
                "b_last_time": inv.lots[k].last_time,
                "b_created_kg": r.created_kg + added_kg.get(k, Decimal(0)),
            }
            for k, r in lots.items()
        ]
    )
    touched = {key for key in set(before_stock) | set(inv.stock)}
    repo.write_stock(
        {
            (int(s), lot_id[k]): inv.stock.get((s, k), Decimal(0))
            for s, k in touched
            if before_stock.get((s, k)) != inv.stock.get((s, k))
        }
    )

    head_seq, head_hash = repo.ledger_head(org_id, lock=True)
    prev: LedgerLink | None = None if head_seq == 0 else LedgerLink(head_seq, b"", b"", head_hash)
    event_rows: list[dict[str, Any]] = []
    link_rows: list[dict[str, Any]] = []
    for i, e, fp in fresh:
        link = _link(prev, texts[i], fp)
        prev = link
        event_rows.append(
            {
                "org_id": org_id,
                "client_id": e.id,
                "kind": e.kind.value,
                "time": e.time,
                "site_id": int(e.site),
                "counterparty": e.counterparty,
                "counterparty_org_id": _counterparty_org(e, cps),
                "shipment_ref": e.shipment_ref,
                "payload": payloads[i],
                "fingerprint": fp,
                "seq": link.seq,
                "recorded_at": actor.now,
                "import_run_id": import_run_id,
            }
        )
        link_rows.append(
            {
                "org_id": org_id,
                "seq": link.seq,
                "prev_hash": link.prev_hash,
                "hash": link.hash,
                "canonical": link.canonical,
                "recorded_at": actor.now,
            }
        )
    ids = repo.insert_events(event_rows)
    for row, eid in zip(link_rows, ids, strict=True):
        row["event_id"] = eid
    repo.insert_links(link_rows)
    assert prev is not None
    repo.set_head(org_id, prev.seq, prev.hash, existed=head_seq > 0)

    lines, edges = [], []
    for (_i, e, _fp), eid in zip(fresh, ids, strict=True):
        for role, group in (("in", e.inputs), ("out", e.outputs)):
            for line in group:
                lines.append(
                    {
                        "event_id": eid,
                        "org_id": org_id,
                        "lot_id": lot_id[line.lot],
                        "role": role,
                        "material": line.material,
                        "kg": line.kg(),
                    }
                )
        if e.kind in TRANSFORMATION_KINDS:
            total = sum((x.kg() for x in e.inputs), Decimal(0)) or Decimal(1)
            for o in e.outputs:
                for x in e.inputs:
                    if x.lot != o.lot:
                        kg = (o.kg() * x.kg() / total).quantize(Decimal("0.000001"))
                        edges.append(
                            {
                                "parent_lot_id": lot_id[x.lot],
                                "child_lot_id": lot_id[o.lot],
                                "kg": kg,
                                "event_id": eid,
                            }
                        )
    repo.insert_lines(lines)
    repo.insert_edges(edges)

    trades = [
        (e, eid)
        for (_i, e, _fp), eid in zip(fresh, ids, strict=True)
        if e.kind in (EventKind.SHIP, EventKind.RECEIVE)
    ]
    if trades:
        _update_trades(conn, actor, org_id, trades)
    stored: dict[str, tuple[int, int, int]] = {
        e.id: (int(row["seq"]), eid, i) for (i, e, _fp), row, eid in zip(fresh, event_rows, ids, strict=True)
    }
    out = []
    for i, e in enumerate(events):
        if e.id in known:
            out.append(Recorded(e.id, known[e.id][1], True, known[e.id][2]))
        else:
            seq, eid, first = stored[e.id]
            out.append(Recorded(e.id, seq, first != i, eid))
    return out


def _link(prev: LedgerLink | None, text: str, fp: str) -> LedgerLink:
    """The next ledger link for an event whose canonical payload text is ``text``.

    Same bytes as ``chain_record(prev, seq, ledger_payload(payload, fp))`` — the JCS form of
    ``{"event": payload, "fingerprint": fp, "type": LEDGER_TYPE}`` — assembled from the text already built
    for the fingerprint instead of encoding the payload a second time (the integration tests check every
    link with ``verify_chain(check_payloads=True)``, which re-canonicalises).
    """
    seq = prev.seq + 1 if prev else 1
    prev_hash = prev.hash if prev else GENESIS_HASH
    canonical = f'{{"event":{text},"fingerprint":"{fp}","type":"{LEDGER_TYPE}"}}'.encode()
    return LedgerLink(seq, prev_hash, canonical, link_hash(prev_hash, canonical, seq))


def _update_trades(conn: Any, actor: Actor, org_id: int, trades: list[tuple[Event, int]]) -> None:
    """Pair ship and receive events by (shipper, receiver, shipment_ref); evaluate and link when matched."""
    repo = TraceRepo(conn)
    partners = MembersRepo(conn).accepted_partner_ids(org_id)
    me = str(org_id)

    def are_partners(a: str, b: str) -> bool:
        other = b if a == me else a if b == me else None
        return other is not None and other.isdigit() and int(other) in partners

    for e, eid in trades:
        assert e.shipment_ref and e.counterparty
        shipper, receiver = (me, e.counterparty) if e.kind is EventKind.SHIP else (e.counterparty, me)
        key = (shipper, receiver, e.shipment_ref)
        row = repo.trade(*key)
        slot = "ship_event_id" if e.kind is EventKind.SHIP else "receive_event_id"
        if row is not None and row[slot] is not None and row[slot] != eid:
            raise Conflict(
                f"shipment reference {e.shipment_ref!r} between {shipper} and {receiver} already has a "
                f"{e.kind.value} event; give every shipment its own reference",
                code="shipment_ref_reused",
                field="shipment_ref",
            )
        ship_id = eid if e.kind is EventKind.SHIP else (row or {}).get("ship_event_id")
        recv_id = eid if e.kind is EventKind.RECEIVE else (row or {}).get("receive_event_id")
        rows = repo.events_by_id([i for i in (ship_id, recv_id) if i is not None])
        domain = [event_from_payload(rows[i]["payload"]) for i in (ship_id, recv_id) if i is not None]
        result = reconcile(domain, are_partners=are_partners)
        status, message = (
            ("matched", "") if result.matches else (result.flags[0].code, result.flags[0].message)
        )
        repo.upsert_trade(
            key,
            {
                "shipper_org_id": int(shipper) if shipper.isdigit() else None,
                "receiver_org_id": int(receiver) if receiver.isdigit() else None,
                "ship_event_id": ship_id,
                "receive_event_id": recv_id,
                "status": status,
                "message": message[:1000],
                "updated_at": actor.now,
            },
        )
        if status == "matched" and ship_id is not None and recv_id is not None:
            _link_trade(repo, rows[ship_id], rows[recv_id], recv_id)


def _link_trade(repo: TraceRepo, ship: dict[str, Any], receipt: dict[str, Any], recv_id: int) -> None:
    """Custody passed: shipped lots become parents of received lots (1:1 when the lot id is kept)."""
    s_ev, r_ev = event_from_payload(ship["payload"]), event_from_payload(receipt["payload"])
    s_lots = repo.lots_by_key(ship["org_id"], [x.lot for x in s_ev.inputs])
    r_lots = repo.lots_by_key(receipt["org_id"], [x.lot for x in r_ev.outputs])
    shipped = {x.lot: x.kg() for x in s_ev.inputs}
    total = sum(shipped.values(), Decimal(0)) or Decimal(1)
    edges, roots = [], []
    for x in r_ev.outputs:
        child = r_lots[x.lot]
        if x.lot in shipped:
            parent = s_lots[x.lot]
            edges.append(
                {"parent_lot_id": parent.id, "child_lot_id": child.id, "kg": x.kg(), "event_id": recv_id}
            )
            if child.root_lot_id is None and child.source_kind == EventKind.RECEIVE.value:
                roots.append((child.id, parent.root_lot_id or parent.id))
        else:
            for key, kg in shipped.items():
                part = (x.kg() * kg / total).quantize(Decimal("0.000001"))
                edges.append(
                    {
                        "parent_lot_id": s_lots[key].id,
                        "child_lot_id": child.id,
                        "kg": part,
                        "event_id": recv_id,
                    }
                )
    repo.insert_edges(edges)
    repo.set_roots(roots)


def record_events(
    uow: UnitOfWork, actor: Actor, org_id: int, events: Sequence[Event], *, batch: bool = False
) -> list[Recorded]:
    """Record events of the caller's organisation in one transaction: all are stored, or none."""
    actor.signed_in.require(Scope.WRITE, org_id=org_id, action="record traceability events")
    if not events:
        raise InvalidInput("send at least one event", code="empty", field="events")
    with uow:
        done = record_in_tx(
            uow.conn, actor, org_id, events, field_prefix=(lambda i: f"events[{i}].") if batch else None
        )
        new = [r.id for r in done if not r.replayed]
        if new:
            audit.record(
                uow.conn,
                actor,
                action="trace.events.record",
                entity="trace_event",
                entity_id=new[0] if len(new) == 1 else f"{new[0]}…({len(new)})",
                org_id=org_id,
                changes={"count": len(new), "ids": new[:20]},
            )
        uow.commit()
    return done


# reads ------------------------------------------------------------------------------------------
def can_read_org(p: Principal | None, org_id: int) -> bool:
    return p is not None and (p.is_system or p.org_id == org_id)


def _owner_or_partner(p: Principal, org_id: int) -> int | None:
    """None when ``p`` reads as the owner; the partner's org id when it reads as a trading partner."""
    if p.is_system or p.org_id == org_id:
        return None
    if org_id in p.partner_org_ids:
        return p.org_id
    raise NotFound(
        f"organisation {org_id}'s traceability records are not visible to you",
        code="not_found",
        field="org_id",
    )


def event_view(row: dict[str, Any]) -> dict[str, Any]:
    payload = row["payload"]
    return {
        "id": row["client_id"],
        "seq": row["seq"],
        "kind": row["kind"],
        "time": row["time"],
        "site_id": row["site_id"],
        "counterparty": row["counterparty"],
        "counterparty_org_id": row["counterparty_org_id"],
        "shipment_ref": row["shipment_ref"],
        "inputs": payload.get("inputs", []),
        "outputs": payload.get("outputs", []),
        "documents": [{"type": t, "id": i} for t, i in payload.get("documents", [])],
        "declared_yield": payload.get("declared_yield"),
    }


def list_events(
    uow: UnitOfWork, actor: Actor, org_id: int, f: EventFilter, page: PageRequest
) -> Page[dict[str, Any]]:
    p = actor.signed_in
    p.require(Scope.READ, action="read traceability events")
    viewer = _owner_or_partner(p, org_id)
    with uow:
        res = TraceRepo(uow.conn).list_events(org_id, f, page, visible_to=viewer)
    return Page([event_view(r) for r in res.items], res.total, res.limit, res.offset)


def get_event(uow: UnitOfWork, actor: Actor, org_id: int, client_id: str) -> dict[str, Any]:
    p = actor.signed_in
    p.require(Scope.READ, action="read traceability events")
    viewer = _owner_or_partner(p, org_id)
    with uow:
        row = TraceRepo(uow.conn).event_row(org_id, client_id)
    if row is None or (
        viewer is not None
        and (row["counterparty_org_id"] != viewer or row["kind"] not in ("ship", "receive"))
    ):
        raise NotFound(f"no event '{client_id}' in organisation {org_id}", field="event_id")
    return event_view(row)


def _own(p: Principal, org_id: int, what: str) -> None:
    p.require(Scope.READ, action=f"read {what}")
    if not (p.is_system or p.org_id == org_id):
        raise NotFound(f"organisation {org_id}'s {what} are not visible to you", field="org_id")


def list_lots(
    uow: UnitOfWork, actor: Actor, org_id: int, page: PageRequest, *, material: str | None = None
) -> Page[dict[str, Any]]:
    _own(actor.signed_in, org_id, "lots")
    with uow:
        return TraceRepo(uow.conn).list_lots(org_id, page, material=material)


def get_lot(uow: UnitOfWork, actor: Actor, org_id: int, key: str) -> dict[str, Any]:
    _own(actor.signed_in, org_id, "lots")
    with uow:
        repo = TraceRepo(uow.conn)
        lot = repo.lots_by_key(org_id, [key]).get(key)
        if lot is None:
            raise NotFound(f"no lot '{key}' in organisation {org_id}", field="lot")
        return {
            **dataclasses.asdict(lot),
            "stock": [{"site_id": s, "kg": kg} for s, kg in repo.lot_stock(lot.id)],
            "events": repo.lot_events(lot.id),
        }


def list_trades(
    uow: UnitOfWork, actor: Actor, org_id: int, page: PageRequest, *, status: str | None = None
) -> Page[dict[str, Any]]:
    """Trades where the organisation ships or receives, matched or flagged (flags show on both sides)."""
    _own(actor.signed_in, org_id, "trades")
    with uow:
        return TraceRepo(uow.conn).trades_of(org_id, page, status=status)


def provenance(
    uow: UnitOfWork, actor: Actor, org_id: int, key: str, *, direction: str = "upstream", max_steps: int = 256
) -> dict[str, Any]:
    """Upstream (to the sources) or downstream (to where the mass went) trace of one of the caller's lots."""
    if direction not in ("upstream", "downstream"):
        raise InvalidInput("direction is upstream or downstream", code="unknown_enum", field="direction")
    p = actor.signed_in
    _own(p, org_id, "lots")
    with uow:
        repo = TraceRepo(uow.conn)
        root = repo.lots_by_key(org_id, [key]).get(key)
        if root is None:
            raise NotFound(f"no lot '{key}' in organisation {org_id}", field="lot")
        parent, child, kg = repo.cone_edges(root.id, upstream=direction == "upstream")
        nodes = np.unique(np.concatenate([parent, child, np.array([root.id], dtype=np.int64)]))
        info = repo.trace_lots_by_id(nodes.tolist())
    index = {int(n): i for i, n in enumerate(nodes.tolist())}
    pi = np.searchsorted(nodes, parent)
    ci = np.searchsorted(nodes, child)
    origin = np.array([1.0 if info[int(n)].source_kind == EventKind.COLLECT.value else 0.0 for n in nodes])
    lot_kg = np.array([float(info[int(n)].created_kg) for n in nodes]) if direction == "downstream" else None
    graph = LotGraph.from_edges(len(nodes), pi, ci, kg, origin_recycled=origin, lot_kg=lot_kg)
    r = index[root.id]
    trace = (
        upstream(graph, r, max_steps=max_steps)
        if direction == "upstream"
        else downstream(graph, r, max_steps=max_steps)
    )
    mine = p.org_id if not p.is_system else org_id

    def node(
        i: int, share: float, dmin: int, dmax: int, terminal: bool, recycled: float | None
    ) -> dict[str, Any]:
        lot = info[int(nodes[i])]
        own = lot.org_id == mine
        return {
            "index": i,
            "org_id": lot.org_id,
            "lot": lot.key if own else None,
            "masked": not own,
            "material": lot.material,
            "grade": lot.grade if own else None,
            "source_kind": lot.source_kind,
            "created_at": lot.created_at,
            "kg": Decimal(normalise_decimal(lot.created_kg)) if own else None,
            "share": round(share, 6),
            "min_depth": dmin,
            "max_depth": dmax,
            "terminal": terminal,
            "recycled_share": None if recycled is None else round(recycled, 6),
        }

    rec = trace.recycled_share
    nodes_out = [node(r, 1.0, 0, 0, False, trace.root_recycled_share if direction == "upstream" else None)]
    for j, i in enumerate(trace.lots.tolist()):
        nodes_out.append(
            node(
                int(i),
                float(trace.share[j]),
                int(trace.min_depth[j]),
                int(trace.max_depth[j]),
                bool(trace.terminal[j]),
                float(rec[j]) if rec.size else None,
            )
        )
    edge_list = [{"parent": int(a), "child": int(b)} for a, b in zip(pi.tolist(), ci.tolist(), strict=True)]
    sources = [n for n in nodes_out[1:] if n["terminal"]]
    return {
        "root": nodes_out[0],
        "direction": direction,
        "nodes": nodes_out,
        "edges": edge_list,
        "root_recycled_share": None if direction == "downstream" else round(trace.root_recycled_share, 6),
        "sources": sources,
        "explanation": {
            "formula": "share(parent) = Σ_paths Π edge_kg / Σ edge_kg into child; "
            "recycled(lot) = Σ share(parent) × recycled(parent); collected lots are 100 % post-consumer",
            "masked": "lots of other organisations show organisation, material, kind and date; "
            "their ids and masses are masked",
        },
    }


# ledger -----------------------------------------------------------------------------------------
def _can_verify(p: Principal, org_id: int) -> None:
    p.require(Scope.READ, action="verify a ledger")
    if not (p.is_system or p.org_id == org_id or p.org_kind.is_authority):
        raise NotFound(f"organisation {org_id}'s ledger is not visible to you", field="org_id")


def verify_ledger(uow: UnitOfWork, actor: Actor, org_id: int) -> dict[str, Any]:
    """Check every link of the organisation's ledger and name the first broken one (streamed in chunks)."""
    _can_verify(actor.signed_in, org_id)
    with uow:
        repo = TraceRepo(uow.conn)
        head_seq, head_hash = repo.ledger_head(org_id)
        verdict: ChainVerdict | None = None
        start_seq, start_prev = 1, bytes(32)
        verified = 0
        for chunk in repo.iter_links(org_id):
            verdict = verify_chain(
                chunk, check_payloads=True, start_seq=start_seq, start_prev_hash=start_prev
            )
            verified += verdict.verified
            if not verdict.ok:
                break
            start_seq, start_prev = verdict.head_seq + 1, verdict.head_hash
        chain_head = (
            (start_seq - 1, start_prev)
            if verdict is None or verdict.ok
            else (verdict.head_seq, verdict.head_hash)
        )
        out: dict[str, Any] = {
            "org_id": org_id,
            "verified": verified,
            "head_seq": chain_head[0],
            "head_hash": chain_head[1].hex(),
        }
        if verdict is not None and not verdict.ok:
            out.update(
                ok=False, broken_seq=verdict.broken_seq, reason=verdict.reason, message=verdict.message
            )
        elif head_seq > chain_head[0]:
            out.update(
                ok=False,
                broken_seq=chain_head[0] + 1,
                reason="truncated",
                message=f"the ledger head says seq {head_seq} but the chain ends at seq {chain_head[0]}; "
                "records were deleted from its end",
            )
        elif head_seq == chain_head[0] and head_seq and head_hash != chain_head[1]:
            out.update(
                ok=False,
                broken_seq=head_seq,
                reason="head_mismatch",
                message=f"record {head_seq} is not the one the ledger head points at; "
                "the ledger was rewritten",
            )
        else:
            out.update(ok=True, broken_seq=None, reason=None, message="every link verifies")
        if out.get("broken_seq"):
            out["broken_event_id"] = repo.link_event_client_id(org_id, int(out["broken_seq"]))
        out["checkpoints"] = _check_checkpoints(repo, org_id, out)
    return out


def _check_checkpoints(repo: TraceRepo, org_id: int, verdict: dict[str, Any]) -> list[dict[str, Any]]:
    """Each stored checkpoint: is its signature genuine, and does the verified chain still reach its head?"""
    from junkan.credentials.dataintegrity import verify_credential
    from junkan.store.credentials_repo import CredentialsRepo

    keys = CredentialsRepo(repo.conn)

    def resolve(key_id: str) -> Any:
        stored = keys.get_key(key_id)
        return stored.record if stored else None

    out = []
    for cp in repo.checkpoints(org_id, limit=5):
        seq, want = int(cp["upto_seq"]), bytes(cp["head_hash"])
        signed = verify_credential(cp["document"], resolve, now=cp["at"])
        have = repo.link_hash(org_id, seq)
        if not signed.ok:
            state, msg = (
                "bad_signature",
                "the checkpoint's signature does not verify: " + "; ".join(signed.reasons),
            )
        elif verdict["head_seq"] < seq and verdict["ok"]:
            state, msg = (
                "truncated",
                f"the checkpoint vouches for seq {seq} but the ledger ends at {verdict['head_seq']}",
            )
        elif have is None or have != want:
            state, msg = (
                "head_mismatch",
                f"record {seq} is not the one the checkpoint vouches for; the ledger was rewritten",
            )
        elif not verdict["ok"] and verdict["broken_seq"] is not None and verdict["broken_seq"] <= seq:
            state, msg = (
                "chain_broken",
                f"the chain breaks at seq {verdict['broken_seq']}, before this checkpoint",
            )
        else:
            state, msg = "ok", f"the ledger up to seq {seq} is the one signed at {cp['at'].isoformat()}"
        out.append({"upto_seq": seq, "at": cp["at"], "key_id": cp["key_id"], "status": state, "message": msg})
    return out


def create_checkpoint(
    uow: UnitOfWork, actor: Actor, org_id: int, *, master_secret: bytes, host: str
) -> dict[str, Any]:
    """Sign "my ledger's head at seq N is H" as a Verifiable Credential of the organisation (eddsa-jcs-2022).

    Only a ledger that verifies is signed. A later truncation or wholesale rewrite of the chain, which the
    chain alone cannot reveal, then shows against the checkpoint (``verify_ledger``, ``junkan verify``).
    """
    from junkan.credentials.service import org_did_for, sign_with_org_key

    p = actor.signed_in
    p.require(Scope.WRITE, org_id=org_id, action="sign a ledger checkpoint")
    verdict = verify_ledger(uow, actor, org_id)
    if not verdict["ok"]:
        raise RuleViolation(
            f"the ledger is broken at seq {verdict['broken_seq']} ({verdict['reason']}); a checkpoint would "
            "vouch for altered records — investigate and restore the ledger first",
            code="ledger_broken",
            field="org_id",
        )
    if verdict["head_seq"] == 0:
        raise RuleViolation("the ledger is empty; record events first", code="ledger_empty", field="org_id")
    with uow:
        repo = TraceRepo(uow.conn)
        seq, digest = verdict["head_seq"], bytes.fromhex(verdict["head_hash"])
        credential = {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential", "LedgerCheckpointCredential"],
            "id": f"urn:uuid:{uuid.uuid4()}",
            "validFrom": actor.now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "credentialSubject": {
                "type": ["LedgerCheckpoint"],
                "id": org_did_for(org_id, host=host),
                "uptoSeq": seq,
                "headHash": digest.hex(),
                "hashRule": "SHA-256(prev_hash || JCS(payload) || seq as 8-byte big-endian), "
                "genesis 32 zero bytes",
            },
        }
        signed = sign_with_org_key(
            uow.conn, org_id, credential, master_secret=master_secret, host=host, now=actor.now, actor=actor
        )
        proof = signed["proof"]
        at = actor.now.replace(microsecond=0)
        cid = repo.add_checkpoint(
            org_id=org_id,
            upto_seq=seq,
            head_hash=digest,
            at=at,
            key_id=proof["verificationMethod"],
            signature=str(proof["proofValue"]).encode(),
            document=signed,
        )
        audit.record(
            uow.conn,
            actor,
            action="trace.checkpoint",
            entity="ledger_checkpoint",
            entity_id=cid,
            org_id=org_id,
            changes={"upto_seq": seq, "head_hash": digest.hex()},
        )
        uow.commit()
    return {
        "id": cid,
        "upto_seq": seq,
        "head_hash": digest.hex(),
        "at": at,
        "key_id": proof["verificationMethod"],
        "credential": signed,
    }


def list_checkpoints(uow: UnitOfWork, actor: Actor, org_id: int) -> list[dict[str, Any]]:
    _can_verify(actor.signed_in, org_id)
    with uow:
        rows = TraceRepo(uow.conn).checkpoints(org_id)
    return [
        {
            "id": r["id"],
            "upto_seq": r["upto_seq"],
            "head_hash": bytes(r["head_hash"]).hex(),
            "at": r["at"],
            "key_id": r["key_id"],
            "credential": r["document"],
        }
        for r in rows
    ]


# imports ----------------------------------------------------------------------------------------
FORMATS = ("csv", "xlsx", "json")
Opener = Callable[[], AbstractContextManager[IO[bytes]]]
"""Opens the import file afresh (it is read twice: validation, then application)."""


@dataclasses.dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did: ``status`` is rejected (nothing stored), stopped (earlier batches stored, see
    ``errors``; fix and re-run — stored events are skipped) or done."""

    run_id: int | None
    status: str
    events_total: int
    applied: int
    replayed: int
    errors: tuple[RowError, ...]
    digest: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "status": self.status,
            "events_total": self.events_total,
            "applied": self.applied,
            "replayed": self.replayed,
            "errors": [dataclasses.asdict(e) for e in self.errors],
            "digest": self.digest,
        }


def _digest(open_: Opener) -> str:
    h = hashlib.sha256()
    with open_() as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _parsed(
    open_: Opener, fmt: str, org_id: int, uris: UriScheme | None
) -> Iterator[tuple[int, Event | RowError]]:
    """(first row, event or error) in file order, streamed; blank organisations become the importer's."""
    if fmt not in FORMATS:
        raise InvalidInput(
            f"unknown format {fmt!r}; use csv, xlsx or json (UNTP DTE)", code="unknown_format", field="format"
        )
    me = str(org_id)
    wrapper: io.TextIOWrapper | None = None
    with open_() as stream:
        if fmt == "json":
            try:
                doc = json.load(stream)
            except (ValueError, UnicodeDecodeError) as exc:
                raise InvalidInput(
                    f"the file is not JSON ({exc}); upload a UNTP DTE credential",
                    code="not_json",
                    field="file",
                ) from None
            items: Iterable[Event | RowError] = parse_dte(doc if isinstance(doc, dict) else {}, uris=uris)
            rows: Callable[[Event], int] | None = None
            counter = itertools.count(1)
        else:
            firsts: collections.OrderedDict[str, int] = collections.OrderedDict()

            def track(raw: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
                for number, row in enumerate(raw, start=2):
                    ident = str(row.get("event_id") or "").strip()
                    if ident and ident not in firsts:
                        firsts[ident] = number
                        while len(firsts) > 8:
                            firsts.popitem(last=False)
                    yield row

            if fmt == "csv":
                # detached after reading, so that closing the wrapper never closes the caller's file
                wrapper = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
                items = parse_rows(track(csv.DictReader(wrapper)))
            else:
                items = _xlsx_rows(stream, track)
            counter = itertools.count(1)
            rows = lambda e: firsts.get(e.id, 0)  # noqa: E731
        try:
            yield from _tagged(items, rows, counter, me)
        finally:
            if wrapper is not None:
                wrapper.detach()


def _tagged(
    items: Iterable[Event | RowError], rows: Callable[[Event], int] | None, counter: Iterator[int], me: str
) -> Iterator[tuple[int, Event | RowError]]:
    for item in items:
        if isinstance(item, RowError):
            yield item.row, item
            continue
        row = rows(item) if rows else next(counter)
        if item.organisation in ("", me):
            yield row, dataclasses.replace(item, organisation=me) if item.organisation == "" else item
        else:
            yield (
                row,
                RowError(
                    row,
                    "organisation",
                    "other_organisation",
                    f"the row is for organisation {item.organisation!r}; you import for {me} — "
                    "leave organisation empty or give your own id",
                ),
            )


def _xlsx_rows(
    stream: IO[bytes], track: Callable[[Iterable[dict[str, Any]]], Iterator[dict[str, Any]]]
) -> Iterator[Event | RowError]:
    from openpyxl import load_workbook

    book = load_workbook(stream, read_only=True, data_only=True)
    try:
        values = book.worksheets[0].iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(values, ())]
        yield from parse_rows(track(dict(zip(header, r, strict=False)) for r in values))
    finally:
        book.close()


def import_events(
    uow: UnitOfWork,
    actor: Actor,
    org_id: int,
    open_: Opener,
    *,
    fmt: str,
    filename: str = "",
    batch_size: int = 1000,
    progress: Callable[[int, int], None] | None = None,
    uris: UriScheme | None = None,
    max_errors: int = 1000,
) -> ImportReport:
    """Bulk import: validate the whole file in one streaming pass (nothing stored if any row is wrong), then
    apply it in batches of ``batch_size`` events, one transaction each. A batch whose event breaks a rule
    (conservation, stock, order) is rolled back and the import stops, naming the row; a re-run of the same
    file resumes — events already stored are replays and are not counted twice."""
    p = actor.signed_in
    p.require(Scope.WRITE, org_id=org_id, action="import traceability events")
    if not 1 <= batch_size <= 10_000:
        raise InvalidInput("batch_size must be within 1–10,000", code="range", field="batch_size")
    digest = _digest(open_)
    with uow:
        sites = TraceRepo(uow.conn).site_ids(org_id)
    errors: list[RowError] = []
    total = 0
    n_errors = 0
    for row, item in _parsed(open_, fmt, org_id, uris):
        if isinstance(item, Event):
            try:
                _check_event(item, org_id, sites)
                total += 1
                continue
            except JunkanError as exc:
                item = RowError(row, exc.field or "", exc.code, exc.message)
        n_errors += 1
        if len(errors) < max_errors:
            errors.append(item)
    if errors or total == 0:
        if not errors:
            errors.append(
                RowError(0, "file", "empty", "the file has no events; check the header row and the sheet")
            )
        return ImportReport(None, "rejected", total, 0, 0, tuple(errors), digest)

    with uow:
        repo = TraceRepo(uow.conn)
        run = repo.open_run(org_id, digest)
        if run is None or run["status"] == "done":
            run_id = repo.add_run(
                org_id=org_id,
                digest=digest,
                filename=filename[:300],
                format=fmt,
                status="applying",
                events_total=total,
                events_applied=0,
                events_replayed=0,
                errors=[],
                started_at=actor.now,
            )
        else:
            run_id = int(run["id"])
            repo.update_run(run_id, status="applying", errors=[])
        uow.commit()
    applied = replayed = done = 0
    status, failure = "done", None
    batch: list[tuple[int, Event]] = []

    def flush() -> bool:
        nonlocal applied, replayed, done, status, failure
        events = [e for _, e in batch]
        with uow:
            try:
                res = record_in_tx(uow.conn, actor, org_id, events, import_run_id=run_id)
            except JunkanError as exc:
                uow.rollback()
                at = int(exc.extra.get("event_index", 0))
                failure = RowError(batch[at][0], exc.field or "", exc.code, exc.message)
                status = "stopped"
                return False
            new = sum(1 for r in res if not r.replayed)
            applied += new
            replayed += len(res) - new
            done += len(res)
            if new:
                audit.record(
                    uow.conn,
                    actor,
                    action="trace.import.batch",
                    entity="trace_import_run",
                    entity_id=run_id,
                    org_id=org_id,
                    changes={"applied": new, "first": events[0].id, "last": events[-1].id},
                )
            TraceRepo(uow.conn).update_run(run_id, events_applied=applied, events_replayed=replayed)
            uow.commit()
            batches = done // batch_size
            if batches in (1, 4) or batches % 50 == 0:  # statistics for the planner as the tables grow
                TraceRepo(uow.conn).analyze()
                uow.commit()
        batch.clear()
        if progress:
            progress(done, total)
        return True

    for row, item in _parsed(open_, fmt, org_id, uris):
        assert isinstance(item, Event)
        batch.append((row, item))
        if len(batch) >= batch_size and not flush():
            break
    if batch and status == "done":
        flush()
    errs = (failure,) if failure else ()
    with uow:
        TraceRepo(uow.conn).update_run(
            run_id,
            status=status,
            errors=[dataclasses.asdict(e) for e in errs],
            finished_at=actor.now if status == "done" else None,
        )
        uow.commit()
    return ImportReport(run_id, status, total, applied, replayed, errs, digest)


def list_imports(uow: UnitOfWork, actor: Actor, org_id: int) -> list[dict[str, Any]]:
    _own(actor.signed_in, org_id, "imports")
    with uow:
        return TraceRepo(uow.conn).runs(org_id)


def get_import(uow: UnitOfWork, actor: Actor, org_id: int, run_id: int) -> dict[str, Any]:
    _own(actor.signed_in, org_id, "imports")
    with uow:
        run = TraceRepo(uow.conn).import_run(run_id)
    if run is None or run["org_id"] != org_id:
        raise NotFound(f"no import run {run_id}", field="run_id")
    return run


# exports ----------------------------------------------------------------------------------------
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

    _own(actor.signed_in, org_id, "events")
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
    _own(actor.signed_in, org_id, "events")
    for payload in TraceRepo(uow.conn).iter_events(org_id, f):
        yield event_from_payload(payload)


__all__ += [
    "FORMATS",
    "ImportReport",
    "create_checkpoint",
    "event_view",
    "export_dte",
    "get_import",
    "import_events",
    "iter_events_payloads",
    "list_checkpoints",
    "list_imports",
]
