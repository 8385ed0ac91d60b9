"""Benchmark workloads of the svm topic (issue #3), against scikit-learn's SVC (libsvm).

- fit on 2,000 two-moons points (noise 0.3), RBF, C=1, gamma=0.5: goal <= 1.0x;
- decision_function on a 300 x 300 grid: goal <= 0.25x;
- dragging a point among 500: one refit plus the panel's 150 x 150 decision map (30 refits
  and redraws a second leave ~33 ms a frame, painting included): goal <= 1.0x, and well
  under 33 ms in absolute terms.
"""

from __future__ import annotations

import numpy as np

from prmlab.bench import Workload
from prmlab.engine.svm import SVC


def _moons(n: int, noise: float = 0.3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's make_moons in NumPy (the bench must run without the test extra)."""
    rng = np.random.default_rng(seed)
    n_out = n // 2
    t_out = np.linspace(0, np.pi, n_out)
    t_in = np.linspace(0, np.pi, n - n_out)
    X = np.vstack(
        [
            np.column_stack([np.cos(t_out), np.sin(t_out)]),
            np.column_stack([1 - np.cos(t_in), 1 - np.sin(t_in) - 0.5]),
        ]
    )
    X += rng.normal(scale=noise, size=X.shape)
    y = np.r_[np.zeros(n_out, dtype=np.int64), np.ones(n - n_out, dtype=np.int64)]
    return X, y


def _axes(X: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
    return np.linspace(lo[0], hi[0], size), np.linspace(lo[1], hi[1], size)


def _grid(X: np.ndarray, size: int) -> np.ndarray:
    gx, gy = np.meshgrid(*_axes(X, size))
    return np.column_stack([gx.ravel(), gy.ravel()])


def workloads(quick: bool) -> list[Workload]:
    n_fit, n_grid, n_drag = (300, 60, 100) if quick else (2000, 300, 500)
    params = dict(C=1.0, kernel="rbf", gamma=0.5)
    X, y = _moons(n_fit)
    Xd, yd = _moons(n_drag, seed=1)
    grid = _grid(X, n_grid)
    panel_axes = _axes(Xd, 150)  # the panel maps f by decision_grid
    panel_grid = _grid(Xd, 150)
    ours = SVC(**params).fit(X, y)

    try:
        from sklearn.svm import SVC as SkSVC
    except ImportError:
        SkSVC = None
    ref = ref_fit = ref_dec = ref_drag = None
    if SkSVC is not None:
        ref = "scikit-learn SVC (libsvm)"
        # libsvm's fastest settings here: shrinking on (default), a cache holding all of K.
        sk_params = dict(params, cache_size=500, shrinking=True)
        theirs = SkSVC(**sk_params).fit(X, y)

        def ref_fit():
            return SkSVC(**sk_params).fit(X, y)

        def ref_dec():
            return theirs.decision_function(grid)

        def ref_drag():
            return SkSVC(**sk_params).fit(Xd, yd).decision_function(panel_grid)

    return [
        Workload(
            f"svm: fit {n_fit} moons, rbf, C=1", lambda: SVC(**params).fit(X, y), ref, ref_fit, 1.0
        ),
        Workload(
            f"svm: decision_function {n_grid}x{n_grid} grid",
            lambda: ours.decision_function(grid),
            ref,
            ref_dec,
            0.25,
            parallel=True,
        ),
        Workload(
            f"svm: refit + 150x150 map among {n_drag} points",
            lambda: SVC(**params).fit(Xd, yd).decision_grid(*panel_axes),
            ref,
            ref_drag,
            1.0,
            repeat=10,
        ),
    ]
