"""PCA: the direction of maximum variance, projection and reconstruction; probabilistic PCA by
EM beside its closed form; Fisher's direction against PCA's first axis; many-column tables.

Every data change (a click, each mouse move of a drag, a preset, a table) runs one
``analyse`` job in the worker: PCA, Fisher, the p-PCA closed form and all EM frames. The GUI
thread only draws, so Step / Play walk through frames that are already computed.
"""

from __future__ import annotations

import html
import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QPushButton, QSpinBox

from prmlab.data import Dataset
from prmlab.data.builtin import iris, wine
from prmlab.engine.pca import PCA, FisherLDA, PPCAStep, ProbabilisticPCA
from prmlab.gui.panels.base import BasePanel
from prmlab.gui.widgets import colors
from prmlab.gui.widgets.ellipse import ellipse_xy
from prmlab.gui.widgets.figure import integer_ticks
from prmlab.gui.widgets.legend import outside_legend, set_legend_rows
from prmlab.gui.widgets.numbers import shown
from prmlab.gui.widgets.params import ValueSlider, group
from prmlab.gui.widgets.point_editor import PointEditor, editable_plot
from prmlab.gui.widgets.pool import grown
from prmlab.gui.widgets.status import SteadyLabel
from prmlab.gui.widgets.text import TextItem, elide

EDITABLE_MAX = 5_000  # 2-column tables up to this size become editable points
MAX_SHOWN = 20_000  # table rows drawn at most (all rows are analysed)
EM_MAX_ITER = 400  # frames of the EM animation at most
EM_TOL = 1e-7  # on the mean log-likelihood per point
HOVER_PX = 9.0
MARKED_MAX = 400  # projected points get a marker up to this many points
BIPLOT_NAMES = 15  # the longest loading vectors get their column's name
RESIDUALS_MAX = 1_000  # above this the segments hide each other (and cost frames while dragging)

AXIS_COLOR = colors.PALETTE[2]  # green: the principal axes
LINE_COLOR = colors.PALETTE[3]  # vermillion: your direction
FISHER_COLOR = colors.PALETTE[4]  # purple: Fisher's direction
EM_COLOR = colors.PALETTE[5]  # sky: p-PCA's W by EM
CLOSED_COLOR = colors.PALETTE[7]  # grey: the closed form

POINT_PRESETS = ("Two clusters", "Correlated Gaussian", "Elongated", "Ring", "2,000 points")
TABLE_PRESETS = {"Iris (4 columns)": iris, "Wine (13 columns)": wine}
PRESETS = (*POINT_PRESETS, *TABLE_PRESETS, "Empty: click your own")
EMPTY_RANGE = (-5.0, 5.0)  # the data plot's range before any point
HISTOGRAM_AXES = ("PCA axis 1", "Fisher direction", "Your line")
HISTOGRAM_TITLES = dict(zip(HISTOGRAM_AXES, ("PCA axis 1", "Fisher's direction", "your line")))

EXPLANATION = """
<b>PCA</b> (Bishop, PRML §12.1): centre the data, S = XᵀHX/(N−1); the unit
direction u with the largest projected variance uᵀSu solves Su = λu, and the variance along it
is λ₁. The <i>reconstruction error</i> Σ‖x − proj<sub>u</sub>x‖²/(N−1) = tr S − uᵀSu, so maximising variance
and minimising reconstruction error are the same problem. Arrows: ±√λⱼ·uⱼ from the mean.
<b>p-PCA</b>: z ~ N(0, I), x = Wz + μ + ε, ε ~ N(0, σ²I). E: M = WᵀW + σ²I,
E[z] = M⁻¹Wᵀ(x − μ), E[zzᵀ] = σ²M⁻¹ + E[z]E[z]ᵀ. M: W = [Σ(x − μ)E[z]ᵀ][ΣE[zzᵀ]]⁻¹,
σ² = Σ{‖x − μ‖² − 2E[z]ᵀWᵀ(x − μ) + tr(E[zzᵀ]WᵀW)}/(Nd). Closed form (Tipping–Bishop):
σ² = mean of the discarded λ, W = U_q(Λ_q − σ²I)^½.
<b>Fisher</b>: J(w) = wᵀS_b w / wᵀS_w w, maximised by w ∝ S_w⁻¹(m₁ − m₀): best separation,
not largest variance.
"""


