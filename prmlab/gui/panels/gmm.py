"""EM for Gaussian mixtures and k-means, stepped E and M apart, with the likelihood climbing.

The panel keeps one fit state (parameters, responsibilities, history) and advances it by
half-steps run in the Job's worker: Step E, Step M, Step (both), Play, Fit to convergence.
Restarts and BIC/AIC vs K are generators in the worker too. Only this GUI thread draws.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QWidget,
)

from prmlab.data import Dataset
from prmlab.data.builtin import blobs, old_faithful
from prmlab.engine import gmm
from prmlab.gui.panels.base import BasePanel
from prmlab.gui.widgets import colors
from prmlab.gui.widgets.ellipse import ellipse_xy
from prmlab.gui.widgets.figure import integer_ticks
from prmlab.gui.widgets.legend import outside_legend, set_legend_rows
from prmlab.gui.widgets.numbers import plural
from prmlab.gui.widgets.params import ValueSlider, group
from prmlab.gui.widgets.point_editor import PointEditor, editable_plot
from prmlab.gui.widgets.status import SteadyLabel
from prmlab.gui.widgets.text import TextItem, elide, set_combo_items

# Up to SCATTER_MAX points get one marker each (pyqtgraph styles every marker in Python,
# ~9 µs each); more are drawn as a density image of at most DENSITY_SAMPLE of them, each
# pixel the mean colour of its points: redraws stay at a few ms for any n.
SCATTER_MAX = 4_000
DENSITY_SAMPLE = 60_000
DENSITY_PIXELS = 240
EDITABLE_MAX = 5_000  # 2-D data up to this size go into the point editor
GMM_TOL = 1e-3  # on the change of the mean log-likelihood, as scikit-learn's default
MAX_ITER = 500
INIT_OPTIONS = {"k-means++": "k-means++", "k-means": "kmeans", "random points": "random"}
PRESETS = (
    "Old Faithful",
    "Blobs (3)",
    "Overlapping blobs (5)",
    "Empty: paint your own",
    "1,000,000 points (5 blobs)",
)


@dataclass(frozen=True)
class FitState:
    """Everything drawn: the parameters after the latest half-step, in all fitted dimensions.

    ``mode`` "gmm" or "kmeans"; ``half`` "init", "E" or "M"; ``means (K, d)``,
    ``covariances (K, d, d)`` (k-means: the within-cluster scatter, for show only),
    ``resp (n, K)`` (k-means: one-hot), ``history`` mean log-likelihood (GMM) or inertia
    (k-means) per E step.
    """

    mode: str
    half: str
    iteration: int
    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    resp: np.ndarray
    history: np.ndarray
    converged: bool = False
    progress: float = 0.0
    hard: np.ndarray | None = None  # k-means labels (n,), None before the first assignment
    image: np.ndarray | None = None  # large data: the density image, coloured in the worker
    image_token: int = -1  # which DensityView the image was made for

    @property
    def labels(self) -> np.ndarray:
        return self.resp.argmax(axis=1) if self.hard is None else self.hard


@dataclass(frozen=True)
class Settings:
    """The model controls, read on the GUI thread and handed to workers."""

    mode: str
    k: int
    covariance_type: str
    init: str
    seed: int
    reg_covar: float

    def gaussian_mixture(self, **kwargs) -> gmm.GaussianMixture:
        return gmm.GaussianMixture(
            self.k,
            covariance_type=self.covariance_type,
            reg_covar=self.reg_covar,
            init_params=self.init,
            random_state=self.seed,
            **kwargs,
        )


# ---------------------------------------------------------------- worker functions (no Qt)
def _kmeans_state(X, half, it, centers, labels, history, converged=False) -> FitState:
    """A k-means state: one-hot ``resp`` from ``labels`` (uniform before the first E step)."""
    k, d = centers.shape
    if labels is None:
        resp, weights = np.full((len(X), k), 1.0 / k), np.full(k, 1.0 / k)
    else:  # broadcast compare, not fancy indexing: NumPy drops the GIL for big n
        resp = (labels[:, None] == np.arange(k)[None, :]).astype(np.float64)
        weights = np.bincount(labels, minlength=k) / len(labels)
    return FitState(
        "kmeans",
        half,
        it,
        weights,
        centers,
        np.zeros((k, d, d)),
        resp,
        np.asarray(history, float),
        converged,
        hard=labels,
    )


def init_state(X: np.ndarray, s: Settings, means_init: np.ndarray | None = None) -> FitState:
    """The ``"init"`` state: the engine's first ``iter_fit`` step."""
    if s.mode == "kmeans":
        init = s.init if means_init is None else means_init
        init = "k-means++" if isinstance(init, str) and init == "kmeans" else init
        step = next(gmm.KMeans(s.k, init=init, n_init=1, random_state=s.seed).iter_fit(X))
        return _kmeans_state(X, "init", 0, step.centers, None, [])
    step = next(s.gaussian_mixture(means_init=means_init).iter_fit(X))
    return FitState(
        "gmm", "init", 0, step.weights, step.means, step.covariances, step.resp, np.empty(0)
    )


def _converged(mode: str, history: np.ndarray) -> bool:
    if len(history) < 2:
        return False
    change = abs(history[-1] - history[-2])
    return change < GMM_TOL if mode == "gmm" else change <= 1e-12 * abs(history[-2])


def half_step(X: np.ndarray, state: FitState, s: Settings) -> FitState:
    """The next half-step after ``state``: E after "init"/"M", M after "E"."""
    if state.half != "E":  # E step: responsibilities (hard labels for k-means)
        it = state.iteration + 1
        if state.mode == "gmm":
            resp, ll = gmm.e_step(X, state.weights, state.means, state.covariances)
            new = replace(state, resp=resp)
        else:
            labels, ll = gmm.assign_labels(X, state.means)
            new = _kmeans_state(X, "E", it, state.means, labels, state.history)
        return replace(
            new,
            half="E",
            iteration=it,
            history=np.append(state.history, ll),
            progress=min(1.0, it / MAX_ITER),
        )
    if state.mode == "gmm":  # M step: parameters from the responsibilities
        w, m, c = gmm.m_step(X, state.resp, s.reg_covar)
        if s.covariance_type == "diag":
            c = c * np.eye(X.shape[1])
        return replace(
            state,
            half="M",
            weights=w,
            means=m,
            covariances=c,
            converged=_converged("gmm", state.history),
        )
    centers = gmm.update_centers(X, state.labels, state.means)
    new = _kmeans_state(X, "M", state.iteration, centers, state.labels, state.history)
    return replace(new, converged=_converged("kmeans", state.history))


