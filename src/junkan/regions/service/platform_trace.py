"""The trace context's figures for regional indicators: reuse and repair activity, and how much of the
recyclables collected in a region is first treated inside it, per region and Japanese fiscal year.

Everything counted happens at a facility *located* in the region (the members ``facilities`` row's
``municipality_code``; the facility's ``is_public`` flag does not matter, see *Disclosure*):

- ``reuse_repair_sharing_events``: events of kind ``repair``, ``reuse`` or ``remanufacture``;
  ``reuse_repair_sharing_t`` the mass of their outputs (the products returned to use) in tonnes. The trace
  vocabulary has no *share* kind: a sharing operator records the turnaround of a returned unit for the
  next user as ``reuse``. ``use`` events only observe a lot in use and are not counted (they would count
  ordinary product use, not sharing).
- ``recyclables_collected_t``: the mass of the outputs of ``collect`` events.
- ``recyclables_processed_in_region_t``: the part of that collected mass whose *first treatment* happens
  at a facility in the region. Each collected lot is followed through custody: the lots its shipments
  were received into (``trace_edges`` written by matched ``receive`` events, up to :data:`MAX_HOPS`
  transfers) and the input lines of the first treatment events consuming any of them. A treatment is a
  ``sort`` or ``recycle`` event, or preparation for reuse (``repair``, ``reuse``, ``remanufacture``),
  which ranks above recycling in the order of priority of 循環型社会形成推進基本法 art. 7 — a region
  that repairs take-back units locally must not score lower than one that shreds them. Where a received
  lot mixes several origins, its treatment is shared pro rata to the mass each origin brought in. The
  mass is attributed to the fiscal year of the *collection* (so the processed part never exceeds the
  collected mass of the same year). Collected mass whose first treatment is not recorded yet (an
  unmatched shipment, a partner off the platform) counts as not treated in the region: the share is a
  lower bound, and the note says how much was traced at all.

Disclosure. Region totals are public statistics, but a total made of one organisation's records *is*
that organisation's private volume. A figure is therefore published only when at least
:data:`MIN_CONTRIBUTORS` (2) distinct organisations contribute to it; otherwise it is *suppressed*: its
value is NaN (shown as missing) and the note gives the reason. Contributors are the organisations whose
events the figure adds up: the acting organisations of the counted repair/reuse events; the collecting
organisations; for the processed part, the collecting organisations whose mass is counted plus the
organisations that treated it (the figure combines both records). A zero adds up nobody's events, so its
contributors are the organisations the platform observes in the region that year (any trace event at a
facility there). The processed part is suppressed whenever the collected total is (it is a part of it).
Events at facilities that are not public are included: only region totals leave this module, never a
facility, an organisation or its own quantities. Residual risk, stated plainly: with exactly two
contributors each can deduce the other's quantity by subtraction, and two published figures of one
region can be differenced; Japan's official business statistics suppress cells of one *or two*
establishments (秘匿, e.g. 経済構造実態調査) for that reason. Raise :data:`MIN_CONTRIBUTORS` to 3 to
follow that practice.

Missing is not zero. A region where the platform observes no trace event at all in a fiscal year gets no
figure (missing). Where it observes at least :data:`MIN_CONTRIBUTORS` organisations but none of the
counted events, the figure is a true zero. The processed part is missing, not zero, while none of the
collected mass has a recorded first treatment anywhere.

Fiscal years. Japan's fiscal year ``fy`` runs from 1 April ``fy`` to 31 March ``fy + 1`` (JST). Only
years that have ended are reported (a running year would understate a yearly rate); events before
:data:`FIRST_FY` are ignored. ``platform.to_inputs`` counts the latest reported year against a region's
latest statistics year when the statistics have not reached it yet, and says so in the note.

Scale: four queries for all regions at once (facilities; events per site, organisation, year and kind;
output mass per site, organisation, year and kind; one recursive query for the custody trace), then one
pass per region over the rows of its own facilities. The queries read the whole ledger: measured ~1 s for
200,000 events and 1,741 regions on SQLite, ~1.5 s on PostgreSQL (most of it the custody trace). A
national deployment needs these yearly totals kept in a rollup table as events are recorded (not built).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, Float, Integer, case, cast, func, literal_column, select
from sqlalchemy.sql.elements import ColumnElement

from junkan.regions.service.platform import PlatformFigure, RegionScope, register_source
from junkan.store.tables.members import facilities
from junkan.store.tables.trace import trace_edges, trace_event_lines, trace_events, trace_lots
from junkan.trace.model import EventKind

__all__ = [
    "FIRST_FY",
    "JST",
    "MAX_HOPS",
    "MIN_CONTRIBUTORS",
    "REUSE_KINDS",
    "TREATMENT_KINDS",
    "fiscal_year",
    "fiscal_year_start",
    "trace_source",
]

JST = dt.timezone(dt.timedelta(hours=9))
MIN_CONTRIBUTORS = 2
FIRST_FY = 2000
MAX_HOPS = 8
REUSE_KINDS = (EventKind.REPAIR.value, EventKind.REUSE.value, EventKind.REMANUFACTURE.value)
TREATMENT_KINDS = (EventKind.SORT.value, EventKind.RECYCLE.value, *REUSE_KINDS)
COLLECT = EventKind.COLLECT.value


def fiscal_year(t: dt.datetime) -> int:
    """The Japanese fiscal year of an aware time (April–March, JST)."""
    local = t.astimezone(JST)
    return local.year if local.month >= 4 else local.year - 1


def fiscal_year_start(fy: int) -> dt.datetime:
    return dt.datetime(fy, 4, 1, tzinfo=JST)


def _fy_label(fy: int) -> tuple[str, str]:
    return f"FY{fy} (April {fy}–March {fy + 1})", f"{fy}年度（{fy}年4月〜{fy + 1}年3月）"


# queries ------------------------------------------------------------------------------------------
def _fy_case(time: ColumnElement[dt.datetime], first: int, last: int) -> ColumnElement[int]:
    # A CASE over the fiscal-year boundaries is the same SQL on SQLite and PostgreSQL (no date functions).
    whens: list[tuple[ColumnElement[bool], ColumnElement[int]]] = [
        (time >= fiscal_year_start(y), literal_column(str(y), Integer())) for y in range(last, first - 1, -1)
    ]
    return case(*whens, else_=None)


def _in_years(time: ColumnElement[dt.datetime], first: int, last: int) -> list[ColumnElement[bool]]:
    return [time >= fiscal_year_start(first), time < fiscal_year_start(last + 1)]


def _located(conn: Connection) -> dict[int, str]:
    f = facilities.c
    rows = conn.execute(select(f.id, f.municipality_code).where(f.municipality_code.is_not(None)))
    return {int(r[0]): str(r[1]) for r in rows}


def _events(conn: Connection, first: int, last: int) -> list[tuple[int, int, int, str, int]]:
    """(site, org, fy, kind, number of events)."""
    e = trace_events.c
    inner = (
        select(e.site_id, e.org_id, e.kind, _fy_case(e.time, first, last).label("fy"))
        .where(*_in_years(e.time, first, last))
        .subquery()
    )
    c = inner.c
    q = select(c.site_id, c.org_id, c.fy, c.kind, func.count()).group_by(c.site_id, c.org_id, c.fy, c.kind)
    return [(int(r[0]), int(r[1]), int(r[2]), str(r[3]), int(r[4])) for r in conn.execute(q)]


def _output_kg(conn: Connection, first: int, last: int) -> list[tuple[int, int, int, str, float]]:
    """(site, org, fy, kind, kg of output lines) for collect and the reuse kinds."""
    e, ln = trace_events.c, trace_event_lines.c
    inner = (
        select(e.site_id, e.org_id, e.kind, _fy_case(e.time, first, last).label("fy"), ln.kg)
        .select_from(trace_events.join(trace_event_lines, ln.event_id == e.id))
        .where(e.kind.in_((COLLECT, *REUSE_KINDS)), ln.role == "out", *_in_years(e.time, first, last))
        .subquery()
    )
    c = inner.c
    q = select(c.site_id, c.org_id, c.fy, c.kind, func.sum(cast(c.kg, Float))).group_by(
        c.site_id, c.org_id, c.fy, c.kind
    )
    return [(int(r[0]), int(r[1]), int(r[2]), str(r[3]), float(r[4] or 0.0)) for r in conn.execute(q)]


def _first_treatments(conn: Connection, first: int, last: int) -> list[tuple[int, int, int, int, int, float]]:
    """(collect site, collect org, fy, treating site, treating org, kg): collected mass by where it was first
    treated, in one recursive query (collected lot → lots its shipments were received into → treatment)."""
    e, ln, lot, ed = trace_events.c, trace_event_lines.c, trace_lots.c, trace_edges.c
    # Fractions in floating point: on SQLite a whole-kg Numeric is stored as an integer and would divide
    # as one; on PostgreSQL both terms of the recursion then have the same type (double precision).
    origin = (
        select(
            e.site_id.label("site"),
            e.org_id.label("org"),
            _fy_case(e.time, first, last).label("fy"),
            ln.lot_id.label("lot"),
            (cast(ln.kg, Float) / cast(lot.created_kg, Float)).label("frac"),
            literal_column("0").label("hops"),
        )
        .select_from(
            trace_events.join(trace_event_lines, ln.event_id == e.id).join(trace_lots, lot.id == ln.lot_id)
        )
        .where(e.kind == COLLECT, ln.role == "out", lot.created_kg > 0, *_in_years(e.time, first, last))
        .cte("collected", recursive=True)
    )
    child, receipt = trace_lots.alias("child"), trace_events.alias("receipt")
    step = (
        select(
            origin.c.site,
            origin.c.org,
            origin.c.fy,
            ed.child_lot_id,
            origin.c.frac * cast(ed.kg, Float) / cast(child.c.created_kg, Float),
            origin.c.hops + literal_column("1"),
        )
        .select_from(
            origin.join(trace_edges, ed.parent_lot_id == origin.c.lot)
            .join(receipt, receipt.c.id == ed.event_id)
            .join(child, child.c.id == ed.child_lot_id)
        )
        .where(
            receipt.c.kind == EventKind.RECEIVE.value,
            child.c.created_kg > 0,
            origin.c.hops < literal_column(str(MAX_HOPS)),
        )
    )
    copies = origin.union_all(step)
    treat, tl = trace_events.alias("treat"), trace_event_lines.alias("treated")
    q = (
        select(
            copies.c.site,
            copies.c.org,
            copies.c.fy,
            treat.c.site_id,
            treat.c.org_id,
            func.sum(cast(tl.c.kg, Float) * copies.c.frac),
        )
        .select_from(copies.join(tl, tl.c.lot_id == copies.c.lot).join(treat, treat.c.id == tl.c.event_id))
        .where(tl.c.role == "in", treat.c.kind.in_(TREATMENT_KINDS))
        .group_by(copies.c.site, copies.c.org, copies.c.fy, treat.c.site_id, treat.c.org_id)
    )
    return [
        (int(r[0]), int(r[1]), int(r[2]), int(r[3]), int(r[4]), float(r[5] or 0.0)) for r in conn.execute(q)
    ]


# aggregation --------------------------------------------------------------------------------------
@dataclass(slots=True)
class _Year:
    """What one region's facilities saw in one fiscal year."""

    observed: set[int] = field(default_factory=set)
    reuse_orgs: set[int] = field(default_factory=set)
    reuse_events: int = 0
    reuse_kg: float = 0.0
    collect_orgs: set[int] = field(default_factory=set)
    collected_kg: float = 0.0
    traced_kg: float = 0.0  # collected mass with a recorded first treatment anywhere
    processed_orgs: set[int] = field(default_factory=set)
    processed_kg: float = 0.0
    processed_by_origin: dict[tuple[int, int], float] = field(default_factory=dict)
    collected_by_origin: dict[tuple[int, int], float] = field(default_factory=dict)


