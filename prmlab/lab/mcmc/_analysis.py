"""What the statistics views show of the chains: kept draws, diagnostics, histograms,
running acceptance rates, decimated traces, and the chains as a table."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from prmlab.engine import mcmc
from prmlab.lab.mcmc._experiment import Result
from prmlab.lab.mcmc._state import State

DRAWN_POINTS = 600  # bins of a long trace drawn (min and max of each), points of a rate curve
MAX_LAG = 60


def kept_window(state: State, n_draws: int) -> tuple[int, int]:
    """(burn-in, thin) as applied to ``n_draws`` draws: at least 8 draws stay kept."""
    return min(state.burn_in, max(n_draws - 8, 0)), state.thin


@dataclass(frozen=True, eq=False)
class Diagnostics:
    """Per coordinate (x, y): ``mean``, ``sd``, bulk ``ess``, rank-normalised split ``rhat``,
    ``flagged`` (not converged), and ``acf`` (2, lags) the mean autocorrelation of the chains."""

    mean: np.ndarray
    sd: np.ndarray
    ess: np.ndarray
    rhat: np.ndarray
    flagged: np.ndarray
    acf: np.ndarray

    def verdict(self) -> str | None:
        """Why the chains look unconverged, or None."""
        if not self.flagged.any():
            return None
        bad = [name for name, f in zip("xy", self.rhat > mcmc.RHAT_THRESHOLD) if f]
        if bad:
            return f"R̂ > 1.01 for {', '.join(bad)}"
        return f"bulk ESS < {mcmc.ESS_PER_CHAIN} per chain (Vehtari et al. 2021)"


def diagnose(chains: np.ndarray, burn_in: int, thin: int) -> Diagnostics | None:
    """``mcmc.summary`` plus the autocorrelation (mean over chains) of the kept draws;
    None with fewer than 8 draws after the burn-in."""
    if chains.shape[1] - burn_in < 8:
        return None
    s = mcmc.summary(chains, burn_in, thin)
    kept = chains[:, burn_in::thin]
    max_lag = min(MAX_LAG, kept.shape[1] - 1)
    acf = np.array([mcmc.autocorr(kept[:, :, k], max_lag).mean(axis=0) for k in range(2)])
    return Diagnostics(s["mean"], s["sd"], s["ess"], s["rhat"], s["flagged"], acf)


def histograms(
    kept: np.ndarray, bounds: tuple[float, float, float, float]
) -> tuple[tuple[np.ndarray, np.ndarray] | None, ...]:
    """Per coordinate, (edges, density) of the kept draws (n_chains, n, 2) over the target's
    box widened to the draws (None with fewer than 2 draws)."""
    out = []
    for k, (lo, hi) in enumerate((bounds[:2], bounds[2:])):
        values = kept[:, :, k].ravel()
        if values.size < 2:
            out.append(None)
            continue
        bins = int(np.clip(np.sqrt(values.size), 10, 60))
        lo, hi = min(lo, values.min()), max(hi, values.max())
        # np.histogram's general path is slow on a million draws; uniform bins are direct.
        idx = np.minimum(((values - lo) * (bins / (hi - lo))).astype(np.int64), bins - 1)
        width = (hi - lo) / bins
        h = np.bincount(idx, minlength=bins) / (values.size * width)
        out.append((lo + width * np.arange(bins + 1), h))
    return tuple(out)


def acceptance_curves(accepted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The running acceptance rate of every chain (steps (m,), rates (n_chains, m)) at the
    end of every block of steps (a running mean is smooth: ~``DRAWN_POINTS`` points draw it).
    ``accepted`` (n_chains, n + 1) with the start as draw 0."""
    acc = accepted[:, 1:]
    n = acc.shape[1]
    stride = max(1, n // DRAWN_POINTS)
    m = n - n % stride
    blocks = acc[:, :m].reshape(acc.shape[0], -1, stride).sum(axis=2)
    steps = np.arange(1, m // stride + 1) * stride
    return steps, np.cumsum(blocks, axis=1) / steps


def acceptance_rates(result: Result) -> np.ndarray:
    """Each chain's share of accepted steps (empty before the first step)."""
    if result.steps == 0:
        return np.zeros(0)
    return result.accepted[:, 1:].mean(axis=1)


def trace_envelope(chains: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The trace of coordinate ``k`` cut to at most ``2 * DRAWN_POINTS`` points per chain:
    the min and max of each bin of steps, interleaved, so every excursion still shows.
    Returns steps (m,) and values (n_chains, m)."""
    values = chains[:, :, k]
    n = values.shape[1]
    b = n // DRAWN_POINTS
    if b < 2:
        return np.arange(n), values
    m = b * DRAWN_POINTS
    # A contiguous copy makes the reductions run along the last axis.
    bins = np.ascontiguousarray(values[:, :m]).reshape(values.shape[0], DRAWN_POINTS, b)
    out = np.empty((values.shape[0], 2 * DRAWN_POINTS + n - m))
    out[:, 0 : 2 * DRAWN_POINTS : 2] = bins.min(axis=2)
    out[:, 1 : 2 * DRAWN_POINTS : 2] = bins.max(axis=2)
    out[:, 2 * DRAWN_POINTS :] = values[:, m:]
    steps = np.repeat(np.arange(DRAWN_POINTS) * b, 2) + np.tile([0, b - 1], DRAWN_POINTS)
    return np.concatenate([steps, np.arange(m, n)]), out


def chains_table(state: State, result: Result, label: str) -> dict[str, np.ndarray]:
    """The chains as columns: chain, step, x, y, accepted, kept (by burn-in and thinning),
    method and target."""
    chains, acc = result.chains, result.accepted
    n_chains, n = acc.shape
    steps = np.tile(np.arange(n), n_chains)
    burn, thin = state.burn_in, state.thin
    return {
        "chain": np.repeat(np.arange(n_chains), n),
        "step": steps,
        "x": chains[:, :, 0].ravel(),
        "y": chains[:, :, 1].ravel(),
        "accepted": acc.ravel(),
        "kept": (steps >= burn) & ((steps - burn) % thin == 0),
        "method": np.full(n_chains * n, state.method),
        "target": np.full(n_chains * n, label),
    }
