"""The lot graph of ``trace_edges`` in memory, one per engine, for provenance traces without recursive SQL.

A provenance trace needs the *cone* of a lot: every lot reachable through provenance edges one way, and the
edges into (upstream) or out of (downstream) those lots. A recursive query finds it in tens of milliseconds
at 100,000 lots and grows with the graph; the same cone from compressed sparse rows (CSR) in memory takes a
millisecond or two at 1,000,000 lots. :class:`EdgeIndex` keeps the edges as two CSR arrays (child → parents
and parent → children, with the edge kg) built once with one bulk read, plus a small sorted *delta* of edges
added since, folded into the CSR when it grows.

Refresh (every trace calls :meth:`EdgeIndex.graph`): edges are append-only — the trace service only ever
inserts them, in the transaction that records the event that creates them — so a refresh reads the rows
with an id above the highest one seen. That alone is exact on SQLite (one writer; a committed row's id is
above every id committed before it) but not on PostgreSQL, where ids come from a sequence when a row is
inserted, not when it commits: a transaction that drew id 41 can commit after the one that drew id 42 was
read. Ids below the highest seen that were not read are therefore kept as *holes* and read again on every
refresh until the refresh's snapshot shows that every transaction that could have drawn them has ended
(``pg_snapshot_xmin`` ≥ the ``xmax`` of the snapshot that first missed them; the trace service writes its
events, lots and ledger before any edge, so the drawing transaction has its xid before it draws). Anything
else — a TRUNCATE (a new relation file), fewer rows than expected (a DELETE, e.g. an organisation's cascade),
a maximum id below the one seen — rebuilds the whole index. The row count is compared on every refresh
while the table is small and every ``recheck_seconds`` beyond that (``count(*)`` reads the whole table).

Reads run on their own pooled connection, never the caller's, so that rows of an uncommitted transaction
never enter the shared index; a caller refreshes before it reads the lots of the cone, so every lot an edge
names is visible to it (a lot missing all the same means rows were deleted: the caller invalidates).
"""

from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection, Engine

__all__ = ["EdgeGraph", "EdgeIndex", "edge_index"]

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]

_EMPTY_I = np.empty(0, dtype=np.int64)
_ROW = np.dtype([("id", np.int64), ("parent", np.int64), ("child", np.int64), ("kg", np.float64)])
_CHUNK = 500_000
_COLUMNS = "id, parent_lot_id, child_lot_id, kg"
_EMPTY_F = np.empty(0, dtype=np.float64)


def _ranges(starts: I64, counts: I64) -> I64:
    """The positions ``starts[k] .. starts[k] + counts[k] - 1`` of every k, concatenated."""
    total = int(counts.sum())
    if total == 0:
        return _EMPTY_I
    offsets = np.cumsum(counts) - counts
    return np.arange(total, dtype=np.int64) - np.repeat(offsets - starts, counts)


@dataclass(frozen=True, slots=True)
class _Side:
    """Edges of one direction sorted by their *near* end: CSR rows over lot ids 0..n-1 for the base, and a
    sorted ``near`` array for the delta (looked up with ``searchsorted``)."""

    indptr: I64
    far: I64
    kg: F64
    d_near: I64
    d_far: I64
    d_kg: F64

    def rows(self, nodes: I64) -> tuple[I64, I64, I64, I64]:
        """Base positions with their owners' near ids, then delta positions with theirs (``nodes`` sorted)."""
        n = self.indptr.size - 1
        inside = nodes[: int(np.searchsorted(nodes, n))]
        starts = self.indptr[inside]
        counts = self.indptr[inside + 1] - starts
        pos, owner = _ranges(starts, counts), np.repeat(inside, counts)
        if self.d_near.size == 0:
            return pos, owner, _EMPTY_I, _EMPTY_I
        lo = np.searchsorted(self.d_near, nodes, "left")
        dcounts = np.searchsorted(self.d_near, nodes, "right") - lo
        return pos, owner, _ranges(lo, dcounts), np.repeat(nodes, dcounts)

    def neighbours(self, nodes: I64) -> I64:
        pos, _, dpos, _ = self.rows(nodes)
        if dpos.size == 0:
            return self.far[pos]
        return np.concatenate([self.far[pos], self.d_far[dpos]])


def _sorted_delta(indptr: I64, far: I64, kg: F64, d_near: I64, d_far: I64, d_kg: F64) -> _Side:
    order = np.argsort(d_near, kind="stable")
    return _Side(indptr, far, kg, d_near[order], d_far[order], d_kg[order])


