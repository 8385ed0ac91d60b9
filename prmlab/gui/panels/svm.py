"""Support vector machines: draw two classes, watch the maximum margin move, step SMO.

Every edit (click, drag, erase, undo, a slider) refits live through the panel's Job; the
decision function f(x) is shaded, its 0 level (the boundary) and ±1 levels (the margins) are
drawn as contours, support vectors are ringed (squares where α = C). "Step SMO" replays the
solver a few pair updates at a time from α = 0, showing the pair (i, j) and the dual
objective climbing.
"""

from __future__ import annotations

import html
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from prmlab.data import Dataset, builtin
from prmlab.engine.svm import SVC, SmoStep
from prmlab.gui.panels.base import BasePanel
from prmlab.gui.widgets import colors
from prmlab.gui.widgets.figure import integer_ticks
from prmlab.gui.widgets.legend import OutsideLegend
from prmlab.gui.widgets.numbers import plural, shown
from prmlab.gui.widgets.params import ValueSlider, group
from prmlab.gui.widgets.point_editor import PointEditor, editable_plot
from prmlab.gui.widgets.status import SteadyLabel
from prmlab.gui.widgets.text import TextItem, elide, set_combo_items

if TYPE_CHECKING:
    import pandas as pd

NEG, POS = 0, 1  # editor labels: 0 is y = -1 (blue), 1 is y = +1 (orange)
KERNELS = (  # combo text, engine name, formula (its tooltip and the line under the combo)
    ("RBF", "rbf", "K(x, z) = exp(−γ‖x − z‖²)"),
    ("Linear", "linear", "K(x, z) = x·z"),
    ("Polynomial", "poly", "K(x, z) = (γ x·z + c₀)^d"),
)
PRESETS = ("Separable", "Overlapping", "XOR", "Circles", "Moons")
PRESET_CLASSES = ("class -1", "class +1")  # (label 0, label 1); plain ASCII for the CSV export
PRESET_AXES = ("x₁", "x₂")
PRESET_KERNEL = {"Separable": "linear", "Overlapping": "linear"}  # the others: rbf
GRID = 150  # decision map resolution (GRID x GRID), as in the bench's drag workload
LEVEL = 2.5  # the colour scale of f(x) runs over [-LEVEL, LEVEL]
COALESCE_S = 0.25  # an edit waits for a fit younger than this instead of cancelling it

DARK = "#1A1A1A"
MAP_TILE = pg.mkColor(colors.DIVERGING_MIDDLE)  # f(x) = 0 on the map, where marks are drawn
PURPLE, GREEN, VERMILLION = colors.PALETTE[4], colors.ACCEPT, colors.REJECT

EXPLANATION = (
    "<b>Maximum margin</b> (Bishop, PRML §7.1). Hard margin: min ½‖w‖² s.t. "
    "y<sub>i</sub>(w·φ(x<sub>i</sub>) + b) ≥ 1; soft margin adds C Σ ξ<sub>i</sub>. "
    "<b>Dual:</b> max W(α) = Σ α<sub>i</sub> − ½ Σ<sub>ij</sub> α<sub>i</sub>α<sub>j</sub>"
    "y<sub>i</sub>y<sub>j</sub>K(x<sub>i</sub>, x<sub>j</sub>), 0 ≤ α<sub>i</sub> ≤ C, "
    "Σ α<sub>i</sub>y<sub>i</sub> = 0; f(x) = Σ α<sub>i</sub>y<sub>i</sub>K(x<sub>i</sub>, x) + b. "
    "<b>KKT:</b> α = 0 ⇒ y f ≥ 1; 0 &lt; α &lt; C ⇒ y f = 1 (ringed ○, on the margin); "
    "α = C ⇒ y f ≤ 1 (□, inside the margin ×). Linear kernel: margin width 2/‖w‖. "
    "<b>SMO</b> picks the pair (i, j) that violates KKT most (second-order rule, as libsvm) "
    "and solves the dual for those two exactly; it stops when m(α) − M(α) &lt; tol. "
    "<i>Left click: +1 · right or Shift+click: −1 · drag to move · Delete removes · "
    "hover a point for its α.</i>"
)


# -- work done in the Job's thread (plain data in, plain data out) ----------------------------
@dataclass(frozen=True)
class Frame:
    """One drawable state: a finished fit or an SMO step, with its decision map and contours."""

    X: np.ndarray  # (n, 2) the points it was fitted on
    labels: np.ndarray  # (n,) editor labels (0 / 1)
    alpha: np.ndarray  # (n,)
    b: float
    C: float
    kernel: str
    f_train: np.ndarray  # (n,) f at the points
    grid: np.ndarray  # (GRID, GRID), grid[r, c] = f(xs[c], ys[r])
    extent: tuple[float, float, float, float]  # x0, x1, y0, y1
    contours: dict[float, np.ndarray]  # level -> (2m, 2) segment end points
    n_iter: int
    dual_objective: float
    gap: float
    converged: bool
    margin_width: float
    history: np.ndarray | None = None  # (k, 2) rows (n_iter, W) of a whole fit
    pair: tuple[int, int] | None = None  # SMO steps only
    violators: np.ndarray | None = None  # SMO steps only
    trace: np.ndarray | None = None  # SMO steps only: (n_iter, W) since the previous step
    stepping: bool = False


