"""Variational mode (PRML §10.1.2): a correlated 2-D Gaussian p = N(μ, Σ) and the factorised
q(z) = q₁(z₁) q₂(z₂) that maximises the ELBO by coordinate ascent. Each optimal factor is
qᵢ = N(mᵢ, Λᵢᵢ⁻¹) with mᵢ = μᵢ − Λᵢᵢ⁻¹ Λᵢⱼ (mⱼ − μⱼ), Λ = Σ⁻¹: its variance is the
conditional one, smaller than the marginal Σᵢᵢ along a correlation (minimising KL(q‖p)),
while minimising KL(p‖q) matches the moments: qᵢ = N(μᵢ, Σᵢᵢ). The closed forms are the
textbook's; p is normalised, so ELBO = −KL(q‖p) ≤ log Z = 0."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from prmlab.lab.inference._state import State

N_UPDATES = 30  # coordinate updates computed per State (each updates one factor)
START = np.array([-2.0, -1.2])  # q's first means (x₂ mirrored for ρ < 0): the zigzag
# along the correlation's ridge is long, as in PRML figure 10.2


def gaussian_kl(m0: np.ndarray, s0: np.ndarray, m1: np.ndarray, s1: np.ndarray) -> float:
    """KL(N(m0, s0) ‖ N(m1, s1)) for 2-D Gaussians."""
    inv = np.linalg.inv(s1)
    d = m1 - m0
    _, logdet0 = np.linalg.slogdet(s0)
    _, logdet1 = np.linalg.slogdet(s1)
    return float(0.5 * (np.trace(inv @ s0) + d @ inv @ d - 2.0 + logdet1 - logdet0))


@dataclass(frozen=True, eq=False)
class VariationalResult:
    """``mu (2,)``, ``cov (2, 2)``: p; ``means (N_UPDATES + 1, 2)``: q's means after each
    update; ``q_var (2,)``: q's variances 1/Λᵢᵢ; ``elbo (N_UPDATES + 1,)``; ``moment_var``:
    KL(p‖q)'s variances Σᵢᵢ; ``kl_pq`` the two fits' KL(p‖q) and ``kl_qp`` their KL(q‖p)
    (mean field at convergence, then moment matching); ``position`` updates shown."""

    mu: np.ndarray
    cov: np.ndarray
    means: np.ndarray
    q_var: np.ndarray
    elbo: np.ndarray
    moment_var: np.ndarray
    kl_qp: tuple[float, float]
    kl_pq: tuple[float, float]
    position: int

    @property
    def mean(self) -> np.ndarray:
        """q's means now."""
        return self.means[self.position]

    @property
    def updated(self) -> int:
        """The factor the last update changed (0 or 1; −1 at the start)."""
        return -1 if self.position == 0 else (self.position - 1) % 2


def variational(state: State) -> VariationalResult:
    """Mean field's coordinate ascent on ``state``'s Gaussian, and the moment-matched fit."""
    s2 = state.sd2
    mu = np.zeros(2)
    cov = np.array([[1.0, state.rho * s2], [state.rho * s2, s2 * s2]])
    prec = np.linalg.inv(cov)
    q_var = 1.0 / np.diag(prec)
    q_cov = np.diag(q_var)
    means = [START * np.array([1.0, 1.0 if state.rho >= 0 else -1.0])]
    for k in range(N_UPDATES):
        m = means[-1].copy()
        i = k % 2
        j = 1 - i
        m[i] = mu[i] - prec[i, j] / prec[i, i] * (m[j] - mu[j])
        means.append(m)
    means_arr = np.array(means)
    elbo = np.array([-gaussian_kl(m, q_cov, mu, cov) for m in means_arr])
    moment = np.diag(np.diag(cov))
    kl_qp = (gaussian_kl(means_arr[-1], q_cov, mu, cov), gaussian_kl(mu, moment, mu, cov))
    kl_pq = (gaussian_kl(mu, cov, means_arr[-1], q_cov), gaussian_kl(mu, cov, mu, moment))
    position = min(state.position, N_UPDATES)
    return VariationalResult(
        mu, cov, means_arr, q_var, elbo, np.diag(cov).copy(), kl_qp, kl_pq, position
    )
