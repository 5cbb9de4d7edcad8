"""Bulk import of traceability events from CSV, XLSX or a UNTP DTE credential (JSON), resumable.

The whole file is validated in one streaming pass (nothing is stored if any row is wrong), then applied in
batches, one transaction each. A batch that breaks a rule stops the import, naming the row; running the
same file again resumes it — events already stored are replays and are not counted twice.
"""

from __future__ import annotations

import collections
import csv
import dataclasses
import hashlib
import io
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from typing import IO, Any

from junkan.actor import Actor
from junkan.errors import InvalidInput, JunkanError, NotFound, RowError
from junkan.members.model import Scope
from junkan.store import audit
from junkan.store.trace_repo import TraceRepo
from junkan.store.uow import UnitOfWork
from junkan.trace.model import Event
from junkan.trace.service.access import require_own
from junkan.trace.service.events import check_event, record_in_tx
from junkan.trace.tabular import parse_rows
from junkan.trace.untp_dte import UriScheme, parse_dte

__all__ = ["FORMATS", "ImportReport", "Opener", "get_import", "import_events", "list_imports"]


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
                check_event(item, org_id, sites)
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
    require_own(actor.signed_in, org_id, "imports")
    with uow:
        return TraceRepo(uow.conn).runs(org_id)


def get_import(uow: UnitOfWork, actor: Actor, org_id: int, run_id: int) -> dict[str, Any]:
    require_own(actor.signed_in, org_id, "imports")
    with uow:
        run = TraceRepo(uow.conn).import_run(run_id)
    if run is None or run["org_id"] != org_id:
        raise NotFound(f"no import run {run_id}", field="run_id")
    return run
