"""Support vector classification: the soft- and hard-margin dual solved by SMO, as libsvm does.

PRML §7.1: the hard-margin primal ``min 1/2 w^T w  s.t.  y_i (w^T x_i + b) >= 1``,
its dual ``max_a sum_i a_i - 1/2 sum_ij a_i a_j y_i y_j K(x_i, x_j)``, ``a_i >= 0``,
``sum_i a_i y_i = 0``;
the soft margin adds ``C sum_i xi_i`` to the primal, which boxes the dual: ``0 <= a_i <= C``.
Kernel: any symmetric positive-definite ``K`` replaces ``x_i^T x_j``. KKT (complementary
slackness): ``a_i = 0 => y_i f(x_i) >= 1``, ``0 < a_i < C => y_i f(x_i) = 1``,
``a_i = C => y_i f(x_i) <= 1``; the support vectors are the points with ``a_i > 0``.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations_with_replacement
from typing import Any

import numpy as np

from prmlab.engine._jit import parallel_calls
from prmlab.engine._validation import (
    check_array,
    check_features,
    check_fitted,
    check_labels,
    check_option,
    check_scalar,
)
from prmlab.engine.svm import _kernels as K

__all__ = ["SVC", "SmoStep", "ConvergenceWarning", "warmup"]

KERNELS = {"linear": K.LINEAR, "poly": K.POLY, "rbf": K.RBF}
# The kernel cache holds every row up to 8,000 points (512 MB of float64, filled lazily);
# beyond that, as many rows as fit in the same budget, least recently used first out.
CACHE_BYTES = 8000 * 8000 * 8
# Hard margin: sum_i a_i = ||w||^2 = 4 / (margin width)^2, so an alpha this large (relative to
# the data's squared spread in feature space) means a margin under ~1e-6 of that spread: the
# dual is unbounded, no separating hyperplane exists.
HARD_MARGIN_ALPHA_CAP = 1e12
# Inseparable data can also make alpha creep up slowly instead of blowing up, so the hard
# margin stops after about this much work (pair updates x samples, a few seconds here).
HARD_MARGIN_WORK = 200_000_000
# Largest explicit polynomial feature map used to decide separability by linear programming.
MAX_EXPLICIT_FEATURES = 300


# Samples of the dual objective kept per iter_fit frame.
TRACE_LEN = 256


class ConvergenceWarning(RuntimeWarning):
    """SMO stopped at ``max_iter`` before the KKT gap fell below ``tol``."""


@dataclass(frozen=True)
class SmoStep:
    """One frame of the SMO animation (fresh arrays).

    ``alpha``: (n_samples,) dual variables; ``b``: the intercept of
    ``f(x) = sum a_i y_i K(x_i, x) + b``;
    ``pair``: the (i, j) just optimised, (-1, -1) before the first update; ``dual_objective``:
    ``sum a - 1/2 a^T Q a`` (climbs every update); ``gap``: ``m(a) - M(a)``, stop when < tol;
    ``violators``: indices of points breaking their KKT condition by more than tol;
    ``trace``: (k, 2) rows ``(n_iter, W)`` since the previous frame, every update or evenly
    thinned to at most ``TRACE_LEN`` rows (the dual objective's climb, for a plot).
    """

    n_iter: int
    alpha: np.ndarray
    b: float
    pair: tuple[int, int]
    dual_objective: float
    gap: float
    violators: np.ndarray
    converged: bool
    progress: float
    trace: np.ndarray


class _Smo:
    """Solver state that can run in chunks (for ``fit``, ``iter_fit`` and its animation)."""

    def __init__(self, X: np.ndarray, y: np.ndarray, svc: SVC) -> None:
        n = X.shape[0]
        self.X, self.y, self.C, self.tol = X, y, svc.C, svc.tol
        self.kernel = (KERNELS[svc.kernel], float(svc.gamma), int(svc.degree), float(svc.coef0))
        self.qd = K.kernel_diagonal(X, *self.kernel)
        n_slots = int(min(n, max(2, CACHE_BYTES // (8 * n))))
        self.XT = np.ascontiguousarray(X.T)
        self.cache = np.empty((n_slots + 1, n))  # + a scratch row
        self.slot_of = np.full(n, -1, dtype=np.int64)
        self.slot_owner = np.full(n_slots, -1, dtype=np.int64)
        self.slot_time = np.zeros(n_slots, dtype=np.int64)
        self.state = np.array([0, 0, 0, -1, -1, 0, 0, 1], dtype=np.int64)
        self.objective = np.zeros(1)  # f(a), followed through every update
        self.trace = np.empty((0, 2))
        self.alpha = np.zeros(n)
        self.G = -np.ones(n)
        self.status = K.RUNNING
        self.alpha_cap = np.inf
        self.separable: bool | None = None
        if math.isinf(self.C):
            self.separable = _hard_margin_feasible(X, y, svc)
            self.alpha_cap = HARD_MARGIN_ALPHA_CAP / _feature_spread(X, self.kernel)
        self.gap0 = math.nan

    @property
    def n_iter(self) -> int:
        return int(self.state[K.N_ITER])

    def run(self, max_steps: int, trace_len: int = 0) -> int:
        """Up to ``max_steps`` pair updates; keep up to ``trace_len`` (n_iter, W) samples."""
        start = self.n_iter
        trace = np.empty(trace_len)
        self.state[[K.T_SEEN, K.T_COUNT, K.T_STRIDE]] = (0, 0, 1)
        self.status = K.smo_solve(
            self.X, self.XT, self.y, self.qd, *self.kernel, self.C, self.tol, self.alpha, self.G,
            self.cache, self.slot_of, self.slot_owner, self.slot_time, self.state,
            int(max_steps), self.alpha_cap, self.objective, trace,
        )  # fmt: skip
        count, stride = int(self.state[K.T_COUNT]), int(self.state[K.T_STRIDE])
        iters = start + stride * np.arange(1, count + 1)
        self.trace = np.column_stack([iters, trace[:count]])
        return self.status

    def step(self) -> SmoStep:
        rho, gap, obj, violators = K.smo_summary(self.y, self.alpha, self.G, self.C, self.tol)
        if math.isnan(self.gap0):
            self.gap0 = gap
        converged = self.status == K.CONVERGED
        progress = 1.0 if converged else _progress(self.gap0, gap, self.tol)
        return SmoStep(
            n_iter=self.n_iter,
            alpha=self.alpha.copy(),
            b=-rho,
            pair=(int(self.state[K.LAST_I]), int(self.state[K.LAST_J])),
            dual_objective=-obj,
            gap=gap,
            violators=np.flatnonzero(violators),
            converged=converged,
            progress=progress,
            trace=self._take_trace(),
        )

    def _take_trace(self) -> np.ndarray:
        """The trace of the latest ``run``, handed out once."""
        trace, self.trace = self.trace, np.empty((0, 2))
        return trace


def _progress(gap0: float, gap: float, tol: float) -> float:
    """How far the KKT gap has fallen from its start towards tol, on a log scale, in [0, 1]."""
    if not (gap0 > tol and gap > 0):
        return 0.0
    return float(np.clip(math.log(gap0 / gap) / math.log(gap0 / tol), 0.0, 1.0))


def _feature_spread(X: np.ndarray, kernel: tuple) -> float:
    """Mean squared feature-space distance ``K_ii + K_jj - 2 K_ij`` over up to 200 point pairs."""
    n = X.shape[0]
    a = np.unique(np.linspace(0, n - 1, min(n, 200)).astype(np.int64))
    spread = float(np.mean(K.feature_distances(X, a, np.roll(a, len(a) // 2), *kernel)))
    return spread if spread > 0 else 1.0


def _not_separable(kernel: str, why: str) -> ValueError:
    return ValueError(
        f"the data are not separable in the {kernel!r} kernel's feature space ({why}), so the "
        "hard margin (C=inf) has no solution; use a finite C (soft margin), e.g. C=1.0"
        + ("" if kernel == "rbf" else ", or a more flexible kernel")
    )


def _explicit_features(X: np.ndarray, svc: SVC) -> np.ndarray | None:
    """The kernel's feature map (up to positive weights) when it is finite and small, else None.

    Linear: ``x``. Poly with ``coef0 > 0``: every monomial of degree 1..degree; with
    ``coef0 = 0``: those of degree exactly ``degree`` (the constant goes into ``b``).
    """
    if svc.kernel == "linear":
        return X
    p, degree = X.shape[1], int(svc.degree)
    if (
        svc.kernel != "poly"
        or svc.coef0 < 0
        or math.comb(p + degree, degree) > MAX_EXPLICIT_FEATURES
    ):
        return None
    degrees = range(1, degree + 1) if svc.coef0 > 0 else (degree,)
    return np.column_stack(
        [
            np.prod(X[:, list(idx)], axis=1)
            for d in degrees
            for idx in combinations_with_replacement(range(p), d)
        ]
    )


def _hard_margin_feasible(X: np.ndarray, y: np.ndarray, svc: SVC) -> bool | None:
    """True if a hyperplane separates the data in the kernel's feature space, None if unknown.

    Raises the not-separable ``ValueError`` when identical points carry both labels, or when
    the explicit feature map admits no ``(w, b)`` with ``y_i (w . phi(x_i) + b) >= 1`` (a
    linear-programming feasibility problem, solved by SciPy's HiGHS).
    """
    order = np.lexsort(X.T[::-1])
    Xs, ys = X[order], y[order]
    n_bad = int(np.sum(np.all(Xs[1:] == Xs[:-1], axis=1) & (ys[1:] != ys[:-1])))
    if n_bad:
        raise _not_separable(svc.kernel, f"{n_bad} point(s) appear with both labels")
    F = _explicit_features(X, svc)
    if F is None:
        return None
    # Separability is affine-invariant: standardise the features for a well-scaled LP.
    scale = F.std(axis=0)
    F = (F - F.mean(axis=0)) / np.where(scale > 0, scale, 1.0)
    A_ub = -y[:, None] * np.column_stack([F, np.ones(len(y))])
    from scipy.optimize import linprog  # here: importing SciPy's optimizers takes ~0.3 s

    res = linprog(np.zeros(A_ub.shape[1]), A_ub=A_ub, b_ub=-np.ones(len(y)), bounds=(None, None))
    if res.status == 2:
        raise _not_separable(svc.kernel, "no hyperplane has every point on its side")
    return res.status == 0 or None


class SVC:
    """Binary support vector classifier, scikit-learn's ``SVC`` for two classes.

    Parameters: ``C`` > 0 (``np.inf`` = hard margin), ``kernel`` in "linear", "poly", "rbf"
    (``x.z``, ``(gamma x.z + coef0)^degree``, ``exp(-gamma |x - z|^2)``), ``gamma`` > 0,
    ``degree`` >= 1, ``coef0``, ``tol`` > 0 (stop when the KKT gap ``m(a) - M(a) < tol``, as
    libsvm), ``max_iter`` (pair updates; None = libsvm's ``max(10^7, 100 n)``).

    Fitted attributes: ``classes_`` (2,) sorted, a positive decision value means ``classes_[1]``;
    ``support_`` (n_SV,) indices into the training set, ``support_vectors_`` (n_SV, n_features),
    ``dual_coef_`` (1, n_SV) = ``a_i y_i``, ``alpha_`` (n_SV,) = ``a_i``, ``intercept_`` (1,),
    ``n_iter_``, ``dual_objective_`` = ``sum a - 1/2 sum a_i a_j y_i y_j K_ij``,
    ``margin_width_`` = ``2 / ||w||`` in the kernel's feature space (in the input space for the
    linear kernel, whose ``coef_`` (1, n_features) is ``w``).
    """

    def __init__(
        self,
        C: float = 1.0,
        kernel: str = "rbf",
        gamma: float = 0.5,
        degree: int = 3,
        coef0: float = 1.0,
        tol: float = 1e-3,
        max_iter: int | None = None,
    ) -> None:
        self.C = C
        self.kernel = kernel
        self.gamma = gamma
        self.degree = degree
        self.coef0 = coef0
        self.tol = tol
        self.max_iter = max_iter

    # -- validation ---------------------------------------------------------------------------
    def _check_params(self) -> None:
        check_scalar(self.C, "C", gt=0, allow_inf=True)
        check_option(self.kernel, "kernel", KERNELS)
        check_scalar(self.gamma, "gamma", gt=0)
        check_scalar(self.degree, "degree", integer=True, ge=1)
        check_scalar(self.coef0, "coef0")
        check_scalar(self.tol, "tol", gt=0)
        if self.max_iter is not None:
            check_scalar(self.max_iter, "max_iter", integer=True, ge=1)

    def check_input(self, X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        """Validate parameters and data; return ``X`` (n_samples, n_features) and ``y`` in {-1, +1}.

        Sets ``classes_``. Raises ``ValueError`` for bad parameters, NaN/inf, empty ``X``, one
        class or more than two, and (hard margin) identical points with both labels.
        """
        self._check_params()
        X = check_array(X, "X", min_rows=2)
        labels = check_labels(y, X.shape[0])
        classes, codes = np.unique(labels, return_inverse=True)
        if len(classes) != 2:
            what = "only one class" if len(classes) < 2 else f"{len(classes)} classes"
            raise ValueError(
                f"y must contain exactly two classes for this binary SVC, got {what} "
                f"({', '.join(map(str, classes[:10]))}); "
                + ("add points of the other class" if len(classes) < 2 else "keep only two of them")
            )
        self.classes_ = classes
        return X, np.where(codes == 1, 1.0, -1.0)

    def _iteration_limit(self, n: int) -> int:
        limit = self.max_iter if self.max_iter is not None else max(10_000_000, 100 * n)
        if math.isinf(self.C):
            limit = min(limit, max(10_000, HARD_MARGIN_WORK // n))
        return int(limit)

    # -- fitting ------------------------------------------------------------------------------
    def fit(self, X: Any, y: Any) -> SVC:
        """Solve the dual by SMO on ``X`` (n_samples, n_features) with labels ``y`` (n_samples,)."""
        X, y_pm = self.check_input(X, y)
        smo = _Smo(X, y_pm, self)
        smo.run(self._iteration_limit(X.shape[0]))
        self._finish(smo)
        return self

    def iter_fit(
        self, X: Any, y: Any, pairs_per_step: int | None = None, seconds_per_step: float = 0.03
    ) -> Iterator[SmoStep]:
        """``fit`` as a generator of ``SmoStep`` frames; returns ``self`` when done.

        ``pairs_per_step``: pair updates between frames (teaching: 1 shows every (i, j));
        None yields every ``seconds_per_step`` of work instead. The first frame is ``a = 0``.
        At each frame the fitted attributes (``support_``, ``dual_coef_``, ``intercept_``, ...)
        describe that iterate, so ``decision_function`` shows the boundary mid-run.
        """
        X, y_pm = self.check_input(X, y)
        if pairs_per_step is not None:
            pairs_per_step = check_scalar(pairs_per_step, "pairs_per_step", integer=True, ge=1)
        smo = _Smo(X, y_pm, self)
        limit = self._iteration_limit(X.shape[0])
        chunk = pairs_per_step or 64
        yield self._publish(smo)
        while smo.n_iter < limit:
            t0 = time.perf_counter()
            if smo.run(min(chunk, limit - smo.n_iter), TRACE_LEN) != K.RUNNING:
                break
            yield self._publish(smo)
            if pairs_per_step is None:
                elapsed = max(time.perf_counter() - t0, 1e-6)
                chunk = int(np.clip(chunk * seconds_per_step / elapsed, 16, 1_000_000))
        step = self._finish(smo)
        yield step
        return self

    def _finish(self, smo: _Smo) -> SmoStep:
        if smo.status == K.UNBOUNDED:
            raise _not_separable(self.kernel, "the dual objective grows without bound")
        if smo.status == K.RUNNING and math.isinf(self.C) and not smo.separable:
            raise _not_separable(
                self.kernel,
                f"or only with a vanishing margin: SMO found no maximum margin within "
                f"{smo.n_iter} pair updates",
            )
        if smo.status != K.CONVERGED:
            warnings.warn(
                f"SMO stopped after {smo.n_iter} pair updates (its iteration limit) before the "
                f"KKT gap fell below tol={self.tol}; raise max_iter or tol"
                + (", or use a finite C" if math.isinf(self.C) else ""),
                ConvergenceWarning,
                stacklevel=3,
            )
        return self._publish(smo)

    def _publish(self, smo: _Smo) -> SmoStep:
        """Set the fitted attributes from the solver's current iterate; return its step."""
        step = smo.step()
        sv = np.flatnonzero(step.alpha > 0)
        self.support_ = sv
        self.support_vectors_ = np.ascontiguousarray(smo.X[sv])
        self.alpha_ = step.alpha[sv]
        self.dual_coef_ = (step.alpha[sv] * smo.y[sv])[None, :]
        self.intercept_ = np.array([step.b])
        self.n_iter_ = step.n_iter
        self.dual_objective_ = step.dual_objective
        w_norm2 = float(np.dot(step.alpha, smo.G + 1.0))  # a^T Q a = ||w||^2
        self.margin_width_ = 2.0 / math.sqrt(w_norm2) if w_norm2 > 0 else math.inf
        self.n_features_in_ = smo.X.shape[1]
        return step

    # -- prediction ---------------------------------------------------------------------------
    @property
    def coef_(self) -> np.ndarray:
        """``w = sum_i a_i y_i x_i``, shape (1, n_features); only for the linear kernel."""
        if self.kernel != "linear":
            raise AttributeError("coef_ is only available when kernel='linear'")
        return self.dual_coef_ @ self.support_vectors_

    def _check_X(self, X: Any) -> np.ndarray:
        check_fitted(self, "support_", "fit(X, y)")
        return check_features(X, self.n_features_in_)

    def decision_function(self, X: Any) -> np.ndarray:
        """``f(x) = sum_i a_i y_i K(x_i, x) + b`` for X (n_samples, n_features); (n_samples,)."""
        X = self._check_X(X)
        if self.kernel == "linear":
            return X @ self.coef_[0] + self.intercept_[0]
        with parallel_calls():
            return K.decision_values(
                X, np.ascontiguousarray(self.support_vectors_.T), self.dual_coef_[0].copy(),
                float(self.intercept_[0]), KERNELS[self.kernel], float(self.gamma),
                int(self.degree), float(self.coef0),
            )  # fmt: skip

    def decision_grid(self, xs: Any, ys: Any) -> np.ndarray:
        """``f`` over the grid ``xs`` (nx,) by ``ys`` (ny,) of a model with two features:
        ``F[j, i] = f((xs[i], ys[j]))``, shape (ny, nx), as ``np.meshgrid`` lays it out.

        The RBF kernel factorises over the features, ``exp(-g |x - s|^2) =
        exp(-g (x1 - s1)^2) exp(-g (x2 - s2)^2)``, so ``F = B diag(a y) A^T + b`` with
        ``A[i, s] = exp(-g (xs_i - s1)^2)`` (nx, m) and ``B[j, s]`` likewise (ny, m): (nx + ny) m
        exponentials instead of nx ny m. Other kernels evaluate ``decision_function`` on every
        grid point.
        """
        self._check_X(np.zeros((1, 2)))  # fitted, on two features
        xs = check_array(np.reshape(xs, (-1, 1)), "xs")[:, 0]
        ys = check_array(np.reshape(ys, (-1, 1)), "ys")[:, 0]
        if self.kernel != "rbf":
            gx, gy = np.meshgrid(xs, ys)
            points = np.column_stack([gx.ravel(), gy.ravel()])
            return self.decision_function(points).reshape(len(ys), len(xs))
        S, coef = self.support_vectors_, self.dual_coef_[0]
        A = np.exp(-self.gamma * (xs[:, None] - S[:, 0]) ** 2)
        B = np.exp(-self.gamma * (ys[:, None] - S[:, 1]) ** 2)
        return (B * coef) @ A.T + self.intercept_[0]

    def predict(self, X: Any) -> np.ndarray:
        """``classes_[1]`` where ``f(x) > 0``, else ``classes_[0]``; shape (n_samples,)."""
        return self.classes_[(self.decision_function(X) > 0).astype(np.int64)]

    def score(self, X: Any, y: Any) -> float:
        """Accuracy of ``predict(X)`` against ``y``."""
        X = self._check_X(X)
        return float(np.mean(self.predict(X) == check_labels(y, X.shape[0])))


def warmup() -> None:
    """Compile (or load from the cache) every kernel once on tiny data."""
    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [2.0, 2.0]])
    y = np.array([0, 1, 0, 1])
    for kernel in KERNELS:
        model = SVC(kernel=kernel).fit(X, y)
        model.decision_function(X)
    for _ in SVC(C=np.inf, kernel="linear").iter_fit(X, y, pairs_per_step=1):
        pass