@dataclass(frozen=True)
class DensityView:
    """Large data are drawn as an image: drawn row ``idx[j]`` falls in pixel ``flat[j]``.

    Made on the GUI thread once per data and view; workers colour the pixels of each state
    (mean responsibility blend), so a redraw on the GUI thread is a plain ``setImage``.
    """

    idx: np.ndarray | None  # rows of X drawn (None: all)
    flat: np.ndarray  # (m,) pixel of each drawn row, in a pixels x pixels image
    count: np.ndarray  # (pixels * pixels,) drawn rows per pixel
    pixels: int
    palette: np.ndarray  # (8, 3) RGB of the component colours
    token: int


def density_image(resp: np.ndarray | None, view: DensityView) -> np.ndarray:
    """``(pixels, pixels, 4)`` RGBA: colour = mean blend of the pixel's points, alpha ~ log count."""
    g, count = view.pixels, view.count
    filled = count > 0
    img = np.zeros((g * g, 4))
    if resp is None:
        img[:, :3] = view.palette[7]
    else:
        r = resp if view.idx is None else resp[view.idx]
        for c in range(3):  # element-wise, not a BLAS product (whose threads spin on 2 cores)
            rgb = sum(r[:, k] * view.palette[k, c] for k in range(r.shape[1]))
            img[filled, c] = np.bincount(view.flat, weights=rgb, minlength=g * g)[filled]
            img[filled, c] /= count[filled]
    img[:, 3] = 255 * (0.25 + 0.75 * np.log1p(count) / np.log1p(count.max())) * filled
    return img.reshape(g, g, 4).astype(np.ubyte)


def dressed(state: FitState, view: DensityView | None) -> FitState:
    """``state`` with its density image when the data are drawn as one."""
    if view is None:
        return state
    return replace(state, image=density_image(state.resp, view), image_token=view.token)


def step_to(
    X: np.ndarray, s: Settings, state: FitState, halves: int, view: DensityView | None = None
) -> FitState:
    """``halves`` half-steps (a "Step" is 2 from after an M, or the pending M after an E)."""
    for _ in range(halves):
        state = half_step(X, state, s)
    return dressed(state, view)


def run_to_convergence(
    X: np.ndarray, state: FitState, s: Settings, view: DensityView | None = None
) -> Iterator[FitState]:
    """Half-steps until convergence (or ``MAX_ITER``), yielding each; returns the last."""
    while not (state.half == "M" and state.converged) and state.iteration < MAX_ITER:
        state = dressed(half_step(X, state, s), view)
        yield state
    return replace(state, progress=1.0)


def fit_from(
    X: np.ndarray,
    s: Settings,
    state: FitState | None,
    means_init: np.ndarray | None,
    view: DensityView | None,
) -> Iterator[FitState]:
    """EM (or Lloyd) to convergence from ``state``, or from a fresh start when it is None."""
    state = start_state(X, s, means_init, view) if state is None else state
    yield state
    return (yield from run_to_convergence(X, state, s, view))


def start_state(
    X: np.ndarray, s: Settings, means_init: np.ndarray | None, view: DensityView | None
) -> FitState:
    return dressed(init_state(X, s, means_init), view)


@dataclass(frozen=True)
class Restarts:
    """Finished seeded runs: ``scores`` (final mean log-likelihood, or -inertia) and states."""

    scores: np.ndarray
    seeds: np.ndarray
    states: tuple
    progress: float


def _fitted(model, X: np.ndarray) -> Iterator[None]:
    """Fit ``model`` through its ``iter_fit``, yielding ``None`` between half-steps so a long
    fit (a million points) can be cancelled; returns the fitted model."""
    for _ in model.iter_fit(X):
        yield None
    return model


def _best_of(models, X: np.ndarray, score) -> Iterator[None]:
    """The fitted model with the highest ``score(model)``."""
    best = None
    for model in models:
        yield from _fitted(model, X)
        if best is None or score(model) > score(best):
            best = model
    return best


def restarts(X: np.ndarray, s: Settings, n_runs: int) -> Iterator[Restarts | None]:
    """``n_runs`` fits from seeds ``seed, seed+1, ...``; yields after each run."""
    scores, seeds, states = [], [], []
    for i in range(n_runs):
        seed = s.seed + i
        if s.mode == "gmm":
            model = replace(s, seed=seed).gaussian_mixture(max_iter=MAX_ITER)
            yield from _fitted(model, X)
            resp = model.predict_proba(X)
            full = model.covariances_
            if s.covariance_type == "diag":
                full = full[:, :, None] * np.eye(X.shape[1])
            state = FitState(
                "gmm",
                "M",
                model.n_iter_,
                model.weights_,
                model.means_,
                full,
                resp,
                model.loglik_history_,
                model.converged_,
                1.0,
            )
            scores.append(model.score(X))
        else:
            init = "k-means++" if s.init == "kmeans" else s.init
            model = gmm.KMeans(s.k, init=init, n_init=1, random_state=seed)
            yield from _fitted(model, X)
            state = _kmeans_state(
                X,
                "M",
                model.n_iter_,
                model.cluster_centers_,
                model.labels_,
                model.inertia_history_,
                True,
            )
            scores.append(-model.inertia_)
        seeds.append(seed)
        states.append(state)
        yield Restarts(np.array(scores), np.array(seeds), tuple(states), (i + 1) / n_runs)
    return Restarts(np.array(scores), np.array(seeds), tuple(states), 1.0)


@dataclass(frozen=True)
class Criteria:
    ks: np.ndarray
    bic: np.ndarray  # k-means: inertia (the elbow)
    aic: np.ndarray  # k-means: empty
    progress: float


def criteria(X: np.ndarray, s: Settings, k_max: int) -> Iterator[Criteria | None]:
    """BIC and AIC of the best of 3 seeded fits for K = 1..k_max (k-means: inertia)."""
    ks, bic, aic = [], [], []
    for k in range(1, k_max + 1):
        seeds = range(s.seed, s.seed + 3)
        if s.mode == "gmm":
            models = (replace(s, k=k, seed=j).gaussian_mixture(max_iter=MAX_ITER) for j in seeds)
            model = yield from _best_of(models, X, lambda m: m.lower_bound_)
            bic.append(model.bic(X))
            aic.append(model.aic(X))
        else:
            models = (gmm.KMeans(k, n_init=1, random_state=j) for j in seeds)
            model = yield from _best_of(models, X, lambda m: -m.inertia_)
            bic.append(model.inertia_)
        ks.append(k)
        yield Criteria(np.array(ks), np.array(bic), np.array(aic), k / k_max)
    return Criteria(np.array(ks), np.array(bic), np.array(aic), 1.0)


def big_blobs(seed: int) -> Dataset:
    """1,000,000 points in 5 blobs (made in the worker: ~0.3 s)."""
    ds = blobs(1_000_000, 5, 1.5, seed=seed)
    ds.name = "1,000,000 points"
    return ds


