"""The HMM on the whiteboard: the α, β and δ/ψ recursions at one trellis cell with the
sum or max over the neighbouring column, ξ and γ, and the Baum-Welch M step (PRML §13.2).

Time is 1-based on the board, t = 1..T, as in the equations (the trellis's column 0 is
t = 1). ``selection`` is a cell ``(t, i)`` with 0-based column and state (default: the
column the trellis is filled up to and its most probable state). The log α, β, δ and ψ are
the engine's (``lab.hmm.Analysis``); the sums and maxima over the previous (next) column are
formed here from them. Columns are shown normalised (α̂, β̂: divided by their sum), as the
trellis shades them: the raw α_t underflow for long sequences.
"""

from __future__ import annotations

import numpy as np

from prmlab.engine import hmm as engine_hmm
from prmlab.lab import hmm
from prmlab.lab.whiteboard import Board, Equation, Line

ALPHA = r"\alpha_t(j) = b_j(o_t)\sum_{i=1}^{N}\alpha_{t-1}(i)\,a_{ij},\qquad \alpha_1(j) = \pi_j b_j(o_1)"
BETA = r"\beta_t(i) = \sum_{j=1}^{N} a_{ij}\,b_j(o_{t+1})\,\beta_{t+1}(j),\qquad \beta_T(i) = 1"
DELTA = (
    r"\delta_t(j) = b_j(o_t)\max_{i}\,\delta_{t-1}(i)\,a_{ij},\qquad"
    r" \psi_t(j) = \arg\max_{i}\,\delta_{t-1}(i)\,a_{ij}"
)
GAMMA = r"\gamma_t(i) = \frac{\alpha_t(i)\,\beta_t(i)}{p(O\mid\lambda)}"
XI = r"\xi_t(i,j) = \frac{\alpha_t(i)\,a_{ij}\,b_j(o_{t+1})\,\beta_{t+1}(j)}{p(O\mid\lambda)}"
M_PI_A = (
    r"\pi_i = \gamma_1(i),\qquad a_{ij} = \frac{\sum_{t=1}^{T-1}\xi_t(i,j)}"
    r"{\sum_{t=1}^{T-1}\gamma_t(i)}"
)
M_B = r"b_j(k) = \frac{\sum_{t:\,o_t = k}\gamma_t(j)}{\sum_{t=1}^{T}\gamma_t(j)}"
M_GAUSS = (
    r"\mu_j = \frac{\sum_t\gamma_t(j)\,o_t}{\sum_t\gamma_t(j)},\qquad"
    r" \sigma_j^2 = \frac{\sum_t\gamma_t(j)(o_t-\mu_j)^2}{\sum_t\gamma_t(j)} + c"
)

DERIVATION = (
    Line(r"p(O\mid\lambda) = \sum_{\text{paths}}\pi_{i_1}b_{i_1}(o_1)\prod_{t>1}a_{i_{t-1}i_t}"
         r"b_{i_t}(o_t)", "every path through the trellis, weighted"),
    Line(ALPHA, "α: the trellis filled left to right, one column per step"),
    Line(r"p(O\mid\lambda) = \sum_i \alpha_T(i)", "the last column's sum: the log-likelihood"),
    Line(GAMMA, "γ: the shading in 'γ' mode, the posterior plot below"),
    Line(DELTA, "Viterbi: max instead of sum; ψ is each node's best incoming edge"),
    Line(r"i^*_T = \arg\max_i\delta_T(i),\quad i^*_{t-1} = \psi_t(i^*_t)",
         "the backtracked path (thick line)"),
    Line(M_PI_A, "Baum-Welch: expected counts of the edges give the new A"),
)  # fmt: skip

NOTES = (
    "PRML §13.2: forward-backward (α, β), Viterbi (δ, ψ), Baum-Welch (EM). t runs from 1 "
    "to T; states are numbered 1..N.",
    "α̂, β̂ are columns divided by their sum (the trellis's shading); ln α and ln δ are "
    "shown in full because α and δ themselves underflow on long sequences.",
)


def _logsumexp(x: np.ndarray) -> float:
    m = float(np.max(x))
    return m if not np.isfinite(m) else m + float(np.log(np.exp(x - m).sum()))


def _normalised(log_column: np.ndarray) -> np.ndarray:
    return np.exp(log_column - _logsumexp(log_column))


