"""Denoising mode: loopy BP, mean field and Gibbs sampling on the same Ising model of a noisy
binary image, sweep by sweep on one clock, with each method's pixel error and energy."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from prmlab.engine import pgm
from prmlab.lab.inference._state import GIBBS_BURN_IN, State, noisy_image

METHODS = ("Loopy BP", "Mean field", "Gibbs")
BP_DAMPING = 0.5  # flooding BP on a grid's two colour classes oscillates undamped


def ising_model(state: State) -> tuple[pgm.PairwiseMRF, np.ndarray]:
    """The Ising model p(x) ∝ exp(β Σ_edges [xᵢ = xⱼ]± + η Σᵢ yᵢ xᵢ) of the noisy image
    y (±1 spins), and y as 0/1."""
    noisy = noisy_image(state)
    h, w = noisy.shape
    field = state.eta * (2.0 * noisy - 1.0)
    return pgm.ising_grid(h, w, state.beta, field), noisy


@dataclass(frozen=True, eq=False)
class DenoiseRun:
    """Each method after each sweep 0..sweeps: ``p1 (3, sweeps + 1, H, W)`` the estimate of
    p(xᵢ = 1) (BP's belief, mean field's qᵢ, Gibbs' running share of ones; at 0 the noisy
    image), ``error (3, sweeps + 1)`` the share of pixels whose rounded estimate differs
    from the clean image, ``energy (3, sweeps + 1)`` −log p̃ of the rounded estimate
    (Gibbs: of its current sample), ``elbo (sweeps + 1,)`` mean field's bound, ``sample
    (sweeps + 1, H, W)`` Gibbs' current configuration (at 0: the noisy image)."""

    noisy: np.ndarray
    p1: np.ndarray
    error: np.ndarray
    energy: np.ndarray
    elbo: np.ndarray
    sample: np.ndarray

    @property
    def sweeps(self) -> int:
        return self.p1.shape[1] - 1


def denoise_run(state: State) -> DenoiseRun:
    """Runs the three methods ``state.sweeps`` sweeps each."""
    mrf, noisy = ising_model(state)
    shape = noisy.shape
    start = noisy.astype(float)
    n = state.sweeps
    p1 = np.empty((3, n + 1, *shape))
    p1[:, 0] = start
    energy = np.empty((3, n + 1))
    energy[:, 0] = -mrf.log_score(noisy.ravel())
    bp = pgm.iter_belief_propagation(mrf, "sum", max_iter=n, tol=0.0, damping=BP_DAMPING)
    for k, result in enumerate(bp, start=1):
        p1[0, k] = result.marginals[:, 1].reshape(shape)
        energy[0, k] = -mrf.log_score(result.map)
    mf = pgm.iter_mean_field(mrf, max_iter=n, tol=0.0, seed=state.seed)
    for k, result in enumerate(mf, start=1):
        p1[1, k] = result.marginals[:, 1].reshape(shape)
        energy[1, k] = -mrf.log_score(result.map)
    elbo = result.elbo_history_  # the start's and each sweep's
    sample = np.empty((n + 1, *shape), dtype=np.int64)
    sample[0] = noisy
    chain = pgm.iter_gibbs(mrf, n, burn_in=GIBBS_BURN_IN, seed=state.seed)
    for k, result in enumerate(chain, start=1):
        p1[2, k] = result.marginals[:, 1].reshape(shape)
        sample[k] = result.state.reshape(shape)
        energy[2, k] = -mrf.log_score(result.state)
    error = ((p1 > 0.5) != state.image.astype(bool)).mean(axis=(2, 3))
    return DenoiseRun(noisy, p1, error, energy, elbo, sample)


@dataclass(frozen=True, eq=False)
class DenoiseResult:
    """The three methods after ``position`` sweeps (``run`` holds every sweep)."""

    run: DenoiseRun
    position: int

    @property
    def p1(self) -> np.ndarray:
        """``(3, H, W)`` each method's p(xᵢ = 1) now."""
        return self.run.p1[:, self.position]
