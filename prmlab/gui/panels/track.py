"""Tracking: draw a path, watch a Kalman filter, an RTS smoother and a particle filter follow it.

The panel keeps a ground-truth path (a preset, a mouse stroke or a CSV track), simulates
measurements from it (or takes a CSV track as the measurements), and runs the three
estimators in the Job's worker: ``compute`` below is plain NumPy/engine code with no widgets.
The time scrubber, Step and Play only move the drawn time ``t`` over the stored result, so
scrubbing back and forth is free; any change of model, noise or data recomputes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QWidget,
)
from scipy.stats import chi2

from prmlab.data import Dataset
from prmlab.data.tracks import (
    constant_acceleration,
    constant_velocity,
    position_matrix,
    resample_path,
    track_preset,
    uniform_in_time,
)
from prmlab.engine import kalman, particle
from prmlab.engine._validation import check_scalar
from prmlab.gui.panels.base import BasePanel
from prmlab.gui.theme import plot_text
from prmlab.gui.widgets import colors
from prmlab.gui.widgets.ellipse import ellipse_xy
from prmlab.gui.widgets.figure import integer_ticks
from prmlab.gui.widgets.legend import outside_legend
from prmlab.gui.widgets.params import ValueSlider, group
from prmlab.gui.widgets.text import TextItem

PRESETS = {
    "Figure-8": "figure8",
    "Circle": "circle",
    "Straight line": "line",
    "Random manoeuvres": "manoeuvres",
}
BEACONS = np.array([[-90.0, -70.0], [90.0, -70.0]])
MAX_STEPS = 400
MAX_HISTORY = 4_000_000  # particles x steps kept for scrubbing (float32 positions + weights)
TIME_NAMES = ("t", "time", "timestamp", "seconds", "sec", "s")

CLOUD_LEVELS = ((2, 50), (4, 100), (6, 160), (9, 220))  # (size px, alpha) by weight class
CLOUD_EDGES = (0.3, 0.6, 0.85)  # classes of sqrt(w / max w)
C_TRUTH, C_MEAS, C_KF, C_RTS, C_PF, C_CLOUD = 7, 1, 0, 2, 3, 4


# ----------------------------------------------------------------------------- computation


@dataclass(frozen=True)
class Scenario:
    """Everything one run needs, as plain data (handed to the worker)."""

    truth: np.ndarray | None  # (T, 2) or None when the CSV track is the measurements
    measured: np.ndarray | None  # (T, 2) measured positions from a CSV, or None
    measurement: str = "position"  # or "range_bearing"
    sigma: float = 3.0  # position noise, or range noise for range-bearing
    bearing_deg: float = 2.0
    dropouts: tuple = ()  # ((t0, t1), ...) steps without measurements
    seed: int = 0
    motion: str = "cv"  # or "ca"
    q: float = 0.3
    n_particles: int = 2000
    resampler: str = "systematic"
    ess_threshold: float = 0.5

    @property
    def n_steps(self) -> int:
        return len(self.truth if self.truth is not None else self.measured)


@dataclass
class TrackResult:
    """Measurements and the three estimates over T steps (arrays, no widgets)."""

    scenario: Scenario
    zs: np.ndarray  # (T, m) what the filters saw, NaN = missing
    raw: np.ndarray  # (T, 2) measured positions (converted for range-bearing), NaN = missing
    kf: kalman.KalmanResult
    rts_means: np.ndarray
    rts_covs: np.ndarray
    pf: particle.ParticleFilterResult | None
    cloud: np.ndarray | None  # (T, N, 2) float32 particle positions, or None
    cloud_w: np.ndarray | None  # (T, N) float32 weights
    nees: np.ndarray | None  # (T,) position NEES of the Kalman filter (needs the truth)
    notes: list = field(default_factory=list)


@dataclass(frozen=True)
class Progress:
    progress: float


def motion_model(kind: str, q: float) -> tuple[np.ndarray, np.ndarray]:
    """``(F, Q)`` of the constant-velocity or constant-acceleration model, dt = 1."""
    return (constant_velocity if kind == "cv" else constant_acceleration)(dt=1.0, q=q)


def measure(s: Scenario) -> tuple[np.ndarray, np.ndarray, float]:
    """``(zs, raw positions, position variance seen by the Kalman filter)``.

    Range-bearing: ``[r_1, theta_1, r_2, theta_2]`` to ``BEACONS``; the Kalman filter, which
    needs a linear model, gets each beacon's polar measurement converted to a position and
    averaged, with the linearised variance ``(sigma_r^2 + (r sigma_theta)^2) / 2`` per beacon.
    """
    rng = np.random.default_rng(s.seed)
    if s.measured is not None:
        zs = s.measured.copy()
        raw = zs.copy()
        var = s.sigma**2
    elif s.measurement == "position":
        zs = s.truth + s.sigma * rng.standard_normal(s.truth.shape)
        raw = zs.copy()
        var = s.sigma**2
    else:
        d = s.truth[:, None, :] - BEACONS[None]
        r = np.hypot(d[..., 0], d[..., 1]) + s.sigma * rng.standard_normal(d.shape[:2])
        th = np.arctan2(d[..., 1], d[..., 0])
        th = th + np.deg2rad(s.bearing_deg) * rng.standard_normal(th.shape)
        zs = np.stack([r, th], axis=-1).reshape(len(s.truth), -1)
        pos = BEACONS[None] + r[..., None] * np.stack([np.cos(th), np.sin(th)], axis=-1)
        raw = pos.mean(axis=1)
        r_mean = float(np.mean(r))
        var = (s.sigma**2 + (r_mean * np.deg2rad(s.bearing_deg)) ** 2) / 2 / len(BEACONS)
    for t0, t1 in s.dropouts:
        a, b = max(0, int(round(t0))), min(len(zs), int(round(t1)) + 1)
        zs[a:b] = np.nan
        raw[a:b] = np.nan
    return zs, raw, var


def prior(raw: np.ndarray, n: int, var: float) -> tuple[np.ndarray, np.ndarray]:
    """A vague prior at the first measured position, velocities (and accelerations) near 0."""
    seen = raw[~np.isnan(raw[:, 0])]
    x0 = np.zeros(n)
    x0[:2] = seen[0] if len(seen) else 0.0
    P0 = np.diag([var, var] + [4.0, 4.0] + [1.0, 1.0] * (n == 6))
    return x0, P0


def build_models(s: Scenario, var: float):
    """The Kalman matrices and the particle-filter model (validates the parameters)."""
    F, Q = motion_model(s.motion, s.q)
    H = position_matrix(F.shape[0])
    R = var * np.eye(2)
    if s.measurement == "position" or s.measured is not None:
        model = particle.linear_gaussian(F, H, Q, R)
    else:
        model = particle.range_bearing(BEACONS, F, Q, s.sigma, np.deg2rad(s.bearing_deg))
    return F, H, Q, R, model


def compute(s: Scenario) -> Iterator[Progress]:
    """Measurements, Kalman filter, RTS smoother, particle filter (in chunks); returns a result."""
    zs, raw, var = measure(s)
    F, H, Q, R, model = build_models(s, var)
    x0, P0 = prior(raw, F.shape[0], var)
    kf = kalman.run_kalman(raw, F, H, Q, R, x0, P0)
    rts_m, rts_c = kalman.rts_smoother(kf.means, kf.covs, F, Q)
    yield Progress(0.05)
    notes = []
    T, N = len(zs), s.n_particles
    keep = N * T <= MAX_HISTORY
    pf = cloud = cloud_w = None
    try:
        filt = particle.ParticleFilter(model, N, x0, P0, s.seed, s.resampler, s.ess_threshold)
        chunk = max(1, 200_000 // N)
        parts, clouds, weights = [], [], []
        for a in range(0, T, chunk):
            r = filt.run(zs[a : a + chunk], return_particles=keep)
            parts.append(r)
            if keep:
                clouds.append(r.particles[..., :2].astype(np.float32))
                weights.append(r.weights.astype(np.float32))
            yield Progress(0.05 + 0.95 * min(1.0, (a + chunk) / T))
        pf = particle.ParticleFilterResult(
            np.concatenate([p.means for p in parts]),
            np.concatenate([p.covs for p in parts]),
            np.concatenate([p.ess for p in parts]),
            np.concatenate([p.resampled for p in parts]),
            float(sum(p.log_likelihood for p in parts)),
        )
        if keep:
            cloud, cloud_w = np.concatenate(clouds), np.concatenate(weights)
        else:
            notes.append(f"{N} particles x {T} steps is too many to keep for drawing the cloud")
    except ValueError as exc:  # a degenerate particle filter: keep the Kalman results
        notes.append(f"Particle filter: {exc}")
    truth = s.truth
    nees = None
    if truth is not None:
        nees = kalman.nees(truth, kf.means[:, :2], kf.covs[:, :2, :2])
    return TrackResult(s, zs, raw, kf, rts_m, rts_c, pf, cloud, cloud_w, nees, notes)


def rmse(est: np.ndarray | None, truth: np.ndarray | None, steps: np.ndarray) -> float:
    """Position RMSE of ``est`` over the boolean ``steps`` (those with a measurement)."""
    if est is None or truth is None:
        return float("nan")
    err = np.sum((est[steps, :2] - truth[steps]) ** 2, axis=1)
    err = err[np.isfinite(err)]
    return float(np.sqrt(err.mean())) if len(err) else float("nan")


# ----------------------------------------------------------------------------- widgets


class DrawViewBox(pg.ViewBox):
    """A ViewBox on which a left-drag draws a stroke (when ``draw_enabled``), else pans."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.draw_enabled = True
        self.on_stroke = None  # callable(points (k, 2), finished: bool)
        self._stroke: list = []

    def mouseDragEvent(self, ev, axis=None) -> None:
        if not (self.draw_enabled and ev.button() == Qt.MouseButton.LeftButton):
            super().mouseDragEvent(ev, axis)
            return
        ev.accept()
        if ev.isStart():
            start = self.mapSceneToView(ev.buttonDownScenePos())
            self._stroke = [(start.x(), start.y())]
        p = self.mapSceneToView(ev.scenePos())
        self._stroke.append((p.x(), p.y()))
        if self.on_stroke is not None:
            self.on_stroke(np.array(self._stroke), ev.isFinish())


