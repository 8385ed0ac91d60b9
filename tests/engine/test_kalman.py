"""Kalman filter and RTS smoother against pykalman and filterpy on the same data."""

import numpy as np
import pytest

from prmlab.data.tracks import constant_velocity, position_matrix
from prmlab.engine import kalman


@pytest.fixture(scope="module")
def cv():
    F, Q = constant_velocity(dt=1.0, q=0.2)
    H = position_matrix(4)
    R = np.array([[2.0, 0.3], [0.3, 1.0]])
    x0, P0 = np.array([0.0, 0.0, 1.0, 0.5]), np.diag([4.0, 4.0, 1.0, 1.0])
    rng = np.random.default_rng(3)
    truth = np.cumsum(rng.normal(size=(40, 2)), axis=0)
    zs = truth + rng.normal(size=truth.shape)
    return {"F": F, "H": H, "Q": Q, "R": R, "x0": x0, "P0": P0, "zs": zs}


def _args(p, zs=None):
    return (p["zs"] if zs is None else zs, p["F"], p["H"], p["Q"], p["R"], p["x0"], p["P0"])


@pytest.mark.parametrize("missing", [False, True])
def test_filter_smoother_loglik_match_pykalman(cv, missing):
    from pykalman import KalmanFilter

    zs = cv["zs"].copy()
    if missing:
        zs[5:9] = np.nan
        zs[-1] = np.nan
    ref = KalmanFilter(
        cv["F"], cv["H"], cv["Q"], cv["R"],
        initial_state_mean=cv["x0"], initial_state_covariance=cv["P0"],
    )  # fmt: skip
    masked = np.ma.masked_invalid(zs)
    ref_m, ref_c = ref.filter(masked)
    ref_sm, ref_sc = ref.smooth(masked)

    means, covs, ll = kalman.kalman_filter(*_args(cv, zs))
    np.testing.assert_allclose(means, ref_m, atol=1e-10)
    np.testing.assert_allclose(covs, ref_c, atol=1e-10)
    assert ll == pytest.approx(ref.loglikelihood(masked), rel=1e-10)
    sm, sc = kalman.rts_smoother(means, covs, cv["F"], cv["Q"])
    np.testing.assert_allclose(sm, ref_sm, atol=1e-9)
    np.testing.assert_allclose(sc, ref_sc, atol=1e-9)


def test_steps_and_smoother_match_filterpy(cv):
    from filterpy.kalman import KalmanFilter, rts_smoother

    kf = KalmanFilter(dim_x=4, dim_z=2)
    kf.F, kf.H, kf.Q, kf.R = cv["F"], cv["H"], cv["Q"], cv["R"]
    kf.x, kf.P = cv["x0"].copy(), cv["P0"].copy()
    x, P = cv["x0"], cv["P0"]
    ours, theirs = [], []
    for t, z in enumerate(cv["zs"]):
        if t > 0:
            kf.predict()
            x, P = kalman.predict(x, P, cv["F"], cv["Q"])
        kf.update(z)
        x, P, _ = kalman.update(x, P, z, cv["H"], cv["R"])
        np.testing.assert_allclose(x, kf.x, atol=1e-10)
        np.testing.assert_allclose(P, kf.P, atol=1e-10)
        ours.append((x, P))
        theirs.append((kf.x.copy(), kf.P.copy()))
    means, covs, _ = kalman.kalman_filter(*_args(cv))
    np.testing.assert_allclose(means, np.array([o[0] for o in ours]), atol=1e-10)
    T = len(theirs)
    ref_sm, ref_sc, _, _ = rts_smoother(
        np.array([t[0] for t in theirs]), np.array([t[1] for t in theirs]),
        np.repeat(cv["F"][None], T, axis=0), np.repeat(cv["Q"][None], T, axis=0),
    )  # fmt: skip
    sm, sc = kalman.rts_smoother(means, covs, cv["F"], cv["Q"])
    np.testing.assert_allclose(sm, ref_sm, atol=1e-9)
    np.testing.assert_allclose(sc, ref_sc, atol=1e-9)


