"""Logistic regression, binary and multinomial, fitted by Newton's method / IRLS (PRML
§4.3.2–4.3.4), with scikit-learn's L2 penalty.

Minimises ``C · Σₙ −log p(tₙ | xₙ) + ½‖W‖²`` (the intercept is not penalised; ``C = inf``
fits the maximum likelihood). Two classes: ``p(C₁|x) = σ(wᵀx + b)``, one weight vector
(``coef_`` (1, d)); more: ``p(C_k|x) = softmax_k(W x + b)``, one row per class.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.linalg
import scipy.special

from prmlab.engine._validation import check_features, check_option, check_scalar
from prmlab.engine.linear._common import (
    ConvergenceWarning,
    check_classification_data,
    check_fitted,
    softmax_rows,
    solve_positive,
)
from prmlab.engine.linear._logistic_problem import Evaluation, Problem

# Armijo's sufficient-decrease constant, and the most step halvings before giving up.
_ARMIJO = 1e-4
_MAX_HALVINGS = 60
# Newton's Hessian is recomputed after a step larger than this fraction of the parameters:
# after a smaller one it barely changed, and reusing it saves most of a pass over the data.
_FRESH_HESSIAN = 1e-2
# ... unless a step with the reused one shrank by less than this factor (a Hessian fresh at
# each step shrinks them quadratically).
_CONTRACTION = 0.1
# Above this many rows Newton starts from the fit on every _SUBSAMPLE-th row and its Hessian:
# near the optimum, three or four passes over all the data (one with the Hessian) finish.
_SUBSAMPLE_ABOVE = 50_000
_SUBSAMPLE = 16
# The subsample's fit differs from the full one by ~1/√(rows) anyway: a loose tolerance.
_SUBSAMPLE_TOL = 1e-2


class SeparableWarning(UserWarning):
    """With ``C = inf`` the classes are perfectly separated: the likelihood has no maximum and
    ``‖w‖`` grows without bound as the fit goes on."""


@dataclass(frozen=True, eq=False)
class LogisticStep:
    """The parameters after ``iteration`` steps (0: the start), ``coef`` (M, d), ``intercept``
    (M,) with M = 1 for two classes; the log-likelihood ``Σ log p(tₙ|xₙ)``; scikit-learn's
    objective ``−C·log-likelihood + ½‖W‖²`` (the log-likelihood's negative when ``C = inf``)
    and its gradient's largest entry; the step length taken along the Newton or gradient
    direction (0 at the start)."""

    iteration: int
    coef: np.ndarray
    intercept: np.ndarray
    log_likelihood: float
    objective: float
    gradient_max: float
    step_size: float


class LogisticRegression:
    """L2-penalised logistic regression as scikit-learn's ``LogisticRegression``.

    Parameters: ``C`` (> 0, ``inf`` for none) the inverse penalty, ``fit_intercept``,
    ``max_iter``, ``tol`` (stop when the next step would change no parameter by more than
    ``tol`` times the largest one, or 1), ``solver``: ``"newton"`` (Newton/IRLS with a
    backtracking line search, ``θ ← θ − H⁻¹∇``, PRML eq. 4.92; from zero, or for more than
    50,000 rows from the fit on every 16th row) or ``"gradient"`` (steepest descent with the
    fixed step ``1/L``, L bounding the Hessian: slow, for teaching).

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
        problem = Problem(X, codes, len(classes), C, bool(self.fit_intercept))
        return self._steps(problem, classes, max_iter, tol, solver)

    def _steps(
        self, problem: Problem, classes: np.ndarray, max_iter: int, tol: float, solver: str
    ) -> Iterator[LogisticStep]:
        solve = _Solve(problem, *_start(problem, solver, max_iter), max_iter, tol, solver)
        for iteration, t in solve:
            yield self._step(problem, iteration, solve.theta, solve.at, t)
        self.classes_ = classes
        self.coef_, self.intercept_ = _split(problem, solve.theta)
        self.n_iter_ = solve.iteration
        self.converged_ = solve.converged
        self.log_likelihood_ = solve.at.log_likelihood
        self.note_ = None
        if problem.inv_C == 0.0 and problem.separates(solve.theta):
            self.note_ = (
                "the classes are perfectly separable and C = inf: the likelihood has no "
                "maximum, ‖w‖ grows without bound as the fit goes on; use a finite C"
            )
            self._warning = SeparableWarning
        elif not solve.converged:
            self.note_ = (
                f"did not converge in max_iter={max_iter} steps; increase max_iter or tol, or "
                "scale the features"
            )
            self._warning = ConvergenceWarning

    @staticmethod
    def _step(
        problem: Problem, iteration: int, theta: np.ndarray, at: Evaluation, t: float
    ) -> LogisticStep:
        coef, intercept = _split(problem, theta)
        scale = 1.0 if problem.inv_C == 0.0 else problem.C  # back to scikit-learn's objective
        return LogisticStep(
            iteration,
            coef,
            intercept,
            at.log_likelihood,
            scale * at.objective,
            scale * float(np.max(np.abs(at.gradient))),
            t,
        )

    def fit(self, X: Any, y: Any) -> LogisticRegression:
        """Run :meth:`iter_fit` to the end; warns (``SeparableWarning`` or
        ``ConvergenceWarning``) when ``note_`` is set."""
        for _ in self.iter_fit(X, y):
            pass
        if self.note_ is not None:
            warnings.warn(self.note_, self._warning, stacklevel=2)
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


def _split(problem: Problem, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    coef = theta[:, : problem.d].copy()
    intercept = theta[:, problem.d].copy() if problem.intercept else np.zeros(problem.M)
    return coef, intercept


def _start(problem: Problem, solver: str, max_iter: int) -> tuple[np.ndarray, np.ndarray | None]:
    """Zeros, or for Newton on many rows (finite C: a maximum exists) the fit on a subsample;
    with the subsample's Hessian scaled to all rows (else None): the first step on all the
    data then needs no Hessian pass, the costly one (the subsample's is within ~1/√rows of
    the full one, so that step still contracts the error ~20-fold)."""
    zeros = np.zeros((problem.M, problem.width))
    n = problem.X.shape[0]
    if solver != "newton" or n <= _SUBSAMPLE_ABOVE or problem.inv_C == 0.0:
        return zeros, None
    sub = problem.rows(_SUBSAMPLE)
    if len(np.unique(sub.codes)) < problem.n_classes:
        return zeros, None
    solve = _Solve(sub, zeros, None, max_iter, _SUBSAMPLE_TOL, solver)
    for _ in solve:
        pass
    # sub's C is _SUBSAMPLE times larger: its objective and Hessian are ~1/_SUBSAMPLE of ours
    return solve.theta, _SUBSAMPLE * solve.hessian


class _Solve:
    """Iterate Newton's or the gradient method from ``theta``: yields ``(iteration, step
    length)`` after the start (0, 0.0) and each step, with ``theta`` and ``at`` (its
    :class:`Evaluation`) current; ``converged`` and ``iteration`` when done. Newton's first
    step uses ``hessian`` if given (an approximation near ``theta``), else the exact one."""

    def __init__(
        self,
        problem: Problem,
        theta: np.ndarray,
        hessian: np.ndarray | None,
        max_iter: int,
        tol: float,
        solver: str,
    ) -> None:
        self.problem, self.theta, self.max_iter, self.tol = problem, theta, max_iter, tol
        self.newton = solver == "newton"
        self.at = problem.evaluate(theta, hessian=self.newton and hessian is None)
        self.hessian = self.at.hessian if hessian is None else hessian
        self.rate = 1.0 if self.newton else 1.0 / problem.lipschitz()
        self.converged = False
        self.iteration = 0

    def __iter__(self) -> Iterator[tuple[int, float]]:
        yield 0, 0.0
        # a given Hessian counts as one from a step the size of the parameters: trusted for a
        # first step of at most _CONTRACTION of them (on well-separated classes a subsample's
        # Hessian can be far off: its step is then not taken)
        last_change = np.inf if self.at.hessian is not None else _scale(self.theta)
        for iteration in range(1, self.max_iter + 1):
            direction, change = self._direction()
            if self.newton and self.at.hessian is None and change > _CONTRACTION * last_change:
                # the reused Hessian no longer contracts the steps fast: take a fresh one
                self.at = self.problem.evaluate(self.theta, hessian=True)
                self.hessian = self.at.hessian
                direction, change = self._direction()
            last_change = change
            scale = _scale(self.theta)
            if change <= self.tol * scale:  # the next step would move nothing: here it is
                self.converged = True
                return
            t = self._line_search(direction, change, scale)
            if t == 0.0:  # no decrease along the step: at the optimum to rounding
                self.converged = True
                return
            self.iteration = iteration
            yield iteration, t

    def _direction(self) -> tuple[np.ndarray, float]:
        """Newton's ``−H⁻¹∇`` or the gradient step ``−∇/L``, and its largest entry."""
        grad = self.at.gradient
        if self.newton:
            direction = -_solve(self.hessian, grad.ravel()).reshape(grad.shape)
        else:
            direction = -self.rate * grad
        return direction, float(np.max(np.abs(direction)))

    def _line_search(self, direction: np.ndarray, change: float, scale: float) -> float:
        """Newton: halve the step until Armijo's sufficient decrease; move there and return
        its length (0.0 if none decreases the objective). Gradient: take the step."""
        if not self.newton:  # a step of 1/L always descends: no search
            self.theta = self.theta + direction
            self.at = self.problem.evaluate(self.theta, hessian=False)
            return 1.0
        slope = float(np.sum(self.at.gradient * direction))
        t = 1.0
        for _ in range(_MAX_HALVINGS):
            trial = self.theta + t * direction
            fresh = t * change > _FRESH_HESSIAN * scale
            at = self.problem.evaluate(trial, hessian=fresh)
            if at.objective <= self.at.objective + _ARMIJO * t * slope:
                self.theta, self.at = trial, at
                if fresh:
                    self.hessian = at.hessian
                return t
            t *= 0.5
        return 0.0


def _scale(theta: np.ndarray) -> float:
    """The size steps are measured against: the largest parameter, or 1."""
    return max(1.0, float(np.max(np.abs(theta))))


def _solve(H: np.ndarray, g: np.ndarray) -> np.ndarray:
    """``H⁻¹g`` by Cholesky; least squares when ``H`` is singular (``C = inf``, far out on
    separable data where every ``p(1 − p)`` underflows to 0)."""
    try:
        return solve_positive(H, g)
    except (np.linalg.LinAlgError, scipy.linalg.LinAlgError):
        return scipy.linalg.lstsq(H, g)[0]
