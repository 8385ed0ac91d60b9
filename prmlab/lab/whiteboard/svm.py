"""The SVM on the whiteboard: the dual problem SMO climbs, a point's KKT condition, the
intercept and, for the linear kernel, the margin (PRML §7.1).

``selection`` is a point index (default: the ``j`` of the pair SMO just optimised, else the
first support vector, else 0). α is the SVM literature's name for the multipliers also written
λ (PRML §7.1 writes a_n).
"""

from __future__ import annotations

import numpy as np

from prmlab.lab import svm
from prmlab.lab.whiteboard import Board, Equation, Line

DUAL = (
    r"W(\alpha) = \sum_{i=1}^{N}\alpha_i - \frac{1}{2}\sum_{i=1}^{N}\sum_{j=1}^{N}"
    r"\alpha_i\alpha_j y_i y_j K(x_i,x_j)"
)
CONSTRAINTS = r"0 \le \alpha_i \le C,\qquad \sum_{i=1}^{N}\alpha_i y_i = 0"
DECISION = r"f(x) = \sum_{i=1}^{N}\alpha_i y_i K(x_i,x) + b"
KKT = (
    r"\alpha_i = 0 \Rightarrow y_i f(x_i) \ge 1,\quad 0<\alpha_i<C \Rightarrow y_i f(x_i) = 1,"
    r"\quad \alpha_i = C \Rightarrow y_i f(x_i) \le 1"
)
INTERCEPT = r"b = y_k - \sum_{i=1}^{N}\alpha_i y_i K(x_i,x_k),\quad 0<\alpha_k<C"
GAP = (
    r"m(\alpha) - M(\alpha) < \mathrm{tol},\quad m(\alpha) = \max_{i\in I_{\mathrm{up}}} -y_i"
    r"\nabla_i D(\alpha),\quad M(\alpha) = \min_{i\in I_{\mathrm{low}}} -y_i\nabla_i D(\alpha)"
)
PRIMAL = (
    r"P(w,b) = \frac{1}{2}\sum_{i,j}\alpha_i\alpha_j y_i y_j K(x_i,x_j)"
    r" + C\sum_{i=1}^{N}\max\big(0,\,1 - y_i f(x_i)\big) \;\ge\; W(\alpha)"
)
MARGIN = r"w = \sum_{i=1}^{N}\alpha_i y_i x_i,\qquad \text{margin} = \frac{2}{\lVert w\rVert}"
SMO_ERRORS = r"E_k = f(x_k) - y_k,\qquad \eta = K(x_i,x_i) + K(x_j,x_j) - 2K(x_i,x_j)"
SMO_ALPHA = (
    r"\alpha_j^{\mathrm{new}} = \alpha_j + \frac{y_j(E_i - E_j)}{\eta},\quad"
    r" \alpha_j^{\mathrm{clip}} = \min(H, \max(L, \alpha_j^{\mathrm{new}})),\quad"
    r" \alpha_i^{\mathrm{new}} = \alpha_i + y_i y_j(\alpha_j - \alpha_j^{\mathrm{clip}})"
)
SMO_BOX = (
    r"y_i \ne y_j:\ L = \max(0, \alpha_j - \alpha_i),\ H = \min(C, C + \alpha_j - \alpha_i);"
    r"\quad y_i = y_j:\ L = \max(0, \alpha_i + \alpha_j - C),\ H = \min(C, \alpha_i + \alpha_j)"
)

DERIVATION = (
    Line(r"\min_{w,b}\ \tfrac{1}{2}\lVert w\rVert^2 + C\sum_i\xi_i\ \text{ s.t. }"
         r"\ y_i(w^{\top}x_i+b)\ge 1-\xi_i,\ \xi_i\ge 0",
         "the widest band (dashed lines at f = ±1) with few points inside"),
    Line(r"L = \tfrac{1}{2}\lVert w\rVert^2 + C\sum_i\xi_i - \sum_i\alpha_i[y_i(w^{\top}x_i+b)"
         r"-1+\xi_i] - \sum_i\mu_i\xi_i", "one multiplier α_i per point"),
    Line(r"\partial L/\partial w = 0 \Rightarrow w = \sum_i\alpha_i y_i x_i,\quad"
         r"\partial L/\partial b = 0 \Rightarrow \sum_i\alpha_i y_i = 0",
         "only points with α > 0 (circled) shape the boundary"),
    Line(DUAL, "the dual curve: W after every SMO pair (it never falls)"),
    Line(r"\alpha_i(y_i f(x_i) - 1 + \xi_i) = 0", "KKT: α > 0 only on or inside the margin"),
    Line(r"\text{SMO: } i = \arg\max_{I_{\mathrm{up}}} -y_i\nabla_i D,\ j \text{ by second-order gain}",
         "the highlighted pair of each step"),
)  # fmt: skip

