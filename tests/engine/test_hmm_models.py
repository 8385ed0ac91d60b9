"""CategoricalHMM and GaussianHMM: Baum-Welch against hmmlearn, monotone, stochastic rows."""

import warnings

import numpy as np
import pytest

from prmlab.engine import hmm

CASINO_A = np.array([[0.95, 0.05], [0.10, 0.90]])
CASINO_B = np.array([[1 / 6] * 6, [0.1] * 5 + [0.5]])


def casino(**kw):
    model = hmm.CategoricalHMM(2, 6, **kw)
    model.startprob_ = np.array([0.5, 0.5])
    model.transmat_ = CASINO_A.copy()
    model.emissionprob_ = CASINO_B.copy()
    return model


def test_sample_decode_score_predict_proba():
    model = casino(random_state=3)
    X, states = model.sample(3000)
    assert X.shape == states.shape == (3000,)
    np.testing.assert_array_equal(model.sample(50, random_state=1)[0], model.sample(50, 1)[0])
    path, log_prob = model.decode(X)
    assert (path == states).mean() > 0.75
    np.testing.assert_array_equal(model.predict(X), path)
    gamma = model.predict_proba(X)
    np.testing.assert_allclose(gamma.sum(axis=1), 1.0)
    assert log_prob <= model.score(X)
    assert model.score([X[:100], X[100:]]) == pytest.approx(
        model.score(X[:100]) + model.score(X[100:])
    )


@pytest.mark.parametrize("n", [2, 17])
def test_score_samples_matches_hmmlearn(n):
    hmmlearn = pytest.importorskip("hmmlearn.hmm")
    rng = np.random.default_rng(n)
    pi, A = rng.dirichlet(np.ones(n)), rng.dirichlet(np.ones(n), size=n)
    B = rng.dirichlet(np.ones(5), size=n)
    X = rng.integers(0, 5, size=400)
    ours = hmm.CategoricalHMM(n, 5)
    ref = hmmlearn.CategoricalHMM(n, n_features=5)
    for model in (ours, ref):
        model.startprob_, model.transmat_, model.emissionprob_ = pi, A, B
    ll, gamma = ours.score_samples(X)
    ref_ll, ref_gamma = ref.score_samples(X[:, None])
    assert ll == pytest.approx(ref_ll, rel=1e-12)
    np.testing.assert_allclose(gamma, ref_gamma, atol=1e-12)
    assert ll == ours.score(X)
    np.testing.assert_array_equal(gamma, ours.predict_proba(X))


def test_baum_welch_matches_hmmlearn_one_step():
    hmmlearn = pytest.importorskip("hmmlearn.hmm")
    rng = np.random.default_rng(0)
    X, _ = casino().sample(1500, random_state=0)
    pi0, A0 = np.array([0.3, 0.7]), np.array([[0.8, 0.2], [0.3, 0.7]])
    B0 = rng.dirichlet(np.ones(6), size=2)
    ours = hmm.CategoricalHMM(2, 6, n_iter=1, init_params="")
    ours.startprob_, ours.transmat_, ours.emissionprob_ = pi0, A0, B0
    ref = hmmlearn.CategoricalHMM(2, n_iter=1, init_params="", n_features=6)
    ref.startprob_, ref.transmat_, ref.emissionprob_ = pi0, A0, B0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours.fit([X[:700], X[700:]])
        ref.fit(X[:, None], lengths=[700, 800])
    np.testing.assert_allclose(ours.startprob_, ref.startprob_, atol=1e-10)
    np.testing.assert_allclose(ours.transmat_, ref.transmat_, atol=1e-10)
    np.testing.assert_allclose(ours.emissionprob_, ref.emissionprob_, atol=1e-10)


def test_gaussian_matches_hmmlearn():
    hmmlearn = pytest.importorskip("hmmlearn.hmm")
    model = hmm.GaussianHMM(3, covariance_type="full", n_iter=1, init_params="", min_covar=0.0)
    model.startprob_ = np.array([0.5, 0.3, 0.2])
    model.transmat_ = np.array([[0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0.05, 0.15, 0.8]])
    model.means_ = np.array([[0.0, 0.0], [3.0, 1.0], [-2.0, 4.0]])
    model.covars_ = np.array([np.eye(2), [[1.0, 0.5], [0.5, 2.0]], 0.5 * np.eye(2)])
    X, states = model.sample(1000, random_state=2)
    ref = hmmlearn.GaussianHMM(3, covariance_type="full", n_iter=1, init_params="")
    for a in ("startprob_", "transmat_", "means_", "covars_"):
        setattr(ref, a, getattr(model, a).copy())
    assert model.score(X) == pytest.approx(ref.score(X), rel=1e-10)
    np.testing.assert_allclose(model.predict_proba(X), ref.predict_proba(X), atol=1e-8)
    assert model.decode(X)[1] == pytest.approx(ref.decode(X)[0], rel=1e-10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X)
        ref.fit(X)
    np.testing.assert_allclose(model.means_, ref.means_, atol=1e-8)
    np.testing.assert_allclose(model.transmat_, ref.transmat_, atol=1e-10)


