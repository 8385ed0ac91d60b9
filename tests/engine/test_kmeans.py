"""Oracle tests of prmlab.engine.gmm.KMeans: Lloyd's algorithm in NumPy and scikit-learn."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.cluster import KMeans as SkKMeans

from prmlab.engine import gmm


def blobs(n=300, d=2, k=3, seed=0, scale=1.0):
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-4, 4, size=(k, d))
    return centres[rng.integers(k, size=n)] + rng.normal(scale=scale, size=(n, d))


def ref_lloyd(X, centers, n_iter):
    """Textbook Lloyd: assign to the nearest centre, move centres to their cluster means."""
    for _ in range(n_iter):
        labels = ((X[:, None] - centers[None]) ** 2).sum(axis=2).argmin(axis=1)
        centers = np.stack([X[labels == k].mean(axis=0) for k in range(len(centers))])
    labels = ((X[:, None] - centers[None]) ** 2).sum(axis=2).argmin(axis=1)
    return centers, labels


@pytest.mark.parametrize(("n", "d", "k"), [(300, 2, 3), (20_000, 3, 5)])
def test_from_given_init_equals_lloyd_and_sklearn(n, d, k):
    X = blobs(n, d, k, seed=d, scale=2.0)
    init = X[:k].copy()
    ours = gmm.KMeans(k, init=init, n_init=1, max_iter=300, tol=0.0).fit(X)
    ref = SkKMeans(k, init=init, n_init=1, max_iter=300, tol=0.0, algorithm="lloyd").fit(X)
    np.testing.assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=1e-10)
    np.testing.assert_array_equal(ours.labels_, ref.labels_)
    assert ours.inertia_ == pytest.approx(ref.inertia_, rel=1e-10)
    assert ours.n_iter_ == ref.n_iter_
    centers, labels = ref_lloyd(X, init, ours.n_iter_)
    np.testing.assert_allclose(ours.cluster_centers_, centers, rtol=1e-10)
    np.testing.assert_array_equal(ours.labels_, labels)


def test_inertia_as_good_as_sklearn():
    X = blobs(600, 2, 6, seed=3)
    ours = gmm.KMeans(6, n_init=10, random_state=0).fit(X)
    ref = SkKMeans(6, n_init=10, random_state=0).fit(X)
    assert ours.inertia_ <= ref.inertia_ * 1.01
    np.testing.assert_array_equal(ours.predict(X), ours.labels_)
    assert ours.score(X) == pytest.approx(-ours.inertia_)


def test_iter_fit_alternates_and_inertia_never_increases():
    X = blobs(300, 2, 4, seed=4, scale=1.5)
    model = gmm.KMeans(4, init="random", random_state=2)
    steps = list(model.iter_fit(X))
    assert [s.half for s in steps[:3]] == ["init", "E", "M"]
    assert steps[0].labels.min() == -1 and np.isnan(steps[0].inertia)
    for prev, step in zip(steps, steps[1:]):
        if step.half == "E":
            labels, inertia = gmm.assign_labels(X, prev.centers)
            np.testing.assert_array_equal(step.labels, labels)
            assert step.inertia == pytest.approx(inertia)
        else:
            np.testing.assert_allclose(
                step.centers, gmm.update_centers(X, step.labels, prev.centers)
            )
    h = steps[-1].inertia_history
    assert (np.diff(h) <= 1e-9 * h[1:]).all()
    assert steps[-1].converged and model.n_iter_ == steps[-1].iteration


def test_empty_cluster_is_relocated():
    X = blobs(100, 2, 2, seed=5)
    init = np.array([X[0], X[1], [1e6, 1e6]])
    with pytest.warns(gmm.DegenerateComponentWarning, match="empty"):
        model = gmm.KMeans(3, init=init, n_init=1).fit(X)
    assert np.isfinite(model.cluster_centers_).all()
    assert np.bincount(model.labels_, minlength=3).min() > 0


def test_duplicates_and_too_few_distinct_points():
    X = np.repeat([[0.0, 0.0], [1.0, 1.0]], 10, axis=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = gmm.KMeans(3, random_state=0).fit(X)
    assert any("distinct" in str(w.message) for w in caught)
    assert np.isfinite(model.cluster_centers_).all() and model.inertia_ == pytest.approx(0.0)


def test_kmeans_plusplus_is_seeded():
    X = blobs(200, 2, 4, seed=6)
    a, ia = gmm.kmeans_plusplus(X, 4, random_state=1)
    b, ib = gmm.kmeans_plusplus(X, 4, random_state=1)
    np.testing.assert_array_equal(ia, ib)
    assert len(set(ia.tolist())) == 4
    np.testing.assert_array_equal(a, X[ia])


@pytest.mark.parametrize(
    ("kwargs", "X", "match"),
    [
        ({"n_clusters": 4}, np.zeros((3, 2)), "n_clusters must be <= n_samples"),
        ({"n_clusters": 2, "init": "bad"}, np.zeros((3, 2)), "init must be one of"),
        ({"n_clusters": 2, "init": np.zeros((3, 2))}, np.zeros((3, 2)), "init centers"),
        ({"n_clusters": 1, "n_init": 0}, np.zeros((3, 2)), "n_init must be >= 1"),
        ({"n_clusters": 1}, np.array([[np.nan, 0.0]]), "NaN or infinity"),
    ],
)
def test_bad_input_is_a_clear_value_error(kwargs, X, match):
    with pytest.raises(ValueError, match=match):
        gmm.KMeans(**kwargs).fit(X)
    with pytest.raises(ValueError, match="labels must be"):
        gmm.update_centers(np.zeros((3, 2)), [0, 1, 5], np.zeros((2, 2)))
