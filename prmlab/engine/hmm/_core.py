"""The functional core: validation, Viterbi and forward-backward on log-space arrays.

Notation (PRML §13.2, as in the app's HMM panel): λ = (π, A, B), N states, T observations.
``log_emission[t, i] = log b_i(o_t) = log p(o_t | i_t = q_i)``.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from prmlab.engine._validation import as_real_array, check_array, check_scalar
from prmlab.engine.hmm import _kernels

ROW_TOL = 1e-6  # how far a probability row may sum from 1 (float noise of typed tables)


class ImpossibleSequenceWarning(UserWarning):
    """The observations have probability 0 under the model: p(O | λ) = 0, log -inf."""


def _finite_or_neg_inf(x: Any, name: str, ndim: int) -> np.ndarray:
    """A float64 C array of ``ndim`` dims holding finite values or -inf (log 0)."""
    arr = check_array(x, name, ndim=ndim, allow_nonfinite=True)
    if (arr < np.inf).all():  # one pass: False for NaN and +inf alike
        return arr
    if np.isnan(arr).any():
        where = tuple(int(i) for i in np.argwhere(np.isnan(arr))[0])
        raise ValueError(f"{name} contains NaN (first at index {where}); every entry is needed")
    where = tuple(int(i) for i in np.argwhere(arr == np.inf)[0])
    raise ValueError(
        f"{name} contains +inf (first at index {where}); a log probability is <= 0 "
        "and a log density must be finite"
    )


def _check_rows(P: np.ndarray, name: str, what: str = "") -> None:
    """Every row of P (already non-negative) sums to 1, or say which one does not."""
    sums = P.sum(axis=-1)
    bad = np.flatnonzero(np.abs(np.atleast_1d(sums) - 1.0) > ROW_TOL)
    if bad.size:
        if P.ndim == 1:
            raise ValueError(
                f"{name} sums to {float(sums):.6g}{what}, must sum to 1; normalise it: p / p.sum()"
            )
        r = int(bad[0])
        more = f" (and {bad.size - 1} other row(s))" if bad.size > 1 else ""
        raise ValueError(
            f"{name} row {r} sums to {float(sums[r]):.6g}{what}, must sum to 1{more}; "
            f"normalise the rows: P / P.sum(axis=1, keepdims=True)"
        )


def _check_probabilities(
    P: Any, name: str, ndim: int, shape: tuple[int, ...] | None = None, rule: str = ""
) -> np.ndarray:
    """Finite, of ``shape`` (``rule`` says why), non-negative, rows summing to 1."""
    arr = check_array(P, name, ndim=ndim, allow_nonfinite=True)
    bad = ~np.isfinite(arr)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"{name} contains NaN or infinity at index {where}; enter a probability")
    if shape is not None and arr.shape != shape:
        raise ValueError(f"{name} must have shape {shape}{rule}, got {arr.shape}")
    if (arr < 0).any():
        where = tuple(int(i) for i in np.argwhere(arr < 0)[0])
        raise ValueError(
            f"{name}{list(where)} is negative ({arr[where]:.6g}); probabilities must be >= 0"
        )
    _check_rows(arr, name)
    return arr


def check_model(
    startprob: Any, transmat: Any, emissionprob: Any | None = None
) -> tuple[np.ndarray, ...]:
    """Validate λ = (π, A[, B]) in probability space and return float64 copies.

    ``startprob`` (N,), ``transmat`` (N, N) with rows "from" states, ``emissionprob``
    (N, M) for discrete symbols. Raises ``ValueError`` naming the problem: a row that does
    not sum to 1 (which one), a shape mismatch, NaN, a negative probability.
    """
    pi = _check_probabilities(startprob, "startprob", 1)
    n = pi.shape[0]
    A = _check_probabilities(
        transmat, "transmat", 2, (n, n), " = (n_states, n_states) to match startprob"
    )
    if emissionprob is None:
        return pi, A
    B = as_real_array(emissionprob, "emissionprob")
    m = B.shape[-1] if B.ndim == 2 else 0
    B = _check_probabilities(
        B, "emissionprob", 2, (n, m), " = (n_states, n_symbols): one row per state"
    )
    return pi, A, B


def _check_log_model(
    log_startprob: Any, log_transmat: Any, log_emission: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lp = _finite_or_neg_inf(log_startprob, "log_startprob", 1)
    lA = _finite_or_neg_inf(log_transmat, "log_transmat", 2)
    lB = _finite_or_neg_inf(log_emission, "log_emission", 2)
    n = lp.shape[0]
    if lA.shape != (n, n):
        raise ValueError(
            f"log_transmat must have shape (n_states, n_states) = ({n}, {n}) to match "
            f"log_startprob, got {lA.shape}"
        )
    if lB.shape[1] != n:
        raise ValueError(
            f"log_emission must have shape (T, n_states) = (T, {n}): column i is "
            f"log b_i(o_t); got {lB.shape}"
        )
    if (lp > 0).any() or (lA > 0).any():
        raise ValueError("log_startprob and log_transmat hold log probabilities, which are <= 0")
    _check_rows(np.exp(lp), "log_startprob", " after exp")
    _check_rows(np.exp(lA), "log_transmat", " after exp")
    return lp, lA, lB


def impossible_message(t: int) -> str:
    return (
        f"the observation sequence is impossible under this model: p(O | λ) = 0, "
        f"log-likelihood -inf. No state that can be reached at t = {t} (0-based) can emit "
        f"observation {t}; look for zeros in the transition or emission probabilities"
    )


def _first_impossible(pi: np.ndarray, A: np.ndarray, lB: np.ndarray) -> int:
    AT = np.ascontiguousarray(A.T)
    return int(_kernels.forward_backward_kernel(pi, A, AT, lB, _kernels.POSTERIOR)[4])


def viterbi(log_startprob: Any, log_transmat: Any, log_emission: Any) -> tuple[np.ndarray, float]:
    """The most probable state path I* = argmax_I p(I | O, λ) and log p(O, I* | λ).

    PRML §13.2.5, decoding (Viterbi): δ_{t+1}(j) = max_i δ_t(i) a_ij b_j(o_{t+1}),
    ψ_{t+1}(j) = argmax_i δ_t(i) a_ij, computed with sums of logs.
    Shapes: ``log_startprob`` (N,), ``log_transmat`` (N, N), ``log_emission`` (T, N).
    Returns ``path`` (T,) int64 and the log probability; an impossible sequence gives
    -inf (path arbitrary) with an ``ImpossibleSequenceWarning``.
    """
    lp, lA, lB = _check_log_model(log_startprob, log_transmat, log_emission)
    path, log_prob, _, _ = _kernels.viterbi_kernel(lp, lA, lB, False)
    if log_prob == -np.inf:
        t = _first_impossible(np.exp(lp), np.exp(lA), lB)
        warnings.warn(impossible_message(t), ImpossibleSequenceWarning, stacklevel=2)
    return path, float(log_prob)


def viterbi_lattice(
    log_startprob: Any, log_transmat: Any, log_emission: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Viterbi's δ_t and back-pointers ψ_t at every t, for stepping through the trellis.

    ``log_delta[t, j] = log δ_t(j)`` (T, N) and ``psi[t, j] = ψ_t(j)`` (T, N) int64, the
    best predecessor of state j at t, with ``psi[0] = -1`` (PRML §13.2.5: decoding).
    Backtracking: ``path[-1] = argmax(log_delta[-1])``, ``path[t-1] = psi[t, path[t]]``.
    """
    lp, lA, lB = _check_log_model(log_startprob, log_transmat, log_emission)
    _, _, log_delta, psi = _kernels.viterbi_kernel(lp, lA, lB, True)
    return log_delta, psi


