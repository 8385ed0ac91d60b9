"""The linear-models whiteboard's live numbers against independent computations: NumPy's
least squares and closed forms, scikit-learn's Ridge, Lasso, LogisticRegression and LDA,
finite differences."""

import numpy as np
import pytest
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.linear_model import Lasso, LogisticRegression, Ridge

from prmlab.lab import linear
from prmlab.lab.whiteboard import board_for
from prmlab.lab.whiteboard import linear as wb


def _shown(board, caption_start: str) -> dict:
    return next(e for e in board.equations if e.caption.startswith(caption_start)).values


def _board(state, position=None):
    exp = linear.Experiment(state)
    result = exp.show() if position is None else exp.run_to(position)
    return exp.state, result, board_for(exp.state, result)


def test_the_normal_equations_and_ridge_match_numpy_and_scikit_learn():
    state = linear.demo("regression", 0).replace(degree=2, penalty="ridge", ridge_lambda=0.7)
    state, result, board = _board(state)
    Phi, t = wb.centred_design(state)
    shown = _shown(board, "Least squares")
    np.testing.assert_allclose(shown["G"], Phi.T @ Phi)
    np.testing.assert_allclose(shown["b"], Phi.T @ t)
    np.testing.assert_allclose(shown["w"], np.linalg.lstsq(Phi, t, rcond=None)[0], atol=1e-10)
    ridge = _shown(board, "Ridge")
    closed = np.linalg.solve(0.7 * np.eye(2) + Phi.T @ Phi, Phi.T @ t)
    np.testing.assert_allclose(ridge["w"], closed, atol=1e-10)
    np.testing.assert_allclose(ridge["w"], Ridge(alpha=0.7).fit(Phi, t).coef_, atol=1e-10)


def test_the_lasso_board_shows_scikit_learns_lasso_and_counts_its_zeros():
    state = linear.demo("regression", 0).replace(degree=3, penalty="lasso", lasso_alpha=0.05)
    state, result, board = _board(state)
    Phi, t = wb.centred_design(state)
    reference = Lasso(alpha=0.05, tol=1e-12, max_iter=100_000).fit(Phi, t).coef_
    caption = next(e.caption for e in board.equations if e.caption.startswith("Lasso"))
    np.testing.assert_allclose(_shown(board, "Lasso")["w"], reference, atol=1e-4)
    assert f"({int(np.sum(result.coef_map == 0))} coefficients exactly 0)" in caption


def test_the_perceptron_update_is_w_plus_eta_t_phi():
    state, result, board = _board(linear.demo("perceptron", 0), position=3)
    shown = _shown(board, "Update 3")
    t_n = 1 if state.labels[result.index] == 1 else -1
    np.testing.assert_allclose(shown["after"], shown["before"] + state.eta * t_n * shown["phi"])
    np.testing.assert_allclose(shown["phi"][1:], state.X[result.index])
    errors = _shown(board, "Misclassified")["m"]
    w = shown["after"]
    margins = np.where(state.labels == 1, 1, -1) * (state.X @ w[1:] + w[0])
    assert errors == np.sum(margins <= 0)


def _objective(state, w):
    s = state.X @ w[1:] + w[0]
    t = state.labels == 1
    nll = np.sum(np.logaddexp(0, -s) * t + np.logaddexp(0, s) * ~t)
    return nll + 0.5 * (w[1:] @ w[1:]) / state.C


def test_the_logistic_gradient_and_hessian_match_finite_differences():
    state, result, board = _board(linear.demo("logistic", 0), position=1)
    w = _shown(board, "The gradient")["w"]
    grad = _shown(board, "The gradient")["g"]
    h = 1e-6
    numeric = [
        (_objective(state, w + h * e) - _objective(state, w - h * e)) / (2 * h) for e in np.eye(3)
    ]
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-6)
    hess = _shown(board, "The Hessian")["H"]
    numeric_h = [
        (
            wb.gradient_and_hessian(state, w + h * e)[0]
            - wb.gradient_and_hessian(state, w - h * e)[0]
        )
        / (2 * h)
        for e in np.eye(3)
    ]
    np.testing.assert_allclose(hess, np.array(numeric_h), rtol=1e-5, atol=1e-6)


def test_the_last_logistic_step_is_scikit_learns_fit_with_a_zero_gradient():
    exp = linear.Experiment(linear.demo("logistic", 0))
    result = exp.run_to_end()
    board = board_for(exp.state, result)
    shown = _shown(board, "The gradient")
    reference = LogisticRegression(C=exp.state.C, tol=1e-12, solver="newton-cholesky").fit(
        exp.state.X, exp.state.labels
    )
    np.testing.assert_allclose(shown["w"][1:], reference.coef_[0], atol=1e-5)
    np.testing.assert_allclose(shown["w"][0], reference.intercept_[0], atol=1e-5)
    assert np.abs(shown["g"]).max() < 1e-4


def test_gdas_linear_posterior_matches_scikit_learns_lda():
    state, result, board = _board(linear.demo("generative", 0))
    shown = _shown(board, "GDA's posterior")
    n = result.n_train
    lda = LinearDiscriminantAnalysis(solver="lsqr").fit(state.X[:n], state.labels[:n])
    np.testing.assert_allclose(shown["w"], lda.coef_[0], atol=1e-10)
    np.testing.assert_allclose(shown["w0"], lda.intercept_[0], atol=1e-10)
    np.testing.assert_allclose(shown["pi"], lda.priors_, atol=1e-12)


@pytest.mark.parametrize("mode", linear.MODES)
def test_every_mode_has_a_board_with_a_derivation(mode):
    _state, _result, board = _board(linear.demo(mode, 0))
    assert board.equations and 4 <= len(board.derivation) <= 8
    assert "formula sheet" not in " ".join(board.notes)
