"""Kalman filter and Rauch-Tung-Striebel smoother for the linear dynamical system (LDS).

The model (PRML §13.3), in the symbols the Tracking panel shows::

    z_t | z_{t-1} ~ N(F z_{t-1}, Q)        (also written A, Q)
    x_t | z_t     ~ N(H z_t, R)            (also written C, R)
    z_1           ~ N(x0, P0)              (also written mu_1, Sigma_1)

z_t (n,) is the hidden state and x_t (m,) the measurement, with filtered mean m_t and
covariance P_t. The arguments keep filterpy's and pykalman's names: ``zs`` are the
measurements x_1..T, ``x0``/``P0`` the prior mean and covariance of the state z_1, and
``x``/``P`` of ``predict``/``update`` a state's mean and covariance. Filtering alternates the
*prediction* (an integral of two Gaussians) and the *update* (Bayes with the new
measurement). The first step is an update of the prior with
``zs[0]``. A measurement row that is all NaN is missing (predict only); NaN entries of a row
are left out of that update.

Numerics: Joseph-form covariance update, covariances symmetric by construction, Cholesky
solves instead of inverses (see ``_kalman_kernels``). Speed: once a time-invariant model's
covariance repeats bit for bit (the steady state of the Riccati recursion, typically after
~100 steps), only the mean is updated; the results are identical to the full recursion.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from prmlab.engine import _kalman_kernels as _k
from prmlab.engine._validation import check_array

__all__ = [
    "KalmanResult",
    "kalman_filter",
    "nees",
    "predict",
    "rts_smoother",
    "run_kalman",
    "update",
    "warmup",
]


@dataclass(frozen=True)
class KalmanResult:
    """Everything one filtering pass computes; arrays have T rows.

    ``means`` (T, n), ``covs`` (T, n, n): filtered p(z_t | x_1..t).
    ``nis`` (T,): normalised innovation squared ``y^T S^-1 y`` (NaN where missing), which is
    chi-squared with ``nis_dof`` (T,) degrees of freedom when the model is right.
    ``log_likelihood``: ``sum_t log N(z_t; H m_t|t-1, S_t)``.
    """

    means: np.ndarray
    covs: np.ndarray
    log_likelihood: float
    nis: np.ndarray
    nis_dof: np.ndarray


# ----------------------------------------------------------------------------- validation


def _check_psd(A: np.ndarray, name: str) -> None:
    """Symmetric with eigenvalues >= 0 (up to rounding), for a matrix or a stack of them."""
    scale = max(1.0, float(np.max(np.abs(A))))
    asym = float(np.max(np.abs(A - np.swapaxes(A, -1, -2))))
    if asym > 1e-9 * scale:
        raise ValueError(
            f"{name} must be symmetric, got max |{name} - {name}^T| = {asym:.3g}; "
            f"use ({name} + {name}.T) / 2"
        )
    lo = float(np.min(np.linalg.eigvalsh(A)))
    if lo < -1e-10 * scale:
        raise ValueError(
            f"{name} must be positive semi-definite, got smallest eigenvalue {lo:.3g}; "
            "a covariance needs non-negative variances along every direction"
        )


def _square(A: Any, name: str, n: int | None, n_steps: int | None = None) -> np.ndarray:
    """A (n, n) matrix, or with ``n_steps`` also a (n_steps, n, n) stack; returns 3-D."""
    ndim = 3 if (n_steps is not None and np.ndim(A) == 3) else 2
    arr = check_array(A, name, ndim=ndim)
    if arr.shape[-1] != arr.shape[-2] or (n is not None and arr.shape[-1] != n):
        want = f"({n}, {n})" if n is not None else "square"
        raise ValueError(f"{name} must be {want}, got shape {arr.shape}")
    if ndim == 3 and arr.shape[0] not in (1, n_steps):
        raise ValueError(
            f"{name} as a stack must have T-1 = {n_steps} matrices (one per transition), "
            f"got shape {arr.shape}"
        )
    return np.ascontiguousarray(arr.reshape((-1, arr.shape[-1], arr.shape[-1])))


def _check_measurements(zs: Any, m: int | None = None) -> np.ndarray:
    arr = np.asarray(zs, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    arr = check_array(arr, "zs", allow_nonfinite=True)
    if np.isinf(arr).any():
        where = tuple(int(i) for i in np.argwhere(np.isinf(arr))[0])
        raise ValueError(
            f"zs contains infinity (first at index {where}); mark a missing measurement "
            "with NaN instead"
        )
    if m is not None and arr.shape[1] != m:
        raise ValueError(f"zs must have m = {m} columns (rows of H), got shape {arr.shape}")
    return arr


def _check_state(x0: Any, P0: Any, n: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``x0`` (n,) and ``P0`` (n, n); with ``n`` (the model's state size, from F) a wrong-sized
    ``x0`` is named before ``P0`` is compared with it."""
    x = check_array(np.atleast_1d(np.asarray(x0, dtype=np.float64)), "x0", ndim=1)
    if n is not None and x.shape[0] != n:
        raise ValueError(
            f"x0 must have n = {n} entries, one per state (F is {n} x {n}), got {x.shape[0]}"
        )
    P = _square(np.atleast_2d(np.asarray(P0, dtype=np.float64)), "P0", x.shape[0])[0]
    _check_psd(P, "P0")
    return x, np.ascontiguousarray(P)