NOTES = (
    "α, also written λ (PRML §7.1: a_n), are the Lagrange multipliers, one per point.",
    "P is the primal at w = Σ α_i y_i φ(x_i), SMO's b and the least slacks ξ_i = max(0, "
    "1 − y_i f(x_i)); with C = ∞ it is ∞ until every y_i f(x_i) ≥ 1.",
    "D(α) = −W(α) is the dual SMO minimises; I_up, I_low are the indices whose α may still "
    "move up / down along the constraint.",
)


def kernel(state: svm.State, A: np.ndarray, b: np.ndarray) -> np.ndarray:
    """K(a, b) for each row a of ``A`` (the engine's kernels: linear a·b, poly
    (γ a·b + coef0)^degree, rbf exp(−γ‖a − b‖²))."""
    if state.kernel == "rbf":
        return np.exp(-state.gamma * ((A - b) ** 2).sum(axis=1))
    dot = A @ b
    return dot if state.kernel == "linear" else (state.gamma * dot + state.coef0) ** state.degree


def smo_pair(state: svm.State, result: svm.Result) -> dict[str, float]:
    """SMO's update of the pair (i, j) just optimised, from the α and b before it (Platt's
    two-variable step, PRML §7.1.1's SMO): E_i, E_j, η, α_j unclipped, the box [L, H],
    α_j clipped and α_i, with the new b (the engine's)."""
    i, j = result.pair
    a, y, X = result.alpha_before, result.y, result.X
    Ki, Kj = kernel(state, X, X[i]), kernel(state, X, X[j])
    E_i = float((a * y) @ Ki + result.b_before - y[i])
    E_j = float((a * y) @ Kj + result.b_before - y[j])
    eta = float(Ki[i] + Kj[j] - 2.0 * Ki[j])
    if y[i] != y[j]:
        low, high = max(0.0, a[j] - a[i]), min(result.C, result.C + a[j] - a[i])
    else:
        low, high = max(0.0, a[i] + a[j] - result.C), min(result.C, a[i] + a[j])
    unclipped = a[j] + y[j] * (E_i - E_j) / eta if eta > 0 else np.nan
    clipped = float(np.clip(unclipped, low, high)) if eta > 0 else float(result.alpha[j])
    return {
        "E_i": E_i, "E_j": E_j, "eta": eta, "a_i": float(a[i]), "a_j": float(a[j]),
        "unclipped": float(unclipped), "L": float(low), "H": float(high), "clipped": clipped,
        "a_i_new": float(a[i] + y[i] * y[j] * (a[j] - clipped)), "b": result.b,
    }  # fmt: skip


def _smo_equations(state: svm.State, result: svm.Result) -> list[Equation]:
    s = smo_pair(state, result)
    i, j = result.pair
    return [
        Equation(f"SMO's pair (i, j) = ({i}, {j}): the errors and the curvature", SMO_ERRORS,
                 r"E_i = \slot{E_i},\; E_j = \slot{E_j},\; \eta = \slot{eta}",
                 {k: s[k] for k in ("E_i", "E_j", "eta")}),
        Equation("The box the constraints leave α_j", SMO_BOX,
                 r"\alpha_i = \slot{a_i},\; \alpha_j = \slot{a_j},\; L = \slot{L},\; H = \slot{H}",
                 {k: s[k] for k in ("a_i", "a_j", "L", "H")}),
        Equation("The pair's new multipliers and intercept", SMO_ALPHA,
                 r"\alpha_j^{\mathrm{new}} = \slot{unclipped},\; \alpha_j^{\mathrm{clip}} = \slot{clipped},"
                 r"\; \alpha_i^{\mathrm{new}} = \slot{a_i_new},\; b = \slot{b}",
                 {k: s[k] for k in ("unclipped", "clipped", "a_i_new", "b")}),
    ]  # fmt: skip


