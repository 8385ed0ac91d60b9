"""prmlab.engine.pgm models and belief propagation against exact enumeration."""

import warnings

import numpy as np
import pytest

from prmlab.engine import pgm


def random_tree(rng, n, k, shared=False):
    """A random tree: node i joins a random earlier node, edges in either orientation."""
    edges = []
    for i in range(1, n):
        j = int(rng.integers(0, i))
        edges.append([i, j] if rng.random() < 0.5 else [j, i])
    pairwise = rng.normal(size=(k, k)) if shared else rng.normal(size=(n - 1, k, k))
    return pgm.PairwiseMRF(rng.normal(size=(n, k)), edges, pairwise)


def chain(rng, n, k):
    return pgm.PairwiseMRF(
        rng.normal(size=(n, k)), [[i, i + 1] for i in range(n - 1)], rng.normal(size=(n - 1, k, k))
    )


MODELS = [
    ("chain-2", lambda rng: chain(rng, 9, 2)),
    ("chain-3", lambda rng: chain(rng, 7, 3)),
    ("tree-2", lambda rng: random_tree(rng, 12, 2)),
    ("tree-3-shared", lambda rng: random_tree(rng, 8, 3, shared=True)),
    (
        "forest-4",
        lambda rng: pgm.PairwiseMRF(
            rng.normal(size=(6, 4)), [[0, 1], [3, 2], [4, 5]], rng.normal(size=(4, 4))
        ),
    ),
]


@pytest.mark.parametrize("schedule", ["parallel", "sequential"])
@pytest.mark.parametrize(("name", "make"), MODELS, ids=[m[0] for m in MODELS])
def test_sum_product_is_exact_on_trees(name, make, schedule):
    for seed in range(3):
        mrf = make(np.random.default_rng(seed))
        exact = pgm.exact_inference(mrf)
        bp = pgm.belief_propagation(mrf, schedule=schedule)
        assert bp.converged and mrf.is_tree
        np.testing.assert_allclose(bp.marginals, exact.marginals, rtol=0, atol=1e-10)
        assert abs(bp.log_partition - exact.log_partition) < 1e-10
        np.testing.assert_array_equal(bp.map, np.argmax(exact.marginals, axis=1))


@pytest.mark.parametrize("schedule", ["parallel", "sequential"])
@pytest.mark.parametrize(("name", "make"), MODELS, ids=[m[0] for m in MODELS])
def test_max_sum_finds_the_map_on_trees(name, make, schedule):
    for seed in range(3):
        mrf = make(np.random.default_rng(seed))
        exact = pgm.exact_inference(mrf)
        bp = pgm.belief_propagation(mrf, kind="max", schedule=schedule)
        np.testing.assert_array_equal(bp.map, exact.map)
        np.testing.assert_allclose(bp.marginals, exact.max_marginals, rtol=0, atol=1e-10)
        assert abs(bp.log_partition - exact.log_max) < 1e-10
        assert abs(mrf.log_score(exact.map) - exact.log_max) < 1e-12


def test_sequential_schedule_is_exact_on_a_chain_in_one_sweep():
    mrf = chain(np.random.default_rng(0), 10, 2)
    bp = pgm.belief_propagation(mrf, schedule="sequential", max_iter=1, tol=0.0)
    np.testing.assert_allclose(bp.marginals, pgm.exact_inference(mrf).marginals, atol=1e-12)


def test_flooding_on_a_chain_needs_its_length():
    mrf = chain(np.random.default_rng(0), 10, 2)
    bp = pgm.belief_propagation(mrf, tol=1e-14)
    assert (
        bp.n_iter == 10 and bp.change < 1e-15
    )  # 9 sweeps to cross the chain, one more to see nothing change


def test_binary_flooding_is_exact_with_potentials_beyond_exps_range():
    # beliefs of ±1000 leave the kernel's exp(belief) shortcut: the log path takes over
    rng = np.random.default_rng(4)
    mrf = random_tree(rng, 10, 2)
    mrf = pgm.PairwiseMRF(400 * mrf.log_unary, mrf.edges, 300 * mrf.log_pairwise)
    exact = pgm.exact_inference(mrf)
    bp = pgm.belief_propagation(mrf)
    assert np.isfinite(bp.messages).all()
    np.testing.assert_allclose(bp.marginals, exact.marginals, atol=1e-10)
    assert abs(bp.log_partition - exact.log_partition) < 1e-9 * abs(exact.log_partition)


def test_loopy_bp_on_a_small_grid_is_close_to_exact():
    rng = np.random.default_rng(3)
    mrf = pgm.ising_grid(3, 4, 0.3, rng.normal(scale=0.5, size=(3, 4)))
    exact = pgm.exact_inference(mrf)
    for schedule in ("parallel", "sequential"):
        bp = pgm.belief_propagation(mrf, schedule=schedule)
        assert bp.converged and not mrf.is_tree
        assert np.abs(bp.marginals - exact.marginals).max() < 0.02
        assert abs(bp.log_partition - exact.log_partition) < 0.05
        np.testing.assert_array_equal(pgm.belief_propagation(mrf, "max").map, exact.map)