def forward_backward(
    log_startprob: Any, log_transmat: Any, log_emission: Any
) -> tuple[np.ndarray, np.ndarray, float]:
    """log α (T, N), log β (T, N) and log p(O | λ).

    PRML §13.2.2, evaluation: α_{t+1}(j) = b_j(o_{t+1}) Σ_i α_t(i) a_ij,
    β_t(i) = Σ_j a_ij b_j(o_{t+1}) β_{t+1}(j), p(O | λ) = Σ_i α_T(i). Posteriors are
    ``exp(log_alpha + log_beta - log_likelihood)``. Computed with per-step scaling
    (``log(exp(a - m) @ A) + m``); entries more than ~700 nats below the largest of
    their time step read as -inf. Zero probabilities (-inf) never produce NaN; an
    impossible sequence gives -inf with an ``ImpossibleSequenceWarning``.
    """
    lp, lA, lB = _check_log_model(log_startprob, log_transmat, log_emission)
    A = np.exp(lA)
    log_alpha, log_beta, _, log_lik, stop = _kernels.forward_backward_kernel(
        np.exp(lp), A, np.ascontiguousarray(A.T), lB, _kernels.LOGS
    )
    if stop < lB.shape[0]:
        warnings.warn(impossible_message(int(stop)), ImpossibleSequenceWarning, stacklevel=2)
        return log_alpha, log_beta, -np.inf
    return log_alpha, log_beta, float(log_lik)


