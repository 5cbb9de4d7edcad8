"""Recording traceability events: append-only, idempotent, conservation-checked, chained into the ledger.

An event id is the organisation's own; sending the same event again is a *replay* (answered with the stored
seq, stored once), the same id with other content a ``Conflict``. A batch is checked against the lots and
stock it touches by the domain :class:`~junkan.trace.inventory.Inventory`, then written set-based — lots,
stock, events, ledger links, lines and lot edges — in the caller's transaction, and shipments and receipts
are paired into trades (:mod:`.trades`).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from junkan.actor import Actor
from junkan.errors import Conflict, InvalidInput, JunkanError
from junkan.members.model import Scope
from junkan.store import audit
from junkan.store.trace_repo import LotRow, TraceRepo
from junkan.store.uow import UnitOfWork
from junkan.trace.inventory import Inventory, LotInfo
from junkan.trace.ledger import LedgerLink
from junkan.trace.model import TRANSFORMATION_KINDS, Event, EventKind, canonical_payload, payload_text
from junkan.trace.service.ledger import next_link
from junkan.trace.service.trades import update_trades

__all__ = ["MAX_KG_DECIMALS", "Recorded", "check_event", "record_events", "record_in_tx"]


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


def check_event(e: Event, org_id: int, sites: set[int]) -> None:
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
            check_event(e, org_id, sites)
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
        link = next_link(prev, texts[i], fp)
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
        update_trades(conn, actor, org_id, trades)
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