def test_partly_missing_row_uses_the_observed_entries(cv):
    zs = cv["zs"][:3].copy()
    zs[2, 1] = np.nan
    means, covs, _ = kalman.kalman_filter(*_args(cv, zs))
    x, P = kalman.predict(means[1], covs[1], cv["F"], cv["Q"])
    x, P, _ = kalman.update(x, P, zs[2, :1], cv["H"][:1], cv["R"][:1, :1])
    np.testing.assert_allclose(means[2], x, atol=1e-12)
    np.testing.assert_allclose(covs[2], P, atol=1e-12)


def test_loglik_and_nis_are_the_sum_of_steps(cv):
    res = kalman.run_kalman(*_args(cv))
    x, P, total = cv["x0"], cv["P0"], 0.0
    for t, z in enumerate(cv["zs"]):
        if t > 0:
            x, P = kalman.predict(x, P, cv["F"], cv["Q"])
        S = cv["H"] @ P @ cv["H"].T + cv["R"]
        e = z - cv["H"] @ x
        assert res.nis[t] == pytest.approx(e @ np.linalg.solve(S, e), rel=1e-9)
        x, P, ll = kalman.update(x, P, z, cv["H"], cv["R"])
        total += ll
    assert res.log_likelihood == pytest.approx(total, rel=1e-12)
    assert (res.nis_dof == 2).all()


def test_covariances_stay_symmetric_psd_over_1e5_steps_with_tiny_r():
    F, Q = constant_velocity(dt=1.0, q=1e-3)
    H = position_matrix(4)
    rng = np.random.default_rng(0)
    zs = np.cumsum(rng.normal(size=(100_000, 2)), axis=0)
    means, covs, ll = kalman.kalman_filter(zs, F, H, Q, 1e-12 * np.eye(2), np.zeros(4), np.eye(4))
    assert np.isfinite(means).all() and np.isfinite(ll)
    assert (covs == np.swapaxes(covs, 1, 2)).all()
    eig = np.linalg.eigvalsh(covs[::97])
    assert eig.min() >= -1e-12 * np.abs(eig).max()


def test_dropout_grows_the_covariance(cv):
    zs = cv["zs"].copy()
    zs[10:20] = np.nan
    _, covs, _ = kalman.kalman_filter(*_args(cv, zs))
    traces = np.trace(covs, axis1=1, axis2=2)
    assert (np.diff(traces[10:20]) > 0).all()
    assert traces[20] < traces[19]


def test_time_varying_stack_equals_constant_model(cv):
    # long enough for the constant model to reach its steady state (the fast path)
    zs = np.random.default_rng(1).normal(size=(300, 2)).cumsum(axis=0)
    zs[150:160] = np.nan
    zs[200, 0] = np.nan
    Fs = np.repeat(cv["F"][None], 299, axis=0)
    Qs = np.repeat(cv["Q"][None], 299, axis=0)
    a = kalman.run_kalman(zs, cv["F"], cv["H"], cv["Q"], cv["R"], cv["x0"], cv["P0"])
    b = kalman.run_kalman(zs, Fs, cv["H"], Qs, cv["R"], cv["x0"], cv["P0"])
    assert (a.covs[100] == a.covs[99]).all()  # steady state reached
    np.testing.assert_array_equal(a.means, b.means)
    np.testing.assert_array_equal(a.covs, b.covs)
    np.testing.assert_array_equal(a.nis, b.nis)
    assert a.log_likelihood == b.log_likelihood
    np.testing.assert_allclose(kalman.rts_smoother(a.means, a.covs, Fs, Qs)[0],
                               kalman.rts_smoother(a.means, a.covs, cv["F"], cv["Q"])[0])  # fmt: skip


def test_nees_of_the_truth_itself_is_zero_and_scales(cv):
    means, covs, _ = kalman.kalman_filter(*_args(cv))
    assert np.allclose(kalman.nees(means, means, covs), 0.0)
    shifted = means + np.array([1.0, 0, 0, 0])
    np.testing.assert_allclose(kalman.nees(shifted, means, covs),
                               np.linalg.inv(covs)[:, 0, 0])  # fmt: skip


