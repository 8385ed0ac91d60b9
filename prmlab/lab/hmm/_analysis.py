"""What the trellis shows of one model and one sequence: forward-backward, Viterbi with δ
and ψ, each quantity normalised per time step, each edge's share, and overviews of long
sequences (block means), all from the public engine."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from prmlab.engine import hmm
from prmlab.lab.hmm._model import Model

QUANTITIES = ("gamma", "alpha", "beta", "delta")


@dataclass(frozen=True)
class Analysis:
    """Everything the trellis draws, for one model and one sequence (T steps, N states).

    ``shade[q]`` (T, N) float32 per-column normalised quantity q in ``QUANTITIES``;
    the log arrays are the engine's; ``viterbi`` and ``posterior`` paths (T,).
    """

    log_emission: np.ndarray
    log_startprob: np.ndarray
    log_transmat: np.ndarray
    log_alpha: np.ndarray
    log_beta: np.ndarray
    log_likelihood: float
    gamma: np.ndarray
    log_delta: np.ndarray
    psi: np.ndarray
    viterbi: np.ndarray
    viterbi_log_prob: float
    posterior: np.ndarray
    shade: dict[str, np.ndarray]

    @property
    def T(self) -> int:
        return len(self.viterbi)


def _softmax(x: np.ndarray, axis: int) -> np.ndarray:
    """exp(x) normalised along ``axis``; all -inf along it gives zeros, never NaN."""
    m = x.max(axis=axis, keepdims=True)
    e = np.exp(x - np.where(np.isfinite(m), m, 0.0))
    s = e.sum(axis=axis, keepdims=True)
    return e / np.where(s > 0, s, 1.0)


def analyse(model: Model, obs: np.ndarray) -> Analysis:
    """Forward-backward and Viterbi (with δ and ψ) of ``obs`` under ``model``; a
    ``ValueError`` when O is impossible under λ."""
    lB = model.engine().log_emission(obs)
    with np.errstate(divide="ignore"):
        lp, lA = np.log(model.startprob), np.log(model.transmat)
    la, lb, ll = hmm.forward_backward(lp, lA, lB)
    gamma = hmm.posteriors(la, lb, ll)
    delta, psi = hmm.viterbi_lattice(lp, lA, lB)
    path, log_prob = hmm.viterbi(lp, lA, lB)
    dmax = delta.max(axis=1, keepdims=True)
    shade = {
        "gamma": gamma.astype(np.float32),
        "alpha": _softmax(la, axis=1).astype(np.float32),
        "beta": _softmax(lb, axis=1).astype(np.float32),
        "delta": np.exp(delta - dmax).astype(np.float32),  # 1 = the best partial path at t
    }
    return Analysis(
        lB, lp, lA, la, lb, ll, gamma, delta, psi, path, log_prob, gamma.argmax(1), shade
    )


def edge_shares(a: Analysis, quantity: str, t0: int, t1: int) -> np.ndarray:
    """(t1-t0-1, N, N): each edge t -> t+1's share in [0, 1] for the trellis of ``quantity``:
    ξ for γ, the shares over j for β, over i for α, and for δ each edge relative to the best
    incoming one (= 1, the back-pointer)."""
    lA = a.log_transmat[None]
    with np.errstate(invalid="ignore", divide="ignore"):
        if quantity == "gamma":
            w = hmm.transition_posteriors(
                a.log_alpha[t0:t1],
                a.log_beta[t0:t1],
                a.log_transmat,
                a.log_emission[t0:t1],
                a.log_likelihood,
            )
        elif quantity == "beta":  # a_ij b_j(o_t+1) β_t+1(j) / β_t(i)
            w = _softmax(lA + (a.log_emission + a.log_beta)[t0 + 1 : t1, None, :], axis=2)
        elif quantity == "alpha":  # α_t(i) a_ij / Σ_i α_t(i) a_ij
            w = _softmax(a.log_alpha[t0 : t1 - 1, :, None] + lA, axis=1)
        else:
            x = a.log_delta[t0 : t1 - 1, :, None] + lA
            m = x.max(axis=1, keepdims=True)
            w = np.exp(x - np.where(np.isfinite(m), m, 0.0))
    return np.nan_to_num(w, nan=0.0)


def filled_before(quantity: str, t_now: int) -> int | None:
    """The first column not computed yet when stepping through time at ``t_now``: α and δ
    run forward, so columns after t_now are empty; γ and β (None) show every column."""
    return t_now + 1 if quantity in ("alpha", "delta") else None


def block_mean(x: np.ndarray, block: int) -> np.ndarray:
    """Means of ``x`` over consecutive blocks of ``block`` rows (the last block may be
    shorter): an overview of a long sequence in fewer columns."""
    n = len(x) // block
    out = x[: n * block].reshape(n, block, *x.shape[1:]).mean(axis=1)
    if len(x) > n * block:
        out = np.concatenate([out, x[n * block :].mean(axis=0, keepdims=True)])
    return out


def trellis_image(
    a: Analysis, quantity: str, lo: int, hi: int, t_now: int, max_columns: int
) -> tuple[np.ndarray, int]:
    """(image (columns, N), block): the shaded trellis of steps lo..hi as at most
    ``max_columns`` columns, each the mean of ``block`` steps; columns not computed yet at
    ``t_now`` are 0."""
    block = max(1, -(-(hi - lo) // max_columns))
    hi = min(lo + block * (-(-(hi - lo) // block)), a.T)
    shade = a.shade[quantity][lo:hi].astype(np.float32)
    empty = filled_before(quantity, t_now)
    if empty is not None and empty < a.T:
        shade[max(empty - lo, 0) :] = 0.0
    return block_mean(shade, block), block


def gamma_overview(a: Analysis, max_points: int) -> tuple[np.ndarray, np.ndarray]:
    """(t, γ): the posteriors as at most ``max_points`` block means, t at each block's
    centre (the last, partial block dropped)."""
    block = max(1, -(-a.T // max_points))
    n = a.T // block
    return np.arange(n) * block + (block - 1) / 2, block_mean(a.gamma[: n * block], block)
