"""Inference on the whiteboard, per mode of the panel (PRML §8.2-8.4, §10.1, §11.3).

Graph: the message just sent, m_{i→j} = Σ ψᵢ ψᵢⱼ Π m_{k→i}, with its numbers, and the
receiver's belief beside the exact marginal (``selection``: a message index 2e or 2e + 1,
default the one just sent, else 0). Bayesian network: the factorisation and the rules of
d-separation with the query's answer. Denoising: for one pixel (``selection``: (row, col),
default the image's centre) mean field's update and Gibbs' conditional on the Ising model
with h = η y and coupling β, and the ELBO. Variational: the Gaussian mean-field update of
the factor just changed and the ELBO. Messages, beliefs, the ELBO and the samples are the
engine's (through the lab); the sums σ(2h + 2β Σ sⱼ) are formed here from the State's
model and those results.
"""

from __future__ import annotations

import math

import numpy as np

from prmlab.lab import inference as lab
from prmlab.lab.whiteboard import Board, Equation, Line

MESSAGE = (
    r"m_{i\to j}(x_j) = \sum_{x_i}\psi_i(x_i)\,\psi_{ij}(x_i,x_j)"
    r"\prod_{k\in N(i)\setminus j} m_{k\to i}(x_i)"
)
MAX_MESSAGE = (
    r"m_{i\to j}(x_j) = \max_{x_i}\psi_i(x_i)\,\psi_{ij}(x_i,x_j)"
    r"\prod_{k\in N(i)\setminus j} m_{k\to i}(x_i)"
)
BELIEF = r"b_j(x_j) \propto \psi_j(x_j)\prod_{k\in N(j)} m_{k\to j}(x_j)"
FACTORISATION = r"p(x_1,\dots,x_K) = \prod_{k=1}^{K} p(x_k\mid \mathrm{pa}_k)"
BLOCKED = (
    r"\text{a trail is blocked at } c \text{ if } \to c \to \text{ or } \leftarrow c \to"
    r"\text{ with } c \in Z\text{, or } \to c \leftarrow \text{ with } c, \mathrm{de}(c) \notin Z"
)
MORAL = r"p(x) = \frac{1}{Z}\prod_{C}\psi_C(x_C),\quad \psi_C = p(x_k\mid\mathrm{pa}_k)"
MEAN_FIELD = (
    r"\ln q_i(x_i) = \ln\psi_i(x_i) + \sum_{j\in N(i)}\sum_{x_j} q_j(x_j)\ln\psi_{ij}(x_i,x_j)"
    r" + \mathrm{const}"
)
ISING_MF = r"q_i(1) = \sigma\Big(2h_i + 2\beta\sum_{j\in N(i)}(2q_j(1) - 1)\Big)"
GIBBS = r"p(x_i = 1\mid x_{N(i)}) = \sigma\Big(2h_i + 2\beta\sum_{j\in N(i)} s_j\Big)"
ELBO = r"\mathcal{L}(q) = E_q[\ln\tilde p(x)] + H(q) \le \ln Z"
GAUSS_UPDATE = (
    r"q^{\star}_i(z_i) = \mathcal{N}(z_i\mid m_i, \Lambda_{ii}^{-1}),\quad"
    r" m_i = \mu_i - \Lambda_{ii}^{-1}\Lambda_{ij}(m_j - \mu_j)"
)
KL_PAIR = r"\mathrm{KL}(q\,\|\,p) = -\mathcal{L}(q) + \ln Z,\qquad \mathrm{KL}(p\,\|\,q)"

DERIVATION = (
    Line(r"p(x) = \frac{1}{Z}\prod_i\psi_i(x_i)\prod_{(i,j)}\psi_{ij}(x_i,x_j)",
         "the model: node and edge potentials (the tables)"),
    Line(MESSAGE, "each arrow: what i tells j, from everything behind i"),
    Line(BELIEF, "the bars: exact on a tree once messages crossed it"),
    Line(r"\ln q_j^{\star} = E_{i\ne j}[\ln p(x)] + \mathrm{const}",
         "mean field: each factor against the others' average"),
    Line(ELBO, "the ELBO: it never falls, and stops below ln Z"),
    Line(r"x_i \sim p(x_i\mid x_{N(i)})", "Gibbs: one pixel at a time, from its neighbours"),
)  # fmt: skip

NOTES = (
    "States are 0/1; on the Ising grid sⱼ = 2xⱼ − 1 is the spin ±1, h = η·(2y − 1) the "
    "noisy pixel's pull and β the coupling (log ψᵢⱼ = ±β).",
    "The panel's arrows show m(x = 1); messages are normalised (sum 1, or 1 at the best for "
    "max-product).",
)


def _sigmoid(a: float) -> float:
    return 1.0 / (1.0 + math.exp(-a))


