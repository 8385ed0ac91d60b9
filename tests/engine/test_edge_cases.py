"""Engine edge cases: overflow refused with one message everywhere, and errors that blame the
parameter at fault (not another one, and not in NumPy's or SciPy's words)."""

import numpy as np
import pytest

from prmlab.engine import gmm, hmm, mcmc, pca

X = np.random.default_rng(0).standard_normal((50, 2))
TOO_LARGE = "X has values too large to square without overflow"
GHMM = hmm.GaussianHMM(2, n_iter=2, tol=1e300, random_state=0).fit(X)


@pytest.mark.parametrize(
    "call",
    [
        lambda: gmm.KMeans(2, n_init=1, random_state=0).fit(X * 1e300),
        lambda: gmm.GaussianMixture(2, random_state=0).fit(X * 1e300),
        lambda: pca.PCA(2).fit(X * 1e300),
        lambda: gmm.KMeans(2, n_init=1, random_state=0).fit(X).predict(X * 1e300),
        lambda: gmm.GaussianMixture(2, random_state=0).fit(X).score_samples(X * 1e300),
        lambda: gmm.assign_labels(X * 1e300, X[:2]),
        lambda: gmm.e_step(X * 1e300, [0.5, 0.5], X[:2], np.stack([np.eye(2)] * 2)),
    ],
    ids=["KMeans.fit", "GMM.fit", "PCA.fit", "KMeans.predict", "GMM.score_samples", "assign", "e"],
)
def test_overflow_is_refused_with_the_same_message(call):
    # before: KMeans inertia_ = inf, score_samples all -inf, GMM fit "ill-defined covariance"
    with pytest.raises(ValueError, match=TOO_LARGE):
        call()


def test_far_points_overflowing_a_tight_mixture_are_refused_not_scored_minus_inf():
    model = gmm.GaussianMixture(1, covariance_type="diag", reg_covar=1e-300).fit(X * 1e-150)
    with pytest.raises(ValueError, match=r"X row 0 is too far from every component"):
        model.score_samples(np.full((3, 2), 1e150))


def test_kmeans_predict_blames_x_for_a_wrong_number_of_features():
    km = gmm.KMeans(2, n_init=1, random_state=0).fit(X)
    with pytest.raises(ValueError, match=r"^X must have 2 columns like the data .*, got 1;"):
        km.predict(X[:, :1])
    with pytest.raises(ValueError, match=r"^X must have 2 columns like the data .*, got 3;"):
        km.score(np.ones((4, 3)))


@pytest.mark.parametrize(
    "call",
    [
        lambda: pca.PCA(1).fit(np.zeros((60, 0))),
        lambda: gmm.KMeans(2).fit(np.zeros((60, 0))),
        lambda: hmm.GaussianHMM(2).fit(np.zeros((60, 0))),
    ],
)
def test_a_sixty_by_zero_input_is_missing_columns_not_rows(call):
    with pytest.raises(ValueError, match=r"X needs at least 1 column\(s\) \(features\), got 0"):
        call()


@pytest.mark.parametrize("method", ["fit", "decode", "score", "predict_proba"])
def test_gaussian_hmm_given_none_says_none_not_nan(method):
    with pytest.raises(ValueError, match="is None|got NoneType") as info:
        getattr(GHMM, method)(None)
    assert "NaN" not in str(info.value)


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda: pca.PCA(1).fit([["1", "x"], ["2", "3"]]), "X must hold real numbers, got 'x'"),
        (lambda: gmm.KMeans(2).fit([[1.0, 2.0], [3.0]]), "X must be a rectangular array"),
        (lambda: mcmc.rhat([["a", "b"]]), "chains must hold real numbers, got 'a'"),
        (lambda: hmm.posteriors(np.zeros((3, 2)), np.zeros((2, 2)), 0.0), "log_beta must have"),
        (lambda: pca.FisherLDA().fit(X[:2], [[0], [1, 2]]), "y must be a rectangular array"),
        (lambda: gmm.update_centers(X, [[0], [1, 0]], X[:2]), "labels must be a rectangular"),
        (lambda: mcmc.ess([[1.0, 2.0], [3.0]]), "chains must be a rectangular array"),
        (lambda: mcmc.autocorr([[1.0, 2.0], [3.0]], 1), "x must be a rectangular array"),
        (lambda: mcmc.sample(mcmc.targets.gaussian(), "mh", 5, x0=[[0.0], [1.0, 2.0]]), "x0 must"),
        (lambda: hmm.check_model([0.5, 0.5], np.eye(2), [[1.0], [0.5, 0.5]]), "emissionprob must"),
        (
            lambda: gmm.GaussianMixture(2, covariances_init=[["a"]]).fit(X),
            "covariances_init must hold real numbers, got 'a'",
        ),
        (
            lambda: gmm.GaussianMixture(2, covariances_init={"a": 1}).fit(X),
            r"covariances_init must hold real numbers, got \{'a': 1\} \(dict\)",
        ),
        (lambda: GHMM.decode([[1.0, 2.0], [3.0]]), "X must be a rectangular"),
    ],
)
def test_messages_name_the_parameter_in_prmlab_words(call, expected):
    with pytest.raises(ValueError, match=expected) as info:
        call()
    for numpy_words in ("could not convert string", "inhomogeneous", "LinAlgError", "operands"):
        assert numpy_words not in str(info.value)