def test_binary_and_general_kernels_give_the_same_messages():
    """Binary flooding runs on log-odds; the sequential and k-state kernels on full messages:
    a 2-state model padded with an impossible-ish third state is not needed, compare the
    flooding messages with message_update applied to the previous sweep's messages."""
    mrf = pgm.ising_grid(3, 3, 0.8, np.linspace(-1, 1, 9).reshape(3, 3))
    before = pgm.belief_propagation(mrf, max_iter=4, tol=0.0)
    after = pgm.belief_propagation(mrf, max_iter=5, tol=0.0)
    stepped = np.array(
        [pgm.message_update(mrf, before.messages, d) for d in range(2 * mrf.n_edges)]
    )
    np.testing.assert_allclose(after.messages, stepped, atol=1e-12)
    np.testing.assert_allclose(pgm.node_beliefs(mrf, after.messages), after.marginals, atol=1e-12)


def test_init_messages_resume_a_run():
    mrf = random_tree(np.random.default_rng(1), 9, 3)
    first = pgm.belief_propagation(mrf, max_iter=2, tol=0.0)
    resumed = pgm.belief_propagation(mrf, max_iter=3, tol=0.0, init=first.messages)
    whole = pgm.belief_propagation(mrf, max_iter=5, tol=0.0)
    np.testing.assert_allclose(resumed.messages, whole.messages, atol=1e-12)


@pytest.mark.parametrize("k", [2, 3])
@pytest.mark.parametrize("schedule", ["parallel", "sequential"])
def test_iter_form_matches_the_batch_form_and_tol_zero_runs_every_sweep(k, schedule):
    rng = np.random.default_rng(5)
    grid = pgm.ising_grid(3, 3, 0.4, rng.normal(size=(3, 3)))
    mrf = pgm.PairwiseMRF(rng.normal(size=(9, k)), grid.edges, rng.normal(size=(k, k)))
    steps = list(pgm.iter_belief_propagation(mrf, max_iter=7, tol=0.0, schedule=schedule))
    batch = pgm.belief_propagation(mrf, max_iter=7, tol=0.0, schedule=schedule)
    assert [s.n_iter for s in steps] == list(range(1, 8)) and batch.n_iter == 7
    np.testing.assert_array_equal(steps[-1].messages, batch.messages)
    np.testing.assert_array_equal(steps[-1].marginals, batch.marginals)
    assert not np.shares_memory(steps[0].messages, steps[1].messages)
    assert not np.allclose(steps[0].marginals, steps[-1].marginals)


def test_loopy_bp_warns_when_it_does_not_converge():
    mrf = pgm.ising_grid(4, 4, 2.0, 0.01)  # strong coupling, a weak field: slow to settle
    with pytest.warns(pgm.ConvergenceWarning, match="did not converge in 3 sweeps"):
        result = pgm.belief_propagation(mrf, max_iter=3)
    assert not result.converged and result.change > 1e-8
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pgm.belief_propagation(mrf, max_iter=3, tol=0.0)  # a fixed number of sweeps: no warning


def test_damping_still_converges_to_the_same_fixed_point():
    mrf = random_tree(np.random.default_rng(2), 10, 2)
    exact = pgm.exact_inference(mrf)
    for schedule in ("parallel", "sequential"):
        bp = pgm.belief_propagation(mrf, damping=0.5, max_iter=500, tol=1e-13, schedule=schedule)
        np.testing.assert_allclose(bp.marginals, exact.marginals, atol=1e-10)


def test_ising_grid_layout():
    field = np.arange(6.0).reshape(2, 3)
    mrf = pgm.ising_grid(2, 3, 0.7, field)
    assert mrf.grid_shape == (2, 3) and mrf.n_nodes == 6 and mrf.n_edges == 7
    np.testing.assert_array_equal(mrf.log_unary[4], [-4.0, 4.0])
    np.testing.assert_array_equal(mrf.log_pairwise, [[0.7, -0.7], [-0.7, 0.7]])
    assert {tuple(e) for e in mrf.edges} == {(0, 1), (1, 2), (3, 4), (4, 5), (0, 3), (1, 4), (2, 5)}
    colours = mrf.colouring
    assert len(colours.start) == 3  # a checkerboard: two classes
    np.testing.assert_array_equal(colours.nodes[: colours.start[1]], [0, 2, 4])
    # energy: -log p̃ = -(Σ h x± + β Σ agree±)
    x = np.array([1, 1, 0, 0, 1, 0])
    spins = 2 * x - 1
    agree = sum(spins[u] * spins[v] for u, v in mrf.edges)
    assert mrf.log_score(x) == pytest.approx(float((field.ravel() * spins).sum() + 0.7 * agree))


