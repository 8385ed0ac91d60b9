"""prmlab.engine.linear's regressions against scikit-learn on the same data (issue #18)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import linear_model as sk

from prmlab.engine.linear import ConvergenceWarning, Lasso, LinearRegression, Ridge, lasso_path


def _data(n: int = 60, d: int = 5, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) * rng.uniform(0.5, 3.0, d) + rng.uniform(-2, 2, d)
    w = np.array([1.5, -2.0, 0.0, 0.7, 0.0, 3.0, -1.0][:d])
    return X, X @ w + 0.5 + 0.3 * rng.standard_normal(n)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_least_squares_matches_scikit_learn(fit_intercept: bool) -> None:
    X, y = _data()
    ours = LinearRegression(fit_intercept).fit(X, y)
    ref = sk.LinearRegression(fit_intercept=fit_intercept).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-10)
    assert ours.intercept_ == pytest.approx(ref.intercept_, abs=1e-10)
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), atol=1e-10)
    assert ours.note_ is None and ours.rank_ == X.shape[1]


def test_rank_deficient_least_squares_takes_the_least_norm_solution_with_a_note() -> None:
    X, y = _data(n=3, d=5)  # fewer points than features
    X = np.column_stack([X, X[:, 0]])  # and a repeated column
    ours = LinearRegression().fit(X, y)
    ref = sk.LinearRegression().fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-9)
    np.testing.assert_allclose(ours.predict(X), y, atol=1e-9)  # interpolates
    assert ours.rank_ == 2 and "least-norm" in ours.note_
    assert ours.coef_[0] == pytest.approx(ours.coef_[-1])  # the repeated column shares weight


@pytest.mark.parametrize("alpha", [1e-3, 1.0, 50.0])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_ridge_matches_scikit_learn(alpha: float, fit_intercept: bool) -> None:
    X, y = _data()
    ours = Ridge(alpha, fit_intercept=fit_intercept).fit(X, y)
    ref = sk.Ridge(alpha, fit_intercept=fit_intercept).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-10)
    assert ours.intercept_ == pytest.approx(ref.intercept_, abs=1e-10)


@pytest.mark.parametrize("alpha", [1e-3, 0.1, 1.0])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_lasso_matches_scikit_learn(alpha: float, fit_intercept: bool) -> None:
    X, y = _data()
    ours = Lasso(alpha, fit_intercept=fit_intercept, tol=1e-12, max_iter=100_000).fit(X, y)
    ref = sk.Lasso(alpha, fit_intercept=fit_intercept, tol=1e-12, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-6)
    assert ours.intercept_ == pytest.approx(ref.intercept_, abs=1e-6)


def test_lasso_with_default_tolerance_is_close_to_scikit_learn_and_gives_exact_zeros() -> None:
    X, y = _data()
    ours, ref = Lasso(0.3).fit(X, y), sk.Lasso(0.3).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-3)
    assert (ours.coef_ == 0.0).any()
    assert (Lasso(1e6).fit(X, y).coef_ == 0.0).all()


def test_lasso_warns_when_it_runs_out_of_sweeps() -> None:
    X, y = _data()
    with pytest.warns(ConvergenceWarning, match="max_iter=1"):
        Lasso(0.01, max_iter=1, tol=1e-12).fit(X, y)


def test_lasso_path_matches_scikit_learn_in_the_order_given() -> None:
    X, y = _data(n=80, d=7)
    X, y = X - X.mean(axis=0), y - y.mean()
    alphas = np.array([0.05, 2.0, 0.001, 0.5, 0.2])  # not sorted: the output follows this order
    ours = lasso_path(X, y, alphas, tol=1e-12, max_iter=100_000)
    assert ours.shape == (5, 7)
    _, ref, _ = sk.lasso_path(X, y, alphas=alphas, tol=1e-12, max_iter=100_000)
    ref_order = np.sort(alphas)[::-1]  # scikit-learn sorts them down
    for i, a in enumerate(alphas):
        np.testing.assert_allclose(ours[i], ref[:, np.flatnonzero(ref_order == a)[0]], atol=1e-6)
    single = [
        Lasso(a, fit_intercept=False, tol=1e-12, max_iter=100_000).fit(X, y).coef_ for a in alphas
    ]
    np.testing.assert_allclose(ours, single, atol=1e-6)
