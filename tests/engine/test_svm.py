"""SVC against scikit-learn's SVC (libsvm) on the same data, plus the hard margin and bad input."""

import time
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_blobs, make_circles, make_moons
from sklearn.metrics.pairwise import pairwise_kernels
from sklearn.svm import SVC as SkSVC

from prmlab.engine import svm
from prmlab.engine.svm import SVC, ConvergenceWarning, SmoStep
from prmlab.engine.svm import _kernels as K


def _xor(n=120, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, 2))
    return X, (X[:, 0] * X[:, 1] > 0).astype(int)


DATASETS = {
    "moons": make_moons(120, noise=0.3, random_state=0),
    "circles": make_circles(120, noise=0.1, factor=0.5, random_state=0),
    "blobs": make_blobs(120, centers=[[-1, 0], [1, 0.5]], cluster_std=0.9, random_state=0),
    "xor": _xor(),
}
PARAMS = dict(gamma=0.5, degree=3, coef0=1.0)


def sk_dual_objective(model, X):
    """sum a - 1/2 a^T Q a from scikit-learn's dual_coef_ (= a_i y_i)."""
    dc = model.dual_coef_[0]
    SV = X[model.support_]
    metric = "linear" if model.kernel == "linear" else model.kernel
    kw = {} if metric == "linear" else {"gamma": model.gamma}
    if metric == "poly":
        kw.update(degree=model.degree, coef0=model.coef0)
    Kmat = pairwise_kernels(SV, metric=metric, **kw)
    return np.abs(dc).sum() - 0.5 * dc @ Kmat @ dc


@pytest.mark.parametrize("kernel", ["linear", "poly", "rbf"])
@pytest.mark.parametrize("name", list(DATASETS))
@pytest.mark.parametrize("C", [0.3, 10.0])
def test_matches_libsvm(name, kernel, C):
    X, y = DATASETS[name]
    ours = SVC(C=C, kernel=kernel, **PARAMS).fit(X, y)
    ref = SkSVC(C=C, kernel=kernel, **PARAMS).fit(X, y)
    ref_obj = sk_dual_objective(ref, X)
    assert ours.dual_objective_ == pytest.approx(ref_obj, rel=1e-3)
    # At tol=1e-3 borderline points may differ (test_tight_tolerance_... asks equality).
    assert len(set(ours.support_) ^ set(ref.support_)) <= max(1, 0.03 * len(ref.support_))
    # On the training set and a grid, the same predictions wherever libsvm is sure.
    g = np.linspace(-2.5, 2.5, 25)
    P = np.vstack([X, np.array(np.meshgrid(g, g)).reshape(2, -1).T])
    sure = np.abs(ref.decision_function(P)) > 0.02
    assert np.array_equal(ours.predict(P)[sure], ref.predict(P)[sure])
    assert ours.dual_coef_.shape == (1, len(ours.support_))
    assert ours.n_iter_ > 0


@pytest.mark.parametrize("kernel", ["linear", "poly", "rbf"])
def test_tight_tolerance_matches_coefficients(kernel):
    X, y = DATASETS["moons"]
    ours = SVC(C=1.0, kernel=kernel, tol=1e-7, **PARAMS).fit(X, y)
    ref = SkSVC(C=1.0, kernel=kernel, tol=1e-7, **PARAMS).fit(X, y)
    order = np.argsort(ref.support_)
    np.testing.assert_array_equal(ours.support_, ref.support_[order])
    np.testing.assert_allclose(ours.dual_coef_[0], ref.dual_coef_[0][order], atol=1e-5)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-5)
    np.testing.assert_allclose(ours.decision_function(X), ref.decision_function(X), atol=1e-5)


def test_any_two_labels_and_sign_convention():
    X, y = DATASETS["blobs"]
    labels = np.where(y == 1, "yes", "no")
    model = SVC(kernel="linear").fit(X, labels)
    assert list(model.classes_) == ["no", "yes"]
    f = model.decision_function(X)
    np.testing.assert_array_equal(model.predict(X), np.where(f > 0, "yes", "no"))
    assert model.score(X, labels) > 0.8
    # w = sum a_i y_i x_i: the linear decision is w.x + b, margin width 2/||w||
    np.testing.assert_allclose(f, X @ model.coef_[0] + model.intercept_[0])
    assert model.margin_width_ == pytest.approx(2 / np.linalg.norm(model.coef_))
    np.testing.assert_allclose(model.alpha_, np.abs(model.dual_coef_[0]))
    assert np.all(model.alpha_ <= model.C + 1e-12)


def test_hard_margin_equals_libsvm_with_huge_C():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(80, 2))
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)
    X[y == 1] += 0.3
    for kernel in ("linear", "rbf"):
        ours = SVC(C=np.inf, kernel=kernel, **PARAMS).fit(X, y)
        ref = SkSVC(C=1e8, kernel=kernel, **PARAMS).fit(X, y)
        assert ours.dual_objective_ == pytest.approx(sk_dual_objective(ref, X), rel=1e-3)
        assert set(ours.support_) == set(ref.support_)
        assert ours.score(X, y) == 1.0
        # every point on or outside the margin: y f(x) >= 1 (up to tol)
        yf = np.where(y == 1, 1, -1) * ours.decision_function(X)
        assert yf.min() > 1 - 2e-3


