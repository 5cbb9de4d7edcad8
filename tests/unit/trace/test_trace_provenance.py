import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from junkan.errors import InvalidInput
from junkan.trace.demo_data import demo_events
from junkan.trace.provenance import LotGraph, downstream, graph_from_events, upstream


def worked_graph() -> LotGraph:
    # Lot 0: 60 kg collected PET (recycled), lot 1: 40 kg virgin PET → lot 2 (100 kg pellets);
    # lot 3 = 50 kg of lot 2 + 50 kg of lot 0 directly (paths of length 1 and 2 to lot 0).
    return LotGraph.from_edges(
        4, [0, 1, 2, 0], [2, 2, 3, 3], [60, 40, 50, 50], origin_recycled=np.array([1.0, 0, 0, 0])
    )


def test_upstream_shares_and_recycled_content_by_hand():
    t = upstream(worked_graph(), 3)
    # lot 0 share = 0.5 (direct) + 0.5 × 0.6 (through lot 2) = 0.8; lot 1 = 0.5 × 0.4 = 0.2
    assert t.lots.tolist() == [0, 1, 2]
    assert t.share == pytest.approx([0.8, 0.2, 0.5])
    assert t.terminal.tolist() == [True, True, False]
    assert t.min_depth.tolist() == [1, 2, 1] and t.max_depth.tolist() == [2, 2, 1]
    assert t.recycled_share == pytest.approx([1.0, 0.0, 0.6])
    assert t.root_recycled_share == pytest.approx(0.8)
    assert t.share[t.terminal].sum() == pytest.approx(1.0)


def test_downstream_follows_the_waste_lot():
    d = downstream(worked_graph(), 0)
    # lot 0 gave 60 kg to lot 2 and 50 kg to lot 3 (110 kg); lot 2 passed all of its 50 kg on to lot 3
    assert d.lots.tolist() == [2, 3]
    assert d.share == pytest.approx([60 / 110, 50 / 110 + 60 / 110])
    assert d.terminal.tolist() == [False, True]


def test_adjacency_and_edges_build_the_same_graph():
    a = LotGraph.from_adjacency(4, {0: [(2, 60), (3, 50)], 1: [(2, 40)], 2: [(3, 50)]})
    b = worked_graph()
    assert np.array_equal(a.up_indptr, b.up_indptr)
    assert upstream(a, 3).share == pytest.approx(upstream(b, 3).share)


def test_bad_indices_and_cycles_are_reported():
    with pytest.raises(InvalidInput):
        LotGraph.from_edges(2, [0], [5], [1.0])
    cyclic = LotGraph.from_edges(2, [0, 1], [1, 0], [1.0, 1.0])
    with pytest.raises(InvalidInput) as err:
        upstream(cyclic, 0, max_steps=10)
    assert err.value.code == "trace_too_deep"


def _brute_force(n, edges, root):
    """Sum of path products over every path root → ancestor (exponential, for tiny graphs only)."""
    into = {c: sum(w for p, cc, w in edges if cc == c) for c in range(n)}
    parents = {c: [(p, w / into[c]) for p, cc, w in edges if cc == c] for c in range(n)}
    share = dict.fromkeys(range(n), 0.0)

    def walk(node, amount):
        for p, s in parents[node]:
            share[p] += amount * s
            walk(p, amount * s)

    walk(root, 1.0)
    return share


@settings(max_examples=60, deadline=None)
@given(
    st.integers(2, 9).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(
                st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.integers(1, 100)), max_size=20
            ),
        )
    )
)
def test_upstream_equals_path_enumeration_on_random_dags(case):
    n, raw = case
    edges = [(min(p, c), max(p, c), float(w)) for p, c, w in raw if p != c]  # parent < child: a DAG
    graph = LotGraph.from_edges(n, [e[0] for e in edges], [e[1] for e in edges], [e[2] for e in edges])
    for root in range(n):
        expected = _brute_force(n, edges, root)
        t = upstream(graph, root)
        got = dict(zip(t.lots.tolist(), t.share.tolist(), strict=True))
        for lot, value in expected.items():
            assert got.get(lot, 0.0) == pytest.approx(value, abs=1e-9)


def test_demo_bottles_trace_back_to_collected_pet():
    graph, ids = graph_from_events(demo_events())
    t = upstream(graph, ids.index("bottles-202506"))
    names = [ids[i] for i in t.lots]
    assert set(names) == {"pet-col-202506", "pet-bale-202506", "rpet-202506", "vpet-202506"}
    share = dict(zip(names, t.share, strict=True))
    assert share["pet-col-202506"] + share["vpet-202506"] == pytest.approx(1.0)
    assert 0.3 < t.root_recycled_share < 0.5  # rPET blended with 1.0–1.5 × virgin PET
    d = downstream(graph, ids.index("pet-col-202506"))
    assert "bottles-202506" in {ids[i] for i, end in zip(d.lots, d.terminal, strict=True) if end}
