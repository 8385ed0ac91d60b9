"""Probabilistic PCA (EM against the Tipping-Bishop closed form) and Fisher's discriminant."""

import dataclasses
import warnings

import numpy as np
import pytest
import scipy.linalg
from sklearn.datasets import load_breast_cancer, load_iris, load_wine
from sklearn.decomposition import PCA as SkPCA
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis

from prmlab.engine.pca import (
    PCA,
    ConvergenceWarning,
    FisherLDA,
    PPCAStep,
    ProbabilisticPCA,
    SingularScatterWarning,
)


def latent_data(n=300, d=4, q=2, sigma=1.0, seed=0):
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((d, q)) * [2.0, 1.2][:q]
    return rng.standard_normal((n, q)) @ W.T + sigma * rng.standard_normal((n, d)) + 5.0


def test_closed_form_is_tipping_bishop_and_matches_sklearn_covariance():
    X = latent_data()
    n, d = X.shape
    model = ProbabilisticPCA(2).fit_closed_form(X)
    lam = np.linalg.eigvalsh(np.cov(X.T, bias=True))[::-1]
    assert model.sigma2_ == pytest.approx(lam[2:].mean(), rel=1e-10)
    np.testing.assert_allclose(
        np.linalg.svd(model.W_, compute_uv=False) ** 2, lam[:2] - model.sigma2_, rtol=1e-9
    )
    # scikit-learn's PCA.get_covariance is the same ML model with S over n - 1, not n.
    ref = SkPCA(2, svd_solver="full").fit(X)
    np.testing.assert_allclose(
        model.get_covariance() * n / (n - 1), ref.get_covariance(), rtol=1e-9
    )
    assert model.score(X) == pytest.approx(ref.score(X) + 0.0, rel=1e-3)
    assert model.loglik_history_[0] == pytest.approx(n * model.score(X), rel=1e-12)


def test_em_converges_to_closed_form_and_loglik_is_monotone():
    # EM's rate is about 1 - sigma^2 / lambda_1 (slow for tiny noise): keep the noise visible.
    X = latent_data(seed=3)
    closed = ProbabilisticPCA(2).fit_closed_form(X)
    em = ProbabilisticPCA(2, tol=1e-14, max_iter=3000, random_state=1).fit(X)
    assert em.converged_
    history = np.array(em.loglik_history_)
    assert len(history) == em.n_iter_ + 1
    assert np.all(np.diff(history) >= -1e-9 * abs(history[-1]))
    assert history[-1] == pytest.approx(closed.loglik_history_[-1], rel=1e-10)
    np.testing.assert_allclose(em.get_covariance(), closed.get_covariance(), atol=1e-4)
    assert em.sigma2_ == pytest.approx(closed.sigma2_, rel=1e-6)
    # W is defined up to a rotation: compare the subspaces through their projectors.
    P = lambda W: W @ np.linalg.pinv(W)  # noqa: E731
    np.testing.assert_allclose(P(em.W_), P(closed.W_), atol=1e-6)


def test_posterior_is_the_formula_sheet_inference():
    X = latent_data(seed=4)
    model = ProbabilisticPCA(2).fit_closed_form(X)
    W, s2, mu = model.W_, model.sigma2_, model.mean_
    C = W @ W.T + s2 * np.eye(4)
    np.testing.assert_allclose(
        model.transform(X), (W.T @ np.linalg.solve(C, (X - mu).T)).T, atol=1e-10
    )
    np.testing.assert_allclose(
        model.posterior_covariance(), np.eye(2) - W.T @ np.linalg.solve(C, W), atol=1e-12
    )
    np.testing.assert_allclose(model.inverse_transform(np.zeros((1, 2))), mu[None, :])


