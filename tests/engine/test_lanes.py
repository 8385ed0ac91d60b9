"""The engine's vector lanes: the HMM's 16-wide reductions (N >= 16), the four-lane exp/log and
the particle filter's weighted moments.

N = 16 takes only the 16-wide path, 17 adds a one-state tail, 32 two 16-wide blocks; each is
checked against a plain log-space forward-backward and Viterbi in NumPy.
"""

import numba
import numpy as np
import pytest
from scipy.special import logsumexp

from prmlab.engine import hmm
from prmlab.engine._lanes import (
    LANES,
    MOMENT_BLOCK,
    exp4_shifted,
    log4_shifted,
    weighted_cross_moment,
    weighted_moment,
)


def _model(n, m, T, seed, zeros):
    rng = np.random.default_rng(seed)
    pi = rng.dirichlet(np.ones(n))
    A = rng.dirichlet(np.ones(n), size=n)
    B = rng.dirichlet(np.ones(m), size=n)
    if zeros:  # a banded left-right chain, states that cannot start, a symbol some cannot emit
        A = np.triu(A) - np.triu(A, 4)
        A /= A.sum(axis=1, keepdims=True)
        pi[n // 2 :] = 0.0
        pi /= pi.sum()
        B[::3, 0] = 0.0
        B /= B.sum(axis=1, keepdims=True)
    obs = rng.integers(0, m, size=T)
    with np.errstate(divide="ignore"):
        return np.log(pi), np.log(A), np.ascontiguousarray(np.log(B).T[obs])


def _reference(lp, lA, lB):
    """Log-space forward, backward and Viterbi lattice, one logsumexp per cell."""
    T, n = lB.shape
    la = np.empty((T, n))
    lb = np.zeros((T, n))
    delta = np.empty((T, n))
    la[0] = delta[0] = lp + lB[0]
    for t in range(1, T):
        la[t] = logsumexp(la[t - 1][:, None] + lA, axis=0) + lB[t]
        delta[t] = np.max(delta[t - 1][:, None] + lA, axis=0) + lB[t]
    for t in range(T - 2, -1, -1):
        lb[t] = logsumexp(lA + (lB[t + 1] + lb[t + 1])[None, :], axis=1)
    return la, lb, logsumexp(la[-1]), delta


@pytest.mark.parametrize("zeros", [False, True])
@pytest.mark.parametrize("n", [16, 17, 32])
def test_wide_states_match_the_log_space_reference(n, zeros):
    lp, lA, lB = _model(n, 7, 300, seed=n, zeros=zeros)
    ref_la, ref_lb, ref_ll, ref_delta = _reference(lp, lA, lB)
    assert np.isfinite(ref_ll)

    la, lb, ll = hmm.forward_backward(lp, lA, lB)
    assert ll == pytest.approx(ref_ll, rel=1e-12)
    finite = np.isfinite(ref_la)
    np.testing.assert_array_equal(np.isfinite(la), finite)  # structural zeros stay -inf
    np.testing.assert_allclose(la[finite], ref_la[finite], rtol=1e-11, atol=1e-9)
    finite = np.isfinite(ref_lb)
    np.testing.assert_array_equal(np.isfinite(lb), finite)
    np.testing.assert_allclose(lb[finite], ref_lb[finite], rtol=1e-11, atol=1e-9)
    gamma = hmm.posteriors(la, lb, ll)
    np.testing.assert_allclose(gamma, np.exp(ref_la + ref_lb - ref_ll), atol=1e-10)

    delta, _ = hmm.viterbi_lattice(lp, lA, lB)
    np.testing.assert_array_equal(np.isfinite(delta), np.isfinite(ref_delta))
    finite = np.isfinite(ref_delta)
    np.testing.assert_allclose(delta[finite], ref_delta[finite], rtol=1e-13)
    path, log_prob = hmm.viterbi(lp, lA, lB)
    assert log_prob == pytest.approx(ref_delta[-1].max(), rel=1e-13)
    joint = lp[path[0]] + lA[path[:-1], path[1:]].sum() + lB[np.arange(len(path)), path].sum()
    assert joint == pytest.approx(log_prob, rel=1e-12)


@numba.njit
def _lanes_apply(x, use_exp):
    """exp(x) or log(x) of x (a multiple of LANES long) through the four-lane intrinsics."""
    out = np.empty_like(x)
    for k in range(0, x.shape[0], LANES):
        if use_exp:
            exp4_shifted(x, out, k, 0.0)
        else:
            log4_shifted(x, out, k, 0.0)
    return out


def _ulps(got, want):
    return np.abs(got - want) / np.spacing(np.abs(want))


def test_four_lane_exp_is_within_one_ulp_of_numpy():
    rng = np.random.default_rng(0)
    x = np.concatenate([
        -rng.exponential(1.0, 40_000), rng.uniform(-708.0, 0.0, 40_000),
        -np.logspace(-300, 2.8, 4_000), [0.0, -0.0, -708.0, -1e-320, -np.log(2.0)] + [-1.0] * 3,
    ])  # fmt: skip
    got = _lanes_apply(x, True)
    assert _ulps(got, np.exp(x)).max() <= 1.0
    below = np.array([-708.5, -745.0, -1e4, -np.inf])  # beyond float64's normal range: 0
    np.testing.assert_array_equal(_lanes_apply(below, True), 0.0)


def test_four_lane_log_is_within_one_ulp_of_numpy():
    rng = np.random.default_rng(1)
    x = np.concatenate([
        rng.uniform(0.0, 1.0, 40_000), np.exp(rng.uniform(-740.0, 700.0, 40_000)),
        np.array([5e-324, 1e-310, 2.2250738585072014e-308, 1.0, 2.0, np.sqrt(2.0), 1e308,
                  np.nextafter(1.0, 2.0), np.nextafter(1.0, 0.0), 0.5, 0.75, 3.0]),
    ])  # fmt: skip
    got = _lanes_apply(x, False)
    assert _ulps(got, np.log(x)).max() <= 1.0
    np.testing.assert_array_equal(_lanes_apply(np.zeros(LANES), False), -np.inf)


@numba.njit
def _moments(w, a, ra, b, rb, lo, blocks):
    return weighted_moment(w, a, ra, lo, blocks), weighted_cross_moment(w, a, ra, b, rb, lo, blocks)


@pytest.mark.parametrize("lo, blocks", [(0, 1), (3, 5), (17, 60)])
def test_lane_moments_match_numpy(lo, blocks):
    """The particle filter's weighted moments: every particle of the range counted once (an
    unaligned start, one block or many), none outside it."""
    rng = np.random.default_rng(lo)
    n = lo + MOMENT_BLOCK * blocks + 9  # particles past the range must not count
    w, a, b = rng.random(n), 1e3 + rng.standard_normal(n), rng.standard_normal(n) * 1e-3
    first, cross = _moments(w, a, 1e3, b, 0.5, lo, blocks)
    part = slice(lo, lo + MOMENT_BLOCK * blocks)
    da, db = a[part] - 1e3, b[part] - 0.5
    np.testing.assert_allclose(first, np.dot(w[part], da), rtol=1e-12)
    np.testing.assert_allclose(cross, np.dot(w[part] * da, db), rtol=1e-12)
    assert _moments(w, a, 1e3, b, 0.5, lo, 0) == (0.0, 0.0)
