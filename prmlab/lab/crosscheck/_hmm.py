"""HMM: forward-backward, Viterbi and one Baum-Welch step of the State's λ against hmmlearn."""

from __future__ import annotations

import warnings

import numpy as np

from prmlab.lab import hmm
from prmlab.lab.crosscheck._rows import Row, reference, row

HMMLEARN = "hmmlearn"


def cross_check(state: hmm.State) -> list[Row]:
    """log p(O | λ), the posteriors γ, Viterbi's log-probability and path, and λ after one
    Baum-Welch step, against hmmlearn's model with the same λ on the same O."""
    module = reference("hmmlearn.hmm", HMMLEARN)
    result = hmm.Experiment(state).result
    a, model = result.analysis, result.model
    if a is None:
        raise ValueError("The HMM cross-check needs observations: sample or type some")
    theirs = _hmmlearn(module, model)
    O = _column(state.obs, model)
    log_likelihood, gamma = theirs.score_samples(O)
    log_prob, path = theirs.decode(O, algorithm="viterbi")
    scale = max(1.0, abs(log_likelihood))
    rows = [
        row("forward-backward log p(O | λ)", HMMLEARN, a.log_likelihood, log_likelihood,
            1e-9 * scale),
        row("posteriors γ", HMMLEARN, a.gamma, gamma, 1e-8),
        row("Viterbi log-probability", HMMLEARN, a.viterbi_log_prob, log_prob, 1e-9 * scale),
        # equally probable paths may break ties differently: compare the paths' joints
        row("Viterbi path's log p(O, path)", HMMLEARN, _joint(a, a.viterbi), _joint(a, path),
            1e-9 * scale),
    ]  # fmt: skip
    if state.T >= 2:
        rows += _baum_welch(module, model, state)
    return rows


def _hmmlearn(module, model: hmm.Model):
    # hmmlearn's model with λ's parameters (its priors are flat: its M step is the MLE)
    if model.kind == "symbols":
        theirs = module.CategoricalHMM(model.n_states, n_features=len(model.symbols))
        theirs.emissionprob_ = model.B
    else:
        theirs = module.GaussianHMM(model.n_states, covariance_type="diag",
                                    min_covar=model.engine().min_covar)  # fmt: skip
        theirs.means_, theirs.covars_ = model.B[:, :1], model.B[:, 1:2]
    theirs.startprob_, theirs.transmat_ = model.startprob, model.transmat
    return theirs


def _column(obs: np.ndarray, model: hmm.Model) -> np.ndarray:
    return (obs if model.kind == "symbols" else obs.astype(float))[:, None]


def _joint(a: hmm.Analysis, path: np.ndarray) -> float:
    """log p(O, path) under the analysed λ."""
    steps = np.arange(len(path))
    with np.errstate(invalid="ignore"):
        return float(a.log_startprob[path[0]] + a.log_transmat[path[:-1], path[1:]].sum()
                     + a.log_emission[steps, path].sum())  # fmt: skip


def _baum_welch(module, model: hmm.Model, state: hmm.State) -> list[Row]:
    ours, _ = hmm.one_iteration(model, state.fit_input())
    theirs = _hmmlearn(module, model)
    theirs.n_iter, theirs.tol, theirs.init_params = 1, 0.0, ""
    if model.kind != "symbols":
        theirs.covars_prior = 0.0
    with warnings.catch_warnings():  # one iteration is not convergence
        warnings.simplefilter("ignore")
        theirs.fit(_column(state.obs, model))
    if model.kind == "symbols":
        emissions = theirs.emissionprob_
    else:
        # the engine's M step adds min_covar to the MLE variances, hmmlearn's a prior's term
        # (covars_prior, set to 0 above): the MLE + min_covar is the same model
        variances = theirs.covars_.reshape(model.n_states, -1)[:, 0] + theirs.min_covar
        emissions = np.column_stack([theirs.means_[:, 0], variances])
    return [
        row("Baum-Welch step: π", HMMLEARN, ours.startprob, theirs.startprob_, 1e-8),
        row("Baum-Welch step: A", HMMLEARN, ours.transmat, theirs.transmat_, 1e-8),
        row("Baum-Welch step: B", HMMLEARN, ours.B, emissions,
            1e-8 * max(1.0, np.abs(emissions).max())),
    ]  # fmt: skip
