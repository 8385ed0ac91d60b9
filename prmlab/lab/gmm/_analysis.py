"""What the EM/GMM views need beside the stepped fit: seeded restarts, BIC/AIC vs K, the 2-D
view of the data (two features or PC1-PC2), k-means' Voronoi regions, the likelihood's
monotonicity check and the export table. Generators yield between fits so a Job can animate
and cancel."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from prmlab.engine import gmm
from prmlab.engine.pca import PCA
from prmlab.lab.gmm._experiment import Experiment, Kept, Result, State, estimator, kept

GMM_TOL = gmm.GaussianMixture().tol  # runs closer than this reached the same optimum


@dataclass(frozen=True)
class Restarts:
    """Finished seeded runs: ``scores`` (final mean log-likelihood, or −inertia), their
    ``seeds`` and ``positions`` (the State of run i is ``state.replace(seed=seeds[i],
    position=positions[i])``), their converged ``results`` (kept without per-point arrays:
    20 runs on a million points would hold 800 MB of responsibilities; ``restore`` one) and
    the share done."""

    scores: np.ndarray
    seeds: np.ndarray
    positions: np.ndarray
    results: tuple[Kept, ...]
    progress: float

    def state_of(self, state: State, index: int) -> State:
        """``state`` showing run ``index``'s converged fit."""
        return state.replace(seed=int(self.seeds[index]), position=int(self.positions[index]))


def restarts(state: State) -> Iterator[Restarts | None]:
    """``state.n_runs`` fits from seeds ``seed, seed+1, ...`` by the same stepper as the
    panel's (so a loaded run is exactly its State); yields after each run (and
    every 16 half-steps, to be cancellable)."""
    scores, seeds, positions, results = [], [], [], []
    for i in range(state.n_runs):
        run = Experiment(state.replace(seed=state.seed + i, position=0))
        while not run.finished:
            run.step()
            if run.result.position % 16 == 0:
                yield None  # a chance to cancel a long run (a million points)
        r = run.result
        scores.append(r.log_likelihood if r.method == "gmm" else -r.log_likelihood)
        seeds.append(state.seed + i)
        positions.append(r.position)
        results.append(kept(r))
        done = (i + 1) / state.n_runs
        yield Restarts(np.array(scores), np.array(seeds), np.array(positions), tuple(results), done)
    return Restarts(np.array(scores), np.array(seeds), np.array(positions), tuple(results), 1.0)


@dataclass(frozen=True)
class Histogram:
    """The restarts' scores binned: bars at ``centres`` of ``width``; ``n_optima`` bars."""

    centres: np.ndarray
    counts: np.ndarray
    width: float
    n_optima: int


def score_histogram(scores: np.ndarray, method: str) -> Histogram:
    """Non-empty bins of ``scores``; runs closer than the convergence tolerance share a bar."""
    resolution = 2 * GMM_TOL if method == "gmm" else 0.0
    resolution = max(resolution, 1e-6 * float(np.abs(scores).max()))
    n_bins = int(np.clip(np.sqrt(len(scores)) * 2, 5, 30))
    width = max(float(scores.max() - scores.min()) / n_bins, resolution)
    n_bins = int(np.ceil((scores.max() - scores.min()) / width)) + 1
    edges = scores.min() + width * np.arange(n_bins + 1) - width / 2
    counts, _ = np.histogram(scores, bins=edges)
    keep = counts > 0
    centres = 0.5 * (edges[:-1] + edges[1:])
    return Histogram(centres[keep], counts[keep], width, int(keep.sum()))


@dataclass(frozen=True)
class Criteria:
    """Per K in ``ks``: ``bic`` and ``aic`` of the best of 3 seeded fits (k-means: ``bic``
    holds the inertia, the elbow, and ``aic`` is empty)."""

    ks: np.ndarray
    bic: np.ndarray
    aic: np.ndarray
    progress: float


def criteria(state: State, X: np.ndarray) -> Iterator[Criteria | None]:
    """BIC and AIC for K = 1..min(k_max, n) on the fitted data ``X`` (yields between fits)."""
    k_max = min(state.k_max, len(X))
    ks, bic, aic = [], [], []
    for k in range(1, k_max + 1):
        best = None
        for seed in range(state.seed, state.seed + 3):
            model = estimator(state.replace(means_init=None), seed=seed, k=k)
            with warnings.catch_warnings():  # an unconverged fit still scores
                warnings.simplefilter("ignore", gmm.ConvergenceWarning)
                model.fit(X)
            yield None
            score = model.lower_bound_ if state.method == "gmm" else -model.inertia_
            if best is None or score > best[0]:
                best = (score, model)
        model = best[1]
        if state.method == "gmm":
            bic.append(model.bic(X))
            aic.append(model.aic(X))
        else:
            bic.append(model.inertia_)
        ks.append(k)
        yield Criteria(np.array(ks), np.array(bic), np.array(aic), k / k_max)
    return Criteria(np.array(ks), np.array(bic), np.array(aic), 1.0)


