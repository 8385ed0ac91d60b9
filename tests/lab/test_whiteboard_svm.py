"""The SVM whiteboard's live numbers against an independent computation from α and b with
scikit-learn's kernels (and scikit-learn's SVC for the fitted dual)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics.pairwise import linear_kernel, rbf_kernel
from sklearn.svm import SVC

from prmlab.lab import svm
from prmlab.lab.whiteboard import board_for


def shown(board) -> dict[str, dict]:
    return {eq.caption.split(" (")[0].split(" n =")[0]: eq.values for eq in board.equations}


@pytest.mark.parametrize("name", ["Overlapping", "Moons"])
def test_dual_constraints_point_and_intercept(name):
    state = svm.preset(name, seed=0)
    experiment = svm.Experiment(state)
    result = experiment.fit()
    y = result.y
    gram = (
        linear_kernel(result.X)
        if result.kernel == "linear"
        else rbf_kernel(result.X, gamma=state.gamma)
    )
    a = result.alpha
    values = shown(board_for(experiment.state, result, selection=4))
    w_dual = a.sum() - 0.5 * (a * y) @ gram @ (a * y)
    assert values["The dual objective SMO climbs"]["W"] == pytest.approx(w_dual, rel=1e-9)
    assert values["Its constraints"]["sum"] == pytest.approx(0.0, abs=1e-9)
    f4 = (a * y) @ gram[:, 4] + result.b
    assert values["The selected point"]["yf"] == pytest.approx(y[4] * f4, abs=1e-9)
    assert values["The selected point"]["a"] == a[4]
    # scikit-learn's SVC on the same data and parameters reaches the same dual optimum
    ref = SVC(C=state.C, kernel=result.kernel, gamma=state.gamma, tol=1e-6).fit(result.X, y)
    ref_a = np.zeros(len(y))
    ref_a[ref.support_] = np.abs(ref.dual_coef_[0])
    w_ref = ref_a.sum() - 0.5 * (ref_a * y) @ gram @ (ref_a * y)
    assert values["The dual objective SMO climbs"]["W"] == pytest.approx(w_ref, rel=1e-3)
    assert values["The decision function's intercept"]["b"] == pytest.approx(
        ref.intercept_[0], abs=2e-2
    )
    if result.kernel == "linear":
        w = (a * y) @ result.X
        margin = values["The margin"]
        np.testing.assert_allclose(margin["w"], w)
        assert margin["margin"] == pytest.approx(2 / np.linalg.norm(w), rel=1e-9)


def test_a_replay_frame_names_its_pair():
    experiment = svm.Experiment(svm.preset("Separable", seed=0))
    result = experiment.run_to(3)
    board = board_for(experiment.state, result)
    i, j = result.pair
    assert board.title == f"SMO step 3: pair (i, j) = ({i}, {j})"
    assert any(eq.caption.startswith(f"The selected point n = {j} ") for eq in board.equations)


@pytest.mark.parametrize(("name", "kernel"), [("Separable", "linear"), ("XOR", "rbf")])
def test_smo_pair_update_matches_platts_step_and_the_engine(name, kernel):
    """E_i, E_j, η and the clipped α_j written here from Platt's SMO step (scikit-learn's
    kernel), against the board and the engine's next α."""
    state = svm.preset(name, seed=0).replace(kernel=kernel, C=1.0)
    experiment = svm.Experiment(state)
    for position in (1, 2, 5):
        result = experiment.run_to(position)
        i, j = result.pair
        a, y, X = result.alpha_before, result.y, result.X
        K = linear_kernel(X) if kernel == "linear" else rbf_kernel(X, gamma=state.gamma)
        E = (a * y) @ K + result.b_before - y
        eta = K[i, i] + K[j, j] - 2 * K[i, j]
        if y[i] != y[j]:
            low, high = max(0.0, a[j] - a[i]), min(1.0, 1.0 + a[j] - a[i])
        else:
            low, high = max(0.0, a[i] + a[j] - 1.0), min(1.0, a[i] + a[j])
        clipped = np.clip(a[j] + y[j] * (E[i] - E[j]) / eta, low, high)
        board = board_for(experiment.state, result)
        shown = {}
        for eq in board.equations:
            shown |= eq.values
        assert shown["E_i"] == pytest.approx(E[i], abs=1e-9)
        assert shown["E_j"] == pytest.approx(E[j], abs=1e-9)
        assert shown["eta"] == pytest.approx(eta, abs=1e-12)
        assert shown["clipped"] == pytest.approx(clipped, abs=1e-9)
        assert shown["clipped"] == pytest.approx(result.alpha[j], abs=1e-7)  # the engine's
        assert shown["a_i_new"] == pytest.approx(result.alpha[i], abs=1e-7)
        assert shown["b"] == result.b


def test_kkt_table_lists_the_engines_violators_worst_first():
    state = svm.preset("Overlapping", seed=0).replace(kernel="linear", C=1.0)
    experiment = svm.Experiment(state)
    result = experiment.run_to(4)
    board = board_for(experiment.state, result)
    table = next(eq.values["table"] for eq in board.equations if eq.caption.startswith("KKT:"))
    n = table[0].astype(int)
    assert set(n) <= set(result.violators) or len(n) == 5  # the engine's, past its tol
    assert set(result.violators) & set(n)
    np.testing.assert_allclose(table[1], result.alpha[n])
    np.testing.assert_allclose(table[2], result.yf[n])
    assert np.all(np.diff(table[3]) <= 0)  # worst first
    for _n, a, yf, v in table.T:  # each condition, by category
        expected = max(0.0, 1 - yf) if a == 0 else max(0.0, yf - 1) if a >= 1.0 else abs(yf - 1)
        assert v == pytest.approx(expected)
    fitted = experiment.fit()
    assert not any(eq.caption.startswith("KKT:") and eq.values["table"][3].max() > 1e-2
                   for eq in board_for(experiment.state, fitted).equations)  # fmt: skip
