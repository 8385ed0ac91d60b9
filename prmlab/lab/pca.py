"""The PCA lab (no Qt): the data and every setting as a saveable State; PCA, Fisher's
direction, p-PCA's closed form and its EM frames from ``prmlab.engine.pca``; the numbers each
view draws (your line's variance and feet, histograms along a direction, biplot loadings,
the export table).

>>> from prmlab.lab import pca
>>> exp = pca.Experiment(pca.preset("Two clusters", seed=0))
>>> _ = exp.step(); _ = exp.step()  # two EM iterations of p-PCA
>>> exp.state.iteration, exp.result.frame.sigma2  # doctest: +SKIP
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from prmlab.data import Dataset
from prmlab.data.builtin import iris, wine
from prmlab.engine.pca import PCA, FisherLDA, PPCAStep, ProbabilisticPCA
from prmlab.lab._state import LabState
from prmlab.lab.history import nbytes_of
from prmlab.lab.table import standardise

if TYPE_CHECKING:
    import pandas as pd

EDITABLE_MAX = 5_000  # 2-column tables up to this size become editable points
EM_MAX_ITER = 400  # frames of the EM animation at most
EM_TOL = 1e-7  # on the mean log-likelihood per point
POINT_PRESETS = ("Two clusters", "Correlated Gaussian", "Elongated", "Ring", "2,000 points")
TABLE_PRESETS = {"Iris (4 columns)": iris, "Wine (13 columns)": wine}
EMPTY_PRESET = "Empty: click your own"
PRESETS = (*POINT_PRESETS, *TABLE_PRESETS, EMPTY_PRESET)
HISTOGRAM_AXES = ("PCA axis 1", "Fisher direction", "Your line")
POINT_NAMES = ("x₁", "x₂")
POINT_CLASSES = ("class A", "class B")


@dataclass(frozen=True, eq=False)
class State(LabState):
    """What the PCA panel shows. ``X`` (n, d) the data as given and ``labels`` (n,) int codes
    into ``class_names`` (or None); ``table`` when shown as a projection on two PCs (more than
    two columns, or too many rows to edit) rather than as editable points; ``columns`` the
    table's analysed columns (empty: all) and ``standardise`` apply to tables; ``seed`` draws the point presets and EM's random start; ``angle`` is
    your line in degrees; ``iteration`` the EM frame shown; the rest are view switches."""

    TOPIC = "pca"
    VERSION = 1

    X: np.ndarray
    labels: np.ndarray | None = None
    feature_names: tuple[str, ...] = POINT_NAMES
    class_names: tuple[str, ...] = POINT_CLASSES
    data_name: str = ""
    preset: str = ""
    table: bool = False
    columns: tuple[int, ...] = ()
    standardise: bool = True
    seed: int = 0
    angle: float = 90.0  # vertical at first, away from PC 1
    iteration: int = 0
    pc_x: int = 1
    pc_y: int = 2
    show_axes: bool = True
    show_projections: bool = True
    show_fisher: bool = True
    biplot: bool = True
    histogram: str = HISTOGRAM_AXES[0]

    def same_analysis(self, other: State) -> bool:
        """True when ``other`` analyses to the same numbers (only views, angle or the EM
        position differ)."""
        keys = ("X", "labels", "table", "columns", "standardise", "seed")
        return self.replace(**{k: getattr(other, k) for k in keys}).same_as(self)

    @property
    def fitted_columns(self) -> tuple[int, ...]:
        """The analysed columns of ``X``: ``columns`` of a table, else all."""
        return (self.columns if self.table else ()) or tuple(range(self.X.shape[1]))

    @property
    def fitted_names(self) -> tuple[str, ...]:
        return tuple(self.feature_names[i] for i in self.fitted_columns)


def preset_points(name: str, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The 2-D presets: points (n, 2) and labels (n,) (0 = class A, 1 = class B)."""
    rng = np.random.default_rng(seed)

    def gaussian(n, mean, cov):
        return rng.multivariate_normal(mean, cov, size=n)

    if name == "Two clusters":  # long parallel clusters: variance lies along, separation across
        cov = [[4.0, 2.8], [2.8, 2.3]]
        X = np.vstack([gaussian(70, [-0.9, 0.9], cov), gaussian(70, [0.9, -0.9], cov)])
        return X, np.repeat([0, 1], 70)
    if name == "Correlated Gaussian":
        X = gaussian(150, [1.0, 0.5], [[3.0, 1.8], [1.8, 1.6]])
    elif name == "Elongated":
        angle = np.deg2rad(25.0)
        R = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
        X = gaussian(120, [0.0, 0.0], R @ np.diag([9.0, 0.08]) @ R.T)
    elif name == "Ring":
        t = rng.uniform(0, 2 * np.pi, 160)
        X = np.column_stack([np.cos(t), np.sin(t)]) * 3.0 + rng.normal(scale=0.15, size=(160, 2))
    elif name == "2,000 points":
        X = gaussian(2000, [0.0, 0.0], [[3.0, 1.8], [1.8, 1.6]])
    elif name == EMPTY_PRESET:
        X = np.empty((0, 2))
    else:
        raise ValueError(f"preset: unknown point preset {name!r}; choose one of {POINT_PRESETS}")
    return X, np.zeros(len(X), np.int64)


