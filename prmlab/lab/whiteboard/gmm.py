"""EM/GMM and k-means on the whiteboard (PRML §9.1-9.4).

``selection`` is a point index ``n`` (default 0): its responsibilities γ_nk, and the
component k it is most responsible to for the M step's μ_k and Σ_k. Matrices show at most
``SHOWN_DIMS`` fitted dimensions. The bound's terms are per point (÷ N) like the panel's
log-likelihood; after an M step they need one E step of the engine on the data.
"""

from __future__ import annotations

import numpy as np

from prmlab.engine import gmm as engine
from prmlab.lab import gmm
from prmlab.lab.whiteboard import Board, Bound, Equation, Line

SHOWN_DIMS = 3

GAMMA = (
    r"\gamma_{nk} = \frac{\pi_k\,\mathcal{N}(x_n\mid\mu_k,\Sigma_k)}"
    r"{\sum_{j=1}^{K}\pi_j\,\mathcal{N}(x_n\mid\mu_j,\Sigma_j)}"
)
BOUND = r"\log p(X\mid\theta) = \mathcal{L}(q,\theta) + \mathrm{KL}(q\,\|\,p(Z\mid X,\theta))"
Q_FUNCTION = (
    r"Q(\theta,\theta^{\mathrm{old}}) = \sum_{n=1}^{N}\sum_{k=1}^{K}"
    r"\gamma_{nk}\log \pi_k\,\mathcal{N}(x_n\mid\mu_k,\Sigma_k)"
)
N_K = r"N_k = \sum_{n=1}^{N}\gamma_{nk},\qquad \pi_k = \frac{N_k}{N}"
MU_K = r"\mu_k = \frac{1}{N_k}\sum_{n=1}^{N}\gamma_{nk}\,x_n"
SIGMA_K = (
    r"\Sigma_k = \frac{1}{N_k}\sum_{n=1}^{N}\gamma_{nk}(x_n-\mu_k)(x_n-\mu_k)^{\top}"
    r" + \mathrm{reg}\cdot I"
)
KMEANS_J = r"J = \sum_{n=1}^{N}\sum_{k=1}^{K} r_{nk}\,\lVert x_n-\mu_k\rVert^2"
KMEANS_R = r"r_{nk} = 1 \text{ if } k = \arg\min_j \lVert x_n-\mu_j\rVert^2, \text{ else } 0"
KMEANS_MU = r"\mu_k = \frac{\sum_n r_{nk}\,x_n}{\sum_n r_{nk}}"

DERIVATION = (
    Line(r"\log p(X\mid\theta) = \mathcal{L}(q,\theta) + \mathrm{KL}(q\,\|\,p(Z\mid X,\theta))",
         "the bar: its filled part is L, the gap KL"),
    Line(r"\mathcal{L}(q,\theta) = \sum_Z q(Z)\log\frac{p(X,Z\mid\theta)}{q(Z)} \le \log p(X\mid\theta)",
         "KL ≥ 0: the filled part never passes the bar's end"),
    Line(r"\text{E: } q(Z) = p(Z\mid X,\theta^{\mathrm{old}}) \Rightarrow \mathrm{KL} = 0",
         "the point colours (γ) change; the gap closes"),
    Line(r"\mathcal{L}(q,\theta) = Q(\theta,\theta^{\mathrm{old}}) + H(q)",
         "M maximises Q: the ellipses and means move"),
    Line(r"\text{M: } \theta^{\mathrm{new}} = \arg\max_\theta Q(\theta,\theta^{\mathrm{old}})",
         "L rises; log p rises at least as much"),
    Line(r"\log p(X\mid\theta^{\mathrm{new}}) \ge \mathcal{L}(q,\theta^{\mathrm{new}}) \ge "
         r"\log p(X\mid\theta^{\mathrm{old}})",
         "the log-likelihood curve never falls (with reg = 0)"),
)  # fmt: skip

KMEANS_DERIVATION = (
    Line(KMEANS_J, "the curve: J after each assignment"),
    Line(r"\text{E: } \min_{r} J \text{ with } \mu \text{ fixed}", "points take their nearest centre's colour"),
    Line(r"\text{M: } \frac{\partial J}{\partial \mu_k} = 0", "each centre moves to its points' mean"),
    Line(r"\text{k-means} = \text{EM with } \Sigma_k = \epsilon I,\ \epsilon\to 0",
         "hard colours instead of blended ones"),
)  # fmt: skip

NOTES = (
    "π_k, also written p_k, are the mixing weights (PRML §9.2).",
    "The bound's terms are per point: each divided by N.",
    "reg·I is added to every Σ_k (reg_covar keeps it invertible): that Σ_k is not Q's "
    "maximiser, so with reg > 0 log p(X|θ) can fall from one step to the next (marked ✗).",
)