def contour_segments(F: np.ndarray, level: float, extent: tuple) -> np.ndarray:
    """Marching squares on ``F`` (ny, nx) over ``extent``: (2m, 2) segment ends (``connect="pairs"``).

    Each cell's corners above ``level`` give one of 16 cases; only cells the level crosses are
    visited, each crossing two of its edges (four for a saddle, resolved one fixed way).
    """
    x0, x1, y0, y1 = extent
    ny, nx = F.shape
    above = level < F
    code = above[:-1, :-1] * 1 + above[:-1, 1:] * 2 + above[1:, 1:] * 4 + above[1:, :-1] * 8
    r, c = np.nonzero((code > 0) & (code < 15))
    code = code[r, c]
    a, b, cc, d = F[r, c], F[r, c + 1], F[r + 1, c + 1], F[r + 1, c]  # bl, br, tr, tl

    def t(u, v):
        return (level - u) / (v - u)  # on an edge the level crosses, v != u

    # Crossing points in grid units: edge 0 bottom (a-b), 1 right (b-c), 2 top (d-c), 3 left (a-d).
    # All four are computed for every crossed cell, also edges the level does not cross
    # there, where f can be flat (v == u: f is constant far from the points, or along a
    # feature with no spread, as PCA's second axis of two rows): NumPy's "invalid value
    # encountered in divide" reached the user. No pair uses those values.
    with np.errstate(divide="ignore", invalid="ignore"):
        edges = (
            (c + t(a, b), r + 0.0),
            (c + 1.0, r + t(b, cc)),
            (c + t(d, cc), r + 1.0),
            (c + 0.0, r + t(a, d)),
        )
    pairs = {(0, 3): (1, 14, 10), (0, 1): (2, 13, 5), (1, 3): (3, 12), (1, 2): (4, 11, 10)}
    pairs.update({(0, 2): (6, 9), (2, 3): (7, 8, 5)})
    out = [np.empty((0, 2))]
    for (e, f), cases in pairs.items():
        m = np.isin(code, cases)
        ends = [np.column_stack([edges[k][0][m], edges[k][1][m]]) for k in (e, f)]
        out.append(np.stack(ends, axis=1).reshape(-1, 2))
    seg = np.vstack(out)
    dx, dy = (x1 - x0) / (nx - 1), (y1 - y0) / (ny - 1)
    return np.column_stack([x0 + seg[:, 0] * dx, y0 + seg[:, 1] * dy])


def _frame(model: SVC, step: SmoStep, X, labels, extent, **extra) -> Frame:
    x0, x1, y0, y1 = extent
    F = model.decision_grid(np.linspace(x0, x1, GRID), np.linspace(y0, y1, GRID))
    return Frame(
        X=X,
        labels=labels,
        alpha=step.alpha,
        b=step.b,
        C=float(model.C),
        kernel=model.kernel,
        f_train=model.decision_function(X),
        grid=F,
        extent=extent,
        contours={lev: contour_segments(F, lev, extent) for lev in (-1.0, 0.0, 1.0)},
        n_iter=step.n_iter,
        dual_objective=step.dual_objective,
        gap=step.gap,
        converged=step.converged,
        margin_width=model.margin_width_,
        **extra,
    )


def fit_frame(X, labels, params: dict, extent) -> Iterator[SmoStep]:
    """Fit (as a generator, so the Job can cancel it) and return the drawable Frame."""
    model = SVC(**params)
    history = [np.zeros((1, 2))]  # W(0) = 0
    step = None
    for step in model.iter_fit(X, labels):
        history.append(step.trace)
        yield step
    return _frame(model, step, X, labels, extent, history=np.vstack(history))


@dataclass
class SmoSession:
    """A teaching run: the engine's generator, advanced one Step at a time."""

    model: SVC
    steps: Iterator[SmoStep]
    X: np.ndarray
    labels: np.ndarray
    extent: tuple[float, float, float, float]
    history: list[np.ndarray] = field(default_factory=lambda: [np.zeros((1, 2))])
    started: bool = False
    done: bool = False


def advance(session: SmoSession, pairs: int) -> Frame | None:
    """The next SMO frame of ``session``: ``pairs`` more pair updates (its first frame is
    a = 0); None when its generator is exhausted."""
    steps = [next(session.steps, None)]
    while session.started and len(steps) < pairs and steps[-1] and not steps[-1].converged:
        steps.append(next(session.steps, None))
    session.started = True
    steps = [s for s in steps if s is not None]
    if not steps:
        return None
    step = steps[-1]
    return _frame(
        session.model,
        step,
        session.X,
        session.labels,
        session.extent,
        pair=step.pair if step.pair[0] >= 0 else None,
        violators=step.violators,
        trace=np.vstack([s.trace for s in steps]),
        stepping=True,
    )