def _check_pass(
    log_alpha: Any, log_beta: Any, log_likelihood: Any
) -> tuple[np.ndarray, np.ndarray, float]:
    """log α and log β (T, N) of one forward-backward pass and a finite log p(O | λ)."""
    la = _finite_or_neg_inf(log_alpha, "log_alpha", 2)
    lb = _finite_or_neg_inf(log_beta, "log_beta", 2)
    if lb.shape != la.shape:
        raise ValueError(f"log_beta must have the shape of log_alpha {la.shape}, got {lb.shape}")
    ll = check_scalar(log_likelihood, "log_likelihood", allow_inf=True)
    if not np.isfinite(ll):
        raise ValueError(
            f"posteriors need p(O | λ) > 0, got log-likelihood {ll}; "
            "the sequence is impossible under this model"
        )
    return la, lb, ll


def posteriors(log_alpha: Any, log_beta: Any, log_likelihood: float) -> np.ndarray:
    """γ_t(i) = p(i_t = q_i | O, λ) = α_t(i) β_t(i) / p(O | λ), shape (T, N), rows sum to 1."""
    la, lb, ll = _check_pass(log_alpha, log_beta, log_likelihood)
    g = np.exp(la + lb - ll)
    return g / g.sum(axis=1, keepdims=True)


def transition_posteriors(
    log_alpha: Any, log_beta: Any, log_transmat: Any, log_emission: Any, log_likelihood: float
) -> np.ndarray:
    """ξ_t(i, j) = α_t(i) a_ij b_j(o_{t+1}) β_{t+1}(j) / p(O | λ), shape (T-1, N, N).

    The expected use of each trellis edge (PRML §13.2.1: learning). Meant for a
    window of the trellis: memory is T N².
    """
    alpha, beta, ll = _check_pass(log_alpha, log_beta, log_likelihood)
    lA = _finite_or_neg_inf(log_transmat, "log_transmat", 2)
    lB = _finite_or_neg_inf(log_emission, "log_emission", 2)
    n = alpha.shape[1]
    if lA.shape != (n, n) or lB.shape != alpha.shape:
        raise ValueError(
            f"log_transmat must have shape ({n}, {n}) and log_emission {alpha.shape} to match "
            f"log_alpha, got {lA.shape} and {lB.shape}"
        )
    la = alpha[:-1, :, None]
    lb = (lB + beta)[1:, None, :]
    # only -inf is ever added to -inf here, so no NaN can form
    return np.exp(la + lA[None] + lb - ll)


def warmup() -> None:
    """Compile (or load from cache) every kernel on tiny data."""
    from prmlab.engine.hmm._models import CategoricalHMM, GaussianHMM

    pi = np.array([0.6, 0.4])
    A = np.array([[0.7, 0.3], [0.4, 0.6]])
    lB = np.log(np.array([[0.5, 0.1], [0.4, 0.3], [0.1, 0.6]]))
    viterbi(np.log(pi), np.log(A), lB)
    viterbi_lattice(np.log(pi), np.log(A), lB)
    forward_backward(np.log(pi), np.log(A), lB)
    x = np.array([0, 1, 2, 1, 0, 2])
    # a tolerance met at once: no convergence warning (warning filters are not thread-safe,
    # and warm-up runs in a worker)
    CategoricalHMM(2, 3, n_iter=2, tol=1e300, random_state=0).fit([x]).sample(5, random_state=0)
    GaussianHMM(2, n_iter=2, tol=1e300, random_state=0).fit([x.astype(float)])
