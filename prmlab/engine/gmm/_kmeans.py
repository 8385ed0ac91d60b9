"""k-means by Lloyd's algorithm: EM with hard posteriors.

PRML §9.1 and §9.3.2: with ``P(z | x, theta) = 1`` for the nearest
centre and 0 otherwise, the E step assigns every point to its nearest centre and the M step
``mu_k = (1/|I_k|) sum_{j in I_k} x_j`` minimises ``sum_k sum_{x_i in C_k} ||x_i - mu_k||^2``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from prmlab.engine._validation import (
    as_array,
    check_array,
    check_features,
    check_fitted,
    check_option,
    check_random_state,
    check_scalar,
    check_squarable,
)
from prmlab.engine.gmm import _kernels as K
from prmlab.engine.gmm._em import (
    ConvergenceWarning,
    DegenerateComponentWarning,
    check_data,
    check_means,
    drain,
    map_chunks,
)


def _kpp_trials(
    X: np.ndarray, candidates: np.ndarray, closest: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``(min(closest, D^2 to each candidate) (m, n), their sums (m,))`` in one kernel pass."""
    out = np.empty((candidates.shape[0], X.shape[0]))
    parts = map_chunks(K.kpp_trial_kernel, X.shape[0], X, candidates, closest, out)
    return out, np.sum(parts, axis=0)


