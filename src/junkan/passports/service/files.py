"""Use cases for passports in spreadsheets: the template, bulk import (all-or-nothing) and export.

Import reads a CSV (UTF-8, or Shift_JIS/cp932 as Japanese Excel saves it) or XLSX file in the template's
columns, checks every row (:mod:`junkan.passports.tabular`) and then everything only the database knows —
ids already taken, component references that resolve to nothing, cycles through the file's own passports —
and either stores every passport as a draft or nothing at all, answering ``ImportRejected`` with one
``RowError`` per problem (spreadsheet row, column, code, fix). Storing is one ``executemany`` per table
inside one transaction, so a 100,000-passport file is one commit, not 100,000.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final
from zipfile import BadZipFile

from openpyxl.utils.exceptions import InvalidFileException

from junkan.actor import Actor
from junkan.errors import ImportRejected, InvalidInput, NotFound, RowError
from junkan.members.model import Scope
from junkan.passports import tabular
from junkan.passports.codec import passport_to_dict
from junkan.passports.service.documents import check_passport_id
from junkan.store import audit
from junkan.store.members_repo import MembersRepo
from junkan.store.passports_repo import PassportsRepo, row_values
from junkan.store.uow import UnitOfWork

__all__ = ["FORMATS", "MAX_ROW_ERRORS", "ImportReport", "export_table", "import_file", "template"]

FORMATS: Final = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
#: More problems than this are summarised: a file that wrong needs fixing at its source first.
MAX_ROW_ERRORS: Final = 2000


@dataclass(frozen=True, slots=True)
class ImportReport:
    imported: int
    format: str
    sha256: str
    ids: list[str] = field(default_factory=list)


def template(fmt: str) -> bytes:
    """An empty bilingual template (header row only) in ``csv`` or ``xlsx``."""
    _check_format(fmt)
    return tabular.csv_template().encode() if fmt == "csv" else tabular.xlsx_template()


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ImportRejected(
            f"unknown format {fmt!r}; use csv or xlsx",
            rows=[RowError(0, "format", "choice", "use csv or xlsx")],
        )


def _rows(content: bytes) -> tuple[str, Iterable[Sequence[Any]]]:
    if content[:4] == b"PK\x03\x04":
        return "xlsx", _xlsx_rows(content)
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return "csv", tabular.read_csv(text.splitlines())
    raise ImportRejected(
        "the file is neither UTF-8 nor Shift_JIS text, nor an XLSX workbook; save it from Excel as "
        "'CSV UTF-8' or as a workbook",
        rows=[RowError(1, "", "encoding", "save the file as CSV UTF-8 or XLSX")],
    )


def _xlsx_rows(content: bytes) -> Iterable[Sequence[Any]]:
    try:
        yield from tabular.read_xlsx(content)
    except (BadZipFile, InvalidFileException, OSError, KeyError, ValueError) as e:
        raise ImportRejected(
            f"the workbook cannot be read ({type(e).__name__}); save it again from Excel as .xlsx",
            rows=[RowError(1, "", "unreadable_xlsx", "save the workbook again as .xlsx")],
        ) from None


def _cycles(entries: dict[str, tuple[int, list[str]]]) -> list[RowError]:
    """Component cycles among the file's own passports (nothing stored can point into a new file)."""
    errors: list[RowError] = []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for start in entries:
        if state.get(start):
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        path: list[str] = [start]
        state[start] = 1
        while stack:
            node, i = stack[-1]
            comps = entries[node][1]
            if i < len(comps):
                stack[-1] = (node, i + 1)
                child = comps[i]
                if child not in entries:
                    continue
                if state.get(child) == 1:
                    chain = [*path[path.index(child) :], child]
                    errors.append(
                        RowError(
                            entries[node][0],
                            "component_passport_id",
                            "component_cycle",
                            f"component cycle {' → '.join(chain)}: a passport cannot contain itself; "
                            f"remove component {child!r} from {node!r}",
                        )
                    )
                elif not state.get(child):
                    state[child] = 1
                    stack.append((child, 0))
                    path.append(child)
                continue
            stack.pop()
            path.pop()
            state[node] = 2
    return errors


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a file is parsed.

    A big import allocates millions of small, acyclic objects (rows, documents); CPython's generational
    collector would walk all the survivors again and again (a quarter of the import's time at 20,000
    passports, more as files grow). Reference counting still frees everything; the collector resumes,
    and runs once, afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _reject(errors: list[RowError]) -> ImportRejected:
    shown = sorted(errors, key=lambda e: e.row)[:MAX_ROW_ERRORS]
    more = f" (the first {MAX_ROW_ERRORS} are listed)" if len(errors) > MAX_ROW_ERRORS else ""
    return ImportRejected(
        f"{len(errors)} problem(s) in the file{more}; nothing was imported — fix them and upload the file "
        "again",
        rows=shown,
    )