def _entropy_sum(q: np.ndarray) -> float:
    """Σ q log q per point (0 log 0 = 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(q > 0, q * np.log(q), 0.0)
    return float(terms.sum() / len(q))


def bound_terms(state: gmm.State, result: gmm.Result) -> tuple[float, float, float] | None:
    """``(log p(X|θ), L(q, θ), Q(θ, θ_old))`` per point after ``result``'s half-step, q the
    latest E step's responsibilities (None at the init: no E step yet)."""
    if result.half == "init" or not len(result.resp):
        return None
    q = result.resp
    if result.half == "E":  # q is the posterior under θ: KL = 0
        log_p = result.log_likelihood
        lower = log_p
    else:  # θ is new: the engine's E step under it gives log p and the posterior
        X = gmm.fitted_data(state)
        posterior, log_p = engine.e_step(X, result.weights, result.means, result.covariances)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(q > 0, q * (np.log(q) - np.log(posterior)), 0.0)
        lower = log_p - float(ratio.sum() / len(q))
    return float(log_p), float(lower), float(lower + _entropy_sum(q))


def board(state: gmm.State, result: gmm.Result, selection: int | None = None) -> Board:
    """The equations of ``result``'s half-step for point ``selection`` (default 0)."""
    n = 0 if selection is None else int(selection)
    if result.method == "kmeans":
        return _kmeans_board(state, result, n)
    d = min(result.means.shape[1], SHOWN_DIMS)
    equations = []
    if len(result.resp):
        x = gmm.fitted_data(state)[n, :d]
        k = int(np.argmax(result.resp[n]))
        equations.append(
            Equation(
                "E step: the responsibilities of the selected point",
                GAMMA,
                rf"n = {n},\; x_n = \slot{{x}},\; \gamma_{{n\cdot}} = \slot{{gamma}}",
                {"x": x, "gamma": result.resp[n]},
            )
        )
    else:
        k = 0
    terms = bound_terms(state, result)
    bar = None
    if terms is not None:
        log_p, lower, q_value = terms
        equations.append(
            Equation(
                "The bound (per point): E closes the gap, M raises L",
                BOUND,
                r"\slot{logp} = \slot{L} + \slot{KL}",
                {"logp": log_p, "L": lower, "KL": log_p - lower},
            )
        )
        # after an M step, log p before it is the E step's (the history's last entry)
        before = result.log_likelihood if result.half == "M" else None
        bar = Bound(lower, log_p, before, before_label="log p(X|θ_old)")
        equations.append(Equation("The expected complete-data log-likelihood (per point)",
                                  Q_FUNCTION, r"Q/N = \slot{Q}", {"Q": q_value}))  # fmt: skip
    if result.half != "E" and len(result.resp):
        nk = result.resp.sum(axis=0)
        equations += [
            Equation("M step: the weights", N_K, r"N_k = \slot{Nk},\; \pi_k = \slot{pi}",
                     {"Nk": nk, "pi": result.weights}),
            Equation(f"M step: the mean of component {k + 1}", MU_K,
                     rf"\mu_{{{k + 1}}} = \slot{{mu}}", {"mu": result.means[k, :d]}),
            Equation(f"M step: the covariance of component {k + 1}", SIGMA_K,
                     rf"\Sigma_{{{k + 1}}} = \slot{{Sigma}},\; \mathrm{{reg}} = \slot{{reg}}",
                     {"Sigma": result.covariances[k, :d, :d], "reg": state.reg_covar}),
        ]  # fmt: skip
    title = f"EM, iteration {result.iteration}: {_step_name(result.half)}"
    return Board(title, tuple(equations), DERIVATION, NOTES, bar)


def _step_name(half: str) -> str:
    return {"init": "initial parameters", "E": "E step", "M": "M step"}[half]


def _kmeans_board(state: gmm.State, result: gmm.Result, n: int) -> Board:
    d = min(result.means.shape[1], SHOWN_DIMS)
    equations = [Equation("The objective (after the latest assignment)", KMEANS_J,
                          r"J = \slot{J}", {"J": result.log_likelihood})]  # fmt: skip
    if result.labels is not None:
        k = int(result.labels[n])
        x = gmm.fitted_data(state)[n, :d]
        equations += [
            Equation("Assignment of the selected point", KMEANS_R,
                     rf"n = {n},\; x_n = \slot{{x}},\; k = {k + 1}", {"x": x}),
            Equation(f"Centre of cluster {k + 1}", KMEANS_MU, rf"\mu_{{{k + 1}}} = \slot{{mu}}",
                     {"mu": result.means[k, :d]}),
        ]  # fmt: skip
    title = f"k-means, iteration {result.iteration}: {_step_name(result.half)}"
    return Board(title, tuple(equations), KMEANS_DERIVATION, ())
