"""Benchmark workloads of the mcmc topic.

- MH on a banana typed as an expression (1 chain) against a bare hand-written ``@njit`` MH
  loop of the same target: the expression path must cost nothing at run time (<= 1.3x).
- Bulk ESS and rank-normalised R-hat of 4 chains against ArviZ.
"""

from __future__ import annotations

import numpy as np

from prmlab.bench import Workload

BANANA_TEXT = "-x**2/2 - (y - (x**2 - 1))**2/2"


def _bare_mh():
    """A bare MH loop with the banana written in (inlined by LLVM), as a user would by hand.

    Defined at run time inside this function (not cached), like any script's own loop.
    """
    from numba import njit

    @njit(nogil=True)
    def banana(x, y):
        d = y - (x * x - 1.0)
        return -0.5 * x * x - 0.5 * d * d

    @njit(nogil=True)
    def mh(x, y, n, scale, rng, out):
        lp = banana(x, y)
        accepted = 0
        for t in range(n):
            xs = x + scale * rng.standard_normal()
            ys = y + scale * rng.standard_normal()
            ls = banana(xs, ys)
            if np.log(rng.random()) < ls - lp:
                x, y, lp = xs, ys, ls
                accepted += 1
            out[t, 0], out[t, 1] = x, y
        return accepted

    return mh


def workloads(quick: bool) -> list[Workload]:
    from prmlab.engine import mcmc

    n = 20_000 if quick else 2_000_000
    target = mcmc.targets.expression(BANANA_TEXT)
    bare = _bare_mh()

    def ours():
        return mcmc.sample(target, "mh", n, n_chains=1, seed=0, x0=(0.0, 0.0), proposal_scale=1.0)

    def reference():
        # Like ``sample``, it allocates the chain it returns.
        out = np.empty((n, 2))
        bare(0.0, 0.0, n, 1.0, np.random.default_rng(0), out)
        return out

    draws = mcmc.sample(mcmc.targets.banana(), "mh", 2_000 if quick else 100_000, seed=0).chains

    def diagnostics():
        return mcmc.ess(draws), mcmc.rhat(draws)

    def arviz_diagnostics():
        import arviz as az

        coords = range(draws.shape[2])
        return (
            [az.ess(draws[:, :, k], method="bulk") for k in coords],
            [az.rhat(draws[:, :, k]) for k in coords],
        )

    return [
        Workload(
            f"mcmc MH banana expression 1x{n}",
            ours,
            "bare @njit MH loop (same target)",
            reference,
            goal=1.3,
        ),
        Workload(
            f"mcmc ess+rhat 4x{draws.shape[1]}x2",
            diagnostics,
            "arviz ess(bulk)+rhat",
            arviz_diagnostics,
        ),
    ]
