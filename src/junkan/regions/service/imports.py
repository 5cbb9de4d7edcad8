"""Use cases that import region statistics: junkan's CSV/XLSX format and the World Bank What a Waste 2.0 data.

Our format (``regions.tabular``) is all-or-nothing: any bad cell rejects the whole file with a per-row
report and nothing of it is stored; the *run* (who, when, which file, the report) is kept so the officer
can read it again. An accepted file replaces each region-year it contains (the file is the truth for the
rows it has; an empty cell stores *not reported*). Importing the same file again changes nothing: the run
is recorded as ``unchanged`` with ``rows_changed = 0``.

What a Waste (``regions.wastat``) is a public data set of 367 cities; only the six Japanese cities have a
local government code, so only they become region profiles. Its defects are reported, never guessed
away: repaired names (mojibake, stray spaces), rejected rows (no population, no MSW total) and dropped
values (shares outside 0-100 %) are all in the run's report.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from junkan.actor import Actor
from junkan.errors import ImportRejected, InvalidInput, NotFound, PermissionDenied, RowError
from junkan.pagination import Page, PageRequest
from junkan.regions.codes import RegionKind
from junkan.regions.model import RegionProfile
from junkan.regions.service.access import can_write_region, is_operator, require_writer_kind
from junkan.regions.tabular import parse_region_csv, parse_region_xlsx
from junkan.regions.wastat import JAPAN_CITY_CODES, parse_city_data, parse_codebook, to_profile
from junkan.store import audit
from junkan.store.regions_repo import STAT_FIELDS, RegionsRepo
from junkan.store.uow import UnitOfWork

__all__ = [
    "ImportReport",
    "ReportRow",
    "get_import",
    "import_statistics",
    "import_what_a_waste",
    "list_imports",
]

XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True, slots=True)
class ReportRow:
    row: int
    field: str
    code: str
    message: str
    severity: str  # error (the file or row was rejected), warning, repair, note


@dataclass(frozen=True, slots=True)
class ImportReport:
    run_id: int
    kind: str
    status: str  # applied, unchanged, rejected
    filename: str
    sha256: str
    regions: tuple[str, ...]
    rows_read: int
    rows_changed: int
    rows: tuple[ReportRow, ...]


def _row(e: RowError, severity: str) -> ReportRow:
    return ReportRow(e.row, e.field, e.code, e.message, severity)


def _report(run: Mapping[str, Any]) -> ImportReport:
    return ImportReport(
        run["id"],
        run["kind"],
        run["status"],
        run["filename"],
        run["sha256"],
        tuple(run["regions"]),
        run["rows_read"],
        run["rows_changed"],
        tuple(ReportRow(**r) for r in run["report"]),
    )


def _store_run(repo: RegionsRepo, actor: Actor, **values: Any) -> int:
    p = actor.signed_in
    rows = [dataclasses.asdict(r) for r in values.pop("rows")]
    return repo.add_run(
        org_id=p.org_id or None, actor_label=actor.label, report=rows, created_at=actor.now, **values
    )


def _same(a: float | None, b: float | None) -> bool:
    return a == b or (a is not None and b is not None and abs(a - b) <= 1e-9 * max(1.0, abs(a)))


def _apply(
    repo: RegionsRepo, actor: Actor, profiles: Sequence[RegionProfile], *, source: str
) -> tuple[list[tuple[RegionProfile, int]], list[RegionProfile]]:
    """Which (profile, year) rows differ from the store, and which profiles are new or renamed."""
    changed: list[tuple[RegionProfile, int]] = []
    meta_changes: list[RegionProfile] = []
    codes = [p.code for p in profiles]
    metas, stored = repo.metas(codes), repo.stats_for(codes)
    for p in profiles:
        meta = metas.get(p.code)
        if (
            meta is None
            or (p.name_ja and p.name_ja != meta["name_ja"])
            or (p.name_en and p.name_en != meta["name_en"])
            or (p.area_km2 is not None and p.area_km2 != meta["area_km2"])
        ):
            meta_changes.append(p)
        for year in sorted(set(p.population) | set(p.waste)):
            new = _values(p, year)
            old = stored.get((p.code, year))
            # a row whose figures are unchanged keeps the provenance of the import that set them
            if old is None or not all(_same(old[k], new[k]) for k in STAT_FIELDS):
                changed.append((p, year))
    return changed, meta_changes


def _values(p: RegionProfile, year: int) -> dict[str, float | None]:
    w = p.waste.get(year)
    out: dict[str, float | None] = {
        "population": p.population.get(year),
        "households": p.households.get(year),
    }
    for k in STAT_FIELDS[2:]:
        out[k] = getattr(w, k) if w is not None else None
    return out


def _write(
    repo: RegionsRepo,
    actor: Actor,
    changed: Sequence[tuple[RegionProfile, int]],
    meta_changes: Sequence[RegionProfile],
    *,
    run_id: int,
    source: str,
) -> None:
    metas = repo.metas([p.code for p in meta_changes])
    for p in meta_changes:
        meta = metas.get(p.code)
        if meta is None:
            repo.insert_profile(
                dataclasses.replace(
                    p,
                    name_ja=p.name_ja or f"団体コード {p.code}",
                    name_en=p.name_en or f"Local government {p.code}",
                    source=p.source or source,
                ),
                now=actor.now,
            )
        else:
            upd: dict[str, Any] = {}
            if p.name_ja and p.name_ja != meta["name_ja"]:
                upd["name_ja"] = p.name_ja
            if p.name_en and p.name_en != meta["name_en"]:
                upd["name_en"] = p.name_en
            if p.area_km2 is not None:
                upd["area_km2"] = p.area_km2
            repo.update_profile(p.code, upd, now=actor.now)
    stored = repo.stats_for(sorted({p.code for p, _ in changed}))
    fresh = []
    for p, year in changed:
        values, src = _values(p, year), p.source or source
        if (p.code, year) in stored:
            repo.put_stats(p.code, year, values, source=src, run_id=run_id, now=actor.now)
        else:
            fresh.append({"code": p.code, "year": year, **values, "source": src, "import_run_id": run_id,
                          "updated_at": actor.now})  # fmt: skip
    repo.insert_stats_rows(fresh)


def _check_writable(repo: RegionsRepo, actor: Actor, profiles: Sequence[RegionProfile]) -> None:
    if is_operator(actor.principal):
        return
    refused = []
    for p in profiles:
        meta = repo.get_meta(p.code)
        kind = RegionKind(meta["kind"]) if meta else p.kind
        members = [m for m in repo.load_profiles([p.code])[0].members] if meta else []
        if not can_write_region(repo, actor.principal, p.code, kind, members):
            refused.append(p.code)
    if refused:
        raise PermissionDenied(
            f"the file has statistics of regions that are not yours: {', '.join(refused)}; a municipality "
            "imports its own region's figures (remove those rows, or ask the platform operator)",
            code="region_not_yours",
            field="code",
        )


def import_statistics(uow: UnitOfWork, actor: Actor, data: bytes, *, filename: str) -> ImportReport:
    """Import our CSV/XLSX format: all or nothing, with a per-row report; re-importing changes nothing."""
    require_writer_kind(actor, action="import region statistics")
    digest = hashlib.sha256(data).hexdigest()
    kind = "xlsx" if data.startswith(XLSX_MAGIC) else "csv"
    name = (filename or f"upload.{kind}")[:300]
    with uow:
        repo = RegionsRepo(uow.conn)
        try:
            if kind == "xlsx":
                parsed = parse_region_xlsx(data)
            else:
                try:
                    text = data.decode("utf-8-sig")
                except UnicodeDecodeError:
                    raise ImportRejected(
                        "the file is not UTF-8 text; save it from Excel as 'CSV UTF-8' or upload the .xlsx",
                        rows=[RowError(0, "file", "not_utf8", "save as CSV UTF-8 (コンマ区切り UTF-8)")],
                    ) from None
                parsed = parse_region_csv(io.StringIO(text))
        except ImportRejected as e:
            run_id = _store_run(
                repo,
                actor,
                kind=kind,
                filename=name,
                sha256=digest,
                status="rejected",
                regions=[],
                rows_read=0,
                rows_changed=0,
                rows=[_row(r, "error") for r in e.rows],
            )
            audit.record(
                uow.conn,
                actor,
                action="regions.import.rejected",
                entity="region_import",
                entity_id=run_id,
                changes={"filename": name, "problems": len(e.rows)},
            )
            uow.commit()
            e.extra["import_run_id"] = run_id
            raise
        except InvalidInput as e:
            raise ImportRejected(
                e.message, rows=[RowError(0, e.field or "file", e.code, e.message)]
            ) from None
        profiles = list(parsed.profiles.values())
        _check_writable(repo, actor, profiles)
        source = f"{name} (sha256 {digest[:12]})"
        changed, meta_changes = _apply(repo, actor, profiles, source=source)
        rows_read = sum(len(set(p.population) | set(p.waste)) for p in profiles)
        notes = [_row(n, "note") for n in parsed.notes]
        notes += [
            ReportRow(
                0, "name_ja", "name_missing", f"{p.code}: no name given; set it in the profile", "warning"
            )
            for p in meta_changes
            if repo.get_meta(p.code) is None and not p.name_ja
        ]
        status = "applied" if changed or meta_changes else "unchanged"
        run_id = _store_run(
            repo,
            actor,
            kind=kind,
            filename=name,
            sha256=digest,
            status=status,
            regions=sorted(p.code for p in profiles),
            rows_read=rows_read,
            rows_changed=len(changed),
            rows=notes,
        )
        _write(repo, actor, changed, meta_changes, run_id=run_id, source=source)
        audit.record(
            uow.conn,
            actor,
            action="regions.import",
            entity="region_import",
            entity_id=run_id,
            changes={
                "filename": name,
                "sha256": digest,
                "status": status,
                "rows_changed": len(changed),
                "regions": sorted(p.code for p in profiles),
            },
        )
        uow.commit()
        return _report(repo.get_run(run_id) or {})


def import_what_a_waste(
    uow: UnitOfWork,
    actor: Actor,
    data: bytes | Path,
    codebook: bytes | Path | None = None,
    *,
    filename: str = "city_level_data.csv",
) -> ImportReport:
    """Import the six Japanese cities of What a Waste 2.0 (operator only); report repairs and rejections."""
    p = actor.signed_in
    if not is_operator(p):
        raise PermissionDenied(
            "only the platform operator imports public reference data sets", code="operator_only"
        )
    raw = data.read_bytes() if isinstance(data, Path) else data
    digest = hashlib.sha256(raw).hexdigest()
    try:
        text = raw.decode("utf-8-sig")
        book_text = None
        if codebook is not None:
            book_text = (codebook.read_bytes() if isinstance(codebook, Path) else codebook).decode(
                "utf-8-sig"
            )
    except UnicodeDecodeError:
        raise ImportRejected(
            "What a Waste files are UTF-8 CSV; this one is not",
            rows=[RowError(0, "file", "not_utf8", "upload city_level_data.csv as published (UTF-8)")],
        ) from None
    book = parse_codebook(io.StringIO(book_text)) if book_text else None
    parsed = parse_city_data(io.StringIO(text), book)
    if not parsed.cities and parsed.errors and "city_name" not in text.splitlines()[0]:
        raise ImportRejected(
            "this is not the What a Waste city-level CSV (no city_name column)",
            rows=[RowError(1, "city_name", "missing_column", "upload city_level_data.csv")],
        )
    japan = [c for c in parsed.cities if c.iso3c == "JPN" and c.city in JAPAN_CITY_CODES]
    profiles = [to_profile(c) for c in japan]
    rows = [_row(e, "error") for e in parsed.errors]
    rows += [_row(w, "warning") for w in parsed.warnings]
    rows += [
        ReportRow(r.row, r.field, f"repaired_{r.kind}", f"{r.original!r} → {r.repaired!r}", "repair")
        for r in parsed.repairs
    ]
    others = len(parsed.cities) - len(japan)
    rows.append(
        ReportRow(
            0,
            "city_name",
            "not_in_japan",
            f"{others} usable cities outside Japan were read "
            "but not stored: they have no Japanese local government code",
            "note",
        )
    )
    if not book:
        rows.append(
            ReportRow(
                0,
                "codebook",
                "no_codebook",
                "no codebook given: measurement years unknown, FY2015 assumed for the Japanese cities' rows",
                "warning",
            )
        )
    missing = sorted(set(JAPAN_CITY_CODES) - {c.city for c in japan})
    for city in missing:
        rows.append(
            ReportRow(0, "city_name", "japanese_city_missing", f"{city} not usable in this file", "warning")
        )
    rows.sort(key=lambda r: (r.row, r.field))
    with uow:
        repo = RegionsRepo(uow.conn)
        # each city keeps its own source line (data set, row number, the codebook's original source)
        changed, meta_changes = _apply(repo, actor, profiles, source="World Bank What a Waste 2.0")
        status = "applied" if changed or meta_changes else "unchanged"
        run_id = _store_run(
            repo,
            actor,
            kind="what_a_waste",
            filename=filename[:300],
            sha256=digest,
            status=status,
            regions=sorted(pr.code for pr in profiles),
            rows_read=len(parsed.cities) + len({e.row for e in parsed.errors}),
            rows_changed=len(changed),
            rows=rows,
        )
        _write(repo, actor, changed, meta_changes, run_id=run_id, source="World Bank What a Waste 2.0")
        audit.record(
            uow.conn,
            actor,
            action="regions.import.what_a_waste",
            entity="region_import",
            entity_id=run_id,
            changes={"sha256": digest, "status": status, "cities": [c.city for c in japan]},
        )
        uow.commit()
        return _report(repo.get_run(run_id) or {})


def list_imports(uow: UnitOfWork, actor: Actor, page: PageRequest) -> Page[dict[str, Any]]:
    """Import runs: the operator sees all, an organisation its own."""
    p = actor.signed_in
    with uow:
        return RegionsRepo(uow.conn).list_runs(page, org_id=None if is_operator(p) else p.org_id)


def get_import(uow: UnitOfWork, actor: Actor, run_id: int) -> ImportReport:
    p = actor.signed_in
    with uow:
        run = RegionsRepo(uow.conn).get_run(run_id)
    if run is None or not (is_operator(p) or (run["org_id"] is not None and run["org_id"] == p.org_id)):
        raise NotFound(f"import run {run_id} not found", field="run_id")
    return _report(run)
