"""Particle filter: resampler bounds, agreement with the Kalman filter, degeneracy, bad input."""

import numpy as np
import pytest

from prmlab.data.tracks import constant_velocity, position_matrix
from prmlab.engine import kalman, particle

RESAMPLERS = ["systematic", "stratified", "residual", "multinomial"]


def _resampler(name):
    return getattr(particle, f"{name}_resample")


def _weights(seed, n=50):
    rng = np.random.default_rng(seed)
    w = rng.gamma(0.3, size=n)
    if n > 1:  # a zero weight, but never the only one (0/0)
        w[rng.integers(n)] = 0.0
    return w / w.sum()


@pytest.mark.parametrize("seed", range(5))
def test_systematic_counts_are_floor_or_ceil(seed):
    w = _weights(seed)
    for n in (50, 37):
        counts = np.bincount(particle.systematic_resample(w, n, seed=seed), minlength=w.size)
        assert (counts >= np.floor(n * w) - 1e-9).all()
        assert (counts <= np.ceil(n * w) + 1e-9).all()


@pytest.mark.parametrize("seed", range(5))
def test_residual_keeps_at_least_the_integer_part(seed):
    w = _weights(seed)
    counts = np.bincount(particle.residual_resample(w, seed=seed), minlength=w.size)
    assert (counts >= np.floor(w.size * w)).all()
    assert counts.sum() == w.size


@pytest.mark.parametrize("seed", range(5))
def test_stratified_counts_are_within_two_of_expectation(seed):
    w = _weights(seed)
    counts = np.bincount(particle.stratified_resample(w, seed=seed), minlength=w.size)
    assert (np.abs(counts - w.size * w) < 2).all()


@pytest.mark.parametrize("name", RESAMPLERS)
def test_resamplers_return_int64_reproducible_and_unbiased(name):
    w = np.array([0.1, 0.0, 0.6, 0.3])
    idx = _resampler(name)(w, 20_000, seed=1)
    assert idx.dtype == np.int64 and idx.shape == (20_000,)
    np.testing.assert_array_equal(idx, _resampler(name)(w, 20_000, seed=1))
    assert 1 not in idx  # zero weight is never drawn
    np.testing.assert_allclose(np.bincount(idx, minlength=4) / 20_000, w, atol=0.015)


@pytest.mark.parametrize("name", RESAMPLERS)
def test_resamplers_accept_unnormalised_weights(name):
    a = _resampler(name)([1.0, 3.0], 8, seed=0)
    b = _resampler(name)([0.25, 0.75], 8, seed=0)
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    ("weights", "n", "message"),
    [([-0.1, 1.0], None, "weights must be >= 0"), ([0.0, 0.0], None, "positive sum"),
     ([np.nan, 1.0], None, "weights contains NaN"), ([1.0], 0, "n must be >= 1")],
)  # fmt: skip
def test_resamplers_reject_bad_weights(weights, n, message):
    with pytest.raises(ValueError, match=message):
        particle.systematic_resample(weights, n)