@pytest.mark.parametrize(
    ("kernel", "X", "y"),
    [
        ("linear", *DATASETS["blobs"]),
        ("poly", *_xor(200)),
        ("linear", *make_moons(2000, noise=0.3, random_state=0)),
        ("rbf", np.array([[0.0, 0], [1, 1], [1, 1], [2, 0]]), np.array([0, 0, 1, 1])),
    ],
)
def test_hard_margin_on_inseparable_data_raises_promptly(kernel, X, y):
    if kernel == "poly":  # XOR is separable by a cubic: make it overlap
        y = y.copy()
        y[:10] = 1 - y[:10]
    t0 = time.perf_counter()
    with pytest.raises(ValueError, match="not separable.*feature space.*finite C"):
        SVC(C=np.inf, kernel=kernel, degree=3).fit(X, y)
    assert time.perf_counter() - t0 < 30  # generous: "never hangs", not a timing assertion


def test_hard_margin_gives_up_on_a_vanishing_margin():
    # RBF separates distinct points in theory; these two are 1e-9 apart with opposite labels.
    X = np.array([[0.0, 0.0], [1e-9, 0.0], [3.0, 3.0], [-3.0, 3.0]])
    y = np.array([0, 1, 0, 1])
    with pytest.raises(ValueError, match="not separable.*vanishing margin|grows without bound"):
        SVC(C=np.inf, kernel="rbf", max_iter=2000).fit(X, y)


def test_iter_fit_steps_climb_to_the_fit():
    X, y = DATASETS["moons"]
    model = SVC(C=1.0)
    steps = list(model.iter_fit(X, y, pairs_per_step=3))
    assert all(isinstance(s, SmoStep) for s in steps)
    first, last = steps[0], steps[-1]
    assert first.n_iter == 0 and first.pair == (-1, -1) and first.dual_objective == 0.0
    assert len(first.violators) == len(X)  # a = 0, b = 0: nobody meets y f(x) >= 1
    objective = np.array([s.dual_objective for s in steps])
    assert np.all(np.diff(objective) >= -1e-12)
    assert [s.n_iter for s in steps[1:-1]] == list(range(3, 3 * len(steps) - 3, 3))
    i, j = steps[1].pair
    assert 0 <= i < len(X) and 0 <= j < len(X) and i != j
    # Mid-run, the model's attributes describe the latest iterate.
    live = SVC(C=1.0)
    gen = live.iter_fit(X, y, pairs_per_step=2)
    next(gen)
    mid = next(gen)
    np.testing.assert_array_equal(live.support_, np.flatnonzero(mid.alpha > 0))
    np.testing.assert_allclose(live.alpha_, mid.alpha[mid.alpha > 0])
    assert live.intercept_[0] == mid.b and live.n_iter_ == 2
    assert last.converged and last.progress == 1.0 and last.gap < model.tol
    assert len(last.violators) <= 3
    fitted = SVC(C=1.0).fit(X, y)
    assert model.dual_objective_ == pytest.approx(fitted.dual_objective_)
    np.testing.assert_array_equal(model.support_, fitted.support_)
    assert last.b == pytest.approx(fitted.intercept_[0])
    # The traces: W after every pair update, ending at each frame's exact objective.
    trace = np.vstack([s.trace for s in steps])
    np.testing.assert_array_equal(trace[:, 0], np.arange(1, last.n_iter + 1))
    assert np.all(np.diff(trace[:, 1]) >= -1e-12)
    for s in steps[1:]:
        assert s.trace[-1, 1] == pytest.approx(s.dual_objective, rel=1e-9)
    # time-chunked frames end at the same model; their traces are thinned evenly
    timed = SVC(C=1.0)
    timed_steps = list(timed.iter_fit(X, y))
    np.testing.assert_allclose(timed.dual_coef_, fitted.dual_coef_)
    trace = np.vstack([s.trace for s in timed_steps])
    assert all(len(s.trace) <= svm.TRACE_LEN for s in timed_steps)
    assert trace[-1, 1] == pytest.approx(fitted.dual_objective_, rel=1e-9)
    assert np.all(np.diff(trace[:, 0]) > 0)


def test_trace_thins_a_long_run_to_its_buffer():
    X, y = make_moons(400, noise=0.3, random_state=1)
    model = SVC(C=100.0, kernel="linear")
    steps = list(model.iter_fit(X, y, pairs_per_step=5000))
    trace = steps[1].trace
    n = steps[1].n_iter
    assert n > svm.TRACE_LEN and len(trace) > svm.TRACE_LEN // 2
    assert len(trace) <= svm.TRACE_LEN
    stride = trace[0, 0]
    np.testing.assert_array_equal(trace[:, 0], stride * np.arange(1, len(trace) + 1))
    assert trace[-1, 0] > n - stride - 1