@dataclass(frozen=True)
class Projection:
    """shown = (x − ``offset``) @ ``axes``.T: ``axes (2, d)`` orthonormal rows; ``names`` of
    the two shown axes."""

    offset: np.ndarray
    axes: np.ndarray
    names: tuple[str, str]

    def project(self, points: np.ndarray) -> np.ndarray:
        """``points (m, d)`` in display coordinates ``(m, 2)``."""
        # column by column, not a BLAS product (its threads spin on a busy 2-core machine)
        d = self.axes.shape[1]
        return sum((points[:, j, None] - self.offset[j]) * self.axes[None, :, j] for j in range(d))

    def lift(self, point: np.ndarray, shown: np.ndarray, target: np.ndarray) -> np.ndarray:
        """``point (d,)`` (shown at ``shown (2,)``) moved so it is shown at ``target (2,)``."""
        return point + (np.asarray(target) - np.asarray(shown)) @ self.axes


def projection(state: State, X: np.ndarray) -> Projection:
    """The 2-D view of the fitted data ``X``: PC1-PC2 by the engine's PCA when asked and
    ``d > 2``, else the two chosen fitted features (one feature: the y axis is empty)."""
    d = X.shape[1]
    if d > 2 and state.view == "pcs" and len(X) > 1:
        pca = PCA(2).fit(X)
        return Projection(pca.mean_.copy(), pca.components_.copy(), ("PC1", "PC2"))
    names = state.fitted_names
    axes = np.zeros((2, d))
    x = min(max(state.x_feature, 0), d - 1)
    axes[0, x] = 1.0
    y_name = ""
    if d > 1:
        y = min(max(state.y_feature, 0), d - 1)
        axes[1, y] = 1.0
        y_name = names[y]
    return Projection(np.zeros(d), axes, (names[x], y_name))


def voronoi_regions(
    centres: np.ndarray, lo: np.ndarray, hi: np.ndarray, size: int = 220
) -> np.ndarray:
    """``(size, size)`` index of the nearest of ``centres (K, 2)`` on a grid over [lo, hi]
    (first index along x), by the engine's k-means assignment."""
    gx = np.linspace(lo[0], hi[0], size)
    gy = np.linspace(lo[1], hi[1], size)
    grid = np.stack(np.meshgrid(gx, gy, indexing="ij"), axis=-1).reshape(-1, 2)
    return gmm.assign_labels(grid, centres)[0].reshape(size, size)


def monotonicity_breaks(result: Result) -> np.ndarray:
    """Boolean per iteration 2.. of ``result.history``: True where EM lowered the
    log-likelihood (k-means: raised the inertia) beyond rounding."""
    h = result.history
    if len(h) < 2:
        return np.zeros(0, dtype=bool)
    diff = np.diff(h)
    tol = 1e-9 * np.abs(h[1:]) + 1e-12
    return diff < -tol if result.method == "gmm" else diff > tol


def results_table(state: State, result: Result, X: np.ndarray):
    """A pandas DataFrame: one row per point (features, label, responsibilities), then one per
    component (mean in the feature columns, weight, covariance entries: GMM only)."""
    import pandas as pd  # not at import: the lab must import fast

    names = list(state.fitted_names)
    k, d = result.means.shape
    points = pd.DataFrame(X, columns=names)
    points.insert(0, "row", "point")
    points.insert(1, "index", np.arange(len(X)))
    points["label"] = result.hard_labels
    for j in range(k):
        points[f"resp_{j}"] = result.resp[:, j]
    comps = pd.DataFrame(result.means, columns=names)
    comps.insert(0, "row", "component")
    comps.insert(1, "index", np.arange(k))
    comps["label"] = np.arange(k)
    comps["weight"] = result.weights
    for a in range(d if result.method == "gmm" else 0):  # k-means has no covariances
        for b in range(a, d):
            comps[f"cov_{names[a]}_{names[b]}"] = result.covariances[:, a, b]
    return pd.concat([points, comps], ignore_index=True)