def cell_quantities(a: hmm.Analysis, t: int, i: int) -> dict[str, np.ndarray | float]:
    """The recursions at cell (t, i), 0-based: α's previous column α̂_{t−1}, a_{·i},
    b_i(o_t), ln Σ_j α_{t−1}(j) a_ji and ln α_t(i); β's a_{i·}, b(o_{t+1}), β̂_{t+1} and
    ln β_t(i); δ's ln δ_{t−1}(j) + ln a_ji, its max and ψ_t(i) (0-based); γ_t (the column),
    and ξ_t (N × N, before the last step)."""
    lA, lB = a.log_transmat, a.log_emission
    out: dict[str, np.ndarray | float] = {"b": float(np.exp(lB[t, i]))}
    if t > 0:
        out["alpha_prev"] = _normalised(a.log_alpha[t - 1])
        out["a_col"] = np.exp(lA[:, i])
        out["alpha_sum"] = _logsumexp(a.log_alpha[t - 1] + lA[:, i])
        scores = a.log_delta[t - 1] + lA[:, i]
        out["delta_scores"] = scores
        out["delta_max"] = float(scores.max())
        out["psi"] = int(np.argmax(scores))
    else:
        out["pi"] = float(np.exp(a.log_startprob[i]))
    out["log_alpha"] = float(a.log_alpha[t, i])
    out["log_delta"] = float(a.log_delta[t, i])
    if t + 1 < a.T:
        out["a_row"] = np.exp(lA[i])
        out["b_next"] = np.exp(lB[t + 1])
        out["beta_next"] = _normalised(a.log_beta[t + 1])
        out["xi"] = np.exp(a.log_alpha[t][:, None] + lA + (lB + a.log_beta)[t + 1][None]
                           - a.log_likelihood)  # fmt: skip
    out["log_beta"] = float(a.log_beta[t, i])
    out["gamma"] = a.gamma[t]
    return out


def m_step(model: hmm.Model, a: hmm.Analysis, obs: np.ndarray) -> dict[str, np.ndarray]:
    """Baum-Welch's M step from this λ's γ and ξ (PRML (13.18)-(13.21)): π, A and B (symbols)
    or the means μ and variances σ² (Gaussian emissions; plus the engine's floor c, its
    ``min_covar``, so no state collapses onto one observation)."""
    g = a.gamma
    xi_sum = engine_hmm.transition_posteriors(
        a.log_alpha, a.log_beta, a.log_transmat, a.log_emission, a.log_likelihood
    ).sum(axis=0)
    out = {"pi": g[0], "A": xi_sum / xi_sum.sum(axis=1, keepdims=True)}
    weight = g.sum(axis=0)
    if model.kind == "symbols":
        counts = np.zeros((model.n_states, len(model.symbols)))
        np.add.at(counts.T, obs, g)
        out["B"] = counts / weight[:, None]
    else:
        mu = g.T @ obs / weight
        out["mu"] = mu
        spread = (g * (obs[:, None] - mu[None]) ** 2).sum(axis=0) / weight
        out["var"] = spread + model.engine().min_covar  # the engine's floor c
    return out


_M_STEPS: list[tuple[hmm.Analysis, dict[str, np.ndarray]]] = []  # the last analysis's


def _m_step_of(model: hmm.Model, a: hmm.Analysis, obs: np.ndarray) -> dict[str, np.ndarray]:
    """``m_step`` once per analysis: scrubbing the time or clicking cells only moves the
    cell (the M step's sums over T took ~0.2 s at T = 100,000; a cell 0.6 ms)."""
    if not _M_STEPS or _M_STEPS[0][0] is not a:
        _M_STEPS[:] = [(a, m_step(model, a, obs))]
    return _M_STEPS[0][1]


def _selected(state: hmm.State, a: hmm.Analysis, selection) -> tuple[int, int]:
    if selection is None:
        t = min(state.t_now, a.T - 1)
        return t, int(np.argmax(a.gamma[t]))
    t, i = selection
    return min(max(int(t), 0), a.T - 1), min(max(int(i), 0), a.gamma.shape[1] - 1)


