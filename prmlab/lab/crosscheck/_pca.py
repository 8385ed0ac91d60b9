"""PCA: the panel's analysis (PCA, p-PCA's closed form, Fisher) against scikit-learn's."""

from __future__ import annotations

import numpy as np

from prmlab.lab import pca
from prmlab.lab.crosscheck._rows import Row, direction_difference, reference, row

SKLEARN = "scikit-learn"
DISTINCT = 1e-6  # eigenvalues closer than this (relative) leave their directions undefined


def cross_check(state: pca.State) -> list[Row]:
    """Explained variances, components, p-PCA's covariance and Fisher's direction against
    scikit-learn's PCA and LinearDiscriminantAnalysis on the analysed data."""
    decomposition = reference("sklearn.decomposition", SKLEARN)
    discriminant = reference("sklearn.discriminant_analysis", SKLEARN)
    a = pca.analyse(state)
    X, n = a.X, len(a.X)
    theirs = decomposition.PCA(svd_solver="full").fit(X)
    variance = a.pca.explained_variance_
    scale = max(1.0, float(variance[0]))
    rows = [row("PCA explained variance", SKLEARN, variance, theirs.explained_variance_,
                1e-9 * scale)]  # fmt: skip
    # a direction is compared only where its eigenvalue stands apart from its neighbours
    gaps = np.abs(np.diff(variance)) > DISTINCT * scale
    defined = np.ones(len(variance), dtype=bool)
    defined[:-1] &= gaps
    defined[1:] &= gaps
    if defined.any():
        rows.append(Row("PCA components (1 − |cos|)", SKLEARN, max(
            direction_difference(u, v)
            for u, v, ok in zip(a.pca.components_, theirs.components_, defined) if ok
        ), 1e-9))  # fmt: skip
    if a.closed is not None:
        q = a.closed.n_components
        ref = decomposition.PCA(q, svd_solver="full").fit(X)
        # scikit-learn's covariance is the same ML model with S over n − 1, not n
        rows.append(row("p-PCA covariance (closed form)", SKLEARN,
                        a.closed.get_covariance() * n / (n - 1), ref.get_covariance(),
                        1e-9 * scale))  # fmt: skip
    if a.fisher is not None:
        lda = discriminant.LinearDiscriminantAnalysis(solver="eigen").fit(X, a.labels)
        rows.append(
            Row(
                "Fisher direction (1 − |cos|)",
                SKLEARN,
                direction_difference(a.fisher.direction_, lda.scalings_[:, 0]),
                1e-6,
            )
        )
    return rows
