"""prmlab.engine.linear's classifiers against scikit-learn on the same data (issue #18)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.linalg
from sklearn import discriminant_analysis as da
from sklearn import linear_model as sk
from sklearn import naive_bayes as nb

from prmlab.engine.linear import (
    ConvergenceWarning,
    GaussianDiscriminant,
    GaussianNB,
    LogisticRegression,
    Perceptron,
    SeparableWarning,
)


def _blobs(n_classes: int = 2, n: int = 90, d: int = 2, seed: int = 0, spread: float = 1.5):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % n_classes
    centres = rng.uniform(-2, 2, (n_classes, d))
    scales = rng.uniform(0.5, spread, (n_classes, d))
    return centres[y] + scales[y] * rng.standard_normal((n, d)), y


def _separable(seed: int = 1):
    X, y = _blobs(2, 40, seed=seed, spread=0.6)
    w = np.array([1.0, -0.5])
    y = (X @ w > np.median(X @ w)).astype(int)
    margin = np.where(y == 1, 1.0, -1.0)[:, None] * 0.3 * w  # push the classes apart
    return X + margin, y


# --- perceptron --------------------------------------------------------------------------


def test_perceptron_stops_with_no_training_error_on_separable_data() -> None:
    X, y = _separable()
    p = Perceptron().fit(X, y)
    assert p.converged_ and p.note_ is None
    assert (p.predict(X) == y).all()
    assert p.coef_.shape == (1, 2) and p.intercept_.shape == (1,)


def test_perceptron_steps_are_the_updates_of_misclassified_points() -> None:
    X, y = _separable()
    model = Perceptron(eta=0.5, seed=3)
    steps = list(model.iter_fit(X, y))
    assert len(steps) == model.n_updates_ > 0
    for before, after in zip(steps, steps[1:]):
        np.testing.assert_array_equal(after.coef_before, before.coef_after)
    for s in steps:
        assert s.target * (s.x @ s.coef_before + s.intercept_before) <= 0.0  # misclassified
        np.testing.assert_allclose(s.coef_after, s.coef_before + 0.5 * s.target * s.x)
        assert s.intercept_after == s.intercept_before + 0.5 * s.target
        np.testing.assert_array_equal(s.x, X[s.index])
    np.testing.assert_array_equal(steps[-1].coef_after, model.coef_[0])
    again = list(Perceptron(eta=0.5, seed=3).iter_fit(X, y))
    assert [s.index for s in again] == [s.index for s in steps]


def test_perceptron_says_so_on_inseparable_data() -> None:
    X = np.array([[0, 0], [1, 1], [0, 1], [1, 0]], float)  # XOR
    y = np.array([0, 0, 1, 1])
    with pytest.warns(ConvergenceWarning, match="not linearly separable"):
        p = Perceptron(max_epochs=20).fit(X, y)
    assert not p.converged_ and p.n_epochs_ == 20 and "max_epochs=20" in p.note_


# --- logistic regression -----------------------------------------------------------------


def _tight(**kw):
    """scikit-learn's fit to rounding error (its default lbfgs stops ~1e-6 short of it even
    with tol=1e-12; its Newton solver gets there)."""
    return sk.LogisticRegression(solver="newton-cholesky", tol=1e-12, max_iter=10_000, **kw)


@pytest.mark.parametrize("n_classes", [2, 3, 4])
@pytest.mark.parametrize("C", [0.05, 1.0, 100.0])
def test_logistic_matches_scikit_learn_with_a_tight_tolerance(n_classes: int, C: float) -> None:
    X, y = _blobs(n_classes, d=3)
    ours = LogisticRegression(C=C).fit(X, y)
    ref = _tight(C=C).fit(X, y)
    assert ours.coef_.shape == ref.coef_.shape == ((1, 3) if n_classes == 2 else (n_classes, 3))
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-6)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-6)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-6)
    np.testing.assert_allclose(ours.decision_function(X), ref.decision_function(X), atol=1e-5)
    assert ours.converged_ and (ours.predict(X) == ref.predict(X)).all()


@pytest.mark.parametrize("n_classes", [2, 3])
def test_logistic_is_within_1e_2_of_scikit_learns_default_fit(n_classes: int) -> None:
    X, y = _blobs(n_classes, n=300, d=4, seed=5)
    ours = LogisticRegression().fit(X, y)
    ref = sk.LogisticRegression().fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-2)


def test_logistic_without_intercept_and_with_string_labels() -> None:
    X, y = _blobs(3, d=2, seed=2)
    labels = np.array(["a", "b", "c"])[y]
    ours = LogisticRegression(fit_intercept=False).fit(X, labels)
    ref = _tight(fit_intercept=False).fit(X, labels)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-6)
    assert (ours.intercept_ == 0).all() and list(ours.classes_) == ["a", "b", "c"]
    assert (ours.predict(X) == ref.predict(X)).all()


def test_maximum_likelihood_logistic_matches_scikit_learn_without_penalty() -> None:
    X, y = _blobs(2, d=2, seed=4)  # overlapping blobs: the maximum likelihood exists
    ours = LogisticRegression(C=np.inf).fit(X, y)
    ref = _tight(C=np.inf).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-6)


def test_logistic_with_infinite_C_on_separable_data_warns_that_w_grows() -> None:
    X, y = _separable()
    model = LogisticRegression(C=np.inf, max_iter=15)
    with pytest.warns(SeparableWarning, match="grows without bound"):
        model.fit(X, y)
    norms = [np.linalg.norm(s.coef) for s in model.iter_fit(X, y)]
    assert norms[-1] > norms[3] > norms[1]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        LogisticRegression(C=1.0).fit(X, y)  # a finite C: a maximum exists


@pytest.mark.parametrize("solver", ["newton", "gradient"])
def test_logistic_steps_descend_from_zero_to_the_fit(solver: str) -> None:
    X, y = _blobs(2, d=2, seed=6)
    model = LogisticRegression(solver=solver, max_iter=30)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # the gradient method is slow
        steps = list(model.iter_fit(X, y))
    assert steps[0].iteration == 0 and not steps[0].coef.any()
    assert steps[0].log_likelihood == pytest.approx(-len(y) * np.log(2))
    objectives = [s.objective for s in steps]
    assert all(b <= a for a, b in zip(objectives, objectives[1:]))
    np.testing.assert_array_equal(steps[-1].coef, model.coef_)
    assert model.log_likelihood_ == steps[-1].log_likelihood
    if solver == "newton":
        assert model.converged_ and len(steps) < 12 and steps[-1].gradient_max < 1e-6


def test_gradient_solver_reaches_newtons_fit() -> None:
    X, y = _blobs(2, d=2, seed=6)
    newton = LogisticRegression().fit(X, y)
    gradient = LogisticRegression(solver="gradient", max_iter=20_000, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(gradient.coef_, newton.coef_, atol=1e-6)


# --- Gaussian discriminant analysis and naive Bayes --------------------------------------


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("priors", [None, "given"])
def test_lda_matches_scikit_learns_lsqr_solver(n_classes: int, priors) -> None:
    X, y = _blobs(n_classes, d=3, seed=7)
    p = (
        None
        if priors is None
        else np.linspace(1, 2, n_classes) / np.linspace(1, 2, n_classes).sum()
    )
    ours = GaussianDiscriminant(priors=p).fit(X, y)
    ref = da.LinearDiscriminantAnalysis(solver="lsqr", priors=p).fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-10)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-10)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-10)
    np.testing.assert_allclose(ours.decision_function(X), ref.decision_function(X), atol=1e-9)
    np.testing.assert_allclose(ours.covariances_[0], ref.covariance_, atol=1e-12)
    assert ours.covariances_.shape == (n_classes, 3, 3)
    np.testing.assert_allclose(ours.means_, ref.means_, atol=1e-12)
    np.testing.assert_allclose(ours.priors_, ref.priors_)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_qda_matches_scikit_learn(n_classes: int) -> None:
    X, y = _blobs(n_classes, d=3, seed=8)
    ours = GaussianDiscriminant(shared_covariance=False).fit(X, y)
    ref = da.QuadraticDiscriminantAnalysis(store_covariance=True).fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-10)
    np.testing.assert_allclose(ours.covariances_, ref.covariance_, atol=1e-12)
    np.testing.assert_allclose(ours.decision_function(X), ref.decision_function(X), atol=1e-9)
    assert (ours.predict(X) == ref.predict(X)).all()


@pytest.mark.parametrize("d", [2, 12])
def test_qda_on_few_features_skips_lapacks_triangular_solve(monkeypatch, d: int) -> None:
    # a tiny model's solve by LAPACK cost more than its whole fit; the answer is the same
    X, y = _blobs(2, n=16 * d, d=d, seed=10)
    reference = GaussianDiscriminant(shared_covariance=False).fit(X, y).predict_proba(X)
    calls = []
    solve = scipy.linalg.solve_triangular
    monkeypatch.setattr(
        scipy.linalg, "solve_triangular", lambda *a, **k: calls.append(1) or solve(*a, **k)
    )
    proba = GaussianDiscriminant(shared_covariance=False).fit(X, y).predict_proba(X)
    np.testing.assert_allclose(proba, reference, rtol=1e-13, atol=1e-15)
    assert bool(calls) == (d > 8)


def test_newton_on_few_features_skips_lapacks_solve(monkeypatch) -> None:
    X, y = _blobs(2, n=400, d=3, seed=11)
    reference = LogisticRegression(C=1.0).fit(X, y)
    monkeypatch.setattr(scipy.linalg, "solve", lambda *a, **k: pytest.fail("LAPACK's solve"))
    ours = LogisticRegression(C=1.0).fit(X, y)
    np.testing.assert_allclose(ours.coef_, reference.coef_, rtol=1e-12)


@pytest.mark.parametrize("d", [1, 3, 8, 9])
def test_substitution_solves_as_lapack(d: int) -> None:
    from prmlab.engine.linear._common import solve_lower, solve_positive

    rng = np.random.default_rng(d)
    A = rng.normal(size=(d, d))
    H, g = A @ A.T + d * np.eye(d), rng.normal(size=(d, 5))
    L = np.linalg.cholesky(H)
    np.testing.assert_allclose(
        solve_lower(L, g), scipy.linalg.solve_triangular(L, g, lower=True), rtol=1e-12
    )
    np.testing.assert_allclose(solve_positive(H, g), np.linalg.solve(H, g), rtol=1e-10)
    with pytest.raises((np.linalg.LinAlgError, scipy.linalg.LinAlgError)):
        solve_positive(-H, g)


def test_lda_on_large_data_matches_the_direct_estimates() -> None:
    X, y = _blobs(3, n=50_003, d=4, seed=9)  # the parallel class-statistics kernels' chunks
    ours = GaussianDiscriminant().fit(X, y)
    ref = da.LinearDiscriminantAnalysis(solver="lsqr").fit(X, y)
    np.testing.assert_allclose(ours.covariance_, ref.covariance_, rtol=1e-10)
    np.testing.assert_allclose(ours.predict_proba(X[:500]), ref.predict_proba(X[:500]), atol=1e-10)


def test_naive_bayes_matches_scikit_learn() -> None:
    X, y = _blobs(3, d=4, seed=10)
    ours, ref = GaussianNB().fit(X, y), nb.GaussianNB().fit(X, y)
    np.testing.assert_allclose(ours.theta_, ref.theta_, atol=1e-12)
    np.testing.assert_allclose(ours.var_, ref.var_, atol=1e-12)
    np.testing.assert_allclose(ours.class_prior_, ref.class_prior_)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-10)
    assert ours.epsilon_ == pytest.approx(ref.epsilon_)
    assert (ours.predict(X) == ref.predict(X)).all()


def test_logistic_on_many_rows_matches_scikit_learn() -> None:
    # above 50,000 rows: a start from every 16th row, passes in chunks on the engine's pool
    X, y = _blobs(2, n=60_000, d=3, seed=11)
    ours = LogisticRegression().fit(X, y)
    ref = _tight().fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-6)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-6)
    assert ours.converged_
