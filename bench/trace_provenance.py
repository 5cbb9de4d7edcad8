"""Benchmark: upstream provenance on a lot graph of 1,000,000 lots in 10 tiers.

Each lot of tiers 1–9 has 1–4 parents in the tier above (100,000 lots per tier); tier 0 are sources, a third
of them recycled. We time ``upstream`` (shares, depths and recycled share of every lot in the cone) from
random leaf lots and compare with scipy.sparse.csgraph.breadth_first_order (reachability only, no shares)
and a plain-Python BFS on the same CSR arrays, all measured in this run. Goal: p99 < 100 ms.

    .venv/bin/python bench/trace_provenance.py [--lots 1000000] [--queries 200]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import deque

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import breadth_first_order

from junkan.trace.provenance import LotGraph, upstream


def build(n: int, tiers: int, rng: np.random.Generator) -> LotGraph:
    per = n // tiers
    parents, children = [], []
    for t in range(1, tiers):
        child = np.arange(t * per, (t + 1) * per)
        k = rng.integers(1, 5, size=per)
        c = np.repeat(child, k)
        p = rng.integers((t - 1) * per, t * per, size=c.size)
        parents.append(p)
        children.append(c)
    p, c = np.concatenate(parents), np.concatenate(children)
    kg = rng.uniform(10, 1000, size=p.size)
    origin = np.zeros(n)
    origin[:per] = rng.random(per) < 1 / 3
    return LotGraph.from_edges(n, p, c, kg, origin_recycled=origin)


def python_bfs(indptr: np.ndarray, indices: np.ndarray, root: int) -> int:
    ip, ix = indptr, indices
    seen = {root}
    queue = deque([root])
    while queue:
        v = queue.popleft()
        for u in ix[ip[v] : ip[v + 1]].tolist():
            if u not in seen:
                seen.add(u)
                queue.append(u)
    return len(seen)


def timed(fn, roots) -> list[float]:
    out = []
    for r in roots:
        t0 = time.perf_counter()
        fn(int(r))
        out.append((time.perf_counter() - t0) * 1000)
    return out


def pct(xs: list[float], q: float) -> float:
    return float(np.percentile(xs, q))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lots", type=int, default=1_000_000)
    ap.add_argument("--tiers", type=int, default=10)
    ap.add_argument("--queries", type=int, default=200)
    args = ap.parse_args()
    rng = np.random.default_rng(42)
    t0 = time.perf_counter()
    graph = build(args.lots, args.tiers, rng)
    built = time.perf_counter() - t0
    print(f"graph: {args.lots:,} lots, {graph.up_indices.size:,} edges, built in {built:.1f} s")
    per = args.lots // args.tiers
    roots = rng.integers(args.lots - per, args.lots, size=args.queries)
    cone = [upstream(graph, int(r)).lots.size for r in roots[:20]]
    print(f"upstream cone size: median {statistics.median(cone):,.0f} lots")
    ours = timed(lambda r: upstream(graph, r), roots)
    matrix = csr_matrix(
        (np.ones(graph.up_indices.size), graph.up_indices, graph.up_indptr), shape=(args.lots,) * 2
    )
    scipy_t = timed(lambda r: breadth_first_order(matrix, r, directed=True, return_predecessors=False), roots)
    plain = timed(
        lambda r: python_bfs(graph.up_indptr, graph.up_indices, r), roots[: max(20, args.queries // 10)]
    )
    for name, xs in (
        ("junkan upstream (shares+recycled)", ours),
        ("scipy breadth_first_order", scipy_t),
        ("plain-Python BFS", plain),
    ):
        print(f"{name:36s} p50 {pct(xs, 50):8.2f} ms   p99 {pct(xs, 99):8.2f} ms")
    print(f"ratio p50 junkan / scipy BFS:        {pct(ours, 50) / pct(scipy_t, 50):.2f}x")
    print(f"ratio p50 plain-Python BFS / junkan: {pct(plain, 50) / pct(ours, 50):.2f}x")
    print(f"goal p99 < 100 ms: {'met' if pct(ours, 99) < 100 else 'NOT met'}")


if __name__ == "__main__":
    main()
