"""The EM/GMM experiment: a State (the data, the model's parameters, the seed and the
half-step position) and the engine's own EM (or Lloyd's k-means) run one half-step at a time.

Position 0 is the engine's ``"init"`` step; odd positions are E steps, even ones M steps, so
position ``2 i`` is "after the M step of iteration i". Stepping replays the engine's
``iter_fit`` generator, so tolerance, covariance type and convergence are the engine's.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np

from prmlab.data.builtin import blobs, old_faithful
from prmlab.engine import gmm
from prmlab.lab._state import LabState
from prmlab.lab.table import standardise

MAX_ITER = 500  # EM iterations before a run stops unconverged
METHODS = ("gmm", "kmeans")
COVARIANCE_TYPES = ("full", "diag")
INITS = ("kmeans", "k-means++", "random")  # the engine's init_params
PRESETS = (
    "Old Faithful",
    "Blobs (3)",
    "Overlapping blobs (5)",
    "Empty: paint your own",
    "1,000,000 points (5 blobs)",
)
VIEWS = ("features", "pcs")


def half_of(position: int) -> str:
    """The half-step at ``position``: ``"init"`` (0), ``"E"`` (odd) or ``"M"`` (even)."""
    return "init" if position == 0 else ("E" if position % 2 else "M")


def iteration_of(position: int) -> int:
    """The EM iteration ``position`` is in (0 at the init)."""
    return (position + 1) // 2


@dataclass(frozen=True, eq=False)
class State(LabState):
    """Everything the EM/GMM panel shows.

    ``X (n, D)`` the data as loaded (``feature_names`` theirs), of which EM fits ``columns``
    (empty: all), standardised (``lab.table``'s z-scores) when ``standardise``. ``means_init``
    (``(K, d)`` in the fitted columns) replaces the init method (means dragged on the plot).
    ``position`` counts half-steps after the init (see the module's docstring). ``view``:
    ``"features"`` (fitted columns ``x_feature``, ``y_feature``) or ``"pcs"`` (PC1-PC2).
    ``restarts_shown`` / ``criteria_shown``: the restarts histogram (``n_runs`` seeds from
    ``seed``) and the BIC/AIC chart (K up to ``k_max``) are part of the picture.
    """

    TOPIC = "gmm"
    VERSION = 1

    X: np.ndarray
    feature_names: tuple[str, ...] = ("x₁", "x₂")
    dataset_name: str = ""
    preset: str = ""
    columns: tuple[int, ...] = ()
    standardise: bool = False
    method: str = "gmm"
    k: int = 2
    covariance_type: str = "full"
    init: str = "kmeans"
    reg_covar: float = 1e-6
    seed: int = 0
    means_init: np.ndarray | None = None
    position: int = 0
    view: str = "features"
    x_feature: int = 0
    y_feature: int = 1
    n_runs: int = 20
    k_max: int = 6
    restarts_shown: bool = False
    criteria_shown: bool = False

    @property
    def iteration(self) -> int:
        """The EM iteration the position is in (0 at the init)."""
        return iteration_of(self.position)

    @property
    def half(self) -> str:
        """``"init"``, ``"E"`` or ``"M"``: the latest half-step."""
        return half_of(self.position)

    @property
    def fitted_columns(self) -> tuple[int, ...]:
        return self.columns or tuple(range(self.X.shape[1]))

    @property
    def fitted_names(self) -> tuple[str, ...]:
        return tuple(self.feature_names[i] for i in self.fitted_columns)


def fitted_data(state: State) -> np.ndarray:
    """The matrix EM fits: the chosen columns, as z-scores when ``state.standardise``."""
    X = state.X if not state.columns else state.X[:, list(state.columns)]
    if state.standardise and len(X) > 1:
        X = standardise(X)
    return np.ascontiguousarray(X, dtype=np.float64)


@dataclass(frozen=True)
class Result:
    """What one half-step gives: the parameters in all fitted dimensions.

    ``covariances (K, d, d)`` (k-means: zeros, none are fitted); ``resp (n, K)`` (k-means:
    one-hot, uniform before the first assignment); ``labels`` k-means' hard labels (None
    before the first assignment; GMM: None, ``hard_labels`` takes the most responsible);
    ``history`` mean log-likelihood (GMM) or inertia (k-means) per E step; ``finished``: no
    further half-step (converged after an M step, or ``MAX_ITER`` reached). ``source``: the
    ``(weights, means, covariances)`` of the latest E step, from which ``resp`` and ``labels``
    follow with the data (None at the init), so ``kept`` / ``restore`` can drop and recompute
    them.
    """

    method: str
    position: int
    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    resp: np.ndarray
    history: np.ndarray
    converged: bool
    finished: bool
    labels: np.ndarray | None = None
    source: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    @property
    def half(self) -> str:
        return half_of(self.position)

    @property
    def iteration(self) -> int:
        return iteration_of(self.position)

    @property
    def log_likelihood(self) -> float:
        """The latest E step's mean log-likelihood (k-means: its inertia); NaN before one."""
        return float(self.history[-1]) if len(self.history) else float("nan")

    @property
    def hard_labels(self) -> np.ndarray:
        """Each point's cluster: k-means' labels, or GMM's most responsible component."""
        return self.resp.argmax(axis=1) if self.labels is None else self.labels


def estimator(state: State, seed: int | None = None, k: int | None = None):
    """The engine's estimator for ``state`` (``seed``/``k`` override the State's)."""
    seed = state.seed if seed is None else seed
    k = state.k if k is None else k
    if state.method == "kmeans":
        init = "k-means++" if state.init == "kmeans" else state.init
        init = init if state.means_init is None else state.means_init
        return gmm.KMeans(k, init=init, n_init=1, max_iter=MAX_ITER, random_state=seed)
    return gmm.GaussianMixture(
        k,
        covariance_type=state.covariance_type,
        max_iter=MAX_ITER,
        reg_covar=state.reg_covar,
        init_params=state.init,
        random_state=seed,
        means_init=state.means_init,
    )


def check_state(state: State) -> np.ndarray:
    """The fitted data of ``state``, or ValueError naming what cannot be fitted."""
    for name, value, options in (
        ("method", state.method, METHODS),
        ("covariance_type", state.covariance_type, COVARIANCE_TYPES),
        ("init", state.init, INITS),
        ("view", state.view, VIEWS),
    ):
        if value not in options:
            raise ValueError(f"{name} must be one of {', '.join(options)}, got {value!r}")
    if state.position < 0:
        raise ValueError(f"position must be >= 0 half-steps, got {state.position}")
    return estimator(state).check_params(fitted_data(state))


def one_hot(labels: np.ndarray, k: int) -> np.ndarray:
    """``(n, k)`` float64 rows with a 1 in column ``labels[i]``."""
    # a broadcast compare, not fancy indexing: NumPy drops the GIL for big n
    return (labels[:, None] == np.arange(k)[None, :]).astype(np.float64)


def _result(step, method: str, n: int, previous: Result | None) -> Result:
    """The engine's EMStep or KMeansStep as a Result (``previous``: the Result before it)."""
    position = 0 if step.half == "init" else 2 * step.iteration - (step.half == "E")
    finished = step.half == "M" and (step.converged or step.iteration >= MAX_ITER)
    if method == "gmm":
        result = Result(
            "gmm",
            position,
            step.weights,
            step.means,
            step.covariances,
            step.resp,
            step.loglik_history,
            step.converged,
            finished,
        )
    else:
        k, d = step.centers.shape
        if step.half == "init":
            labels, resp, weights = None, np.full((n, k), 1.0 / k), np.full(k, 1.0 / k)
        else:
            labels = step.labels
            resp = one_hot(labels, k)
            weights = np.bincount(labels, minlength=k) / n
        covariances = np.zeros((k, d, d))
        result = Result(
            "kmeans", position, weights, step.centers, covariances, resp,
            step.inertia_history, step.converged, finished, labels,
        )  # fmt: skip
    if step.half == "E":  # the parameters its responsibilities come from
        source = (result.weights, result.means, result.covariances)
    else:  # an M step re-estimates from the previous E step's responsibilities
        source = None if previous is None else previous.source
    return replace(result, source=source)


@dataclass(frozen=True)
class Kept:
    """A Result without its per-point arrays: what a history keeps of a half-step (a few
    hundred bytes, where ``resp`` of a million points is 40 MB). ``result`` has an empty
    ``resp`` and no ``labels``; ``init_labels`` is the init's hard assignment (GMM at
    position 0, in the smallest integer type), else None. ``restore`` gives the Result back."""

    result: Result
    init_labels: np.ndarray | None = None


def kept(result: Result) -> Kept:
    """``result`` as a history keeps it (see ``Kept``)."""
    init_labels = None
    if result.source is None and result.method == "gmm":  # the init: one-hot rows
        dtype = np.uint8 if len(result.weights) <= 256 else np.int64
        init_labels = result.resp.argmax(axis=1).astype(dtype)
    empty = np.empty((0, len(result.weights)))
    return Kept(replace(result, resp=empty, labels=None), init_labels)


def restore(k: Kept, X: np.ndarray) -> Result:
    """The Result ``k`` was kept from, its ``resp`` and ``labels`` recomputed on the fitted
    data ``X`` by the engine from the parameters of its E step (the same numbers: the
    engine's passes do not depend on the thread count)."""
    r, n_components = k.result, len(k.result.weights)
    if r.source is None:  # the init
        if k.init_labels is None:  # k-means before its first assignment
            return replace(r, resp=np.full((len(X), n_components), 1.0 / n_components))
        return replace(r, resp=one_hot(k.init_labels, n_components))
    weights, means, covariances = r.source
    if r.method == "gmm":
        return replace(r, resp=gmm.e_step(X, weights, means, covariances)[0])
    labels = gmm.assign_labels(X, means)[0]
    return replace(r, resp=one_hot(labels, n_components), labels=labels)


class Experiment:
    """Advances a State one half-step at a time through the engine's ``iter_fit``.

    Raises ValueError (the engine's message) when the State's data or parameters cannot be
    fitted. ``state.position`` always matches ``result.position``.
    """

    def __init__(self, state: State) -> None:
        self._X = check_state(state)
        self.state = state
        target = state.position
        self.reset()
        self.run_to(target)

    @property
    def data(self) -> np.ndarray:
        """The fitted matrix (chosen columns, standardised if asked)."""
        return self._X

    def reset(self) -> Result:
        """Back to the init step (position 0) of the same State."""
        self._steps = estimator(self.state).iter_fit(self._X)
        self.result = _result(next(self._steps), self.state.method, len(self._X), None)
        self.state = self.state.replace(position=0)
        return self.result

    @property
    def finished(self) -> bool:
        return self.result.finished

    def step(self) -> Result:
        """The next half-step (E after the init or an M, M after an E); at the end, the same."""
        if not self.result.finished:
            with warnings.catch_warnings():  # reaching MAX_ITER is shown, not warned
                warnings.simplefilter("ignore", gmm.ConvergenceWarning)
                step = next(self._steps)
                self.result = _result(step, self.state.method, len(self._X), self.result)
            self.state = self.state.replace(position=self.result.position)
        return self.result

    def run_to(self, position: int) -> Result:
        """The Result at ``position`` (or the last one, if the run finishes before it)."""
        for _ in self.iter_run_to(position):
            pass
        return self.result

    def iter_run_to(self, position: int) -> Iterator[Result]:
        """``run_to`` one half-step at a time, yielding each Result (for the Job to animate
        and cancel between); replays from the init when ``position`` is behind."""
        if position < self.result.position:
            self.reset()
            yield self.result
        while self.result.position < position and not self.result.finished:
            yield self.step()

    def run_to_end(self) -> Result:
        """Half-steps until convergence (or ``MAX_ITER``)."""
        return self.run_to(2 * MAX_ITER)


def preset(name: str, seed: int = 0) -> State:
    """The built-in set ``name`` (one of ``PRESETS``) with its K, at the init step."""
    if name == "Old Faithful":
        ds, k = old_faithful(), 2
    elif name == "Blobs (3)":
        ds, k = blobs(300, 3, 1.0, seed=seed), 3
    elif name == "Overlapping blobs (5)":
        ds, k = blobs(600, 5, 2.5, seed=seed), 5
    elif name == "Empty: paint your own":
        return State(np.empty((0, 2)), dataset_name="Your points", preset=name, seed=seed)
    elif name == "1,000,000 points (5 blobs)":
        ds, k = blobs(1_000_000, 5, 1.5, seed=seed), 5
        ds.name = "1,000,000 points"
    else:
        raise ValueError(
            f"preset must be one of {', '.join(repr(p) for p in PRESETS)}, got {name!r}"
        )
    return State(
        np.ascontiguousarray(ds.X, dtype=np.float64),
        feature_names=tuple(ds.feature_names),
        dataset_name=ds.name,
        preset=name,
        k=k,
        seed=seed,
    )