def test_exact_refuses_large_models():
    with pytest.raises(ValueError, match=r"2\*\*23 = 8,388,608 configurations.*belief_propagation"):
        pgm.exact_inference(pgm.ising_grid(1, 23, 0.1, 0.0))
    with pytest.raises(ValueError, match="3\\*\\*14"):
        pgm.exact_inference(pgm.PairwiseMRF(np.zeros((14, 3)), [], np.zeros((3, 3))))


BAD_MODELS = [
    (
        lambda: pgm.PairwiseMRF([[0.0, np.inf]], [], np.zeros((2, 2))),
        "log_unary contains NaN or infinity",
    ),
    (
        lambda: pgm.PairwiseMRF(np.zeros((3, 2)), [[0, 1]], [[0.0, np.nan], [0, 0]]),
        "log_pairwise contains NaN",
    ),
    (
        lambda: pgm.PairwiseMRF(np.zeros((3, 2)), [[0, 3]], np.zeros((2, 2))),
        r"edges\[0\] = \(0, 3\) is out of range: node indices run 0..2",
    ),
    (lambda: pgm.PairwiseMRF(np.zeros((3, 2)), [[0, -1]], np.zeros((2, 2))), "out of range"),
    (lambda: pgm.PairwiseMRF(np.zeros((3, 2)), [[1, 1]], np.zeros((2, 2))), "self-loop"),
    (
        lambda: pgm.PairwiseMRF(np.zeros((3, 2)), [[0, 1], [1, 0]], np.zeros((2, 2))),
        r"pair \(0, 1\) more than once \(rows \[0, 1\]",
    ),
    (
        lambda: pgm.PairwiseMRF(np.zeros((3, 2)), [[0, 1]], np.zeros((2, 3, 2))),
        r"log_pairwise must have shape \(1, 2, 2\).*or \(2, 2\)",
    ),
    (
        lambda: pgm.PairwiseMRF(np.zeros((3, 2)), [[0, 1, 2]], np.zeros((2, 2))),
        r"edges must have shape \(n_edges, 2\)",
    ),
    (lambda: pgm.PairwiseMRF(np.zeros((3, 2)), [[0, 1.5]], np.zeros((2, 2))), "whole node indices"),
    (lambda: pgm.PairwiseMRF(np.zeros((3, 1)), [], np.zeros((1, 1))), "at least 2 states"),
    (
        lambda: pgm.ising_grid(2, 3, 0.5, np.zeros((3, 2))),
        r"field must be a number or have shape \(height, width\) = \(2, 3\)",
    ),
    (lambda: pgm.ising_grid(0, 3, 0.5), "height must be >= 1, got 0"),
    (lambda: pgm.ising_grid(2, 3, np.nan), "coupling must be a finite number"),
    (lambda: pgm.ising_grid(2, 3, 0.5, "strong"), "field must be a number, got 'strong'"),
    (lambda: pgm.belief_propagation(pgm.ising_grid(2, 2, 0.1), kind="mean"), "kind"),
    (
        lambda: pgm.belief_propagation(pgm.ising_grid(2, 2, 0.1), damping=1.0),
        "damping must be < 1.0, got 1.0",
    ),
    (lambda: pgm.belief_propagation(pgm.ising_grid(2, 2, 0.1), tol=-1), "tol must be >= 0.0"),
    (
        lambda: pgm.belief_propagation(pgm.ising_grid(2, 2, 0.1), max_iter=0),
        "max_iter must be >= 1",
    ),
    (lambda: pgm.belief_propagation(pgm.ising_grid(2, 2, 0.1), schedule="random"), "schedule"),
    (
        lambda: pgm.belief_propagation(pgm.ising_grid(2, 2, 0.1), init=np.zeros((3, 2))),
        r"init must hold one log message per directed edge, shape \(2 n_edges, n_states\) = \(8, 2\)",
    ),
    (lambda: pgm.belief_propagation(np.zeros((3, 2))), "mrf must be a PairwiseMRF, got ndarray"),
    (
        lambda: pgm.message_update(pgm.ising_grid(2, 2, 0.1), np.zeros((8, 2)), 8),
        "index must be < 8",
    ),
]


@pytest.mark.parametrize(("make", "message"), BAD_MODELS)
def test_bad_input_is_a_clear_value_error(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_model_arrays_are_read_only_copies():
    unary = np.zeros((2, 2))
    mrf = pgm.PairwiseMRF(unary, [[0, 1]], np.eye(2))
    unary[0, 0] = 5.0
    assert mrf.log_unary[0, 0] == 0.0
    with pytest.raises(ValueError):
        mrf.log_unary[0, 0] = 1.0
