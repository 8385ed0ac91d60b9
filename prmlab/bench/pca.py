"""Benchmark workloads of the pca topic (issue #4): prmlab's PCA against scikit-learn's."""

from __future__ import annotations

import numpy as np

from prmlab.bench import Workload


def _correlated(n: int, d: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    mixing = rng.standard_normal((d, d)) / np.sqrt(d)
    return np.ascontiguousarray(rng.standard_normal((n, d)) @ mixing + 10.0)


def workloads(quick: bool) -> list[Workload]:
    from prmlab.engine.pca import PCA, ProbabilisticPCA

    try:
        from sklearn.decomposition import PCA as SkPCA
    except ImportError:  # the reference is a test extra
        SkPCA = None

    n = 2_000 if quick else 200_000
    X = _correlated(n, 50, seed=0)
    points = _correlated(2_000, 2, seed=1)  # the panel's drag: refit among 2,000 2-D points
    sk = "scikit-learn PCA (default solver)"
    return [
        Workload(
            f"PCA(n_components=2).fit {n}x50 correlated",
            lambda: PCA(n_components=2).fit(X),
            sk if SkPCA else None,
            (lambda: SkPCA(n_components=2).fit(X)) if SkPCA else None,
            goal=0.7,
            repeat=5,
            parallel=True,
        ),
        Workload(
            "PCA().fit refit among 2,000 2-D points (panel drag)",
            lambda: PCA().fit(points),
            sk if SkPCA else None,
            (lambda: SkPCA().fit(points)) if SkPCA else None,
            goal=1.0,
            repeat=20,
        ),
        Workload(
            f"ProbabilisticPCA(5).fit_closed_form {n}x50",
            lambda: ProbabilisticPCA(5).fit_closed_form(X),
            sk if SkPCA else None,
            (lambda: SkPCA(n_components=5).fit(X).get_covariance()) if SkPCA else None,
            goal=1.0,
            parallel=True,
        ),
    ]