def test_univariate_zs_may_be_1d():
    means, _, _ = kalman.kalman_filter([1.0, 2.0, np.nan], [[1.0]], [[1.0]], [[0.1]], [[1.0]],
                                       [0.0], [[1.0]])  # fmt: skip
    assert means.shape == (3, 1)


BAD = [
    ({"F": np.eye(3)}, "F must be"),
    ({"H": np.eye(2, 3)}, "H must have n = 4"),
    ({"R": np.eye(3)}, "R must be"),
    ({"Q": np.full((4, 4), np.nan)}, "Q contains NaN"),
    ({"Q": -np.eye(4)}, "Q must be positive semi-definite"),
    ({"R": np.array([[1.0, 2.0], [2.0, 1.0]])}, "R must be positive semi-definite"),
    ({"Q": np.triu(np.ones((4, 4)))}, "Q must be symmetric"),
    ({"x0": np.zeros(3)}, r"x0 must have n = 4 entries, one per state \(F is 4 x 4\), got 3"),
    ({"x0": np.zeros(3), "F": np.ones((39, 4, 4))}, "x0 must have n = 4"),
    ({"P0": -np.eye(4)}, "P0 must be positive semi-definite"),
    ({"zs": np.ones((5, 3))}, "zs must have m = 2"),
    ({"zs": np.array([[1.0, np.inf]])}, "zs contains infinity"),
    ({"F": np.ones((7, 4, 4))}, "T-1"),
]


@pytest.mark.parametrize(("change", "message"), BAD)
def test_bad_models_raise_value_error(cv, change, message):
    p = dict(cv, **change)
    with pytest.raises(ValueError, match=message):
        kalman.kalman_filter(*_args(p))


def test_singular_innovation_covariance_is_a_clear_error(cv):
    p = dict(cv, R=np.zeros((2, 2)), P0=np.zeros((4, 4)))
    with pytest.raises(ValueError, match="not positive definite at step 0"):
        kalman.kalman_filter(*_args(p))


def test_smoother_rejects_mismatched_shapes(cv):
    means, covs, _ = kalman.kalman_filter(*_args(cv))
    with pytest.raises(ValueError, match="covs must have shape"):
        kalman.rts_smoother(means, covs[:-1], cv["F"], cv["Q"])