# -- presets and table data -------------------------------------------------------------------
def preset_points(name: str, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The points (n, 2) and labels (n,) of a preset."""
    rng = np.random.default_rng(seed)
    if name in ("Separable", "Overlapping"):
        std, n = (0.45, 25) if name == "Separable" else (0.9, 35)
        centres = np.array([[-1.2, -0.6], [1.2, 0.6]])
        labels = np.repeat([NEG, POS], n)
        X = centres[labels] + rng.normal(scale=std, size=(2 * n, 2))
        if name == "Separable":  # push stragglers out of a band, so a margin exists
            u = np.array([1.0, 0.5]) / math.hypot(1.0, 0.5)
            s = np.where(labels == POS, 1.0, -1.0)
            short = np.maximum(0.0, 0.35 - s * (X @ u))
            X += (s * short)[:, None] * u
        return X, labels
    make = {"XOR": builtin.xor, "Circles": builtin.circles, "Moons": builtin.moons}[name]
    kwargs = {
        "XOR": dict(n_samples=80, noise=0.12),
        "Circles": dict(n_samples=100, noise=0.08, factor=0.45),
        "Moons": dict(n_samples=120, noise=0.2),
    }[name]
    ds = make(seed=seed, **kwargs)
    return ds.X, ds.y


def project(
    ds: Dataset, cols: tuple[int, int], classes: tuple[int, int], pca: bool, standardise: bool
) -> tuple[np.ndarray, np.ndarray, tuple[str, str]]:
    """Rows of the two classes as 2-D points (two columns or the first two principal
    components), labels (class ``classes[1]`` is +1) and axis titles."""
    rows = np.isin(ds.y, classes)
    X = ds.X[rows]
    labels = (ds.y[rows] == classes[1]).astype(np.int64)
    if standardise:
        sd = X.std(axis=0)
        X = (X - X.mean(axis=0)) / np.where(sd > 0, sd, 1.0)
    if pca:
        Xc = X - X.mean(axis=0)
        _, s, vt = np.linalg.svd(Xc, full_matrices=False)
        share = s**2 / max(float(np.sum(s**2)), 1e-300)
        names = (f"PC1 ({100 * share[0]:.0f} % var)", f"PC2 ({100 * share[1]:.0f} % var)")
        return np.ascontiguousarray(Xc @ vt[:2].T), labels, names
    suffix = " (z)" if standardise else ""
    return (
        np.ascontiguousarray(X[:, list(cols)]),
        labels,
        (ds.feature_names[cols[0]] + suffix, ds.feature_names[cols[1]] + suffix),
    )


# -- the panel ------------------------------------------------------------------------------
class SvmPanel(BasePanel):
    name = "svm"
    title = "SVM"
    explanation = EXPLANATION

    def build(self) -> None:
        self._frame: Frame | None = None
        self._history = np.empty((0, 2))  # the dual objective of the frame drawn
        self._session: SmoSession | None = None
        self._dataset: Dataset | None = None
        self._class_names = PRESET_CLASSES
        self._axis_names = PRESET_AXES
        self._fit_started = 0.0
        self._refit_pending = False
        self._sticky_note = ""  # shown again after each refit (e.g. "3 classes: pick two")
        self._classes_note = ""
        self._build_controls()
        self._build_plots()
        self.editor = PointEditor(self.plot, self.undo_stack, left_label=POS, right_label=NEG)
        self.editor.install_delete_shortcut(self)
        self.editor.sigChanged.connect(self.refit)
        self.editor.sigEditFinished.connect(self._draw_dual)
        self.editor.sigHovered.connect(self._hovered)
        self.sigRunFinished.connect(self._run_finished)
        self._range_timer = QTimer(self, singleShot=True, interval=200)
        self._range_timer.timeout.connect(self._view_moved)
        self.plot.getViewBox().sigRangeChanged.connect(lambda *_: self._range_timer.start())
        self._update_enabled()

    # -- construction ----------------------------------------------------------------------
    def _build_controls(self) -> None:
        form = group(self.controls, "Model")
        self.kernel_box = QComboBox()
        for i, (text, key, formula) in enumerate(KERNELS):
            self.kernel_box.addItem(text, key)
            self.kernel_box.setItemData(i, formula, Qt.ItemDataRole.ToolTipRole)
        self.kernel_formula = QLabel()
        self.c_slider = ValueSlider(0.01, 1000.0, 1.0, log=True, inf_label="∞ (hard margin)")
        self.c_slider.setToolTip("Soft-margin penalty C (log scale); the last notch is C = ∞")
        self.gamma_slider = ValueSlider(0.01, 100.0, 1.0, log=True)
        self.degree_box = QSpinBox(minimum=1, maximum=10, value=3)
        self.coef0_slider = ValueSlider(0.0, 5.0, 1.0, decimals=2)
        form.addRow("Kernel", self.kernel_box)
        form.addRow("", self.kernel_formula)
        form.addRow("C", self.c_slider)
        form.addRow("γ (gamma)", self.gamma_slider)
        form.addRow("Degree d", self.degree_box)
        form.addRow("c₀ (coef0)", self.coef0_slider)
        self.kernel_box.currentIndexChanged.connect(self._params_changed)
        for w in (self.c_slider, self.gamma_slider, self.coef0_slider):
            w.valueChanged.connect(self._params_changed)
        self.degree_box.valueChanged.connect(self._params_changed)

        form = group(self.controls, "Points")
        self.preset_box = QComboBox()
        self.preset_box.addItems(PRESETS)
        self.preset_box.setCurrentText("Moons")
        load = QPushButton("↻ New")
        load.setToolTip("A new random sample of the preset (a fresh random seed)")
        load.clicked.connect(self._new_sample)
        self.preset_box.activated.connect(lambda _: self.load_preset(self.preset_box.currentText()))
        form.addRow("Preset", _row(self.preset_box, load))
        form.addRow("Seed", self.seed_box)
        self.seed_box.valueChanged.connect(self._reseed)
        self.add_button = QPushButton("Add/move", checkable=True, checked=True)
        self.erase_button = QPushButton("Erase", checkable=True)
        self.clear_button = QPushButton("Clear")
        modes = QButtonGroup(self)
        for button in (self.add_button, self.erase_button):
            modes.addButton(button)
        self.add_button.toggled.connect(lambda on: on and self.editor.set_mode("add"))
        self.erase_button.toggled.connect(lambda on: on and self.editor.set_mode("erase"))
        self.clear_button.clicked.connect(
            lambda: self.editor.set_data(np.empty((0, 2)), np.empty(0), text="Clear points")
        )
        form.addRow(_row(self.add_button, self.erase_button, self.clear_button))
        hint = QLabel(
            "Left click: +1 · right/Shift click: −1\nDrag: move · Delete: remove · Ctrl+Z"
        )
        hint.setWordWrap(True)
        form.addRow(hint)

        form = group(self.controls, "Data (CSV)")
        self.data_group = form.parentWidget()
        self.data_label = QLabel()
        self.data_label.setWordWrap(True)
        self.projection_box = QComboBox()
        self.projection_box.addItems(["Two columns", "First two principal components"])
        self.x_box, self.y_box = QComboBox(), QComboBox()
        self.class_a_box, self.class_b_box = QComboBox(), QComboBox()
        self.standardise_box = QCheckBox("Standardise (z-scores)")
        form.addRow(self.data_label)
        form.addRow("Features", self.projection_box)
        form.addRow("x₁ column", self.x_box)
        form.addRow("x₂ column", self.y_box)
        form.addRow("Class −1", self.class_a_box)
        form.addRow("Class +1", self.class_b_box)
        form.addRow(self.standardise_box)
        for box in (
            self.projection_box,
            self.x_box,
            self.y_box,
            self.class_a_box,
            self.class_b_box,
        ):
            box.currentIndexChanged.connect(lambda _: self._apply_dataset())
        self.standardise_box.toggled.connect(lambda _: self._apply_dataset())
        self.data_group.setVisible(False)
        for box in self.findChildren(QComboBox):  # long column names must not widen the column
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(8)

        form = group(self.controls, "SMO, step by step")
        self.playback = self.make_playback(step_text="Step SMO", rate=4.0, max_rate=60.0)
        self.playback.sigStep.connect(self.step_smo)
        self.playback.sigReset.connect(self.reset_smo)
        self.pairs_box = QSpinBox(minimum=1, maximum=200, value=1)
        self.pairs_box.setToolTip("SMO pair updates per step")
        self.smo_label = SteadyLabel("Press Step SMO to start from α = 0.", lines=3)
        form.addRow(self.playback)
        form.addRow("Pairs per step", self.pairs_box)
        form.addRow(self.smo_label)

        form = group(self.controls, "Result")
        self.result_label = QLabel("–")
        self.result_label.setTextFormat(Qt.TextFormat.RichText)
        self.result_label.setWordWrap(True)
        form.addRow(self.result_label)

    def _build_plots(self) -> None:
        self.plot = editable_plot("Decision function f(x): boundary f = 0, margins f = ±1")
        self.figure.addItem(self.plot, row=0, col=0)
        self.plot.setLabel("bottom", "x₁")
        self.plot.setLabel("left", "x₂")
        self.plot.setAspectLocked(True)
        self.plot.disableAutoRange()
        self.plot.showGrid(x=False, y=False)
        self.image = pg.ImageItem(axisOrder="row-major")
        # Pastel (mixed 40 % with white) so points and contours stand out, in either theme.
        lut = colors.diverging_colormap().getLookupTable(nPts=256, alpha=False).astype(float)
        self.image.setLookupTable(np.rint(0.6 * lut + 0.4 * 255).astype(np.uint8))
        self.image.setLevels((-LEVEL, LEVEL))
        self.image.setZValue(-10)
        self.plot.addItem(self.image)
        self.margins = pg.PlotDataItem(
            connect="pairs", pen=pg.mkPen(DARK, width=1.6, style=Qt.PenStyle.DashLine)
        )
        self.boundary = pg.PlotDataItem(connect="pairs", pen=pg.mkPen(DARK, width=3))
        ring = dict(brush=None, pxMode=True)
        self.sv_free = pg.ScatterPlotItem(symbol="o", size=19, pen=pg.mkPen(DARK, width=2), **ring)
        self.sv_bound = pg.ScatterPlotItem(
            symbol="s", size=19, pen=pg.mkPen(PURPLE, width=2.5), **ring
        )
        self.inside = pg.ScatterPlotItem(symbol="x", size=9, pen=None, brush=pg.mkBrush(DARK))
        self.violator_items = pg.ScatterPlotItem(
            symbol="o", size=24, pen=pg.mkPen(VERMILLION, width=2), **ring
        )
        self.pair_line = pg.PlotDataItem(pen=pg.mkPen(GREEN, width=2.5, style=Qt.PenStyle.DashLine))
        self.pair_items = pg.ScatterPlotItem(
            symbol="o", size=27, pen=pg.mkPen(GREEN, width=3), **ring
        )
        for item, z in (
            (self.margins, 1),
            (self.boundary, 2),
            (self.pair_line, 3),
            (self.violator_items, 13),
            (self.sv_free, 12),
            (self.sv_bound, 12),
            (self.inside, 13),
            (self.pair_items, 14),
        ):
            item.setZValue(z)
            self.plot.addItem(item)
        # Linear kernel: the margin's width 2/||w|| as a double arrow across it.
        self.width_line = pg.PlotDataItem(pen=pg.mkPen(GREEN, width=2.5))
        self.width_arrows = [
            pg.ArrowItem(headLen=13, tipAngle=35, pen=None, brush=pg.mkBrush(GREEN)) for _ in "ab"
        ]
        self.width_text = TextItem(
            anchor=(0, 0.5), color=GREEN, fill=pg.mkBrush(255, 255, 255, 190)
        )
        for item in (self.width_line, *self.width_arrows, self.width_text):
            item.setZValue(15)
            self.plot.addItem(item, ignoreBounds=True)
        # Live numbers in the plot's corner (pixel coordinates of the view box).
        self.info = TextItem(
            anchor=(0, 0), color=DARK, fill=pg.mkBrush(255, 255, 255, 215), border=pg.mkPen(DARK)
        )
        font = QFont()
        font.setPointSize(12)
        font.setBold(True)
        self.info.setFont(font)
        self.info.setParentItem(self.plot.getViewBox())
        self.info.setPos(8, 8)
        self.info.setZValue(30)
        self.info.hide()
        self.hover_text = TextItem(
            anchor=(0, 1), color=DARK, fill=pg.mkBrush(255, 255, 255, 225), border=pg.mkPen(DARK)
        )
        self.hover_text.setZValue(20)
        self.transient(self.hover_text).hide()
        self.plot.addItem(self.hover_text, ignoreBounds=True)

        # beside the map, in the theme's colours (style_plots); samples on tiles of the map
        self.legend = OutsideLegend(offset=None, verSpacing=-2, sampleType=_MapSample)
        self.figure.addItem(self.legend, row=0, col=1)
        self._legend_points = [
            pg.ScatterPlotItem(symbol="o", size=10, brush=colors.color(lab), pen=pg.mkPen("w"))
            for lab in (POS, NEG)
        ]
        self._fill_legend()

        self.dual_plot = self.figure.addPlot(row=1, col=0, colspan=2, title="Dual objective W(α)")
        self.dual_plot.setLabel("bottom", "SMO pair updates")
        self.dual_plot.setLabel("left", "W(α)")
        integer_ticks(self.dual_plot.getAxis("bottom"))
        self.dual_plot.showGrid(x=True, y=True, alpha=0.3)
        self.dual_curve = self.dual_plot.plot(pen=pg.mkPen(colors.PALETTE[0], width=2.5))
        self.dual_dot = self.dual_plot.plot(
            symbol="o", symbolSize=9, symbolBrush=GREEN, symbolPen=None, pen=None
        )
        layout = self.figure.ci.layout
        layout.setRowStretchFactor(0, 4)
        layout.setRowStretchFactor(1, 1)
        layout.setColumnStretchFactor(0, 6)
        layout.setColumnStretchFactor(1, 1)

    def _fill_legend(self) -> None:
        self.legend.clear()
        neg, pos = self._class_names
        own = self._class_names != PRESET_CLASSES  # a table's class names
        self.legend.addItem(self._legend_points[0], f"y = +1: {pos}" if own else "y = +1")
        self.legend.addItem(self._legend_points[1], f"y = −1: {neg}" if own else "y = −1")
        for item, text in (
            (self.boundary, "f(x) = 0 boundary"),
            (self.margins, "f(x) = ±1 margins"),
            (self.sv_free, "support vector"),
            (self.sv_bound, "α = C"),
            (self.inside, "inside margin"),
            (self.pair_items, "SMO pair (i, j)"),
            (self.violator_items, "KKT violator"),
        ):
            self.legend.addItem(item, text)

    # -- parameters ------------------------------------------------------------------------
    def params(self) -> dict:
        return dict(
            C=self.c_slider.value(),
            kernel=self.kernel_box.currentData(),
            gamma=self.gamma_slider.value(),
            degree=self.degree_box.value(),
            coef0=self.coef0_slider.value(),
        )

    def _update_enabled(self) -> None:
        kernel = self.kernel_box.currentData()
        self.kernel_formula.setText(KERNELS[self.kernel_box.currentIndex()][2])
        self.gamma_slider.setEnabled(kernel != "linear")
        self.degree_box.setEnabled(kernel == "poly")
        self.coef0_slider.setEnabled(kernel == "poly")

    def _params_changed(self, *_) -> None:
        self._update_enabled()
        self.clear_stale(data=False)  # a hovered point's α is the old parameters'
        self.refit()

    def set_kernel(self, kernel: str) -> None:
        self.kernel_box.setCurrentIndex(self.kernel_box.findData(kernel))

    # -- data ------------------------------------------------------------------------------
    def load_preset(self, name: str) -> None:
        X, labels = preset_points(name, self.seed())
        self.clear_stale()
        self._dataset = None
        self.data_group.setVisible(False)
        self.preset_box.blockSignals(True)
        self.preset_box.setCurrentText(name)
        self.preset_box.blockSignals(False)
        self._sticky_note = ""
        self._class_names = PRESET_CLASSES
        self._axis_names = PRESET_AXES
        self._fill_legend()
        self.kernel_box.blockSignals(True)
        self.set_kernel(PRESET_KERNEL.get(name, "rbf"))
        self.kernel_box.blockSignals(False)
        self._update_enabled()
        self._set_points(X, labels, f"Preset {name}")

    def _new_sample(self) -> None:
        self._dataset = None
        self.seed_box.draw_new()  # its valueChanged loads the preset from the new seed

    def _reseed(self) -> None:
        """A seed typed (Enter, Tab) or drawn: a new sample of the preset shown."""
        if self._dataset is None:
            self.load_preset(self.preset_box.currentText())

    def load_demo(self) -> None:
        """Noisy moons, RBF, C = 10, γ = 2: a curved boundary, SVs both on and inside the margin."""
        self.c_slider.setValue(10.0)
        self.gamma_slider.setValue(2.0)
        self.load_preset("Moons")

    def _set_points(self, X: np.ndarray, labels: np.ndarray, text: str) -> None:
        self.plot.setLabel("bottom", elide(self._axis_names[0]))
        self.plot.setLabel("left", elide(self._axis_names[1]))
        if len(X):
            lo, hi = X.min(axis=0), X.max(axis=0)
            pad = 0.12 * np.maximum(hi - lo, 1e-6)
            self.plot.setRange(
                xRange=(lo[0] - pad[0], hi[0] + pad[0]),
                yRange=(lo[1] - pad[1], hi[1] + pad[1]),
                padding=0,
            )
        self.editor.set_data(X, labels, text=text)  # its sigChanged refits

    def set_dataset(self, dataset: Dataset) -> None:
        if dataset.y is None or len(np.unique(dataset.y)) < 2:
            self.messages.error(
                f"{dataset.name or 'This table'} has no class column with two or more classes; "
                "the SVM needs labelled points (choose a label column when opening the CSV)"
            )
            return
        if dataset.n_features < 2:
            self.messages.error(
                f"{dataset.name or 'This table'} has {dataset.n_features} numeric feature(s); "
                "the SVM panel needs at least two"
            )
            return
        self.clear_stale()
        self._dataset = dataset
        names = [str(c) for c in dataset.class_names] or [
            str(k) for k in range(int(dataset.y.max()) + 1)
        ]
        for box, items, index in (
            (self.x_box, dataset.feature_names, 0),
            (self.y_box, dataset.feature_names, 1),
            (self.class_a_box, names, 0),
            (self.class_b_box, names, 1),
        ):
            box.blockSignals(True)
            set_combo_items(box, items)
            box.setCurrentIndex(index)
            box.blockSignals(False)
        self.data_label.setText(
            f"<b>{html.escape(elide(dataset.name or 'Table'))}</b>: {dataset.n_samples} rows, "
            f"{dataset.n_features} features, {len(names)} classes"
        )
        self.data_group.setVisible(True)
        self._classes_note = ""
        if len(names) > 2:
            self._classes_note = (
                f"{dataset.name or 'The table'} has {len(names)} classes ({', '.join(names[:6])}); "
                "the SVM separates two: choose which under Data (CSV)."
            )
        self._apply_dataset()

    def _apply_dataset(self) -> None:
        ds = self._dataset
        if ds is None:
            return
        pca = self.projection_box.currentIndex() == 1
        self.x_box.setEnabled(not pca)
        self.y_box.setEnabled(not pca)
        cols = (self.x_box.currentIndex(), self.y_box.currentIndex())
        classes = (self.class_a_box.currentIndex(), self.class_b_box.currentIndex())
        if classes[0] == classes[1]:
            self.messages.error("Choose two different classes for −1 and +1")
            return
        if not pca and cols[0] == cols[1]:
            self.messages.error("Choose two different columns for x₁ and x₂, or use PCA")
            return
        standardise = self.standardise_box.isChecked()
        X, labels, axes = project(ds, cols, classes, pca, standardise)
        sd = X.std(axis=0)
        scale_note = ""
        if not standardise and (sd.max() > 100 or sd.max() > 30 * max(sd.min(), 1e-300)):
            scale_note = (
                f"The features' scales are large or unequal (std {sd[0]:.3g} and {sd[1]:.3g}): "
                "tick Standardise, since γ, C and SMO's tolerance act on raw distances."
            )
        self._sticky_note = " ".join(n for n in (self._classes_note, scale_note) if n)
        self._class_names = (self.class_a_box.currentText(), self.class_b_box.currentText())
        self._axis_names = axes
        self._fill_legend()
        self._set_points(X, labels, f"Load {ds.name or 'table'}")

    # -- fitting ---------------------------------------------------------------------------
    def _checked_points(self) -> tuple[np.ndarray, np.ndarray] | None:
        """The editor's points if they can be fitted, else None (with a message)."""
        X, labels = self.editor.points, self.editor.labels
        if len(np.unique(labels)) < 2:
            self._clear_fit()
            self.messages.note(
                "Add points of both classes: left click adds +1 (orange), right click or "
                "Shift+click adds −1 (blue)."
            )
            return None
        try:
            SVC(**self.params()).check_input(X, labels)
        except ValueError as exc:
            self._clear_fit()
            self.messages.error(str(exc))
            return None
        return X, labels

    def _extent(self) -> tuple[float, float, float, float]:
        """The view and a margin around it: the decision map covers what is visible."""
        (x0, x1), (y0, y1) = self.plot.getViewBox().viewRange()
        mx, my = 0.1 * (x1 - x0), 0.1 * (y1 - y0)
        return (x0 - mx, x1 + mx, y0 - my, y1 + my)

    def refit(self) -> None:
        """Fit the current points and parameters in the Job (any SMO replay ends)."""
        self._end_session()
        if self.job.running and time.perf_counter() - self._fit_started < COALESCE_S:
            self._refit_pending = True  # a young fit finishes first: drags stay fluid
            return
        self._refit_pending = False
        checked = self._checked_points()
        if checked is None:
            return
        self.messages.clear()
        if self._sticky_note:
            self.messages.note(self._sticky_note)
        X, labels = checked
        self._fit_started = time.perf_counter()
        self.job.run(
            fit_frame,
            X,
            labels,
            self.params(),
            self._extent(),
            on_done=self._draw,
            on_error=self._failed,
            label="Fitting SVM",
        )

    def _run_finished(self) -> None:
        if self._refit_pending:
            self.refit()

    def _view_moved(self) -> None:
        """Pan, zoom or resize: redraw the map once it no longer covers the view well."""
        frame = self._frame
        if frame is None:
            return
        (vx0, vx1), (vy0, vy1) = self.plot.getViewBox().viewRange()
        x0, x1, y0, y1 = frame.extent
        covered = x0 <= vx0 and vx1 <= x1 and y0 <= vy0 and vy1 <= y1
        if covered and (vx1 - vx0) > 0.5 * (x1 - x0):  # else zoomed in: sharpen the map
            return
        if self._session is not None:
            self._session.extent = self._extent()  # the next step uses it
        elif not self.job.running:
            self.refit()

    def _failed(self, message: str) -> None:
        self.playback.pause()
        self._end_session()
        self._clear_fit()
        self.messages.error(message)

    # -- SMO replay ------------------------------------------------------------------------
    def step_smo(self) -> None:
        """One Step: start a replay from α = 0 if none is running, else advance it."""
        if self.job.running:
            return  # the previous step is still being computed
        if self._session is not None and self._session.done:
            self.playback.pause()
            self.messages.note("SMO has converged. Edit the points or press Reset to replay.")
            return
        if self._session is None:
            checked = self._checked_points()
            if checked is None:
                self.playback.pause()
                return
            X, labels = checked
            model = SVC(**self.params())
            self._session = SmoSession(
                model,
                model.iter_fit(X, labels, pairs_per_step=1),
                X,
                labels,
                self._extent(),
            )
        self.job.run(
            advance,
            self._session,
            self.pairs_box.value(),
            on_done=self._draw,
            on_error=self._failed,
            label="SMO step",
        )

    def reset_smo(self) -> None:
        """Back to α = 0: a fresh replay, showing its first frame."""
        self._end_session()
        self.job.cancel()
        self.step_smo()

    def _end_session(self) -> None:
        self._session = None

    # -- drawing ---------------------------------------------------------------------------
    def clear_views(self) -> None:
        self._clear_fit()
        self._history = np.empty((0, 2))
        self.smo_label.setText("Press Step SMO to replay the solver from α = 0.")

    def _clear_fit(self) -> None:
        self._frame = None
        self.image.clear()
        for item in (self.boundary, self.margins, self.pair_line, self.dual_curve, self.dual_dot):
            item.setData([], [])
        for item in (
            self.sv_free,
            self.sv_bound,
            self.inside,
            self.violator_items,
            self.pair_items,
        ):
            item.setData([])
        self.result_label.setText("–")
        self.info.hide()
        self._draw_width(None)

    def _draw(self, frame: Frame | None) -> None:
        if frame is None:
            return
        session = self._session
        if frame.stepping:
            if session is None:
                return  # the replay was ended while this step was computed
            session.history.append(frame.trace)
            history = np.vstack(session.history)
            if frame.converged:
                session.done = True
                self.playback.pause()
        else:
            history = frame.history
        self._frame = frame
        x0, x1, y0, y1 = frame.extent
        dx, dy = (x1 - x0) / (GRID - 1), (y1 - y0) / (GRID - 1)
        self.image.setImage(frame.grid, autoLevels=False)
        self.image.setRect(QRectF(x0 - dx / 2, y0 - dy / 2, x1 - x0 + dx, y1 - y0 + dy))
        zero, minus, plus = (frame.contours[k] for k in (0.0, -1.0, 1.0))
        self.boundary.setData(zero[:, 0], zero[:, 1])
        both = np.vstack([minus, plus])
        self.margins.setData(both[:, 0], both[:, 1])

        X, alpha = frame.X, frame.alpha
        y = np.where(frame.labels == POS, 1.0, -1.0)
        yf = y * frame.f_train
        at_c = alpha >= frame.C * (1 - 1e-9)
        free = (alpha > 0) & ~at_c
        inside = yf < 1 - 5e-3  # beyond SMO's tolerance: strictly inside the margin
        self.sv_free.setData(pos=X[free])
        self.sv_bound.setData(pos=X[at_c])
        self.inside.setData(pos=X[inside])
        if frame.pair is not None:
            pts = X[list(frame.pair)]
            self.pair_items.setData(pos=pts)
            self.pair_line.setData(pts[:, 0], pts[:, 1])
        else:
            self.pair_items.setData([])
            self.pair_line.setData([], [])
        violators = frame.violators if frame.violators is not None else np.empty(0, int)
        self.violator_items.setData(pos=X[violators])
        self._draw_width(frame, y)

        self._range_timer.start()  # the view may have moved while this was computed
        self._history = history
        if not self.editor.gesture_active:
            self._draw_dual()
        self._show_numbers(frame, yf, at_c, free, inside, len(violators))

    def _draw_dual(self) -> None:
        """The dual objective's climb. Not while a point is dragged: the plot rescaled and
        repainted with every refit, a third of each redraw; the drag's end draws it."""
        frame = self._frame
        if frame is None:
            return
        self.dual_curve.setData(self._history[:, 0], self._history[:, 1])
        self.dual_dot.setData([frame.n_iter], [frame.dual_objective])

    def _draw_width(self, frame: Frame | None, y: np.ndarray | None = None) -> None:
        """A double arrow from f = -1 to f = +1 through the support vectors' centre."""
        items = (self.width_line, *self.width_arrows, self.width_text)
        sv = frame.alpha > 0 if frame is not None else None
        if frame is None or frame.kernel != "linear" or not sv.any():
            for item in items:
                item.hide()
            return
        w = (frame.alpha * y) @ frame.X
        n2 = float(w @ w)
        if not n2 > 0:
            return self._draw_width(None)
        centre = frame.X[sv].mean(axis=0)
        p0 = centre - (w @ centre + frame.b) / n2 * w
        lo, hi = p0 - w / n2, p0 + w / n2  # f(lo) = -1, f(hi) = +1
        self.width_line.setData([lo[0], hi[0]], [lo[1], hi[1]])
        for end, d in ((hi, w), (lo, -w)):  # ArrowItem: 0 deg points left, angles clockwise
            arrow = self.width_arrows[0 if end is hi else 1]
            arrow.setStyle(angle=math.degrees(math.atan2(d[1], -d[0])))
            arrow.setPos(*end)
        self.width_text.setText(f"2/‖w‖ = {2 / math.sqrt(n2):.3g}")
        self.width_text.setPos(*(hi + 0.15 * (hi - lo)))
        for item in items:
            item.show()

    def _set_title(self, text: str) -> None:
        if self.plot.titleLabel.text != text:
            self.plot.setTitle(text)

    def _show_numbers(self, frame: Frame, yf, at_c, free, inside, n_violators: int) -> None:
        n_sv = int(np.sum(frame.alpha > 0))
        accuracy = 100.0 * float(np.mean(yf > 0))
        kernel = self.kernel_box.currentText()
        c_text = "∞" if math.isinf(frame.C) else f"{frame.C:.3g}"
        # Numbers go to an overlay: a new title would re-layout the whole figure every frame.
        if frame.stepping:
            self._set_title("SMO replay from α = 0: f(x) of the current iterate")
            pair = "" if frame.pair is None else f" · pair (i, j) = {frame.pair}"
            self.info.setText(
                f"SMO update {frame.n_iter}{pair}\nW(α) = {shown(frame.dual_objective, '.5g')}"
                + (" · converged" if frame.converged else f" · KKT violators: {n_violators}")
            )
        else:
            self._set_title("Decision function f(x): boundary f = 0, margins f = ±1")
            self.info.setText(
                f"{kernel} kernel, C = {c_text}\ntraining accuracy {accuracy:.1f} % · {plural(n_sv, 'SV')}"
            )
        self.info.show()
        width = ""
        if frame.kernel == "linear" and math.isfinite(frame.margin_width):
            width = f"<br>Margin width 2/‖w‖: <b>{frame.margin_width:.4g}</b>"
        state = "converged" if frame.converged else "running"
        self.result_label.setText(
            f"Training accuracy: <b>{accuracy:.1f} %</b><br>"
            f"Support vectors: <b>{n_sv}</b> ({int(np.sum(free))} on the margin, "
            f"{int(np.sum(at_c))} with α = C)<br>"
            f"Inside the margin (y·f &lt; 1): {int(np.sum(inside))}<br>"
            f"SMO pair updates: <b>{frame.n_iter}</b> ({state})<br>"
            f"Dual objective W(α): {shown(frame.dual_objective, '.5g')}<br>"
            f"b = {shown(frame.b)}" + width
        )
        if frame.stepping:
            pair = (
                "α = 0, nothing optimised yet"
                if frame.pair is None
                else (f"pair (i, j) = ({frame.pair[0]}, {frame.pair[1]})")
            )
            self.smo_label.setText(
                f"Update {frame.n_iter}: {pair}<br>W(α) = {shown(frame.dual_objective, '.5g')}, "
                f"gap m − M = {shown(frame.gap, '.3g')}<br>KKT violators: {n_violators}"
                + (" · <b>converged</b>" if frame.converged else "")
            )
        else:
            self.smo_label.setText("Press Step SMO to replay the solver from α = 0.")

    def _hovered(self, index: int) -> None:
        frame = self._frame
        if index < 0 or frame is None or index >= len(frame.alpha):
            self.hover_text.hide()
            return
        a = frame.alpha[index]
        y = 1.0 if frame.labels[index] == POS else -1.0
        kind = "α = C" if a >= frame.C * (1 - 1e-9) else ("support vector" if a > 0 else "not a SV")
        self.hover_text.setText(
            f"#{index}: α = {a:.4g} ({kind})\ny·f(x) = {shown(y * frame.f_train[index], '.3f')}"
        )
        self.hover_text.setPos(*frame.X[index])
        self.hover_text.show()

    # -- export ----------------------------------------------------------------------------
    def results_frame(self) -> pd.DataFrame | None:
        """The support vectors: coordinates, class, α, α·y, whether α = C, f(x); b in attrs."""
        import pandas as pd  # here, not at start-up (~0.3 s)

        frame = self._frame
        if frame is None:
            return None
        sv = np.flatnonzero(frame.alpha > 0)
        y = np.where(frame.labels[sv] == POS, 1, -1)
        names = np.array(self._class_names)[frame.labels[sv]]
        axes = ("x1", "x2") if self._axis_names == PRESET_AXES else self._axis_names
        df = pd.DataFrame(
            {
                "index": sv,
                axes[0]: frame.X[sv, 0],
                axes[1]: frame.X[sv, 1],
                "class": names,
                "y": y,
                "alpha": frame.alpha[sv],
                "alpha_y": frame.alpha[sv] * y,
                "alpha_at_C": frame.alpha[sv] >= frame.C * (1 - 1e-9),
                "f(x)": frame.f_train[sv],
                "b": frame.b,  # the intercept of f(x) = sum alpha_y K(x_i, x) + b
            }
        )
        df.attrs["intercept_b"] = frame.b
        df.attrs["kernel"] = frame.kernel
        return df

    def heavy_job(self) -> None:
        """2,000 noisy moons, RBF: the largest fit a class would draw."""
        ds = builtin.moons(2000, noise=0.3, seed=self.seed())
        self.set_kernel("rbf")
        self._set_points(ds.X, ds.y, "Heavy job")


class _MapSample(pg.ItemSample):
    """A legend sample on a tile of the decision map's light middle: the map's black rings
    and contours stay visible in a legend that follows the dark theme."""

    def paint(self, p, *args) -> None:
        p.fillRect(self.boundingRect(), MAP_TILE)
        super().paint(p, *args)


def _row(*widgets: QWidget) -> QWidget:
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for w in widgets:
        layout.addWidget(w)
    return box
