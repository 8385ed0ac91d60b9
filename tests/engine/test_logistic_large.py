"""LogisticRegression on many rows (issue #18's speed point): the kernel's numbers, one
Hessian pass over all the rows, convergence on well-separated classes, the same bits on any
thread count, and the fit against scikit-learn's."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from sklearn import linear_model as sk

from prmlab.bench.linear import _logistic_data  # the benchmark's data: overlapping classes
from prmlab.engine.linear import LogisticRegression, _chunks
from prmlab.engine.linear import _kernels as K
from prmlab.engine.linear._logistic_problem import Problem


def _far_blobs(n: int, d: int, n_classes: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Classes around centres ~2σ apart: most rows are classified with a wide margin."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, n_classes, n)
    return rng.standard_normal((n, d)) + rng.standard_normal((n_classes, d))[y] * 2.0, y


def _tight(**kw):
    return sk.LogisticRegression(solver="newton-cholesky", tol=1e-12, max_iter=10_000, **kw)


def _direct(X, theta, t):
    """The binary pass's log-likelihood, gradient and Hessian by their formulas, with
    ``log(1 + e^-|s|)`` by NumPy's ``log1p``."""
    phi = np.column_stack([X, np.ones(len(X))])
    s = phi @ theta
    u = np.where(t == 1.0, -s, s)  # the score against the row's own class
    p_other = np.exp(-np.logaddexp(0.0, -u))  # σ(u): the probability of the other class
    r = np.where(t == 1.0, -p_other, p_other)
    w = p_other * np.exp(-np.logaddexp(0.0, u))
    ll = -np.sum(np.maximum(u, 0.0) + np.log1p(np.exp(-np.abs(u))))
    return ll, phi.T @ r, (phi * w[:, None]).T @ phi


def test_the_kernel_gives_the_formulas_numbers_in_blocks_and_groups() -> None:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((300, 5))
    t = (rng.random(300) < 0.5).astype(float)
    theta = rng.standard_normal(6)
    lo, hi = 3, 3 + 2 * K.LOGISTIC_BLOCK + 7  # two whole blocks and a part group
    ll, g, H = K.logistic_rows(X, theta, t, True, True, lo, hi)
    ref_ll, ref_g, ref_H = _direct(X[lo:hi], theta, t[lo:hi])
    assert ll == pytest.approx(ref_ll, rel=1e-13)
    np.testing.assert_allclose(g, ref_g, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(H, np.tril(ref_H), rtol=1e-12, atol=1e-12)
    ll_only, g_only, no_H = K.logistic_rows(X, theta, t, True, False, lo, hi)
    assert (ll_only, no_H.shape) == (ll, (0, 0))
    np.testing.assert_array_equal(g_only, g)


def test_well_classified_rows_add_their_tiny_terms_exactly() -> None:
    # score 40 on the row's own side: log p = −log(1 + e⁻⁴⁰) ≈ −4.2e-18 and p − t ≈ ∓4.2e-18
    # (σ(s) − 1 and s − log(1 + eˢ) rounded both to 0; the line search then saw only noise)
    X = np.array([[40.0], [-40.0]])
    t = np.array([1.0, 0.0])
    tiny = np.exp(-40.0)
    ll, g, H = K.logistic_rows(X, np.array([1.0, 0.0]), t, True, True, 0, 2)
    assert ll == pytest.approx(-2.0 * np.log1p(tiny), rel=1e-14)
    np.testing.assert_allclose(g, [-80.0 * tiny, 0.0], rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(H[1, 1], 2.0 * tiny / (1.0 + tiny) ** 2, rtol=1e-14)


def test_log1p_on_the_unit_interval_is_within_a_few_ulp() -> None:
    x = np.concatenate([np.linspace(0.0, 1.0, 2001), np.geomspace(1e-300, 1.0, 500)])
    ours = np.array([K._log1p_unit(v) for v in x])
    np.testing.assert_allclose(ours, np.log1p(x), rtol=4 * np.finfo(float).eps, atol=0.0)
    assert K._log1p_unit(0.0) == 0.0


def _passes(monkeypatch) -> list[tuple[int, bool]]:
    """Record ``(rows, with Hessian)`` of every evaluation of the objective."""
    calls: list[tuple[int, bool]] = []
    evaluate = Problem.evaluate

    def counted(self, theta, hessian):
        calls.append((self.X.shape[0], hessian))
        return evaluate(self, theta, hessian)

    monkeypatch.setattr(Problem, "evaluate", counted)
    return calls


def test_a_large_fit_makes_one_hessian_pass_over_all_rows(monkeypatch) -> None:
    # a Hessian pass costs ~3 gradient passes: the subsample's Hessian takes the first step
    X, y = _logistic_data(60_000, 8, seed=0)
    calls = _passes(monkeypatch)
    model = LogisticRegression().fit(X, y)
    full = [hessian for rows, hessian in calls if rows == len(X)]
    assert sum(full) == 1 and len(full) <= 5 and model.converged_
    np.testing.assert_allclose(model.coef_, _tight().fit(X, y).coef_, atol=1e-6)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_well_separated_classes_on_many_rows_converge_in_few_steps(n_classes: int) -> None:
    # two classes: 100 steps of 30 halvings each (~3,000 passes) before the exact terms
    X, y = _far_blobs(60_000, 3, n_classes, seed=11)
    model = LogisticRegression().fit(X, y)
    assert model.converged_ and model.n_iter_ <= 10
    ref = _tight().fit(X, y)
    np.testing.assert_allclose(model.coef_, ref.coef_, atol=1e-6)
    np.testing.assert_allclose(model.intercept_, ref.intercept_, atol=1e-6)


def test_a_large_fit_has_the_same_bits_on_one_thread(monkeypatch) -> None:
    X, y = _logistic_data(60_000, 5, seed=2)
    many = LogisticRegression().fit(X, y)
    with ThreadPoolExecutor(1) as one_thread:
        monkeypatch.setattr(_chunks, "shared_pool", lambda: one_thread)
        one = LogisticRegression().fit(X, y)
    np.testing.assert_array_equal(one.coef_, many.coef_)
    np.testing.assert_array_equal(one.intercept_, many.intercept_)
    assert one.log_likelihood_ == many.log_likelihood_
