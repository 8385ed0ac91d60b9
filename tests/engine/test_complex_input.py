"""Every public engine entry point refuses complex input instead of dropping the imaginary part.

NumPy's ``asarray(z, dtype=float)`` keeps only the real part (with a ComplexWarning that is
easy to miss); each call below passed before the central check in ``check_array``.
"""

from functools import cache

import numpy as np
import pytest

from prmlab.engine import gmm, hmm, mcmc, pca, svm

X = np.random.default_rng(0).standard_normal((30, 2))
Y = (X[:, 0] > 0).astype(int)
PI, A = np.array([0.6, 0.4]), np.array([[0.7, 0.3], [0.4, 0.6]])
LOG_B = np.log(np.full((5, 2), 0.5))


def cplx(a) -> np.ndarray:
    """``a`` with a small imaginary part on one entry: what NumPy would silently drop."""
    z = np.array(a, dtype=complex)
    z.flat[-1] += 1e-3j
    return z


@cache
def fitted() -> dict:
    chains = np.random.default_rng(1).standard_normal((2, 20, 2))
    lda = pca.FisherLDA().fit(X, Y)
    la, lb, ll = hmm.forward_backward(np.log(PI), np.log(A), LOG_B)
    return {
        "svc": svm.SVC(kernel="rbf", C=1.0).fit(X, Y),
        "pca": pca.PCA(2).fit(X),
        "ppca": pca.ProbabilisticPCA(1, random_state=0).fit_closed_form(X),
        "lda": lda,
        "gm": gmm.GaussianMixture(2, random_state=0).fit(X),
        "km": gmm.KMeans(2, n_init=1, random_state=0).fit(X),
        "cat": hmm.CategoricalHMM(2, 3, n_iter=2, tol=1e300, random_state=0).fit(
            [np.array([0, 1, 2, 1])]
        ),
        "ghmm": hmm.GaussianHMM(2, n_iter=2, tol=1e300, random_state=0).fit(X),
        "fb": (la, lb, ll),
        "chains": chains,
        "target": mcmc.targets.gaussian(),
    }


RESP = np.full((30, 2), 0.5)
W, M, C = np.array([0.5, 0.5]), X[:2].copy(), np.stack([np.eye(2)] * 2)