@pytest.mark.parametrize("kind", ["categorical", "gaussian-full", "gaussian-diag"])
def test_baum_welch_monotone_and_stochastic(kind):
    rng = np.random.default_rng(5)
    if kind == "categorical":
        X, _ = casino().sample(1200, random_state=4)
        seqs = [X[:400], X[400:]]
        model = hmm.CategoricalHMM(3, 6, n_iter=40, tol=1e-9, random_state=1)
    else:
        seqs = [rng.normal(size=(300, 2)) + 4 * (np.arange(300)[:, None] // 100 % 2) for _ in "ab"]
        model = hmm.GaussianHMM(
            3, n_iter=40, tol=1e-9, random_state=1, covariance_type=kind.split("-")[1]
        )
    steps = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for step in model.iter_fit(seqs):
            steps.append(step)
            np.testing.assert_allclose(step.transmat.sum(axis=1), 1.0)
            np.testing.assert_allclose(step.startprob.sum(), 1.0)
            if step.emissionprob is not None:
                np.testing.assert_allclose(step.emissionprob.sum(axis=1), 1.0)
    history = model.loglik_history_
    assert len(history) == model.n_iter_ == len(steps)
    assert np.all(np.diff(history) >= -1e-8 * np.abs(history[1:]))
    assert steps[-1].progress == 1.0 and 0 < steps[0].progress <= 1
    assert steps[0].transmat is not steps[1].transmat  # fresh arrays


def test_structural_zeros_survive_baum_welch():
    model = hmm.CategoricalHMM(3, 2, n_iter=20, init_params="e", random_state=0)
    model.startprob_ = np.array([1.0, 0.0, 0.0])
    model.transmat_ = np.array([[0.7, 0.3, 0.0], [0.0, 0.7, 0.3], [0.0, 0.0, 1.0]])
    X = np.array([0] * 10 + [1] * 10 + [0] * 10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        model.fit(X)
    assert model.transmat_[1, 0] == 0.0 and model.transmat_[2, 1] == 0.0
    assert model.startprob_[1] == 0.0
    assert np.isfinite(model.loglik_history_).all()


@pytest.mark.filterwarnings("ignore:Baum-Welch did not converge")
def test_unvisited_state_keeps_row_with_warning():
    model = hmm.CategoricalHMM(3, 2, n_iter=5, init_params="", random_state=0)
    model.startprob_ = np.array([0.5, 0.5, 0.0])
    model.transmat_ = np.array([[0.5, 0.5, 0.0], [0.5, 0.5, 0.0], [0.2, 0.3, 0.5]])
    model.emissionprob_ = np.array([[0.9, 0.1], [0.2, 0.8], [0.5, 0.5]])
    with pytest.warns(RuntimeWarning, match=r"state\(s\) \[2\] had no expected visits"):
        model.fit(np.array([0, 1, 1, 0, 0, 1]))
    np.testing.assert_allclose(model.transmat_[2], [0.2, 0.3, 0.5])
    np.testing.assert_allclose(model.emissionprob_[2], [0.5, 0.5])


def test_impossible_sequence():
    model = hmm.CategoricalHMM(2, 2)
    model.startprob_ = np.array([1.0, 0.0])
    model.transmat_ = np.eye(2)
    model.emissionprob_ = np.eye(2)
    with pytest.warns(hmm.ImpossibleSequenceWarning, match="impossible"):
        assert model.score([0, 1]) == -np.inf
    with pytest.warns(hmm.ImpossibleSequenceWarning):
        assert model.decode([0, 1])[1] == -np.inf
    with pytest.raises(ValueError, match="impossible"):
        model.predict_proba([0, 1])
    model.init_params = ""
    with pytest.raises(ValueError, match="Baum-Welch on sequence 1: .*impossible"):
        model.fit([[0, 0], [0, 1]])


@pytest.mark.parametrize(
    "make,call,match",
    [
        (lambda: hmm.CategoricalHMM(2, 3), lambda m: m.fit([0, 5, 1]), r"symbol 5 at t=1"),
        (lambda: hmm.CategoricalHMM(2, 3), lambda m: m.fit([0, 1.5]), "must be integers"),
        (lambda: hmm.CategoricalHMM(0, 3), lambda m: m.fit([0, 1]), "n_states must be >= 1"),
        (lambda: hmm.CategoricalHMM(2, 3), lambda m: m.decode([0, 1]), "call fit"),
        (lambda: hmm.CategoricalHMM(2, 3, params="x"), lambda m: m.fit([0]), "params must"),
        (
            lambda: hmm.GaussianHMM(2, covariance_type="tied"),
            lambda m: m.fit([0.0, 1]),
            "covariance_type must be one of",
        ),
        (lambda: hmm.GaussianHMM(2), lambda m: m.fit([0.0, np.nan]), "NaN"),
        (
            lambda: casino(),
            lambda m: setattr(m, "transmat_", [[0.5, 0.4], [0.5, 0.5]]) or m.score([0, 1]),
            "transmat row 0 sums to 0.9",
        ),
        (
            lambda: casino(),
            lambda m: setattr(m, "emissionprob_", CASINO_B[:, :3]) or m.score([0, 1]),
            "emissionprob_ .*shape",
        ),
        (lambda: hmm.CategoricalHMM(2, 3), lambda m: m.sample(0), "n_samples must be >= 1"),
    ],
)
def test_bad_inputs(make, call, match):
    with pytest.raises(ValueError, match=match):
        call(make())


def test_gaussian_1d_and_recovery():
    truth = hmm.GaussianHMM(2, covariance_type="diag")
    truth.startprob_ = np.array([1.0, 0.0])
    truth.transmat_ = np.array([[0.95, 0.05], [0.05, 0.95]])
    truth.means_ = np.array([[-2.0], [2.0]])
    truth.covars_ = np.array([[0.5], [0.5]])
    X, states = truth.sample(2000, random_state=0)
    model = hmm.GaussianHMM(2, random_state=0).fit(X[:, 0])
    assert model.covars_.shape == (2, 1, 1)
    np.testing.assert_allclose(np.sort(model.means_[:, 0]), [-2, 2], atol=0.15)
    path = model.predict(X[:, 0])
    agree = (path == states).mean()
    assert max(agree, 1 - agree) > 0.97
    with pytest.raises(ValueError, match=r"2 feature\(s\) but .* means_ have 1"):
        model.score(np.zeros((5, 2)))