def from_dataset(dataset: Dataset, seed: int = 0, preset: str = "") -> State:
    """A table as a State: 2 columns up to ``EDITABLE_MAX`` rows become editable points,
    anything larger a projection. Fewer than 2 rows or columns is a ValueError."""
    if dataset.n_samples < 2 or dataset.n_features < 2:
        raise ValueError(
            f"PCA here needs at least 2 rows and 2 numeric columns; "
            f"{dataset.name or 'this table'} has {dataset.n_samples} × {dataset.n_features}."
        )
    table = not (dataset.n_features == 2 and dataset.n_samples <= EDITABLE_MAX)
    return State(
        X=np.array(dataset.X, dtype=np.float64),
        labels=None if dataset.y is None else np.asarray(dataset.y, np.int64).copy(),
        feature_names=tuple(dataset.feature_names),
        class_names=tuple(dataset.class_names) if dataset.class_names else POINT_CLASSES,
        data_name=dataset.name,
        preset=preset,
        table=table,
        seed=seed,
    )


def preset(name: str, seed: int = 0) -> State:
    """The State of the preset ``name`` (one of ``PRESETS``), drawn with ``seed``."""
    if name in TABLE_PRESETS:
        return from_dataset(TABLE_PRESETS[name](), seed, preset=name)
    if name not in PRESETS:
        raise ValueError(f"preset: unknown name {name!r}; choose one of {', '.join(PRESETS)}")
    X, labels = preset_points(name, seed)
    return State(X=X, labels=labels, preset=name, seed=seed)


# ------------------------------------------------------------------ analysis
@dataclass(frozen=True)
class Analysis:
    """Everything computed for one data set: ``X`` (n, d) as analysed (z-scores when
    standardised), ``labels`` (n,) int codes or None, the fitted models and the EM frames."""

    X: np.ndarray
    labels: np.ndarray | None
    pca: PCA
    scores: np.ndarray  # (n, k) projections on every component
    covariance: np.ndarray  # (d, d) sample covariance, from the components
    fisher: FisherLDA | None
    fisher_note: str
    closed: ProbabilisticPCA | None
    frames: tuple[PPCAStep, ...]
    em_note: str
    standardised: bool


def analysed_data(state: State) -> np.ndarray:
    """The data as analysed: a table's ``columns``, as z-scores when ``standardise``
    (``lab.table``'s, as every panel standardises), else ``X``."""
    X = state.X if not state.table or not state.columns else state.X[:, list(state.columns)]
    X = np.ascontiguousarray(X, dtype=np.float64)
    return np.ascontiguousarray(standardise(X)) if state.table and state.standardise else X


