"""Mean field and Gibbs sampling of prmlab.engine.pgm against exact enumeration."""

import numba
import numpy as np
import pytest

from prmlab.engine import pgm


def small_models():
    rng = np.random.default_rng(7)
    grid = pgm.ising_grid(3, 4, 0.4, rng.normal(scale=0.6, size=(3, 4)))
    loop = pgm.PairwiseMRF(
        rng.normal(size=(5, 3)),
        [[0, 1], [1, 2], [2, 3], [3, 4], [4, 0]],
        rng.normal(size=(5, 3, 3)),
    )
    return {"grid": grid, "loop-3-states": loop}


@pytest.mark.parametrize("name", ["grid", "loop-3-states"])
def test_mean_field_elbo_rises_and_stays_below_log_z(name):
    mrf = small_models()[name]
    log_z = pgm.exact_inference(mrf).log_partition
    for seed in range(3):
        fit = pgm.mean_field(mrf, seed=seed)
        history = fit.elbo_history_
        assert fit.converged and len(history) == fit.n_iter + 1
        assert np.all(np.diff(history) >= -1e-12)
        assert np.all(history <= log_z + 1e-12)
        np.testing.assert_allclose(fit.marginals.sum(axis=1), 1.0)
        # the ELBO of the returned factors, recomputed by brute force
        states = np.array(np.meshgrid(*[range(mrf.n_states)] * mrf.n_nodes, indexing="ij"))
        configs = states.reshape(mrf.n_nodes, -1).T
        log_q = np.log(fit.marginals[np.arange(mrf.n_nodes), configs]).sum(axis=1)
        q = np.exp(log_q)
        assert fit.elbo == pytest.approx(float(q @ (mrf.log_score(configs) - log_q)), abs=1e-9)


def test_mean_field_iter_form_matches_and_tol_zero_runs_every_sweep():
    mrf = small_models()["grid"]
    steps = list(pgm.iter_mean_field(mrf, max_iter=5, tol=0.0, seed=3))
    batch = pgm.mean_field(mrf, max_iter=5, tol=0.0, seed=3)
    assert [s.n_iter for s in steps] == [1, 2, 3, 4, 5]
    np.testing.assert_array_equal(steps[-1].marginals, batch.marginals)
    np.testing.assert_array_equal(steps[-1].elbo_history_, batch.elbo_history_)


@pytest.mark.parametrize("name", ["grid", "loop-3-states"])
def test_gibbs_marginals_match_exact_within_monte_carlo_error(name):
    mrf = small_models()[name]
    exact = pgm.exact_inference(mrf).marginals
    n = 20_000
    run = pgm.gibbs(mrf, n, burn_in=200, seed=1)
    # correlated draws: allow ~6 standard errors of an effective sample of n / 10
    bound = 6 * np.sqrt(exact * (1 - exact) / (n / 10)) + 1e-3
    assert np.all(np.abs(run.marginals - exact) < bound)


def test_gibbs_grid_kernel_and_general_kernel_sample_the_same_law():
    grid = small_models()["grid"]
    general = pgm.PairwiseMRF(grid.log_unary, grid.edges, grid.log_pairwise)  # no grid_shape
    exact = pgm.exact_inference(grid).marginals
    for mrf in (grid, general):
        run = pgm.gibbs(mrf, 20_000, burn_in=100, seed=5)
        assert np.abs(run.marginals - exact).max() < 0.02


def test_gibbs_on_a_grid_with_huge_potentials_stays_exact_in_the_limit():
    # log-odds beyond exp's range: the grid kernel's factors would overflow; the general
    # kernel takes over and every pixel follows its overwhelming field
    field = np.where(np.arange(12).reshape(3, 4) % 2 == 0, 900.0, -900.0)
    run = pgm.gibbs(pgm.ising_grid(3, 4, 50.0, field), 5, seed=0)
    np.testing.assert_array_equal(run.state, (field > 0).ravel().astype(int))


def test_gibbs_burn_in_is_extra_and_record_keeps_each_sweep():
    mrf = small_models()["grid"]
    run = pgm.gibbs(mrf, 50, burn_in=30, seed=2, record=[0, 5, 11])
    assert run.samples.shape == (50, 3) and run.n_kept == 50 and run.sweep == 80
    np.testing.assert_array_equal(run.samples[-1], run.state[[0, 5, 11]])
    counted = np.stack([(run.samples == s).mean(axis=0) for s in (0, 1)], axis=1)
    np.testing.assert_allclose(run.marginals[[0, 5, 11]], counted)
    assert pgm.gibbs(mrf, 5).samples.shape == (5, 0)


def test_gibbs_is_seeded_and_the_iter_form_draws_the_same_numbers():
    mrf = small_models()["loop-3-states"]
    a = pgm.gibbs(mrf, 40, burn_in=5, seed=9, record=[0, 1, 2, 3, 4])
    b = pgm.gibbs(mrf, 40, burn_in=5, seed=9, record=[0, 1, 2, 3, 4])
    c = pgm.gibbs(mrf, 40, burn_in=5, seed=10, record=[0, 1, 2, 3, 4])
    np.testing.assert_array_equal(a.samples, b.samples)
    assert not np.array_equal(a.samples, c.samples)
    steps = list(pgm.iter_gibbs(mrf, 40, burn_in=5, seed=9, record=[0, 1, 2, 3, 4]))
    assert len(steps) == 45 and steps[4].in_burn_in and not steps[5].in_burn_in
    np.testing.assert_array_equal(steps[-1].samples, a.samples)
    np.testing.assert_array_equal(steps[-1].marginals, a.marginals)


def _all_outputs():
    rng = np.random.default_rng(0)
    grid = pgm.ising_grid(100, 120, 0.5, rng.normal(size=(100, 120)))  # large: threads run
    three = pgm.PairwiseMRF(rng.normal(size=(grid.n_nodes, 3)), grid.edges, rng.normal(size=(3, 3)))
    out = []
    for mrf in (grid, three):
        run = pgm.gibbs(mrf, 3, burn_in=2, seed=4, record=[0, 999])
        mf = pgm.mean_field(mrf, max_iter=3, tol=0.0)
        bp = pgm.belief_propagation(mrf, max_iter=3, tol=0.0)
        out += [run.marginals, run.samples, mf.elbo_history_, mf.marginals, bp.messages]
    return out


def test_same_numbers_on_one_thread_and_on_all():
    threads = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = _all_outputs()
    finally:
        numba.set_num_threads(threads)
    for a, b in zip(one, _all_outputs(), strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda m: pgm.gibbs(m, 0), "n_sweeps must be >= 1, got 0"),
        (lambda m: pgm.gibbs(m, 5, burn_in=-1), "burn_in must be >= 0"),
        (
            lambda m: pgm.gibbs(m, 5, record=[12]),
            "record holds node 12, out of range: node indices run 0..11",
        ),
        (lambda m: pgm.gibbs(m, 5, record=[0.5]), "record must be a list of node indices"),
        (lambda m: pgm.gibbs(m, 5, seed=-3), "random_state must be >= 0"),
        (lambda m: pgm.mean_field(m, max_iter=1.5), "max_iter must be an integer"),
        (lambda m: pgm.mean_field(m, tol=np.inf), "tol must be a finite number"),
    ],
)
def test_bad_arguments_are_clear_value_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call(small_models()["grid"])