def _recursions(q: dict, t: int, i: int, T: int) -> list[Equation]:
    # the cell's t and j are in the captions: templates without them are laid out once
    s, j = t + 1, i + 1  # 1-based on the board
    at = f"t = {s}, j = {j}"
    if t == 0:
        alpha = Equation(
            f"Forward α at the selected cell ({at}: the start)",
            ALPHA,
            r"\pi_j = \slot{pi},\; b_j(o_1) = \slot{b},\; \ln\alpha_1(j) = \slot{la}",
            {"pi": q["pi"], "b": q["b"], "la": q["log_alpha"]},
        )
        delta = Equation(
            f"Viterbi δ at the selected cell ({at})",
            DELTA,
            r"\ln\delta_1(j) = \ln\pi_j + \ln b_j(o_1) = \slot{ld}",
            {"ld": q["log_delta"]},
        )
    else:
        alpha = Equation(
            f"Forward α at the selected cell ({at}): the sum over column t − 1 = {s - 1}",
            ALPHA,
            r"\hat\alpha_{t-1} = \slot{prev},\; a_{\cdot j} = \slot{col},"
            r"\; b_j(o_t) = \slot{b},\;"
            r" \ln\textstyle\sum_i\alpha_{t-1}(i)a_{ij} = \slot{sum},\;"
            r" \ln\alpha_t(j) = \slot{la}",
            {
                "prev": q["alpha_prev"],
                "col": q["a_col"],
                "b": q["b"],
                "sum": q["alpha_sum"],
                "la": q["log_alpha"],
            },
        )
        delta = Equation(
            f"Viterbi δ at the selected cell ({at}): the max over column t − 1 = {s - 1}",
            DELTA,
            r"\ln\delta_{t-1}(i) + \ln a_{ij} = \slot{scores},\;"
            r" \max = \slot{max},\; \psi_t(j) = \slot{psi},\;"
            r" \ln\delta_t(j) = \slot{ld}",
            {
                "scores": q["delta_scores"],
                "max": q["delta_max"],
                "psi": float(q["psi"] + 1),
                "ld": q["log_delta"],
            },
        )
    if t + 1 < T:
        beta = Equation(
            f"Backward β at the selected cell ({at}): the sum over column t + 1 = {s + 1}",
            BETA,
            r"a_{j\cdot} = \slot{row},\; b(o_{t+1}) = \slot{bn},\;"
            r" \hat\beta_{t+1} = \slot{next},\; \ln\beta_t(j) = \slot{lb}",
            {"row": q["a_row"], "bn": q["b_next"], "next": q["beta_next"], "lb": q["log_beta"]},
        )
    else:
        beta = Equation(
            f"Backward β at the selected cell ({at}): the last step", BETA, r"\beta_T(j) = 1"
        )
    return [alpha, beta, delta]  # fmt: skip


def board(state: hmm.State, result: hmm.Result, selection=None) -> Board | None:
    """The recursions at the selected trellis cell, γ and ξ there, and the Baum-Welch M step
    from ``result``'s λ."""
    a = result.analysis
    if a is None or a.T == 0:
        return None
    t, i = _selected(state, a, selection)
    q = cell_quantities(a, t, i)
    s = t + 1
    equations = _recursions(q, t, i, a.T)
    equations.append(Equation(f"The posterior γ over the states at t = {s}", GAMMA,
                              r"\gamma_t = \slot{g}", {"g": q["gamma"]}))  # fmt: skip
    if "xi" in q:
        equations.append(Equation(f"Each edge's posterior from t = {s} to t = {s + 1}", XI,
                                  r"\xi_t = \slot{xi}", {"xi": q["xi"]}))  # fmt: skip
    if a.T >= 2:
        new = _m_step_of(result.model, a, state.fit_input())
        equations.append(Equation("Baum-Welch M step: the next π and A", M_PI_A,
                                  r"\pi = \slot{pi},\quad A = \slot{A}",
                                  {"pi": new["pi"], "A": new["A"]}))  # fmt: skip
        if "B" in new:
            equations.append(Equation("Baum-Welch M step: the next B", M_B,
                                      r"B = \slot{B}", {"B": new["B"]}))  # fmt: skip
        else:
            equations.append(Equation("Baum-Welch M step: the next means and variances "
                                      f"(c = {result.model.engine().min_covar:g}: a floor "
                                      "so no state collapses onto one point)",
                                      M_GAUSS, r"\mu = \slot{mu},\quad \sigma^2 = \slot{var}",
                                      {"mu": new["mu"], "var": new["var"]}))  # fmt: skip
    title = (f"HMM trellis cell t = {s} of {a.T}, state {i + 1} ({result.model.states[i]}); "
             f"λ after {result.iteration} Baum-Welch iterations")  # fmt: skip
    return Board(title, tuple(equations), DERIVATION, NOTES)
