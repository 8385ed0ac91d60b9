"""The HMM whiteboard's live numbers against a brute-force log-space forward, backward and
Viterbi recursion written here, and its M step against Baum-Welch's textbook sums and the
engine's next iteration."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import logsumexp

from prmlab.lab import hmm
from prmlab.lab.whiteboard import board_for


def reference(model: hmm.Model, obs: np.ndarray) -> dict[str, np.ndarray]:
    """log α, log β, log δ, ψ, γ, ξ by the textbook recursions (PRML §13.2) in log space."""
    lp, lA = np.log(model.startprob), np.log(model.transmat)
    if model.kind == "symbols":
        lB = np.log(model.B[:, obs].T)
    else:
        mu, var = model.B[:, 0], model.B[:, 1]
        lB = -0.5 * (np.log(2 * np.pi * var)[None] + (obs[:, None] - mu[None]) ** 2 / var[None])
    T, N = lB.shape
    la, lb, ld = np.empty((T, N)), np.zeros((T, N)), np.empty((T, N))
    psi = np.zeros((T, N), int)
    la[0] = ld[0] = lp + lB[0]
    for t in range(1, T):
        la[t] = lB[t] + logsumexp(la[t - 1][:, None] + lA, axis=0)
        scores = ld[t - 1][:, None] + lA
        psi[t], ld[t] = scores.argmax(axis=0), lB[t] + scores.max(axis=0)
    for t in range(T - 2, -1, -1):
        lb[t] = logsumexp(lA + (lB[t + 1] + lb[t + 1])[None], axis=1)
    ll = logsumexp(la[-1])
    gamma = np.exp(la + lb - ll)
    xi = np.exp(la[:-1, :, None] + lA[None] + (lB + lb)[1:, None, :] - ll)
    return {"la": la, "lb": lb, "ld": ld, "psi": psi, "gamma": gamma, "xi": xi}


def gaussian_state() -> hmm.State:
    """A 1-D Gaussian-emission HMM on two regimes of a column."""
    rng = np.random.default_rng(5)
    x = np.concatenate([rng.normal(0.0, 1.0, 20), rng.normal(4.0, 0.5, 20)])
    return hmm.from_column(hmm.preset(hmm.PRESETS[0]), x, "x", 2)


@pytest.fixture(scope="module", params=[*hmm.PRESETS[:2], "gaussian"])
def case(request):
    if request.param == "gaussian":
        state = gaussian_state()
    else:
        state = hmm.preset(request.param, seed=2, length=40)
    result = hmm.Experiment(state).result
    return state, result, reference(result.model, state.fit_input())


def values_of(board) -> dict:
    return {eq.caption.split(" (")[0].split(":")[0]: eq.values for eq in board.equations}


@pytest.mark.parametrize("t", [0, 1, 17, 39])
def test_cell_recursions_match_the_textbook(case, t):
    state, result, ref = case
    i = 1
    board = board_for(state, result, (t, i))
    v = values_of(board)
    alpha = v["Forward α at the selected cell"]
    assert alpha["la"] == pytest.approx(ref["la"][t, i], abs=1e-9)
    delta = v["Viterbi δ at the selected cell"]
    assert delta["ld"] == pytest.approx(ref["ld"][t, i], abs=1e-9)
    if t > 0:
        prev = np.exp(ref["la"][t - 1] - logsumexp(ref["la"][t - 1]))
        np.testing.assert_allclose(alpha["prev"], prev, atol=1e-12)
        sum_ = logsumexp(ref["la"][t - 1] + np.log(result.model.transmat[:, i]))
        assert alpha["sum"] == pytest.approx(sum_, abs=1e-9)
        assert delta["psi"] == ref["psi"][t, i] + 1  # 1-based state
    gamma = v[f"The posterior γ over the states at t = {t + 1}"]["g"]
    np.testing.assert_allclose(gamma, ref["gamma"][t], atol=1e-9)
    if t < 39:
        beta = v["Backward β at the selected cell"]
        assert beta["lb"] == pytest.approx(ref["lb"][t, i], abs=1e-9)
        xi = v[f"Each edge's posterior from t = {t + 1} to t = {t + 2}"]["xi"]
        np.testing.assert_allclose(xi, ref["xi"][t], atol=1e-9)
    assert board.title.startswith(f"HMM trellis cell t = {t + 1} of 40, state 2")


def test_m_step_matches_baum_welch_and_the_engine(case):
    state, result, ref = case
    board = board_for(state, result)
    obs, g = state.fit_input(), ref["gamma"]
    xi_sum = ref["xi"].sum(axis=0)
    pi_a = next(eq.values for eq in board.equations if eq.caption.endswith("π and A"))
    np.testing.assert_allclose(pi_a["pi"], g[0], atol=1e-9)
    np.testing.assert_allclose(pi_a["A"], xi_sum / g[:-1].sum(axis=0)[:, None], atol=1e-9)
    new, _ = hmm.one_iteration(result.model, obs)
    np.testing.assert_allclose(pi_a["A"], new.transmat, atol=1e-6)
    shown = board.equations[-1].values
    if result.model.kind == "symbols":
        np.testing.assert_allclose(shown["B"], new.B, atol=1e-6)
    else:
        np.testing.assert_allclose(shown["mu"], new.B[:, 0], atol=1e-6)
        np.testing.assert_allclose(shown["var"], new.B[:, 1], atol=1e-9)
        w = g.sum(axis=0)
        mu = g.T @ obs / w
        np.testing.assert_allclose(shown["mu"], mu, atol=1e-9)
        spread = (g * (obs[:, None] - mu) ** 2).sum(axis=0) / w
        np.testing.assert_allclose(shown["var"], spread + 1e-3, atol=1e-9)  # + min_covar