ENTRY_POINTS = {
    # svm
    "SVC.fit": lambda f: svm.SVC().fit(cplx(X), Y),
    "SVC.iter_fit": lambda f: next(svm.SVC().iter_fit(cplx(X), Y)),
    "SVC.predict": lambda f: f["svc"].predict(cplx(X)),
    "SVC.decision_function": lambda f: f["svc"].decision_function(cplx(X)),
    "SVC.decision_grid": lambda f: f["svc"].decision_grid(cplx([0.0, 1.0]), [0.0, 1.0]),
    "SVC.score": lambda f: f["svc"].score(cplx(X), Y),
    # pca
    "PCA.fit": lambda f: pca.PCA(1).fit(cplx(X)),
    "PCA.fit_transform": lambda f: pca.PCA(1).fit_transform(cplx(X)),
    "PCA.transform": lambda f: f["pca"].transform(cplx(X)),
    "PCA.inverse_transform": lambda f: f["pca"].inverse_transform(cplx(X)),
    "centred_scatter": lambda f: pca.centred_scatter(cplx(X)),
    "ProbabilisticPCA.fit": lambda f: pca.ProbabilisticPCA(1).fit(cplx(X)),
    "ProbabilisticPCA.fit_closed_form": lambda f: pca.ProbabilisticPCA(1).fit_closed_form(cplx(X)),
    "ProbabilisticPCA.iter_fit": lambda f: next(pca.ProbabilisticPCA(1).iter_fit(cplx(X))),
    "ProbabilisticPCA.transform": lambda f: f["ppca"].transform(cplx(X)),
    "ProbabilisticPCA.inverse_transform": lambda f: f["ppca"].inverse_transform(cplx(X[:, :1])),
    "ProbabilisticPCA.score": lambda f: f["ppca"].score(cplx(X)),
    "FisherLDA.fit": lambda f: pca.FisherLDA().fit(cplx(X), Y),
    "FisherLDA.transform": lambda f: f["lda"].transform(cplx(X)),
    "FisherLDA.criterion": lambda f: f["lda"].criterion(cplx([1.0, 0.0])),
    # gmm
    "GaussianMixture.fit": lambda f: gmm.GaussianMixture(2).fit(cplx(X)),
    "GaussianMixture.iter_fit": lambda f: next(gmm.GaussianMixture(2).iter_fit(cplx(X))),
    "GaussianMixture.fit_predict": lambda f: gmm.GaussianMixture(2).fit_predict(cplx(X)),
    "GaussianMixture.means_init": lambda f: gmm.GaussianMixture(2, means_init=cplx(M)).fit(X),
    "GaussianMixture.predict": lambda f: f["gm"].predict(cplx(X)),
    "GaussianMixture.predict_proba": lambda f: f["gm"].predict_proba(cplx(X)),
    "GaussianMixture.score_samples": lambda f: f["gm"].score_samples(cplx(X)),
    "GaussianMixture.score": lambda f: f["gm"].score(cplx(X)),
    "GaussianMixture.bic": lambda f: f["gm"].bic(cplx(X)),
    "GaussianMixture.aic": lambda f: f["gm"].aic(cplx(X)),
    "KMeans.fit": lambda f: gmm.KMeans(2).fit(cplx(X)),
    "KMeans.init": lambda f: gmm.KMeans(2, init=cplx(M)).fit(X),
    "KMeans.iter_fit": lambda f: next(gmm.KMeans(2).iter_fit(cplx(X))),
    "KMeans.fit_predict": lambda f: gmm.KMeans(2).fit_predict(cplx(X)),
    "KMeans.predict": lambda f: f["km"].predict(cplx(X)),
    "KMeans.score": lambda f: f["km"].score(cplx(X)),
    "e_step": lambda f: gmm.e_step(cplx(X), W, M, C),
    "e_step covariances": lambda f: gmm.e_step(X, W, M, cplx(C)),
    "m_step": lambda f: gmm.m_step(X, cplx(RESP)),
    "em_step": lambda f: gmm.em_step(X, cplx(W), M, C),
    "kmeans_plusplus": lambda f: gmm.kmeans_plusplus(cplx(X), 2, 0),
    "assign_labels": lambda f: gmm.assign_labels(X, cplx(M)),
    "update_centers": lambda f: gmm.update_centers(cplx(X), Y, M),
    "check_data": lambda f: gmm.check_data(cplx(X), 2),
    # hmm
    "viterbi": lambda f: hmm.viterbi(np.log(PI), np.log(A), cplx(LOG_B)),
    "viterbi_lattice": lambda f: hmm.viterbi_lattice(cplx(np.log(PI)), np.log(A), LOG_B),
    "forward_backward": lambda f: hmm.forward_backward(np.log(PI), cplx(np.log(A)), LOG_B),
    "posteriors": lambda f: hmm.posteriors(cplx(f["fb"][0]), f["fb"][1], f["fb"][2]),
    "posteriors log_likelihood": lambda f: hmm.posteriors(*f["fb"][:2], f["fb"][2] + 1j),
    "transition_posteriors": lambda f: hmm.transition_posteriors(
        f["fb"][0], f["fb"][1], np.log(A), cplx(LOG_B), f["fb"][2]
    ),
    "check_model": lambda f: hmm.check_model(PI, cplx(A)),
    "CategoricalHMM.fit": lambda f: hmm.CategoricalHMM(2, 3).fit(cplx([0, 1, 2, 1])),
    "CategoricalHMM.decode": lambda f: f["cat"].decode(cplx([0, 1, 2, 1])),
    "CategoricalHMM.score": lambda f: f["cat"].score(cplx([0, 1, 2, 1])),
    "CategoricalHMM.iter_fit": lambda f: next(hmm.CategoricalHMM(2, 3).iter_fit(cplx([0, 1]))),
    "CategoricalHMM.predict": lambda f: f["cat"].predict(cplx([0, 1, 2, 1])),
    "CategoricalHMM.predict_proba": lambda f: f["cat"].predict_proba(cplx([0, 1, 2, 1])),
    "CategoricalHMM.log_emission": lambda f: f["cat"].log_emission(cplx([0, 1, 2, 1])),
    "GaussianHMM.decode": lambda f: f["ghmm"].decode(cplx(X)),
    "GaussianHMM.fit": lambda f: hmm.GaussianHMM(2).fit(cplx(X)),
    "GaussianHMM.iter_fit": lambda f: next(hmm.GaussianHMM(2).iter_fit(cplx(X))),
    "GaussianHMM.predict": lambda f: f["ghmm"].predict(cplx(X)),
    "GaussianHMM.predict_proba": lambda f: f["ghmm"].predict_proba(cplx(X)),
    "GaussianHMM.score": lambda f: f["ghmm"].score(cplx(X)),
    "GaussianHMM.log_emission": lambda f: f["ghmm"].log_emission(cplx(X)),
    # mcmc diagnostics and array inputs
    "rhat": lambda f: mcmc.rhat(cplx(f["chains"])),
    "ess": lambda f: mcmc.ess(cplx(f["chains"])),
    "autocorr": lambda f: mcmc.autocorr(cplx(f["chains"][0, :, 0]), 3),
    "summary": lambda f: mcmc.summary(cplx(f["chains"])),
    "Target.log_density": lambda f: f["target"].log_density(cplx(X)),
    "Target.gradient": lambda f: f["target"].gradient(cplx(X)),
    "targets.gaussian": lambda f: mcmc.targets.gaussian(cov=cplx(np.eye(2))),
    "targets.mixture": lambda f: mcmc.targets.mixture(means=cplx([[0.0, 0.0], [1.0, 1.0]])),
    "sample x0": lambda f: mcmc.sample(f["target"], "mh", 5, n_chains=1, x0=cplx([0.0, 0.0])),
    "iter_sample x0": lambda f: next(mcmc.iter_sample(f["target"], "mh", 5, x0=cplx([0.0, 0.0]))),
    "Sampler x0": lambda f: mcmc.Sampler(f["target"], "hmc", x0=cplx([0.0, 0.0])),
    "targets.mixture covs": lambda f: mcmc.targets.mixture(covs=cplx([np.eye(2)] * 2)),
    "targets.mixture weights": lambda f: mcmc.targets.mixture(weights=cplx([0.5, 0.5])),
    "rejection_sample": lambda f: mcmc.rejection_sample(f["target"], 5, proposal_cov=cplx(C[0])),
    "importance_sample": lambda f: mcmc.importance_sample(
        f["target"], 5, proposal_mean=cplx([0.0, 0.0])
    ),
}


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_complex_input_is_refused_with_a_clear_message(entry):
    with pytest.raises(ValueError, match=r"must (hold real numbers|be a real number), got complex"):
        ENTRY_POINTS[entry](fitted())