def test_small_kernel_cache_evicts_rows_and_agrees(monkeypatch):
    X, y = DATASETS["moons"]
    full = SVC(C=1.0).fit(X, y)
    monkeypatch.setattr(svm, "CACHE_BYTES", 8 * len(X) * 5)  # 5 rows only
    small = SVC(C=1.0).fit(X, y)
    np.testing.assert_allclose(small.dual_coef_, full.dual_coef_)
    assert small.n_iter_ == full.n_iter_


def test_max_iter_warns():
    X, y = DATASETS["moons"]
    with pytest.warns(ConvergenceWarning, match="iteration limit"):
        model = SVC(max_iter=5).fit(X, y)
    assert model.n_iter_ == 5


def test_vectorised_exp_matches_numpy():
    z = -np.concatenate([np.linspace(0, 50, 997), [1e-300, 707.9, 708.5, 900.0, np.inf]])
    out = z.copy()
    K.exp_nonpositive_inplace(out, np.empty_like(out))
    np.testing.assert_allclose(out[:-3], np.exp(z[:-3]), rtol=2e-15, atol=0)
    assert np.all(out[-3:] == 0.0)


@pytest.mark.parametrize(
    ("kwargs", "X", "y", "match"),
    [
        ({}, [[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]], [1, 1, 1], "exactly two classes.*one class"),
        ({}, [[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]], [0, 1, 2], "exactly two.*3 classes"),
        ({}, [[0.0, np.nan], [1.0, 0.0]], [0, 1], "NaN or infinity"),
        ({}, [[0.0, np.inf], [1.0, 0.0]], [0, 1], "NaN or infinity"),
        ({}, np.empty((0, 2)), [], "at least 2 row"),
        ({}, [[0.0, 1.0], [1.0, 0.0]], [0, 1, 1], "one label per sample"),
        ({"C": 0.0}, [[0.0], [1.0]], [0, 1], "C must be > 0, got 0.0"),
        ({"C": -1.0}, [[0.0], [1.0]], [0, 1], "C must be > 0"),
        ({"gamma": 0.0}, [[0.0], [1.0]], [0, 1], "gamma must be > 0"),
        ({"gamma": -2.0}, [[0.0], [1.0]], [0, 1], "gamma must be > 0"),
        ({"kernel": "sigmoid"}, [[0.0], [1.0]], [0, 1], "kernel must be one of"),
        ({"degree": 0}, [[0.0], [1.0]], [0, 1], "degree must be >= 1"),
        ({"tol": 0.0}, [[0.0], [1.0]], [0, 1], "tol must be > 0"),
        ({"max_iter": 0}, [[0.0], [1.0]], [0, 1], "max_iter must be >= 1"),
        ({"C": np.nan}, [[0.0], [1.0]], [0, 1], "C must be a finite number"),
    ],
)
def test_bad_input(kwargs, X, y, match):
    with pytest.raises(ValueError, match=match):
        SVC(**kwargs).fit(X, y)
    with pytest.raises(ValueError, match=match):
        next(SVC(**kwargs).iter_fit(X, y))


def test_bad_prediction_input():
    with pytest.raises(ValueError, match="not fitted"):
        SVC().decision_function([[0.0, 0.0]])
    X, y = DATASETS["moons"]
    model = SVC().fit(X, y)
    with pytest.raises(ValueError, match="must have 2 columns"):
        model.predict([[0.0, 0.0, 0.0]])
    with pytest.raises(ValueError, match="NaN"):
        model.predict([[0.0, np.nan]])
    with pytest.raises(AttributeError, match="linear"):
        model.coef_


def test_warmup_runs_quietly():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        svm.warmup()


@pytest.mark.parametrize("kernel", ["rbf", "poly", "linear"])
def test_decision_grid_equals_decision_function_on_the_meshgrid(kernel):
    X, y = make_moons(200, noise=0.3, random_state=0)
    model = SVC(kernel=kernel, C=1.0, gamma=0.5, degree=3).fit(X, y)
    xs, ys = np.linspace(-2, 3, 31), np.linspace(-1.5, 2, 17)
    gx, gy = np.meshgrid(xs, ys)
    expected = model.decision_function(np.column_stack([gx.ravel(), gy.ravel()]))
    np.testing.assert_allclose(model.decision_grid(xs, ys), expected.reshape(17, 31), atol=1e-12)


def test_decision_grid_refuses_bad_input():
    X, y = make_moons(50, noise=0.3, random_state=0)
    with pytest.raises(ValueError, match="not fitted"):
        SVC().decision_grid([0.0], [0.0])
    model = SVC().fit(X, y)
    with pytest.raises(ValueError, match="xs"):
        model.decision_grid([0.0, np.nan], [0.0])
    with pytest.raises(ValueError, match="feature"):
        SVC().fit(np.column_stack([X, X[:, :1]]), y).decision_grid([0.0], [0.0])