def _state_size(x0: Any, P0: Any, F: Any, T: int) -> int:
    """The state size n that x0, P0 and F must share: x0's when P0 agrees (a wrong F is then
    named by ``_check_model``), else F's (so a wrong-sized x0 is named, not P0)."""
    n_x, n_p = np.size(x0), (np.shape(P0) or (1,))[-1]
    return n_x if n_x == n_p else _square(F, "F", None, max(T - 1, 1)).shape[-1]


def _check_model(
    F: Any, H: Any, Q: Any, R: Any, n: int, n_steps: int | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    Fs = _square(F, "F", n, n_steps)
    Qs = _square(Q, "Q", n, n_steps)
    _check_psd(Qs, "Q")
    Hm = check_array(np.atleast_2d(np.asarray(H, dtype=np.float64)), "H")
    if Hm.shape[1] != n:
        raise ValueError(f"H must have n = {n} columns (the state size), got shape {Hm.shape}")
    Rm = _square(np.atleast_2d(np.asarray(R, dtype=np.float64)), "R", Hm.shape[0])[0]
    _check_psd(Rm, "R")
    return Fs, Hm, Qs, np.ascontiguousarray(Rm)


# ----------------------------------------------------------------------------- public API


def run_kalman(zs: Any, F: Any, H: Any, Q: Any, R: Any, x0: Any, P0: Any) -> KalmanResult:
    """``kalman_filter`` with its by-products (the NIS per step) in a ``KalmanResult``."""
    Hm = check_array(np.atleast_2d(np.asarray(H, dtype=np.float64)), "H")
    zarr = _check_measurements(zs, Hm.shape[0])
    T = zarr.shape[0]
    x, P = _check_state(x0, P0, _state_size(x0, P0, F, T))
    n = x.shape[0]
    Fs, Hm, Qs, Rm = _check_model(F, Hm, Q, R, n, max(T - 1, 1))
    means = np.empty((T, n))
    covs = np.empty((T, n, n))
    nis = np.full(T, np.nan)
    dof = np.zeros(T, dtype=np.int64)
    failed, ll = _k.filter_kernel(
        zarr, Fs, Hm, Qs, Rm, x, P, means, covs, nis, dof, _k.sizes(n), _k.sizes(Hm.shape[0])
    )
    if failed >= 0:
        raise ValueError(
            f"innovation covariance S = H P H^T + R is not positive definite at step {failed}; "
            "make R positive definite (measurements need some noise) or P0 larger"
        )
    if not (np.isfinite(means).all() and np.isfinite(covs).all()):
        raise ValueError(
            "the filter overflowed (means or covariances became infinite); F is likely "
            "unstable over this many steps: check its eigenvalues or rescale the data"
        )
    if not np.isfinite(ll):
        peak = float(np.nanmax(np.abs(zarr), initial=0.0))
        raise ValueError(
            f"the log-likelihood overflowed to {ll}: the squared innovations exceed float64's "
            f"range (max |z| = {peak:.3g}); rescale to units near 1: divide zs and x0 by a factor "
            "s, and P0, Q and R by s**2"
        )
    return KalmanResult(means, covs, float(ll), nis, dof)


def kalman_filter(
    zs: Any, F: Any, H: Any, Q: Any, R: Any, x0: Any, P0: Any
) -> tuple[np.ndarray, np.ndarray, float]:
    """Filtered means (T, n), covariances (T, n, n) and the total log-likelihood.

    Prediction ``m- = F m``, ``P- = F P F^T + Q``; update with the measurement x_t (a row of
    ``zs``): ``S = H P- H^T + R``, ``K = P- H^T S^-1``, ``m = m- + K (x_t - H m-)``,
    ``P = (I - K H) P- (I - K H)^T + K R K^T`` (Joseph form).

    ``zs`` (T, m) the measurements x_t, NaN rows missing; ``F`` (n, n) or (T-1, n, n); ``H`` (m, n);
    ``Q`` (n, n) or (T-1, n, n); ``R`` (m, m); ``x0`` (n,), ``P0`` (n, n) the prior of the
    first state (pykalman's ``initial_state_mean``/``initial_state_covariance``).
    Raises ``ValueError`` on shape mismatch, NaN in the model, or Q, R, P0 not PSD.
    """
    res = run_kalman(zs, F, H, Q, R, x0, P0)
    return res.means, res.covs, res.log_likelihood


def rts_smoother(means: Any, covs: Any, F: Any, Q: Any) -> tuple[np.ndarray, np.ndarray]:
    """Rauch-Tung-Striebel smoothed means (T, n) and covariances (T, n, n), p(z_t | x_1..T).

    Backward from the filtered ``means``/``covs`` of ``kalman_filter``:
    ``G_t = P_t F^T (F P_t F^T + Q)^-1``, ``m^s_t = m_t + G_t (m^s_t+1 - F m_t)``,
    ``P^s_t = P_t + G_t (P^s_t+1 - F P_t F^T - Q) G_t^T``. Same ``F``, ``Q`` as the filter.
    """
    m = check_array(means, "means")
    c = check_array(covs, "covs", ndim=3)
    T, n = m.shape
    if c.shape != (T, n, n):
        raise ValueError(f"covs must have shape (T, n, n) = ({T}, {n}, {n}), got {c.shape}")
    Fs = _square(F, "F", n, max(T - 1, 1))
    Qs = _square(Q, "Q", n, max(T - 1, 1))
    _check_psd(Qs, "Q")
    sm = np.empty_like(m)
    sc = np.empty_like(c)
    failed = _k.smoother_kernel(m, c, Fs, Qs, sm, sc, _k.sizes(n))
    if failed >= 0:
        raise ValueError(
            f"predicted covariance F P F^T + Q is singular at step {failed}, the smoother gain "
            "is undefined; use a positive definite Q or P0"
        )
    return sm, sc


def predict(x: Any, P: Any, F: Any, Q: Any) -> tuple[np.ndarray, np.ndarray]:
    """One prediction step: ``(F x, F P F^T + Q)`` for the state's mean ``x`` (n,) (the
    panel's m) and covariance ``P`` (n, n).

    The integral of N(z_t; F z_{t-1}, Q) against N(z_{t-1}; x, P) (PRML §13.3.1).
    """
    xv, Pm = _check_state(x, P)
    n = xv.shape[0]
    Fs = _square(F, "F", n)
    Qs = _square(Q, "Q", n)
    _check_psd(Qs, "Q")
    x_out = np.empty(n)
    P_out = np.empty((n, n))
    _k.predict_into(xv, Pm, Fs[0], Qs[0], x_out, P_out, np.empty((n, n)), n)
    return x_out, P_out


def update(x: Any, P: Any, z: Any, H: Any, R: Any) -> tuple[np.ndarray, np.ndarray, float]:
    """One Joseph-form update of the state's mean ``x`` (n,) (the panel's m) and covariance
    ``P`` with the measurement ``z`` (m,) (the panel's x_t): ``(x, P, log N(z; H x, S))``.

    p(z_t | x_1..t) ∝ p(x_t | z_t) p(z_t | x_1..t-1) (PRML §13.3.1).
    NaN entries of ``z`` are missing; an all-NaN ``z`` returns the inputs and 0.0.
    """
    xv, Pm = _check_state(x, P)
    n = xv.shape[0]
    Hm = check_array(np.atleast_2d(np.asarray(H, dtype=np.float64)), "H")
    zv = _check_measurements(np.atleast_1d(z).reshape(1, -1), Hm.shape[0])[0]
    _, Hm, _, Rm = _check_model(np.eye(n), Hm, np.zeros((n, n)), R, n, None)
    xv, Pm = xv.copy(), Pm.copy()
    scratch = _k.update_scratch(n, Hm.shape[0])
    status, ll, _, _ = _k.update_into(xv, Pm, zv, Hm, Rm, scratch, n, Hm.shape[0])
    if status != 0:
        raise ValueError(
            "innovation covariance S = H P H^T + R is not positive definite; "
            "make R positive definite (measurements need some noise)"
        )
    return xv, Pm, float(ll)


def nees(truth: Any, means: Any, covs: Any) -> np.ndarray:
    """Normalised estimation error squared ``(z - m)^T P^-1 (z - m)`` per step, shape (T,).

    ``truth`` (T, n) the true states z_t (not the measurements), ``means`` (T, n),
    ``covs`` (T, n, n): pass a block (e.g. the position's) to test that block alone. For a
    consistent filter it is chi-squared with n degrees of freedom, n the block's size. Solves, no inverses; steps whose P is singular
    give NaN.
    """
    m = check_array(means, "means")
    x = check_array(truth, "truth")
    c = check_array(covs, "covs", ndim=3)
    if x.shape != m.shape or c.shape != (*m.shape, m.shape[1]):
        raise ValueError(
            f"truth {x.shape}, means {m.shape} and covs {c.shape} must be (T, n), (T, n), "
            "(T, n, n) with the same T and n"
        )
    e = x - m
    out = np.full(m.shape[0], np.nan)
    try:
        out[:] = np.einsum("ti,ti->t", e, np.linalg.solve(c, e[..., None])[..., 0])
    except np.linalg.LinAlgError:
        for t in range(m.shape[0]):
            try:
                out[t] = e[t] @ np.linalg.solve(c[t], e[t])
            except np.linalg.LinAlgError:
                continue
    return out


def warmup() -> None:
    """Compile (or load from cache) every kernel, for the sizes of 2-D constant-velocity and
    constant-acceleration models (n = 4 and 6 states, 2 measured positions; the filter and
    the smoother have a kernel per model size, see ``_kalman_kernels``)."""
    zs = np.array([[0.0, 0.0], [np.nan, np.nan], [1.0, 0.5]])
    for n in (4, 6):
        F = np.eye(n) + np.eye(n, k=2)
        H = np.eye(2, n)
        means, covs, _ = kalman_filter(zs, F, H, 0.1 * np.eye(n), np.eye(2), np.zeros(n), np.eye(n))
        rts_smoother(means, covs, F, 0.1 * np.eye(n))
    predict(means[0], covs[0], F, np.eye(n))
    update(means[0], covs[0], [0.5, 0.0], H, np.eye(2))
