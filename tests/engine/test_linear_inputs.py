"""prmlab.engine.linear refuses bad input with a ValueError naming the parameter, the rule,
the value and a fix (issue #18), and its parallel kernels give the same numbers on any number
of threads."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from prmlab.engine.linear import (
    GaussianDiscriminant,
    GaussianNB,
    Lasso,
    LinearRegression,
    LogisticRegression,
    Perceptron,
    Ridge,
    _chunks,
    lasso_path,
)
from prmlab.engine.linear import _kernels as K
from prmlab.engine.linear._chunks import map_chunks
from prmlab.engine.linear._generative import class_statistics

X = np.array([[0.0, 1.0], [1.0, 0.5], [2.0, 2.0], [3.0, 1.0], [0.5, 3.0], [2.5, 0.0]])
Y = np.array([0, 0, 1, 1, 0, 1])  # x₀ > 1.5: separable
CLASSIFIERS = [Perceptron, LogisticRegression, GaussianDiscriminant, GaussianNB]
REGRESSORS = [LinearRegression, Ridge, Lasso]


@pytest.mark.parametrize("model", CLASSIFIERS + REGRESSORS)
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_X_is_refused(model, bad: float) -> None:
    Xb = X.copy()
    Xb[2, 1] = bad
    with pytest.raises(ValueError, match=r"X contains NaN or infinity \(first at index \(2, 1\)\)"):
        model().fit(Xb, Y)


@pytest.mark.parametrize("model", REGRESSORS)
def test_non_finite_or_misshapen_targets_are_refused(model) -> None:
    with pytest.raises(ValueError, match="y contains NaN"):
        model().fit(X, [0, 1, np.nan, 2, 3, 4])
    with pytest.raises(ValueError, match=r"y must have one value per row of X \(6\)"):
        model().fit(X, [1.0, 2.0])


@pytest.mark.parametrize("model", CLASSIFIERS)
def test_one_class_and_misshapen_labels_are_refused(model) -> None:
    with pytest.raises(ValueError, match=r"at least 2 classes, got 1 \(\[7\]\); label some"):
        model().fit(X, np.full(6, 7))
    with pytest.raises(ValueError, match=r"y must have one label per sample \(6\)"):
        model().fit(X, [0, 1, 0])
    with pytest.raises(ValueError, match="X must be 2-D, got shape .*reshape"):
        model().fit(X[:, 0], Y)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Ridge(alpha=0.0), "alpha must be > 0.0, got 0.0"),
        (lambda: Lasso(alpha=-1), "alpha must be > 0.0, got -1.0"),
        (lambda: Lasso(max_iter=0), "max_iter must be >= 1, got 0"),
        (lambda: LogisticRegression(C=0), "C must be > 0.0, got 0.0"),
        (lambda: LogisticRegression(C=-np.inf), "C must be > 0.0, got -inf"),
        (lambda: LogisticRegression(solver="lbfgs"), "solver must be one of 'newton', 'gradient'"),
        (lambda: Perceptron(eta=0), "eta must be > 0.0, got 0.0"),
        (lambda: Perceptron(max_epochs=2.0), "max_epochs must be an integer, got 2.0; pass"),
        (lambda: GaussianNB(var_smoothing=-1e-9), "var_smoothing must be >= 0.0"),
        (lambda: GaussianDiscriminant(priors=[0.2, 0.2]), "priors must be > 0 and sum to 1"),
        (lambda: GaussianDiscriminant(priors=[1.0]), "priors must have one entry per class"),
    ],
)
def test_bad_parameters_are_named(make, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        make().fit(X, Y)


def test_fewer_rows_than_needed_are_refused() -> None:
    with pytest.raises(ValueError, match="X needs at least 2 row"):
        LogisticRegression().fit(X[:1], Y[:1])
    with pytest.raises(ValueError, match="more rows than classes"):
        GaussianDiscriminant().fit(X[[0, 3]], Y[[0, 3]])
    with pytest.raises(
        ValueError, match=r"y has 2 point\(s\) in class 0, fewer than the 3 needed.*shared_cov"
    ):
        GaussianDiscriminant(shared_covariance=False).fit(X[[0, 2, 3, 4, 5]], Y[[0, 2, 3, 4, 5]])
    on_a_line = np.array([[0, 0], [1, 1], [2, 2], [0, 1], [1, 0], [2, 3]], float)
    with pytest.raises(ValueError, match="covariance of class 0 is singular.*shared_covariance"):
        GaussianDiscriminant(shared_covariance=False).fit(on_a_line, [0, 0, 0, 1, 1, 1])


def test_perceptron_needs_two_classes() -> None:
    with pytest.raises(ValueError, match="exactly 2 classes for the perceptron, got 3"):
        Perceptron().iter_fit(X, [0, 1, 2, 0, 1, 2])  # checked at once, not at the first step


def test_lasso_path_refuses_non_positive_alphas() -> None:
    with pytest.raises(ValueError, match=r"alphas must all be > 0, got 0.0"):
        lasso_path(X, X[:, 0], [1.0, 0.0])
    with pytest.raises(ValueError, match="alphas must be 1-D"):
        lasso_path(X, X[:, 0], [[1.0]])


@pytest.mark.parametrize("model", CLASSIFIERS + REGRESSORS)
def test_prediction_needs_a_fit_and_the_same_features(model) -> None:
    with pytest.raises(ValueError, match="not fitted yet; call fit"):
        model().predict(X)
    fitted = model().fit(X, Y) if model in CLASSIFIERS else model().fit(X, X[:, 0] + Y)
    with pytest.raises(ValueError, match="X must have 2 columns like the data .* got 3"):
        fitted.predict(np.ones((2, 3)))


def test_naive_bayes_refuses_a_zero_variance() -> None:
    with pytest.raises(ValueError, match="feature 0 is constant in class 0.*var_smoothing > 0"):
        GaussianNB(var_smoothing=0.0).fit(np.column_stack([Y, X[:, 1]]), Y)


def test_chunked_passes_do_not_depend_on_the_thread_count(monkeypatch) -> None:
    rng = np.random.default_rng(0)
    Xl = rng.standard_normal((20_011, 3))  # above PARALLEL_ROWS: 16 chunks on the pool
    codes = rng.integers(0, 3, 20_011)
    targets = (codes == 1).astype(float)
    theta = np.array([0.3, -0.2, 0.1, 0.05])

    def passes():
        return [
            *class_statistics(Xl, codes, 3),
            *map_chunks(K.logistic_rows, 20_011, Xl, theta, targets, True, True)[5][1:],
        ]

    many = passes()
    with ThreadPoolExecutor(1) as one_thread:
        monkeypatch.setattr(_chunks, "shared_pool", lambda: one_thread)
        one = passes()
    for a, b in zip(one, many):
        np.testing.assert_array_equal(a, b)
    counts, means, scatters = many[:3]
    np.testing.assert_allclose(means[1], Xl[codes == 1].mean(axis=0), rtol=1e-12)
    centred = Xl[codes == 2] - means[2]
    np.testing.assert_allclose(scatters[2], centred.T @ centred, rtol=1e-10)