def _sites_of(scope: RegionScope, by_muni: dict[str, list[int]]) -> Iterator[int]:
    munis: Iterable[str] = scope.municipalities
    if scope.prefecture:
        munis = set(scope.municipalities) | {m for m in by_muni if m.startswith(scope.prefecture)}
    for m in munis:
        yield from by_muni.get(m, ())


@dataclass(frozen=True, slots=True)
class _Rows:
    located: dict[int, str]
    events: dict[int, list[tuple[int, int, str, int]]]
    output: dict[int, list[tuple[int, int, str, float]]]
    treated: dict[int, list[tuple[int, int, int, int, float]]]


def _tally(scope: RegionScope, rows: _Rows, by_muni: dict[str, list[int]]) -> dict[int, _Year]:
    years: dict[int, _Year] = defaultdict(_Year)
    for site in _sites_of(scope, by_muni):
        for org, fy, kind, n in rows.events.get(site, ()):
            y = years[fy]
            y.observed.add(org)
            if kind in REUSE_KINDS:
                y.reuse_orgs.add(org)
                y.reuse_events += n
        for org, fy, kind, kg in rows.output.get(site, ()):
            y = years[fy]
            if kind == COLLECT:
                y.collect_orgs.add(org)
                y.collected_kg += kg
                key = (site, org)
                y.collected_by_origin[key] = y.collected_by_origin.get(key, 0.0) + kg
            else:
                y.reuse_kg += kg
        for org, fy, t_site, t_org, kg in rows.treated.get(site, ()):
            y = years[fy]
            y.traced_kg += kg
            if scope.covers(rows.located.get(t_site)):
                key = (site, org)
                y.processed_by_origin[key] = y.processed_by_origin.get(key, 0.0) + kg
                y.processed_orgs.update((org, t_org))
    for y in years.values():
        # a lot received back into itself could count twice: never more than was collected per origin
        y.processed_kg = sum(
            min(kg, y.collected_by_origin.get(key, 0.0)) for key, kg in y.processed_by_origin.items()
        )
        y.traced_kg = min(y.traced_kg, y.collected_kg)
    return years


