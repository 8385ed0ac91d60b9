"""EM/GMM and k-means: from the State's init, the engine's fit against scikit-learn's fit
from the same start (same init, so the same fixed point and the same component order)."""

from __future__ import annotations

import warnings

import numpy as np

from prmlab.engine import gmm as engine
from prmlab.lab import gmm
from prmlab.lab.crosscheck._rows import Row, reference, row

SKLEARN = "scikit-learn"
TOL = 1e-10  # both runs go this close to the fixed point: differences are the algorithms'
MAX_ITER = 300  # unconverged, both have made the same EM steps: still comparable


def cross_check(state: gmm.State) -> list[Row]:
    """k-means' centres, inertia and labels, or GMM's weights, means, covariances and
    log-likelihood, against scikit-learn's KMeans / GaussianMixture from the same start."""
    if state.method == "kmeans":
        reference("sklearn.cluster", SKLEARN)
    else:
        reference("sklearn.mixture", SKLEARN)
    start = gmm.Experiment(state.replace(position=0))
    X, init = start.data, start.result
    scale = max(1.0, float(np.abs(X).max()))
    if state.method == "kmeans":
        return _kmeans(X, init.means, scale)
    return _mixture(X, init, state, scale)


def _kmeans(X: np.ndarray, centres: np.ndarray, scale: float) -> list[Row]:
    cluster = reference("sklearn.cluster", SKLEARN)
    k = len(centres)
    ours = engine.KMeans(k, init=centres, n_init=1, max_iter=MAX_ITER, tol=0.0).fit(X)
    theirs = cluster.KMeans(
        k, init=centres, n_init=1, max_iter=MAX_ITER, tol=0.0, algorithm="lloyd"
    ).fit(X)
    inertia = max(1.0, theirs.inertia_)
    return [
        row("k-means centres", SKLEARN, ours.cluster_centers_, theirs.cluster_centers_,
            1e-9 * scale),
        row("k-means inertia J", SKLEARN, ours.inertia_, theirs.inertia_, 1e-9 * inertia),
        Row("k-means labels (points assigned differently)", SKLEARN,
            float(np.sum(ours.labels_ != theirs.labels_)), 0.0),
    ]  # fmt: skip


def _mixture(X: np.ndarray, init: gmm.Result, state: gmm.State, scale: float) -> list[Row]:
    mixture = reference("sklearn.mixture", SKLEARN)
    covariances = init.covariances
    if state.covariance_type == "diag":
        covariances = np.diagonal(covariances, axis1=1, axis2=2).copy()
    common = {"covariance_type": state.covariance_type, "tol": TOL, "max_iter": MAX_ITER,
              "reg_covar": state.reg_covar, "weights_init": init.weights,
              "means_init": init.means}  # fmt: skip
    k = len(init.means)
    exceptions = reference("sklearn.exceptions", SKLEARN)
    with warnings.catch_warnings():  # stopping at MAX_ITER is no error here
        warnings.simplefilter("ignore", engine.ConvergenceWarning)
        warnings.simplefilter("ignore", exceptions.ConvergenceWarning)
        ours = engine.GaussianMixture(k, covariances_init=covariances, **common).fit(X)
        theirs = mixture.GaussianMixture(
            k, precisions_init=_precisions(covariances, state.covariance_type), **common
        ).fit(X)
    return [
        row("GMM weights π", SKLEARN, ours.weights_, theirs.weights_, 1e-5),
        row("GMM means μ", SKLEARN, ours.means_, theirs.means_, 1e-4 * scale),
        row("GMM covariances Σ", SKLEARN, ours.covariances_, theirs.covariances_,
            1e-4 * scale**2),
        row("GMM mean log-likelihood", SKLEARN, ours.score(X), theirs.score(X), 1e-6),
    ]  # fmt: skip


def _precisions(covariances: np.ndarray, covariance_type: str) -> np.ndarray:
    # scikit-learn starts from precisions, not covariances
    return np.linalg.inv(covariances) if covariance_type == "full" else 1.0 / covariances
