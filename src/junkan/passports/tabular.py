"""Passports in spreadsheets (CSV and XLSX): a bilingual template, bulk import and export.

One row per material or component line; consecutive rows with the same ``passport_id`` make one passport,
whose passport-level columns are read from its first row. Shares are in percent (as people write them in
Excel); masses carry an explicit unit column. Headers read ``日本語 (key)``; the importer accepts the full
header, the key or the Japanese label alone.

Import is all-or-nothing: every row is checked and every problem reported as a ``RowError`` (spreadsheet
row number, column, code, fix); if there is any, ``ImportRejected`` is raised and nothing is kept. Rows are
consumed as an iterator, one passport group at a time, so a 100,000-passport file never sits in memory as
rows (only the resulting drafts do, unless the caller streams :func:`iter_drafts` itself).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any, Final

import openpyxl

from junkan.errors import FieldError, ImportRejected, InvalidInput, RowError
from junkan.passports.codec import passport_from_dict
from junkan.passports.model import Passport

__all__ = [
    "COLUMNS",
    "csv_template",
    "export_csv",
    "export_xlsx",
    "import_rows",
    "iter_drafts",
    "passport_rows",
    "read_csv",
    "read_xlsx",
    "xlsx_template",
]

#: (key, Japanese label, English label). Order is the template's column order.
COLUMNS: Final = (
    ("passport_id", "パスポートID", "Passport ID"),
    ("kind", "種別 (product/material)", "Kind"),
    ("level", "粒度 (model/batch/item)", "Level"),
    ("name_ja", "名称（日本語）", "Name (Japanese)"),
    ("name_en", "名称（英語）", "Name (English)"),
    ("category_scheme", "分類体系 (cpc/hs)", "Category scheme"),
    ("category_code", "分類コード", "Category code"),
    ("gtin", "GTIN", "GTIN"),
    ("lot", "ロット番号", "Batch/lot"),
    ("serial", "シリアル番号", "Serial number"),
    ("local_scheme", "自社識別体系URI", "Own identifier scheme URI"),
    ("local_id", "自社識別子", "Own identifier"),
    ("country_of_production", "生産国", "Country of production"),
    ("material_name", "材料名", "Material name"),
    ("material_class", "材料区分", "Material class"),
    ("cas", "CAS番号", "CAS number"),
    ("mass", "質量", "Mass"),
    ("unit", "単位 (kg/g/mg/t/lb)", "Unit"),
    ("pre_consumer_pct", "プレコンシューマ再生材率(%)", "Pre-consumer recycled (%)"),
    ("post_consumer_pct", "ポストコンシューマ再生材率(%)", "Post-consumer recycled (%)"),
    ("renewable_pct", "バイオマス・再生可能原料率(%)", "Bio-based/renewable (%)"),
    ("origin_country", "原産国", "Origin country"),
    ("hazardous", "有害物質 (yes/no)", "Hazardous"),
    ("svhc", "高懸念物質SVHC (yes/no)", "SVHC"),
    ("concentration_pct", "含有率(%)", "Concentration (%)"),
    ("component_passport_id", "構成部品パスポートID", "Component passport ID"),
    ("component_quantity", "構成部品数量", "Component quantity"),
    ("component_label", "構成部品名", "Component label"),
)
_KEYS: Final = tuple(c[0] for c in COLUMNS)
_IDENTITY: Final = (
    "name_ja",
    "name_en",
    "category_scheme",
    "category_code",
    "gtin",
    "lot",
    "serial",
    "local_scheme",
    "local_id",
    "country_of_production",
)
_MATERIAL_FIELDS: Final = {
    "name": "material_name",
    "material_class": "material_class",
    "cas": "cas",
    "mass": "mass",
    "mass_kg": "mass",
    "recycled_pre_consumer": "pre_consumer_pct",
    "recycled_post_consumer": "post_consumer_pct",
    "renewable_share": "renewable_pct",
    "origin_country": "origin_country",
    "hazardous": "hazardous",
    "svhc": "svhc",
    "concentration": "concentration_pct",
    "unit": "unit",
}
_PATH: Final = re.compile(r"^composition\.(materials|components)\[(\d+)\](?:\.(\w+))?")


def _header(key: str, ja: str, en: str) -> str:
    return f"{ja} / {en} ({key})"


def _column_of(cell: object) -> str | None:
    text = str(cell or "").strip()
    match = re.search(r"\((\w+)\)\s*$", text)
    if match and match.group(1) in _KEYS:
        return match.group(1)
    for key, ja, en in COLUMNS:
        if text in (key, ja, en):
            return key
    return None


def _pct(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return Decimal(repr(value)) / 100 if isinstance(value, float) else Decimal(value) / 100
    text = str(value).strip().rstrip("%")
    try:
        return Decimal(text) / 100
    except ArithmeticError:
        return value  # let the codec report it with its own message


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _group_to_dict(rows: list[tuple[int, dict[str, Any]]], issuer: str) -> dict[str, Any]:
    first = rows[0][1]
    identity: dict[str, Any] = {k: first.get(k) for k in _IDENTITY}
    identity["name"] = {"ja": first.get("name_ja") or "", "en": first.get("name_en") or ""}
    materials, components = [], []
    for _, row in rows:
        if row.get("material_name") or row.get("material_class") or row.get("mass"):
            materials.append(
                {
                    "name": row.get("material_name"),
                    "material_class": row.get("material_class"),
                    "cas": row.get("cas"),
                    "mass": row.get("mass"),
                    "unit": row.get("unit") or "kg",
                    "recycled_pre_consumer": _pct(row.get("pre_consumer_pct")),
                    "recycled_post_consumer": _pct(row.get("post_consumer_pct")),
                    "renewable_share": _pct(row.get("renewable_pct")),
                    "origin_country": row.get("origin_country"),
                    "hazardous": row.get("hazardous"),
                    "svhc": row.get("svhc"),
                    "concentration": _pct(row.get("concentration_pct")),
                }
            )
        if row.get("component_passport_id"):
            components.append(
                {
                    "passport_id": row.get("component_passport_id"),
                    "quantity": row.get("component_quantity"),
                    "label": row.get("component_label"),
                }
            )
    return {
        "id": first.get("passport_id"),
        "issuer": issuer,
        "kind": first.get("kind"),
        "level": first.get("level"),
        "identity": identity,
        "composition": {"materials": materials, "components": components},
    }


def _row_errors(
    errors: list[FieldError], rows: list[tuple[int, dict[str, Any]]], data: dict[str, Any]
) -> list[RowError]:
    material_rows = [n for n, r in rows if r.get("material_name") or r.get("material_class") or r.get("mass")]
    component_rows = [n for n, r in rows if r.get("component_passport_id")]
    out = []
    for e in errors:
        row, column = rows[0][0], e.field
        match = _PATH.match(e.field)
        if match:
            index = int(match.group(2))
            lines = material_rows if match.group(1) == "materials" else component_rows
            row = lines[index] if index < len(lines) else row
            attr = match.group(3) or ""
            column = (
                _MATERIAL_FIELDS.get(attr, attr)
                if match.group(1) == "materials"
                else ("component_quantity" if attr == "quantity" else "component_passport_id")
            )
            if e.code == "unknown_unit":  # reported on the mass, but the unit column is what to fix
                column = "unit"
        elif e.field.startswith("identity."):
            leaf = e.field.split(".")[1]
            column = "name_ja" if leaf == "name" else leaf
        elif e.field == "id":
            column = "passport_id"
        out.append(RowError(row=row, field=column, code=e.code, message=e.message))
    return out


def iter_drafts(
    rows: Iterable[Sequence[Any]], *, issuer: str, first_row: int = 1
) -> Iterator[tuple[int, Passport | None, list[RowError]]]:
    """Yield ``(row, draft or None, errors)`` per passport group; ``rows`` starts with the header row."""
    iterator = iter(rows)
    header = next(iterator, None)
    if header is None:
        raise ImportRejected(
            "the file is empty", rows=[RowError(first_row, "", "empty_file", "use the template")]
        )
    columns = [_column_of(cell) for cell in header]
    missing = {"passport_id", "name_ja", "category_code"} - set(columns)
    if missing and not ({"passport_id", "name_en", "category_code"} - set(columns)):
        missing = set()
    if missing:
        raise ImportRejected(
            f"the header row lacks {sorted(missing)}; start from the template",
            rows=[RowError(first_row, m, "column_missing", f"add the column {m!r}") for m in sorted(missing)],
        )
    group: list[tuple[int, dict[str, Any]]] = []
    current: Any = None

    def flush() -> tuple[int, Passport | None, list[RowError]]:
        data = _group_to_dict(group, issuer)
        try:
            return group[0][0], passport_from_dict(data), []
        except InvalidInput as exc:
            errs = exc.errors or [FieldError(exc.field or "", exc.code, exc.message)]
            return group[0][0], None, _row_errors(errs, group, data)

    for number, raw in enumerate(iterator, start=first_row + 1):
        # Only filled cells are kept (an empty cell reads as None through .get, like a missing one).
        row = {
            key: cell
            for key, value in zip(columns, raw, strict=False)
            if key is not None and (cell := _clean(value)) is not None
        }
        if not row:
            continue
        pid = row.get("passport_id")
        if pid is None:
            row["passport_id"] = pid = current
        if group and pid != current:
            yield flush()
            group = []
        current = pid
        group.append((number, row))
    if group:
        yield flush()


def import_rows(rows: Iterable[Sequence[Any]], *, issuer: str) -> list[Passport]:
    """Every draft in the file, or ``ImportRejected`` with every row error if any row is wrong."""
    drafts: list[Passport] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for row, draft, row_errors in iter_drafts(rows, issuer=issuer):
        errors.extend(row_errors)
        if draft is not None:
            if draft.id in seen:
                errors.append(
                    RowError(
                        row,
                        "passport_id",
                        "duplicate_passport_id",
                        f"{draft.id} already appears at row {seen[draft.id]}; keep its rows together",
                    )
                )
            seen[draft.id] = row
            drafts.append(draft)
    if errors:
        raise ImportRejected(
            f"{len(errors)} problem(s) in the file; nothing was imported — fix them and retry", rows=errors
        )
    return drafts


def read_csv(lines: Iterable[str]) -> Iterator[list[str]]:
    """CSV rows from text lines (e.g. an open text file or ``text.splitlines()``); a UTF-8 BOM is dropped."""

    def strip_bom(it: Iterable[str]) -> Iterator[str]:
        for i, line in enumerate(it):
            yield line.lstrip("\ufeff") if i == 0 else line

    return csv.reader(strip_bom(lines))


def read_xlsx(data: bytes) -> Iterator[tuple[Any, ...]]:
    """Rows of the first sheet of an XLSX file, streamed (openpyxl read-only mode)."""
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        yield from book.worksheets[0].iter_rows(values_only=True)
    finally:
        book.close()


def _num(value: Decimal | None, scale: int = 1) -> str:
    return "" if value is None else format((value * scale).normalize(), "f")


def passport_rows(passports: Iterable[Passport]) -> Iterator[list[str]]:
    """The template's rows (header first) for a selection of passports."""
    yield [_header(*c) for c in COLUMNS]
    for p in passports:
        ident = p.identity
        head = [
            p.id,
            p.kind.value,
            p.level.value,
            ident.name.ja,
            ident.name.en,
            ident.category_scheme,
            ident.category_code,
            ident.gtin or "",
            ident.lot or "",
            ident.serial or "",
            ident.local_scheme or "",
            ident.local_id or "",
            ident.country_of_production or "",
        ]
        lines: list[list[str]] = []
        for m in p.composition.materials:
            lines.append(
                [
                    m.name,
                    m.material_class,
                    m.cas or "",
                    _num(m.mass_kg),
                    "kg",
                    _num(m.recycled_pre_consumer, 100),
                    _num(m.recycled_post_consumer, 100),
                    _num(m.renewable_share, 100),
                    m.origin_country or "",
                    "yes" if m.hazardous else "no",
                    "yes" if m.svhc else "no",
                    _num(m.concentration, 100),
                    "",
                    "",
                    "",
                ]
            )
        for c in p.composition.components:
            lines.append([""] * 12 + [c.passport_id, _num(c.quantity), c.label or ""])
        for i, line in enumerate(lines):
            yield (head if i == 0 else [p.id] + [""] * (len(head) - 1)) + line


def csv_template() -> str:
    return export_csv([])


def export_csv(passports: Iterable[Passport]) -> str:
    """CSV text with a UTF-8 BOM so that Excel opens the Japanese headers correctly."""
    out = io.StringIO()
    out.write("\ufeff")
    csv.writer(out, lineterminator="\r\n").writerows(passport_rows(passports))
    return out.getvalue()


def export_xlsx(passports: Iterable[Passport]) -> bytes:
    """An XLSX workbook (write-only, streamed) with the template's columns; identifiers stored as text."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("passports")
    for row in passport_rows(passports):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_template() -> bytes:
    return export_xlsx([])