class _SetTruth(QUndoCommand):
    """One undo step: the ground-truth path (and whether CSV measurements replace it)."""

    def __init__(self, panel: TrackPanel, new: tuple, text: str) -> None:
        super().__init__(text)
        self.panel, self.old, self.new = panel, panel.source(), new

    def redo(self) -> None:
        self.panel.apply_source(*self.new)

    def undo(self) -> None:
        self.panel.apply_source(*self.old)


class _SetDropouts(QUndoCommand):
    """One undo step: the set of dropout stretches."""

    def __init__(self, panel: TrackPanel, old: tuple, new: tuple, text: str) -> None:
        super().__init__(text)
        self.panel, self.old, self.new = panel, old, new

    def redo(self) -> None:
        self.panel.apply_dropouts(self.new)

    def undo(self) -> None:
        self.panel.apply_dropouts(self.old)


class TrackPanel(BasePanel):
    name = "track"
    title = "Tracking"
    explanation = (
        "<b>Linear dynamical system</b> (PRML §13.3): "
        "z<sub>t</sub> = F z<sub>t-1</sub> + w, w ~ N(0, Q); x<sub>t</sub> = H z<sub>t</sub> + v, "
        "v ~ N(0, R). <b>Kalman predict</b>: m⁻ = F m, P⁻ = F P Fᵀ + Q. "
        "<b>Update</b>: S = H P⁻ Hᵀ + R, K = P⁻ Hᵀ S⁻¹, m = m⁻ + K (x − H m⁻), "
        "P = (I − K H) P⁻ (I − K H)ᵀ + K R Kᵀ (Joseph form). Large q trusts the measurements, "
        "large R trusts the model; during a dropout only the prediction runs and the 2σ "
        "ellipses grow. <b>RTS smoother</b>: G = P Fᵀ (P⁻)⁻¹, m<sup>s</sup> = m + G (m<sup>s</sup>"
        "<sub>t+1</sub> − F m). <b>Particle filter (SIR)</b>: z<sup>i</sup> ~ p(z<sub>t</sub> | "
        "z<sup>i</sup><sub>t-1</sub>), w<sup>i</sup> ∝ p(x<sub>t</sub> | z<sup>i</sup>) "
        "w<sup>i</sup><sub>t-1</sub>, resample when ESS = 1/Σ w² &lt; threshold·N. "
        "NEES (x − m)ᵀP⁻¹(x − m) and NIS yᵀS⁻¹y follow χ²(2) when the filter is consistent."
    )

    # -- construction -------------------------------------------------------------------
    def build(self) -> None:
        self.result: TrackResult | None = None
        self.t = 0
        self._truth: np.ndarray | None = None
        self._measured: np.ndarray | None = None
        self._source_name = ""
        self._csv: tuple | None = None
        self._regions: list[pg.LinearRegionItem] = []
        self._dropout_state: tuple = ()
        self._build_controls()
        self._build_plots()

    def _build_controls(self) -> None:
        form = group(self.controls, "Ground truth")
        self.preset_box = QComboBox()
        self.preset_box.addItems(list(PRESETS))
        self.preset_box.activated.connect(lambda _i: self.load_preset())
        form.addRow("Preset", self.preset_box)
        self.steps_box = QSpinBox()
        self.steps_box.setRange(20, MAX_STEPS)
        self.steps_box.setValue(150)
        self.steps_box.setToolTip("Time steps of a preset or a drawn path")
        self.steps_box.editingFinished.connect(self._steps_changed)
        form.addRow("Steps", self.steps_box)
        self.draw_check = QCheckBox("Draw the path with the mouse")
        self.draw_check.setChecked(True)
        self.draw_check.setToolTip("Left-drag on the track plot draws a new true path")
        self.draw_check.toggled.connect(self._draw_toggled)
        form.addRow(self.draw_check)
        self.csv_role_box = QComboBox()
        self.csv_role_box.addItems(["measurements", "the true path"])
        self.csv_role_box.setToolTip(
            "A CSV track as measurements to filter, or as a true path to simulate noise on"
        )
        self.csv_role_box.activated.connect(lambda _i: self._use_csv())
        form.addRow("CSV track is", self.csv_role_box)
        self.source_label = QLabel()
        self.source_label.setWordWrap(True)
        form.addRow(self.source_label)

        form = group(self.controls, "Measurements")
        self.meas_box = QComboBox()
        self.meas_box.addItems(["Position (x, y)", "Range-bearing to 2 beacons"])
        self.meas_box.currentIndexChanged.connect(self.recompute)
        form.addRow("Model", self.meas_box)
        self.sigma_slider = ValueSlider(0.1, 30.0, 4.0, log=True, decimals=3)
        self.sigma_slider.setToolTip("Measurement noise σ (position, or range): R = σ² I")
        self.sigma_slider.valueChanged.connect(self.recompute)
        form.addRow("R: σ", self.sigma_slider)
        self.bearing_slider = ValueSlider(0.1, 20.0, 2.0, log=True, decimals=2)
        self.bearing_slider.setToolTip("Bearing noise σ in degrees (range-bearing model)")
        self.bearing_slider.valueChanged.connect(self.recompute)
        form.addRow("Bearing σ (°)", self.bearing_slider)
        row = QWidget()
        lay = QHBoxLayout(row)
        lay.setContentsMargins(0, 0, 0, 0)
        self.add_dropout_button = QPushButton("+ Add")
        self.add_dropout_button.setToolTip("Add a stretch without measurements; drag it")
        self.add_dropout_button.clicked.connect(lambda: self.add_dropout())
        self.clear_dropouts_button = QPushButton("Clear")
        self.clear_dropouts_button.clicked.connect(self.clear_dropouts)
        lay.addWidget(self.add_dropout_button)
        lay.addWidget(self.clear_dropouts_button)
        form.addRow("Dropouts", row)
        form.addRow("Seed", self.seed_box)
        self.seed_box.valueChanged.connect(self.recompute)

        form = group(self.controls, "Filters")
        self.motion_box = QComboBox()
        self.motion_box.addItems(["Constant velocity", "Constant acceleration"])
        self.motion_box.currentIndexChanged.connect(self.recompute)
        form.addRow("Motion", self.motion_box)
        self.q_slider = ValueSlider(1e-4, 10.0, 0.3, log=True, decimals=3)
        self.q_slider.setToolTip("Process noise density q: how much the model may be wrong")
        self.q_slider.valueChanged.connect(self.recompute)
        form.addRow("Q: q", self.q_slider)
        self.particles_slider = ValueSlider(50, 50_000, 2000, log=True, decimals=5)
        self.particles_slider.valueChanged.connect(self.recompute)
        form.addRow("Particles", self.particles_slider)
        self.resampler_box = QComboBox()
        self.resampler_box.addItems(list(particle.RESAMPLERS))
        self.resampler_box.currentIndexChanged.connect(self.recompute)
        form.addRow("Resampler", self.resampler_box)
        self.ess_slider = ValueSlider(0.0, 1.0, 0.5, decimals=2)
        self.ess_slider.setToolTip("Resample when ESS < threshold × N (0 never, 1 always)")
        self.ess_slider.valueChanged.connect(self.recompute)
        form.addRow("ESS threshold", self.ess_slider)
        self.show_ellipses = QCheckBox("ellipses")
        self.show_cloud = QCheckBox("particles")
        self.show_rts = QCheckBox("RTS")
        row = QWidget()
        lay = QHBoxLayout(row)
        lay.setContentsMargins(0, 0, 0, 0)
        for box in (self.show_ellipses, self.show_cloud, self.show_rts):
            box.setChecked(True)
            box.toggled.connect(lambda _on: self.draw_time())
            lay.addWidget(box)
        form.addRow(row)

        self.playback = self.make_playback(step_text="Step t", rate=12.0)
        self.playback.sigStep.connect(self.step)
        self.playback.sigReset.connect(lambda: self.set_time(0))
        self.playback.sigPlayingChanged.connect(self._playing_changed)
        self.controls.addWidget(self.playback)
        self.scrubber = QSlider(Qt.Orientation.Horizontal)
        self.scrubber.setRange(0, 0)
        self.scrubber.setToolTip("Time scrubber: the drawn time step")
        self.scrubber.valueChanged.connect(self.set_time)
        self.time_label = QLabel("t = 0")
        row = QWidget()
        lay = QHBoxLayout(row)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.time_label)
        lay.addWidget(self.scrubber, 1)
        self.controls.addWidget(row)

    def _build_plots(self) -> None:
        self.view = DrawViewBox()
        self.view.on_stroke = self._stroke
        self.track_plot = pg.PlotItem(
            viewBox=self.view, title="Track: truth, measurements, estimates"
        )
        self.track_plot.setLabel("bottom", "x")
        self.track_plot.setLabel("left", "y")
        self.view.setAspectLocked(True)
        self.track_plot.showGrid(x=True, y=True, alpha=0.2)
        self.figure.addItem(self.track_plot, row=0, col=0, rowspan=3)
        legend = outside_legend(self.track_plot, "bottom", colCount=3)
        p = self.track_plot
        self.truth_item = p.plot(pen=pg.mkPen(colors.color(C_TRUTH), width=2,
                                              style=Qt.PenStyle.DashLine), name="truth")  # fmt: skip
        self.meas_item = p.plot(pen=None, symbol="o", symbolSize=4, symbolPen=None,
                                symbolBrush=colors.color(C_MEAS, 200), name="measured")  # fmt: skip
        # particles by weight class: dot size and opacity grow with the weight. Each class is
        # one curve of zero-length round-capped segments: ~2x faster to update than a scatter
        self.cloud_items = []
        for size, alpha in CLOUD_LEVELS:
            pen = pg.mkPen(colors.color(C_CLOUD, alpha), width=size)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            item = pg.PlotCurveItem(pen=pen, connect="pairs")
            p.addItem(item)
            self.cloud_items.append(item)
        sample = pg.ScatterPlotItem(pen=None, brush=colors.color(C_CLOUD, 200), size=7)
        legend.addItem(sample, "particles")
        self.ellipse_item = p.plot(pen=pg.mkPen(colors.color(C_KF, 110), width=1), name="2σ")
        self.rts_item = p.plot(pen=pg.mkPen(colors.color(C_RTS), width=2.5), name="RTS smoothed")
        self.kf_item = p.plot(pen=pg.mkPen(colors.color(C_KF), width=2.5), name="Kalman")
        self.pf_item = p.plot(pen=pg.mkPen(colors.color(C_PF), width=2), name="particle mean")
        self.now_ellipse = p.plot(pen=pg.mkPen(colors.color(C_KF), width=2.5))
        self.now_truth = p.plot(pen=None, symbol="+", symbolSize=16,
                                symbolPen=pg.mkPen(colors.color(C_TRUTH), width=2))  # fmt: skip
        self.beacon_item = p.plot(pen=None, symbol="t1", symbolSize=14,
                                  symbolBrush=colors.color(5), name="beacons")  # fmt: skip
        self.stroke_item = p.plot(pen=pg.mkPen(colors.color(C_TRUTH), width=3))

        self.time_plot = self.figure.addPlot(row=0, col=1, title="ESS / N (resampling ▼, dropouts)")
        self.time_plot.setLabel("bottom", "time step t")
        integer_ticks(self.time_plot.getAxis("bottom"))
        self.time_plot.setYRange(0, 1.12, padding=0)
        self.time_plot.setMouseEnabled(y=False)
        self.ess_item = self.time_plot.plot(pen=pg.mkPen(colors.color(C_CLOUD), width=2))
        self.resample_item = self.time_plot.plot(pen=None, symbol="t", symbolSize=7,
                                                 symbolBrush=colors.color(C_PF), symbolPen=None)  # fmt: skip
        self.cursor = pg.InfiniteLine(0, movable=True, pen=pg.mkPen(colors.color(C_TRUTH), width=2))
        self.cursor.sigPositionChanged.connect(lambda line: self.set_time(round(line.value())))
        self.time_plot.addItem(self.cursor)

        self.nees_plot = self.figure.addPlot(
            row=1, col=1, title="Consistency: NEES, NIS vs χ²(2) 95%"
        )
        self.nees_plot.setLabel("bottom", "time step t")
        integer_ticks(self.nees_plot.getAxis("bottom"))
        self.nees_plot.setXLink(self.time_plot)
        lo, hi = chi2.ppf([0.025, 0.975], 2)
        band = pg.LinearRegionItem((lo, hi), orientation="horizontal", movable=False,
                                   brush=pg.mkBrush(colors.color(C_RTS, 45)), pen=pg.mkPen(None))  # fmt: skip
        self.nees_plot.addItem(band)
        outside_legend(self.nees_plot, "bottom", colCount=2)
        self.nees_item = self.nees_plot.plot(
            pen=pg.mkPen(colors.color(C_KF), width=1.5), name="NEES"
        )
        self.nis_item = self.nees_plot.plot(
            pen=pg.mkPen(colors.color(C_MEAS), width=1.5), name="NIS"
        )
        self.nees_plot.setYRange(0, 14, padding=0)
        self.nees_plot.setMouseEnabled(y=False)

        self.rmse_plot = self.figure.addPlot(row=2, col=1, title="Position RMSE")
        self.rmse_plot.setMouseEnabled(x=False, y=False)
        ticks = [(i, s) for i, s in enumerate(["raw", "Kalman", "RTS", "particle"])]
        self.rmse_plot.getAxis("bottom").setTicks([ticks])
        self.rmse_bars = pg.BarGraphItem(x=np.arange(4), height=np.zeros(4), width=0.6,
                                         brushes=[colors.color(c) for c in (C_MEAS, C_KF, C_RTS, C_PF)])  # fmt: skip
        self.rmse_plot.addItem(self.rmse_bars)
        # until the first result: auto-ranging bars of height 0 made an axis of "-5e-305"
        self.rmse_plot.setRange(xRange=(-0.6, 3.6), yRange=(0, 1), padding=0)
        self.rmse_text = [plot_text(TextItem(anchor=(0.5, 1.0))) for _ in range(4)]
        for item in self.rmse_text:
            self.rmse_plot.addItem(item)
        layout = self.figure.ci.layout
        layout.setColumnStretchFactor(0, 3)
        layout.setColumnStretchFactor(1, 2)

    # -- data sources ---------------------------------------------------------------------
    def source(self) -> tuple:
        return (self._truth, self._measured, self._source_name)

    def apply_source(self, truth, measured, name: str) -> None:
        """Set the truth (or the CSV measurements) without an undo entry, and recompute."""
        self._truth, self._measured, self._source_name = truth, measured, name
        self.source_label.setText(name)
        self.recompute()

    def set_source(self, truth, measured, name: str) -> None:
        """Set the data as one undoable step."""
        self.undo_stack.push(_SetTruth(self, (truth, measured, name), name))

    def load_preset(self, name: str | None = None) -> None:
        label = name or self.preset_box.currentText()
        self.preset_box.setCurrentText(label)
        truth = track_preset(PRESETS[label], self.steps_box.value(), seed=self.seed())
        self.set_source(truth, None, f"Preset: {label}")

    def _steps_changed(self) -> None:
        if self._measured is None and self._truth is not None:
            truth = resample_path(self._truth, self.steps_box.value())
            self.set_source(truth, None, self._source_name)

    def _draw_toggled(self, on: bool) -> None:
        self.view.draw_enabled = on

    def _stroke(self, points: np.ndarray, finished: bool) -> None:
        self.stroke_item.setData(points[:, 0], points[:, 1])
        if not finished:
            return
        self.stroke_item.setData([], [])
        if len(points) < 3 or np.ptp(points, axis=0).max() <= 0:
            self.messages.note("Drag farther to draw a path.")
            return
        truth = resample_path(points, self.steps_box.value())
        self.set_source(truth, None, "Drawn path")

    def set_dataset(self, dataset: Dataset) -> None:
        """A measured track: two position columns (x, y), optionally a time column."""
        X, names = dataset.X, [n.lower() for n in dataset.feature_names]
        t_col = next((i for i, n in enumerate(names) if n in TIME_NAMES), None)
        pos = [i for i in range(X.shape[1]) if i != t_col]
        if len(pos) < 2:
            self.messages.error(
                f"a track needs two position columns (x, y), got {dataset.feature_names}; "
                "add a second coordinate column"
            )
            return
        xy = X[:, pos[:2]]
        note = f"CSV: {dataset.name or 'track'} ({dataset.feature_names[pos[0]]}, "
        note += f"{dataset.feature_names[pos[1]]})"
        if t_col is not None:
            try:
                _, xy, dt = uniform_in_time(X[:, t_col], xy)
            except ValueError as exc:
                self.messages.error(str(exc))
                return
            note += f", resampled every dt = {dt:.3g} {dataset.feature_names[t_col]}"
        if len(xy) > MAX_STEPS:
            idx = np.linspace(0, len(xy) - 1, MAX_STEPS).round().astype(int)
            xy = xy[idx]
            note += f", thinned to {MAX_STEPS} steps"
        if len(xy) < 3:
            self.messages.error(f"a track needs at least 3 rows, got {len(xy)}")
            return
        self._csv = (xy, note)
        self._use_csv()

    def _use_csv(self) -> None:
        """Apply the last CSV track in the role chosen: measurements, or the true path."""
        if self._csv is None:
            return
        xy, note = self._csv
        if self.csv_role_box.currentIndex() == 0:
            self.meas_box.setCurrentIndex(0)
            self.messages.note(
                note + ": filtering it as measurements (no ground truth, so no RMSE or "
                "NEES; 'CSV track is: the true path' simulates noisy measurements instead)."
            )
            self.set_source(None, xy, note)
        else:
            self.messages.note(note + ": used as the true path; measurements are simulated.")
            self.set_source(xy, None, note)

    # -- dropouts -------------------------------------------------------------------------
    def add_dropout(self, t0: float | None = None, t1: float | None = None) -> None:
        """Add a draggable stretch of steps without measurements (one undo step)."""
        T = self._n_steps()
        if t0 is None:
            t0 = T * (0.35 + 0.1 * (len(self._regions) % 4))
        t1 = min(t0 + max(3, T // 8), T - 1) if t1 is None else t1
        self._push_dropouts((*self.dropouts(), (t0, t1)), "Add dropout")

    def clear_dropouts(self) -> None:
        self._push_dropouts((), "Clear dropouts")

    def _push_dropouts(self, spans: tuple, text: str) -> None:
        self.undo_stack.push(_SetDropouts(self, self._dropout_state, tuple(spans), text))

    def _region_moved(self) -> None:
        if self.dropouts() != self._dropout_state:
            self._push_dropouts(self.dropouts(), "Move dropout")

    def apply_dropouts(self, spans: tuple) -> None:
        """Show exactly these (t0, t1) dropouts (no undo entry) and recompute."""
        self._dropout_state = tuple(spans)
        if self.dropouts() != self._dropout_state:
            for region in self._regions:
                self.time_plot.removeItem(region)
            self._regions.clear()
            for t0, t1 in spans:
                region = pg.LinearRegionItem((t0, t1), brush=pg.mkBrush(colors.color(C_TRUTH, 60)))
                region.setZValue(-10)
                region.setToolTip("No measurements here: drag the region or its edges")
                region.sigRegionChangeFinished.connect(lambda _r: self._region_moved())
                self.time_plot.addItem(region)
                self._regions.append(region)
        self.recompute()

    def dropouts(self) -> tuple:
        return tuple(tuple(r.getRegion()) for r in self._regions)

    def _n_steps(self) -> int:
        for a in (self._truth, self._measured):
            if a is not None:
                return len(a)
        return self.steps_box.value()

    # -- running ----------------------------------------------------------------------------
    def scenario(self) -> Scenario:
        """The current settings; raises ValueError on bad ones (checked on the GUI thread)."""
        if self._truth is None and self._measured is None:
            raise ValueError("no track yet: choose a preset, draw a path or open a CSV")
        rb = self.meas_box.currentIndex() == 1
        if rb and self._measured is not None:
            raise ValueError(
                "range-bearing measurements need a simulated track; a CSV track is "
                "already measured positions: choose 'Position' or a preset"
            )
        s = Scenario(
            truth=self._truth, measured=self._measured,
            measurement="range_bearing" if rb else "position",
            sigma=check_scalar(self.sigma_slider.value(), "σ", gt=0),
            bearing_deg=self.bearing_slider.value(), dropouts=self.dropouts(), seed=self.seed(),
            motion="cv" if self.motion_box.currentIndex() == 0 else "ca",
            q=check_scalar(self.q_slider.value(), "q", ge=0),
            n_particles=int(round(self.particles_slider.value())),
            resampler=self.resampler_box.currentText(), ess_threshold=self.ess_slider.value(),
        )  # fmt: skip
        build_models(s, s.sigma**2)
        return s

    def recompute(self) -> None:
        self.bearing_slider.setEnabled(self.meas_box.currentIndex() == 1)
        try:
            s = self.scenario()
        except ValueError as exc:
            self.messages.error(str(exc))
            return
        self.job.run(compute, s, on_done=self._computed, label="Filtering track")

    def _computed(self, result: TrackResult) -> None:
        at_end = self.result is None or self.t >= len(self.result.zs) - 1
        self.result = result
        if result.notes:
            self.messages.warning(" ".join(result.notes))
        elif self.messages.level() in ("error", "warning"):
            self.messages.clear()
        T = len(result.zs)
        for region in self._regions:
            region.setBounds((0, T - 1))
        self.scrubber.blockSignals(True)
        self.scrubber.setRange(0, T - 1)
        self.scrubber.blockSignals(False)
        self._draw_track_frame()
        self.set_time(T - 1 if at_end else min(self.t, T - 1), force=True)
        self._draw_static()

    # -- time ------------------------------------------------------------------------------
    def _playing_changed(self, on: bool) -> None:
        # Play at the last step replays from the start
        if on and self.result is not None and self.t >= len(self.result.zs) - 1:
            self.set_time(0)

    def step(self) -> None:
        if self.result is None:
            return
        T = len(self.result.zs)
        if self.t >= T - 1:
            self.playback.pause()
            return
        self.set_time(self.t + 1)
        if self.t >= T - 1:
            self.playback.pause()

    def set_time(self, t: int, force: bool = False) -> None:
        if self.result is None:
            return
        t = int(min(max(t, 0), len(self.result.zs) - 1))
        if t == self.t and not force:
            return
        self.t = t
        for widget, setter in ((self.scrubber, self.scrubber.setValue),
                               (self.cursor, self.cursor.setValue)):  # fmt: skip
            widget.blockSignals(True)
            setter(t)
            widget.blockSignals(False)
        self.draw_time()

    # -- drawing ---------------------------------------------------------------------------
    def _draw_static(self) -> None:
        """The time-independent plots, one per event-loop turn (see ``draw_in_turns``)."""
        self.draw_in_turns(self._draw_series, self._draw_rmse)

    def _draw_series(self) -> None:
        """ESS over time with the resampling marks; NEES and NIS."""
        r = self.result
        T = len(r.zs)
        ts = np.arange(T)
        if r.pf is not None:
            self.ess_item.setData(ts, r.pf.ess / r.scenario.n_particles)
            ev = np.flatnonzero(r.pf.resampled)
            self.resample_item.setData(ev, np.full(len(ev), 1.06))
        else:
            self.ess_item.setData([], [])
            self.resample_item.setData([], [])
        self.time_plot.setXRange(0, T - 1, padding=0.02)
        self.cursor.setBounds((0, T - 1))
        nees = r.nees if r.nees is not None else np.full(T, np.nan)
        self.nees_item.setData(ts, np.minimum(nees, 14.0), connect="finite")
        self.nis_item.setData(ts, np.minimum(r.kf.nis, 14.0), connect="finite")

    def _draw_rmse(self) -> None:
        r = self.result
        truth = r.scenario.truth
        # the same steps for all four (raw has no value in a dropout)
        seen = np.isfinite(r.raw).all(axis=1)
        pf_means = r.pf.means if r.pf is not None else None
        values = [rmse(a, truth, seen) for a in (r.raw, r.kf.means, r.rts_means, pf_means)]
        heights = np.nan_to_num(np.array(values), nan=0.0)
        self.rmse_bars.setOpts(height=heights)
        top = max(heights.max(), 1e-9)
        for i, (item, v) in enumerate(zip(self.rmse_text, values)):
            item.setText("n/a" if np.isnan(v) else f"{v:.2f}")
            item.setPos(i, heights[i] + 0.12 * top)
        self.rmse_plot.setYRange(0, 1.3 * top, padding=0)
        self.rmse_plot.setXRange(-0.6, 3.6, padding=0)
        if truth is None:
            self.rmse_plot.setTitle("Position RMSE (needs a ground truth)")
        else:
            self.rmse_plot.setTitle("Position RMSE (steps with a measurement)")

    def _draw_track_frame(self) -> None:
        """Truth, beacons and the view of the track plot."""
        r = self.result
        s = r.scenario
        truth = s.truth
        self.truth_item.setData(*(truth.T if truth is not None else ([], [])))
        rb = s.measurement == "range_bearing"
        self.beacon_item.setData(*(BEACONS.T if rb else ([], [])))
        pts = [a for a in (truth, r.raw) if a is not None]
        pts = np.concatenate(pts)
        pts = pts[np.isfinite(pts).all(axis=1)]
        if rb:
            pts = np.concatenate([pts, BEACONS])
        if len(pts):
            lo, hi = pts.min(axis=0), pts.max(axis=0)
            pad = 0.08 * max(hi - lo) + 1.0
            self.view.setRange(xRange=(lo[0] - pad, hi[0] + pad), yRange=(lo[1] - pad, hi[1] + pad),
                               padding=0)  # fmt: skip

    def draw_time(self) -> None:
        """Everything that depends on the drawn time ``t``."""
        r = self.result
        if r is None:
            return
        t = self.t
        T = len(r.zs)
        resampled = r.pf is not None and bool(r.pf.resampled[t])
        # as wide as its widest text: a growing "t = 10 / 99 ▼" pushed the scrubber away
        metrics = self.time_label.fontMetrics()
        widest = metrics.horizontalAdvance(f"t = {T - 1} / {T - 1} ▼") + metrics.averageCharWidth()
        self.time_label.setFixedWidth(widest)
        self.time_label.setText(f"t = {t} / {T - 1}" + (" ▼" if resampled else ""))
        self.time_label.setToolTip(
            "▼: the particles were resampled at this step" if resampled else ""
        )
        self.meas_item.setData(r.raw[: t + 1, 0], r.raw[: t + 1, 1], connect="finite")
        m = r.kf.means
        self.kf_item.setData(m[: t + 1, 0], m[: t + 1, 1])
        if r.pf is not None:
            self.pf_item.setData(r.pf.means[: t + 1, 0], r.pf.means[: t + 1, 1])
        else:
            self.pf_item.setData([], [])
        if self.show_rts.isChecked():
            self.rts_item.setData(r.rts_means[:, 0], r.rts_means[:, 1])
        else:
            self.rts_item.setData([], [])
        if self.show_ellipses.isChecked():
            every = max(1, T // 40)
            xs, ys = [], []
            for k in range(0, t + 1, every):
                x, y = ellipse_xy(m[k, :2], r.kf.covs[k, :2, :2], n_std=2.0, n=48)
                xs += [x, [np.nan]]
                ys += [y, [np.nan]]
            self.ellipse_item.setData(np.concatenate(xs), np.concatenate(ys), connect="finite")
            self.now_ellipse.setData(*ellipse_xy(m[t, :2], r.kf.covs[t, :2, :2], n_std=2.0))
        else:
            self.ellipse_item.setData([], [])
            self.now_ellipse.setData([], [])
        if self.show_cloud.isChecked() and r.cloud is not None:
            w = r.cloud_w[t]
            dx = 0.3 * self.view.viewPixelSize()[0]
            level = np.digitize(np.sqrt(w / max(float(w.max()), 1e-300)), CLOUD_EDGES)
            for i, item in enumerate(self.cloud_items):
                pick = level == i
                x = np.repeat(r.cloud[t, pick, 0], 2)
                x[1::2] += dx  # a sub-pixel segment: its round caps draw the dot
                item.setData(x, np.repeat(r.cloud[t, pick, 1], 2))
        else:
            for item in self.cloud_items:
                item.setData([], [])
        truth = r.scenario.truth
        self.now_truth.setData(*(truth[t : t + 1].T if truth is not None else ([], [])))

    # -- hooks -----------------------------------------------------------------------------
    def load_demo(self) -> None:
        """A figure-8 with a dropout: the ellipses grow, the smoother bridges the gap."""
        self.preset_box.setCurrentText("Figure-8")
        self._truth = track_preset("figure8", self.steps_box.value(), seed=self.seed())
        self._measured, self._source_name = None, "Preset: Figure-8"
        self.source_label.setText(self._source_name)
        T = len(self._truth)
        self.apply_dropouts(((0.55 * T, 0.68 * T),))

    def heavy_job(self) -> None:
        self.particles_slider.setValue(50_000)
        self.load_demo()

    def results_frame(self) -> pd.DataFrame | None:
        r = self.result
        if r is None:
            return None
        T = len(r.zs)
        d = {"t": np.arange(T)}
        if r.scenario.truth is not None:
            d["true_x"], d["true_y"] = r.scenario.truth.T
        d["measured_x"], d["measured_y"] = r.raw.T
        names = ["x", "y", "vx", "vy", "ax", "ay"]
        for i in range(r.kf.means.shape[1]):
            d[f"kalman_{names[i]}"] = r.kf.means[:, i]
        d["kalman_var_x"] = r.kf.covs[:, 0, 0]
        d["kalman_var_y"] = r.kf.covs[:, 1, 1]
        d["kalman_cov_xy"] = r.kf.covs[:, 0, 1]
        d["rts_x"], d["rts_y"] = r.rts_means[:, 0], r.rts_means[:, 1]
        if r.pf is not None:
            d["particle_x"], d["particle_y"] = r.pf.means[:, 0], r.pf.means[:, 1]
            d["ess"] = r.pf.ess
            d["resampled"] = r.pf.resampled
        d["nis"] = r.kf.nis
        if r.nees is not None:
            d["nees"] = r.nees
        return pd.DataFrame(d)