def analyse(state: State) -> Analysis:
    """PCA with every component, Fisher (two classes or more), the p-PCA closed form and its
    EM frames from ``state.seed``'s random start. Needs 2 points or more (ValueError)."""
    if len(state.X) < 2:
        raise ValueError(f"analyse: state.X has {len(state.X)} row(s); PCA needs 2 or more")
    X, labels = analysed_data(state), state.labels
    pca = PCA().fit(X)
    covariance = (pca.components_.T * pca.explained_variance_) @ pca.components_
    fisher, fisher_note = None, ""
    if labels is None or len(np.unique(labels)) < 2:
        fisher_note = (
            "Fisher needs two classes: right click adds class B points; "
            "a table needs a label column."
        )
    elif pca.total_variance_ == 0.0:
        fisher_note = "All points coincide: no direction separates anything."
    else:
        try:
            fisher = FisherLDA().fit(X, labels)
        except ValueError as exc:
            fisher_note = str(exc)
    q = min(2, X.shape[1] - 1) if state.table else 1
    closed, frames, em_note = None, (), ""
    try:
        closed = ProbabilisticPCA(q).fit_closed_form(X)
        em = ProbabilisticPCA(q, max_iter=EM_MAX_ITER, tol=EM_TOL, random_state=state.seed)
        # islice stops before the generator's non-convergence warning: the panel says it.
        frames = tuple(itertools.islice(em.iter_fit(X), EM_MAX_ITER + 1))
        if not frames[-1].converged:
            rate = em_rate(frames, closed.loglik_history_[-1])
            measured = f" (here by about {rate:.2f} per step, measured)" if rate else ""
            em_note = (
                f"EM has not converged after {EM_MAX_ITER} iterations. It converges linearly: "
                f"each step shrinks the error of W and σ² by a fixed factor{measured}, near 1 "
                "when the kept and discarded eigenvalues are close "
                "(W's directions are then barely determined) or σ² is small (PRML §12.2.2)."
            )
    except ValueError as exc:
        em_note = str(exc)
    scale = state.table and state.standardise
    return Analysis(
        X, labels, pca, pca.transform(X), covariance, fisher, fisher_note, closed, frames,
        em_note, scale,
    )  # fmt: skip


@dataclass(frozen=True)
class Result:
    """What the panel draws for a State: its ``analysis`` (None with fewer than 2 points) and
    the EM ``frame`` at ``state.iteration`` (None when EM could not run)."""

    analysis: Analysis | None
    frame: PPCAStep | None
    iteration: int
    last: int  # the last EM position (0 without frames)


class Experiment:
    """p-PCA's EM over one State, one iteration per ``step``; the analysis (PCA, Fisher, the
    closed form and every EM frame) is computed once per data set, so stepping is free."""

    def __init__(self, state: State) -> None:
        self.analysis = analyse(state) if len(state.X) >= 2 else None
        self.state = state
        self.result = self._run(state.iteration)

    @property
    def last(self) -> int:
        """The last EM position (0 without frames)."""
        return max(len(self.analysis.frames) - 1, 0) if self.analysis is not None else 0

    def result_at(self, position: int) -> Result:
        """The Result at EM position ``position`` (clamped), leaving the experiment where it is."""
        position = min(max(int(position), 0), self.last)
        a = self.analysis
        frame = a.frames[position] if a is not None and a.frames else None
        return Result(a, frame, position, self.last)

    def _run(self, position: int) -> Result:
        self.result = self.result_at(position)
        self.state = self.state.replace(iteration=self.result.iteration)
        return self.result

    def adopt(self, state: State) -> Result:
        """Show ``state``: its analysis is reused when only views, your line or the EM
        position changed, else computed afresh."""
        if not self.state.same_analysis(state):
            self.analysis = analyse(state) if len(state.X) >= 2 else None
        self.state = state
        return self._run(state.iteration)

    def reset(self) -> Result:
        """Back to EM's random start."""
        return self._run(0)

    def step(self) -> Result:
        """One EM iteration forward (stays at the last one)."""
        return self._run(self.state.iteration + 1)

    def run_to(self, position: int) -> Result:
        """The EM frame ``position`` (clamped to the frames there are)."""
        return self._run(position)

    def run_to_end(self) -> Result:
        """EM's last frame: converged, or stopped at ``EM_MAX_ITER``."""
        return self._run(self.last)


