"""junkan's region statistics format (CSV or XLSX), Japanese or English headers.

One row per region and fiscal year (年度, April-March). Headers may be given in Japanese or English (either
column of the table below, in any order, mixed if you like); full-width characters are normalised (NFKC).
Required: code, year, population. Every other cell may be left empty: an empty cell, "-", "－" or "NA"
means *not reported* and is kept as missing, never as zero. Numbers may use thousands separators.

Columns (key: 日本語見出し / English header — meaning, unit):

- code: 団体コード / code — 6-digit 全国地方公共団体コード with check digit, or prefecture code 01-47
- year: 年度 / fiscal_year — fiscal year, e.g. 2022 for FY2022
- name_ja: 団体名 / name_ja; name_en: 団体名(英語) / name_en
- population: 人口 / population — persons (住民基本台帳); households: 世帯数 / households
- area_km2: 面積(km2) / area_km2 — km²
- household_t: 生活系ごみ排出量(t) / household_waste_t — t/yr, excluding group collection
- business_t: 事業系ごみ排出量(t) / business_waste_t — t/yr
- group_collection_t: 集団回収量(t) / group_collection_t — t/yr
- total_treated_t: ごみ総処理量(t) / total_treated_t — t/yr
- direct_recycling_t: 直接資源化量(t) / direct_recycling_t — t/yr
- recycled_after_treatment_t: 中間処理後再生利用量(t) / recycled_after_treatment_t — t/yr
- incinerated_t: 焼却量(t) / incinerated_t — t/yr
- final_disposal_t: 最終処分量(t) / final_disposal_t — t/yr
- treatment_cost_jpy: ごみ処理事業経費(円) / treatment_cost_jpy — JPY/yr

The import is all-or-nothing: any bad cell (bad code or check digit, negative amount, recycling larger than
the total treated, duplicate region-year, unknown column) rejects the file with ``ImportRejected`` listing
every problem by spreadsheet row. One normalisation is made and reported in ``notes``: a five-digit code
whose leading zero a spreadsheet dropped (11002 → 011002) is restored when the check digit confirms it.
"""

from __future__ import annotations

import csv
import io
import os
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TextIO

import openpyxl

from junkan.errors import ImportRejected, InvalidInput, RowError
from junkan.regions.codes import validate_region_id
from junkan.regions.model import RegionProfile, WasteYear

__all__ = [
    "COLUMNS",
    "TabularImport",
    "parse_region_csv",
    "parse_region_xlsx",
    "profiles_csv",
    "template_csv",
    "template_xlsx",
]

COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    ("code", "団体コード", "code", "6-digit local government code with check digit, or prefecture code"),
    ("year", "年度", "fiscal_year", "fiscal year (April-March)"),
    ("name_ja", "団体名", "name_ja", "name in Japanese"),
    ("name_en", "団体名(英語)", "name_en", "name in English"),
    ("population", "人口", "population", "persons"),
    ("households", "世帯数", "households", "households"),
    ("area_km2", "面積(km2)", "area_km2", "km2"),
    ("household_t", "生活系ごみ排出量(t)", "household_waste_t", "t/yr, excluding group collection"),
    ("business_t", "事業系ごみ排出量(t)", "business_waste_t", "t/yr"),
    ("group_collection_t", "集団回収量(t)", "group_collection_t", "t/yr"),
    ("total_treated_t", "ごみ総処理量(t)", "total_treated_t", "t/yr"),
    ("direct_recycling_t", "直接資源化量(t)", "direct_recycling_t", "t/yr"),
    ("recycled_after_treatment_t", "中間処理後再生利用量(t)", "recycled_after_treatment_t", "t/yr"),
    ("incinerated_t", "焼却量(t)", "incinerated_t", "t/yr"),
    ("final_disposal_t", "最終処分量(t)", "final_disposal_t", "t/yr"),
    ("treatment_cost_jpy", "ごみ処理事業経費(円)", "treatment_cost_jpy", "JPY/yr"),
)
_REQUIRED = ("code", "year", "population")
_MISSING = {"", "-", "－", "—", "na", "n/a"}
_WASTE_KEYS = tuple(c[0] for c in COLUMNS[7:])


def _norm(header: str) -> str:
    return unicodedata.normalize("NFKC", header).strip().lower().replace(" ", "")


_LOOKUP = {_norm(h): key for key, ja, en, _ in COLUMNS for h in (ja, en, key)}


@dataclass(frozen=True, slots=True)
class TabularImport:
    profiles: dict[str, RegionProfile]
    notes: tuple[RowError, ...]


def template_csv(lang: str = "ja") -> str:
    """An empty CSV with the headers in ``lang`` ('ja' or 'en')."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow([c[1] if lang == "ja" else c[2] for c in COLUMNS])
    return buf.getvalue()


def _cell(v: float | None) -> str:
    if v is None:
        return ""
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def profiles_csv(profiles: Iterable[RegionProfile], lang: str = "ja") -> str:
    """Profiles' yearly statistics in this format (the inverse of :func:`parse_region_csv`)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([c[1] if lang == "ja" else c[2] for c in COLUMNS])
    for p in profiles:
        for year in sorted(set(p.population) | set(p.waste)):
            waste = p.waste.get(year)
            row: list[str] = [p.code, str(year), p.name_ja, p.name_en, _cell(p.population.get(year)),
                              _cell(p.households.get(year)), _cell(p.area_km2)]  # fmt: skip
            row += [_cell(getattr(waste, k) if waste else None) for k in _WASTE_KEYS]
            w.writerow(row)
    return buf.getvalue()