def _side(n: int, near: I64, far: I64, kg: F64) -> _Side:
    order = np.argsort(near, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(near, minlength=n), out=indptr[1:])
    return _Side(indptr, far[order], kg[order], _EMPTY_I, _EMPTY_I, _EMPTY_F)


@dataclass(frozen=True, slots=True)
class EdgeGraph:
    """An immutable snapshot of the provenance edges (lot ids as stored), safe to share between threads."""

    size: int  # 1 + the highest lot id any edge names
    edges: int
    up: _Side  # near = child, far = parent
    down: _Side  # near = parent, far = child

    @classmethod
    def build(cls, parent: I64, child: I64, kg: F64) -> EdgeGraph:
        """The CSR of these edges, without a delta."""
        n = int(max(parent.max(initial=-1), child.max(initial=-1))) + 1
        return cls(n, parent.size, _side(n, child, parent, kg), _side(n, parent, child, kg))

    def with_delta(self, parent: I64, child: I64, kg: F64) -> EdgeGraph:
        """The same base CSR with ``parent, child, kg`` as its (whole) delta."""
        base = self.up.indptr.size - 1
        size = max(base, int(max(parent.max(initial=-1), child.max(initial=-1))) + 1)
        up, down = self.up, self.down
        return EdgeGraph(
            size,
            up.far.size + parent.size,
            _sorted_delta(up.indptr, up.far, up.kg, child, parent, kg),
            _sorted_delta(down.indptr, down.far, down.kg, parent, child, kg),
        )

    def base_edges(self) -> tuple[I64, I64, F64]:
        """The base edges back as (parent, child, kg), from the upstream CSR."""
        n = self.up.indptr.size - 1
        child = np.repeat(np.arange(n, dtype=np.int64), np.diff(self.up.indptr))
        return self.up.far, child, self.up.kg

    def cone_edges(self, root: int, *, upstream: bool) -> tuple[I64, I64, F64]:
        """Edges (parent, child, kg) into (upstream) or out of (downstream) every lot reachable from
        ``root`` one way — the same rows as ``TraceRepo.cone_edges``, in another order."""
        side = self.up if upstream else self.down
        seen = np.zeros(max(self.size, root + 1), dtype=np.bool_)
        seen[root] = True
        frontier = np.array([root], dtype=np.int64)
        parts = [frontier]
        while frontier.size:
            far = side.neighbours(frontier)
            far = far[~seen[far]]
            if far.size == 0:
                break
            frontier = np.unique(far)
            seen[frontier] = True
            parts.append(frontier)
        cone = np.sort(np.concatenate(parts))
        pos, owner, dpos, downer = side.rows(cone)
        near = np.concatenate([owner, downer])
        far = np.concatenate([side.far[pos], side.d_far[dpos]])
        kg = np.concatenate([side.kg[pos], side.d_kg[dpos]])
        return (far, near, kg) if upstream else (near, far, kg)