@pytest.mark.parametrize("name", RESAMPLERS)
@pytest.mark.parametrize("n", [1, 7, 50, 1_003])
def test_the_filters_chunked_resampling_draws_the_serial_indices(name, n):
    """The filter resamples in parallel chunks (each finds its start by bisection); the indices
    and the moved particles equal the serial walk's, for weights with zeros (ties in the
    cumulative sums), one dominant particle, and fewer particles than chunks."""
    from prmlab.engine import _particle_kernels as _k

    code = particle.RESAMPLERS[name]
    for w in (_weights(n, n), np.eye(1, n, n // 2)[0], np.full(n, 1.0 / n)):
        X = np.random.default_rng(n).standard_normal((3, n))
        expected = np.empty(n, dtype=np.int64)
        _k.resample_kernel(code, w, np.random.default_rng(1), expected, np.empty(n))
        idx, Y = np.empty(n, dtype=np.int64), np.empty_like(X)
        args = (np.empty(n), np.empty(n), X, Y, 16)
        _k._resample_cloud(code, w, np.random.default_rng(1), idx, *args)
        np.testing.assert_array_equal(idx, expected)
        np.testing.assert_array_equal(Y, X[:, expected])


def test_effective_sample_size():
    assert particle.effective_sample_size(np.ones(10)) == pytest.approx(10.0)
    assert particle.effective_sample_size([0.0, 5.0, 0.0]) == pytest.approx(1.0)
    np.testing.assert_allclose(particle.effective_sample_size(np.ones((3, 4))), [4.0] * 3)
    np.testing.assert_allclose(particle.effective_sample_size([[1.0, 0.0], [1.0, 1.0]]), [1, 2])
    with pytest.raises(ValueError, match="positive sum"):
        particle.effective_sample_size(np.zeros((2, 3)))


@pytest.fixture(scope="module")
def lg():
    F, Q = constant_velocity(dt=1.0, q=0.1)
    H, R = position_matrix(4), np.eye(2) * 2.0
    model = particle.linear_gaussian(F, H, Q, R)
    x0, P0 = np.zeros(4), np.eye(4) * 4.0
    _, zs = particle.simulate(model, 25, x0, P0, seed=4)
    zs[8:11] = np.nan
    return {"F": F, "H": H, "Q": Q, "R": R, "model": model, "x0": x0, "P0": P0, "zs": zs}


def test_particle_filter_agrees_with_kalman_on_linear_gaussian(lg):
    res = particle.run_particle_filter(lg["model"], lg["zs"], 20_000, lg["x0"], lg["P0"], seed=0)
    means, covs, ll = kalman.kalman_filter(
        lg["zs"], lg["F"], lg["H"], lg["Q"], lg["R"], lg["x0"], lg["P0"]
    )
    # Monte Carlo error ~ sd / sqrt(ESS), ESS >= ~1000 here: allow a quarter of a sd
    sd = np.sqrt(np.diagonal(covs, axis1=1, axis2=2))
    assert (np.abs(res.means - means) < 0.25 * sd).all()
    np.testing.assert_allclose(np.diagonal(res.covs, axis1=1, axis2=2), sd**2, rtol=0.3)
    assert res.log_likelihood == pytest.approx(ll, abs=0.5)
    assert res.ess.shape == (25,) and (res.ess <= 20_000 + 1e-6).all()
    assert res.resampled.any() and res.particles is None


def test_resampling_follows_the_ess_threshold(lg):
    args = (lg["model"], lg["zs"], 500, lg["x0"], lg["P0"])
    never = particle.run_particle_filter(*args, seed=1, ess_threshold=0.0)
    always = particle.run_particle_filter(*args, seed=1, ess_threshold=1.0)
    assert not never.resampled.any()
    assert always.resampled[~np.isnan(lg["zs"][:, 0])].all()
    default = particle.run_particle_filter(*args, seed=1)
    np.testing.assert_array_equal(default.resampled, default.ess < 250)


@pytest.mark.parametrize("name", RESAMPLERS)
def test_every_resampler_tracks(lg, name):
    # 5,000 particles: after the gap of missing measurements the ESS falls to ~1 %, and with
    # 2,000 the largest error reached 1 (a posterior sd) in one seed of ten
    res = particle.run_particle_filter(lg["model"], lg["zs"], 5000, lg["x0"], lg["P0"], seed=2,
                                       resampler=name)  # fmt: skip
    means, _, _ = kalman.kalman_filter(
        lg["zs"], lg["F"], lg["H"], lg["Q"], lg["R"], lg["x0"], lg["P0"]
    )
    assert np.abs(res.means[:, :2] - means[:, :2]).max() < 1.0


def test_stepwise_and_chunked_runs_equal_the_batch_run(lg):
    args = (lg["model"], lg["zs"], 300, lg["x0"], lg["P0"])
    batch = particle.run_particle_filter(*args, seed=5, return_particles=True)
    pf = particle.ParticleFilter(lg["model"], 300, lg["x0"], lg["P0"], seed=5)
    for t, z in enumerate(lg["zs"]):
        step = pf.step(z)
        assert step.t == t
        np.testing.assert_allclose(step.mean, batch.means[t])
        np.testing.assert_allclose(step.particles, batch.particles[t])
        np.testing.assert_allclose(step.weights, batch.weights[t])
    gen = particle.iter_particle_filter(*args, seed=5)
    steps = []
    try:
        while True:
            steps.append(next(gen))
    except StopIteration as stop:
        result = stop.value
    assert steps[-1].progress == 1.0
    np.testing.assert_allclose(result.means, batch.means)
    np.testing.assert_array_equal(result.resampled, batch.resampled)
    assert batch.particles.shape == (25, 300, 4) and batch.weights.shape == (25, 300)
    np.testing.assert_allclose(batch.weights.sum(axis=1), 1.0)


def test_degenerate_filter_raises_instead_of_nan(lg):
    model = particle.linear_gaussian(lg["F"], lg["H"], lg["Q"], 1e-6 * np.eye(2))
    zs = np.array([[0.0, 0.0], [1e200, 1e200]])
    with pytest.raises(ValueError, match="filter degenerate at step 1"):
        particle.run_particle_filter(model, zs, 100, lg["x0"], lg["P0"], seed=0)
    pf = particle.ParticleFilter(model, 100, lg["x0"], lg["P0"], seed=0)
    pf.step(zs[0])
    with pytest.raises(ValueError, match="filter degenerate at step 1"):
        pf.step(zs[1])
    with pytest.raises(ValueError, match="became degenerate at step 1"):
        pf.step(zs[0])


def test_range_bearing_tracks_a_path():
    F, Q = constant_velocity(dt=1.0, q=0.01)
    model = particle.range_bearing([[0.0, 0.0], [30.0, 0.0]], F, Q, range_std=0.5,
                                   bearing_std=0.02)  # fmt: skip
    x0 = np.array([5.0, 10.0, 1.0, 0.5])
    states, zs = particle.simulate(model, 30, x0, np.eye(4) * 0.1, seed=1)
    assert zs.shape == (30, 4)
    zs[10:13, 2:] = np.nan  # the second beacon drops out for a while
    res = particle.run_particle_filter(model, zs, 3000, x0, np.eye(4), seed=0)
    rmse = np.sqrt(np.mean((res.means[:, :2] - states[:, :2]) ** 2))
    assert rmse < 1.0


def test_growth_model_beats_the_prior_guess():
    model = particle.growth_model()
    states, zs = particle.simulate(model, 40, [0.0], [[5.0]], seed=3)
    res = particle.run_particle_filter(model, zs, 3000, [0.0], [[5.0]], seed=0)
    rmse = np.sqrt(np.mean((res.means[:, 0] - states[:, 0]) ** 2))
    assert np.isfinite(res.means).all()
    assert rmse < np.sqrt(np.mean(states[:, 0] ** 2))


def test_seed_reproduces_a_run(lg):
    args = (lg["model"], lg["zs"], 200, lg["x0"], lg["P0"])
    a = particle.run_particle_filter(*args, seed=7)
    b = particle.run_particle_filter(*args, seed=7)
    c = particle.run_particle_filter(*args, seed=8)
    np.testing.assert_array_equal(a.means, b.means)
    assert not np.array_equal(a.means, c.means)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"model": "cv"}, "model must be a StateSpaceModel"),
     ({"n_particles": 0}, "n_particles must be >= 1"),
     ({"resampler": "best"}, "resampler must be one of"),
     ({"ess_threshold": 1.5}, "ess_threshold must be <= 1"),
     ({"zs": np.ones((3, 3))}, "zs must have m = 2"),
     ({"x0": np.zeros(2)}, "P0 must be"),
     ({"seed": -1}, "random_state must be >= 0")],
)  # fmt: skip
def test_bad_filter_input_raises_value_error(lg, kwargs, message):
    args = {"model": lg["model"], "zs": lg["zs"], "n_particles": 10, "x0": lg["x0"],
            "P0": lg["P0"]}  # fmt: skip
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        particle.run_particle_filter(**args)


def test_bad_models_raise_value_error(lg):
    with pytest.raises(ValueError, match="R must be positive definite"):
        particle.linear_gaussian(lg["F"], lg["H"], lg["Q"], np.zeros((2, 2)))
    with pytest.raises(ValueError, match="Q must be positive semi-definite"):
        particle.linear_gaussian(lg["F"], lg["H"], -lg["Q"], lg["R"])
    with pytest.raises(ValueError, match=r"beacons must have shape \(k, 2\)"):
        particle.range_bearing(np.zeros((2, 3)), lg["F"], lg["Q"])
    with pytest.raises(ValueError, match="range_std must be > 0"):
        particle.range_bearing(np.zeros((1, 2)), lg["F"], lg["Q"], range_std=0)
    with pytest.raises(ValueError, match="process_var must be > 0"):
        particle.growth_model(process_var=-1)
