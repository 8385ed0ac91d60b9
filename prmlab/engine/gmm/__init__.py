"""EM for Gaussian mixtures and k-means, stepped E and M apart (issue #5).

PRML §9.2 (the model and EM), §9.4 (EM never lowers the likelihood; with ``reg_covar`` > 0
the M step's ``Sigma_k + reg I`` is not the exact maximiser, so it can) and §9.3.2 (k-means as
EM with hard posteriors).

- functional, for teaching and checks: :func:`e_step`, :func:`m_step`, :func:`em_step`;
- estimators: :class:`GaussianMixture`, :class:`KMeans` (each with ``iter_fit``);
- k-means pieces: :func:`kmeans_plusplus`, :func:`assign_labels`, :func:`update_centers`.
"""

from __future__ import annotations

import numpy as np

from prmlab.engine.gmm._em import (
    ILL_DEFINED,
    ConvergenceWarning,
    DegenerateComponentWarning,
    check_data,
    e_step,
    em_step,
    m_step,
)
from prmlab.engine.gmm._kmeans import (
    KMeans,
    KMeansStep,
    assign_labels,
    kmeans_plusplus,
    update_centers,
)
from prmlab.engine.gmm._mixture import EMStep, GaussianMixture

__all__ = [
    "ILL_DEFINED",
    "ConvergenceWarning",
    "DegenerateComponentWarning",
    "EMStep",
    "GaussianMixture",
    "KMeans",
    "KMeansStep",
    "assign_labels",
    "check_data",
    "e_step",
    "em_step",
    "kmeans_plusplus",
    "m_step",
    "update_centers",
    "warmup",
]


def warmup() -> None:
    """Compile (or load from cache) every kernel on tiny data."""
    X = np.array([[0.0, 0.0], [0.1, 0.2], [3.0, 3.0], [3.1, 2.9]])
    w, m, c = np.full(2, 0.5), X[[0, 2]].copy(), np.stack([np.eye(2)] * 2)
    resp, _ = e_step(X, w, m, c)
    m_step(X, resp)
    em_step(X, w, m, c)
    update_centers(X, assign_labels(X, m)[0], m)
    kmeans_plusplus(X, 2, 0)