# ------------------------------------------------------------------ worker side (no Qt)
@dataclass(frozen=True)
class Analysis:
    """Everything drawn for one data set: ``X`` (n, d) as analysed (z-scores when
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


def standardise(X: np.ndarray) -> np.ndarray:
    """Z-scores per column; a constant column stays centred at 0 (its std is taken as 1)."""
    std = X.std(axis=0, ddof=1)
    return (X - X.mean(axis=0)) / np.where(std > 0, std, 1.0)


def analyse(X: np.ndarray, labels: np.ndarray | None, q: int, seed: int, scale: bool) -> Analysis:
    """PCA with every component, Fisher (when two classes or more), the p-PCA closed form
    and its EM frames from a seeded random start."""
    if scale:
        X = np.ascontiguousarray(standardise(X))
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
    closed, frames, em_note = None, (), ""
    try:
        closed = ProbabilisticPCA(q).fit_closed_form(X)
        em = ProbabilisticPCA(q, max_iter=EM_MAX_ITER, tol=EM_TOL, random_state=seed)
        # islice stops before the generator's non-convergence warning: the panel says it.
        frames = tuple(itertools.islice(em.iter_fit(X), EM_MAX_ITER + 1))
        if not frames[-1].converged:
            em_note = (
                f"EM has not converged after {EM_MAX_ITER} iterations: it is slow when the "
                "noise σ² is small against λ₁ (each step shrinks the error by about 1 − σ²/λ₁)."
            )
    except ValueError as exc:
        em_note = str(exc)
    return Analysis(
        X, labels, pca, pca.transform(X), covariance, fisher, fisher_note, closed, frames,
        em_note, scale,
    )  # fmt: skip


def criterion_text(j: float) -> str:
    """Fisher's J as a class reads it: "∞", not NumPy's "inf", where wᵀS_w w = 0."""
    return shown(j, ".3g") if np.isfinite(j) else "∞"


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
    else:
        X = np.empty((0, 2))
    return X, np.zeros(len(X), np.int64)


# ------------------------------------------------------------------ the panel
class PcaPanel(BasePanel):
    name = "pca"
    title = "PCA"
    explanation = EXPLANATION

    def build(self) -> None:
        self.analysis: Analysis | None = None
        self.table: Dataset | None = None  # set in table mode
        self.frame_index = 0
        self._angle = 90.0  # degrees, your direction: vertical at first, away from PC 1
        self._shown_rows = np.empty(0, np.int64)
        self._show_last_frame = False  # the demo opens on EM's last frame
        self._fit_view_next = False  # new data: frame them once the analysis arrives
        self._placing = False  # the handle is being put back on its circle
        self._dragging = False  # a mouse gesture is moving points: redraw the data plot only
        self._build_controls()
        self._build_plots()
        self.editor = PointEditor(self.main, self.undo_stack, left_label=0, right_label=1)
        self.editor.install_delete_shortcut(self)
        self.editor.sigChanged.connect(self._points_changed)
        self.editor.sigEditFinished.connect(self._gesture_finished)
        self.figure.scene().sigMouseMoved.connect(self._hover)
        self.seed_box.valueChanged.connect(self._reseed)
        self._set_table_mode(False)

    # -- controls ------------------------------------------------------------------
    def _build_controls(self) -> None:
        form = group(self.controls, "Data")
        self.preset_box = QComboBox()
        self.preset_box.addItems(PRESETS)
        self.preset_box.textActivated.connect(self.load_preset)
        form.addRow("Preset", self.preset_box)
        self.tool_box = QComboBox()
        self.tool_box.addItems(["Add / move", "Spray", "Erase"])
        self.tool_box.currentIndexChanged.connect(
            lambda i: self.editor.set_mode(("add", "spray", "erase")[i])
        )
        form.addRow("Mouse", self.tool_box)
        form.addRow("Seed", self.seed_box)
        hint = QLabel("Left click: class A · right click: class B · drag a point · Ctrl+Z undo")
        hint.setWordWrap(True)
        form.addRow(hint)

        form = group(self.controls, "Variance along a direction")
        self.axes_check = QCheckBox("Axes ±√λ, 1σ and 2σ ellipses")
        self.proj_check = QCheckBox("Projections and residuals")
        self.proj_check.setToolTip(f"Drawn for up to {RESIDUALS_MAX:,} points")
        for box in (self.axes_check, self.proj_check):
            box.setChecked(True)
            box.toggled.connect(self.redraw)
            form.addRow(box)
        self.angle_slider = ValueSlider(0.0, 180.0, self._angle, steps=360, decimals=4)
        self.angle_slider.valueChanged.connect(self.set_angle)
        form.addRow("Your line (°)", self.angle_slider)
        self.snap_button = QPushButton("Snap to PC 1")
        self.snap_button.clicked.connect(self._snap)
        form.addRow(self.snap_button)
        self.variance_label = SteadyLabel(lines=4)  # its numbers change at every drag move
        form.addRow(self.variance_label)

        form = group(self.controls, "Probabilistic PCA by EM")
        self.playback = self.make_playback(step_text="Step EM", rate=8.0)
        self.playback.sigStep.connect(self.step_em)
        self.playback.sigReset.connect(self.reset_em)
        form.addRow(self.playback)
        self.end_button = QPushButton("Jump to the end")
        self.end_button.clicked.connect(self._jump_to_end)
        form.addRow(self.end_button)
        self.em_label = SteadyLabel(lines=3)
        form.addRow(self.em_label)

        form = group(self.controls, "Fisher vs PCA")
        self.fisher_check = QCheckBox("Show Fisher's direction")
        self.fisher_check.setChecked(True)
        self.fisher_check.toggled.connect(self.redraw)
        form.addRow(self.fisher_check)
        self.hist_box = QComboBox()
        self.hist_box.addItems(HISTOGRAM_AXES)
        self.hist_box.currentIndexChanged.connect(self._draw_histograms)
        form.addRow("Histogram of", self.hist_box)
        self.fisher_label = SteadyLabel(lines=2)
        form.addRow(self.fisher_label)

        form = group(self.controls, "Many columns (tables)")
        self.table_form = form
        self.standardise_check = QCheckBox("Standardise (z-scores)")
        self.standardise_check.setChecked(True)
        self.standardise_check.toggled.connect(self.refit)
        form.addRow(self.standardise_check)
        self.pc_x, self.pc_y = QSpinBox(), QSpinBox()
        for i, box in enumerate((self.pc_x, self.pc_y)):
            box.setPrefix("PC ")
            box.setRange(1, 2)
            box.setValue(i + 1)
            box.valueChanged.connect(self.redraw)
        form.addRow("Horizontal axis", self.pc_x)
        form.addRow("Vertical axis", self.pc_y)
        self.biplot_check = QCheckBox("Biplot: loading vectors")
        self.biplot_check.setChecked(True)
        self.biplot_check.toggled.connect(self.redraw)
        form.addRow(self.biplot_check)
        self.hover_label = QLabel("Hover over a point to see its row.")
        self.hover_label.setWordWrap(True)
        form.addRow(self.hover_label)

    # -- plots -----------------------------------------------------------------------
    def _build_plots(self) -> None:
        self.main = editable_plot("Data, principal axes and your line")
        self.figure.addItem(self.main, row=0, col=0, rowspan=3)
        self.main.setAspectLocked(True)
        # Framed by _fit_view when new data arrive, never by pyqtgraph's auto-range: that
        # re-zoomed onto the new points at every step of a spray or drag.
        self.main.disableAutoRange()
        self.main.setRange(xRange=EMPTY_RANGE, yRange=EMPTY_RANGE, padding=0)
        self.main.showGrid(x=True, y=True, alpha=0.15)
        self.legend = outside_legend(self.main, "bottom", colCount=2)
        self.legend.setZValue(30)

        def line(color, width=2.0, style=Qt.PenStyle.SolidLine, name=None, z=15, **kw):
            # z above the points (10): thin clouds would hide axes and ellipses otherwise
            item = pg.PlotDataItem(pen=pg.mkPen(color, width=width, style=style), name=name, **kw)
            item.setZValue(z)
            self.main.addItem(item, ignoreBounds=True)
            return item

        self.ellipses = [line(CLOSED_COLOR, 1.2, Qt.PenStyle.DashLine) for _ in range(2)]
        self.residuals = line(colors.color(7, 150), 1.0, connect="pairs", z=0)
        self.projected = pg.ScatterPlotItem(
            size=6, pen=pg.mkPen(LINE_COLOR, width=1.2), brush=pg.mkBrush(None), symbol="o"
        )
        self.main.addItem(self.projected, ignoreBounds=True)
        self.your_line = line(LINE_COLOR, 2.5, Qt.PenStyle.DashLine, name="your line")
        self.fisher_line = line(FISHER_COLOR, 2.5, Qt.PenStyle.DotLine, name="Fisher direction")
        self.axis_lines = line(AXIS_COLOR, 3.5, connect="pairs", name="principal axes ±√λ")
        self.em_line = line(EM_COLOR, 3.0, name="p-PCA W (EM frame)", connect="pairs")
        self.em_ellipse = line(EM_COLOR, 1.5)
        self.arrows = [
            pg.ArrowItem(pen=None, brush=pg.mkBrush(AXIS_COLOR), headLen=16, tailLen=0)
            for _ in range(4)
        ]
        for arrow in self.arrows:
            arrow.setZValue(16)
            self.main.addItem(arrow, ignoreBounds=True)
        self.handle = pg.TargetItem(
            size=16, symbol="o", pen=pg.mkPen(LINE_COLOR, width=2), brush=pg.mkBrush("w")
        )
        self.handle.setZValue(25)
        self.handle.setToolTip("Drag to turn your line")
        self.main.addItem(self.handle, ignoreBounds=True)
        self.handle.sigPositionChanged.connect(self._handle_moved)
        self.handle.sigPositionChangeFinished.connect(lambda *_: self._place_handle())
        self.variance_text = TextItem(anchor=(0, 1))
        self.variance_text.setZValue(26)
        self.main.addItem(self.variance_text, ignoreBounds=True)
        # table mode: one scatter per class (legend by name), biplot arrows and names, hover
        self.class_scatters: list[pg.ScatterPlotItem] = []
        self.loadings = line(colors.color(7), 1.6, connect="pairs")
        self.loading_texts: list[pg.TextItem] = []
        self.hover_text = TextItem(
            anchor=(0, 1),
            color="#202020",
            border=pg.mkPen(colors.color(7)),
            fill=(255, 255, 255, 235),
        )
        self.hover_text.setZValue(40)
        self.transient(self.hover_text)
        self.main.addItem(self.hover_text, ignoreBounds=True)

        self.scree = self.figure.addPlot(row=0, col=1, title="Explained variance (scree)")
        self.scree.setLabel("bottom", "component")
        self.scree.setLabel("left", "% of total variance")
        self.scree.setYRange(0, 105, padding=0)
        self.scree.setMouseEnabled(x=False, y=False)
        outside_legend(self.scree, "bottom", colCount=2)
        self.scree_bars = pg.BarGraphItem(
            x=[], height=[], width=0.6, brush=colors.color(2, 170), name="each component"
        )
        self.scree.addItem(self.scree_bars)
        self.scree_cum = self.scree.plot(
            pen=pg.mkPen(colors.PALETTE[0], width=2),
            symbol="o",
            symbolSize=7,
            symbolBrush=colors.PALETTE[0],
            name="cumulative",
        )

        self.em_plot = self.figure.addPlot(row=1, col=1, title="p-PCA: EM against closed form")
        self.em_plot.setLabel("bottom", "EM iteration")
        integer_ticks(self.em_plot.getAxis("bottom"))
        self.em_plot.setLabel("left", "log-lik / point")
        self.em_plot.setLabel("right", "σ²")
        legend = outside_legend(self.em_plot, "bottom", colCount=3)
        self.ll_curve = self.em_plot.plot(pen=pg.mkPen(colors.PALETTE[0], width=2))
        # closed-form levels as dashed segments (an InfiniteLine in the second view crashes Qt)
        self.ll_closed = self.em_plot.plot(
            pen=pg.mkPen(colors.PALETTE[0], width=1.2, style=Qt.PenStyle.DashLine)
        )
        self.sigma_view = pg.ViewBox()
        self.em_plot.scene().addItem(self.sigma_view)
        self.em_plot.getAxis("right").linkToView(self.sigma_view)
        self.sigma_view.setXLink(self.em_plot)
        self.em_plot.vb.sigResized.connect(
            lambda: self.sigma_view.setGeometry(self.em_plot.vb.sceneBoundingRect())
        )
        self.s2_curve = pg.PlotDataItem(pen=pg.mkPen(colors.PALETTE[1], width=2))
        self.s2_closed = pg.PlotDataItem(
            pen=pg.mkPen(colors.PALETTE[1], width=1.2, style=Qt.PenStyle.DashLine)
        )
        self.sigma_view.addItem(self.s2_curve)
        self.sigma_view.addItem(self.s2_closed)
        legend.addItem(self.ll_curve, "log-lik")
        legend.addItem(self.s2_curve, "σ²")
        legend.addItem(self.ll_closed, "closed form")

        self.hist_plot = self.figure.addPlot(row=2, col=1, title="1-D projection by class")
        self.hist_plot.setLabel("bottom", "wᵀ(x − m)")
        self.hist_plot.setLabel("left", "points")
        integer_ticks(self.hist_plot.getAxis("left"))
        self.hist_legend = outside_legend(self.hist_plot, "bottom", colCount=3)
        self.hist_items: dict[int, pg.PlotDataItem] = {}
        self._hist_key = None

        layout = self.figure.ci.layout
        layout.setColumnStretchFactor(0, 3)
        layout.setColumnStretchFactor(1, 2)

    # -- data in -------------------------------------------------------------------------
    def load_demo(self) -> None:
        """Two labelled clusters: PCA's axis runs along them, Fisher's across; EM to the end."""
        self.load_preset("Two clusters")
        self._show_last_frame = True

    def heavy_job(self) -> None:
        self.load_preset("Wine (13 columns)")

    def load_preset(self, name: str) -> None:
        """Put a preset on the plot (one undo step) or open a built-in table."""
        self.preset_box.setCurrentText(name)
        self.playback.pause()
        self.frame_index = 0
        if name in TABLE_PRESETS:
            self._use_dataset(TABLE_PRESETS[name]())
            return
        points, labels = preset_points(name, self.seed())
        self.clear_stale()
        self.table = None
        self._set_table_mode(False)
        self._fit_view_next = len(points) > 0
        if not len(points):  # a blank canvas: first clicks must not zoom onto themselves
            self.main.setRange(xRange=EMPTY_RANGE, yRange=EMPTY_RANGE, padding=0)
        self.editor.set_data(points, labels, text=f"Preset: {name}")
        if not len(points):
            self.messages.note("Click to add points (right click: class B), or spray a cloud.")

    def _reseed(self) -> None:
        """A new seed: a new sample of the point preset shown, else a new EM start."""
        if self.table is None and self.preset_box.currentText() in POINT_PRESETS:
            self.load_preset(self.preset_box.currentText())
        else:
            self.refit()  # EM starts from a seeded random W

    def set_dataset(self, dataset: Dataset) -> None:
        """A CSV or built-in table: 2 columns become editable points, more a projection."""
        if self._use_dataset(dataset):
            self.preset_box.setCurrentIndex(-1)  # the user's own data: no preset is showing

    def _use_dataset(self, dataset: Dataset) -> bool:
        if dataset.n_samples < 2 or dataset.n_features < 2:
            self.messages.error(
                f"PCA here needs at least 2 rows and 2 numeric columns; "
                f"{dataset.name or 'this table'} has {dataset.n_samples} × {dataset.n_features}."
            )
            return False
        self.playback.pause()
        self.clear_stale()
        self.frame_index = 0
        self._fit_view_next = True
        note = (
            f"{dataset.name or 'Data'}: {dataset.n_samples:,} rows × {dataset.n_features} columns."
        )
        if dataset.n_features == 2 and dataset.n_samples <= EDITABLE_MAX:
            self.table = None
            self._set_table_mode(False)
            self.main.setLabel("bottom", elide(dataset.feature_names[0]))
            self.main.setLabel("left", elide(dataset.feature_names[1]))
            labels = dataset.y if dataset.y is not None else None
            self.editor.set_data(dataset.X, labels, text=f"Open {dataset.name or 'data'}")
        else:
            self.table = dataset
            self._set_table_mode(True)
            for box in (self.pc_x, self.pc_y):
                box.blockSignals(True)
                box.setRange(1, min(dataset.n_samples, dataset.n_features))
                box.blockSignals(False)
            self.pc_x.setValue(1)
            self.pc_y.setValue(2)
            self.refit()
        self.messages.note(f"{note} {dataset.notes_text()}")
        return True

    def current_data(self) -> tuple[np.ndarray, np.ndarray | None]:
        """The data to analyse: (n, d) and int labels (or None)."""
        if self.table is not None:
            return self.table.X, self.table.y
        return self.editor.points, self.editor.labels

    def refit(self) -> None:
        """Analyse the current data in the worker (the newest request wins)."""
        X, labels = self.current_data()
        if len(X) < 2:
            self.analysis = None
            self._clear_drawing()
            if len(X):
                self.messages.note("One point has no variance yet: add another.")
            return
        if self.messages.level() in ("warning", "error"):  # this run reports afresh
            self.messages.clear()
        q = 1 if self.table is None else min(2, X.shape[1] - 1)
        scale = self.table is not None and self.standardise_check.isChecked()
        self.job.run(
            analyse,
            np.ascontiguousarray(X, dtype=np.float64),
            labels,
            q,
            self.seed(),
            scale,
            on_done=self._received,
            label="PCA",
        )

    def _received(self, analysis: Analysis) -> None:
        self.analysis = analysis
        if self._show_last_frame:
            self._show_last_frame = False
            self.frame_index = len(analysis.frames) - 1
        self.frame_index = min(self.frame_index, max(len(analysis.frames) - 1, 0))
        if self._fit_view_next and not self.editor.gesture_active:
            self._fit_view_next = False  # never mid-gesture: spraying would zoom onto a blob
            self._fit_view()
        self.redraw()

    def _set_table_mode(self, on: bool) -> None:
        self.editor.enabled = not on
        self.editor.set_visible(not on)
        self.tool_box.setEnabled(not on)
        for w in (self.angle_slider, self.snap_button, self.proj_check, self.axes_check):
            w.setEnabled(not on)
        self.fisher_check.setEnabled(not on)
        for w in (self.standardise_check, self.pc_x, self.pc_y, self.biplot_check):
            w.setEnabled(on)
        self.hover_text.setVisible(False)
        if not on:  # a table's "PC 1 (36.2 %)" titles name no axis of 2-D points
            self.main.setLabel("bottom", "x₁")
            self.main.setLabel("left", "x₂")
        self.main.setTitle(
            "2-D projection by class" if on else "Data, principal axes and your line"
        )
        self._legend_entries(on)

    def _legend_entries(self, table: bool) -> None:
        if table:  # the class rows follow the drawn classes (rebuilding them took ~15 ms)
            if not self.legend.items or self.legend.items[0][0].item is not self.em_line:
                set_legend_rows(self.legend, [(self.em_line, "p-PCA W (EM frame)")])
            return
        self.legend.clear()
        for i, name in enumerate(("class A (left click)", "class B (right click)")):
            sample = pg.ScatterPlotItem(size=10, brush=colors.color(i), pen=pg.mkPen("w"))
            self.legend.addItem(sample, name)
        for item, name in (
            (self.axis_lines, "principal axes ±√λ"),
            (self.your_line, "your line"),
            (self.fisher_line, "Fisher direction"),
            (self.em_line, "p-PCA W (EM frame)"),
        ):
            self.legend.addItem(item, name)

    # -- your direction ----------------------------------------------------------------
    def direction(self) -> np.ndarray:
        a = np.deg2rad(self._angle)
        return np.array([np.cos(a), np.sin(a)])

    def projected_variance(self) -> float:
        """``u^T S u`` for your line's unit direction u (sample covariance, N − 1)."""
        if self.analysis is None or self.analysis.X.shape[1] != 2:
            return float("nan")
        u = self.direction()
        return float(u @ self.analysis.covariance @ u)

    def set_angle(self, degrees: float) -> None:
        self._angle = float(degrees) % 180.0
        if abs(self.angle_slider.value() - self._angle) > 1e-9:
            self.angle_slider.setValue(self._angle)
        self._draw_direction()
        if self.hist_box.currentText() == "Your line":
            self._draw_histograms()

    def _snap(self) -> None:
        if self.analysis is not None and self.table is None:
            v = self.analysis.pca.components_[0]
            self.set_angle(np.rad2deg(np.arctan2(v[1], v[0])))
            self._place_handle()

    def _handle_radius(self) -> float:
        a = self.analysis
        return 1.3 * np.sqrt(max(a.pca.explained_variance_[0], 1e-12)) + 1e-9

    def _handle_moved(self, *_) -> None:
        if self.analysis is None or self.table is not None or self._placing:
            return
        v = np.array([self.handle.pos().x(), self.handle.pos().y()]) - self.analysis.pca.mean_
        if np.hypot(*v) > 0:
            self.set_angle(np.rad2deg(np.arctan2(v[1], v[0])))

    def _place_handle(self) -> None:
        """Put the handle back on its circle around the mean, at your line's angle."""
        if self.analysis is None or self.table is not None:
            return
        pos = self.analysis.pca.mean_ + self._handle_radius() * self.direction()
        self._placing = True
        self.handle.setPos(QPointF(*pos))
        self._placing = False

    # -- drawing -------------------------------------------------------------------------
    def clear_views(self) -> None:
        """Nothing of the previous data: points of a table, biplot names, curves, notes."""
        self.analysis = None
        self._shown_rows = np.empty(0, np.int64)
        self._clear_drawing()
        for item in self.class_scatters:
            item.setData([], [])
        for text in self.loading_texts:
            text.setVisible(False)
        self.hover_label.setText("Hover over a point to see its row.")

    def _clear_drawing(self) -> None:
        for item in (
            *self.ellipses, self.residuals, self.your_line, self.fisher_line, self.axis_lines,
            self.em_line, self.em_ellipse, self.loadings, self.ll_curve, self.s2_curve,
        ):  # fmt: skip
            item.setData([], [])
        self.projected.setData([], [])
        for arrow in self.arrows:
            arrow.setVisible(False)
        self.handle.setVisible(False)
        self.variance_text.setText("")
        self.scree_bars.setOpts(x=[], height=[])
        self.scree_cum.setData([], [])
        self._clear_histograms()
        self.hist_plot.setTitle("1-D projection by class")
        for label in (self.variance_label, self.em_label, self.fisher_label):
            label.setText("")

    def redraw(self) -> None:
        """Draw the current analysis; while a drag moves points only the data plot follows
        (the side charts catch up when the gesture ends), so 2,000 points keep 30+ frames/s."""
        a = self.analysis
        if a is None:
            return self._clear_drawing()
        two_d = self.table is None
        self._draw_axes(a, two_d)
        self._draw_fisher(a, two_d)
        self._draw_direction()
        if self._dragging:
            return
        self._draw_scree(a)
        self._draw_table(a, not two_d)
        self._draw_em()
        self._draw_histograms()

    def _points_changed(self) -> None:
        # a change is "in a gesture" until sigEditFinished; clicks and undo finish at once
        self._dragging = True
        self.refit()

    def _gesture_finished(self) -> None:
        if self._dragging:
            self._dragging = False
            if not self.job.running:  # the last frame was drawn light: complete it
                self.redraw()

    def _fit_view(self) -> None:
        a = self.analysis
        if a is None:
            return
        P = a.X if self.table is None else a.scores[:, :2]
        lo, hi = P.min(axis=0), P.max(axis=0)
        pad = 0.12 * max(float(np.max(hi - lo)), 1e-6)
        self.main.setRange(
            xRange=(lo[0] - pad, hi[0] + pad), yRange=(lo[1] - pad, hi[1] + pad), padding=0
        )

    def _draw_axes(self, a: Analysis, two_d: bool) -> None:
        show = two_d and self.axes_check.isChecked()
        mean, V, lam = a.pca.mean_, a.pca.components_, a.pca.explained_variance_
        segments, k = [], 0
        for arrow in self.arrows:
            arrow.setVisible(False)
        if show:
            for j in range(len(lam)):
                r = np.sqrt(lam[j]) * V[j]
                segments += [mean - r, mean + r]
                for sign in (1.0, -1.0):
                    tip = mean + sign * r
                    angle = np.rad2deg(np.arctan2(-sign * r[1], -sign * r[0]))
                    self.arrows[k].setStyle(angle=angle, headLen=16 if j == 0 else 11)
                    self.arrows[k].setPos(*tip)
                    self.arrows[k].setVisible(bool(lam[j] > 0))
                    k += 1
            cov = a.covariance
            for n_std, item in zip((1.0, 2.0), self.ellipses):
                item.setData(*ellipse_xy(mean, cov, n_std=n_std))
        else:
            for item in self.ellipses:
                item.setData([], [])
        pts = np.array(segments) if segments else np.empty((0, 2))
        self.axis_lines.setData(pts[:, 0], pts[:, 1])

    def _draw_scree(self, a: Analysis) -> None:
        ratio = a.pca.explained_variance_ratio_ * 100.0
        x = np.arange(1, len(ratio) + 1)
        self.scree_bars.setOpts(x=x, height=ratio, width=0.6)
        self.scree_cum.setData(x, np.cumsum(ratio))
        self.scree.setXRange(0.4, len(ratio) + 0.6, padding=0)
        ax = self.scree.getAxis("bottom")
        step = max(1, len(ratio) // 12)
        ax.setTicks([[(int(i), str(int(i))) for i in x[::step]]])

    def _draw_fisher(self, a: Analysis, two_d: bool) -> None:
        if a.fisher is None:
            self.fisher_line.setData([], [])
            self.fisher_label.setText(a.fisher_note)
            return
        w_pca = a.pca.components_[0]
        j_pca, j_fisher = a.fisher.criterion(w_pca), a.fisher.criteria_[0]
        unbounded = ""
        if not (np.isfinite(j_pca) and np.isfinite(j_fisher)):
            single = a.labels is not None and np.bincount(a.labels).max() == 1
            unbounded = (
                "<br>J = ∞: inside the classes the rows have no spread along that direction "
                "(wᵀS_w w = 0"
                + ("; every class here has a single row" if single else "")
                + "), so any gap between their means separates them perfectly."
            )
        self.fisher_label.setText(
            f"Fisher's J = wᵀS_b w / wᵀS_w w: <b>{criterion_text(j_fisher)}</b> along "
            f"Fisher's direction, {criterion_text(j_pca)} along PCA axis 1.{unbounded}"
        )
        if two_d and self.fisher_check.isChecked():
            self.fisher_line.setData(*self._line_through(a.pca.mean_, a.fisher.direction_))
        else:
            self.fisher_line.setData([], [])

    def _line_through(self, point: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        (x0, x1), (y0, y1) = self.main.viewRange()
        reach = 2.0 * (abs(x1 - x0) + abs(y1 - y0)) + np.abs(point).max()
        ends = np.array([point - reach * u, point + reach * u])
        return ends[:, 0], ends[:, 1]

    def _draw_direction(self) -> None:
        a = self.analysis
        two_d = a is not None and self.table is None
        self.handle.setVisible(two_d)
        if not two_d:
            for item in (self.your_line, self.residuals):
                item.setData([], [])
            self.projected.setData([], [])
            self.variance_text.setText("")
            self.variance_label.setText("")
            return
        u, mean = self.direction(), a.pca.mean_
        self.your_line.setData(*self._line_through(mean, u))
        if not self.handle.mouseHovering and not getattr(self.handle, "moving", False):
            self._place_handle()
        t = (a.X - mean) @ u
        proj = mean + t[:, None] * u
        if self.proj_check.isChecked() and len(t) <= RESIDUALS_MAX:
            pairs = np.empty((2 * len(t), 2))
            pairs[0::2], pairs[1::2] = a.X, proj
            self.residuals.setData(pairs[:, 0], pairs[:, 1])
            # the segments already end on the line; foot markers only where they stay legible
            self.projected.setData(pos=proj if len(proj) <= MARKED_MAX else np.empty((0, 2)))
        else:
            self.residuals.setData([], [])
            self.projected.setData([], [])
        var, lam = self.projected_variance(), a.pca.explained_variance_
        total = a.pca.total_variance_
        share = var / lam[0] if lam[0] > 0 else 1.0
        self.variance_label.setText(
            f"Variance along your line uᵀSu = <b>{var:.4g}</b><br>"
            f"maximum λ₁ = <b>{lam[0]:.4g}</b> (PC 1): you have {100 * share:.1f} %<br>"
            f"reconstruction error Σ‖x − proj<sub>u</sub>x‖²/(N−1) = tr S − uᵀSu = <b>{total - var:.4g}</b> "
            f"(least: λ₂ = {lam[-1]:.4g})"
        )
        self.variance_text.setHtml(
            f'<span style="color:{LINE_COLOR}; font-size:12pt; font-weight:600">'
            f"uᵀSu = {var:.3g} &nbsp;(max λ₁ = {lam[0]:.3g})</span>"
        )
        spot = mean + self._handle_radius() * u
        (x0, x1), _ = self.main.viewRange()
        self.variance_text.setAnchor((1.0 if spot[0] > (x0 + x1) / 2 else 0.0, 1.0))
        self.variance_text.setPos(*spot)

    def _draw_em(self) -> None:
        a = self.analysis
        frames = a.frames if a is not None else ()
        if not frames:
            for item in (
                self.ll_curve, self.s2_curve, self.ll_closed, self.s2_closed, self.em_line,
                self.em_ellipse,
            ):  # fmt: skip
                item.setData([], [])
            self.em_label.setText(a.em_note if a is not None else "")
            return
        i = self.frame_index
        n = len(a.X)
        shown = frames[: i + 1]
        its = np.array([f.iteration for f in shown], float)
        self.ll_curve.setData(its, np.array([f.loglik for f in shown]) / n)
        self.s2_curve.setData(its, np.array([f.sigma2 for f in shown]))
        self.em_plot.setXRange(0, max(frames[-1].iteration, 1), padding=0.02)
        ll_all = np.array([f.loglik for f in frames]) / n
        ll_ml = a.closed.loglik_history_[-1] / n
        lo = min(ll_all[min(len(ll_all) - 1, 1)], ll_ml)  # the random start is far below
        self.em_plot.setYRange(
            lo - 0.05 * abs(ll_ml - lo) - 1e-3, ll_ml + 0.08 * abs(ll_ml - lo) + 1e-3
        )
        s2_all = np.array([f.sigma2 for f in frames])
        self.sigma_view.setYRange(0, max(np.percentile(s2_all, 95), a.closed.sigma2_) * 1.1)
        span = [0.0, float(max(frames[-1].iteration, 1))]
        self.ll_closed.setData(span, [ll_ml, ll_ml])
        self.s2_closed.setData(span, [a.closed.sigma2_] * 2)
        f = frames[i]
        status = "converged" if f.converged else ("…" if i < len(frames) - 1 else "stopped")
        self.em_label.setText(
            f"iteration <b>{f.iteration}</b> of {frames[-1].iteration} ({status})<br>"
            f"σ² = <b>{f.sigma2:.4g}</b> (closed form {a.closed.sigma2_:.4g})<br>"
            f"log-lik / point = <b>{f.loglik / n:.5g}</b> (closed form {ll_ml:.5g})"
            + (f"<br>{a.em_note}" if a.em_note and i == len(frames) - 1 else "")
        )
        if self.table is None:  # W (2, 1) as a segment ±w from the mean, and the model ellipse
            w = f.W[:, 0]
            mean = a.pca.mean_
            ends = np.array([mean - w, mean + w])
            self.em_line.setData(ends[:, 0], ends[:, 1])
            model = f.W @ f.W.T + f.sigma2 * np.eye(2)
            self.em_ellipse.setData(*ellipse_xy(mean, model, n_std=1.0))
        else:  # W's columns seen in the plane of the two components shown, ±w from the origin
            i, j = self._components_shown(a)
            w = (a.pca.components_[[i, j]] @ f.W).T  # (q, 2)
            ends = np.empty((2 * len(w), 2))
            ends[0::2], ends[1::2] = -w, w
            self.em_line.setData(ends[:, 0], ends[:, 1])
            self.em_ellipse.setData([], [])

    def step_em(self) -> None:
        """One EM iteration forward (frames are computed with the analysis)."""
        a = self.analysis
        if a is None or not a.frames:
            self.playback.pause()
            return
        if self.frame_index >= len(a.frames) - 1:
            self.playback.pause()
            return
        self.frame_index += 1
        self._draw_em()
        if self.frame_index >= len(a.frames) - 1:
            self.playback.pause()

    def reset_em(self) -> None:
        self.frame_index = 0
        self._draw_em()

    def _jump_to_end(self) -> None:
        self.playback.pause()
        if self.analysis is not None and self.analysis.frames:
            self.frame_index = len(self.analysis.frames) - 1
            self._draw_em()

    def _clear_histograms(self) -> None:
        for item in self.hist_items.values():
            self.hist_plot.removeItem(item)
        self.hist_items = {}
        self._hist_key = None
        self.hist_legend.clear()

    def _histogram_items(self, classes: list[int]) -> dict:
        """One filled step curve per class, rebuilt only when the classes change (dragging a
        point keeps them, so each refit only moves data)."""
        names = self._class_names()
        key = (tuple(classes), tuple(names.get(k, "") for k in classes))
        if key != self._hist_key:
            self._clear_histograms()
            self._hist_key = key
            for k in classes:
                item = pg.PlotDataItem(
                    stepMode="center",
                    fillLevel=0,
                    brush=colors.color(k, 90),
                    pen=pg.mkPen(colors.color(k), width=1.8),
                )
                self.hist_plot.addItem(item)
                self.hist_legend.addItem(item, names.get(k, f"class {k}"))
                self.hist_items[k] = item
        return self.hist_items

    def histogram_direction(self) -> tuple[np.ndarray | None, str]:
        """The unit direction the histograms project on, and its name."""
        a = self.analysis
        which = self.hist_box.currentText()
        if which == "Fisher direction":
            return (a.fisher.direction_ if a.fisher is not None else None), which
        if which == "Your line":
            return (self.direction() if self.table is None else None), which
        return a.pca.components_[0], which

    def _draw_histograms(self) -> None:
        a = self.analysis
        if a is None:
            return self._clear_histograms()
        w, which = self.histogram_direction()
        if w is None:
            self._clear_histograms()
            self.hist_plot.setTitle(f"{which}: not available here")
            return
        t = (a.X - a.pca.mean_) @ w
        labels = a.labels if a.labels is not None else np.zeros(len(t), np.int64)
        edges = np.histogram_bin_edges(t, bins=min(40, max(8, int(np.sqrt(len(t))))))
        classes = [int(k) for k in np.unique(labels)]
        peak = 1
        for k, item in self._histogram_items(classes).items():
            counts, _ = np.histogram(t[labels == k], bins=edges)
            peak = max(peak, int(counts.max()))
            item.setData(edges, counts)
        self.hist_plot.setYRange(0, 1.5 * peak, padding=0)  # headroom for the legend
        title = f"Projection on {HISTOGRAM_TITLES[which]}"
        if a.fisher is not None:
            title += f": J = {criterion_text(a.fisher.criterion(w))}"
        self.hist_plot.setTitle(title)

    def _class_names(self) -> dict[int, str]:
        if self.table is not None and self.table.class_names:
            return dict(enumerate(self.table.class_names))
        return {0: "class A", 1: "class B"}

    # -- table mode ----------------------------------------------------------------------
    def _components_shown(self, a: Analysis) -> tuple[int, int]:
        k = a.scores.shape[1]
        return min(self.pc_x.value(), k) - 1, min(self.pc_y.value(), k) - 1

    def _draw_table(self, a: Analysis, on: bool) -> None:
        # The items are made once and reused: creating scatters, legend rows and texts for
        # every result held the GUI thread for ~40 ms.
        self.loadings.setData([], [])
        class_names: list[str] = []  # of the drawn scatters, in order
        texts_used = 0
        if on:
            i, j = self._components_shown(a)
            ratio = a.pca.explained_variance_ratio_ * 100
            self.main.setLabel("bottom", f"PC {i + 1} ({ratio[i]:.1f} %)")
            self.main.setLabel("left", f"PC {j + 1} ({ratio[j]:.1f} %)")
            n = len(a.scores)
            rows = np.arange(n)
            if n > MAX_SHOWN:
                rows = np.sort(np.random.default_rng(0).choice(n, MAX_SHOWN, replace=False))
            self._shown_rows = rows
            P = a.scores[rows][:, [i, j]]
            labels = a.labels[rows] if a.labels is not None else np.zeros(len(rows), np.int64)
            names = self._class_names() if a.labels is not None else {0: "rows"}
            classes = np.unique(labels)
            for item, k in zip(
                grown(self.class_scatters, len(classes), self._new_class_scatter), classes
            ):
                item.setData(pos=P[labels == k], brush=colors.color(int(k), 210))
                class_names.append(names.get(int(k), f"class {k}"))
            if self.biplot_check.isChecked():
                texts_used = self._draw_biplot(a, i, j, P)
        for item in self.class_scatters[len(class_names) :]:
            item.setData([], [])
        for text in self.loading_texts[texts_used:]:
            text.setVisible(False)
        if on:
            rows = [(self.em_line, "p-PCA W (EM frame)"), *zip(self.class_scatters, class_names)]
            set_legend_rows(self.legend, rows)

    def _draw_biplot(self, a: Analysis, i: int, j: int, P: np.ndarray) -> int:
        """Loading arrows on PCs i and j, the longest named; returns the names drawn."""
        L = a.pca.components_[[i, j]].T  # (d, 2): each feature's loading on the two PCs
        longest = np.max(np.hypot(L[:, 0], L[:, 1]))
        scale = 0.85 * np.max(np.abs(P)) / longest if longest > 0 else 1.0
        tips = L * scale
        pairs = np.zeros((2 * len(tips), 2))
        pairs[1::2] = tips
        self.loadings.setData(pairs[:, 0], pairs[:, 1])
        feature_names = self.table.feature_names if self.table is not None else []
        named = np.argsort(-np.hypot(tips[:, 0], tips[:, 1]))[:BIPLOT_NAMES]
        for text, f in zip(grown(self.loading_texts, len(named), self._new_loading_text), named):
            text.setText(elide(feature_names[f]) if f < len(feature_names) else f"x{f + 1}")
            text.setPos(*(tips[f] * 1.08))
            text.setVisible(True)
        return len(named)

    def _new_class_scatter(self) -> pg.ScatterPlotItem:
        item = pg.ScatterPlotItem(size=8, pen=pg.mkPen("w", width=0.6))
        self.main.addItem(item)
        return item

    def _new_loading_text(self) -> pg.TextItem:
        text = TextItem(anchor=(0.5, 0.5), color=colors.color(7))
        self.main.addItem(text, ignoreBounds=True)
        return text

    def _hover(self, scene_pos) -> None:
        a = self.analysis
        if self.table is None or a is None or not len(self._shown_rows):
            return
        if not self.main.sceneBoundingRect().contains(scene_pos):
            self.hover_text.setVisible(False)
            return
        pos = self.main.vb.mapSceneToView(scene_pos)
        i, j = self._components_shown(a)
        P = a.scores[self._shown_rows][:, [i, j]]
        sx, sy = self.main.vb.viewPixelSize()
        if not sx or not sy:
            return
        d2 = ((P[:, 0] - pos.x()) / sx) ** 2 + ((P[:, 1] - pos.y()) / sy) ** 2
        nearest = int(np.argmin(d2))
        if d2[nearest] > HOVER_PX**2:
            self.hover_text.setVisible(False)
            return
        row = int(self._shown_rows[nearest])
        self.hover_label.setText(self.describe_row(row).replace("\n", "<br>"))
        self.hover_text.setHtml(self.describe_row(row, limit=8).replace("\n", "<br>"))
        (x0, x1), (y0, y1) = self.main.viewRange()  # open the box towards the plot's centre
        px, py = P[nearest]
        self.hover_text.setAnchor(
            (1.0 if px > (x0 + x1) / 2 else 0.0, 0.0 if py > (y0 + y1) / 2 else 1.0)
        )
        self.hover_text.setPos(px, py)
        self.hover_text.setVisible(True)

    def describe_row(self, row: int, limit: int | None = None) -> str:
        """The table row ``row`` as text: its label and its values (at most ``limit``)."""
        ds = self.table
        lines = [f"<b>row {row + 1}</b>"]
        if ds.y is not None:
            label = self._class_names().get(int(ds.y[row]), ds.y[row])
            lines[0] += f" · {html.escape(elide(label))}"  # shown as rich text
        names = ds.feature_names
        shown = names if limit is None else names[:limit]
        lines += [
            f"{html.escape(elide(name))} = {ds.X[row, f]:.4g}" for f, name in enumerate(shown)
        ]
        if len(shown) < len(names):
            lines.append(f"… {len(names) - len(shown)} more columns")
        return "\n".join(lines)

    # -- export --------------------------------------------------------------------------
    def results_frame(self) -> pd.DataFrame | None:
        """Scores (one row per data row: its projection on every component), then loadings
        (one row per feature: the components' entries), then the explained variances."""
        a = self.analysis
        if a is None:
            return None
        k = a.scores.shape[1]
        pcs = [f"PC{j + 1}" for j in range(k)]
        names = self._class_names()
        features = self.table.feature_names if self.table is not None else ["x1", "x2"]
        scores = pd.DataFrame(a.scores, columns=pcs)
        scores.insert(0, "kind", "score")
        scores.insert(1, "name", [f"row {r + 1}" for r in range(len(a.scores))])
        labels = a.labels if a.labels is not None else None
        scores.insert(
            2, "label", [names.get(int(c), str(c)) for c in labels] if labels is not None else ""
        )
        loadings = pd.DataFrame(a.pca.components_.T, columns=pcs)
        loadings.insert(0, "kind", "loading")
        loadings.insert(1, "name", list(features)[: len(loadings)])
        loadings.insert(2, "label", "")
        variances = pd.DataFrame(
            [a.pca.explained_variance_, a.pca.explained_variance_ratio_], columns=pcs
        )
        variances.insert(0, "kind", ["explained_variance", "explained_variance_ratio"])
        variances.insert(1, "name", "")
        variances.insert(2, "label", "")
        return pd.concat([scores, loadings, variances], ignore_index=True)