def test_iter_fit_yields_frozen_fresh_steps_then_is_fitted():
    X = latent_data(n=80, seed=5)
    model = ProbabilisticPCA(1, max_iter=50, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        steps = list(model.iter_fit(X))
    assert all(isinstance(s, PPCAStep) for s in steps)
    assert [s.iteration for s in steps] == list(range(len(steps)))
    assert steps[0].W is not steps[1].W and not np.allclose(steps[0].W, steps[-1].W)
    assert all(0.0 <= s.progress <= 1.0 for s in steps)
    with pytest.raises(dataclasses.FrozenInstanceError):
        steps[0].sigma2 = 1.0
    assert [s.loglik for s in steps] == model.loglik_history_
    np.testing.assert_array_equal(steps[-1].W, model.W_)
    again = list(ProbabilisticPCA(1, max_iter=50, random_state=0).iter_fit(X))
    np.testing.assert_array_equal(again[-1].W, steps[-1].W)  # reproducible per seed


def test_non_convergence_is_a_warning():
    with pytest.warns(ConvergenceWarning, match="max_iter=2"):
        model = ProbabilisticPCA(1, max_iter=2, random_state=0).fit(latent_data())
    assert not model.converged_ and model.n_iter_ == 2


def test_data_on_a_line_floor_sigma2_without_nan():
    t = np.linspace(-1, 1, 30)[:, None]
    X = np.hstack([t, 0.5 * t]) + 3.0
    closed = ProbabilisticPCA(1).fit_closed_form(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        em = ProbabilisticPCA(1, random_state=0).fit(X)
    for m in (closed, em):
        assert 0 < m.sigma2_ < 1e-6 and np.isfinite(m.W_).all()
        assert np.isfinite(m.loglik_history_).all()
        assert np.isfinite(m.transform(X)).all()
    assert np.all(np.diff(em.loglik_history_) >= -1e-9 * abs(em.loglik_history_[-1]))


@pytest.mark.parametrize(
    ("X", "kwargs", "match"),
    [
        (np.ones((5, 3)), {"n_components": 3}, r"n_components must be <= .*n_features - 1"),
        (np.ones((5, 1)), {"n_components": 1}, "at least 2 columns"),
        (np.ones((5, 3)), {"n_components": 0}, "n_components must be >= 1"),
        (np.full((5, 3), 2.0), {"n_components": 1}, "zero total variance"),
        (np.array([[0.0, 1.0], [np.nan, 1.0], [2.0, 3.0]]), {"n_components": 1}, "NaN"),
        (np.empty((0, 2)), {"n_components": 1}, "at least 2 row"),
        (latent_data(), {"n_components": 1, "max_iter": 0}, "max_iter must be >= 1"),
        (latent_data(), {"n_components": 1, "tol": -1.0}, "tol must be > 0"),
        (latent_data(), {"n_components": 1, "random_state": -3}, "random_state must be >= 0"),
    ],
)
def test_ppca_bad_input(X, kwargs, match):
    with pytest.raises(ValueError, match=match):
        ProbabilisticPCA(**kwargs).fit(X)


def test_ppca_use_before_fit():
    with pytest.raises(ValueError, match="not fitted yet"):
        ProbabilisticPCA(1).transform(np.ones((2, 2)))


# -- Fisher -------------------------------------------------------------------------------


def two_classes(seed=0, sizes=(60, 90)):
    rng = np.random.default_rng(seed)
    cov = np.array([[3.0, 2.4], [2.4, 2.5]])
    L = np.linalg.cholesky(cov)
    a = rng.standard_normal((sizes[0], 2)) @ L.T
    b = rng.standard_normal((sizes[1], 2)) @ L.T + [1.5, -0.5]
    return np.vstack([a, b]), np.repeat(["neg", "pos"], sizes)


def test_fisher_two_classes_is_the_analytic_direction():
    X, y = two_classes()
    model = FisherLDA().fit(X, y)
    A, B = X[y == "neg"], X[y == "pos"]
    S_w = (A - A.mean(0)).T @ (A - A.mean(0)) + (B - B.mean(0)).T @ (B - B.mean(0))
    w = np.linalg.solve(S_w, B.mean(0) - A.mean(0))
    np.testing.assert_allclose(model.direction_, w / np.linalg.norm(w), atol=1e-10)
    np.testing.assert_allclose(model.within_scatter_, S_w, atol=1e-9)
    assert list(model.classes_) == ["neg", "pos"]
    Z = model.transform(X)[:, 0]
    assert Z[y == "pos"].mean() > Z[y == "neg"].mean()
    # Fisher's direction maximises J; PCA's first axis (maximum variance) separates worse.
    pca_axis = PCA(1).fit(X).components_[0]
    assert model.criterion(model.direction_) > 3 * model.criterion(pca_axis)
    angles = np.linspace(0, np.pi, 181)
    best = max(model.criterion(np.array([np.cos(a), np.sin(a)])) for a in angles)
    assert model.criterion(model.direction_) >= best - 1e-12
    np.testing.assert_allclose(model.criteria_[0], model.criterion(model.direction_))


def test_fisher_multiclass_matches_sklearn_lda_directions():
    X, y = load_iris(return_X_y=True)
    model = FisherLDA().fit(X, y)
    ref = LinearDiscriminantAnalysis(solver="eigen").fit(X, y).scalings_[:, :2].T
    ref = ref / np.linalg.norm(ref, axis=1, keepdims=True)
    signs = np.sign(np.sum(model.components_ * ref, axis=1, keepdims=True))
    np.testing.assert_allclose(model.components_, ref * signs, atol=1e-6)
    assert model.transform(X).shape == (150, 2)
    assert model.criteria_[0] > model.criteria_[1] > 0


def test_fisher_singular_within_scatter_warns_without_nan():
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0], [1.0, 2.0]])  # no spread in y per class
    with pytest.warns(SingularScatterWarning):
        model = FisherLDA().fit(X, [0, 0, 1, 1])
    np.testing.assert_allclose(model.direction_, [0.0, 1.0], atol=1e-6)
    assert model.criterion(model.direction_) == np.inf
    with pytest.warns(SingularScatterWarning):
        single = FisherLDA().fit(np.array([[0.0, 0.0], [3.0, 4.0]]), [0, 1])  # S_w = 0
    # the ridge is each feature's own scatter S_t[j, j] = (9, 16) / 2, so w ∝ (m_1 - m_0) / S_t
    np.testing.assert_allclose(single.direction_, [0.8, 0.6])


