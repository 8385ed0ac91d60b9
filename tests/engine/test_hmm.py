"""prmlab.engine.hmm functional core against brute force over all paths and hmmlearn."""

import itertools

import numpy as np
import pytest
from scipy.special import logsumexp

from prmlab.engine import hmm


def random_model(rng, n, m, zeros=False):
    pi = rng.dirichlet(np.ones(n))
    A = rng.dirichlet(np.ones(n), size=n)
    B = rng.dirichlet(np.ones(m), size=n)
    if zeros:  # structural zeros: a left-right chain, a state that cannot start, a mute symbol
        A = np.triu(A)
        A /= A.sum(axis=1, keepdims=True)
        pi[-1] = 0.0
        pi /= pi.sum()
        B[0, 0] = 0.0
        B /= B.sum(axis=1, keepdims=True)
    return pi, A, B


def logs(pi, A, B, obs):
    with np.errstate(divide="ignore"):
        return np.log(pi), np.log(A), np.ascontiguousarray(np.log(B).T[obs])


def brute_force(lp, lA, lB):
    """log p(O, I) for every one of the N^T paths."""
    T, n = lB.shape
    paths = np.array(list(itertools.product(range(n), repeat=T)))
    score = lp[paths[:, 0]] + lB[np.arange(T), paths].sum(axis=1)
    for t in range(1, T):
        score = score + lA[paths[:, t - 1], paths[:, t]]
    return paths, score


CASES = [(3, 5, False, 0), (3, 5, True, 1), (5, 4, False, 2), (5, 4, True, 3), (2, 6, True, 4)]


@pytest.mark.parametrize("n,T,zeros,seed", CASES)
def test_against_brute_force(n, T, zeros, seed):
    rng = np.random.default_rng(seed)
    pi, A, B = random_model(rng, n, 3, zeros)
    obs = rng.integers(1, 3, size=T)  # symbols 1, 2: possible under every state
    lp, lA, lB = logs(pi, A, B, obs)
    paths, score = brute_force(lp, lA, lB)
    ll = logsumexp(score)

    path, log_prob = hmm.viterbi(lp, lA, lB)
    assert log_prob == pytest.approx(score.max(), abs=1e-10)
    assert score[np.flatnonzero((paths == path).all(axis=1))[0]] == pytest.approx(score.max())

    log_alpha, log_beta, log_lik = hmm.forward_backward(lp, lA, lB)
    assert not np.isnan(log_alpha).any() and not np.isnan(log_beta).any()
    assert log_lik == pytest.approx(ll, abs=1e-10)
    weights = np.exp(score - ll)
    gamma = np.array([[weights[paths[:, t] == i].sum() for i in range(n)] for t in range(T)])
    np.testing.assert_allclose(hmm.posteriors(log_alpha, log_beta, log_lik), gamma, atol=1e-12)
    xi = hmm.transition_posteriors(log_alpha, log_beta, lA, lB, log_lik)
    for t in range(T - 1):
        for i, j in [(0, 0), (0, n - 1), (n - 1, n - 1)]:
            hit = (paths[:, t] == i) & (paths[:, t + 1] == j)
            assert xi[t, i, j] == pytest.approx(weights[hit].sum(), abs=1e-12)

    # α_t(i) = Σ over paths ending in i at t of p(o_1..o_t, path)
    t = T // 2
    prefix = lp[paths[:, 0]] + lB[np.arange(t + 1), paths[:, : t + 1]].sum(axis=1)
    for s in range(1, t + 1):
        prefix = prefix + lA[paths[:, s - 1], paths[:, s]]
    for i in range(n):
        sel = paths[:, t] == i
        expected = logsumexp(prefix[sel]) - np.log(n ** (T - t - 1))
        assert np.exp(log_alpha[t, i]) == pytest.approx(np.exp(expected), rel=1e-10, abs=1e-300)

    delta, psi = hmm.viterbi_lattice(lp, lA, lB)
    assert delta[-1].max() == pytest.approx(log_prob)
    back = [int(np.argmax(delta[-1]))]
    for s in range(T - 1, 0, -1):
        back.append(int(psi[s, back[-1]]))
    np.testing.assert_array_equal(back[::-1], path)
    assert (psi[0] == -1).all()


def test_structural_zeros_never_nan():
    pi = np.array([1.0, 0.0, 0.0])
    A = np.array([[0.8, 0.2, 0.0], [0.0, 0.7, 0.3], [0.0, 0.0, 1.0]])
    B = np.array([[0.9, 0.1, 0.0], [0.1, 0.8, 0.1], [0.0, 0.1, 0.9]])
    obs = np.array([0, 0, 1, 1, 2, 2, 2])
    lp, lA, lB = logs(pi, A, B, obs)
    la, lb, ll = hmm.forward_backward(lp, lA, lB)
    assert np.isfinite(ll) and not np.isnan(la).any() and not np.isnan(lb).any()
    assert la[0, 1] == -np.inf
    path, _ = hmm.viterbi(lp, lA, lB)
    np.testing.assert_array_equal(path, [0, 0, 1, 1, 2, 2, 2])
    delta, _ = hmm.viterbi_lattice(lp, lA, lB)
    assert not np.isnan(delta).any()