@pytest.fixture(scope="module")
def varying():
    """A constant-velocity track sampled at irregular times (F[t] maps state t to t+1, Q[t]
    its noise) with 10 % of the measurement rows missing at random."""
    rng = np.random.default_rng(11)
    T = 60
    dts = rng.uniform(0.2, 2.0, size=T - 1)
    Fs = np.stack([constant_velocity(dt=dt, q=0.3)[0] for dt in dts])
    Qs = np.stack([constant_velocity(dt=dt, q=0.3)[1] for dt in dts])
    H, R = position_matrix(4), np.array([[1.5, 0.2], [0.2, 0.8]])
    x0, P0 = np.array([1.0, -1.0, 0.5, 0.2]), np.diag([3.0, 3.0, 1.0, 1.0])
    x = x0 + rng.normal(size=4)
    zs = np.empty((T, 2))
    for t in range(T):
        if t > 0:
            x = Fs[t - 1] @ x + rng.multivariate_normal(np.zeros(4), Qs[t - 1])
        zs[t] = H @ x + rng.multivariate_normal(np.zeros(2), R)
    zs[rng.choice(T, T // 10, replace=False)] = np.nan
    return {"Fs": Fs, "Qs": Qs, "H": H, "R": R, "x0": x0, "P0": P0, "zs": zs}


def test_time_varying_f_and_missing_rows_match_pykalman(varying):
    from pykalman import KalmanFilter

    p = varying
    assert np.isnan(p["zs"]).all(axis=1).sum() == 6
    ref = KalmanFilter(
        transition_matrices=p["Fs"], observation_matrices=p["H"], transition_covariance=p["Qs"],
        observation_covariance=p["R"], initial_state_mean=p["x0"],
        initial_state_covariance=p["P0"],
    )  # fmt: skip
    masked = np.ma.masked_invalid(p["zs"])
    ref_m, ref_c = ref.filter(masked)
    means, covs, ll = kalman.kalman_filter(p["zs"], p["Fs"], p["H"], p["Qs"], p["R"], p["x0"],
                                           p["P0"])  # fmt: skip
    np.testing.assert_allclose(means, ref_m, atol=1e-9)
    np.testing.assert_allclose(covs, ref_c, atol=1e-9)
    assert ll == pytest.approx(ref.loglikelihood(masked), rel=1e-10)
    ref_sm, ref_sc = ref.smooth(masked)
    sm, sc = kalman.rts_smoother(means, covs, p["Fs"], p["Qs"])
    np.testing.assert_allclose(sm, ref_sm, atol=1e-8)
    np.testing.assert_allclose(sc, ref_sc, atol=1e-8)


def test_time_varying_f_and_missing_rows_match_filterpy(varying):
    from filterpy.kalman import KalmanFilter

    p = varying
    n = p["x0"].shape[0]
    kf = KalmanFilter(dim_x=n, dim_z=2)
    kf.H, kf.R, kf.x, kf.P = p["H"], p["R"], p["x0"].copy(), p["P0"].copy()
    # filterpy predicts before every update, the first included: an identity first step
    Fs = np.concatenate([np.eye(n)[None], p["Fs"]])
    Qs = np.concatenate([np.zeros((1, n, n)), p["Qs"]])
    zs = [None if np.isnan(z).all() else z for z in p["zs"]]
    ref_m, ref_c, _, _ = kf.batch_filter(zs, Fs=Fs, Qs=Qs)
    means, covs, _ = kalman.kalman_filter(p["zs"], p["Fs"], p["H"], p["Qs"], p["R"], p["x0"],
                                          p["P0"])  # fmt: skip
    np.testing.assert_allclose(means, ref_m, atol=1e-9)
    np.testing.assert_allclose(covs, ref_c, atol=1e-9)


def test_overflowing_log_likelihood_is_refused_with_a_message(cv):
    with pytest.raises(ValueError, match=r"log-likelihood overflowed .*max \|z\| = .*e\+300"):
        kalman.kalman_filter(*_args(cv, cv["zs"] * 1e300))


def test_a_kernel_unrolled_for_the_model_size_gives_the_generic_kernels_bits(cv):
    """Small models get a kernel of their own size (``sizes``); it gives bit for bit what
    the one kernel of every larger model gives, missing entries and the smoother included."""
    from prmlab.engine import _kalman_kernels as _k

    F, H, Q, R, x0, P0, zs = (cv[k] for k in ("F", "H", "Q", "R", "x0", "P0", "zs"))
    zs = zs.copy()
    zs[5:9] = np.nan
    zs[12, 1] = np.nan
    T, n = zs.shape[0], F.shape[0]
    assert _k.sizes(n) == (0,) * n and _k.sizes(_k.UNROLLED + 1) == ()

    def run(n_like, m_like):
        means, covs = np.empty((T, n)), np.empty((T, n, n))
        nis, dof = np.full(T, np.nan), np.zeros(T, dtype=np.int64)
        args = (F[None], H, Q[None], R, x0, P0, means, covs, nis, dof, n_like, m_like)
        failed, ll = _k.filter_kernel(zs, *args)
        sm, sc = np.empty_like(means), np.empty_like(covs)
        assert (
            failed == -1 and _k.smoother_kernel(means, covs, F[None], Q[None], sm, sc, n_like) == -1
        )
        return means, covs, nis, ll, sm, sc

    for unrolled, generic in zip(run(_k.sizes(n), _k.sizes(2)), run((), ())):
        np.testing.assert_array_equal(unrolled, generic)
