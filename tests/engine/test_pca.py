"""PCA against scikit-learn's PCA (full SVD) on the same data, plus closed forms and bad input."""

import os
import subprocess
import sys
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.decomposition import PCA as SkPCA

from prmlab.engine.pca import PCA, ProbabilisticPCA, ZeroVarianceWarning, centred_scatter


def correlated(n, d, seed=0, offset=0.0):
    rng = np.random.default_rng(seed)
    scales = np.linspace(3.0, 0.3, d)  # distinct variances: components are well defined
    Q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    return rng.standard_normal((n, d)) * scales @ Q.T + offset


DATASETS = {
    "eigh tall": correlated(400, 5, 0, offset=2.0),
    "eigh big": correlated(50_000, 6, 1),  # 300k values: moments pass + one BLAS product
    "svd square-ish": correlated(40, 8, 2),
    "svd wide": correlated(6, 10, 3),
}


def assert_equal_up_to_sign(A, B, atol):
    signs = np.sign(np.sum(A * B, axis=-1, keepdims=True))
    np.testing.assert_allclose(A * signs, B, atol=atol)


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("k", [1, 3, None])
def test_matches_sklearn_full_svd(name, k):
    X = DATASETS[name]
    ours, ref = PCA(k).fit(X), SkPCA(k, svd_solver="full").fit(X)
    assert ours.solver_ == ("eigh" if X.shape[0] >= 10 * X.shape[1] else "svd")
    assert ours.n_components_ == ref.n_components_
    np.testing.assert_allclose(ours.mean_, ref.mean_, atol=1e-12)
    np.testing.assert_allclose(
        ours.explained_variance_, ref.explained_variance_, rtol=1e-9, atol=1e-12
    )
    np.testing.assert_allclose(
        ours.explained_variance_ratio_, ref.explained_variance_ratio_, atol=1e-10
    )
    np.testing.assert_allclose(ours.singular_values_, ref.singular_values_, rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(ours.noise_variance_, ref.noise_variance_, rtol=1e-8, atol=1e-12)
    assert_equal_up_to_sign(ours.components_, ref.components_, atol=1e-8)
    Z, Zref = ours.transform(X), ref.transform(X)
    assert_equal_up_to_sign(Z.T, Zref.T, atol=1e-7)
    np.testing.assert_allclose(ours.inverse_transform(Z), ref.inverse_transform(Zref), atol=1e-7)
    np.testing.assert_allclose(ours.fit_transform(X), Z, atol=1e-10)


def test_signs_are_deterministic_largest_entry_positive():
    X = DATASETS["eigh tall"]
    a, b = PCA().fit(X), PCA().fit(X[::-1].copy())
    np.testing.assert_allclose(a.components_, b.components_, atol=1e-10)
    rows = np.arange(a.n_components_)
    assert (a.components_[rows, np.abs(a.components_).argmax(axis=1)] > 0).all()


def test_whiten_matches_sklearn_and_inverts():
    X = DATASETS["svd square-ish"]
    ours, ref = PCA(3, whiten=True).fit(X), SkPCA(3, whiten=True, svd_solver="full").fit(X)
    Z = ours.transform(X)
    np.testing.assert_allclose(Z.std(axis=0, ddof=1), 1.0, rtol=1e-9)
    assert_equal_up_to_sign(Z.T, ref.transform(X).T, atol=1e-8)
    full = PCA(whiten=True).fit(X)
    np.testing.assert_allclose(full.inverse_transform(full.transform(X)), X, atol=1e-9)


def test_fraction_of_variance_picks_components_like_sklearn():
    X = DATASETS["eigh tall"]
    for fraction in (0.5, 0.9, 0.999):
        ours, ref = PCA(fraction).fit(X), SkPCA(fraction, svd_solver="full").fit(X)
        assert ours.n_components_ == ref.n_components_


@pytest.mark.parametrize(
    "n_components", [0.3, 0.95, np.float64(0.5), 1.0, 2.0, np.float64(2.0), 1.5, -0.5, np.nan]
)
def test_float_n_components_means_what_it_means_in_sklearn(n_components):
    # a float in (0, 1) is a variance fraction; any other float is refused (PCA(1.0) used to
    # mean one component silently)
    X = DATASETS["eigh tall"]
    try:
        ref = SkPCA(n_components, svd_solver="full").fit(X)
    except ValueError:
        with pytest.raises(ValueError, match=r"n_components as a float must be in \(0, 1\)"):
            PCA(n_components).fit(X)
    else:
        assert PCA(n_components).fit(X).n_components_ == ref.n_components_


def test_probabilistic_pca_refuses_float_component_counts():
    with pytest.raises(ValueError, match=r"n_components must be an int in \[1, 2\] or None"):
        ProbabilisticPCA(1.0).fit(np.random.default_rng(0).standard_normal((20, 3)))


def test_offset_data_keep_full_precision():
    rng = np.random.default_rng(5)
    small = rng.standard_normal((3000, 3)) * [1.0, 2.0, 3.0]
    for X in (small + 1e8, np.ascontiguousarray(np.tile(small, (30, 1)) + 1e8)):  # small, big path
        mean, scatter = centred_scatter(X)
        centred = X - X.mean(axis=0)
        np.testing.assert_allclose(mean, (X - 1e8).mean(axis=0) + 1e8, rtol=1e-15)
        np.testing.assert_allclose(scatter, centred.T @ centred, rtol=1e-9, atol=1e-6)
    ev = PCA().fit(small + 1e8).explained_variance_
    np.testing.assert_allclose(ev, PCA().fit(small).explained_variance_, rtol=1e-7)


@pytest.mark.parametrize("offset", [0.0, 5.0, 1e6])  # one BLAS product, or centred blocks
def test_big_data_scatter_is_exact_whatever_the_offset(offset):
    rng = np.random.default_rng(7)
    X = np.ascontiguousarray(rng.standard_normal((70_000, 4)) * [1.0, 0.5, 2.0, 1e-3] + offset)
    mean, scatter = centred_scatter(X)
    exact = (X - offset).mean(axis=0) + offset
    centred = X - exact
    np.testing.assert_allclose(mean, exact, rtol=1e-15, atol=1e-15)
    np.testing.assert_allclose(scatter, centred.T @ centred, rtol=1e-10, atol=1e-9)


@pytest.mark.parametrize("d", [1, 2, 3, 4, 5, 7, 8, 11, 50, 61, 128])
def test_tile_kernel_sums_every_row_of_a_chunk_into_the_upper_triangle(d):
    """The register-tile kernel on chunk bounds that are not multiples of its 64-row blocks,
    for every leftover of the 8- and 4-column tiles: X^T X's upper triangle and the column
    sums, both also accumulated onto what the product held."""
    from prmlab.engine.pca import _kernels

    X = np.ascontiguousarray(np.random.default_rng(d).standard_normal((300, d)) + 0.5)
    lo, hi = 3, 262
    width = _kernels.product_width(d)
    product = np.zeros((width, width))
    _kernels.add_sums_and_product(X, lo, 130, product)
    _kernels.add_sums_and_product(X, 130, hi, product)
    rows = X[lo:hi]
    upper = np.triu_indices(d)
    np.testing.assert_allclose(product[:d, :d][upper], (rows.T @ rows)[upper], rtol=1e-13)
    np.testing.assert_allclose(product[:d, d], rows.sum(axis=0), rtol=1e-13, atol=1e-12)


def test_big_data_with_a_nan_names_the_cell():
    X = np.random.default_rng(8).standard_normal((70_000, 3))
    X[54_321, 2] = np.nan
    with pytest.raises(ValueError, match=r"NaN or infinity \(first at index \(54321, 2\)\)"):
        PCA(2).fit(X)


def test_zero_total_variance_warns_and_stays_finite():
    X = np.full((6, 3), 4.2)
    with pytest.warns(ZeroVarianceWarning, match="zero total variance"):
        model = PCA(whiten=True).fit(X)
    for attr in ("explained_variance_ratio_", "explained_variance_", "components_"):
        assert np.isfinite(getattr(model, attr)).all()
    assert (model.explained_variance_ratio_ == 0).all()
    np.testing.assert_allclose(model.components_ @ model.components_.T, np.eye(3), atol=1e-12)
    assert np.isfinite(model.transform(X)).all()
    assert np.isfinite(model.inverse_transform(model.transform(X))).all()


@pytest.mark.parametrize("n", [8, 200])  # svd and eigh
def test_rank_deficient_data_no_nan(n):
    rng = np.random.default_rng(2)
    t = rng.standard_normal((n, 1))
    X = np.hstack([t, 2 * t, np.zeros((n, 1))])  # rank 1 in 3-D
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = PCA(whiten=True).fit(X)
    assert np.isfinite(model.explained_variance_ratio_).all()
    np.testing.assert_allclose(model.explained_variance_ratio_[0], 1.0, atol=1e-12)
    assert np.isfinite(model.transform(X)).all()
    np.testing.assert_allclose(model.components_[0], [1, 2, 0] / np.sqrt(5), atol=1e-10)


@given(
    n=st.integers(2, 40),
    d=st.integers(1, 6),
    seed=st.integers(0, 2**16),
    scale=st.sampled_from([1e-6, 1.0, 1e6]),
)
@settings(max_examples=30, deadline=None)
def test_invariants_on_random_shapes(n, d, seed, scale):
    X = np.random.default_rng(seed).standard_normal((n, d)) * scale + scale
    model = PCA().fit(X)
    k = min(n, d)
    assert model.components_.shape == (k, d)
    np.testing.assert_allclose(model.components_ @ model.components_.T, np.eye(k), atol=1e-8)
    assert np.all(np.diff(model.explained_variance_) <= 1e-9 * scale**2)
    assert np.isfinite(model.explained_variance_ratio_).all()
    assert model.explained_variance_ratio_.sum() == pytest.approx(1.0, abs=1e-9)
    if k == d:  # all components kept: projection is a rotation, reconstruction is exact
        np.testing.assert_allclose(
            model.inverse_transform(model.transform(X)), X, atol=1e-8 * scale
        )


@pytest.mark.parametrize(
    ("X", "kwargs", "match"),
    [
        (np.empty((0, 3)), {}, "at least 2 row"),
        (np.ones((1, 3)), {}, "at least 2 row"),
        (np.array([1.0, 2.0, 3.0]), {}, "reshape"),
        (np.array([[1.0, np.nan], [2.0, 3.0], [4.0, 5.0]]), {}, "NaN or infinity"),
        (np.array([[1.0, 2.0], [np.inf, 3.0]] * 30), {}, "NaN or infinity"),  # eigh path
        (np.array([["a", "b"], ["c", "d"]]), {}, "must hold real numbers"),
        (np.ones((5, 3)), {"n_components": 4}, r"n_components must be <= .* = 3, got 4"),
        (np.ones((2, 3)), {"n_components": 3}, r"n_components must be <= .* = 2, got 3"),
        (np.ones((5, 3)), {"n_components": 0}, "n_components must be >= 1"),
        (np.ones((5, 3)), {"n_components": 1.5}, r"as a float must be in \(0, 1\)"),
        (np.ones((5, 3)), {"n_components": "two"}, "n_components must be an integer"),
        (np.ones((5, 3)), {"whiten": "yes"}, "whiten must be True or False"),
    ],
)
def test_bad_input_is_a_clear_value_error(X, kwargs, match):
    with pytest.raises(ValueError, match=match):
        PCA(**kwargs).fit(X)


def test_overflowing_values_are_refused():
    X = np.array([[1e300, 0.0], [-1e300, 1.0]] * 20)
    with pytest.raises(ValueError, match="too large"):
        PCA().fit(X)


def test_use_before_fit_and_wrong_columns():
    with pytest.raises(ValueError, match="not fitted yet"):
        PCA().transform(np.ones((2, 2)))
    model = PCA(2).fit(DATASETS["eigh tall"])
    with pytest.raises(ValueError, match="must have 5 columns"):
        model.transform(np.ones((3, 4)))
    with pytest.raises(ValueError, match="Z must have 2 columns"):
        model.inverse_transform(np.ones((3, 3)))


def test_big_data_product_starts_no_parallel_region_and_waits_for_no_busy_thread():
    """The chunks of X^T X run on the engine's pool, handed out as its threads come free:
    no Numba parallel region is launched (so no OpenMP/TBB pool is started, nor left spinning
    after the call), and a pool thread held up elsewhere only takes fewer chunks."""
    code = """
import threading
import numba
import numpy as np
from prmlab.engine._parallel import shared_pool
from prmlab.engine.pca import PCA, centred_scatter

X = np.ascontiguousarray(np.random.default_rng(0).standard_normal((70_000, 5)))
PCA(2).fit(X)
try:
    layer = numba.threading_layer()
except ValueError:  # no parallel region has run
    layer = None
release = threading.Event()
busy = shared_pool().submit(release.wait, 60)  # one of the 2 pool threads is held up
mean, scatter = centred_scatter(X)  # done by the other thread alone
released = busy.done()
release.set()
centred = X - X.mean(axis=0)
assert np.allclose(scatter, centred.T @ centred, rtol=1e-12, atol=1e-9)
print(layer, released)
"""
    env = {**os.environ, "NUMBA_NUM_THREADS": "2"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["None", "False"]


def test_big_data_product_is_done_by_the_caller_when_every_pool_thread_is_busy():
    """The caller takes chunks itself and drops helpers that never started: with every thread
    of the engine's pool held up elsewhere (e.g. a fit run from a pool task), X^T X is still
    computed, by the caller alone, instead of waiting for a free thread."""
    import threading

    import numba

    from prmlab.engine._parallel import shared_pool

    X = np.ascontiguousarray(np.random.default_rng(0).standard_normal((70_000, 5)))
    release = threading.Event()
    busy = [shared_pool().submit(release.wait, 60) for _ in range(numba.config.NUMBA_NUM_THREADS)]
    results = []
    fit = threading.Thread(target=lambda: results.append(centred_scatter(X)))
    try:
        fit.start()
        fit.join(timeout=30)
        assert not fit.is_alive(), "centred_scatter waited for a busy pool thread"
        assert not any(b.done() for b in busy)
    finally:
        release.set()
        fit.join()
    centred = X - X.mean(axis=0)
    np.testing.assert_allclose(results[0][1], centred.T @ centred, rtol=1e-12, atol=1e-9)
