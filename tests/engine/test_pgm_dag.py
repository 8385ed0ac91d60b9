"""d-separation (Bayes-ball) against networkx on random DAGs, and moralisation."""

import itertools

import networkx as nx
import numpy as np
import pytest

from prmlab.engine import pgm

_d_separated = getattr(nx, "is_d_separator", None) or nx.d_separated


def random_dag(rng, n, p):
    order = rng.permutation(n)
    edges = [
        [order[i], order[j]] for i, j in itertools.combinations(range(n), 2) if rng.random() < p
    ]
    return np.array(edges, dtype=np.int64).reshape(-1, 2)


def test_d_separation_matches_networkx_on_random_dags():
    rng = np.random.default_rng(0)
    checked = {True: 0, False: 0}
    for _ in range(60):
        n = int(rng.integers(3, 9))
        edges = random_dag(rng, n, rng.uniform(0.2, 0.6))
        graph = nx.DiGraph()
        graph.add_nodes_from(range(n))
        graph.add_edges_from(edges.tolist())
        for _ in range(10):
            nodes = rng.permutation(n)
            nx_, ny_ = int(rng.integers(1, 3)), int(rng.integers(1, 3))
            nz = int(rng.integers(0, max(1, n - nx_ - ny_ + 1)))
            xs, ys = nodes[:nx_].tolist(), nodes[nx_ : nx_ + ny_].tolist()
            zs = nodes[nx_ + ny_ : nx_ + ny_ + nz].tolist()
            if not ys:
                continue
            ours = pgm.d_separated(edges, xs, ys, zs)
            assert ours == _d_separated(graph, set(xs), set(ys), set(zs)), (edges, xs, ys, zs)
            checked[ours] += 1
    assert min(checked.values()) > 50  # both answers were exercised


def test_the_three_classic_junctions():
    chain, fork, collider = [[0, 1], [1, 2]], [[1, 0], [1, 2]], [[0, 1], [2, 1]]
    for edges in (chain, fork):
        assert not pgm.d_separated(edges, 0, 2, [])
        assert pgm.d_separated(edges, 0, 2, [1])
    assert pgm.d_separated(collider, 0, 2, [])
    assert not pgm.d_separated(collider, 0, 2, [1])
    # observing a descendant of the collider opens it too
    assert not pgm.d_separated(collider + [[1, 3]], 0, 2, [3])


def test_bayes_ball_marks_the_active_trails():
    edges = [[0, 1], [2, 1], [1, 3], [4, 2]]
    ball = pgm.bayes_ball(edges, 0, given=[3])
    np.testing.assert_array_equal(ball.reachable, [1, 2, 4])
    np.testing.assert_array_equal(ball.active_edges, [True, True, True, True])
    blocked = pgm.bayes_ball(edges, 0, given=[])
    np.testing.assert_array_equal(blocked.reachable, [1, 3])
    np.testing.assert_array_equal(blocked.active_edges, [True, False, True, False])


def test_moralize_marries_the_parents():
    edges = [[0, 2], [1, 2], [2, 3], [4, 3], [5, 3]]
    moral = pgm.moralize(edges)
    expected = {(0, 2), (1, 2), (0, 1), (2, 3), (3, 4), (3, 5), (2, 4), (2, 5), (4, 5)}
    assert {tuple(e) for e in moral.tolist()} == expected
    assert np.all(moral[:, 0] < moral[:, 1])
    graph = nx.moral_graph(nx.DiGraph(edges))
    assert {tuple(sorted(e)) for e in graph.edges} == expected


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: pgm.d_separated([[0, 1], [1, 2], [2, 0]], 0, 2, []),
            "must form a DAG.*cycle (0 → 1 → 2 → 0|1 → 2 → 0 → 1|2 → 0 → 1 → 2)",
        ),
        (lambda: pgm.moralize([[0, 1], [1, 0]]), "more than once"),
        (lambda: pgm.moralize([[0, 0]]), "self-loop"),
        (lambda: pgm.moralize([[0, -1]]), "negative node index"),
        (
            lambda: pgm.d_separated([[0, 1]], 0, 0, []),
            "xs and ys must be disjoint, but both hold \\[0\\]",
        ),
        (lambda: pgm.d_separated([[0, 1]], 0, 1, [1]), "ys and given must be disjoint"),
        (lambda: pgm.d_separated([[0, 1]], [], 1, []), "xs is empty"),
        (lambda: pgm.d_separated([[0, 1]], 0, [], []), "ys is empty"),
        (
            lambda: pgm.d_separated([[0, 1]], 0.5, 1, []),
            "xs must be a node index or a list of them",
        ),
    ],
)
def test_bad_graphs_are_clear_value_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()
