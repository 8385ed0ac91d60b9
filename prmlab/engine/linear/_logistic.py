"""Logistic regression, binary and multinomial, fitted by Newton's method / IRLS (PRML
§4.3.2–4.3.4), with scikit-learn's L2 penalty.

Minimises ``C · Σₙ −log p(tₙ | xₙ) + ½‖W‖²`` (the intercept is not penalised; ``C = inf``
fits the maximum likelihood). Two classes: ``p(C₁|x) = σ(wᵀx + b)``, one weight vector
(``coef_`` (1, d)); more: ``p(C_k|x) = softmax_k(W x + b)``, one row per class.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.linalg
import scipy.special

from prmlab.engine._validation import check_option, check_scalar
from prmlab.engine.linear._common import (
    ConvergenceWarning,
    check_classification_data,
    check_features,
    check_fitted,
    softmax_rows,
)

# Armijo's sufficient-decrease constant and the fewest step halvings before giving up.
_ARMIJO = 1e-4
_MAX_HALVINGS = 60


class SeparableWarning(UserWarning):
    """With ``C = inf`` the classes are perfectly separated: the likelihood has no maximum and
    ``‖w‖`` grows without bound as the fit goes on."""


@dataclass(frozen=True, eq=False)
class LogisticStep:
    """The parameters after ``iteration`` steps (0: the start, all zeros): ``coef`` (M, d),
    ``intercept`` (M,) with M = 1 for two classes, the log-likelihood ``Σ log p(tₙ|xₙ)``, the
    penalised objective ``−C·log-likelihood + ½‖W‖²`` (the log-likelihood's negative when
    ``C = inf``), the gradient's largest entry and the step length taken (0 at the start)."""

    iteration: int
    coef: np.ndarray
    intercept: np.ndarray
    log_likelihood: float
    objective: float
    gradient_max: float
    step_size: float


class _Problem:
    """The data of a fit and the objective ``ℓ(θ) + ‖W‖²/(2C)`` (a multiple of scikit-learn's:
    the same minimiser), with ``θ`` (M, d + 1 or d) rows ``[w_k, b_k]``."""

    def __init__(
        self, X: np.ndarray, codes: np.ndarray, n_classes: int, C: float, intercept: bool
    ) -> None:
        self.X = X
        self.codes = codes
        self.binary = n_classes == 2
        self.M = 1 if self.binary else n_classes
        self.inv_C = 0.0 if math.isinf(C) else 1.0 / C
        self.C = C
        self.intercept = intercept
        self.d = X.shape[1]
        self.width = self.d + int(intercept)
        if self.binary:
            self.targets = (codes == 1).astype(float)[:, None]
        else:
            self.targets = np.zeros((X.shape[0], n_classes))
            self.targets[np.arange(X.shape[0]), codes] = 1.0

    def scores(self, theta: np.ndarray) -> np.ndarray:
        s = self.X @ theta[:, : self.d].T
        if self.intercept:
            s += theta[:, self.d]
        return s

    def log_likelihood(self, s: np.ndarray) -> float:
        if self.binary:
            return float(-np.sum(np.logaddexp(0.0, s[:, 0])) + s[self.targets[:, 0] > 0, 0].sum())
        picked = np.take_along_axis(s, self.codes[:, None], axis=1)
        return float(np.sum(picked[:, 0] - scipy.special.logsumexp(s, axis=1)))

    def penalty(self, theta: np.ndarray) -> float:
        return 0.5 * self.inv_C * float(np.sum(theta[:, : self.d] ** 2)) if self.inv_C else 0.0

    def probabilities(self, s: np.ndarray) -> np.ndarray:
        return scipy.special.expit(s) if self.binary else softmax_rows(s)

    def gradient(self, theta: np.ndarray, residual: np.ndarray) -> np.ndarray:
        """``∂/∂θ``: ``Σₙ (pₙ − tₙ) xₙ + w/C`` per class (PRML eq. 4.91, 4.109)."""
        g = np.empty_like(theta)
        g[:, : self.d] = residual.T @ self.X + self.inv_C * theta[:, : self.d]
        if self.intercept:
            g[:, self.d] = residual.sum(axis=0)
        return g

    def hessian(self, p: np.ndarray) -> np.ndarray:
        """``Σₙ pₙₖ(δₖₗ − pₙₗ) φₙφₙᵀ`` blocks plus ``I/C`` on the weights (eq. 4.97, 4.110),
        plus the projection on the directions that change no probability and carry no penalty
        (the same vector added to every class's unpenalised parameters), so it is invertible and
        Newton's steps stay orthogonal to them (as scikit-learn's solvers, from zero, do)."""
        M, d, width = self.M, self.d, self.width
        H = np.zeros((M * width, M * width))
        for k in range(M):
            for m in range(k + 1):
                if self.binary:
                    weight = p[:, 0] * (1.0 - p[:, 0])
                else:
                    weight = p[:, k] * ((k == m) - p[:, m])
                block = self._weighted_gram(weight)
                H[k * width : (k + 1) * width, m * width : (m + 1) * width] = block
                H[m * width : (m + 1) * width, k * width : (k + 1) * width] = block.T
        for k in range(M):
            idx = np.arange(k * width, k * width + d)
            H[idx, idx] += self.inv_C
        if M > 1:
            free = [d] if self.intercept else []
            free += list(range(d)) if self.inv_C == 0.0 else []
            for j in free:
                idx = np.arange(M) * width + j
                H[np.ix_(idx, idx)] += 1.0 / M
        return H

    def _weighted_gram(self, weight: np.ndarray) -> np.ndarray:
        """``Σₙ weightₙ φₙφₙᵀ`` with ``φ = (x, 1)``."""
        Xw = self.X * weight[:, None]
        block = np.empty((self.width, self.width))
        block[: self.d, : self.d] = Xw.T @ self.X
        if self.intercept:
            col = Xw.sum(axis=0)
            block[: self.d, self.d] = col
            block[self.d, : self.d] = col
            block[self.d, self.d] = weight.sum()
        return block

    def lipschitz(self) -> float:
        """A bound on the Hessian's largest eigenvalue: the gradient method's step is 1/this."""
        Z = self.X if not self.intercept else np.column_stack([self.X, np.ones(len(self.X))])
        top = float(scipy.linalg.eigvalsh(Z.T @ Z, subset_by_index=[Z.shape[1] - 1] * 2)[0])
        return (0.25 if self.binary else 0.5) * top + self.inv_C


