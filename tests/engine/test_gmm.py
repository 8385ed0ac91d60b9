"""Oracle tests of prmlab.engine.gmm's EM: a NumPy reference of the formulas and scikit-learn."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.mixture import GaussianMixture as SkGMM

from prmlab.engine import gmm


def blobs(n=300, d=2, k=3, seed=0, spread=4.0):
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-spread, spread, size=(k, d))
    return centres[rng.integers(k, size=n)] + rng.normal(size=(n, d))


def random_params(rng, k, d):
    w = rng.dirichlet(np.ones(k))
    m = rng.normal(scale=3.0, size=(k, d))
    A = rng.normal(size=(k, d, d))
    c = A @ A.transpose(0, 2, 1) + 0.5 * np.eye(d)
    return w, m, c


def ref_log_joint(X, w, m, c):
    """log p_k + log N(x_i | mu_k, Sigma_k), straight from the density formula."""
    n, d = X.shape
    out = np.empty((n, len(w)))
    for k in range(len(w)):
        diff = X - m[k]
        maha = np.einsum("ni,ij,nj->n", diff, np.linalg.inv(c[k]), diff)
        logdet = np.linalg.slogdet(c[k])[1]
        out[:, k] = np.log(w[k]) - 0.5 * (d * np.log(2 * np.pi) + logdet + maha)
    return out


def ref_e_step(X, w, m, c):
    lj = ref_log_joint(X, w, m, c)
    top = lj.max(axis=1, keepdims=True)
    lse = top[:, 0] + np.log(np.exp(lj - top).sum(axis=1))
    return np.exp(lj - lse[:, None]), lse.mean()


def ref_m_step(X, resp, reg):
    nk = resp.sum(axis=0)
    means = resp.T @ X / nk[:, None]
    covs = np.stack(
        [
            (resp[:, k, None] * (X - means[k])).T @ (X - means[k]) / nk[k]
            + reg * np.eye(X.shape[1])
            for k in range(resp.shape[1])
        ]
    )
    return nk / len(X), means, covs


@pytest.mark.parametrize(("k", "d"), [(1, 1), (3, 2), (4, 3)])
def test_em_step_matches_numpy_reference(k, d):
    rng = np.random.default_rng(k * 10 + d)
    X = blobs(200, d, k, seed=d)
    w, m, c = random_params(rng, k, d)
    resp, ll = gmm.e_step(X, w, m, c)
    ref_resp, ref_ll = ref_e_step(X, w, m, c)
    np.testing.assert_allclose(resp, ref_resp, rtol=1e-9, atol=1e-12)
    assert ll == pytest.approx(ref_ll, rel=1e-12)
    for got, want in zip(gmm.m_step(X, resp, 1e-3), ref_m_step(X, ref_resp, 1e-3)):
        np.testing.assert_allclose(got, want, rtol=1e-8, atol=1e-10)
    w2, m2, c2, ll2 = gmm.em_step(X, w, m, c, reg_covar=1e-3)
    assert ll2 == pytest.approx(ref_ll, rel=1e-12)  # the INPUT parameters' log-likelihood
    for got, want in zip((w2, m2, c2), ref_m_step(X, ref_resp, 1e-3)):
        np.testing.assert_allclose(got, want, rtol=1e-8, atol=1e-10)


def test_threaded_chunks_match_reference():
    """n above the chunking threshold: the thread-pool path gives the same numbers."""
    rng = np.random.default_rng(3)
    X = blobs(20_000, 2, 3, seed=3)
    w, m, c = random_params(rng, 3, 2)
    ref_resp, ref_ll = ref_e_step(X, w, m, c)
    w2, m2, c2, ll = gmm.em_step(X, w, m, c)
    assert ll == pytest.approx(ref_ll, rel=1e-11)
    for got, want in zip((w2, m2, c2), ref_m_step(X, ref_resp, 1e-6)):
        np.testing.assert_allclose(got, want, rtol=1e-8, atol=1e-10)


def test_far_points_do_not_underflow():
    X = np.array([[0.0, 0.0], [1e4, 1e4]])
    resp, ll = gmm.e_step(X, [0.5, 0.5], [[0.0, 0.0], [1.0, 1.0]], np.stack([np.eye(2)] * 2))
    assert np.isfinite(resp).all() and np.isfinite(ll)
    np.testing.assert_allclose(resp.sum(axis=1), 1.0)
    assert resp[1, 1] == pytest.approx(1.0)


def same_start(X, k, seed=0):
    rng = np.random.default_rng(seed)
    means = X[rng.choice(len(X), k, replace=False)]
    return np.full(k, 1.0 / k), means, np.stack([np.cov(X.T) + 1e-3 * np.eye(X.shape[1])] * k)


@pytest.mark.parametrize("cov_type", ["full", "diag"])
def test_fit_matches_sklearn_from_same_start(cov_type):
    X = blobs(400, 2, 3, seed=1)
    w, m, c = same_start(X, 3)
    c_init = c if cov_type == "full" else np.diagonal(c, axis1=1, axis2=2).copy()
    ours = gmm.GaussianMixture(
        3,
        covariance_type=cov_type,
        tol=1e-10,
        max_iter=500,
        weights_init=w,
        means_init=m,
        covariances_init=c_init,
    ).fit(X)
    prec = np.linalg.inv(c) if cov_type == "full" else 1.0 / c_init
    ref = SkGMM(
        3,
        covariance_type=cov_type,
        tol=1e-10,
        max_iter=500,
        weights_init=w,
        means_init=m,
        precisions_init=prec,
    ).fit(X)
    # same fixed point of EM (starting covariances differ slightly: ours come from the
    # points nearest each mean); sklearn's covariances_ are (K, d) for "diag" as ours
    order = np.lexsort(ours.means_.T), np.lexsort(ref.means_.T)
    np.testing.assert_allclose(ours.means_[order[0]], ref.means_[order[1]], atol=1e-4)
    np.testing.assert_allclose(ours.weights_[order[0]], ref.weights_[order[1]], atol=1e-5)
    np.testing.assert_allclose(ours.covariances_[order[0]], ref.covariances_[order[1]], atol=1e-4)
    assert ours.score(X) == pytest.approx(ref.score(X), abs=1e-7)
    assert ours.bic(X) == pytest.approx(ref.bic(X), rel=1e-7)
    assert ours.aic(X) == pytest.approx(ref.aic(X), rel=1e-7)
    np.testing.assert_allclose(
        ours.predict_proba(X)[:, order[0]], ref.predict_proba(X)[:, order[1]], atol=1e-5
    )
    assert ours.converged_ and ours.lower_bound_ == pytest.approx(ref.lower_bound_, abs=1e-7)


@pytest.mark.parametrize("init", ["kmeans", "k-means++", "random"])
def test_fit_as_good_as_sklearn(init):
    X = blobs(500, 2, 4, seed=2)
    ours = gmm.GaussianMixture(4, init_params=init, n_init=3, random_state=0).fit(X)
    sk_init = "random_from_data" if init == "random" else init
    ref = SkGMM(4, init_params=sk_init, n_init=3, random_state=0).fit(X)
    assert ours.score(X) >= ref.score(X) - 1e-2
    assert ours.means_.shape == (4, 2) and ours.covariances_.shape == (4, 2, 2)
    assert len(ours.loglik_history_) == ours.n_iter_
    assert ours.predict(X).shape == (500,)


@pytest.mark.parametrize("seed", range(6))
def test_log_likelihood_never_decreases(seed):
    rng = np.random.default_rng(seed)
    X = blobs(150, int(rng.integers(1, 4)), 3, seed=seed, spread=1.5)
    k = int(rng.integers(2, 6))
    model = gmm.GaussianMixture(k, init_params="random", tol=0.0, max_iter=60, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", gmm.ConvergenceWarning)
        model.fit(X)
    h = model.loglik_history_
    assert np.isfinite(h).all()
    assert (np.diff(h) >= -1e-9 * np.abs(h[1:])).all()


def test_iter_fit_half_steps():
    X = blobs(200, 2, 3, seed=4)
    model = gmm.GaussianMixture(3, random_state=7, tol=1e-6)
    steps = list(model.iter_fit(X))
    assert [s.half for s in steps[:5]] == ["init", "E", "M", "E", "M"]
    assert steps[-1].half == "M" and steps[-1].converged and steps[-1].progress == 1.0
    for prev, step in zip(steps, steps[1:]):
        if step.half == "E":  # E keeps the parameters and refreshes resp
            np.testing.assert_array_equal(step.means, prev.means)
            np.testing.assert_allclose(step.resp.sum(axis=1), 1.0)
            resp, ll = gmm.e_step(X, step.weights, step.means, step.covariances)
            np.testing.assert_allclose(step.resp, resp)
            assert step.log_likelihood == pytest.approx(ll)
        else:  # M re-estimates from the previous E's resp
            if prev.half == "E":
                for got, want in zip(
                    (step.weights, step.means, step.covariances), gmm.m_step(X, prev.resp)
                ):
                    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)
    assert np.all(np.diff(steps[-1].loglik_history) >= -1e-9)
    # the estimator is fitted at the end, as fit() with the same seed would do
    ref = gmm.GaussianMixture(3, random_state=7, tol=1e-6).fit(X)
    np.testing.assert_allclose(model.means_, ref.means_, rtol=1e-9)
    assert model.n_iter_ == ref.n_iter_


def test_means_init_sets_the_start():
    X = blobs(200, 2, 2, seed=5)
    start = np.array([[-10.0, 0.0], [10.0, 0.0]])
    step = next(gmm.GaussianMixture(2, means_init=start).iter_fit(X))
    np.testing.assert_array_equal(step.means, start)
    assert step.half == "init" and np.isfinite(step.covariances).all()


def test_duplicates_and_collapse_give_no_nan():
    X = np.ones((20, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = gmm.GaussianMixture(3, random_state=0).fit(X)
    for a in (model.weights_, model.means_, model.covariances_, model.loglik_history_):
        assert np.isfinite(a).all()
    # a component left with no responsibility is re-seeded, with a warning
    X = blobs(50, 2, 2, seed=6)
    resp = np.zeros((50, 3))
    resp[:, 0] = 1.0
    with pytest.warns(gmm.DegenerateComponentWarning, match="re-seeded"):
        w, m, c = gmm.m_step(X, resp)
    assert np.isfinite(m).all() and np.isfinite(c).all() and w.sum() == pytest.approx(1.0)


def test_ill_defined_covariance_is_a_value_error():
    X = np.repeat([[0.0, 0.0], [1.0, 1.0]], 5, axis=0)
    with pytest.raises(ValueError, match="ill-defined covariance: try fewer components"):
        gmm.GaussianMixture(2, reg_covar=0.0, random_state=0).fit(X)
    with pytest.raises(ValueError, match="ill-defined covariance"):
        gmm.e_step(X, [0.5, 0.5], [[0, 0], [1, 1]], [np.eye(2), -np.eye(2)])


@pytest.mark.parametrize(
    ("kwargs", "X", "match"),
    [
        ({"n_components": 5}, np.zeros((3, 2)), "n_components must be <= n_samples"),
        ({"n_components": 0}, np.zeros((3, 2)), "n_components must be >= 1"),
        ({"covariance_type": "tied"}, np.zeros((3, 2)), "covariance_type must be one of"),
        ({"init_params": "foo"}, np.zeros((3, 2)), "init_params must be one of"),
        ({"reg_covar": -1.0}, np.zeros((3, 2)), "reg_covar must be >= 0"),
        ({"tol": float("nan")}, np.zeros((3, 2)), "tol must be a finite number"),
        ({"max_iter": 0}, np.zeros((3, 2)), "max_iter must be >= 1"),
        ({}, np.array([[0.0, np.nan], [1.0, 1.0]]), "NaN or infinity"),
        ({}, np.array([[0.0, np.inf], [1.0, 1.0]]), "NaN or infinity"),
        ({}, np.zeros(4), "reshape"),
        ({"means_init": np.zeros((2, 3))}, np.zeros((3, 2)), "means must have shape"),
    ],
)
def test_bad_input_is_a_clear_value_error(kwargs, X, match):
    params = {"n_components": 1, **kwargs}
    with pytest.raises(ValueError, match=match):
        gmm.GaussianMixture(**params).fit(X)


def test_functional_bad_input():
    X = blobs(20, 2, 2)
    w, m, c = np.full(2, 0.5), X[:2], np.stack([np.eye(2)] * 2)
    with pytest.raises(ValueError, match="sum to 1"):
        gmm.e_step(X, [0.7, 0.7], m, c)
    with pytest.raises(ValueError, match="symmetric"):
        gmm.e_step(X, w, m, [[[1, 0.5], [0, 1]], np.eye(2)])
    with pytest.raises(ValueError, match="covariances must be 3-D"):
        gmm.em_step(X, w, m, np.eye(2))
    with pytest.raises(ValueError, match="rows summing to 1"):
        gmm.m_step(X, np.full((20, 2), 0.7))
    with pytest.raises(ValueError, match="not fitted"):
        gmm.GaussianMixture(2).predict(X)
    with pytest.raises(ValueError, match="NaN"):
        gmm.em_step(np.full((3, 2), np.nan), w, m, c)
