"""MCMC on 2-D targets: Metropolis-Hastings, Gibbs and HMC chains, diagnostics, Monte Carlo.

>>> from prmlab.engine import mcmc
>>> t = mcmc.targets.banana()                       # or mcmc.targets.expression("-x**2/2 - y**2/2")
>>> r = mcmc.sample(t, "hmc", 2000, n_chains=4, seed=0, step_size=0.2, n_leapfrog=15)
>>> r.chains.shape, mcmc.rhat(r.chains), mcmc.ess(r.chains)

Formulas: Bishop, PRML §11.1 (rejection and importance sampling), §11.2 (Metropolis-Hastings),
§11.3 (Gibbs), §11.5 (hybrid Monte Carlo).
"""

from __future__ import annotations

import numpy as np

from prmlab.engine.mcmc import targets
from prmlab.engine.mcmc.diagnostics import (
    ESS_PER_CHAIN,
    RHAT_THRESHOLD,
    autocorr,
    ess,
    rhat,
    summary,
)
from prmlab.engine.mcmc.samplers import (
    METHODS,
    ImportanceResult,
    RejectionResult,
    Sampler,
    SampleResult,
    importance_sample,
    iter_sample,
    rejection_sample,
    sample,
)
from prmlab.engine.mcmc.targets import Target

__all__ = [
    "METHODS",
    "ESS_PER_CHAIN",
    "RHAT_THRESHOLD",
    "ImportanceResult",
    "RejectionResult",
    "SampleResult",
    "Sampler",
    "Target",
    "autocorr",
    "ess",
    "importance_sample",
    "iter_sample",
    "rejection_sample",
    "rhat",
    "sample",
    "summary",
    "targets",
    "warmup",
]


def warmup() -> None:
    """Compile (or load from the disk cache) every kernel and built-in target on tiny data."""
    for make in targets.PRESETS.values():
        t = make()
        for method in METHODS:
            sample(t, method, 4, n_chains=1, seed=0, record=True)
    chains = np.random.default_rng(0).standard_normal((2, 8, 2))
    ess(chains)
    autocorr(chains[0, :, 0], 2)
