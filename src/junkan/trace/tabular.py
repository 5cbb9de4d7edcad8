"""Streaming import/export of events as tables (CSV, XLSX): one row per lot line, rows of an event together.

Columns (header row required, order free): ``event_id, kind, time, site, organisation, direction (in|out),
lot, material, grade, quantity, unit, unit_mass_kg, passport, declared_yield, shipment_ref, counterparty,
documents`` where documents is ``type:id;type:id`` (e.g. ``jp_manifest:12345678901`` for a マニフェスト).
Event-level columns may be repeated or left blank on the event's later rows.

The readers are generators holding one event's rows at a time (constant memory, openpyxl ``read_only``).
They yield ``Event`` or ``RowError`` values; nothing is stored here. Imports are resumable: every row carries
its event id, and applying an event twice is a no-op (``Inventory.apply``), so a failed import can simply be
re-run from the start or from any row. Rows of one event must be consecutive.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, tzinfo
from typing import IO, Any

from openpyxl import load_workbook

from junkan.errors import InvalidInput, JunkanError, RowError
from junkan.trace.model import DocumentRef, Event, EventKind, LotLine
from junkan.trace.units import Quantity, normalise_decimal, parse_decimal

__all__ = ["COLUMNS", "csv_lines", "event_rows", "parse_rows", "read_csv", "read_xlsx"]

COLUMNS = (
    "event_id", "kind", "time", "site", "organisation", "direction", "lot", "material", "grade", "quantity",
    "unit", "unit_mass_kg", "passport", "declared_yield", "shipment_ref", "counterparty", "documents",
)  # fmt: skip
_EVENT_COLUMNS = (
    "kind",
    "time",
    "site",
    "organisation",
    "declared_yield",
    "shipment_ref",
    "counterparty",
    "documents",
)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value).strip()


def _time(text: str, assume_tz: tzinfo | None) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(
            f"'{text}' is not an ISO 8601 time; write e.g. 2025-04-01T09:00:00+09:00",
            code="bad_time",
            field="time",
        ) from None
    if value.tzinfo is None and assume_tz is not None:
        value = value.replace(tzinfo=assume_tz)
    return value


def _documents(text: str) -> tuple[DocumentRef, ...]:
    docs = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        kind, sep, ident = part.partition(":")
        if not sep or not ident:
            raise InvalidInput(
                f"document '{part}' must be written type:id", code="bad_document", field="documents"
            )
        docs.append(DocumentRef(kind.strip(), ident.strip()))
    return tuple(docs)


def _build(rows: list[tuple[int, dict[str, str]]], assume_tz: tzinfo | None) -> Event:
    head = rows[0][1]
    for number, row in rows[1:]:
        for col in _EVENT_COLUMNS:
            if row.get(col) and row[col] != head.get(col):
                raise _RowFailure(
                    number, col, "inconsistent_event", f"{col} differs from the event's first row"
                )
    ins: list[LotLine] = []
    outs: list[LotLine] = []
    for number, row in rows:
        try:
            direction = row.get("direction", "").lower()
            if direction not in {"in", "out"}:
                raise InvalidInput(
                    "direction must be 'in' (consumed) or 'out' (created)",
                    code="bad_direction",
                    field="direction",
                )
            mass = row.get("unit_mass_kg")
            line = LotLine(
                lot=row["lot"],
                material=row["material"],
                grade=row.get("grade", ""),
                quantity=Quantity(parse_decimal(row["quantity"], field="quantity"), row.get("unit") or "kg"),
                unit_mass_kg=parse_decimal(mass, field="unit_mass_kg") if mass else None,
                passport=row.get("passport") or None,
            )
            if not line.lot or not line.material:
                raise InvalidInput("every row needs a lot id and a material", code="missing_value",
                                  field="lot" if not line.lot else "material")  # fmt: skip
            line.kg(field="quantity")
        except JunkanError as exc:
            raise _RowFailure(number, exc.field or "", exc.code, exc.message) from None
        (ins if direction == "in" else outs).append(line)
    number = rows[0][0]
    try:
        dy = head.get("declared_yield")
        return Event(
            id=head["event_id"],
            kind=EventKind(head.get("kind", "")),
            time=_time(head.get("time", ""), assume_tz),
            site=head.get("site", ""),
            organisation=head.get("organisation", ""),
            inputs=tuple(ins),
            outputs=tuple(outs),
            documents=_documents(head.get("documents", "")),
            shipment_ref=head.get("shipment_ref") or None,
            counterparty=head.get("counterparty") or None,
            declared_yield=parse_decimal(dy, field="declared_yield") if dy else None,
        )
    except ValueError:
        kinds = ", ".join(k.value for k in EventKind)
        raise _RowFailure(number, "kind", "unknown_kind", f"unknown kind; use one of {kinds}") from None
    except JunkanError as exc:
        raise _RowFailure(number, exc.field or "", exc.code, exc.message) from None


class _RowFailure(Exception):
    def __init__(self, row: int, field: str, code: str, message: str) -> None:
        super().__init__(message)
        self.error = RowError(row, field, code, message)


def parse_rows(
    rows: Iterable[Mapping[str, Any]], *, first_row: int = 2, assume_tz: tzinfo | None = None
) -> Iterator[Event | RowError]:
    """Group consecutive rows by event id and yield each event (or the first error in its rows)."""
    group: list[tuple[int, dict[str, str]]] = []
    for number, raw in enumerate(rows, start=first_row):
        row = {k: _text(v) for k, v in raw.items() if k}
        if not any(row.values()):
            continue
        if not row.get("event_id"):
            if group:  # keep errors in row order
                yield from _emit(group, assume_tz)
                group = []
            yield RowError(number, "event_id", "missing_id", "every row needs the event id it belongs to")
            continue
        if group and group[0][1]["event_id"] != row["event_id"]:
            yield from _emit(group, assume_tz)
            group = []
        group.append((number, row))
    if group:
        yield from _emit(group, assume_tz)


def _emit(group: list[tuple[int, dict[str, str]]], assume_tz: tzinfo | None) -> Iterator[Event | RowError]:
    try:
        yield _build(group, assume_tz)
    except _RowFailure as failure:
        yield failure.error


def read_csv(lines: Iterable[str], *, assume_tz: tzinfo | None = None) -> Iterator[Event | RowError]:
    """Events from CSV text lines (a file object opened by the caller with newline='')."""
    return parse_rows(csv.DictReader(lines), assume_tz=assume_tz)


def read_xlsx(
    stream: IO[bytes], *, sheet: str | None = None, assume_tz: tzinfo | None = None
) -> Iterator[Event | RowError]:
    """Events from the first (or named) sheet of an XLSX workbook, streamed with openpyxl read-only mode."""
    book = load_workbook(stream, read_only=True, data_only=True)
    try:
        ws = book[sheet] if sheet else book.worksheets[0]
        values = ws.iter_rows(values_only=True)
        header = [_text(h) for h in next(values, ())]
        yield from parse_rows((dict(zip(header, r, strict=False)) for r in values), assume_tz=assume_tz)
    finally:
        book.close()


def event_rows(event: Event) -> Iterator[dict[str, str]]:
    """The rows of one event, in ``COLUMNS`` order (event-level values on every row)."""
    head = {
        "event_id": event.id,
        "kind": event.kind.value,
        "time": event.time.isoformat(),
        "site": event.site,
        "organisation": event.organisation,
        "declared_yield": "" if event.declared_yield is None else normalise_decimal(event.declared_yield),
        "shipment_ref": event.shipment_ref or "",
        "counterparty": event.counterparty or "",
        "documents": ";".join(f"{d.type}:{d.id}" for d in event.documents),
    }
    for direction, lines in (("in", event.inputs), ("out", event.outputs)):
        for line in lines:
            yield head | {
                "direction": direction,
                "lot": line.lot,
                "material": line.material,
                "grade": line.grade,
                "quantity": normalise_decimal(line.quantity.value),
                "unit": line.quantity.unit,
                "unit_mass_kg": "" if line.unit_mass_kg is None else normalise_decimal(line.unit_mass_kg),
                "passport": line.passport or "",
            }


def csv_lines(events: Iterable[Event]) -> Iterator[str]:
    """CSV text (header first), one line at a time."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for event in events:
        for row in event_rows(event):
            writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()