class EdgeIndex:
    """The per-engine index: the current :class:`EdgeGraph` and what a refresh needs to extend it."""

    def __init__(self, *, recheck_seconds: float = 300.0, count_always_below: int = 200_000) -> None:
        self.recheck_seconds = recheck_seconds
        self.count_always_below = count_always_below
        self._lock = threading.Lock()
        self._graph: EdgeGraph | None = None
        self._delta: tuple[I64, I64, F64] = (_EMPTY_I, _EMPTY_I, _EMPTY_F)
        self._max_id = 0
        self._holes = _EMPTY_I  # sorted ids below _max_id not (yet) seen
        self._tags = _EMPTY_I  # per hole: xmax of the snapshot that first missed it (PostgreSQL)
        self._relation: int | None = None
        self._checked = 0.0
        self._fresh_since = -1.0  # when the snapshot of the last refresh was taken (monotonic clock)
        self.rebuilds = 0  # statistics for tests and benchmarks
        self.refreshes = 0

    def invalidate(self) -> None:
        with self._lock:
            self._graph = None

    def graph(self, engine: Engine) -> EdgeGraph:
        """The edges committed before this call (and possibly a few after), refreshed as needed.

        Callers that queue behind a refresh which began after they asked take its result as it is."""
        asked = time.monotonic()
        with self._lock:
            if self._graph is None or self._fresh_since < asked:
                begun = time.monotonic()
                with engine.connect() as conn:
                    if conn.dialect.name == "postgresql":
                        conn = conn.execution_options(isolation_level="REPEATABLE READ")
                    with conn.begin():
                        self._refresh(conn)
                self._fresh_since = begun
            assert self._graph is not None
            return self._graph

    # -------------------------------------------------------------------------------------------------
    def _refresh(self, conn: Connection) -> None:
        pg = conn.dialect.name == "postgresql"
        self.refreshes += 1
        now = time.monotonic()
        count_due = (
            self._graph is None
            or self._graph.edges < self.count_always_below
            or now - self._checked >= self.recheck_seconds
        )
        if pg:
            # REPEATABLE READ: this statement takes the snapshot every later statement of the refresh reads
            row = conn.exec_driver_sql(
                "SELECT pg_snapshot_xmin(s)::text::bigint, pg_snapshot_xmax(s)::text::bigint, "
                "pg_relation_filenode('trace_edges'), (SELECT max(id) FROM trace_edges)"
                + (", (SELECT count(*) FROM trace_edges)" if count_due else ", NULL")
                + " FROM pg_current_snapshot() AS s"
            ).one()
            xmin, xmax, relation, top, count = row
        else:
            top, count = conn.exec_driver_sql(
                "SELECT max(id), " + ("count(*)" if count_due else "NULL") + " FROM trace_edges"
            ).one()
            xmin = xmax = relation = 0
        top = int(top or 0)
        if (
            self._graph is None
            or relation != self._relation
            or top < self._max_id
            or (count is not None and int(count) < self._graph.edges)
        ):
            self._rebuild(conn, pg, top, xmax, relation)
            self._checked = now
            return
        self._extend(conn, pg, top, xmin, xmax)
        if count is not None:
            self._checked = now
            if int(count) != self._graph.edges:
                # more rows than ids read, below the highest: ids were reused after a delete
                self._rebuild(conn, pg, top, xmax, relation)

    def _read(self, conn: Connection, pg: bool, where: str, params: Any) -> tuple[I64, I64, I64, F64]:
        """(id, parent, child, kg) of the edges matching ``where``, as arrays, in bulk.

        PostgreSQL: chunks of up to ``_CHUNK`` rows (keyset on id) each packed by the server into four
        byte strings of big-endian int8/float8 — one row per chunk instead of one Python tuple per edge
        (2,000,000 edges: ~1 s instead of ~10). The four aggregates consume the same rows in the same
        order, so their elements line up. SQLite: the driver's tuples straight into a structured array."""
        if not pg:
            raw = conn.connection.driver_connection
            assert raw is not None
            cursor = raw.cursor()
            try:
                cursor.execute(
                    f"SELECT id, parent_lot_id, child_lot_id, kg FROM trace_edges WHERE {where}", params
                )
                rows = np.fromiter(cursor, dtype=_ROW)
            finally:
                cursor.close()
            weights = rows["kg"].copy()
            # SQLite keeps NUMERIC as REAL and SQLAlchemy reads it back as Decimal('%.6f' % value): the same
            # double for every mass below 2**32 kg (its doubles are finer than 1 mg); round the rest the same
            for i in np.flatnonzero(np.abs(weights) >= 2.0**32).tolist():
                weights[i] = float(f"{weights[i]:.6f}")
            return rows["id"].copy(), rows["parent"].copy(), rows["child"].copy(), weights
        parts: list[tuple[I64, I64, I64, F64]] = []
        after = 0
        while True:
            last, *packed = conn.exec_driver_sql(
                "SELECT max(id), string_agg(int8send(id), ''::bytea), "
                "string_agg(int8send(parent_lot_id), ''::bytea), "
                "string_agg(int8send(child_lot_id), ''::bytea), "
                f"string_agg(float8send(kg::float8), ''::bytea) FROM (SELECT {_COLUMNS} "
                f"FROM trace_edges WHERE ({where}) AND id > %(after)s ORDER BY id LIMIT {_CHUNK}) AS chunk",
                {**params, "after": after},
            ).one()
            if last is None:
                break
            ids, parent, child = (np.frombuffer(x, ">i8").astype(np.int64) for x in packed[:3])
            parts.append((ids, parent, child, np.frombuffer(packed[3], ">f8").astype(np.float64)))
            if ids.size < _CHUNK:
                break
            after = int(last)
        if not parts:
            return _EMPTY_I, _EMPTY_I, _EMPTY_I, _EMPTY_F
        ids, parent, child, kg = (np.concatenate(column) for column in zip(*parts, strict=True))
        return ids, parent, child, kg

    def _rebuild(self, conn: Connection, pg: bool, top: int, xmax: int, relation: int | None) -> None:
        ids, parent, child, kg = self._read(conn, pg, "id <= %(top)s" if pg else "id <= ?", _p(pg, top=top))
        self._graph = EdgeGraph.build(parent, child, kg)
        self._delta = (_EMPTY_I, _EMPTY_I, _EMPTY_F)
        self._max_id, self._relation = top, relation
        # SQLite: a missing id below the highest is gone for good (one writer); PostgreSQL: see the module
        self._holes = _missing(0, top, ids) if pg else _EMPTY_I
        self._tags = np.full(self._holes.size, xmax, dtype=np.int64)
        self.rebuilds += 1

    def _extend(self, conn: Connection, pg: bool, top: int, xmin: int, xmax: int) -> None:
        assert self._graph is not None
        m, holes = self._max_id, self._holes
        if top == m and holes.size == 0:
            return
        if pg:
            where, params = _new_or_holes(m, top, holes)
            ids, parent, child, kg = self._read(conn, pg, where, params)
            if holes.size:
                # the hole ranges may span ids already read: keep new ids and filled holes only
                fresh = (ids > m) | np.isin(ids, holes)
                ids, parent, child, kg = ids[fresh], parent[fresh], child[fresh], kg[fresh]
                # a hole is given up only once every transaction that might still fill it has ended
                keep = ~np.isin(holes, ids) & (self._tags > xmin)
                holes, tags = holes[keep], self._tags[keep]
            else:
                tags = _EMPTY_I
            new_holes = _missing(m, top, ids)
            self._holes = np.concatenate([holes, new_holes])
            self._tags = np.concatenate([tags, np.full(new_holes.size, xmax, dtype=np.int64)])
        else:
            ids, parent, child, kg = self._read(conn, pg, "id > ? AND id <= ?", (m, top))
        self._max_id = top
        if ids.size == 0:
            return
        old_p, old_c, old_k = self._delta
        dp, dc, dk = (
            np.concatenate([old_p, parent]),
            np.concatenate([old_c, child]),
            np.concatenate([old_k, kg]),
        )
        if dp.size > max(20_000, self._graph.up.far.size // 16):  # fold the delta into the CSR
            bp, bc, bk = self._graph.base_edges()
            self._graph = EdgeGraph.build(
                np.concatenate([bp, dp]), np.concatenate([bc, dc]), np.concatenate([bk, dk])
            )
            self._delta = (_EMPTY_I, _EMPTY_I, _EMPTY_F)
        else:
            self._graph = self._graph.with_delta(dp, dc, dk)
            self._delta = (dp, dc, dk)


def _missing(after: int, upto: int, ids: I64) -> I64:
    """The ids in ``after+1 .. upto`` that ``ids`` lacks, sorted."""
    absent = np.ones(upto - after, dtype=np.bool_)
    inside = ids[(ids > after) & (ids <= upto)]
    absent[inside - after - 1] = False
    return np.flatnonzero(absent).astype(np.int64) + after + 1


def _p(pg: bool, **params: int) -> Any:
    return params if pg else tuple(params.values())


def _new_or_holes(m: int, top: int, holes: I64) -> tuple[str, dict[str, Any]]:
    """``id`` above ``m`` (up to ``top``) or in ``holes``, as few ranges as the holes allow."""
    where, params = "(id > %(m)s AND id <= %(top)s)", {"m": m, "top": top}
    if holes.size == 0:
        return where, params
    breaks = np.flatnonzero(np.diff(holes) != 1) + 1
    lows, highs = holes[np.r_[0, breaks]], holes[np.r_[breaks - 1, holes.size - 1]]
    if lows.size > 64:  # many scattered holes: one range over all of them (filtered by the caller)
        lows, highs = lows[:1], highs[-1:]
    for k, (a, b) in enumerate(zip(lows.tolist(), highs.tolist(), strict=True)):
        where += f" OR (id >= %(a{k})s AND id <= %(b{k})s)"
        params[f"a{k}"], params[f"b{k}"] = a, b
    return where, params


_INDEXES: weakref.WeakKeyDictionary[Engine, EdgeIndex] = weakref.WeakKeyDictionary()
_INDEXES_LOCK = threading.Lock()


def edge_index(engine: Engine) -> EdgeIndex | None:
    """The engine's shared index, or None for an in-memory SQLite database (whose pool hands a thread its
    one connection, so a separate read would see the caller's uncommitted rows)."""
    if engine.dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:"):
        return None
    with _INDEXES_LOCK:
        index = _INDEXES.get(engine)
        if index is None:
            index = _INDEXES[engine] = EdgeIndex()
        return index
