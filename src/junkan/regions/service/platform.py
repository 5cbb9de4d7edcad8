"""What the platform itself knows about a region: the input hook for platform-fed indicators.

Regional indicators draw on two kinds of data: public statistics the municipality imports, and what the
platform sees happen in the region (``junkan.regions.panel.PlatformInputs``). Each context that knows
something registers a *source*: a function ``(conn, scopes, now) -> Iterable[PlatformFigure]`` that
returns figures for the regions' scopes (a municipality, a group's members, a prefecture's prefix). A
source reads its own tables in a few queries for all scopes at once (a dashboard ranks a region among
every peer, so a query per region would not scale to 1,741 municipalities).

Registered now:

- ``members``: member companies located in the region (their own ``municipality_code`` or one of their
  *public* facilities there) whose activity is circular (a sorting, recycling or collection facility, or a
  sector naming recycling, reuse, repair, sharing or rental) → ``circular_businesses``. A region where
  no organisation at all is located gets no figure (missing), never zero.

- ``trace`` (``platform_trace``): repair/reuse/remanufacture events and their mass at facilities in the
  region (``reuse_repair_sharing_events``/``_t``), and the recyclables collected there and first treated
  in the region (``recyclables_collected_t``/``recyclables_processed_in_region_t``), per fiscal year,
  suppressed when fewer than two organisations contribute.

The service fills whatever the registered sources return.

A figure with ``year=None`` describes the platform *now*; :func:`to_inputs` assigns it to the region's
latest statistics year (the population it is divided by) and says so in the explanation. A figure dated
after that year (statistics are published a year or two late) has no population to be divided by: the
latest such year is counted against the latest statistics year the same way, unless a figure is dated
that year itself; earlier ones are left out. A figure whose value is NaN is a suppressed or unknown
value: it stays missing and its note says why.

Platform facilities also join the region's facility list (for the recycling-hub typology and the
preconditions of circulation methods): public member facilities of kinds that are waste facilities,
mapped sorting_plant → sorting, recycling_plant → recycling, incinerator → incinerator. Their private
capacity is never read, so a platform facility alone is not counted as a ≥ 50 t/day hub; a municipality
links it in its region's facility list with the public capacity figure to count it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection

from junkan.members.model import OrgKind
from junkan.regions.codes import RegionKind
from junkan.regions.model import Facility, RegionProfile
from junkan.regions.panel import PLATFORM_FIELDS, PlatformInputs
from junkan.store.regions_repo import RegionsRepo

__all__ = [
    "CIRCULAR_FACILITY_KINDS",
    "CIRCULAR_SECTOR_WORDS",
    "SOURCES",
    "PlatformFigure",
    "PlatformSource",
    "RegionScope",
    "collect",
    "located_facilities",
    "members_source",
    "register_source",
    "scope_of",
    "to_inputs",
]

FACILITY_KIND_MAP = {"sorting_plant": "sorting", "recycling_plant": "recycling", "incinerator": "incinerator"}
CIRCULAR_FACILITY_KINDS = frozenset({"sorting_plant", "recycling_plant", "collection_point"})
CIRCULAR_SECTOR_WORDS = (
    "リサイクル", "再生", "再資源", "選別", "リユース", "中古", "修理", "リペア", "シェア", "レンタル",
    "サブスク", "リマニュ", "recycl", "reuse", "repair", "sharing", "rental", "remanufactur", "refurbish",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class RegionScope:
    """The municipalities a region covers: itself, a group's members, or a prefecture's two-digit prefix."""

    code: str
    municipalities: frozenset[str] = field(default_factory=frozenset)
    prefecture: str | None = None

    def covers(self, municipality_code: str | None) -> bool:
        if not municipality_code:
            return False
        return municipality_code in self.municipalities or bool(
            self.prefecture and municipality_code.startswith(self.prefecture)
        )


def scope_of(profile: RegionProfile) -> RegionScope:
    if profile.kind is RegionKind.GROUP:
        return RegionScope(profile.code, frozenset(profile.members))
    if profile.kind is RegionKind.PREFECTURE:
        return RegionScope(profile.code, prefecture=profile.code[:2])
    return RegionScope(profile.code, frozenset({profile.code}))


@dataclass(frozen=True, slots=True)
class PlatformFigure:
    code: str
    field: str
    value: float
    note: str
    year: int | None = None
    note_ja: str = ""  # the same note in Japanese for the pages (``note`` is the source text in the API)


PlatformSource = Callable[[Connection, Sequence[RegionScope], dt.datetime], Iterable[PlatformFigure]]
SOURCES: list[tuple[str, PlatformSource]] = []


def register_source(name: str, fn: PlatformSource) -> None:
    """Add a source (once per name); a context calls this when its module is imported."""
    if name not in [n for n, _ in SOURCES]:
        SOURCES.append((name, fn))


def _circular_sector(sector: str | None) -> bool:
    s = (sector or "").lower()
    return any(w in s for w in CIRCULAR_SECTOR_WORDS)


def members_source(
    conn: Connection, scopes: Sequence[RegionScope], now: dt.datetime
) -> Iterable[PlatformFigure]:
    repo = RegionsRepo(conn)
    orgs = repo.located_orgs()
    facs = repo.located_facilities()
    for scope in scopes:
        located: dict[int, dict[str, object]] = {}
        for o in orgs:
            if scope.covers(o["municipality_code"]):
                located[o["id"]] = {
                    "name": o["name_ja"],
                    "kind": o["kind"],
                    "sector": o["sector"],
                    "why": set(),
                }
        for f in facs:
            if not scope.covers(f["municipality_code"]):
                continue
            blank = {"name": f["name_ja"], "kind": f["org_kind"], "sector": f["sector"], "why": set()}
            entry = located.setdefault(f["org_id"], blank)
            if f["kind"] in CIRCULAR_FACILITY_KINDS:
                entry["why"].add(f["kind"])  # type: ignore[attr-defined]
        if not located:
            continue
        circular = sorted(
            str(e["name"])
            for e in located.values()
            if OrgKind(str(e["kind"])).is_company and (e["why"] or _circular_sector(str(e["sector"] or "")))
        )
        shown = "、".join(circular[:8]) + (" …" if len(circular) > 8 else "")
        day = now.date().isoformat()
        yield PlatformFigure(
            scope.code,
            "circular_businesses",
            float(len(circular)),
            f"platform members located in the region as of {day}: {len(circular)} circular companies "
            f"among {len(located)} organisations" + (f" ({shown})" if circular else ""),
            note_ja=f"{day}時点で地域内に所在する会員{len(located)}組織のうち循環型の企業{len(circular)}社"
            + (f"（{shown}）" if circular else ""),
        )


register_source("members", members_source)


def collect(conn: Connection, scopes: Sequence[RegionScope], now: dt.datetime) -> list[PlatformFigure]:
    out: list[PlatformFigure] = []
    for _name, fn in SOURCES:
        out.extend(f for f in fn(conn, scopes, now) if f.field in PLATFORM_FIELDS)
    return out


def to_inputs(
    figures: Sequence[PlatformFigure], latest_year: Mapping[str, int]
) -> tuple[list[PlatformInputs], dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """PlatformInputs per region-year and the notes that explain them (region → field → note), in English
    (the source text of the explanation) and in Japanese (for the pages).

    Two sources giving the same field for the same region-year add up (they count different things).
    """
    values: dict[tuple[str, int], dict[str, float]] = {}
    notes: dict[str, dict[str, str]] = {}
    notes_ja: dict[str, dict[str, str]] = {}
    beyond: dict[tuple[str, str], int] = {}
    at_latest: set[tuple[str, str]] = set()
    for f in figures:
        last = latest_year.get(f.code)
        if f.year is not None and last is not None and f.year > last:
            beyond[(f.code, f.field)] = max(f.year, beyond.get((f.code, f.field), f.year))
        elif f.year is not None and f.year == last:
            at_latest.add((f.code, f.field))
    for f in figures:
        last = latest_year.get(f.code)
        carried = f.year is not None and last is not None and f.year > last
        if carried and ((f.code, f.field) in at_latest or beyond[(f.code, f.field)] != f.year):
            continue
        year = last if carried else f.year if f.year is not None else last
        if year is None:
            continue
        slot = values.setdefault((f.code, year), {})
        slot[f.field] = slot.get(f.field, 0.0) + f.value
        now = f.year is None or carried
        ja_when = (
            f"（統計の最新年度 FY{year} に計上）" if carried else f"（最新の統計年度 FY{year} の人口で算出）"
        )
        for book, text, when in (
            (notes, f.note, f"; counted against FY{year}, the latest year with statistics" if now else ""),
            (notes_ja, f.note_ja or f.note, ja_when if now else ""),
        ):
            old = book.setdefault(f.code, {}).get(f.field)
            book[f.code][f.field] = f"{old}; {text}{when}" if old else f"{text}{when}"
    inputs = [PlatformInputs(code, year, **fields) for (code, year), fields in values.items()]
    return inputs, notes, notes_ja


def located_facilities(conn: Connection, scopes: Sequence[RegionScope]) -> dict[str, tuple[Facility, ...]]:
    """Region code → public member facilities in it that are waste facilities (not yet linked by hand)."""
    repo = RegionsRepo(conn)
    linked = repo.linked_member_facility_ids()
    rows = [f for f in repo.located_facilities() if f["kind"] in FACILITY_KIND_MAP and f["id"] not in linked]
    out: dict[str, tuple[Facility, ...]] = {}
    for scope in scopes:
        found = tuple(
            Facility(f"member-facility:{f['id']}", FACILITY_KIND_MAP[f["kind"]],
                     f"{f['name']}（{f['name_ja']}）", None, f["latitude"], f["longitude"])
            for f in rows
            if scope.covers(f["municipality_code"])
        )  # fmt: skip
        if found:
            out[scope.code] = found
    return out
