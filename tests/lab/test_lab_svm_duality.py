"""The SVM's primal objective and duality gap per SMO step against a brute-force computation
from the Gram matrix (scikit-learn's kernels), weak duality at every step and the gap closing
at convergence."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.metrics.pairwise import linear_kernel, rbf_kernel

from prmlab.lab import svm
from prmlab.lab.whiteboard import board_for


def gram(state: svm.State) -> np.ndarray:
    if state.kernel == "rbf":
        return rbf_kernel(state.X, gamma=state.gamma)
    assert state.kernel == "linear"
    return linear_kernel(state.X)


def brute_force(state: svm.State, result: svm.Result) -> tuple[float, float]:
    """P(w, b) = ½ Σ α_i α_j y_i y_j K_ij + C Σ max(0, 1 − y_i f(x_i)) and W(α), from K."""
    K, y, a = gram(state), result.y, result.alpha
    ay = a * y
    half_w2 = 0.5 * ay @ K @ ay
    f = K @ ay + result.b
    slack = np.maximum(0.0, 1.0 - y * f)
    primal = half_w2 + result.C * slack.sum() if math.isfinite(result.C) else half_w2
    return float(primal), float(a.sum() - half_w2)


STATES = {
    "moons rbf C=10": svm.demo(),
    "overlapping linear C=1": svm.preset("Overlapping"),
    "xor rbf C=3": svm.preset("XOR").replace(C=3.0, gamma=1.5),
}


@pytest.mark.parametrize("name", STATES)
def test_each_replay_step_has_the_brute_force_primal_and_gap(name):
    experiment = svm.Experiment(STATES[name])
    last = experiment.run_to_end()
    for position in sorted({0, 1, 2, 5, last.position // 2, last.position}):
        result = experiment.run_to(position)
        primal, dual = brute_force(experiment.state, result)
        assert result.dual_objective == pytest.approx(dual, rel=1e-9, abs=1e-9)
        assert result.primal == pytest.approx(primal, rel=1e-9, abs=1e-9)
        assert result.duality_gap == pytest.approx(primal - dual, rel=1e-8, abs=1e-8)
        # one row per frame so far, the last one this frame's
        assert len(result.duality) == position + 1
        np.testing.assert_array_equal(result.duality[-1], [result.n_iter, result.primal,
                                                            result.duality_gap])  # fmt: skip
    # weak duality at every step, and the gap closed at SMO's stop (its KKT tolerance)
    assert np.all(last.duality[:, 2] >= -1e-9 * np.maximum(1.0, last.duality[:, 1]))
    assert last.converged and last.duality_gap <= 1e-3 * max(1.0, last.primal)
    assert last.duality[0, 2] > 100 * last.duality_gap  # it fell


def test_the_fit_has_the_primal_and_gap_at_its_end():
    experiment = svm.Experiment(svm.demo())
    result = experiment.fit()
    primal, dual = brute_force(experiment.state, result)
    assert result.primal == pytest.approx(primal, rel=1e-9)
    assert result.duality_gap == pytest.approx(primal - dual, rel=1e-6, abs=1e-9)
    # one row: P per frame would cost a decision_function call each, as much as the fit
    assert result.duality.shape == (1, 3) and result.duality[0, 0] == result.n_iter


def test_a_hard_margin_is_infinite_until_met_then_half_w_squared():
    experiment = svm.Experiment(svm.preset("Separable").replace(C=math.inf))
    first = experiment.run_to(0)
    assert math.isinf(first.primal)  # α = 0, b = 0: no point has y f ≥ 1
    last = experiment.run_to_end()
    w = (last.alpha * last.y) @ last.X
    assert last.primal == pytest.approx(0.5 * w @ w, rel=1e-9)
    assert last.duality_gap == pytest.approx(0.0, abs=1e-6 * last.primal)


def test_the_board_shows_this_steps_primal_dual_and_gap():
    experiment = svm.Experiment(svm.demo())
    result = experiment.run_to(4)
    primal, dual = brute_force(experiment.state, result)
    board = board_for(experiment.state, result)
    shown = next(eq.values for eq in board.equations if eq.caption.startswith("The primal"))
    assert shown["P"] == pytest.approx(primal, rel=1e-9)
    assert shown["W"] == pytest.approx(dual, rel=1e-9)
    assert shown["gap"] == pytest.approx(primal - dual, rel=1e-9)