KKT_SHOWN = 5  # the worst violators shown in the KKT table


def kkt_violation(result: svm.Result) -> np.ndarray:
    """How far each point breaks its KKT condition (0: kept): 1 − y f for α = 0,
    |y f − 1| for 0 < α < C, y f − 1 for α = C, floored at 0."""
    yf, zero = result.yf, result.alpha <= 0
    return np.where(
        zero,
        np.maximum(0.0, 1.0 - yf),
        np.where(result.at_c, np.maximum(0.0, yf - 1.0), np.abs(yf - 1.0)),
    )


def _kkt_table(result: svm.Result) -> Equation | None:
    violation = kkt_violation(result)
    worst = np.argsort(-violation, kind="stable")[:KKT_SHOWN]
    worst = worst[violation[worst] > 0]
    if not len(worst):
        return None
    table = np.vstack([worst + 0.0, result.alpha[worst], result.yf[worst], violation[worst]])
    return Equation(
        f"KKT: the {len(worst)} points breaking their condition most (columns: n, α_n, "
        "y_n f(x_n), by how much)", KKT, r"\slot{table}", {"table": table},
    )  # fmt: skip


def _selected(result: svm.Result, selection: int | None) -> int:
    if selection is not None:
        return int(selection)
    if result.pair is not None:
        return int(result.pair[1])
    support = np.flatnonzero(result.alpha > 0)
    return int(support[0]) if len(support) else 0


def board(state: svm.State, result: svm.Result, selection: int | None = None) -> Board:
    """The equations of ``result`` (a fit or an SMO replay frame) for point ``selection``."""
    n = _selected(result, selection)
    y = result.y
    equations = [
        Equation("The dual objective SMO climbs (α, also written λ)", DUAL,
                 r"W(\alpha) = \slot{W}", {"W": result.dual_objective}),
        Equation("Its constraints", CONSTRAINTS,
                 r"C = \slot{C},\quad \sum_i \alpha_i y_i = \slot{sum}",
                 {"C": result.C, "sum": float(result.alpha @ y)}),
        Equation(f"The selected point n = {n} and its KKT condition", KKT,
                 rf"\alpha_{{{n}}} = \slot{{a}},\; y_{{{n}}} = {int(y[n]):+d},\;"
                 rf" y_{{{n}}} f(x_{{{n}}}) = \slot{{yf}}",
                 {"a": result.alpha[n], "yf": result.yf[n]}),
        Equation("The decision function's intercept (from a free support vector)",
                 DECISION + r",\quad " + INTERCEPT, r"b = \slot{b}", {"b": result.b}),
        Equation("The primal objective of this iterate and the duality gap (0 at the optimum)",
                 PRIMAL, r"P = \slot{P},\quad W(\alpha) = \slot{W},\quad P - W = \slot{gap}",
                 {"P": result.primal, "W": result.dual_objective, "gap": result.duality_gap}),
        Equation("Stopping rule (the maximal-violating pair)", GAP,
                 r"m(\alpha) - M(\alpha) = \slot{gap}", {"gap": result.gap}),
    ]  # fmt: skip
    if result.pair is not None and result.alpha_before is not None:
        equations += _smo_equations(state, result)
    table = _kkt_table(result)
    if table is not None:
        equations.append(table)
    if result.kernel == "linear":
        w = (result.alpha * y) @ result.X
        equations.append(
            Equation("The margin (linear kernel)", MARGIN,
                     r"w = \slot{w},\quad 2/\lVert w\rVert = \slot{margin}",
                     {"w": w, "margin": result.margin_width})
        )  # fmt: skip
    if result.pair is not None:
        i, j = result.pair
        title = f"SMO step {result.position}: pair (i, j) = ({i}, {j})"
    else:
        title = f"SVM fit: {result.n_sv} support vectors, {result.n_iter} pair updates"
    return Board(title, tuple(equations), DERIVATION, NOTES)