def _t(kg: float) -> str:
    t = kg / 1000.0
    return f"{t:,.1f}" if t >= 10 else f"{t:,.3g}"


def _suppressed(code: str, fy: int, fields: Sequence[str], n: int) -> Iterator[PlatformFigure]:
    en, ja = _fy_label(fy)
    for name in fields:
        yield PlatformFigure(
            code,
            name,
            math.nan,
            f"{en}: suppressed — {n} organisation{' contributes' if n == 1 else 's contribute'}, fewer than "
            f"{MIN_CONTRIBUTORS}; the region total would disclose one organisation's private quantities",
            year=fy,
            note_ja=f"{ja}: 秘匿（寄与する組織が{n}で{MIN_CONTRIBUTORS}未満のため。"
            "地域の合計が個々の組織の非公開の数量を明かすことになる）",
        )


def _reuse_figures(code: str, fy: int, y: _Year) -> Iterator[PlatformFigure]:
    fields = ("reuse_repair_sharing_events", "reuse_repair_sharing_t")
    en, ja = _fy_label(fy)
    if y.reuse_events == 0:
        if len(y.observed) < MIN_CONTRIBUTORS:
            yield from _suppressed(code, fy, fields, len(y.observed))
            return
        n = len(y.observed)
        text = f"{en}: no repair, reuse or remanufacture events among the trace events {n} organisations"
        text += " recorded at facilities in the region"
        text_ja = f"{ja}: 地域内の施設で{n}組織が記録したトレース事象に修理・リユース・再製造はなし"
        yield PlatformFigure(code, fields[0], 0.0, text, year=fy, note_ja=text_ja)
        yield PlatformFigure(code, fields[1], 0.0, text, year=fy, note_ja=text_ja)
        return
    n = len(y.reuse_orgs)
    if n < MIN_CONTRIBUTORS:
        yield from _suppressed(code, fy, fields, n)
        return
    t = _t(y.reuse_kg)
    yield PlatformFigure(
        code,
        fields[0],
        float(y.reuse_events),
        f"{en}: {y.reuse_events} repair, reuse and remanufacture events recorded by {n} organisations at "
        "facilities in the region",
        year=fy,
        note_ja=f"{ja}: 地域内の施設で{n}組織が記録した修理・リユース・再製造 {y.reuse_events}件",
    )
    yield PlatformFigure(
        code,
        fields[1],
        y.reuse_kg / 1000.0,
        f"{en}: {t} t of products returned to use by {y.reuse_events} repair, reuse and remanufacture "
        f"events of {n} organisations at facilities in the region",
        year=fy,
        note_ja=f"{ja}: 地域内の施設で{n}組織の修理・リユース・再製造{y.reuse_events}件により"
        f"使用に戻った製品 {t} t",
    )