def kmeans_plusplus(
    X: Any, n_clusters: int, random_state: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """Greedy k-means++ seeding (Arthur & Vassilvitskii; scikit-learn's variant).

    Each new centre is drawn with probability proportional to ``D(x)^2``, the squared distance
    to the nearest chosen centre, keeping the best of ``2 + log K`` candidates.
    Returns ``(centers (n_clusters, n_features), indices (n_clusters,))``.
    """
    n_clusters = check_scalar(n_clusters, "n_clusters", integer=True, ge=1)
    X = check_data(X, n_clusters, "n_clusters")
    rng = check_random_state(random_state)
    n = X.shape[0]
    n_trials = 2 + int(np.log(n_clusters))
    indices = np.empty(n_clusters, dtype=np.int64)
    indices[0] = rng.integers(n)
    closest = _kpp_trials(X, X[indices[:1]], np.full(n, np.inf))[0][0]
    for c in range(1, n_clusters):
        cum = np.cumsum(closest)
        if cum[-1] <= 0.0:  # fewer distinct points than clusters: any point will do
            cand = rng.integers(n, size=n_trials)
        else:
            cand = np.searchsorted(cum, rng.random(n_trials) * cum[-1], side="right")
            cand = np.minimum(cand, n - 1)
        dist, potential = _kpp_trials(X, X[cand], closest)
        best = int(np.argmin(potential))
        indices[c] = cand[best]
        closest = dist[best]
    return X[indices].copy(), indices


def lloyd_pass(
    X: np.ndarray, centers: np.ndarray, labels: np.ndarray
) -> tuple[np.ndarray, np.ndarray, float, int]:
    """One assignment pass over all points (updates ``labels`` in place):
    ``(sums (K, d), counts (K,), inertia, n_changed)``."""
    parts = map_chunks(K.lloyd_kernel, X.shape[0], X, centers, labels)
    return (
        np.sum([p[0] for p in parts], axis=0),
        np.sum([p[1] for p in parts], axis=0),
        float(sum(p[2] for p in parts)),
        int(sum(p[3] for p in parts)),
    )


def _relocate_empty(
    X: np.ndarray, labels: np.ndarray, centers: np.ndarray, sums: np.ndarray, counts: np.ndarray
) -> list[int]:
    """Move each empty cluster onto the point farthest from its centre (as scikit-learn does),
    taking that point out of its old cluster. Edits ``labels``, ``sums`` and ``counts``."""
    empty = np.flatnonzero(counts == 0)
    if empty.size == 0:
        return []
    dist = np.zeros(X.shape[0])
    for j in range(X.shape[1]):  # column by column: NumPy drops the GIL
        dist += (X[:, j] - centers[labels, j]) ** 2
    far = np.argsort(-dist, kind="stable")[: empty.size]
    for k, i in zip(empty, far):
        old = labels[i]
        if counts[old] > 1:
            counts[old] -= 1
            sums[old] -= X[i]
            sums[k] = X[i]
            counts[k] = 1
            labels[i] = k
    return empty.tolist()


def _centers_from(
    X: np.ndarray,
    labels: np.ndarray,
    sums: np.ndarray,
    counts: np.ndarray,
    old_centers: np.ndarray,
) -> np.ndarray:
    """The new centres from the clusters' sums and counts, empty clusters relocated."""
    moved = _relocate_empty(X, labels, old_centers, sums, counts)
    if moved:
        warnings.warn(
            f"cluster(s) {moved} became empty and were moved to the farthest point(s)",
            DegenerateComponentWarning,
            stacklevel=4,
        )
    # a cluster still empty (fewer distinct points than clusters) keeps its centre
    return np.where(counts[:, None] > 0, sums / np.maximum(counts, 1.0)[:, None], old_centers)


def assign_labels(X: Any, centers: Any) -> tuple[np.ndarray, float]:
    """The E step of k-means: nearest centre ``t_i = argmin_k ||x_i - mu_k||^2``.

    ``X (n_samples, n_features)``, ``centers (K, n_features)``. Returns
    ``(labels (n_samples,) int64, inertia)`` with ``inertia = sum_i ||x_i - mu_{t_i}||^2``.
    """
    X = check_squarable(check_array(X, "X"))
    C = check_squarable(check_means(centers, X.shape[1], name="centers"), "centers", X.size)
    labels = np.full(X.shape[0], -1, dtype=np.int64)
    _, _, inertia, _ = lloyd_pass(X, C, labels)
    return labels, float(inertia)


def update_centers(X: Any, labels: Any, centers: Any) -> np.ndarray:
    """The M step of k-means: ``mu_k = (1/|I_k|) sum_{j in I_k} x_j`` (PRML §9.1).

    ``centers (K, n_features)`` are the previous centres: an empty cluster is moved to the
    point farthest from its centre, with a :class:`DegenerateComponentWarning`.
    """
    X = check_squarable(check_array(X, "X"))
    C = check_squarable(check_means(centers, X.shape[1], name="centers"), "centers", X.size)
    lab = as_array(labels, "labels")
    if lab.shape != (X.shape[0],) or not np.issubdtype(lab.dtype, np.integer):
        raise ValueError(f"labels must be {X.shape[0]} integers, got shape {lab.shape}")
    if lab.min() < 0 or lab.max() >= C.shape[0]:
        raise ValueError(f"labels must be in [0, {C.shape[0] - 1}], got [{lab.min()}, {lab.max()}]")
    lab = lab.astype(np.int64)
    k = C.shape[0]
    counts = np.bincount(lab, minlength=k).astype(np.float64)
    sums = np.stack([np.bincount(lab, weights=X[:, j], minlength=k) for j in range(X.shape[1])], 1)
    return _centers_from(X, lab, sums, counts, C)


@dataclass(frozen=True)
class KMeansStep:
    """One half-step of Lloyd's algorithm, for animation.

    ``half`` is ``"init"``, ``"E"`` (points re-assigned: ``labels``, ``inertia`` with the current
    centres) or ``"M"`` (centres moved to their cluster means). Arrays are fresh copies.
    """

    half: str
    iteration: int
    centers: np.ndarray  # (K, n_features)
    labels: np.ndarray  # (n_samples,); -1 before the first assignment
    inertia: float  # nan before the first assignment
    inertia_history: np.ndarray  # one value per E step
    converged: bool
    progress: float


class KMeans:
    """k-means clustering by Lloyd's algorithm (PRML §9.1).

    Parameters follow scikit-learn: ``n_clusters``; ``init`` ``"k-means++"``, ``"random"``
    (distinct data points) or an array ``(n_clusters, n_features)`` of starting centres;
    ``n_init`` restarts keeping the lowest inertia (ignored when ``init`` is an array);
    ``max_iter``; ``tol`` relative to the mean feature variance (on the squared centre shift);
    ``random_state``.

    Fitted: ``cluster_centers_ (K, d)``, ``labels_ (n,)``, ``inertia_``, ``n_iter_``,
    ``inertia_history_``. Empty clusters are moved to the farthest point.
    """

    def __init__(
        self,
        n_clusters: int = 8,
        init: Any = "k-means++",
        n_init: int = 10,
        max_iter: int = 300,
        tol: float = 1e-4,
        random_state: Any = None,
    ) -> None:
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state

    def check_params(self, X: Any) -> np.ndarray:
        """Validate the parameters against ``X``; returns ``X`` as float64 or raises ValueError."""
        check_scalar(self.n_clusters, "n_clusters", integer=True, ge=1)
        check_scalar(self.n_init, "n_init", integer=True, ge=1)
        check_scalar(self.max_iter, "max_iter", integer=True, ge=1)
        check_scalar(self.tol, "tol", ge=0.0)
        X = check_data(X, self.n_clusters, "n_clusters")
        if isinstance(self.init, str):
            check_option(self.init, "init", ("k-means++", "random"))
        else:
            check_means(self.init, X.shape[1], self.n_clusters, name="init centers")
        check_random_state(self.random_state)
        return X

    def _init_centers(self, X: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        if not isinstance(self.init, str):
            return np.array(self.init, dtype=np.float64)
        if self.init == "random":
            return X[rng.choice(X.shape[0], self.n_clusters, replace=False)].copy()
        return kmeans_plusplus(X, self.n_clusters, rng)[0]

    def _lloyd(self, X: np.ndarray, centers: np.ndarray, tol: float) -> Iterator[tuple]:
        """Lloyd's loop; yields ``("E", ...)`` and ``("M", ...)`` half-steps, then the result."""
        n = X.shape[0]
        labels = np.full(n, -1, dtype=np.int64)
        history: list[float] = []
        strict = False
        it = 0
        for it in range(1, self.max_iter + 1):
            sums, counts, inertia, changed = lloyd_pass(X, centers, labels)
            history.append(inertia)
            yield "E", it, centers, labels, inertia, history, False
            if changed == 0:  # nothing moved: the M step would return the same centres
                strict = True
                yield "M", it, centers, labels, inertia, history, True
                break
            new = _centers_from(X, labels, sums, counts, centers)
            shift = float(((new - centers) ** 2).sum())
            centers = new
            done = shift <= tol
            yield "M", it, centers, labels, inertia, history, done
            if done:
                break
        if not strict:  # labels consistent with the final centres
            _, _, inertia, _ = lloyd_pass(X, centers, labels)
        return centers, labels, inertia, it, np.array(history), strict or shift <= tol

    def _tol(self, X: np.ndarray) -> float:
        # column by column: var(axis=0) of a tall (n, 2) array takes a slow strided path
        return float(np.mean([X[:, j].var() for j in range(X.shape[1])]) * self.tol)

    def fit(self, X: Any, y: Any = None) -> KMeans:
        """Run Lloyd's algorithm ``n_init`` times on ``X (n_samples, n_features)``."""
        X = self.check_params(X)
        rng = check_random_state(self.random_state)
        tol = self._tol(X)
        best = None
        runs = 1 if not isinstance(self.init, str) else self.n_init
        for _ in range(runs):
            result = drain(self._lloyd(X, self._init_centers(X, rng), tol))
            if best is None or result[2] < best[2]:
                best = result
        self._store(X, *best)
        return self

    def _store(self, X, centers, labels, inertia, n_iter, history, converged) -> None:
        self.cluster_centers_ = centers
        self.labels_ = labels
        self.inertia_ = float(inertia)
        self.n_iter_ = int(n_iter)
        self.inertia_history_ = history
        self.n_features_in_ = X.shape[1]
        if not converged:
            warnings.warn(
                f"k-means did not converge in max_iter={self.max_iter} iterations; "
                "increase max_iter or tol",
                ConvergenceWarning,
                stacklevel=3,
            )
        distinct = int(np.count_nonzero(np.bincount(labels, minlength=self.n_clusters)))
        if distinct < self.n_clusters:
            warnings.warn(
                f"only {distinct} distinct clusters found for n_clusters={self.n_clusters}: "
                "the data has too few distinct points",
                DegenerateComponentWarning,
                stacklevel=3,
            )

    def iter_fit(self, X: Any, y: Any = None) -> Iterator[KMeansStep]:
        """Lloyd's algorithm one half-step at a time (a single run: ``n_init`` is not used).

        Yields an ``"init"`` :class:`KMeansStep`, then ``"E"`` and ``"M"`` alternately; the
        estimator is fitted when the generator finishes.
        """
        X = self.check_params(X)
        rng = check_random_state(self.random_state)
        centers = self._init_centers(X, rng)
        empty = np.full(X.shape[0], -1, dtype=np.int64)
        yield KMeansStep("init", 0, centers.copy(), empty, np.nan, np.empty(0), False, 0.0)
        gen = self._lloyd(X, centers, self._tol(X))
        while True:
            try:
                half, it, c, labels, inertia, history, done = next(gen)
            except StopIteration as stop:
                self._store(X, *stop.value)
                return
            yield KMeansStep(
                half,
                it,
                c.copy(),
                labels.copy(),
                float(inertia),
                np.array(history),
                done,
                min(1.0, it / self.max_iter) if not done else 1.0,
            )

    def predict(self, X: Any) -> np.ndarray:
        """Nearest fitted centre of each row of ``X (n_samples, n_features)``."""
        return assign_labels(self._check_X(X), self.cluster_centers_)[0]

    def fit_predict(self, X: Any, y: Any = None) -> np.ndarray:
        return self.fit(X).labels_

    def score(self, X: Any, y: Any = None) -> float:
        """Opposite of the inertia of ``X`` (higher is better, as in scikit-learn)."""
        return -assign_labels(self._check_X(X), self.cluster_centers_)[1]

    def _check_X(self, X: Any) -> np.ndarray:
        """``X`` for a fitted model: the error names X (not the centres) when its columns differ."""
        check_fitted(self, "cluster_centers_")
        return check_features(X, self.n_features_in_)
