"""Benchmark workloads of the linear topic (issue #18): logistic regression, the lasso path and
Gaussian discriminant analysis against scikit-learn."""

from __future__ import annotations

import numpy as np

from prmlab.bench import Workload


def _logistic_data(n: int, d: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Features with a logistic model behind the labels, classes overlapping."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    w = rng.standard_normal(d) / np.sqrt(d) * 2.0
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-(X @ w + 0.3)))).astype(np.int64)
    return X, y


def _lasso_data(n: int, d: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Centred ``X``, ``y`` from a sparse ``w``, and 100 alphas from ``α_max`` down 1000-fold
    (scikit-learn's default grid)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    w = np.where(rng.random(d) < 0.2, rng.standard_normal(d) * 3.0, 0.0)
    y = X @ w + rng.standard_normal(n)
    X, y = X - X.mean(axis=0), y - y.mean()
    alpha_max = float(np.max(np.abs(X.T @ y))) / n
    return X, y, np.geomspace(alpha_max, alpha_max * 1e-3, 100)


def _blobs(n: int, d: int, n_classes: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, n_classes, n)
    X = rng.standard_normal((n, d)) + rng.standard_normal((n_classes, d))[y] * 2.0
    return X, y


def workloads(quick: bool) -> list[Workload]:
    from prmlab.engine.linear import GaussianDiscriminant, LogisticRegression, lasso_path

    try:
        from sklearn import discriminant_analysis, linear_model
    except ImportError:  # the reference is a test extra
        discriminant_analysis = linear_model = None
    have = linear_model is not None

    n_log = 5_000 if quick else 200_000
    X_log, y_log = _logistic_data(n_log, 20, seed=0)
    X_las, y_las, alphas = _lasso_data(1_000 if quick else 10_000, 100, seed=1)
    n_gda = 20_000 if quick else 1_000_000
    X_gda, y_gda = _blobs(n_gda, 10, 3, seed=2)

    def gda() -> np.ndarray:
        return GaussianDiscriminant().fit(X_gda, y_gda).predict_proba(X_gda)

    def sk_lda() -> np.ndarray:
        lda = discriminant_analysis.LinearDiscriminantAnalysis()
        return lda.fit(X_gda, y_gda).predict_proba(X_gda)

    return [
        Workload(
            f"LogisticRegression().fit {n_log}x20",
            lambda: LogisticRegression().fit(X_log, y_log),
            "scikit-learn LogisticRegression() (lbfgs)" if have else None,
            (lambda: linear_model.LogisticRegression().fit(X_log, y_log)) if have else None,
            goal=0.7,
            parallel=True,
        ),
        Workload(
            f"lasso_path 100 alphas {X_las.shape[0]}x100",
            lambda: lasso_path(X_las, y_las, alphas),
            "scikit-learn lasso_path" if have else None,
            (lambda: linear_model.lasso_path(X_las, y_las, alphas=alphas)) if have else None,
            goal=1.0,
            repeat=5,
        ),
        Workload(
            f"GaussianDiscriminant fit + predict_proba {n_gda}x10, 3 classes",
            gda,
            "scikit-learn LinearDiscriminantAnalysis() fit + predict_proba" if have else None,
            sk_lda if have else None,
            goal=0.5,
            parallel=True,
        ),
    ]