def _collection_figures(code: str, fy: int, y: _Year) -> Iterator[PlatformFigure]:
    en, ja = _fy_label(fy)
    both = ("recyclables_collected_t", "recyclables_processed_in_region_t")
    if y.collected_kg <= 0:
        if len(y.observed) < MIN_CONTRIBUTORS:
            yield from _suppressed(code, fy, both[:1], len(y.observed))
            return
        n = len(y.observed)
        yield PlatformFigure(
            code,
            both[0],
            0.0,
            f"{en}: no collect events among the trace events {n} organisations recorded at facilities in "
            "the region",
            year=fy,
            note_ja=f"{ja}: 地域内の施設で{n}組織が記録したトレース事象に回収はなし",
        )
        return
    n = len(y.collect_orgs)
    if n < MIN_CONTRIBUTORS:
        yield from _suppressed(code, fy, both, n)
        return
    yield PlatformFigure(
        code,
        both[0],
        y.collected_kg / 1000.0,
        f"{en}: {_t(y.collected_kg)} t collected (collect events) by {n} organisations at facilities in the "
        "region",
        year=fy,
        note_ja=f"{ja}: 地域内の施設で{n}組織が回収した資源 {_t(y.collected_kg)} t（回収イベント）",
    )
    if y.traced_kg <= 0:
        yield PlatformFigure(
            code,
            both[1],
            math.nan,
            f"{en}: unknown — none of the {_t(y.collected_kg)} t collected is traced to its first sorting, "
            "recycling or repair yet",
            year=fy,
            note_ja=f"{ja}: 不明（回収した{_t(y.collected_kg)} tのいずれも"
            "最初の選別・再生・修理先まで追跡できていない）",
        )
        return
    m = len(y.processed_orgs)
    if 0 < m < MIN_CONTRIBUTORS:  # a zero adds up nobody's records; the collectors are n ≥ 2
        yield from _suppressed(code, fy, both[1:], m)
        return
    if y.traced_kg < y.collected_kg:
        rest = y.collected_kg - y.traced_kg
        traced = (
            f"; {_t(y.traced_kg)} t of the {_t(y.collected_kg)} t collected is traced to its first "
            f"treatment, the other {_t(rest)} t counts as not treated in the region"
        )
        traced_ja = f"。回収{_t(y.collected_kg)} tのうち最初の処理先まで追跡できたのは{_t(y.traced_kg)} t、"
        traced_ja += f"残り{_t(rest)} tは域内で処理されなかったものとして扱う"
    else:
        traced, traced_ja = (
            "; all of it is traced to its first treatment",
            "。回収分はすべて最初の処理先まで追跡済み",
        )
    yield PlatformFigure(
        code,
        both[1],
        y.processed_kg / 1000.0,
        f"{en}: {_t(y.processed_kg)} t of it first sorted, recycled or prepared for reuse at facilities in "
        f"the region ({m} organisations{traced})",
        year=fy,
        note_ja=f"{ja}: うち地域内の施設で最初に選別・再生・リユース準備されたもの {_t(y.processed_kg)} t"
        f"（{m}組織{traced_ja}）",
    )