def principal_axes(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Centre and the two leading principal directions (rows of ``(2, d)``) by a thin SVD
    of the centred data's scatter matrix (d x d: cheap for many rows)."""
    centre = X.mean(axis=0)
    Xc = X - centre
    _, _, vt = np.linalg.svd(Xc.T @ Xc)
    axes = vt[:2]
    if axes.shape[0] < 2:  # one feature: the second axis is empty
        axes = np.vstack([axes, np.zeros_like(axes)])
    return centre, axes


@dataclass(frozen=True)
class Projection:
    """Centre ``(d,)`` and the two leading principal directions ``(2, d)`` of the data."""

    centre: np.ndarray
    axes: np.ndarray


def prepare(
    X: np.ndarray,
    s: Settings,
    means_init: np.ndarray | None,
    want_pca: bool,
    view: DensityView | None,
) -> tuple:
    """The first state, and the principal axes when the data have more than 2 features."""
    state = start_state(X, s, means_init, view)
    return (state, Projection(*principal_axes(X))) if want_pca else (state,)


def demo_run(X: np.ndarray, s: Settings, n_runs: int, k_max: int) -> Iterator:
    """Fit to convergence, then restarts, then the criteria: the full picture for a class."""
    state = init_state(X, s, None)
    yield state
    state = yield from run_to_convergence(X, state, s)
    runs = yield from restarts(X, s, n_runs)
    chart = yield from criteria(X, s, k_max)
    return (state, runs, chart)


def _bounds(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column-wise min and max (per column: ``min(axis=0)`` on an (n, 2) array is ~50x slower)."""
    return (
        np.array([points[:, j].min() for j in range(points.shape[1])]),
        np.array([points[:, j].max() for j in range(points.shape[1])]),
    )


def _blend_brushes(resp: np.ndarray) -> list:
    """Responsibility-weighted colours (``colors.blend``), quantised to steps of 8 per channel
    so a few hundred brushes serve any number of points."""
    rgb = resp @ colors.palette_rgb(resp.shape[1])
    q = np.clip(np.rint(rgb / 8.0), 0, 31).astype(np.int64)
    codes = (q[:, 0] << 10) | (q[:, 1] << 5) | q[:, 2]
    uniq, inverse = np.unique(codes, return_inverse=True)
    table = [
        pg.mkBrush(
            min(255, 8 * (c >> 10)), min(255, 8 * ((c >> 5) & 31)), min(255, 8 * (c & 31)), 225
        )
        for c in uniq.tolist()
    ]
    return [table[i] for i in inverse.tolist()]


# ---------------------------------------------------------------------------- the panel
class GmmPanel(BasePanel):
    name = "gmm"
    title = "EM/GMM"
    explanation = (
        "<b>Gaussian mixture</b> p(x) = Σ<sub>k</sub> π<sub>k</sub> N(x | μ<sub>k</sub>, "
        "Σ<sub>k</sub>), fitted by EM (Bishop, PRML §9.2). "
        "<b>E step</b>: r<sub>ik</sub> = π<sub>k</sub> N(x<sub>i</sub> | μ<sub>k</sub>, "
        "Σ<sub>k</sub>) / Σ<sub>j</sub> π<sub>j</sub> N(x<sub>i</sub> | μ<sub>j</sub>, "
        "Σ<sub>j</sub>) (point colours). "
        "<b>M step</b>: N<sub>k</sub> = Σ<sub>i</sub> r<sub>ik</sub>, π<sub>k</sub> = "
        "N<sub>k</sub>/N, μ<sub>k</sub> = Σ<sub>i</sub> r<sub>ik</sub> x<sub>i</sub> / "
        "N<sub>k</sub>, Σ<sub>k</sub> = Σ<sub>i</sub> r<sub>ik</sub> (x<sub>i</sub>−μ<sub>k</sub>)"
        "(x<sub>i</sub>−μ<sub>k</sub>)<sup>T</sup> / N<sub>k</sub> (ellipses at 1σ and 2σ). "
        "EM never lowers log p(X | θ). <b>k-means</b> is EM with hard posteriors: assign each "
        "point to its nearest centre, then move each centre to its cluster mean, lowering "
        "Σ<sub>k</sub> Σ<sub>x∈C<sub>k</sub></sub> ‖x − μ<sub>k</sub>‖²."
    )

    # -- construction -------------------------------------------------------------------
    def build(self) -> None:
        self.X = np.empty((0, 2))
        self._raw = np.empty((0, 2))
        self.state: FitState | None = None
        self.restart_result: Restarts | None = None
        self._dataset_name = ""
        self._feature_names = ["x₁", "x₂"]  # of the fitted columns
        self._all_names = ["x₁", "x₂"]
        self._chosen = [0, 1]  # the columns of the data EM fits in
        self._table = False  # True: data not in the point editor (CSV, large data)
        self._show_idx: np.ndarray | None = None
        self._shown: np.ndarray | None = None  # cache of shown_points()
        self._layout: DensityView | None = None  # cache of density_view()
        self._density_rect = (np.zeros(2), np.ones(2))
        self._view_token = 0
        self._pca: tuple[np.ndarray, np.ndarray] | None = None
        self._means_init: np.ndarray | None = None

        data = group(self.controls, "Data")
        self.data_form = data
        self.preset_box = QComboBox()
        self.preset_box.addItems(PRESETS)
        self.preset_box.activated.connect(lambda i: self.load_preset(PRESETS[i]))
        data.addRow("Preset", self.preset_box)
        self.edit_mode_box = QComboBox()
        self.edit_mode_box.addItems(["Click / drag", "Spray brush", "Erase"])
        self.edit_mode_box.setToolTip(
            "Left click adds a point, drag moves one; spray paints a cloud; Ctrl+Z undoes"
        )
        self.edit_mode_box.currentIndexChanged.connect(self._edit_mode_changed)
        data.addRow("Mouse", self.edit_mode_box)
        self.view_box = QComboBox()
        self.view_box.addItems(["Two features", "PC1 – PC2"])
        self.view_box.currentIndexChanged.connect(self._projection_changed)
        self.x_box, self.y_box = QComboBox(), QComboBox()
        for box in (self.x_box, self.y_box):
            box.currentIndexChanged.connect(self._projection_changed)
        self.feature_list = QListWidget()
        self.feature_list.setMaximumHeight(110)
        self.feature_list.setToolTip("The features EM / k-means fits in")
        self.feature_list.itemChanged.connect(self._features_changed)
        self.feature_label = QLabel("Fit in")
        data.addRow(self.feature_label, self.feature_list)
        data.addRow("Show", self.view_box)
        data.addRow("x axis", self.x_box)
        data.addRow("y axis", self.y_box)
        self.info_label = QLabel()
        self.info_label.setWordWrap(True)
        data.addRow(self.info_label)

        model = group(self.controls, "Model")
        self.mode_box = QComboBox()
        self.mode_box.addItems(["GMM (EM)", "k-means"])
        self.mode_box.currentIndexChanged.connect(self._model_changed)
        model.addRow("Method", self.mode_box)
        self.k_box = QSpinBox()
        self.k_box.setRange(1, 8)
        self.k_box.setValue(2)
        self.k_box.valueChanged.connect(self._model_changed)
        model.addRow("K", self.k_box)
        self.cov_box = QComboBox()
        self.cov_box.addItems(["full", "diag"])
        self.cov_box.currentIndexChanged.connect(self._model_changed)
        model.addRow("Covariance", self.cov_box)
        self.init_box = QComboBox()
        self.init_box.addItems(list(INIT_OPTIONS))
        self.init_box.currentIndexChanged.connect(self._model_changed)
        self.init_box.setToolTip("Or drag a mean (✚) on the plot to start from there")
        model.addRow("Init", self.init_box)
        self.reg_slider = ValueSlider(1e-9, 1e-1, 1e-6, log=True, decimals=9)
        self.reg_slider.setToolTip("reg_covar: added to every covariance's diagonal")
        self.reg_slider.valueChanged.connect(self._model_changed)
        model.addRow("reg_covar", self.reg_slider)
        model.addRow("Seed", self.seed_box)
        self.seed_box.valueChanged.connect(self._model_changed)

        steps = group(self.controls, "EM")
        row = QWidget()
        grid = QGridLayout(row)
        grid.setContentsMargins(0, 0, 0, 0)
        self.step_e_button = QPushButton("Step E")
        self.step_m_button = QPushButton("Step M")
        self.fit_button = QPushButton("Fit »")
        self.fit_button.setToolTip("Run to convergence")
        for i, b in enumerate((self.step_e_button, self.step_m_button, self.fit_button)):
            grid.addWidget(b, 0, i)
        steps.addRow(row)
        self.step_e_button.clicked.connect(lambda: self.step("E"))
        self.step_m_button.clicked.connect(lambda: self.step("M"))
        # keys for stepping in front of a class: E, M, N (next full step)
        for key, button in (("E", self.step_e_button), ("M", self.step_m_button)):
            button.setToolTip(f"Key: {key}")
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(button.click)
        self.fit_button.clicked.connect(self.fit)
        self.playback = self.make_playback(step_text="Step (E+M)", rate=3.0, max_rate=30.0)
        self.playback.sigStep.connect(lambda: self.step("EM"))
        self.playback.step_button.setToolTip("One EM iteration (key: N)")
        shortcut = QShortcut(QKeySequence("N"), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.playback.step_button.click)
        self.playback.sigReset.connect(self.reset)
        self.playback.sigPlayingChanged.connect(self._play_toggled)
        steps.addRow(self.playback)
        self.status_label = SteadyLabel(lines=2)  # changes every step: the buttons stay put
        steps.addRow(self.status_label)

        more = group(self.controls, "Local optima and model choice")
        self.runs_box = QSpinBox()
        self.runs_box.setRange(2, 200)
        self.runs_box.setValue(20)
        self.restarts_button = QPushButton("Run restarts")
        self.restarts_button.setToolTip(
            "N seeded fits; click a bar of the histogram to load the run it holds"
        )
        self.restarts_button.clicked.connect(self.run_restarts)
        more.addRow("Restarts N", self.runs_box)
        more.addRow(self.restarts_button)
        self.kmax_box = QSpinBox()
        self.kmax_box.setRange(2, 10)
        self.kmax_box.setValue(6)
        self.criteria_button = QPushButton("BIC / AIC vs K")
        self.criteria_button.clicked.connect(self.run_criteria)
        more.addRow("K up to", self.kmax_box)
        more.addRow(self.criteria_button)
        self.standardise_box = QCheckBox("Standardise features (z-scores)")
        self.standardise_box.toggled.connect(lambda _: self._data_changed())
        data.addRow(self.standardise_box)

        self._build_plots()

    def _build_plots(self) -> None:
        self.plot = editable_plot("Responsibilities")
        self.figure.addItem(self.plot, row=0, col=0, rowspan=3)
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.editor = PointEditor(
            self.plot, self.undo_stack, left_label=0, right_label=0, symbol_size=7
        )
        self.editor.set_visible(False)  # drawn by self.points, coloured by resp
        self.editor.install_delete_shortcut(self)
        self.editor.sigEditFinished.connect(self._edited)
        self.voronoi = pg.ImageItem()
        self.voronoi.setZValue(-10)
        self.plot.addItem(self.voronoi)
        self.density = pg.ImageItem()
        self.density.setZValue(-5)
        self.plot.addItem(self.density)
        self.points = pg.ScatterPlotItem(size=7, pen=pg.mkPen(255, 255, 255, 120, width=0.5))
        self.points.setZValue(5)
        self.plot.addItem(self.points)
        self.curves: list[pg.PlotDataItem] = []
        self.samples: list[pg.PlotDataItem] = []
        self.legend = outside_legend(self.plot)
        self.handles: list[pg.TargetItem] = []

        self.ll_plot = self.figure.addPlot(row=0, col=1, title="Log-likelihood per iteration")
        self.ll_plot.setLabel("bottom", "iteration")
        integer_ticks(self.ll_plot.getAxis("bottom"))
        self.ll_plot.setLabel("left", "mean log p(x)")
        self.ll_plot.showGrid(x=True, y=True, alpha=0.2)
        self.ll_curve = self.ll_plot.plot(
            [],
            [],
            pen=pg.mkPen(colors.PALETTE[0], width=2),
            symbol="o",
            symbolSize=5,
            symbolBrush=colors.PALETTE[0],
        )
        self.ll_bad = self.ll_plot.plot(
            [],
            [],
            pen=None,
            symbol="x",
            symbolSize=12,
            symbolBrush=colors.REJECT,
            symbolPen=colors.REJECT,
        )
        self.mono_text = TextItem(anchor=(1, 1))
        self.ll_plot.addItem(self.mono_text, ignoreBounds=True)
        self.ll_plot.getViewBox().sigRangeChanged.connect(self._place_mono_text)

        self.hist_plot = self.figure.addPlot(row=1, col=1, title="Restarts: final log-likelihood")
        self.hist_plot.setLabel("bottom", "final mean log p(x)")
        self.hist_plot.setLabel("left", "runs")
        integer_ticks(self.hist_plot.getAxis("left"))
        self.hist_bars = pg.BarGraphItem(x=[], height=[], width=1, brush=colors.PALETTE[5])
        self.hist_plot.addItem(self.hist_bars)
        self.hist_mark = pg.InfiniteLine(angle=90, pen=pg.mkPen(colors.REJECT, width=2))
        self.hist_mark.setVisible(False)
        self.hist_plot.addItem(self.hist_mark)
        self.hist_plot.scene().sigMouseClicked.connect(self._hist_clicked)

        self.ic_plot = self.figure.addPlot(row=2, col=1, title="Model choice: BIC / AIC vs K")
        self.ic_plot.setLabel("bottom", "K")
        integer_ticks(self.ic_plot.getAxis("bottom"))
        self.ic_plot.setLabel("left", "criterion (lower is better)")
        self.ic_legend = outside_legend(self.ic_plot)
        self.bic_curve = self.ic_plot.plot(
            [],
            [],
            name="BIC",
            pen=pg.mkPen(colors.PALETTE[0], width=2),
            symbol="o",
            symbolBrush=colors.PALETTE[0],
        )
        self.aic_curve = self.ic_plot.plot(
            [],
            [],
            name="AIC",
            pen=pg.mkPen(colors.PALETTE[1], width=2, style=Qt.PenStyle.DashLine),
            symbol="s",
            symbolBrush=colors.PALETTE[1],
        )
        layout = self.figure.ci.layout
        layout.setColumnStretchFactor(0, 3)
        layout.setColumnStretchFactor(1, 2)

    # -- settings and data ---------------------------------------------------------------
    def settings(self) -> Settings:
        return Settings(
            mode="gmm" if self.mode_box.currentIndex() == 0 else "kmeans",
            k=int(self.k_box.value()),
            covariance_type=self.cov_box.currentText(),
            init=INIT_OPTIONS[self.init_box.currentText()],
            seed=self.seed(),
            reg_covar=float(self.reg_slider.value()),
        )

    def load_demo(self) -> None:
        """Old Faithful, K=2: EM to convergence, 20 restarts and BIC/AIC for K = 1..6."""
        self.load_preset("Old Faithful")
        self._start(demo_run, self.runs_box.value(), self.kmax_box.value(), label="EM: demo")

    def heavy_job(self) -> None:
        """1,000,000 points, K=5, EM to convergence: data made and fitted in the worker."""
        self.load_preset(PRESETS[-1], then="fit")

    def load_preset(self, name: str, then: str = "reset") -> None:
        """Put a built-in data set on the plot, then ``"reset"`` (initialise) or ``"fit"``.

        Editable presets are one undo step; the large one is generated in the worker.
        """
        self.preset_box.setCurrentText(name)
        self.k_box.blockSignals(True)
        if name == "Old Faithful":
            ds = old_faithful()
            self.k_box.setValue(2)
        elif name == "Blobs (3)":
            ds = blobs(300, 3, 1.0, seed=self.seed())
            self.k_box.setValue(3)
        elif name == "Overlapping blobs (5)":
            ds = blobs(600, 5, 2.5, seed=self.seed())
            self.k_box.setValue(5)
        elif name.startswith("1,000,000"):
            self.k_box.setValue(5)
            self.k_box.blockSignals(False)
            self.playback.pause()
            self.job.run(
                big_blobs,
                self.seed(),
                on_done=lambda ds: self._use_dataset(ds, then),
                label="EM: generate data",
            )
            return
        else:
            ds = Dataset(np.empty((0, 2)), ["x₁", "x₂"], name="Your points")
        self.k_box.blockSignals(False)
        self._use_dataset(ds, then)

    def set_dataset(self, dataset: Dataset) -> None:
        """A CSV or built-in table: fit in all its columns, show two features or two PCs."""
        if dataset.n_samples < 1 or dataset.n_features < 1:
            self.messages.error("The data set needs at least one row and one numeric column.")
            return
        self.preset_box.setPlaceholderText(dataset.name or "Your data")
        self.preset_box.setCurrentIndex(-1)
        self._use_dataset(dataset)
        if self.messages.level() == "error":  # e.g. fewer rows than components: keep it shown
            return
        self.messages.note(
            f"{dataset.name or 'Data'}: {dataset.n_samples:,} rows × {dataset.n_features} "
            f"features, fitted in all of them. {dataset.notes_text()}"
        )

    def _use_dataset(self, ds: Dataset, then: str = "reset") -> None:
        self.playback.pause()
        self.job.cancel()
        self.clear_stale()
        self._dataset_name = ds.name
        self._all_names = list(ds.feature_names) or ["x₁", "x₂"]
        self._table = not (ds.n_features == 2 and ds.n_samples <= EDITABLE_MAX)
        self._raw = np.ascontiguousarray(ds.X, dtype=np.float64)
        self.editor.enabled = not self._table
        self.edit_mode_box.setEnabled(not self._table)
        self.feature_list.blockSignals(True)
        self.feature_list.clear()
        for name in self._all_names:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.feature_list.addItem(item)
        self.feature_list.blockSignals(False)
        self.data_form.setRowVisible(self.feature_list, ds.n_features > 2)
        self._chosen = list(range(ds.n_features))
        self._set_display_names()
        if self._table:
            self.editor.set_data(np.empty((0, 2)), undoable=False)
        else:
            self.editor.blockSignals(True)  # refit once below, not on the editor's signal
            self.editor.set_data(self._raw, text=f"Load {ds.name or 'points'}")
            self.editor.blockSignals(False)
        self._data_changed(then)
        self.plot.enableAutoRange()

    def _edit_mode_changed(self, index: int) -> None:
        mode = ("add", "spray", "erase")[index]
        if mode == "spray":  # a cloud a few percent of the view wide
            (x0, x1), (y0, y1) = self.plot.getViewBox().viewRange()
            self.editor.spray_radius = 0.04 * min(x1 - x0, y1 - y0)
        self.editor.set_mode(mode)

    def _set_display_names(self) -> None:
        """Fill the x/y boxes with the fitted features (signals blocked: the caller redraws)."""
        self._feature_names = [self._all_names[i] for i in self._chosen]
        for i, box in enumerate((self.x_box, self.y_box)):
            box.blockSignals(True)
            set_combo_items(box, self._feature_names)
            box.setCurrentIndex(min(i, len(self._feature_names) - 1))
            box.blockSignals(False)
        for w in (self.view_box, self.x_box, self.y_box):
            self.data_form.setRowVisible(w, len(self._chosen) > 2)

    def _features_changed(self, item: QListWidgetItem) -> None:
        chosen = [
            i
            for i in range(self.feature_list.count())
            if self.feature_list.item(i).checkState() == Qt.CheckState.Checked
        ]
        if not chosen:
            self.feature_list.blockSignals(True)
            item.setCheckState(Qt.CheckState.Checked)
            self.feature_list.blockSignals(False)
            self.messages.error("Choose at least one feature to fit in.")
            return
        self._chosen = chosen
        self._set_display_names()
        self._data_changed()

    def _edited(self) -> None:
        """The point editor changed (click, drag, spray, undo): refit from a fresh init."""
        if not self._table:
            self._raw = self.editor.points
            self._data_changed()

    def _data_changed(self, then: str = "reset") -> None:
        X = self._raw if len(self._chosen) == self._raw.shape[1] else self._raw[:, self._chosen]
        if self.standardise_box.isChecked() and len(X) > 1:
            sd = X.std(axis=0)
            X = (X - X.mean(axis=0)) / np.where(sd > 0, sd, 1.0)
        self.X = np.ascontiguousarray(X)
        n = len(self.X)
        self._show_idx, self._shown = None, None
        if n > DENSITY_SAMPLE:
            rng = np.random.default_rng(0)
            self._show_idx = np.sort(rng.choice(n, DENSITY_SAMPLE, replace=False))
        shown = "" if n <= SCATTER_MAX else f", drawn as a density of {min(n, DENSITY_SAMPLE):,}"
        self.info_label.setText(
            f"{self._dataset_name or 'Points'}: {n:,} × {self.X.shape[1]}{shown}"
        )
        self._pca = None
        self._means_init = None
        self._clear_side_results()
        self.state = None
        self._projection_changed()
        if then == "fit":
            self.fit()
        else:
            self.reset()

    def clear_views(self) -> None:
        self._clear_side_results()

    def _clear_side_results(self) -> None:
        """No restarts or criteria: they were the previous data's or model's (their title
        said "Restarts: 20 runs" over an empty chart)."""
        kmeans = self.mode_box.currentIndex() == 1
        self.hist_plot.setTitle(
            "Restarts: final −inertia" if kmeans else "Restarts: final log-likelihood"
        )
        self.restart_result = None
        self.hist_bars.setOpts(x=[], height=[])
        self.hist_mark.setVisible(False)
        self.bic_curve.setData([], [])
        self.aic_curve.setData([], [])

    def _model_changed(self, *_) -> None:
        kmeans = self.mode_box.currentIndex() == 1
        self.cov_box.setEnabled(not kmeans)
        self.reg_slider.setEnabled(not kmeans)
        self.step_e_button.setText("Step E (assign)" if kmeans else "Step E")
        self.step_m_button.setText("Step M (means)" if kmeans else "Step M")
        self.ll_plot.setTitle("Inertia per iteration" if kmeans else "Log-likelihood per iteration")
        self.ll_plot.setLabel("left", "Σ ‖x − μ‖²" if kmeans else "mean log p(x)")
        self.ic_plot.setTitle("Elbow: inertia vs K" if kmeans else "Model choice: BIC / AIC vs K")
        self.hist_plot.setLabel("bottom", "−inertia" if kmeans else "final mean log p(x)")
        self.ic_legend.clear()
        self.ic_legend.addItem(self.bic_curve, "inertia" if kmeans else "BIC")
        if not kmeans:
            self.ic_legend.addItem(self.aic_curve, "AIC")
        self._means_init = None
        self._clear_side_results()
        self.reset()

    # -- projection for display --------------------------------------------------------
    def _projection(self) -> tuple[np.ndarray, np.ndarray]:
        """``(offset (d,), P (2, d))``: shown = (x - offset) @ P.T (rows of P orthonormal)."""
        d = self.X.shape[1]
        if d > 2 and self.view_box.currentIndex() == 1 and self._pca is not None:
            return self._pca
        P = np.zeros((2, d))
        P[0, max(self.x_box.currentIndex(), 0)] = 1.0
        if d > 1:
            P[1, max(self.y_box.currentIndex(), 0)] = 1.0
        return np.zeros(d), P

    def _axis_names(self) -> tuple[str, str]:
        if self.X.shape[1] > 2 and self.view_box.currentIndex() == 1 and self._pca is not None:
            return "PC1", "PC2"
        names = self._feature_names
        x = names[max(self.x_box.currentIndex(), 0)]
        y = names[max(self.y_box.currentIndex(), 0)] if len(names) > 1 else ""
        return elide(x), elide(y)

    def _projection_changed(self, *_) -> None:
        self._shown = None
        x, y = self._axis_names()
        self.plot.setLabel("bottom", x)
        self.plot.setLabel("left", y)
        # its own turn: a new data set (up to 10^6 points as a density) paints apart from
        # the first EM state that follows it
        self.draw_in_turns(self._draw_projected)

    def _draw_projected(self) -> None:
        self.draw_state()
        self.plot.enableAutoRange()

    def shown_points(self) -> np.ndarray:
        """The drawn sample of points in display coordinates (cached per data and view)."""
        if self._shown is None:
            X = self.X if self._show_idx is None else self.X[self._show_idx]
            offset, P = self._projection()
            # column by column, not a BLAS product (its threads spin on a busy 2-core machine)
            self._shown = sum((X[:, j, None] - offset[j]) * P[None, :, j] for j in range(len(P[0])))
            self._layout = None
        return self._shown

    # -- running -------------------------------------------------------------------------
    def reset(self) -> None:
        """Re-initialise with the current settings (and dragged means, if any)."""
        self.playback.pause()
        self.state = None
        if len(self.X) == 0:
            self.job.cancel()
            self.draw_state()
            self.messages.note("No points yet: click or spray some on the plot.")
            return
        self.messages.clear()
        want_pca = self.X.shape[1] > 2 and self._pca is None
        args = (self._means_init, want_pca, self.density_view())
        if not self._start(prepare, *args, label="EM: initialise"):
            self.job.cancel()
            self.draw_state()

    def _start(self, fn, *args, label: str) -> bool:
        """Check the data and settings here, then run ``fn(X, settings, *args)`` in the worker;
        its steps and result go to ``_receive``. False (and an error shown) if the check fails."""
        s = self.settings()
        try:
            if s.mode == "gmm":
                X = s.gaussian_mixture().check_params(self.X)
            else:
                X = gmm.KMeans(s.k, n_init=1).check_params(self.X)
        except ValueError as exc:
            self.playback.pause()
            self.messages.error(str(exc))
            return False
        self.job.run(fn, X, s, *args, on_step=self._receive, on_done=self._receive, label=label)
        return True

    def step(self, which: str) -> None:
        """ "E", "M" or "EM" (finish the current iteration: the pending M, or E then M)."""
        if self.state is None or self.job.running:
            return
        if (which == "M") != (self.state.half == "E"):
            return  # E comes after "init" or M, and M after E (the buttons say so)
        halves = {"E": 1, "M": 1, "EM": 1 if self.state.half == "E" else 2}[which]
        self._start(step_to, self.state, halves, self.density_view(), label="EM: step")

    def fit(self) -> None:
        """Run to convergence from the current state (or from a fresh init)."""
        self.playback.pause()
        args = (self.state, self._means_init, self.density_view())
        self._start(fit_from, *args, label="EM: fit")

    def _play_toggled(self, on: bool) -> None:
        if on and self.state is not None and self.state.half == "M" and self.state.converged:
            self.messages.note("Already converged: Reset (or change K, init, seed) to start over.")
            self.playback.pause()

    def _receive(self, result) -> None:
        """Route any worker result (or a tuple of them) to its drawing."""
        if isinstance(result, tuple):  # one per turn: each plot paints on its own
            self._receive(result[0])
            self.draw_in_turns(*(functools.partial(self._receive, item) for item in result[1:]))
        elif isinstance(result, FitState):
            self._take_state(result)
        elif isinstance(result, Restarts):
            self._draw_restarts(result)
        elif isinstance(result, Criteria):
            self._draw_criteria(result)
        elif isinstance(result, Projection):
            self._pca = (result.centre, result.axes)
            self._projection_changed()

    def _take_state(self, state: FitState) -> None:
        self.state = state
        if state.half == "M" and state.converged:
            self.playback.pause()
        self.draw_state()

    # -- drawing -------------------------------------------------------------------------
    def draw_state(self) -> None:
        """Points, ellipses, means, Voronoi regions and the curve of the current state."""
        shown = self.shown_points() if len(self.X) else np.empty((0, 2))
        s = self._current_state()
        if len(shown) <= SCATTER_MAX:
            self.density.setVisible(False)
            pen = pg.mkPen(255, 255, 255, 110, width=0.5)
            brush = pg.mkBrush(colors.PALETTE[7]) if s is None else _blend_brushes(s.resp)
            self.points.setData(pos=shown, size=7, pen=pen, brush=brush)
        else:
            self.points.setData(pos=np.empty((0, 2)))
            view = self.density_view()
            if s is not None and s.image is not None and s.image_token == view.token:
                image = s.image
            else:  # no state, or one made for another view: colour here, once
                image = density_image(None if s is None else s.resp, view)
            self.density.setImage(image, autoLevels=False)
            lo, span = self._density_rect
            self.density.setRect(QRectF(lo[0], lo[1], span[0], span[1]))
            self.density.setVisible(True)
        self._draw_components(s)
        self._draw_status()
        # its own turn: one paint for the data plot, another for the curve's
        self.draw_in_turns(self._draw_current_history)

    def _current_state(self) -> FitState | None:
        """The state to draw: None for none, or for a late state of the previous data."""
        s = self.state
        return None if s is not None and len(s.resp) != len(self.X) else s

    def _draw_current_history(self) -> None:
        self._draw_history(self._current_state())

    def density_view(self) -> DensityView | None:
        """The pixel layout of the drawn sample (None: few points, drawn as markers)."""
        shown = self.shown_points() if len(self.X) else np.empty((0, 2))
        if len(shown) <= SCATTER_MAX:
            return None
        if self._layout is None:
            g = DENSITY_PIXELS
            lo, hi = _bounds(shown)
            span = np.maximum(hi - lo, 1e-12)
            ij = np.minimum((g * (shown - lo) / span).astype(np.int64), g - 1)
            flat = ij[:, 0] * g + ij[:, 1]
            count = np.bincount(flat, minlength=g * g).astype(np.float64)
            self._view_token += 1
            self._layout = DensityView(
                self._show_idx, flat, count, g, colors.palette_rgb(8), self._view_token
            )
            self._density_rect = (lo, span)
        return self._layout

    def _draw_components(self, s: FitState | None) -> None:
        k = 0 if s is None else len(s.means)
        while len(self.handles) < k:
            i = len(self.handles)
            h = pg.TargetItem(
                size=22,
                symbol="+",
                movable=True,
                pen=pg.mkPen(colors.color(i), width=3),
                hoverPen=pg.mkPen(colors.REJECT, width=4),
            )
            h.setZValue(20)
            h.sigPositionChangeFinished.connect(lambda item, i=i: self._mean_dragged(i, item))
            h.setToolTip("Drag to start EM from here")
            self.plot.addItem(h)
            self.handles.append(h)
            for style in (Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine):
                c = pg.PlotDataItem(pen=pg.mkPen(colors.color(i), width=2.5, style=style))
                c.setZValue(15)
                self.plot.addItem(c)
                self.curves.append(c)
            self.samples.append(  # a legend swatch only: no data
                pg.PlotDataItem([], [], pen=pg.mkPen(colors.color(i), width=8))
            )
        offset, P = self._projection()
        kmeans = s is not None and s.mode == "kmeans"
        for i, h in enumerate(self.handles):
            visible = i < k
            h.setVisible(visible)
            for j in (0, 1):
                self.curves[2 * i + j].setVisible(visible and not kmeans)
            if not visible:
                continue
            m2 = (s.means[i] - offset) @ P.T
            h.blockSignals(True)
            h.setPos(QPointF(float(m2[0]), float(m2[1])))
            h.blockSignals(False)
            if not kmeans:
                c2 = P @ s.covariances[i] @ P.T
                for j, n_std in enumerate((1.0, 2.0)):
                    self.curves[2 * i + j].setData(*ellipse_xy(m2, c2, n_std))
        weights = [] if s is None else s.weights
        if kmeans:
            texts = [
                f"cluster {i + 1}: n = {round(w * len(self.X))}" for i, w in enumerate(weights)
            ]
        else:
            texts = [f"component {i + 1}: π = {w:.3f}" for i, w in enumerate(weights)]
        if s is None:  # hidden, not emptied: the next fit's rows are mostly the same ones
            self.legend.setVisible(False)
        else:
            set_legend_rows(self.legend, list(zip(self.samples[:k], texts)))
            self.legend.setVisible(True)
        self._draw_voronoi(s if kmeans else None)

    def _draw_voronoi(self, s: FitState | None) -> None:
        if s is None:
            self.voronoi.setVisible(False)
            return
        shown = self.shown_points()
        offset, P = self._projection()
        centres = (s.means - offset) @ P.T
        lo, hi = _bounds(np.vstack([shown, centres]))
        pad = 0.15 * np.maximum(hi - lo, 1e-9)
        lo, hi = lo - pad, hi + pad
        nx = ny = 220
        gx = np.linspace(lo[0], hi[0], nx)
        gy = np.linspace(lo[1], hi[1], ny)
        grid = np.stack(np.meshgrid(gx, gy, indexing="ij"), axis=-1).reshape(-1, 2)
        region = ((grid[:, None, :] - centres[None]) ** 2).sum(axis=2).argmin(axis=1)
        rgba = np.array([colors.rgba(i, 60) for i in range(len(centres))], dtype=np.ubyte)
        self.voronoi.setImage(rgba[region].reshape(nx, ny, 4), autoLevels=False)
        self.voronoi.setRect(QRectF(lo[0], lo[1], hi[0] - lo[0], hi[1] - lo[1]))
        self.voronoi.setVisible(True)

    def _draw_history(self, s: FitState | None) -> None:
        h = np.empty(0) if s is None else s.history
        x = np.arange(1, len(h) + 1)
        self.ll_curve.setData(x, h)
        spacing = max(1, int(np.ceil(len(h) / 8)))  # whole iterations on the axis
        self.ll_plot.getAxis("bottom").setTickSpacing(spacing, spacing)
        if len(h) < 2:
            self.ll_bad.setData([], [])
            self.mono_text.setText("")
            return
        diff = np.diff(h)
        tol = 1e-9 * np.abs(h[1:]) + 1e-12
        bad = diff < -tol if s.mode == "gmm" else diff > tol
        self.ll_bad.setData(x[1:][bad], h[1:][bad])
        what = "decreased" if s.mode == "gmm" else "increased"
        if bad.any():
            self.mono_text.setText(f"✗ {what} at iteration {int(x[1:][bad][0])}")
            self.mono_text.setColor(colors.REJECT)
        else:
            never = "never decreased" if s.mode == "gmm" else "never increased"
            self.mono_text.setText(f"✓ {never} ({len(h)} iterations)")
            self.mono_text.setColor(colors.ACCEPT)
        self._place_mono_text()

    def _place_mono_text(self, *_) -> None:
        (x0, x1), (y0, y1) = self.ll_plot.getViewBox().viewRange()
        self.mono_text.setPos(x1, y0)

    def _draw_status(self) -> None:
        s = self.state
        self.step_e_button.setEnabled(s is not None and s.half != "E")
        self.step_m_button.setEnabled(s is not None and s.half == "E")
        if s is None:
            self.status_label.setText("")
            return
        what = {"init": "initialised", "E": "after the E step", "M": "after the M step"}[s.half]
        text = f"Iteration {s.iteration}, {what}"
        if len(s.history):
            name = "log-lik" if s.mode == "gmm" else "inertia"
            text += f"; {name} {s.history[-1]:.5g}"
        if s.half == "M" and s.converged:
            text += " — converged"
        self.status_label.setText(text)

    # -- mouse: dragged means and the restart histogram ----------------------------------
    def _mean_dragged(self, i: int, item: pg.TargetItem) -> None:
        """A mean was dropped: start EM from the shown means (back-projected to all dims)."""
        if self.state is None:
            return
        offset, P = self._projection()
        pos = item.pos()
        means = self.state.means.copy()
        shown_old = (means[i] - offset) @ P.T
        means[i] = means[i] + (np.array([pos.x(), pos.y()]) - shown_old) @ P
        self._means_init = means
        self.messages.note(f"Mean {i + 1} moved: EM starts from your means (Reset clears them).")
        self.playback.pause()
        self._start(start_state, means, self.density_view(), label="EM: initialise")

    def run_restarts(self) -> None:
        self.playback.pause()
        self._start(restarts, self.runs_box.value(), label="EM: restarts")

    def _draw_restarts(self, r: Restarts) -> None:
        self.restart_result = r
        scores = r.scores
        # runs closer than the convergence tolerance reached the same optimum: one bar
        resolution = 2 * GMM_TOL if r.states[0].mode == "gmm" else 0.0
        resolution = max(resolution, 1e-6 * float(np.abs(scores).max()))
        n_bins = int(np.clip(np.sqrt(len(scores)) * 2, 5, 30))
        width = max(float(scores.max() - scores.min()) / n_bins, resolution)
        n_bins = int(np.ceil((scores.max() - scores.min()) / width)) + 1
        edges = scores.min() + width * np.arange(n_bins + 1) - width / 2
        counts, _ = np.histogram(scores, bins=edges)
        keep = counts > 0
        centres = 0.5 * (edges[:-1] + edges[1:])
        self.hist_bars.setOpts(x=centres[keep], height=counts[keep], width=width * 0.9)
        self.hist_plot.enableAutoRange()
        optima = plural(int(keep.sum()), "optimum", "optima")
        self.hist_plot.setTitle(f"Restarts: {plural(len(scores), 'run')}, {optima}")
        best = int(np.argmax(scores))
        self.messages.note(
            f"{plural(len(scores), 'run')}: best {scores.max():.5g} (seed {r.seeds[best]}), worst "
            f"{scores.min():.5g}. Click a bar to load a run."
        )

    def _hist_clicked(self, ev) -> None:
        if self.restart_result is None or not self.hist_plot.sceneBoundingRect().contains(
            ev.scenePos()
        ):
            return
        x = self.hist_plot.getViewBox().mapSceneToView(ev.scenePos()).x()
        self.load_restart(int(np.argmin(np.abs(self.restart_result.scores - x))))

    def load_restart(self, index: int) -> None:
        """Show restart ``index``'s converged fit (its seed goes to the seed box)."""
        r = self.restart_result
        if r is None or not 0 <= index < len(r.states):
            return
        self.job.cancel()
        self.playback.pause()
        self.seed_box.blockSignals(True)
        self.seed_box.setValue(int(r.seeds[index]))
        self.seed_box.blockSignals(False)
        self.hist_mark.setPos(float(r.scores[index]))
        self.hist_mark.setVisible(True)
        self._take_state(r.states[index])
        self.messages.note(f"Loaded the run with seed {r.seeds[index]}: {r.scores[index]:.5g}")

    def run_criteria(self) -> None:
        k_max = min(self.kmax_box.value(), len(self.X))
        self._start(criteria, k_max, label="EM: BIC/AIC")

    def _draw_criteria(self, c: Criteria) -> None:
        self.bic_curve.setData(c.ks, c.bic)
        self.aic_curve.setData(c.ks[: len(c.aic)], c.aic)
        if c.progress >= 1.0 and len(c.aic):
            self.messages.note(
                f"Lowest BIC at K = {int(c.ks[np.argmin(c.bic)])}, "
                f"lowest AIC at K = {int(c.ks[np.argmin(c.aic)])}."
            )

    # -- export --------------------------------------------------------------------------
    def results_frame(self) -> pd.DataFrame | None:
        """One row per point (features, label, responsibilities), then one per component
        (mean in the feature columns, weight, covariance entries)."""
        s = self.state
        if s is None or len(s.resp) != len(self.X):
            return None
        names = list(self._feature_names)
        k, d = s.means.shape
        points = pd.DataFrame(self.X, columns=names)
        points.insert(0, "row", "point")
        points.insert(1, "index", np.arange(len(self.X)))
        points["label"] = s.labels
        for j in range(k):
            points[f"resp_{j}"] = s.resp[:, j]
        comps = pd.DataFrame(s.means, columns=names)
        comps.insert(0, "row", "component")
        comps.insert(1, "index", np.arange(k))
        comps["label"] = np.arange(k)
        comps["weight"] = s.weights
        for a in range(d if s.mode == "gmm" else 0):  # k-means has no covariances
            for b in range(a, d):
                comps[f"cov_{names[a]}_{names[b]}"] = s.covariances[:, a, b]
        return pd.concat([points, comps], ignore_index=True)