def _parse(
    content: bytes, org_id: int, stamp: str, now: datetime
) -> tuple[str, dict[str, tuple[int, list[str]]], list[dict[str, Any]], list[RowError]]:
    """Read and check every row; build each passport's table row at once (no passport kept in memory)."""
    fmt, rows = _rows(content)
    errors: list[RowError] = []
    entries: dict[str, tuple[int, list[str]]] = {}  # id → (first row, component ids)
    values: list[dict[str, Any]] = []
    for row, draft, row_errors in tabular.iter_drafts(rows, issuer=str(org_id)):
        errors.extend(row_errors)
        if draft is None:
            continue
        try:
            check_passport_id(draft.id)
        except InvalidInput as e:
            errors.append(RowError(row, "passport_id", e.code, e.message))
            continue
        if draft.id in entries:
            errors.append(
                RowError(
                    row,
                    "passport_id",
                    "duplicate_passport_id",
                    f"{draft.id} already appears at row {entries[draft.id][0]}; keep a passport's rows "
                    "together",
                )
            )
            continue
        entries[draft.id] = (row, [c.passport_id for c in draft.composition.components])
        if not errors:  # once the file is refused, rows are only checked, not built
            doc = passport_to_dict(draft)
            doc["created_at"] = stamp
            values.append(row_values(org_id, draft, now=now, document=doc))
    if not entries and not errors:
        errors.append(
            RowError(2, "passport_id", "no_passports", "the file has no passport rows; fill in the template")
        )
    return fmt, entries, values, errors


def import_file(uow: UnitOfWork, actor: Actor, org_id: int, *, filename: str, content: bytes) -> ImportReport:
    """Import every passport of the file as a draft of ``org_id``, or none (``ImportRejected``)."""
    actor.signed_in.require(Scope.WRITE, org_id=org_id, action="import passports")
    with _cyclic_gc_paused():
        fmt, entries, values, errors = _parse(content, org_id, actor.now.isoformat(), actor.now)
    with uow:
        if MembersRepo(uow.conn).get_org(org_id) is None:
            raise NotFound(f"organisation {org_id} does not exist", field="org_id")
        repo = PassportsRepo(uow.conn)
        for pid, owner in repo.owners(entries).items():
            fix = (
                "it is already one of your passports; change it with a new version instead of importing it"
                if owner == org_id
                else "passport ids are unique across junkan; pick another (prefix it with your company name)"
            )
            errors.append(
                RowError(entries[pid][0], "passport_id", "passport_id_taken", f"{pid} is in use: {fix}")
            )
        refs = {ref for _, comps in entries.values() for ref in comps}
        known = repo.known_ids(refs - set(entries), drafts_of=org_id)
        for pid, (row, comps) in entries.items():
            for ref in comps:
                if ref not in entries and ref not in known:
                    errors.append(
                        RowError(
                            row,
                            "component_passport_id",
                            "component_not_found",
                            f"component {ref!r} of {pid} is not a published passport nor one of "
                            "yours; publish it first or fix the id",
                        )
                    )
        errors.extend(_cycles(entries))
        if errors:
            raise _reject(errors)
        repo.insert_many(values, {pid: comps for pid, (_, comps) in entries.items() if comps})
        digest = hashlib.sha256(content).hexdigest()
        audit.record(
            uow.conn,
            actor,
            action="passport.import",
            entity="passport_import",
            entity_id=(filename or "upload")[:120],
            org_id=org_id,
            changes={"count": len(entries), "format": fmt, "sha256": digest, "ids": list(entries)[:100]},
        )
        uow.commit()
    return ImportReport(imported=len(entries), format=fmt, sha256=digest, ids=list(entries))


def export_table(
    uow: UnitOfWork, actor: Actor, org_id: int, *, fmt: str, ids: Sequence[str] | None = None
) -> bytes:
    """The newest version of the organisation's passports (or of ``ids``) in the template's columns.

    The table carries every mass and origin, so it is the issuer's working copy: its own members only.
    """
    _check_format(fmt)
    actor.signed_in.require(Scope.READ, org_id=org_id, action="export your organisation's passports")
    with uow:
        rows = PassportsRepo(uow.conn).all_of_org(org_id, ids=ids)
    selection = [r.passport for r in rows]
    return tabular.export_csv(selection).encode() if fmt == "csv" else tabular.export_xlsx(selection)
