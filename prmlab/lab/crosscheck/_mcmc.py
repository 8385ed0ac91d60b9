"""MCMC: the chains' bulk ESS and rank-normalised split R̂ against ArviZ's."""

from __future__ import annotations

import warnings

import numpy as np

from prmlab.lab import mcmc
from prmlab.lab.crosscheck._rows import Row, reference, row

ARVIZ = "arviz"
MIN_STEPS = 200  # a State with fewer steps is checked on its chains run this far


def cross_check(state: mcmc.State) -> list[Row]:
    """Bulk ESS and R̂ of x and y over the kept draws (burn-in and thinning as the panel
    applies them) against ``arviz.ess(method="bulk")`` and ``arviz.rhat``."""
    az = reference("arviz", ARVIZ)
    steps = max(state.steps, MIN_STEPS)
    chains = mcmc.Experiment(state).run_to(steps).chains
    burn, thin = mcmc.kept_window(state, chains.shape[1])
    ours = mcmc.diagnose(chains, burn, thin)
    kept = chains[:, burn::thin]
    with warnings.catch_warnings():  # ArviZ warns about few chains or draws: so do we
        warnings.simplefilter("ignore")
        ess = np.array([float(az.ess(kept[:, :, k], method="bulk")) for k in range(2)])
        rhat = np.array([float(az.rhat(kept[:, :, k])) for k in range(2)])
    note = "" if steps == state.steps else f", first {steps} steps"
    return [
        row(f"bulk ESS of x, y{note}", "ArviZ", ours.ess, ess, 1e-8 * max(1.0, ess.max())),
        row(f"R̂ of x, y{note}", "ArviZ", ours.rhat, rhat, 1e-9),
    ]
