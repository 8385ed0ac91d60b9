"""The objective logistic regression minimises, its gradient and Hessian (PRML §4.3.2–4.3.4):
``ℓ(θ) + ‖W‖²/(2C)`` with ``ℓ = −Σₙ log p(tₙ | xₙ)``, a multiple of scikit-learn's
``C ℓ + ½‖W‖²`` (the same minimiser, and finite when ``C = inf``)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.linalg
import scipy.special

from prmlab.engine.linear import _kernels as K
from prmlab.engine.linear._chunks import map_chunks
from prmlab.engine.linear._common import softmax_rows


@dataclass(frozen=True, eq=False)
class Evaluation:
    """The objective at one ``θ``: ``log_likelihood``, ``objective`` (penalised), ``gradient``
    (shaped as ``θ``) and the Hessian (``θ.size`` square) or None when not asked for."""

    log_likelihood: float
    objective: float
    gradient: np.ndarray
    hessian: np.ndarray | None


class Problem:
    """The data of a fit; ``θ`` (M, width) has rows ``[w_k, b_k]`` (``b_k`` only with an
    intercept), M = 1 for two classes (``p(C₁|x) = σ(wᵀx + b)``), else the number of classes."""

    def __init__(
        self, X: np.ndarray, codes: np.ndarray, n_classes: int, C: float, intercept: bool
    ) -> None:
        self.X, self.codes, self.n_classes, self.C = X, codes, n_classes, C
        self.binary = n_classes == 2
        self.M = 1 if self.binary else n_classes
        self.inv_C = 0.0 if math.isinf(C) else 1.0 / C
        self.intercept = intercept
        self.d = X.shape[1]
        self.width = self.d + int(intercept)
        if self.binary:
            self.targets = (codes == 1).astype(float)
        else:
            self.targets = np.zeros((X.shape[0], n_classes))
            self.targets[np.arange(X.shape[0]), codes] = 1.0

    def rows(self, step: int) -> Problem:
        """The same problem on every ``step``-th row, its ``C`` scaled by ``step`` so the
        penalty weighs as much against its likelihood."""
        return Problem(
            np.ascontiguousarray(self.X[::step]),
            self.codes[::step],
            self.n_classes,
            self.C * step,
            self.intercept,
        )

    def scores(self, theta: np.ndarray) -> np.ndarray:
        """``X wₖᵀ + bₖ`` (n, M)."""
        s = self.X @ theta[:, : self.d].T
        if self.intercept:
            s += theta[:, self.d]
        return s

    def evaluate(self, theta: np.ndarray, hessian: bool) -> Evaluation:
        """The objective, its gradient ``Σₙ (pₙ − tₙ) φₙ + w/C`` (eq. 4.91, 4.109) and, if
        asked, its Hessian ``Σₙ pₙₖ(δₖₗ − pₙₗ) φₙφₙᵀ + I/C`` (eq. 4.97, 4.110)."""
        if self.binary:
            loglik, g, H = self._binary_pass(theta[0], hessian)
            grad = g[None, :]
        else:
            loglik, grad, H = self._multinomial(theta, hessian)
        penalty = 0.0
        if self.inv_C:
            grad[:, : self.d] += self.inv_C * theta[:, : self.d]
            penalty = 0.5 * self.inv_C * float(np.sum(theta[:, : self.d] ** 2))
            if hessian:
                for k in range(self.M):
                    idx = np.arange(k * self.width, k * self.width + self.d)
                    H[idx, idx] += self.inv_C
        if hessian and self.M > 1:
            self._fix_free_directions(H)
        return Evaluation(loglik, penalty - loglik, grad, H if hessian else None)

    def _binary_pass(
        self, theta: np.ndarray, hessian: bool
    ) -> tuple[float, np.ndarray, np.ndarray]:
        """``(log-likelihood, gradient (width,), Hessian (width, width) or 0 x 0)`` of two
        classes in one pass over ``X`` (chunked: :func:`map_chunks`)."""
        parts = map_chunks(
            K.logistic_rows, self.X.shape[0], self.X, theta, self.targets, self.intercept, hessian
        )
        lower = np.tril(sum(p[2] for p in parts))
        return (
            float(sum(p[0] for p in parts)),
            sum(p[1] for p in parts),
            lower + np.tril(lower, -1).T,
        )

    def _multinomial(
        self, theta: np.ndarray, hessian: bool
    ) -> tuple[float, np.ndarray, np.ndarray | None]:
        s = self.scores(theta)
        picked = np.take_along_axis(s, self.codes[:, None], axis=1)[:, 0]
        loglik = float(np.sum(picked - scipy.special.logsumexp(s, axis=1)))
        p = softmax_rows(s)
        residual = p - self.targets
        grad = np.empty_like(theta)
        grad[:, : self.d] = residual.T @ self.X
        if self.intercept:
            grad[:, self.d] = residual.sum(axis=0)
        if not hessian:
            return loglik, grad, None
        width = self.width
        H = np.zeros((self.M * width, self.M * width))
        for k in range(self.M):
            for m in range(k + 1):
                block = self._weighted_gram(p[:, k] * ((k == m) - p[:, m]))
                H[k * width : (k + 1) * width, m * width : (m + 1) * width] = block
                H[m * width : (m + 1) * width, k * width : (k + 1) * width] = block.T
        return loglik, grad, H

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

    def _fix_free_directions(self, H: np.ndarray) -> None:
        """Add the projection on the directions that change no probability and carry no
        penalty (one vector added to every class's unpenalised parameters): ``H`` becomes
        invertible and Newton's steps stay orthogonal to them, as scikit-learn's solvers' do
        from zero (the gradient is orthogonal to them)."""
        free = [self.d] if self.intercept else []
        free += list(range(self.d)) if self.inv_C == 0.0 else []
        for j in free:
            idx = np.arange(self.M) * self.width + j
            H[np.ix_(idx, idx)] += 1.0 / self.M

    def lipschitz(self) -> float:
        """A bound on the Hessian's largest eigenvalue: the gradient method's step is 1/this."""
        Z = self.X if not self.intercept else np.column_stack([self.X, np.ones(len(self.X))])
        top = float(scipy.linalg.eigvalsh(Z.T @ Z, subset_by_index=[Z.shape[1] - 1] * 2)[0])
        return (0.25 if self.binary else 0.5) * top + self.inv_C

    def separates(self, theta: np.ndarray) -> bool:
        """Whether ``θ`` puts every point strictly on its own class's side."""
        s = self.scores(theta)
        if self.binary:
            return bool(np.all(np.where(self.codes == 1, s[:, 0], -s[:, 0]) > 0.0))
        own = np.take_along_axis(s, self.codes[:, None], axis=1)[:, 0]
        others = np.where(np.arange(s.shape[1]) == self.codes[:, None], -np.inf, s)
        return bool(np.all(own > others.max(axis=1)))