def frame_bytes(entry: tuple[State, Result]) -> int:
    """What one EM position adds to a panel's history of (State, Result): its frame (W), as
    the data and the analysis are shared by every position of one data set."""
    return nbytes_of(entry[1].frame)


# ------------------------------------------------------------------ what the views draw
def direction(angle: float) -> np.ndarray:
    """The unit vector at ``angle`` degrees from the horizontal axis."""
    a = np.deg2rad(angle)
    return np.array([np.cos(a), np.sin(a)])


def angle_of(v: np.ndarray) -> float:
    """The angle in degrees [0, 180) of the line along ``v`` (2,)."""
    return float(np.rad2deg(np.arctan2(v[1], v[0])) % 180.0)


@dataclass(frozen=True)
class LineProjection:
    """Your line through the mean along ``u``: its variance ``uᵀSu``, the reconstruction
    error ``tr S − uᵀSu`` and every point's foot on the line (n, 2)."""

    u: np.ndarray
    variance: float
    error: float
    feet: np.ndarray


def line_projection(a: Analysis, angle: float) -> LineProjection:
    """Projection of 2-D data on the line through their mean at ``angle`` degrees."""
    u, mean = direction(angle), a.pca.mean_
    variance = float(u @ a.covariance @ u)
    t = (a.X - mean) @ u
    return LineProjection(u, variance, a.pca.total_variance_ - variance, mean + t[:, None] * u)


def principal_half_axes(a: Analysis) -> np.ndarray:
    """Rows ``±√λⱼ uⱼ`` (k, d): each component scaled by its standard deviation."""
    return np.sqrt(np.maximum(a.pca.explained_variance_, 0.0))[:, None] * a.pca.components_


@dataclass(frozen=True)
class Histogram:
    """Counts of the projections ``wᵀ(x − m)`` by class over shared ``edges``; ``direction``
    None (and no counts) when the chosen direction does not exist here."""

    which: str
    direction: np.ndarray | None
    edges: np.ndarray
    counts: dict[int, np.ndarray]
    criterion: float | None  # Fisher's J along the direction (None without Fisher)


def histogram(a: Analysis, state: State) -> Histogram:
    """The histograms by class along ``state.histogram``'s direction."""
    which = state.histogram
    if which == "Fisher direction":
        w = a.fisher.direction_ if a.fisher is not None else None
    elif which == "Your line":
        w = direction(state.angle) if not state.table else None
    else:
        w = a.pca.components_[0]
    if w is None:
        return Histogram(which, None, np.empty(0), {}, None)
    t = (a.X - a.pca.mean_) @ w
    labels = a.labels if a.labels is not None else np.zeros(len(t), np.int64)
    edges = np.histogram_bin_edges(t, bins=min(40, max(8, int(np.sqrt(len(t))))))
    counts = {int(k): np.histogram(t[labels == k], bins=edges)[0] for k in np.unique(labels)}
    j = a.fisher.criterion(w) if a.fisher is not None else None
    return Histogram(which, w, edges, counts, j)


def components_shown(a: Analysis, state: State) -> tuple[int, int]:
    """The 0-based components on the horizontal and vertical axes of a table's view."""
    k = a.scores.shape[1]
    return min(state.pc_x, k) - 1, min(state.pc_y, k) - 1