def exact_direction(X, y):
    """``S_w^-1 (m_1 - m_0)`` from the textbook formula, unit length."""
    A, B = X[y == 0], X[y == 1]
    S_w = (A - A.mean(0)).T @ (A - A.mean(0)) + (B - B.mean(0)).T @ (B - B.mean(0))
    w = np.linalg.solve(S_w, B.mean(0) - A.mean(0))
    return w / np.linalg.norm(w)


def test_fisher_is_exact_on_features_of_very_different_scales():
    # breast cancer: area ~1e3, smoothness ~0.1, raw S_w condition ~3e11 yet invertible; the
    # old always-on ridge of 1e-10 trace(S_w) / d turned the direction by |cos| = 0.987
    X, y = load_breast_cancer(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SingularScatterWarning)  # no ridge here
        model = FisherLDA().fit(X, y)
    assert abs(model.direction_ @ exact_direction(X, y)) >= 1 - 1e-12


def test_fisher_multiclass_is_the_exact_generalised_eigenproblem():
    X, y = load_wine(return_X_y=True)
    model = FisherLDA().fit(X, y)
    _, vectors = scipy.linalg.eigh(model.between_scatter_, model.within_scatter_)
    ref = vectors[:, ::-1][:, :2].T
    ref /= np.linalg.norm(ref, axis=1, keepdims=True)
    assert np.all(np.abs(np.sum(model.components_ * ref, axis=1)) >= 1 - 1e-10)


def test_fisher_ridge_on_a_singular_scatter_scales_with_the_features():
    # feature 2 has no spread inside either class: S_w is singular and a ridge is needed;
    # rescaling the features by D must give the direction D^-1 w, as for an exact solve
    rng = np.random.default_rng(3)
    X = np.column_stack([rng.standard_normal((40, 2)), np.repeat([0.0, 1.0], 20)])
    y = np.repeat([0, 1], 20)
    X[y == 1, :2] += [0.5, -0.3]
    D = np.array([1e4, 1e-3, 1e2])
    with pytest.warns(SingularScatterWarning):
        w = FisherLDA().fit(X, y).direction_
    with pytest.warns(SingularScatterWarning):
        w_scaled = FisherLDA().fit(X * D, y).direction_
    expected = (w / D) / np.linalg.norm(w / D)
    np.testing.assert_allclose(w_scaled, expected, rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize(
    ("X", "y", "match"),
    [
        (np.ones((4, 2)), [1, 1, 1, 1], "at least 2 classes"),
        (np.ones((4, 2)), [0, 1, 0], "one label per sample"),
        (np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 0.0], [0.0, 1.0]]), [0, 0, 1, 1], "coincide"),
        (np.array([[np.inf, 1.0], [1.0, 0.0]]), [0, 1], "NaN or infinity"),
        (np.ones((1, 2)), [0], "at least 2 row"),
    ],
)
def test_fisher_bad_input(X, y, match):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SingularScatterWarning)
        with pytest.raises(ValueError, match=match):
            FisherLDA().fit(X, y)