def template_xlsx(lang: str = "ja") -> bytes:
    """An XLSX template: sheet 1 for data, sheet 2 describing every column."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "data"
    ws.append([c[1] if lang == "ja" else c[2] for c in COLUMNS])
    doc = wb.create_sheet("説明" if lang == "ja" else "README")
    doc.append(["日本語見出し", "English header", "meaning / unit"])
    for _, ja, en, meaning in COLUMNS:
        doc.append([ja, en, meaning])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _rows_to_profiles(rows: Iterable[Sequence[object]]) -> TabularImport:
    it = iter(rows)
    header = [str(h) if h is not None else "" for h in next(it, [])]
    errors: list[RowError] = []
    notes: list[RowError] = []
    keys: list[str | None] = []
    for h in header:
        key = _LOOKUP.get(_norm(h))
        if key is None and h.strip():
            errors.append(
                RowError(1, h, "unknown_column", f"unknown column {h!r}; use a header from the template")
            )
        keys.append(key)
    for req in _REQUIRED:
        if req not in keys:
            errors.append(
                RowError(
                    1, req, "missing_column", f"required column {req!r} (or its Japanese header) missing"
                )
            )
    if errors:
        raise ImportRejected("the header row is not in the region statistics format", rows=errors)
    data: dict[str, dict[str, object]] = {}
    seen: set[tuple[str, int]] = set()
    for n, raw in enumerate(it, start=2):
        cells = {k: ("" if v is None else str(v).strip()) for k, v in zip(keys, raw, strict=False) if k}
        if not any(cells.values()):
            continue
        code = cells.get("code", "")
        if len(code) == 5 and code.isdigit():
            try:
                validate_region_id("0" + code)
                notes.append(RowError(n, "code", "leading_zero_restored", f"{code} read as 0{code}"))
                code = "0" + code
            except InvalidInput:
                pass
        try:
            code, _ = validate_region_id(code)
        except InvalidInput as e:
            errors.append(RowError(n, "code", e.code, e.message))
            continue
        values: dict[str, float | None] = {}
        for key, text in cells.items():
            if key in ("code", "name_ja", "name_en"):
                continue
            if text.lower() in _MISSING:
                values[key] = None
                continue
            try:
                values[key] = float(text.replace(",", ""))
            except ValueError:
                errors.append(
                    RowError(n, key, "not_a_number", f"{text!r} is not a number; leave empty if unknown")
                )
                continue
            if values[key] is not None and (values[key] or 0.0) < 0:
                errors.append(RowError(n, key, "negative_amount", f"{text} is negative; amounts are ≥ 0"))
        year_v = values.get("year")
        if year_v is None or not 1900 <= year_v <= 2100 or year_v != int(year_v):
            errors.append(RowError(n, "year", "bad_year", "give the fiscal year as four digits, e.g. 2022"))
            continue
        year = int(year_v)
        if (code, year) in seen:
            errors.append(
                RowError(n, "year", "duplicate_row", f"{code} FY{year} appears twice; keep one row")
            )
            continue
        seen.add((code, year))
        if values.get("population") is None:
            errors.append(
                RowError(n, "population", "missing_population", "population is required for every row")
            )
        try:
            waste = WasteYear(**{k: values.get(k) for k in _WASTE_KEYS}).validate(field="waste")
        except (InvalidInput, TypeError) as e:
            errors.append(
                RowError(
                    n,
                    getattr(e, "field", "waste") or "waste",
                    getattr(e, "code", "bad"),
                    getattr(e, "message", str(e)),
                )
            )
            continue
        d = data.setdefault(code, {"pop": {}, "hh": {}, "waste": {}, "area": None, "ja": "", "en": ""})
        for lang in ("ja", "en"):
            name = cells.get(f"name_{lang}", "")
            if name and d[lang] and d[lang] != name:
                errors.append(
                    RowError(n, f"name_{lang}", "name_mismatch", f"{name!r} differs from {d[lang]!r}")
                )
            d[lang] = d[lang] or name
        d["pop"][year] = values.get("population")  # type: ignore[index]
        d["hh"][year] = values.get("households")  # type: ignore[index]
        d["waste"][year] = waste  # type: ignore[index]
        d["area"] = values.get("area_km2") if values.get("area_km2") is not None else d["area"]
    if errors:
        raise ImportRejected(f"{len(errors)} problem(s) in the file; nothing was imported", rows=errors)
    profiles = {
        code: RegionProfile(
            code=code, kind=validate_region_id(code)[1], name_ja=str(d["ja"]), name_en=str(d["en"]),
            population=d["pop"], households=d["hh"], area_km2=d["area"], waste=d["waste"],  # type: ignore[arg-type]
        )
        for code, d in data.items()
    }  # fmt: skip
    return TabularImport(profiles, tuple(notes))


def parse_region_csv(source: str | os.PathLike[str] | TextIO) -> TabularImport:
    """Parse our CSV format from a path or a text stream (UTF-8; a BOM from Excel is accepted)."""
    if isinstance(source, str | os.PathLike):
        with open(source, encoding="utf-8-sig", newline="") as fh:
            return _rows_to_profiles(list(csv.reader(fh)))
    text = source.read().lstrip("\ufeff")
    return _rows_to_profiles(list(csv.reader(io.StringIO(text))))


def parse_region_xlsx(data: bytes) -> TabularImport:
    """Parse our format from the first sheet of an XLSX file given as bytes."""
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    ws = wb.worksheets[0]
    rows = [
        [
            ("" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)))
            for v in r
        ]
        for r in ws.iter_rows(values_only=True)
    ]
    wb.close()
    return _rows_to_profiles(rows)