def table_axis_titles(a: Analysis, state: State) -> tuple[str, str]:
    """The titles of a table's axes: each component shown with its share of the variance."""
    ratio = a.pca.explained_variance_ratio_ * 100
    return tuple(f"PC {c + 1} ({ratio[c]:.1f} %)" for c in components_shown(a, state))


def em_directions(a: Analysis, frame: PPCAStep, plane: tuple[int, int] | None) -> np.ndarray:
    """W's columns (q, 2) as drawn: in the data's plane (``plane`` None), else seen in the
    plane of the components ``plane``."""
    if plane is None:
        return frame.W.T
    return (a.pca.components_[list(plane)] @ frame.W).T


def em_rate(frames: tuple[PPCAStep, ...], loglik_ml: float) -> float | None:
    """EM's measured linear rate: the factor by which one iteration shrinks the parameters'
    error, the square root of the factor by which it shrinks the gap between the maximum
    ``loglik_ml`` (the closed form's) and the frames' log-likelihood (the gap is quadratic
    in the error near the maximum), averaged geometrically over the later half of the frames
    whose gap is above rounding (None with fewer than two such frames)."""
    floor = 1e-9 * max(abs(loglik_ml), 1.0)
    gaps = [(f.iteration, loglik_ml - f.loglik) for f in frames if loglik_ml - f.loglik > floor]
    if len(gaps) < 2:
        return None
    (t0, g0), (t1, g1) = gaps[len(gaps) // 2 - 1], gaps[-1]
    return float((g1 / g0) ** (0.5 / (t1 - t0))) if t1 > t0 else None


def between_scale(fisher: FisherLDA) -> float | None:
    """N₀N₁/N for two classes: the engine's S_b = Σ_c N_c (m_c − m)(m_c − m)ᵀ is this times
    PRML §4.1.4's S_B = (m₁ − m₀)(m₁ − m₀)ᵀ, and so is its J. None with more classes (only
    the Σ_c form exists, §4.1.6)."""
    if len(fisher.counts_) != 2:
        return None
    n0, n1 = (float(c) for c in fisher.counts_)
    return n0 * n1 / (n0 + n1)


def model_covariance(frame: PPCAStep) -> np.ndarray:
    """p-PCA's model covariance ``WWᵀ + σ²I`` at ``frame``."""
    return frame.W @ frame.W.T + frame.sigma2 * np.eye(frame.W.shape[0])


def loadings(a: Analysis, plane: tuple[int, int]) -> np.ndarray:
    """Each feature's loading (d, 2) on the two components of ``plane``."""
    return a.pca.components_[list(plane)].T


def results_table(a: Analysis, state: State) -> pd.DataFrame:
    """Scores (one row per data row: its projection on every component), then loadings
    (one row per feature: the components' entries), then the explained variances."""
    import pandas as pd  # only when exporting: pandas costs ~0.3 s at start-up

    k = a.scores.shape[1]
    pcs = [f"PC{j + 1}" for j in range(k)]
    names = dict(enumerate(state.class_names))
    scores = pd.DataFrame(a.scores, columns=pcs)
    scores.insert(0, "kind", "score")
    scores.insert(1, "name", [f"row {r + 1}" for r in range(len(a.scores))])
    labels = a.labels
    scores.insert(
        2, "label", [names.get(int(c), str(c)) for c in labels] if labels is not None else ""
    )
    table = pd.DataFrame(a.pca.components_.T, columns=pcs)
    table.insert(0, "kind", "loading")
    table.insert(1, "name", list(state.fitted_names)[: len(table)])
    table.insert(2, "label", "")
    variances = pd.DataFrame(
        [a.pca.explained_variance_, a.pca.explained_variance_ratio_], columns=pcs
    )
    variances.insert(0, "kind", ["explained_variance", "explained_variance_ratio"])
    variances.insert(1, "name", "")
    variances.insert(2, "label", "")
    return pd.concat([scores, table, variances], ignore_index=True)
