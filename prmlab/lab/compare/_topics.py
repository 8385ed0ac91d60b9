"""Each topic's comparison: the data both sides share, the parameters presets set apart,
presets of classic contrasts and the figures that tell the sides apart.

Every number comes from the topic's lab module (which asks the engine); a figure a side
cannot have (k-means has no likelihood) is left out and shows as "—".
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from prmlab.lab import gmm, hmm, inference, linear, mcmc, pca, svm, track
from prmlab.lab._state import LabState
from prmlab.lab.compare._core import SideFigures, Topic

HIGHER, LOWER, ANY = "higher", "lower", ""


def _apart(base: Callable[[int], LabState], **sides: tuple[Any, Any]):
    """A preset: ``base(seed)`` on both sides, each field of ``sides`` set to its (left,
    right) values."""

    def make(seed: int) -> tuple[LabState, LabState]:
        state = base(seed)
        return tuple(state.replace(**{k: v[i] for k, v in sides.items()}) for i in (0, 1))

    return make


# -- SVM ----------------------------------------------------------------------------------
def _svm_figures(state: svm.State, r: svm.Result, seconds: float) -> SideFigures:
    return (
        ("support vectors", r.n_sv, LOWER),
        ("margin width 2/‖w‖", r.margin_width, HIGHER),
        ("training error %", 100.0 - r.accuracy, LOWER),
        ("dual objective W(α)", r.dual_objective, ANY),
        ("SMO pair updates", r.n_iter, LOWER),
    )


SVM = Topic(
    "prmlab.lab.svm",
    data=("X", "labels", "axis_names", "class_names", "source", "extent"),
    varying=("kernel", "C", "gamma", "degree", "coef0", "seed"),
    presets={
        "Linear vs RBF on XOR": _apart(partial(svm.preset, "XOR"), kernel=("linear", "rbf")),
        "Small vs large C on overlapping points": _apart(
            partial(svm.preset, "Overlapping"), C=(0.1, 100.0)
        ),
        "Narrow vs wide RBF on moons": _apart(
            partial(svm.preset, "Moons"), kernel=("rbf", "rbf"), C=(10.0, 10.0), gamma=(20.0, 0.5)
        ),
    },
    figures=_svm_figures,
)


# -- PCA ----------------------------------------------------------------------------------
def _pca_figures(state: pca.State, r: pca.Result, seconds: float) -> SideFigures:
    ratio = np.asarray(r.analysis.pca.explained_variance_ratio_, dtype=float) * 100.0
    rows = [(f"PC{i + 1} explained %", float(v), HIGHER) for i, v in enumerate(ratio[:3])]
    rows.append(("PC1 + PC2 explained %", float(ratio[:2].sum()), HIGHER))
    if r.frame is not None:
        rows += [
            ("p-PCA EM iteration", r.iteration, ANY),
            ("p-PCA log-lik", r.frame.loglik, HIGHER),
        ]
    return tuple(rows)


PCA = Topic(
    "prmlab.lab.pca",
    data=("X", "labels", "feature_names", "class_names", "data_name", "preset", "table"),
    varying=("standardise", "columns", "seed"),
    presets={
        "Standardised vs raw on Wine": _apart(
            partial(pca.preset, "Wine (13 columns)"), standardise=(True, False)
        ),
        "Standardised vs raw on Iris": _apart(
            partial(pca.preset, "Iris (4 columns)"), standardise=(True, False)
        ),
    },
    figures=_pca_figures,
)


# -- EM/GMM -------------------------------------------------------------------------------
def _gmm_figures(state: gmm.State, r: gmm.Result, seconds: float) -> SideFigures:
    rows: list[tuple[str, float, str]] = [("iterations", r.iteration, LOWER)]
    if r.method == "kmeans":
        return (*rows, ("k-means inertia", r.log_likelihood, LOWER))
    ll = r.log_likelihood
    rows.append(("mean log-likelihood", ll, HIGHER))
    if math.isfinite(ll):
        X = gmm.fitted_data(state)
        model = gmm.estimator(state)
        model.means_ = r.means  # n_parameters reads K and d from the means
        n = len(X)
        rows.append(("BIC", -2.0 * ll * n + model.n_parameters() * math.log(n), LOWER))
    return tuple(rows)


GMM = Topic(
    "prmlab.lab.gmm",
    data=("X", "feature_names", "dataset_name", "preset", "columns", "standardise"),
    varying=("method", "k", "covariance_type", "init", "reg_covar", "seed"),
    presets={
        "k-means vs GMM on elongated clusters": _apart(
            partial(gmm.preset, "Old Faithful"), method=("kmeans", "gmm")
        ),
        "K = 3 vs K = 5 on overlapping blobs": _apart(
            partial(gmm.preset, "Overlapping blobs (5)"), k=(3, 5)
        ),
        "Full vs diagonal covariances on Old Faithful": _apart(
            partial(gmm.preset, "Old Faithful"), covariance_type=("full", "diag")
        ),
    },
    figures=_gmm_figures,
)


# -- HMM ----------------------------------------------------------------------------------
def _hmm_figures(state: hmm.State, r: hmm.Result, seconds: float) -> SideFigures:
    return (
        ("log-likelihood", r.analysis.log_likelihood, HIGHER),
        ("Baum-Welch iterations", r.iteration, ANY),
        ("Viterbi log-prob", r.analysis.viterbi_log_prob, HIGHER),
    )


def _hmm_starts(name: str, true_left: bool):
    def make(seed: int) -> tuple[hmm.State, hmm.State]:
        base = hmm.preset(name, seed)
        right = hmm.random_start(base.replace(seed=seed + 1))
        return (base if true_left else hmm.random_start(base), right)

    return make


HMM = Topic(
    "prmlab.lab.hmm",
    data=("obs", "source", "true_path", "reference", "length"),
    varying=("seed", "restarts", "max_iter"),
    presets={
        "Two random starts on the casino": _hmm_starts("Occasionally dishonest casino", False),
        "True λ vs a random start (weather)": _hmm_starts("Weather / umbrella", True),
    },
    figures=_hmm_figures,
)


# -- Tracking -----------------------------------------------------------------------------
def _track_figures(state: track.State, r: track.Result, seconds: float) -> SideFigures:
    row = track.rmse_row(r.run)
    rows = [(f"RMSE {name}", float(v), LOWER) for name, v in zip(row.labels, row.values)]
    if r.run.nees is not None:
        rows.append(("mean NEES (Kalman; 2 is calibrated)", float(np.nanmean(r.run.nees)), ANY))
    return tuple(rows)


def _track_base(name: str, dropout: bool, seed: int) -> track.State:
    state = track.preset(name, seed)
    if dropout:
        state = state.replace(dropouts=(track.new_dropout(track.DEFAULT_STEPS, 0),))
    return state


TRACK = Topic(
    "prmlab.lab.track",
    data=("truth", "measured", "source", "dropouts"),
    varying=("n_particles", "motion", "q", "resampler", "ess_threshold", "measurement", "seed"),
    presets={
        "Few vs many particles through a dropout": _apart(
            partial(_track_base, "Figure-8", True), n_particles=(100, 3000)
        ),
        "Constant velocity vs acceleration on a figure-8": _apart(
            partial(_track_base, "Figure-8", False), motion=("cv", "ca")
        ),
        "Low vs high process noise on manoeuvres": _apart(
            partial(_track_base, "Random manoeuvres", False), q=(0.05, 3.0)
        ),
    },
    figures=_track_figures,
)


# -- MCMC ---------------------------------------------------------------------------------
def _mcmc_figures(state: mcmc.State, r: mcmc.Result, seconds: float) -> SideFigures:
    rates = mcmc.acceptance_rates(r)
    rows = [("acceptance", float(np.mean(rates)) if len(rates) else math.nan, ANY)]
    d = mcmc.diagnose(r.chains, state.burn_in, state.thin)
    ess = math.nan if d is None else float(np.min(d.ess))
    rows += [
        ("ESS (worst coordinate)", ess, HIGHER),
        ("ESS/s", ess / seconds if seconds > 0 else math.nan, HIGHER),
        ("R̂ (worst coordinate)", math.nan if d is None else float(np.max(d.rhat)), LOWER),
        ("steps", r.steps, ANY),
    ]
    return tuple(rows)


def _mcmc_base(name: str, seed: int) -> mcmc.State:
    # 10 steps a tick: a Play shows the chains grow at a readable pace
    return mcmc.preset(name, seed).replace(steps_per_tick=10)


MCMC = Topic(
    "prmlab.lab.mcmc",
    data=("target", "expression", "box"),
    varying=("method", "proposal_scale", "slice_width", "step_size", "n_leapfrog", "seed"),
    presets={
        "MH vs HMC on the banana": _apart(partial(_mcmc_base, "Banana"), method=("mh", "hmc")),
        "Small vs large MH steps on the donut": _apart(
            partial(_mcmc_base, "Donut"), proposal_scale=(0.1, 2.0)
        ),
        "MH vs Gibbs on the correlated Gaussian": _apart(
            partial(_mcmc_base, "Correlated Gaussian"), method=("mh", "gibbs")
        ),
    },
    figures=_mcmc_figures,
)


# -- Linear models ------------------------------------------------------------------------
def _linear_figures(state: linear.State, r: Any, seconds: float) -> SideFigures:
    if isinstance(r, linear.RegressionResult):
        nonzero = int(np.sum(np.abs(np.asarray(r.coef_map)) > 1e-12))
        return (
            ("RSS, least squares", r.rss_mle, LOWER),
            ("RSS, penalised fit", r.rss_map, LOWER),
            ("non-zero coefficients, penalised", nonzero, LOWER),
        )
    if isinstance(r, (linear.PerceptronResult, linear.LogisticResult)):
        return (
            ("training error %", _training_error(state, r.coef, r.intercept), LOWER),
            ("log-likelihood", getattr(r, "loglik", math.nan), HIGHER),
            ("updates / Newton steps", r.position, ANY),
        )
    return tuple(
        (f"accuracy %, {name}", 100.0 * float(a), HIGHER)
        for name, a in zip(linear.MODELS, r.accuracy)
    )


def _training_error(state: linear.State, coef: np.ndarray, intercept: float) -> float:
    """Percent of the points on the wrong side of the line ``coef · x + intercept = 0``
    (label 1 on its positive side), the rule both classifiers predict by."""
    t = np.where(state.labels == 1, 1.0, -1.0)
    return 100.0 * float(np.mean(t * (state.X @ np.asarray(coef) + intercept) <= 0.0))


LINEAR = Topic(
    "prmlab.lab.linear",
    data=("X", "labels", "axis_names", "source"),
    varying=("mode", "penalty", "degree", "ridge_lambda", "lasso_alpha", "eta", "C", "seed"),
    presets={
        "Ridge vs lasso on a polynomial": _apart(
            partial(linear.preset, "Polynomial", mode="regression"), penalty=("ridge", "lasso")
        ),
        "Perceptron vs logistic regression on separable points": _apart(
            partial(linear.preset, "Separable", mode="perceptron"), mode=("perceptron", "logistic")
        ),
    },
    figures=_linear_figures,
)


# -- Inference ----------------------------------------------------------------------------
def _inference_figures(state: inference.State, r: Any, seconds: float) -> SideFigures:
    if isinstance(r, inference.DenoiseResult):
        sweep = min(r.position, r.run.error.shape[1] - 1)
        return tuple(
            (f"{label}, {method}", float(values[i, sweep]), LOWER)
            for label, values in (("pixel error", r.run.error), ("energy", r.run.energy))
            for i, method in enumerate(inference.METHODS)
        )
    if isinstance(r, inference.GraphResult):
        error = np.asarray(r.run.error)
        return (
            ("belief error vs exact, last sweep", float(error[-1]), LOWER),
            ("sweeps", len(error) - 1, ANY),
        )
    if isinstance(r, inference.VariationalResult):
        return (("ELBO", float(np.asarray(r.elbo)[-1]), HIGHER), ("KL(q‖p)", r.kl_qp, LOWER))
    return (("X ⊥ Y | Z", float(bool(r.separated)), ANY),)


def _inference_base(mode: str, graph: str | None, seed: int) -> inference.State:
    state = inference.demo(mode, seed)
    return state if graph is None else inference.graph_state(state, graph, seed)


INFERENCE = Topic(
    "prmlab.lab.inference",
    data=(
        "node_xy",
        "edges",
        "log_unary",
        "log_pairwise",
        "dag_xy",
        "dag_edges",
        "dag_names",
        "image",
        "image_name",
        "noise",
        "graph",
        "network",
    ),  # fmt: skip
    varying=("mode", "kind", "sweeps", "beta", "eta", "rho", "sd2", "seed"),
    presets={
        "Sum- vs max-product on a loopy graph": _apart(
            partial(_inference_base, "graph", "Single loop"), kind=("sum", "max")
        ),
        "Weak vs strong coupling in denoising": _apart(
            partial(_inference_base, "denoise", None), beta=(0.3, 0.9)
        ),
    },
    figures=_inference_figures,
)

TOPICS: dict[str, Topic] = {
    "svm": SVM,
    "pca": PCA,
    "gmm": GMM,
    "hmm": HMM,
    "track": TRACK,
    "mcmc": MCMC,
    "linear": LINEAR,
    "inference": INFERENCE,
}
