"""The CSR lot graph of the provenance index (pure numpy, no database): a cone's edges are exactly the edges
into (upstream) or out of (downstream) the lots a plain breadth-first search reaches, with or without a delta,
on graphs with parallel edges, cycles and lots no edge names."""

from __future__ import annotations

from collections import deque

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from junkan.store.trace_graph import EdgeGraph

Edge = tuple[int, int, float]


def reference(edges: list[Edge], root: int, upstream: bool) -> list[Edge]:
    """Breadth-first over a list, then every edge whose near end was reached (the recursive query's rows)."""
    near_of = (lambda e: e[1]) if upstream else (lambda e: e[0])
    far_of = (lambda e: e[0]) if upstream else (lambda e: e[1])
    seen, queue = {root}, deque([root])
    while queue:
        v = queue.popleft()
        for e in edges:
            if near_of(e) == v and far_of(e) not in seen:
                seen.add(far_of(e))
                queue.append(far_of(e))
    return sorted(e for e in edges if near_of(e) in seen)


def cone(graph: EdgeGraph, root: int, upstream: bool) -> list[Edge]:
    p, c, kg = graph.cone_edges(root, upstream=upstream)
    return sorted(zip(p.tolist(), c.tolist(), kg.tolist(), strict=True))


edge_lists = st.lists(
    st.tuples(st.integers(0, 30), st.integers(0, 30), st.integers(1, 999).map(lambda x: x / 8)), max_size=80
)


@settings(max_examples=150, deadline=None)
@given(base=edge_lists, delta=edge_lists, root=st.integers(0, 40), upstream=st.booleans())
def test_cone_edges_match_a_plain_search(
    base: list[Edge], delta: list[Edge], root: int, upstream: bool
) -> None:
    def arrays(edges: list[Edge]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        a = np.array(edges, dtype=np.float64).reshape(-1, 3)
        return a[:, 0].astype(np.int64), a[:, 1].astype(np.int64), a[:, 2]

    g = EdgeGraph.build(*arrays(base))
    assert cone(g, root, upstream) == reference(base, root, upstream)
    extended = g.with_delta(*arrays(delta))
    assert cone(extended, root, upstream) == reference(base + delta, root, upstream)
    assert extended.edges == len(base) + len(delta)
    p, c, kg = extended.base_edges()
    assert sorted(zip(p.tolist(), c.tolist(), kg.tolist(), strict=True)) == sorted(base)


def test_a_lot_without_edges_is_its_own_cone() -> None:
    g = EdgeGraph.build(np.array([0]), np.array([1]), np.array([5.0]))
    for upstream in (True, False):
        p, c, kg = g.cone_edges(7, upstream=upstream)  # beyond every lot the edges name
        assert p.size == c.size == kg.size == 0