def _graph(state: lab.State, r: lab.GraphResult, selection: int | None) -> Board:
    index = r.updated if selection is None and r.updated >= 0 else int(selection or 0)
    e, back = divmod(index, 2)
    i, j = (state.edges[e, 1], state.edges[e, 0]) if back else tuple(state.edges[e])
    unary, pairwise = lab.potentials(state)
    table = pairwise[e].reshape(2, 2)
    table = table.T if back else table
    kind = r.run.kind
    equations = (
        Equation(f"The message {i} → {j} ({'max' if kind == 'max' else 'sum'}-product)",
                 MAX_MESSAGE if kind == "max" else MESSAGE,
                 rf"\psi_{{{i}}} = \slot{{psi}},\ \psi_{{{i}{j}}} = \slot{{pair}},\ "
                 rf"m_{{{i}\to {j}}} = \slot{{m}}",
                 {"psi": unary[i][None, :], "pair": table, "m": r.message_values[index][None, :]}),
        Equation(f"Node {j}'s belief beside the exact marginal", BELIEF,
                 rf"b_{{{j}}} = \slot{{b}},\quad p(x_{{{j}}}) = \slot{{p}}",
                 {"b": r.beliefs[j][None, :], "p": r.run.exact_beliefs[j][None, :]}),
    )  # fmt: skip
    sent = " (just sent)" if index == r.updated else ""
    title = f"Belief propagation after {r.sweep:.2f} sweeps: message {i} → {j}{sent}"
    return Board(title, equations, DERIVATION, NOTES)


def _bayes(state: lab.State, r: lab.BayesResult) -> Board:
    equations = (
        Equation("A Bayesian network factorises over its parents", FACTORISATION),
        Equation(f"d-separation: {r.statement}", BLOCKED),
        Equation("Moralised: parents married, each conditional a clique potential", MORAL),
    )
    return Board(f"d-separation: {r.statement}", equations, DERIVATION, NOTES)


def _denoise(state: lab.State, r: lab.DenoiseResult, selection: tuple[int, int] | None) -> Board:
    h_img, w_img = state.image.shape
    row, col = selection if selection is not None else (h_img // 2, w_img // 2)
    run, k = r.run, r.position
    near = [(row + dr, col + dc) for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1))]
    near = [(a, b) for a, b in near if 0 <= a < h_img and 0 <= b < w_img]
    h = state.eta * (2.0 * run.noisy[row, col] - 1.0)
    q_near = np.array([run.p1[1, k, a, b] for a, b in near])
    s_near = np.array([2.0 * run.sample[k, a, b] - 1.0 for a, b in near])
    mf = _sigmoid(2.0 * h + 2.0 * state.beta * float(np.sum(2.0 * q_near - 1.0)))
    gibbs = _sigmoid(2.0 * h + 2.0 * state.beta * float(np.sum(s_near)))
    equations = (
        Equation(f"Mean field's update of pixel ({row}, {col})", ISING_MF,
                 r"h = \slot{h},\ \beta = \slot{beta},\ q_{N} = \slot{q},\ q_i(1) = \slot{mf}",
                 {"h": h, "beta": state.beta, "q": q_near[None, :], "mf": mf}),
        Equation("Gibbs' conditional from the current sample", GIBBS,
                 r"s_{N} = \slot{s},\ p(x_i = 1\mid x_N) = \slot{g}",
                 {"s": s_near[None, :], "g": gibbs}),
        Equation("Mean field's bound", ELBO, r"\mathcal{L}(q) = \slot{elbo}",
                 {"elbo": float(run.elbo[k])}),
    )  # fmt: skip
    return Board(f"Denoising: sweep {k}, pixel ({row}, {col})", equations, DERIVATION, NOTES)


def _variational(state: lab.State, r: lab.VariationalResult) -> Board:
    i = max(r.updated, 0)
    j = 1 - i
    prec = np.linalg.inv(r.cov)
    equations = (
        Equation(f"The update of q{i + 1} (coordinate ascent)", GAUSS_UPDATE,
                 rf"m_{{{i + 1}}} = \slot{{m}},\ \Lambda_{{{i + 1}{i + 1}}}^{{-1}} = \slot{{v}}"
                 rf",\ \Sigma_{{{i + 1}{i + 1}}} = \slot{{s}}",
                 {"m": float(r.mean[i]), "v": float(r.q_var[i]), "s": float(r.moment_var[i])}),
        Equation("The bound it raises", ELBO, r"\mathcal{L}(q) = \slot{elbo}",
                 {"elbo": float(r.elbo[r.position])}),
        Equation("Mean field minimises KL(q‖p); moment matching KL(p‖q)", KL_PAIR,
                 r"\mathrm{KL}(q\|p) = \slot{qp},\ \mathrm{KL}(p\|q)_{\mathrm{moments}} = "
                 r"\slot{pq},\ \Lambda_{12} = \slot{l}",
                 {"qp": r.kl_qp[0], "pq": r.kl_pq[1], "l": float(prec[i, j])}),
    )  # fmt: skip
    return Board(f"Variational: update {r.position}", equations, DERIVATION, NOTES)


def board(state: lab.State, result: lab.Result, selection=None) -> Board:
    """The equations of ``result`` in ``state``'s mode (see the module's text)."""
    if isinstance(result, lab.GraphResult):
        return _graph(state, result, selection)
    if isinstance(result, lab.BayesResult):
        return _bayes(state, result)
    if isinstance(result, lab.DenoiseResult):
        return _denoise(state, result, selection)
    return _variational(state, result)