class LogisticRegression:
    """L2-penalised logistic regression as scikit-learn's ``LogisticRegression``.

    Parameters: ``C`` (> 0, ``inf`` for none) the inverse penalty, ``fit_intercept``,
    ``max_iter``, ``tol`` (stop when a step changes no parameter by more than ``tol`` times the
    largest one, or 1), ``solver``: ``"newton"`` (Newton/IRLS with a backtracking line search:
    ``θ ← θ − H⁻¹∇``, PRML eq. 4.92) or ``"gradient"`` (steepest descent with the fixed step
    ``1/L``, L bounding the Hessian: slow, for teaching).

    Attributes (after ``fit``): ``classes_`` (K,), ``coef_`` (1, d) for two classes else
    (K, d), ``intercept_`` (1,) or (K,), ``n_iter_``, ``converged_``, ``note_`` (str or None),
    ``log_likelihood_``.
    """

    def __init__(
        self,
        C: float = 1.0,
        fit_intercept: bool = True,
        max_iter: int = 100,
        tol: float = 1e-8,
        solver: str = "newton",
    ) -> None:
        self.C = C
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.solver = solver

    def iter_fit(self, X: Any, y: Any) -> Iterator[LogisticStep]:
        """Fit on ``X`` (n, d) and ``y`` (n,), yielding the start and each step; attributes are
        set when the generator is exhausted (inputs are checked at once)."""
        C = check_scalar(self.C, "C", gt=0.0, allow_inf=True)
        max_iter = check_scalar(self.max_iter, "max_iter", integer=True, ge=1)
        tol = check_scalar(self.tol, "tol", ge=0.0)
        solver = check_option(self.solver, "solver", ("newton", "gradient"))
        X, classes, codes = check_classification_data(X, y)
        problem = _Problem(X, codes, len(classes), C, bool(self.fit_intercept))
        return self._steps(problem, classes, max_iter, tol, solver)

    def _steps(
        self, problem: _Problem, classes: np.ndarray, max_iter: int, tol: float, solver: str
    ) -> Iterator[LogisticStep]:
        theta = np.zeros((problem.M, problem.width))
        s = problem.scores(theta)
        loglik = problem.log_likelihood(s)
        objective = -loglik + problem.penalty(theta)
        p = problem.probabilities(s)
        grad = problem.gradient(theta, p - problem.targets)
        step_rate = 1.0 / problem.lipschitz() if solver == "gradient" else 1.0
        yield self._step(problem, 0, theta, loglik, objective, grad, 0.0)
        converged = False
        iteration = 0
        for iteration in range(1, max_iter + 1):
            if solver == "newton":
                direction = -_solve(problem.hessian(p), grad.ravel()).reshape(theta.shape)
            else:
                direction = -step_rate * grad
            slope = float(np.sum(grad * direction))
            t = 1.0
            for _ in range(_MAX_HALVINGS):
                trial = theta + t * direction
                s_trial = problem.scores(trial)
                loglik_trial = problem.log_likelihood(s_trial)
                obj_trial = -loglik_trial + problem.penalty(trial)
                if obj_trial <= objective + _ARMIJO * t * slope:
                    break
                t *= 0.5
            else:  # no decrease along the step: at the optimum to rounding
                converged = True
                iteration -= 1
                break
            change = float(np.max(np.abs(trial - theta)))
            theta, s, loglik, objective = trial, s_trial, loglik_trial, obj_trial
            p = problem.probabilities(s)
            grad = problem.gradient(theta, p - problem.targets)
            yield self._step(problem, iteration, theta, loglik, objective, grad, t)
            if change <= tol * max(1.0, float(np.max(np.abs(theta)))):
                converged = True
                break
        self._finish(problem, classes, theta, s, loglik, iteration, converged, max_iter)

    def _step(
        self,
        problem: _Problem,
        iteration: int,
        theta: np.ndarray,
        loglik: float,
        objective: float,
        grad: np.ndarray,
        t: float,
    ) -> LogisticStep:
        coef, intercept = self._split(problem, theta)
        scale = 1.0 if problem.inv_C == 0.0 else problem.C  # back to scikit-learn's objective
        return LogisticStep(
            iteration,
            coef,
            intercept,
            loglik,
            scale * objective,
            scale * float(np.max(np.abs(grad))),
            t,
        )

    @staticmethod
    def _split(problem: _Problem, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        coef = theta[:, : problem.d].copy()
        intercept = theta[:, problem.d].copy() if problem.intercept else np.zeros(problem.M)
        return coef, intercept

    def _finish(
        self,
        problem: _Problem,
        classes: np.ndarray,
        theta: np.ndarray,
        s: np.ndarray,
        loglik: float,
        n_iter: int,
        converged: bool,
        max_iter: int,
    ) -> None:
        self.classes_ = classes
        self.coef_, self.intercept_ = self._split(problem, theta)
        self.n_iter_ = n_iter
        self.converged_ = converged
        self.log_likelihood_ = loglik
        self.note_ = None
        if problem.inv_C == 0.0 and _separates(s, problem.codes, problem.binary):
            self.note_ = (
                "the classes are perfectly separable and C = inf: the likelihood has no "
                "maximum, ‖w‖ grows without bound as the fit goes on; use a finite C"
            )
            self.warning_class_ = SeparableWarning
        elif not converged:
            self.note_ = (
                f"did not converge in max_iter={max_iter} steps; increase max_iter or tol, or "
                "scale the features"
            )
            self.warning_class_ = ConvergenceWarning

    def fit(self, X: Any, y: Any) -> LogisticRegression:
        """Run :meth:`iter_fit` to the end; warns (``SeparableWarning`` or
        ``ConvergenceWarning``) when ``note_`` is set."""
        for _ in self.iter_fit(X, y):
            pass
        if self.note_ is not None:
            warnings.warn(self.note_, self.warning_class_, stacklevel=2)
        return self

    def decision_function(self, X: Any) -> np.ndarray:
        """``Wx + b``: (n,) for two classes (the log-odds of ``classes_[1]``), else (n, K)."""
        check_fitted(self)
        s = check_features(X, self.coef_.shape[1]) @ self.coef_.T + self.intercept_
        return s[:, 0] if s.shape[1] == 1 else s

    def predict_proba(self, X: Any) -> np.ndarray:
        """``p(C_k | x)`` (n, K), columns in the order of ``classes_``."""
        s = self.decision_function(X)
        if s.ndim == 1:
            p1 = scipy.special.expit(s)
            return np.column_stack([1.0 - p1, p1])
        return softmax_rows(s)

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class of each row of ``X`` (n,)."""
        best = np.argmax(self.predict_proba(X), axis=1)  # checks the fit first
        return self.classes_[best]


def _solve(H: np.ndarray, g: np.ndarray) -> np.ndarray:
    """``H⁻¹g`` by Cholesky; least squares when ``H`` is singular (``C = inf``, far out on
    separable data where every ``p(1 − p)`` underflows to 0)."""
    try:
        return scipy.linalg.solve(H, g, assume_a="pos")
    except (np.linalg.LinAlgError, scipy.linalg.LinAlgError):
        return scipy.linalg.lstsq(H, g)[0]


def _separates(s: np.ndarray, codes: np.ndarray, binary: bool) -> bool:
    """Whether the scores ``s`` put every point strictly on its own class's side."""
    if binary:
        return bool(np.all(np.where(codes == 1, s[:, 0], -s[:, 0]) > 0.0))
    own = np.take_along_axis(s, codes[:, None], axis=1)
    others = np.where(np.arange(s.shape[1]) == codes[:, None], -np.inf, s)
    return bool(np.all(own[:, 0] > others.max(axis=1)))
