"""Linear models on the whiteboard, per mode: the normal equations and the ridge and lasso
MAP fits (PRML §3.1.1, §3.1.4), the perceptron update (§4.1.7), logistic regression's
gradient, Hessian and Newton step (§4.3.2-4.3.3), and Gaussian discriminant analysis's
posterior as a sigmoid of a linear function (§4.2.1-4.2.2).

``selection`` is unused in the regression, perceptron and logistic modes (their numbers are
about the whole fit or the update just made); matrices show at most ``SHOWN_DEGREE``
coefficients. Polynomial features are φ(x) = (z, z², …), z = (x − m)/s scaled to |z| ≤ 1
on the points, and the intercept is fitted apart (the data are centred first), so the
normal equations below are those of the centred Φ and t.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from prmlab.lab import linear
from prmlab.lab.linear._regression import features_for
from prmlab.lab.whiteboard import Board, Equation, Line

SHOWN_DEGREE = 3

NORMAL = r"w_{\mathrm{ML}} = (\Phi^{\top}\Phi)^{-1}\Phi^{\top}t"
RIDGE = (
    r"w_{\mathrm{MAP}} = \arg\min_w \lVert t-\Phi w\rVert^2 + \lambda\lVert w\rVert^2"
    r" = (\lambda I + \Phi^{\top}\Phi)^{-1}\Phi^{\top}t"
)
LASSO = (
    r"w_{\mathrm{MAP}} = \arg\min_w \frac{1}{2N}\lVert t-\Phi w\rVert^2"
    r" + \alpha\lVert w\rVert_1"
)
PERCEPTRON = r"w^{(\tau+1)} = w^{(\tau)} + \eta\,\phi_n t_n\quad (x_n \text{ misclassified})"
CRITERION = r"E_P(w) = -\sum_{n\in\mathcal{M}} w^{\top}\phi_n t_n"
GRADIENT = (
    r"\nabla E(w) = \sum_{n=1}^{N}(y_n - t_n)\,\phi_n + w/C,\qquad y_n = \sigma(w^{\top}\phi_n)"
)
HESSIAN = r"H = \Phi^{\top}R\,\Phi + I/C,\qquad R_{nn} = y_n(1-y_n)"
NEWTON = r"w^{\mathrm{new}} = w^{\mathrm{old}} - H^{-1}\nabla E(w^{\mathrm{old}})"
POSTERIOR = r"p(C_1\mid x) = \sigma(w^{\top}x + w_0)"
GDA_W = (
    r"w = \Sigma^{-1}(\mu_1-\mu_0),\quad w_0 = -\tfrac{1}{2}\mu_1^{\top}\Sigma^{-1}\mu_1"
    r" + \tfrac{1}{2}\mu_0^{\top}\Sigma^{-1}\mu_0 + \ln\frac{\pi_1}{\pi_0}"
)

REGRESSION_DERIVATION = (
    Line(r"t = w^{\top}\phi(x) + \epsilon,\quad \epsilon \sim \mathcal{N}(0, \beta^{-1})",
         "the points scatter around the curve; residuals are the vertical segments"),
    Line(r"\ln p(t\mid w) = -\tfrac{\beta}{2}\sum_n (t_n - w^{\top}\phi_n)^2 + \text{const}",
         "maximum likelihood = least squares (the dashed curve)"),
    Line(NORMAL, "ŷ = Φw is the projection of t onto the columns of Φ (3-point picture)"),
    Line(r"p(w) = \mathcal{N}(0, \alpha^{-1}I) \Rightarrow \text{MAP} = \text{ridge},\ "
         r"\lambda = \alpha/\beta", "the L2 circle in the coefficient plane"),
    Line(r"p(w) \propto e^{-\lambda\lVert w\rVert_1}\ (\text{Laplace}) \Rightarrow "
         r"\text{MAP} = \text{lasso}", "the L1 diamond: its corners give exact zeros"),
    Line(r"\text{MAP: the loss contour touches the prior's ball}",
         "where the ellipses meet the circle or diamond"),
)  # fmt: skip

PERCEPTRON_DERIVATION = (
    Line(r"y(x) = \mathrm{sign}(w^{\top}\phi(x)),\quad t_n \in \{-1, +1\}",
         "the boundary is the line w·φ = 0"),
    Line(CRITERION, "only misclassified points (ringed) count"),
    Line(r"-\nabla E_P = \sum_{n\in\mathcal{M}} \phi_n t_n", "each update pulls w toward one of them"),
    Line(PERCEPTRON, "w before (dashed) and after: the boundary turns"),
    Line(r"\text{separable} \Rightarrow \text{finitely many updates}",
         "the error curve reaches 0; inseparable data cycle forever"),
)  # fmt: skip

LOGISTIC_DERIVATION = (
    Line(r"p(C_1\mid\phi) = \sigma(w^{\top}\phi),\quad \sigma(a) = 1/(1+e^{-a})",
         "the probability surface and its p = ½ line"),
    Line(r"E(w) = -\sum_n t_n\ln y_n + (1-t_n)\ln(1-y_n) + \tfrac{1}{2C}\lVert w\rVert^2",
         "the contours: −E over (w₁, w₂)"),
    Line(GRADIENT, "no closed form: the gradient is nonlinear in w"),
    Line(HESSIAN, "H is positive definite: E is convex, one optimum"),
    Line(NEWTON, "each Step: one point of the path on the contours (IRLS)"),
)  # fmt: skip

GENERATIVE_DERIVATION = (
    Line(r"p(x\mid C_k) = \mathcal{N}(x\mid\mu_k,\Sigma),\quad p(C_k) = \pi_k",
         "the class Gaussians (ellipses)"),
    Line(r"p(C_1\mid x) = \sigma(a),\quad a = \ln\frac{p(x\mid C_1)\pi_1}{p(x\mid C_0)\pi_0}",
         "Bayes' rule gives the posterior surface"),
    Line(GDA_W, "a shared Σ cancels xᵀΣ⁻¹x: the boundary is a line"),
    Line(r"\Sigma_0 \ne \Sigma_1 \Rightarrow a \text{ quadratic in } x",
         "GDA with separate Σ: a curved boundary"),
    Line(r"\text{naive Bayes: } \Sigma_k \text{ diagonal}", "axis-aligned ellipses"),
    Line(r"\text{logistic: fits } w \text{ directly (2 + 1 numbers, not means and } \Sigma)",
         "the accuracy curve: which wins with few points"),
)  # fmt: skip

NOTES = (
    "t are the targets (the sheet's y), Φ the design matrix of the features φ(x).",
    "scikit-learn's names: ridge's λ is Ridge(alpha=λ); lasso's α is Lasso(alpha=α).",
)


def board(state: linear.State, result: linear.Result, selection: object = None) -> Board:
    """The equations of ``result`` (the mode's fit or step) with its numbers."""
    if isinstance(result, linear.RegressionResult):
        return _regression_board(state, result)
    if isinstance(result, linear.PerceptronResult):
        return _perceptron_board(state, result)
    if isinstance(result, linear.LogisticResult):
        return _logistic_board(state, result)
    return _generative_board(state, result)


def centred_design(state: linear.State) -> tuple[np.ndarray, np.ndarray]:
    """The centred design matrix Φ (n, degree) and targets t (n,) the fits solve."""
    x, t = state.X[:, 0], state.X[:, 1]
    Phi = features_for(x, state.degree)(x)
    return Phi - Phi.mean(axis=0), t - t.mean()


def _regression_board(state: linear.State, result: linear.RegressionResult) -> Board:
    d = min(len(result.coef_mle), SHOWN_DEGREE)
    Phi, t = centred_design(state)
    equations = [
        Equation("Least squares (maximum likelihood): the normal equations", NORMAL,
                 r"\Phi^{\top}\Phi = \slot{G},\; \Phi^{\top}t = \slot{b},\;"
                 r" w_{\mathrm{ML}} = \slot{w}",
                 {"G": (Phi.T @ Phi)[:d, :d], "b": (Phi.T @ t)[:d], "w": result.coef_mle[:d]}),
    ]  # fmt: skip
    if result.penalty == "ridge":
        equations.append(
            Equation("Ridge = MAP under a Gaussian prior on w", RIDGE,
                     r"\lambda = \slot{lam},\; w_{\mathrm{MAP}} = \slot{w},\;"
                     r" \lVert w\rVert_2 = \slot{norm}",
                     {"lam": result.strength, "w": result.coef_map[:d],
                      "norm": float(np.linalg.norm(result.coef_map))})
        )  # fmt: skip
    else:
        zeros = int(np.sum(result.coef_map == 0.0))
        equations.append(
            Equation(f"Lasso = MAP under a Laplace prior on w ({zeros} coefficients exactly 0)",
                     LASSO,
                     r"\alpha = \slot{alpha},\; w_{\mathrm{MAP}} = \slot{w},\;"
                     r" \lVert w\rVert_1 = \slot{norm}",
                     {"alpha": result.strength, "w": result.coef_map[:d],
                      "norm": float(np.abs(result.coef_map).sum())})
        )  # fmt: skip
    equations.append(
        Equation("Residual sums of squares", r"\mathrm{RSS} = \sum_n (t_n - y(x_n))^2",
                 r"\mathrm{RSS}_{\mathrm{ML}} = \slot{ml},\; \mathrm{RSS}_{\mathrm{MAP}} = \slot{map}",
                 {"ml": result.rss_mle, "map": result.rss_map})
    )  # fmt: skip
    title = f"Regression, degree {state.degree}: least squares and {result.penalty}"
    return Board(title, tuple(equations), REGRESSION_DERIVATION, NOTES)


def _perceptron_board(state: linear.State, result: linear.PerceptronResult) -> Board:
    w_before = np.r_[result.intercept_before, result.coef_before]
    w_after = np.r_[result.intercept, result.coef]
    equations = []
    if result.index >= 0:
        n = result.index
        t_n = 1 if state.labels[n] == 1 else -1
        equations.append(
            Equation(f"Update {result.position}: point n = {n + 1} was misclassified",
                     PERCEPTRON,
                     rf"\slot{{after}} = \slot{{before}} + \slot{{eta}}\cdot({t_n:+d})\slot{{phi}}",
                     {"after": w_after, "before": w_before, "eta": state.eta,
                      "phi": np.r_[1.0, state.X[n]]})
        )  # fmt: skip
    equations.append(
        Equation("Misclassified points now", CRITERION, r"|\mathcal{M}| = \slot{m}",
                 {"m": float(result.errors)})
    )  # fmt: skip
    title = (
        f"Perceptron, update {result.position} of {result.run.n_updates}"
        if result.position
        else "Perceptron: w = 0 before the first update"
    )
    notes = ("φ = (1, x₁, x₂): the first weight is the bias w₀.",)
    return Board(title, tuple(equations), PERCEPTRON_DERIVATION, notes)


def gradient_and_hessian(state: linear.State, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """∇E and H of the penalised cross-entropy at ``w`` = (w₀, w₁, w₂) (bias first, not
    penalised) on ``state``'s points (PRML eqs 4.96-4.97 plus the L2 term)."""
    Phi = np.column_stack([np.ones(len(state.X)), state.X])
    y = expit(Phi @ w)
    t = (state.labels == 1).astype(float)
    penalty = np.r_[0.0, np.ones(2)] / state.C if np.isfinite(state.C) else np.zeros(3)
    grad = Phi.T @ (y - t) + penalty * w
    hess = (Phi * (y * (1 - y))[:, None]).T @ Phi + np.diag(penalty)
    return grad, hess


def _logistic_board(state: linear.State, result: linear.LogisticResult) -> Board:
    w = np.r_[result.intercept, result.coef]
    grad, hess = gradient_and_hessian(state, w)
    equations = [
        Equation("The gradient at this step's w", GRADIENT,
                 r"w = \slot{w},\; \nabla E = \slot{g}", {"w": w, "g": grad}),
        Equation("The Hessian (IRLS's weighted least squares)", HESSIAN,
                 r"H = \slot{H}", {"H": hess}),
    ]  # fmt: skip
    try:
        direction = -np.linalg.solve(hess, grad)
    except np.linalg.LinAlgError:
        direction = None
    if direction is not None:
        equations.append(
            Equation("The next Newton step (before its line search)", NEWTON,
                     r"-H^{-1}\nabla E = \slot{d}", {"d": direction})
        )  # fmt: skip
    equations.append(
        Equation("The log-likelihood (the contours' height)",
                 r"\ell(w) = \sum_n t_n\ln y_n + (1-t_n)\ln(1-y_n)",
                 r"\ell = \slot{ll}", {"ll": result.loglik})
    )  # fmt: skip
    c = "∞" if not np.isfinite(state.C) else f"{state.C:g}"
    title = f"Logistic regression, Newton step {result.position} of {result.run.n_steps} (C = {c})"
    notes = ("w = (w₀, w₁, w₂), bias first; the bias is not penalised.",)
    return Board(title, tuple(equations), LOGISTIC_DERIVATION, notes)


def shared_gda_weights(state: linear.State, result: linear.GenerativeResult) -> tuple:
    """``(w (2,), w0, priors (2,))`` of the shared-Σ GDA posterior σ(wᵀx + w₀) trained on
    the first ``n_train`` points (PRML eqs 4.66-4.67)."""
    labels = state.labels[: result.n_train]
    priors = np.array([np.mean(labels == 0), np.mean(labels == 1)])
    mu0, mu1 = result.means
    inv = np.linalg.inv(result.shared)
    w = inv @ (mu1 - mu0)
    w0 = -0.5 * mu1 @ inv @ mu1 + 0.5 * mu0 @ inv @ mu0 + np.log(priors[1] / priors[0])
    return w, float(w0), priors


def _generative_board(state: linear.State, result: linear.GenerativeResult) -> Board:
    w, w0, priors = shared_gda_weights(state, result)
    equations = [
        Equation("Class means and the shared covariance (maximum likelihood)",
                 r"\mu_k = \frac{1}{N_k}\sum_{n\in C_k} x_n,\quad \Sigma = \sum_k \frac{N_k}{N}S_k",
                 r"\mu_0 = \slot{mu0},\; \mu_1 = \slot{mu1},\; \Sigma = \slot{S}",
                 {"mu0": result.means[0], "mu1": result.means[1], "S": result.shared}),
        Equation("GDA's posterior is a sigmoid of a linear function", POSTERIOR + r",\quad " + GDA_W,
                 r"\pi = \slot{pi},\; w = \slot{w},\; w_0 = \slot{w0}",
                 {"pi": priors, "w": w, "w0": w0}),
        Equation("Accuracy on the held-out points",
                 r"\text{GDA shared, GDA separate, naive Bayes, logistic}",
                 r"\slot{acc}", {"acc": result.accuracy}),
    ]  # fmt: skip
    title = f"Generative vs discriminative: trained on N = {result.n_train} points"
    notes = ("π are the classes' shares of the N training points; Σ weights each class's "
             "covariance S_k by its share, as scikit-learn's LDA does.",)  # fmt: skip
    return Board(title, tuple(equations), GENERATIVE_DERIVATION, notes)
