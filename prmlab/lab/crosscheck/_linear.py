"""Linear models: least squares, ridge/lasso, logistic regression, GDA and naive Bayes of
the State against scikit-learn's on the same points."""

from __future__ import annotations

import math
import warnings

import numpy as np

from prmlab.lab import linear
from prmlab.lab.crosscheck._rows import Row, reference, row
from prmlab.lab.linear._geometry import grid_points
from prmlab.lab.linear._regression import features_for

SKLEARN = "scikit-learn"
LASSO_TOL = 1e-4  # the panel's lasso stops at coordinate descent's default tolerance


def cross_check(state: linear.State) -> list[Row]:
    """The rows of the State's mode (the perceptron's shuffled updates have no reference)."""
    reference("sklearn.linear_model", SKLEARN)
    if state.mode == "perceptron":
        raise ValueError(
            "The perceptron's updates follow its own shuffled order, which no library "
            "replays: cross-check the regression, logistic or generative mode"
        )
    result = linear.Experiment(state).run_to(10**9)
    if state.mode == "regression":
        return _regression(state, result)
    if state.mode == "logistic":
        return _logistic(state, result)
    return _generative(state, result)


def _tight(C: float):
    # scikit-learn's Newton solver to rounding error (its default lbfgs stops ~1e-6 short)
    model = reference("sklearn.linear_model", SKLEARN)
    return model.LogisticRegression(C=C, solver="newton-cholesky", tol=1e-12, max_iter=10_000)


def _regression(state: linear.State, result) -> list[Row]:
    model = reference("sklearn.linear_model", SKLEARN)
    x, y = state.X[:, 0], state.X[:, 1]
    Z = features_for(x, state.degree)(x)
    mle = model.LinearRegression().fit(Z, y)
    if state.penalty == "ridge":
        name, post = f"ridge (λ = {state.ridge_lambda:g})", model.Ridge(state.ridge_lambda)
        tol = 1e-8
    else:
        name, post = f"lasso (α = {state.lasso_alpha:g})", model.Lasso(state.lasso_alpha)
        tol = LASSO_TOL
    post.fit(Z, y)
    scale = max(1.0, float(np.abs(y).max()))
    return [
        row("least-squares weights", SKLEARN, np.r_[result.intercept_mle, result.coef_mle],
            np.r_[mle.intercept_, mle.coef_], 1e-8 * scale),
        row(f"{name} weights", SKLEARN, np.r_[result.intercept_map, result.coef_map],
            np.r_[post.intercept_, post.coef_], tol * scale),
    ]  # fmt: skip


def _logistic(state: linear.State, result) -> list[Row]:
    X, y = state.X, state.labels
    with warnings.catch_warnings():  # separable points: both say so in their own way
        warnings.simplefilter("ignore")
        theirs = _tight(state.C).fit(X, y)
    ours = 1.0 / (1.0 + np.exp(-(X @ result.coef + result.intercept)))
    rows = [row("logistic p(y = 1 | x) at the points", SKLEARN, ours,
                theirs.predict_proba(X)[:, 1], 1e-6)]  # fmt: skip
    if math.isfinite(state.C):  # with C = ∞ separable points have no finite weights
        rows.append(row("logistic weights", SKLEARN, np.r_[result.intercept, result.coef],
                        np.r_[theirs.intercept_, theirs.coef_[0]], 1e-6))  # fmt: skip
    return rows


def _generative(state: linear.State, result) -> list[Row]:
    da = reference("sklearn.discriminant_analysis", SKLEARN)
    nb = reference("sklearn.naive_bayes", SKLEARN)
    n = result.n_train
    X, y = state.X[:n], state.labels[:n]
    references = (
        da.LinearDiscriminantAnalysis(solver="lsqr"),
        da.QuadraticDiscriminantAnalysis(store_covariance=True),
        nb.GaussianNB(),
        _tight(state.C),
    )
    grid = grid_points(result.extent)
    rows = []
    for name, ours, theirs in zip(linear.MODELS, result.probability, references):
        if np.isnan(ours).all():  # a model the points could not fit: the panel says why
            continue
        if name == linear.MODELS[-1] and not math.isfinite(state.C):
            continue  # separable points have no finite weights: the map is the solver's stop
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs.fit(X, y)
        rows.append(row(f"{name}: p(class 1 | x) on the map", SKLEARN, ours.ravel(),
                        theirs.predict_proba(grid)[:, 1], 1e-6))  # fmt: skip
    return rows