def test_impossible_sequence_is_minus_inf_with_message():
    pi = np.array([1.0, 0.0])
    A = np.array([[1.0, 0.0], [0.0, 1.0]])
    B = np.array([[1.0, 0.0], [0.0, 1.0]])
    lp, lA, lB = logs(pi, A, B, np.array([0, 0, 1, 0]))
    with pytest.warns(hmm.ImpossibleSequenceWarning, match="impossible.*t = 2"):
        la, lb, ll = hmm.forward_backward(lp, lA, lB)
    assert ll == -np.inf and not np.isnan(la).any() and not np.isnan(lb).any()
    with pytest.warns(hmm.ImpossibleSequenceWarning, match="impossible"):
        _, log_prob = hmm.viterbi(lp, lA, lB)
    assert log_prob == -np.inf
    with pytest.raises(ValueError, match="impossible"):
        hmm.posteriors(la, lb, ll)


@pytest.mark.parametrize(
    "change,match",
    [
        (lambda p, A, B: (p, A[:, :2], B), r"log_transmat must have shape \(n_states"),
        (lambda p, A, B: (p, A, B[:, :2]), r"log_emission must have shape \(T, n_states\)"),
        (lambda p, A, B: (p, A + np.log(0.9) * (np.arange(3) == 1)[:, None], B), "row 1 sums"),
        (lambda p, A, B: (p + 0.1, A, B), "log_startprob sums to"),
        (lambda p, A, B: (p, np.where(np.eye(3) > 0, np.nan, A), B), "log_transmat contains NaN"),
        (lambda p, A, B: (p, A, np.full_like(B, np.inf)), r"\+inf"),
        (lambda p, A, B: (p, A, B[:0]), "at least 1 row"),
    ],
)
def test_bad_log_models(change, match):
    rng = np.random.default_rng(0)
    pi, A, B = random_model(rng, 3, 2)
    lp, lA, lB = logs(pi, A, B, np.array([0, 1, 0]))
    with pytest.raises(ValueError, match=match):
        hmm.forward_backward(*change(lp, lA, lB))
    with pytest.raises(ValueError, match=match):
        hmm.viterbi(*change(lp, lA, lB))


@pytest.mark.parametrize(
    "args,match",
    [
        (([0.5, 0.5], [[0.9, 0.2], [0.5, 0.5]]), r"transmat row 0 sums to 1\.1"),
        (([0.5, 0.5], [[1.1, -0.1], [0.5, 0.5]]), r"transmat\[0, 1\] is negative"),
        (([0.5, 0.5], [[np.nan, 1.0], [0.5, 0.5]]), "transmat contains NaN"),
        (([0.5, 0.5], [[1.0, 0.0, 0.0], [0.5, 0.5, 0.0]]), r"transmat must have shape \(2, 2\)"),
        (([0.6, 0.6], [[1.0, 0.0], [0.5, 0.5]]), "startprob sums to 1.2"),
        (([0.5, 0.5], [[1, 0], [0, 1]], [[0.5, 0.5], [0.2, 0.2]]), "emissionprob row 1 sums"),
        (
            ([0.5, 0.5], [[1, 0], [0, 1]], [[0.5, 0.5]]),
            "emissionprob must have shape .*one row per state",
        ),
    ],
)
def test_check_model_names_the_problem(args, match):
    with pytest.raises(ValueError, match=match):
        hmm.check_model(*args)


def test_against_hmmlearn_long_sequence():
    hmmlearn = pytest.importorskip("hmmlearn.hmm")
    rng = np.random.default_rng(7)
    n, m, T = 6, 4, 2000
    pi, A, B = random_model(rng, n, m)
    obs = rng.integers(0, m, size=T)
    for impl in ("log", "scaling"):
        ref = hmmlearn.CategoricalHMM(n, implementation=impl)
        ref.n_features = m
        ref.startprob_, ref.transmat_, ref.emissionprob_ = pi, A, B
        ref_ll, ref_post = ref.score_samples(obs[:, None])
        ref_lp, ref_path = ref.decode(obs[:, None])
        lp, lA, lB = logs(pi, A, B, obs)
        path, log_prob = hmm.viterbi(lp, lA, lB)
        assert log_prob == pytest.approx(ref_lp, rel=1e-10)

        # equally probable paths (exact ties) may be broken differently: compare joints
        def joint(p, lp=lp, lA=lA, lB=lB):
            return lp[p[0]] + lA[p[:-1], p[1:]].sum() + lB[np.arange(T), p].sum()

        assert joint(path) == pytest.approx(joint(ref_path), rel=1e-12)
        assert (path == ref_path).mean() > 0.99
        la, lb, ll = hmm.forward_backward(lp, lA, lB)
        assert ll == pytest.approx(ref_ll, rel=1e-10)
        np.testing.assert_allclose(hmm.posteriors(la, lb, ll), ref_post, atol=1e-8)