def trace_source(conn: Connection, scopes: Sequence[RegionScope], now: dt.datetime) -> list[PlatformFigure]:
    """Figures for every scope and every ended fiscal year with trace activity in it (see the module doc)."""
    last = fiscal_year(now) - 1
    if last < FIRST_FY or not scopes:
        return []
    located = _located(conn)
    rows = _Rows(located, defaultdict(list), defaultdict(list), defaultdict(list))
    for site, org, fy, kind, n in _events(conn, FIRST_FY, last):
        rows.events[site].append((org, fy, kind, n))
    for site, org, fy, kind, kg in _output_kg(conn, FIRST_FY, last):
        rows.output[site].append((org, fy, kind, kg))
    for site, org, fy, t_site, t_org, kg in _first_treatments(conn, FIRST_FY, last):
        rows.treated[site].append((org, fy, t_site, t_org, kg))
    by_muni: dict[str, list[int]] = defaultdict(list)
    for site, muni in located.items():
        by_muni[muni].append(site)
    out: list[PlatformFigure] = []
    for scope in scopes:
        for fy, y in sorted(_tally(scope, rows, by_muni).items()):
            if not y.observed:
                continue
            out.extend(_reuse_figures(scope.code, fy, y))
            out.extend(_collection_figures(scope.code, fy, y))
    return out


register_source("trace", trace_source)
