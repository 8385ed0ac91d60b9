"""MCMC engine: samplers recover known moments, targets and gradients, bad input.

Small data on purpose: every built-in target shares the same compiled samplers (function
pointers), and each distinct expression compiles only itself (~0.3 s).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from prmlab.engine import mcmc
from prmlab.engine.mcmc import targets

MEAN = np.array([1.0, -1.0])
COV = np.array([[1.0, 0.8], [0.8, 1.0]])
DISC = "0 if x*x + y*y < 1 else -inf"


@pytest.fixture(scope="module")
def gauss():
    return targets.gaussian(MEAN, COV)


def _pooled(result):
    return result.chains.reshape(-1, 2)


def _assert_moments(result, mean, cov, n_sd=5.0, cov_tol=0.15):
    draws = result.chains
    ess = mcmc.ess(draws)
    err = np.sqrt(np.diag(cov) / ess)  # Monte-Carlo standard error of each mean
    assert np.all(np.abs(_pooled(result).mean(axis=0) - mean) < n_sd * err), (
        _pooled(result).mean(axis=0),
        err,
    )
    np.testing.assert_allclose(np.cov(_pooled(result).T), cov, atol=cov_tol * np.abs(cov).max())


def _assert_gradient_matches_finite_differences(t, pts, h=1e-6):
    lp, g = t.gradient(pts)
    np.testing.assert_allclose(lp, t.log_density(pts))
    for k in range(2):
        step = np.zeros(2)
        step[k] = h
        fd = (t.log_density(pts + step) - t.log_density(pts - step)) / (2 * h)
        np.testing.assert_allclose(g[:, k], fd, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize(
    "method, params",
    [("mh", {"proposal_scale": 1.0}), ("gibbs", {}), ("hmc", {"step_size": 0.25, "n_leapfrog": 8})],
)
def test_each_sampler_recovers_correlated_gaussian(gauss, method, params):
    r = mcmc.sample(gauss, method, 5000, n_chains=4, seed=1, **params)
    assert r.chains.shape == (4, 5000, 2) and r.accept_rate.shape == (4,)
    _assert_moments(r, MEAN, COV)
    assert np.all(mcmc.rhat(r.chains) < 1.01)
    assert np.all((r.accept_rate > 0.1) & (r.accept_rate <= 1.0))


def test_gibbs_uses_exact_conditionals_on_a_gaussian(gauss):
    # Exact conditionals always move: acceptance 1 and the first step follows x|y analytically.
    r = mcmc.sample(gauss, "gibbs", 3, n_chains=1, seed=0, x0=(1.0, 1.0), record=True)
    assert np.all(r.accept_rate == 1.0)
    corner = r.proposals[0, 0]
    assert corner[1] == 1.0  # only x moved in the first half-sweep (the staircase corner)


@pytest.mark.parametrize("make", [targets.banana, targets.mixture, targets.funnel])
def test_builtin_targets_moments_with_gibbs(make):
    t = make()
    r = mcmc.sample(t, "gibbs", 4000, n_chains=4, seed=2)
    _assert_moments(r, t.mean, t.cov, cov_tol=0.25)


@pytest.mark.parametrize("make", list(targets.PRESETS.values()))
def test_builtin_gradients_match_finite_differences(make):
    t = make()
    rng = np.random.default_rng(0)
    x0, x1, y0, y1 = t.bounds
    pts = np.column_stack([rng.uniform(x0, x1, 20) * 0.5, rng.uniform(y0, y1, 20) * 0.5])
    _assert_gradient_matches_finite_differences(t, pts)


def test_gaussian_marginals_on_grid(gauss):
    xs, px, ys, py = gauss.marginals(201)
    np.testing.assert_allclose(px, stats.norm.pdf(xs, 1.0, 1.0), atol=2e-3)
    np.testing.assert_allclose(py, stats.norm.pdf(ys, -1.0, 1.0), atol=2e-3)


def test_expression_target_gives_right_moments():
    t = targets.expression("-(x - 1)**2/2 - (y + 2)**2/(2*4)", bounds=(-4, 6, -9, 5))
    mean, cov = np.array([1.0, -2.0]), np.diag([1.0, 4.0])
    for method, params in (
        ("hmc", {"step_size": 0.4, "n_leapfrog": 6}),
        ("mh", {"proposal_scale": 2.0}),
    ):
        _assert_moments(mcmc.sample(t, method, 4000, seed=3, **params), mean, cov)


def test_expression_gradient_is_exact():
    text = "-abs(x)**1.5 + min(x, y, 2)*sin(y) - log(1 + exp(x)) + (tanh(y) if x > 0 else cos(x)/3) + sqrt(x*x + 1)/max(2, y) + e**(-y*y) * pi"
    t = targets.expression(text)
    rng = np.random.default_rng(5)
    pts = rng.uniform(-3, 3, (40, 2))
    _assert_gradient_matches_finite_differences(t, pts)
    lp = t.log_density(pts)
    # The same formula, evaluated by Python on the same points.
    x, y = pts[:, 0], pts[:, 1]
    ref = (
        -(np.abs(x) ** 1.5)
        + np.minimum(np.minimum(x, y), 2) * np.sin(y)
        - np.log(1 + np.exp(x))
        + np.where(x > 0, np.tanh(y), np.cos(x) / 3)
        + np.sqrt(x * x + 1) / np.maximum(2, y)
        + np.e ** (-y * y) * np.pi
    )
    np.testing.assert_allclose(lp, ref, rtol=1e-12)


HOSTILE = [
    "__import__('os').system('echo pwned')",
    "open('/etc/passwd')",
    "x.real",
    "().__class__.__bases__",
    "x[0]",
    "lambda: 1",
    "foo + x",
    "exec('1')",
    "x if y",
    "",
    "   ",
    "1 +",
    "x and y",
    "not x",
    "[x, y]",
    "'text'",
    "f'{x}'",
    "exp(x, y)",
    "min(x)",
    "exp(x=1)",
    "x // 2",
    "x % 2",
    "x is y",
    "x in y",
    "(z := 2)",
    "1j",
    "True",
    "x; y",
    "exp",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_expressions_are_rejected_without_running(text, monkeypatch):
    import numba

    def refuse(*args, **kwargs):
        raise AssertionError("compiled a refused expression")

    monkeypatch.setattr(numba, "njit", refuse)
    with pytest.raises(ValueError) as info:
        targets.expression(text)
    message = str(info.value)
    if text.strip():
        assert "column" in message, message
    else:
        assert "empty" in message


def test_error_names_the_column():
    with pytest.raises(ValueError, match=r"column 7: unknown name 'z'"):
        targets.expression("x + y*z")
    with pytest.raises(ValueError, match=r"column 1: function 'print'"):
        targets.expression("print(x)")


@pytest.mark.parametrize("method", ["mh", "gibbs", "hmc"])
def test_disc_supported_target_is_never_left(method):
    t = targets.expression(DISC, bounds=(-1.5, 1.5, -1.5, 1.5))
    params = {"mh": {"proposal_scale": 1.5}, "gibbs": {"slice_width": 2.0}}.get(
        method, {"step_size": 0.3, "n_leapfrog": 10}
    )
    r = mcmc.sample(t, method, 2000, n_chains=2, seed=4, x0=(0.5, 0.0), record=True, **params)
    r2 = (r.chains**2).sum(axis=2)
    assert np.all(r2 < 1.0)
    if method != "gibbs":
        outside = (r.proposals**2).sum(axis=2) >= 1.0
        assert outside.any() and not r.accepted[outside].any()


def test_nan_density_is_an_error_naming_the_point():
    t = targets.expression("log(x) - x - y*y")  # a Gamma(2) in x, but log(x < 0) is NaN
    with pytest.raises(ValueError, match=r"at \(x, y\) = \(-[0-9.e-]+, .* is NaN"):
        mcmc.sample(t, "mh", 500, n_chains=1, seed=0, x0=(0.5, 0.0), proposal_scale=2.0)


def test_non_finite_gradient_is_an_error_naming_the_point():
    t = targets.expression("-sqrt(abs(x)) - y*y")
    with pytest.raises(ValueError, match=r"gradient .*at \(x, y\) = \(0, 0\)"):
        mcmc.sample(t, "hmc", 10, n_chains=1, x0=(0.0, 0.0))


def test_start_outside_support_is_refused():
    t = targets.expression(DISC)
    with pytest.raises(ValueError, match="zero density"):
        mcmc.sample(t, "mh", 10, n_chains=2, x0=[[0.0, 0.0], [2.0, 2.0]])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"method": "nuts"}, "method must be one of"),
        ({"n_steps": 0}, "n_steps must be >= 1"),
        ({"n_steps": -5}, "n_steps must be >= 1"),
        ({"proposal_scale": 0.0}, "proposal_scale must be > 0"),
        ({"proposal_scale": -1.0}, "proposal_scale must be > 0"),
        ({"method": "hmc", "step_size": 0.0}, "step_size must be > 0"),
        ({"method": "hmc", "n_leapfrog": 0}, "n_leapfrog must be >= 1"),
        ({"method": "gibbs", "slice_width": -2.0}, "slice_width must be > 0"),
        ({"step_size": 0.1}, "unknown parameter 'step_size' for method 'mh'"),
        ({"n_chains": 0}, "n_chains must be >= 1"),
        ({"x0": [1.0, 2.0, 3.0]}, "x0 must have shape"),
        ({"x0": [[0.0, np.nan]] * 4}, "x0 contains NaN"),
        ({"seed": -1}, "random_state must be >= 0"),
    ],
)
def test_bad_settings(gauss, kwargs, match):
    args = {"method": "mh", "n_steps": 10, **kwargs}
    with pytest.raises(ValueError, match=match):
        mcmc.sample(gauss, **args)


def test_bad_target_parameters():
    with pytest.raises(ValueError, match="positive definite"):
        targets.gaussian(cov=[[1.0, 2.0], [2.0, 1.0]])
    with pytest.raises(ValueError, match="sigma must be > 0"):
        targets.banana(sigma=0.0)
    with pytest.raises(ValueError, match="width must be > 0"):
        targets.donut(width=-1)
    with pytest.raises(ValueError, match="weights must be"):
        targets.mixture(weights=[1.0, -1.0])
    with pytest.raises(ValueError, match="target must be a Target"):
        mcmc.sample("banana", "mh", 10)


def test_reproducible_and_chunking_invariant(gauss):
    a = mcmc.sample(gauss, "hmc", 700, n_chains=3, seed=11)
    sampler = mcmc.Sampler(gauss, "hmc", n_chains=3, seed=11)
    gen = sampler.iter_run(700)
    steps = []
    try:
        while True:
            steps.append(next(gen))
    except StopIteration as stop:
        b = stop.value
    np.testing.assert_array_equal(a.chains, b.chains)
    assert all(0 <= s.progress < 1 for s in steps)
    # Step by step continues the same chains.
    s = mcmc.Sampler(gauss, "mh", n_chains=2, seed=3)
    parts = [s.run(1).chains for _ in range(5)]
    whole = mcmc.sample(gauss, "mh", 5, n_chains=2, seed=3).chains
    np.testing.assert_array_equal(np.concatenate(parts, axis=1), whole)
    # A copy advances independently and identically.
    twin = s.copy()
    np.testing.assert_array_equal(twin.run(4).chains, s.run(4).chains)
    wider = s.with_params(proposal_scale=3.0)
    assert wider.params["proposal_scale"] == 3.0 and s.params["proposal_scale"] == 1.0
    np.testing.assert_array_equal(wider.positions, s.positions)
    with pytest.raises(ValueError, match="proposal_scale must be > 0"):
        s.with_params(proposal_scale=-1.0)


def test_chains_in_threads_match_one_thread(gauss):
    big = mcmc.samplers.PARALLEL_MIN_STEPS  # 2 chains x this: the chains go to the pool
    whole = mcmc.sample(gauss, "mh", big, n_chains=2, seed=8)
    s = mcmc.Sampler(gauss, "mh", n_chains=2, seed=8)
    parts = [s.run(big // 4).chains for _ in range(4)]  # each below the pool's threshold
    np.testing.assert_array_equal(whole.chains, np.concatenate(parts, axis=1))


def test_recorded_proposals_and_trajectories(gauss):
    r = mcmc.sample(gauss, "mh", 200, n_chains=2, seed=0, record=True)
    prev = np.concatenate([r.chains[:, :1] * np.nan, r.chains[:, :-1]], axis=1)
    acc = r.accepted
    np.testing.assert_array_equal(r.chains[acc], r.proposals[acc])
    np.testing.assert_array_equal(r.chains[:, 1:][~acc[:, 1:]], prev[:, 1:][~acc[:, 1:]])
    h = mcmc.sample(gauss, "hmc", 50, n_chains=2, seed=0, record=True, n_leapfrog=7)
    assert h.trajectories.shape == (2, 50, 8, 2)
    np.testing.assert_array_equal(h.trajectories[:, 1:, 0], h.chains[:, :-1])
    np.testing.assert_array_equal(h.trajectories[:, :, -1], h.proposals)
    assert mcmc.sample(gauss, "mh", 5, n_chains=1).proposals is None


def test_rejection_sampling(gauss):
    r = mcmc.rejection_sample(gauss, 40_000, seed=0)
    assert r.n_violations == 0
    s = r.samples
    np.testing.assert_allclose(s.mean(axis=0), MEAN, atol=0.05)
    np.testing.assert_allclose(np.cov(s.T), COV, atol=0.06)
    # alpha = p~/(M q): the acceptance rate is Z / M; p~ = N(mu, S) 2 pi, so Z = 2 pi.
    z = 2 * np.pi
    assert r.accept_rate == pytest.approx(z / np.exp(r.log_M), rel=0.05)
    assert np.all(r.accepted == (r.u * np.exp(r.log_envelope) <= np.exp(r.log_p)))
    with pytest.warns(UserWarning, match="M is too small"):
        mcmc.rejection_sample(gauss, 1000, M=1e-3, seed=0)
    with pytest.raises(ValueError, match="M must be > 0"):
        mcmc.rejection_sample(gauss, 10, M=0.0)


def test_importance_sampling(gauss):
    r = mcmc.importance_sample(gauss, 40_000, seed=0)
    assert r.weights.sum() == pytest.approx(1.0)
    # ESS = 1 / sum w^2 from the raw log-weights, computed here independently of the sampler
    w = np.exp(r.log_weights - r.log_weights.max())
    assert r.ess == pytest.approx(w.sum() ** 2 / (w**2).sum(), rel=1e-9)
    assert 0.05 * 40_000 < r.ess < 40_000  # a Gaussian proposal near the target is efficient
    np.testing.assert_allclose(r.mean, MEAN, atol=0.05)
    np.testing.assert_allclose(r.cov, COV, atol=0.08)
    z = 2 * np.pi
    assert np.exp(r.log_Z) == pytest.approx(z, rel=0.03)
    disc = targets.expression(DISC)
    with pytest.raises(ValueError, match="none of the"):
        mcmc.importance_sample(disc, 50, proposal_mean=(30.0, 30.0), proposal_cov=np.eye(2))
