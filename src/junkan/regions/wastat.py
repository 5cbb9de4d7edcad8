"""Importer for the World Bank "What a Waste 2.0" city-level data set (CC BY 4.0, 2018).

``city_level_data.csv`` has one row per city (367 cities) and ~140 sparse columns; this importer reads the
columns junkan uses: population, total MSW generated (t/yr), composition percentages and treatment
percentages. ``city_level_codebook.csv`` gives each measurement's year and original source.

Known defects of the file and what the importer does about them, always reporting, never guessing silently:

- Double-encoded UTF-8 ("CÃ³rdoba", "HiratÂ\\xa0"): when a cp1252 (else latin-1) round trip yields valid
  UTF-8 that differs, the name is repaired and a :class:`NameRepair` is reported; surrounding whitespace
  (including no-break spaces) is stripped and reported as a repair too.
- Rows it cannot use (no city name, no population, no MSW total): a ``RowError`` says which and why.
- Percentages outside 0-100 are dropped (``RowError``); treatment shares summing to more than 101 % are kept
  but flagged.

The parser takes a path or a text stream: the service passes the file, tests pass ``io.StringIO``.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TextIO

from junkan.errors import RowError
from junkan.regions.codes import RegionKind
from junkan.regions.model import RegionProfile, WasteYear

__all__ = [
    "JAPAN_CITY_CODES",
    "CityRecord",
    "NameRepair",
    "WastatImport",
    "parse_city_data",
    "parse_codebook",
    "repair_mojibake",
    "to_profile",
]

JAPAN_CITY_CODES = {
    "Yokohama": ("141003", "横浜市"),
    "Kobe": ("281000", "神戸市"),
    "Osaka": ("271004", "大阪市"),
    "Naha": ("472018", "那覇市"),
    "Kitakyushu": ("401005", "北九州市"),
    "Toyama": ("162019", "富山市"),
}
_POP = "population_population_number_of_people"
_MSW = "total_msw_total_msw_generated_tons_year"
_LANDFILL = (
    "controlled_landfill",
    "sanitary_landfill_landfill_gas_system",
    "landfill_unspecified",
    "open_dump",
)
_MOJIBAKE_MARKS = ("Ã", "Â", "â€", "Å", "Ä")
Source = str | os.PathLike[str] | TextIO


@dataclass(frozen=True, slots=True)
class NameRepair:
    row: int
    field: str
    original: str
    repaired: str
    kind: str  # "mojibake" or "whitespace"


@dataclass(frozen=True, slots=True)
class CityRecord:
    row: int
    iso3c: str
    country: str
    city: str
    income_id: str
    population: float
    msw_t_per_year: float
    composition_pct: Mapping[str, float]
    treatment_pct: Mapping[str, float]
    population_year: int | None = None
    msw_year: int | None = None
    msw_source: str = ""

    @property
    def kg_per_capita_day(self) -> float:
        return self.msw_t_per_year * 1000.0 / (self.population * 365.0)


@dataclass(frozen=True, slots=True)
class WastatImport:
    cities: tuple[CityRecord, ...]
    repairs: tuple[NameRepair, ...]
    errors: tuple[RowError, ...] = field(default=())  # rows rejected (city not imported)
    warnings: tuple[RowError, ...] = field(default=())  # fields dropped or flagged; city imported


def repair_mojibake(text: str) -> str | None:
    """The repaired text if ``text`` is UTF-8 mis-decoded as cp1252/latin-1, else None."""
    if not any(m in text for m in _MOJIBAKE_MARKS):
        return None
    for enc in ("cp1252", "latin-1"):
        try:
            fixed = text.encode(enc).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if fixed != text:
            return fixed
    return None


@contextmanager
def _open(source: Source) -> Iterator[TextIO]:
    if isinstance(source, str | os.PathLike):
        with open(source, encoding="utf-8", newline="") as fh:
            yield fh
    else:
        yield source


def _clean(value: str, row: int, name: str, repairs: list[NameRepair]) -> str:
    fixed = repair_mojibake(value)
    if fixed is not None:
        repairs.append(NameRepair(row, name, value, fixed.strip(), "mojibake"))
        return fixed.strip()
    stripped = value.strip()
    if stripped != value:
        repairs.append(NameRepair(row, name, value, stripped, "whitespace"))
    return stripped


def _num(raw: str | None) -> float | None:
    if raw is None or not raw.strip():
        return None
    return float(raw)


def parse_codebook(source: Source) -> dict[tuple[str, str, str], tuple[str, int | None, str]]:
    """(iso3c, city, measurement) → (units, year, source), names repaired like the data file."""
    out: dict[tuple[str, str, str], tuple[str, int | None, str]] = {}
    with _open(source) as fh:
        for r in csv.DictReader(fh):
            city = _clean(r["city_name"], 0, "city_name", [])
            year = r.get("year", "").strip()
            out[(r["iso3c"], city, r["measurement"])] = (
                r["units"],
                int(year) if year.isdigit() else None,
                r["source"],
            )
    return out


def parse_city_data(
    source: Source, codebook: Mapping[tuple[str, str, str], tuple[str, int | None, str]] | None = None
) -> WastatImport:
    """Read the city-level CSV; row numbers are spreadsheet rows (the header is row 1)."""
    cities: list[CityRecord] = []
    repairs: list[NameRepair] = []
    errors: list[RowError] = []
    warnings: list[RowError] = []
    book = codebook or {}
    with _open(source) as fh:
        reader = csv.DictReader(fh)
        for n, r in enumerate(reader, start=2):
            city = _clean(r.get("city_name") or "", n, "city_name", repairs)
            country = _clean(r.get("country_name") or "", n, "country_name", repairs)
            if not city:
                errors.append(
                    RowError(n, "city_name", "missing_name", "no city name; the row cannot be used")
                )
                continue
            values: dict[str, float | None] = {}
            bad = False
            for key in (_POP, _MSW, *[k for k in r if k and k.endswith("_percent")]):
                try:
                    values[key] = _num(r.get(key))
                except ValueError:
                    warnings.append(
                        RowError(n, key, "not_a_number", f"{r.get(key)!r} is not a number; ignored")
                    )
                    values[key] = None
            pop, msw = values[_POP], values[_MSW]
            for key, missing in ((_POP, pop is None or pop <= 0), (_MSW, msw is None or msw < 0)):
                if missing:
                    errors.append(
                        RowError(
                            n, key, "missing_value", f"{city}: {key} missing or not positive; row not used"
                        )
                    )
                    bad = True
            if bad or pop is None or msw is None:
                continue
            comp: dict[str, float] = {}
            treat: dict[str, float] = {}
            for key, v in values.items():
                if v is None or not key.endswith("_percent"):
                    continue
                if not 0.0 <= v <= 100.0:
                    warnings.append(
                        RowError(n, key, "share_out_of_range", f"{v} % is outside 0-100 %; ignored")
                    )
                    continue
                if key.startswith("composition_"):
                    comp[key.removeprefix("composition_").removesuffix("_percent")] = v
                elif key.startswith("waste_treatment_"):
                    treat[key.removeprefix("waste_treatment_").removesuffix("_percent")] = v
            if sum(treat.values()) > 101.0:
                warnings.append(
                    RowError(
                        n,
                        "waste_treatment",
                        "shares_exceed_100",
                        f"treatment shares add to {sum(treat.values()):.1f} %",
                    )
                )
            iso = r.get("iso3c", "")
            pop_meta, msw_meta = book.get((iso, city, _POP)), book.get((iso, city, _MSW))
            cities.append(
                CityRecord(
                    row=n, iso3c=iso, country=country, city=city, income_id=r.get("income_id", ""),
                    population=pop, msw_t_per_year=msw, composition_pct=comp, treatment_pct=treat,
                    population_year=pop_meta[1] if pop_meta else None,
                    msw_year=msw_meta[1] if msw_meta else None,
                    msw_source=msw_meta[2] if msw_meta else "",
                )
            )  # fmt: skip
    return WastatImport(tuple(cities), tuple(repairs), tuple(errors), tuple(warnings))


def to_profile(record: CityRecord) -> RegionProfile:
    """A profile for one of the six Japanese cities; fields the data set cannot split stay missing.

    What a Waste gives MSW *generated* and treatment shares; it does not split household/business waste or
    direct vs post-treatment recycling, so those are None and so is the recycling rate R built from them.
    """
    if record.iso3c != "JPN" or record.city not in JAPAN_CITY_CODES:
        raise ValueError(f"no municipality code known for {record.city} ({record.iso3c})")
    code, name_ja = JAPAN_CITY_CODES[record.city]
    year = record.msw_year or record.population_year or 2015
    inc = record.treatment_pct.get("incineration")
    landfill = [record.treatment_pct.get(k) for k in _LANDFILL]
    known = [x for x in landfill if x is not None]
    return RegionProfile(
        code=code,
        kind=RegionKind.MUNICIPALITY,
        name_ja=name_ja,
        name_en=record.city,
        population={record.population_year or year: record.population},
        waste={
            year: WasteYear(
                total_treated_t=record.msw_t_per_year,
                incinerated_t=record.msw_t_per_year * inc / 100 if inc is not None else None,
                final_disposal_t=record.msw_t_per_year * sum(known) / 100 if known else None,
            )
        },
        source=f"World Bank What a Waste 2.0 (CC BY 4.0), row {record.row}; {record.msw_source}".strip(),
    )
