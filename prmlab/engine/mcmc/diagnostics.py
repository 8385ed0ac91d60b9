"""Convergence diagnostics: rank-normalised split R-hat, bulk ESS, autocorrelation.

Vehtari, Gelman, Simpson, Carpenter & Buerkner (2021), "Rank-normalization, folding, and
localization: an improved R-hat": draws are split in half (2m chains of n/2), replaced by
the normal scores of their ranks ``Phi^-1((r - 3/8) / (S + 1/4))``, and

- ``R-hat = sqrt((n - 1)/n + B / (n W))`` with ``B = n var(chain means)``, ``W = mean(chain
  variances)``; the reported value is the max of the bulk and the folded (|z - median|) one;
- ``ESS = m n / tau``, ``tau = -1 + 2 sum rho_t`` by Geyer's initial monotone sequence.

Computed exactly as ArviZ does (``az.rhat``, ``az.ess(method="bulk")``), so they agree.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import fft, stats

from prmlab.engine._validation import as_real_array, check_array, check_scalar
from prmlab.engine.mcmc._kernels import geyer_tau

RHAT_THRESHOLD = 1.01
# Vehtari et al. (2021): trust the estimates once the total bulk ESS exceeds 100 per chain.
ESS_PER_CHAIN = 100
MIN_DRAWS = 4


def _as_chains(arr: np.ndarray) -> np.ndarray:
    """(n_chains, n_draws) or (n_chains, n_draws, n_coords) -> (n_coords, n_chains, n_draws)."""
    if arr.ndim not in (2, 3):
        raise ValueError(
            f"chains must have shape (n_chains, n_draws) or (n_chains, n_draws, n_coords), "
            f"got shape {arr.shape}"
        )
    arr = check_array(arr, "chains", ndim=arr.ndim, allow_nonfinite=True)
    return arr[None] if arr.ndim == 2 else np.moveaxis(arr, 2, 0)


def _per_coordinate(fn: Any, chains: Any) -> Any:
    arr = as_real_array(chains, "chains")
    out = np.array([fn(a) for a in _as_chains(arr)])
    return float(out[0]) if arr.ndim == 2 else out


def _split(a: np.ndarray) -> np.ndarray:
    half = a.shape[1] // 2
    return np.vstack([a[:, :half], a[:, -half:]])


def _z_scale(a: np.ndarray) -> np.ndarray:
    """Normal scores of the pooled ranks (Blom's offset 3/8), same shape as ``a``."""
    r = stats.rankdata(a, method="average").reshape(a.shape)
    return stats.norm.ppf((r - 0.375) / (a.size + 0.25))


def _autocov(a: np.ndarray) -> np.ndarray:
    """Biased autocovariance of each row at every lag, by FFT: shape of ``a``."""
    n = a.shape[1]
    m = fft.next_fast_len(2 * n)
    f = np.fft.rfft(a - a.mean(axis=1, keepdims=True), n=m, axis=1)
    return np.fft.irfft(f * np.conjugate(f), n=m, axis=1)[:, :n] / n


def _valid(a: np.ndarray, min_chains: int) -> bool:
    return a.shape[0] >= min_chains and a.shape[1] >= MIN_DRAWS and bool(np.isfinite(a).all())


def _rhat_2d(a: np.ndarray) -> float:
    n = a.shape[1]
    chain_var = a.var(axis=1, ddof=1)
    between = n * a.mean(axis=1).var(ddof=1)
    within = chain_var.mean()
    return float(np.sqrt((between / within + n - 1) / n))


def _rhat_rank(a: np.ndarray) -> float:
    if not _valid(a, 2):
        return np.nan
    s = _split(a)
    if np.ptp(s, axis=1).max() == 0.0:
        # No within-chain variance: all draws equal is 0/0, NaN as ArviZ; constant chains at
        # different values disagree completely, inf (ArviZ divides by a rounding residue of
        # its variance there and returns a large, arbitrary number such as 2e7).
        return np.nan if np.ptp(s) == 0.0 else np.inf
    with np.errstate(divide="ignore", invalid="ignore"):
        bulk = _rhat_2d(_z_scale(s))
        tail = _rhat_2d(_z_scale(np.abs(s - np.median(s))))
    return max(bulk, tail)


def _ess_2d(a: np.ndarray) -> float:
    if np.max(a) - np.min(a) < np.finfo(float).resolution:
        return float(a.size)
    m, n = a.shape
    acov = _autocov(a)
    mean_var = acov[:, 0].mean() * n / (n - 1.0)
    var_plus = mean_var * (n - 1.0) / n
    if m > 1:
        var_plus += a.mean(axis=1).var(ddof=1)
    tau = geyer_tau(np.ascontiguousarray(acov.mean(axis=0)), mean_var, var_plus)
    if np.isnan(tau):
        return np.nan
    return float(m * n / max(tau, 1.0 / np.log10(m * n)))


def _ess_bulk(a: np.ndarray) -> float:
    if not _valid(a, 1):
        return np.nan
    return _ess_2d(_z_scale(_split(a)))


def rhat(chains: Any) -> np.ndarray | float:
    """Rank-normalised split R-hat per coordinate (Vehtari et al. 2021), as ``az.rhat``.

    ``chains`` (n_chains, n_draws[, n_coords]) -> (n_coords,) (a float for 2-D input).
    NaN when there are fewer than 2 chains or 4 draws, or non-finite draws, and when every
    draw is the same value (no variance at all: R-hat is 0/0), as ArviZ returns; ``inf`` when
    every chain (each half of it) is constant but they sit at different values. Values above
    ``RHAT_THRESHOLD`` = 1.01 mean the chains disagree (not converged, or one is stuck).
    """
    return _per_coordinate(_rhat_rank, chains)


def ess(chains: Any) -> np.ndarray | float:
    """Bulk effective sample size per coordinate (rank-normalised split chains), as ``az.ess``.

    ``chains`` (n_chains, n_draws[, n_coords]) -> (n_coords,) (a float for 2-D input);
    ``ESS = m n / tau`` with Geyer's initial monotone estimate of ``tau``. When every draw is
    the same value, ``n_chains * n_draws``, as ArviZ returns.
    """
    return _per_coordinate(_ess_bulk, chains)


def autocorr(x: Any, max_lag: int) -> np.ndarray:
    """Autocorrelation ``rho_t = acov_t / acov_0`` for lags ``0..max_lag`` (FFT, biased acov).

    ``x`` (n_draws,) -> (max_lag + 1,), or (n_chains, n_draws) -> (n_chains, max_lag + 1).
    A constant series (a stuck chain) is perfectly correlated with itself: all ones.
    """
    arr = check_array(x, "x", ndim=(1, 2))
    rows = arr[None] if arr.ndim == 1 else arr
    max_lag = check_scalar(max_lag, "max_lag", integer=True, ge=0, lt=rows.shape[1])
    acov = _autocov(rows)[:, : max_lag + 1]
    out = np.ones_like(acov)
    ok = acov[:, 0] > 0
    out[ok] = acov[ok] / acov[ok, :1]
    return out[0] if arr.ndim == 1 else out


def summary(chains: Any, burn_in: int = 0, thin: int = 1) -> dict[str, np.ndarray]:
    """Per-coordinate ``mean``, ``sd``, ``ess``, ``rhat`` and ``flagged`` (R-hat > 1.01, or
    a total bulk ESS below ``ESS_PER_CHAIN`` = 100 per chain, Vehtari et al. 2021's rule: not
    converged, a stuck chain or too few effective draws) after dropping ``burn_in`` draws and
    keeping every ``thin``-th. ``chains`` (n_chains, n_draws, n_coords)."""
    arr = check_array(chains, "chains", ndim=3)
    burn_in = check_scalar(burn_in, "burn_in", integer=True, ge=0, lt=arr.shape[1])
    thin = check_scalar(thin, "thin", integer=True, ge=1)
    kept = arr[:, burn_in::thin]
    r, e = rhat(kept), ess(kept)
    with np.errstate(invalid="ignore"):
        flagged = (r > RHAT_THRESHOLD) | (e < ESS_PER_CHAIN * kept.shape[0])
    return {
        "mean": kept.mean(axis=(0, 1)),
        "sd": kept.std(axis=(0, 1)),
        "ess": e,
        "rhat": r,
        "flagged": flagged,
        "n_draws": np.full(arr.shape[2], kept.shape[1]),
    }
