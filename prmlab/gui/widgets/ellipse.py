"""Covariance ellipses: the set {x : (x-m)^T S^-1 (x-m) = k^2} of a 2-D Gaussian."""

from __future__ import annotations

import math

import numpy as np

# The k-sigma ellipse of a 2-D Gaussian holds 1 - exp(-k²/2) of its mass (the χ²₂ CDF at k²):
# 39 % at 1σ and 86 % (not 95 %) at 2σ; the 95 % contour is at k = √χ²₂(0.95) = √(-2 ln 0.05).
R95 = math.sqrt(-2.0 * math.log(0.05))


def coverage(n_std: float) -> float:
    """The share of a 2-D Gaussian's mass inside its ``n_std``-sigma ellipse (0.865 at 2)."""
    return 1.0 - math.exp(-0.5 * n_std * n_std)


def ellipse_xy(mean: np.ndarray, cov: np.ndarray, n_std: float = 1.0, n: int = 96):
    """Outline of the ``n_std``-sigma ellipse of N(mean, cov) as arrays (x, y), each (n + 1,).

    Uses the eigen-decomposition cov = V diag(l) V^T: points m + k V sqrt(l) u(t).
    Degenerate (singular or tiny negative) covariances are clipped to zero width.
    """
    vals, vecs = np.linalg.eigh(0.5 * (np.asarray(cov, float) + np.asarray(cov, float).T))
    radii = n_std * np.sqrt(np.clip(vals, 0.0, None))
    t = np.linspace(0.0, 2.0 * np.pi, n + 1)
    circle = np.stack([np.cos(t), np.sin(t)])
    pts = (vecs * radii) @ circle + np.asarray(mean, float).reshape(2, 1)
    return pts[0], pts[1]
