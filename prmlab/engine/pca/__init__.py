"""PCA, probabilistic PCA and Fisher's discriminant (issue #4).

PRML §12.1 (centring, PCA by eigen-decomposition or SVD), §12.2 (p-PCA: the latent model,
its EM and the inference ``p(z|x)``) and §4.1.4-4.1.6 (Fisher).

- :class:`PCA`: scikit-learn's API; covariance eigen-decomposition when n >> d, SVD otherwise;
- :class:`ProbabilisticPCA`: EM (``fit``, ``iter_fit``) and the closed form (``fit_closed_form``);
- :class:`FisherLDA`: ``direction_ ∝ S_w^-1 (m_1 - m_0)`` and its multi-class generalisation.
"""

from __future__ import annotations

import numpy as np

from prmlab.engine.pca._lda import FisherLDA, SingularScatterWarning
from prmlab.engine.pca._pca import PCA, ZeroVarianceWarning, centred_scatter
from prmlab.engine.pca._ppca import ConvergenceWarning, PPCAStep, ProbabilisticPCA

__all__ = [
    "PCA",
    "ConvergenceWarning",
    "FisherLDA",
    "PPCAStep",
    "ProbabilisticPCA",
    "SingularScatterWarning",
    "ZeroVarianceWarning",
    "centred_scatter",
    "warmup",
]


def warmup() -> None:
    """Compile (or load from the disk cache) every kernel on tiny data."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 3))
    PCA(2).fit(X)
    centred_scatter(np.ascontiguousarray(rng.standard_normal((70_000, 3))))  # the big-data path
    # a tolerance met at once: no ConvergenceWarning (warning filters are not thread-safe,
    # and warm-up runs in a worker)
    ProbabilisticPCA(1, max_iter=3, tol=1e300, random_state=0).fit(X)
    FisherLDA().fit(X, np.arange(40) % 2)
