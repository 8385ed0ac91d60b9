"""The EM/GMM whiteboard's live numbers against scikit-learn's GaussianMixture with the same
parameters (an independent implementation)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.mixture import GaussianMixture
from sklearn.mixture._gaussian_mixture import _estimate_gaussian_parameters

from prmlab.lab import gmm
from prmlab.lab.whiteboard import board_for


def sklearn_model(weights, means, covariances) -> GaussianMixture:
    model = GaussianMixture(len(weights), covariance_type="full")
    model.weights_, model.means_, model.covariances_ = weights, means, covariances
    model.precisions_cholesky_ = np.linalg.cholesky(np.linalg.inv(covariances))
    return model


def values(board, caption_start: str) -> dict:
    (eq,) = [e for e in board.equations if e.caption.startswith(caption_start)]
    return eq.values


@pytest.fixture
def run():
    state = gmm.preset("Overlapping blobs (5)", seed=1).replace(reg_covar=1e-3)
    experiment = gmm.Experiment(state)
    X = gmm.fitted_data(state)
    results = [experiment.step() for _ in range(4)]  # E, M, E, M
    return experiment.state, X, results


def test_gamma_and_bound_after_an_e_step(run):
    state, X, (_e1, m1, e2, _m2) = run
    board = board_for(state.replace(position=e2.position), e2, selection=7)
    model = sklearn_model(m1.weights, m1.means, m1.covariances)
    gamma = values(board, "E step")
    np.testing.assert_allclose(gamma["gamma"], model.predict_proba(X)[7], atol=1e-10)
    np.testing.assert_allclose(gamma["x"], X[7, :3])
    bound = values(board, "The bound")
    assert bound["logp"] == pytest.approx(model.score(X), abs=1e-10)
    assert bound["KL"] == pytest.approx(0.0, abs=1e-12)  # E closes the gap
    assert board.bound.lower == board.bound.total and board.bound.before is None
    q = model.predict_proba(X)
    with np.errstate(divide="ignore", invalid="ignore"):
        entropy = -np.where(q > 0, q * np.log(q), 0).sum() / len(X)
    expected_q = (q * model._estimate_weighted_log_prob(X)).sum() / len(X)
    assert values(board, "The expected")["Q"] == pytest.approx(expected_q, abs=1e-9)
    assert bound["L"] == pytest.approx(expected_q + entropy, abs=1e-9)


def test_m_step_updates_and_raised_bound(run):
    state, X, (_e1, m1, e2, m2) = run
    board = board_for(state.replace(position=m2.position), m2, selection=3)
    q = sklearn_model(m1.weights, m1.means, m1.covariances).predict_proba(X)
    nk, means, covariances = _estimate_gaussian_parameters(X, q, 1e-3, "full")
    weights = values(board, "M step: the weights")
    np.testing.assert_allclose(weights["Nk"], nk, rtol=1e-10)
    np.testing.assert_allclose(weights["pi"], nk / len(X), rtol=1e-10)
    k = int(np.argmax(q[3]))
    np.testing.assert_allclose(values(board, "M step: the mean")["mu"], means[k], rtol=1e-9)
    sigma = values(board, "M step: the covariance")
    np.testing.assert_allclose(sigma["Sigma"], covariances[k], rtol=1e-8)
    assert sigma["reg"] == 1e-3
    new = sklearn_model(means=means, weights=nk / len(X), covariances=covariances)
    bound = values(board, "The bound")
    assert bound["logp"] == pytest.approx(new.score(X), abs=1e-9)
    posterior = new.predict_proba(X)
    with np.errstate(divide="ignore", invalid="ignore"):
        kl = np.where(q > 0, q * np.log(q / posterior), 0).sum() / len(X)
    assert bound["KL"] == pytest.approx(kl, abs=1e-9)
    assert bound["KL"] >= 0
    # the bar: L and log p under θ_new, and log p under θ_old (the E step's), which M raises L past
    bar = board.bound
    assert (bar.lower, bar.total) == (bound["L"], bound["logp"])
    old = sklearn_model(m1.weights, m1.means, m1.covariances).score(X)
    assert bar.before == pytest.approx(old, abs=1e-9)
    assert bar.lower >= bar.before
    assert (
        bound["L"] >= values(board_for(state.replace(position=e2.position), e2), "The bound")["L"]
    )


def test_kmeans_objective_and_centre():
    state = gmm.preset("Blobs (3)", seed=0).replace(method="kmeans")
    experiment = gmm.Experiment(state)
    experiment.step()
    r = experiment.step()  # M: the centres move to their points' means
    X = gmm.fitted_data(state)
    board = board_for(experiment.state, r, selection=2)
    k = int(r.labels[2])
    np.testing.assert_allclose(values(board, "Centre")["mu"], X[r.labels == k].mean(axis=0))
    first = gmm.Experiment(state).step()  # J is the inertia of the latest assignment
    inertia = ((X - first.means[first.labels]) ** 2).sum()
    assert values(board, "The objective")["J"] == pytest.approx(inertia, rel=1e-10)
