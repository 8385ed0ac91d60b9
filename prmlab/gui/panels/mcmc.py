"""Metropolis-Hastings, Gibbs and HMC chains on 2-D targets, with live traces and diagnostics.

The panel keeps one ``mcmc.Sampler`` (the live chains) and the history of their draws. A
Step (or a Play tick) advances a *copy* of the sampler in the Job's worker and records the
proposals and HMC trajectories; the copy replaces the panel's sampler only when the job
finishes, so a cancelled step never leaves the history and the chains out of step. "Run
100k" does the same in chunks, with progress. Rejection and importance sampling have their
own views. Only this GUI thread draws.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
)

from prmlab.engine import mcmc
from prmlab.engine.mcmc import targets
from prmlab.engine.mcmc.expression import parse
from prmlab.gui.panels.base import BasePanel
from prmlab.gui.theme import ERROR_TEXT, current_theme, ink
from prmlab.gui.widgets import colors
from prmlab.gui.widgets.ellipse import ellipse_xy
from prmlab.gui.widgets.figure import integer_ticks, settle_ranges
from prmlab.gui.widgets.legend import outside_legend
from prmlab.gui.widgets.params import ValueSlider, group
from prmlab.gui.widgets.status import SteadyLabel

CUSTOM = "Custom expression"
# Each preset with the expression a student could type for the same density.
PRESETS = {
    "Banana": "-x**2/2 - (y - (x**2 - 1))**2/2",
    "Correlated Gaussian": "-(x**2 - 1.6*x*y + y**2) / (2*0.36)",
    "Donut": "-(sqrt(x**2 + y**2) - 2)**2 / (2*0.3**2)",
    "Mixture": "log(exp(-(x+2)**2 - (y+1.5)**2) + exp(-(x-2)**2 - (y-1.5)**2))",
    "Funnel": "-y**2/(2*1.5**2) - x**2*exp(-y)/2 - y/2",
}
METHODS = {
    "Metropolis-Hastings": "mh",
    "Gibbs (exact or slice)": "gibbs",
    "HMC (leapfrog)": "hmc",
}
VIEWS = ("MCMC chains", "Rejection sampling", "Importance sampling")
MAX_CHAINS = 8
LONG_RUN = 100_000
MAX_HISTORY = 1_000_000  # steps per chain kept at most
TRAIL = 120  # path points drawn per chain on the target
RECENT = 30  # past steps whose proposals stay as faint dots
DRAWN_POINTS = 600  # bins of a long trace drawn (min and max of each)
STATS_PERIOD = 0.25  # s between redraws of traces, histograms and the table while playing
LONG_RUN_TRACE_PERIOD = 1.0  # s between trace redraws during a long run
DIAGNOSE_DELAY_MS = 600
GUI_DIAGNOSTICS = 40_000  # kept draws up to which ESS/R-hat are computed on the GUI thread
GRID = 161
EDGE_WARNING = 0.05  # density at the box edge (relative to the peak) that earns a warning
LEVELS = np.exp(-0.5 * np.array([3.0, 2.0, 1.0]) ** 2)  # 1, 2, 3 "sigma" density levels


# ---------------------------------------------------------------- worker functions (no Qt)
@dataclass(frozen=True)
class TargetView:
    """A target with what is drawn of it: density on a grid (max 1) and true marginals."""

    target: mcmc.Target
    label: str
    xs: np.ndarray
    ys: np.ndarray
    density: np.ndarray  # (len(ys), len(xs))
    px: np.ndarray
    py: np.ndarray
    contours: tuple  # per level in LEVELS: NaN-separated (m, 2) polylines
    edge: float  # largest density on the box's edge (the peak is 1)


def prepare_target(preset: str, text: str, half: float) -> TargetView:
    """Build (compile) the target, its density grid and its marginals by the trapezoid rule."""
    if preset == CUSTOM:
        target = targets.expression(text, bounds=(-half, half, -half, half))
        label = text
    else:
        target = targets.PRESETS[preset]()
        label = preset
    xs, ys, density = target.density(GRID)
    _, px, _, py = targets.grid_marginals(xs, ys, density)
    # Compile the gradient here too (first use), not on the GUI thread when chains start.
    target.gradient(np.array([[xs[0], ys[0]]]))
    edge = max(density[0].max(), density[-1].max(), density[:, 0].max(), density[:, -1].max())
    return TargetView(
        target, label, xs, ys, density, px, py, contours(density, xs, ys), float(edge)
    )


def contours(field: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> tuple:
    """Contours of ``field`` (len(ys), len(xs)) at ``LEVELS``, as NaN-separated polylines in
    data coordinates (marching squares is slow in Python: run it in the worker)."""
    dx = (xs[-1] - xs[0]) / (len(xs) - 1)
    dy = (ys[-1] - ys[0]) / (len(ys) - 1)
    out = []
    for level in LEVELS:
        parts = []
        for line in pg.functions.isocurve(field.T, level, connected=True):
            a = np.asarray(line, dtype=float)
            parts.append(np.column_stack([xs[0] + a[:, 0] * dx, ys[0] + a[:, 1] * dy]))
            parts.append(np.full((1, 2), np.nan))
        out.append(np.concatenate(parts) if parts else np.empty((0, 2)))
    return tuple(out)


@dataclass(frozen=True)
class RejectionView:
    """Rejection sampling and what is drawn of it: the envelope's contours (at the target's
    contour heights) and the section through the target's mode."""

    result: mcmc.RejectionResult
    envelope: tuple
    y_mode: float
    section_p: np.ndarray
    section_env: np.ndarray
    peak: float


def rejection_view(
    view: TargetView, n: int, mean: tuple, cov: np.ndarray, seed: int
) -> RejectionView:
    """``mcmc.rejection_sample`` plus the envelope M q on the target's grid."""
    r = mcmc.rejection_sample(view.target, n, proposal_mean=mean, proposal_cov=cov, seed=seed)
    gx, gy = np.meshgrid(view.xs, view.ys)
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    log_q = r.proposal.log_pdf(grid).reshape(gx.shape)
    lp = view.target.log_density(grid).reshape(gx.shape)
    peak = float(lp[np.isfinite(lp)].max())
    env = np.exp(r.log_M + log_q - peak)
    j = int(np.argmax(view.density.max(axis=1)))
    return RejectionView(
        r, contours(env, view.xs, view.ys), float(view.ys[j]), np.exp(lp[j] - peak), env[j], peak
    )


@dataclass(frozen=True)
class Advance:
    """Steps done by a sampler copy: the copy, the new steps, progress, and (at the end of a
    long run) the diagnostics of the whole history."""

    sampler: mcmc.Sampler
    result: mcmc.SampleResult
    progress: float
    summary: dict | None = None


def advance(sampler: mcmc.Sampler, n_steps: int) -> Advance:
    """``n_steps`` steps of a copy of ``sampler``, recording proposals and trajectories."""
    twin = sampler.copy()
    return Advance(twin, twin.run(n_steps, record=n_steps <= 1000), 1.0)


def long_run(
    sampler: mcmc.Sampler, n_steps: int, history: np.ndarray, burn_in: int, thin: int
) -> Iterator[Advance]:
    """``n_steps`` steps in ~30 ms chunks (yielding progress); the last step is recorded so its
    proposals are drawn. Returns the new steps and the diagnostics of history + new steps."""
    twin = sampler.copy()
    head = None
    if n_steps > 1:
        head = yield from _chunks(twin, n_steps - 1)
    last = twin.run(1, record=True)
    if head is None:
        result = last
    else:
        result = mcmc.SampleResult(
            chains=np.concatenate([head.chains, last.chains], axis=1),
            accepted=np.concatenate([head.accepted, last.accepted], axis=1),
            method=last.method,
            params=last.params,
            target=last.target,
            proposals=last.proposals,
            trajectories=last.trajectories,
        )
    full = np.concatenate([history, result.chains], axis=1)
    return Advance(twin, result, 1.0, diagnose(full, burn_in, thin))


def _chunks(twin: mcmc.Sampler, n: int) -> Iterator[Advance]:
    gen = twin.iter_run(n)
    while True:
        try:
            step = next(gen)
        except StopIteration as stop:
            return stop.value
        yield Advance(twin, step, step.progress)


def diagnose(chains: np.ndarray, burn_in: int, thin: int) -> dict | None:
    """``mcmc.summary`` plus the autocorrelation (mean over chains) of the kept draws."""
    if chains.shape[1] - burn_in < 8:
        return None
    out = mcmc.summary(chains, burn_in, thin)
    kept = chains[:, burn_in::thin]
    max_lag = min(60, kept.shape[1] - 1)
    out["acf"] = np.array([mcmc.autocorr(kept[:, :, k], max_lag).mean(axis=0) for k in range(2)])
    return out


# ---------------------------------------------------------------------------- the panel
class McmcPanel(BasePanel):
    name = "mcmc"
    title = "MCMC"
    explanation = (
        "<b>Metropolis-Hastings</b> (PRML §11.2): propose z* ~ Q(z*|z) = N(z, s²I), "
        "accept with α = min{1, p(z*) Q(z*→z) / (p(z) Q(z→z*))} = min{1, p(z*)/p(z)} "
        "(accepted and rejected proposals marked, see the legend). "
        "<b>Gibbs</b> (§11.3): z<sub>i</sub><sup>t+1</sup> ~ p(z<sub>i</sub> | z<sub>−i</sub>), one "
        "coordinate at a time (exact Gaussian conditionals, else a slice step). "
        "<b>HMC</b> (§11.5): p ~ N(0, I), H = −log p(z) + |p|²/2, L leapfrog steps of size ε "
        "(dashed path), then accept with min{1, e<sup>H−H*</sup>}. "
        "<b>Diagnostics</b>: rank-normalised split R̂ (flagged above 1.01) and bulk ESS "
        "(Vehtari et al. 2021)."
    )

    # -- construction -------------------------------------------------------------------
    def build(self) -> None:
        self.view: TargetView | None = None
        self.sampler: mcmc.Sampler | None = None
        self.x0: np.ndarray | None = None
        self._buf = np.empty((0, 0, 2))
        self._acc = np.empty((0, 0), dtype=bool)
        self.n_steps = 0
        self.last: mcmc.SampleResult | None = None
        self._recent: list[tuple[np.ndarray, np.ndarray]] = []
        self.summary: dict | None = None
        self._summary_key: tuple | None = None
        self._mc_result = None
        self._job_kind = ""
        self._stats_drawn = 0.0
        self._stats_started = 0.0
        self._stats_period = STATS_PERIOD
        self._partial: np.ndarray | None = None  # chains so far in a long run, to draw
        # one part per trace plot (made once: a part already waiting is not queued again)
        self._trace_parts = [functools.partial(self._draw_trace, k) for k in range(2)]
        self._table_key: tuple | None = None
        self._diagnose_timer = QTimer(self)
        self._diagnose_timer.setSingleShot(True)
        self._diagnose_timer.timeout.connect(self._diagnose_in_worker)
        self._stats_timer = QTimer(self)
        self._stats_timer.setSingleShot(True)
        self._stats_timer.timeout.connect(self._draw_stats)

        self._build_target_controls()
        self._build_sampler_controls()
        self._enable_params()
        self._build_diagnostic_controls()
        self._build_monte_carlo_controls()
        self._build_chain_view()
        self._build_rejection_view()
        self._build_importance_view()
        self._show_view(0)

    def _build_target_controls(self) -> None:
        form = group(self.controls, "Target density p(x, y)")
        self.preset_box = QComboBox()
        self.preset_box.addItems([*PRESETS, CUSTOM])
        self.preset_box.activated.connect(self._preset_chosen)
        form.addRow("Preset", self.preset_box)
        self.expr_edit = QLineEdit()
        self.expr_edit.setPlaceholderText("log p(x, y), e.g. -(x**2 + y**2)/2")
        self.expr_edit.setToolTip(
            "A log-density in x and y: + − * / **, comparisons, a if cond else b,\n"
            "exp log sqrt sin cos tan tanh abs min max, pi e inf (−inf = zero density).\n"
            "Press Enter to use it."
        )
        self.expr_edit.returnPressed.connect(self.use_expression)
        form.addRow("log p =", self.expr_edit)
        self.expr_error = QLabel()
        self.expr_error.setWordWrap(True)
        self.expr_error.hide()
        form.addRow(self.expr_error)
        self.box_spin = QDoubleSpinBox()
        self.box_spin.setRange(0.5, 100.0)
        self.box_spin.setValue(4.0)
        self.box_spin.setPrefix("± ")
        self.box_spin.setToolTip("The plotted box of a typed expression: x and y in ±this")
        self.box_spin.editingFinished.connect(self._box_changed)
        form.addRow("Box", self.box_spin)

    def _build_sampler_controls(self) -> None:
        form = group(self.controls, "Sampler")
        self.method_box = QComboBox()
        self.method_box.addItems(list(METHODS))
        self.method_box.currentIndexChanged.connect(self._method_changed)
        form.addRow("Method", self.method_box)
        self.scale_slider = ValueSlider(0.02, 10.0, 0.5, log=True, decimals=3)
        self.scale_slider.setToolTip("Random-walk proposal standard deviation s")
        self.width_slider = ValueSlider(0.05, 10.0, 1.0, log=True, decimals=3)
        self.width_slider.setToolTip(
            "Initial slice width for coordinates without exact conditionals"
        )
        self.eps_slider = ValueSlider(0.005, 2.0, 0.15, log=True, decimals=3)
        self.eps_slider.setToolTip("Leapfrog step size ε")
        self.leap_spin = QSpinBox()
        self.leap_spin.setRange(1, 200)
        self.leap_spin.setValue(20)
        self.leap_spin.setToolTip("Leapfrog steps L per HMC proposal")
        self._param_rows = {
            "mh": [self.scale_slider],
            "gibbs": [self.width_slider],
            "hmc": [self.eps_slider, self.leap_spin],
        }
        form.addRow("Proposal s", self.scale_slider)
        form.addRow("Slice width", self.width_slider)
        form.addRow("Step ε", self.eps_slider)
        form.addRow("Leapfrog L", self.leap_spin)
        self._sampler_form = form
        for w in (self.scale_slider, self.width_slider, self.eps_slider):
            w.valueChanged.connect(self._params_changed)
        self.leap_spin.valueChanged.connect(self._params_changed)
        self.chains_spin = QSpinBox()
        self.chains_spin.setRange(1, MAX_CHAINS)
        self.chains_spin.setValue(4)
        self.chains_spin.valueChanged.connect(self.reset_chains)
        form.addRow("Chains", self.chains_spin)
        form.addRow("Seed", self.seed_box)
        self.seed_box.valueChanged.connect(self.reset_chains)
        # Fixed lines, no word wrap: wrapped labels make a scrolled form squeeze its rows.
        form.addRow(QLabel("Click the density: all chains start there."))
        self.per_tick = QComboBox()
        self.per_tick.addItems(["1", "10", "100", "1000"])
        self.per_tick.setToolTip("MCMC steps per Step click or Play tick")
        form.addRow("Steps per tick", self.per_tick)
        self.playback = self.make_playback(step_text="Step", rate=4.0, max_rate=60.0)
        self.playback.sigStep.connect(self.step)
        self.playback.sigReset.connect(self._reset_clicked)
        self.playback.sigPlayingChanged.connect(
            lambda on: None if on else self.refresh_diagnostics()
        )
        form.addRow(self.playback)
        self.long_button = QPushButton(f"Run {LONG_RUN // 1000}k steps")
        self.long_button.setToolTip("Finish in the background with progress (Esc cancels)")
        self.long_button.clicked.connect(lambda: self.run_long(LONG_RUN))
        form.addRow(self.long_button)

    def _build_diagnostic_controls(self) -> None:
        form = group(self.controls, "Diagnostics")
        self.burn_spin = QSpinBox()
        self.burn_spin.setRange(0, MAX_HISTORY)
        self.burn_spin.setToolTip("Draws dropped at the start of every chain")
        self.thin_spin = QSpinBox()
        self.thin_spin.setRange(1, 1000)
        self.thin_spin.setToolTip("Keep every k-th draw")
        self.burn_spin.valueChanged.connect(self._kept_changed)
        self.thin_spin.valueChanged.connect(self._kept_changed)
        form.addRow("Burn-in", self.burn_spin)
        form.addRow("Thin", self.thin_spin)
        self.table = QTableWidget(2, 4)
        self.table.setHorizontalHeaderLabels(["mean", "sd", "ESS", "R̂"])
        self.table.setVerticalHeaderLabels(["x", "y"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setWordWrap(False)
        # Ignored width: the table follows the column instead of widening it.
        self.table.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._fit_table_height()
        form.addRow(self.table)
        self.diag_label = SteadyLabel(lines=3)
        form.addRow(self.diag_label)

    def _fit_table_height(self) -> None:
        rows = sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        header = self.table.horizontalHeader().sizeHint().height()
        self.table.setFixedHeight(rows + header + 2 * self.table.frameWidth())

    def _build_monte_carlo_controls(self) -> None:
        form = group(self.controls, "View and Monte Carlo")
        self.view_box = QComboBox()
        self.view_box.addItems(VIEWS)
        self.view_box.currentIndexChanged.connect(self._show_view)
        form.addRow("Show", self.view_box)
        self.mc_n = QSpinBox()
        self.mc_n.setRange(10, 100_000)
        self.mc_n.setValue(2000)
        self.mc_n.setSingleStep(500)
        form.addRow("Proposals N", self.mc_n)
        self.mc_sd = ValueSlider(0.1, 2.0, 0.7, log=True, decimals=2)
        self.mc_sd.setToolTip(
            "q = N(box centre, diag(sd²)) with sd = this × the box's half-width on each axis"
        )
        form.addRow("q width", self.mc_sd)
        self.mc_button = QPushButton("Sample with q")
        self.mc_button.clicked.connect(self.run_monte_carlo)
        form.addRow(self.mc_button)
        for w in (self.mc_n, self.mc_sd):
            w.valueChanged.connect(
                lambda _: self.run_monte_carlo() if self.view_box.currentIndex() else None
            )

    # -- plots --------------------------------------------------------------------------
    def _density_image(self, plot: pg.PlotItem) -> tuple[pg.ImageItem, list[pg.PlotDataItem]]:
        plot.setAspectLocked(True)  # isotropic proposals and momenta look isotropic
        image = pg.ImageItem()
        image.setColorMap(colors.density_colormap())
        image.setZValue(-20)
        plot.addItem(image)
        pen = pg.mkPen(90, 90, 110, 200, width=1)
        isos = [plot.plot([], [], pen=pen, connect="finite") for _ in LEVELS]
        return image, isos

    def _build_chain_view(self) -> None:
        lay = self.chain_layout = self.figure.ci.addLayout(row=0, col=0)
        p = self.chain_plot = lay.addPlot(row=0, col=0, rowspan=3, title="Target and chains")
        p.setLabel("bottom", "x")
        p.setLabel("left", "y")
        self.image, self.isos = self._density_image(p)
        self.paths = [
            # Redrawn every frame: thin, not antialiased (a stroked wide path costs ~10x).
            p.plot([], [], pen=pg.mkPen(colors.color(c, 150), width=1), antialias=False)
            for c in range(MAX_CHAINS)
        ]
        # Accepted and rejected proposals in separate items: one brush each draws fast.
        self.trail_ok, self.trail_bad = (
            pg.ScatterPlotItem(size=4, pen=None, brush=pg.mkBrush(c))
            for c in (colors.ACCEPT, colors.REJECT)
        )
        p.addItem(self.trail_ok)
        p.addItem(self.trail_bad)
        self.moves = p.plot(
            [],
            [],
            pen=pg.mkPen(60, 60, 60, 220, width=1, style=Qt.PenStyle.DashLine),
            connect="finite",
        )
        self.props_ok, self.props_bad = (
            pg.ScatterPlotItem(size=11, pen=pg.mkPen("w", width=1), brush=pg.mkBrush(c))
            for c in (colors.ACCEPT, colors.REJECT)
        )
        for item in (self.props_ok, self.props_bad):
            item.setZValue(8)
            p.addItem(item)
        self._chain_brushes = [pg.mkBrush(colors.color(c)) for c in range(MAX_CHAINS)]
        self.heads = ink(pg.ScatterPlotItem(size=12, symbol="o", pen=pg.mkPen("k", width=1.5)))
        self.heads.setZValue(10)
        p.addItem(self.heads)
        self.start_mark = ink(
            pg.ScatterPlotItem(size=14, symbol="x", pen=pg.mkPen("k", width=2), brush="k"),
            fill=True,
        )
        p.addItem(self.start_mark)
        legend = outside_legend(p, "bottom", colCount=2)
        for name, c, sym in (
            ("accepted z*", colors.ACCEPT, "o"),
            ("rejected z*", colors.REJECT, "o"),
        ):
            legend.addItem(pg.ScatterPlotItem(symbol=sym, brush=c, pen=None, size=9), name)
        p.scene().sigMouseClicked.connect(self._clicked)

        self.trace_plots = []
        for k, name in enumerate(("x", "y")):
            tp = lay.addPlot(row=k, col=1, title=f"Trace of {name}")
            tp.setLabel("bottom", "step")
            integer_ticks(tp.getAxis("bottom"))
            tp.setLabel("left", name)
            tp.curves_ = [
                tp.plot([], [], pen=pg.mkPen(colors.color(c, 210), width=1), antialias=False)
                for c in range(MAX_CHAINS)
            ]
            tp.burn_ = pg.LinearRegionItem(
                (0, 0), movable=False, brush=pg.mkBrush(128, 128, 128, 50), pen=pg.mkPen(None)
            )
            tp.addItem(tp.burn_, ignoreBounds=True)
            self.trace_plots.append(tp)
        self.hist_plots = []
        for k, name in enumerate(("x", "y")):
            hp = lay.addPlot(row=k, col=2, title=f"Marginal of {name}")
            hp.setLabel("bottom", name)
            hp.setLabel("left", "density")
            hp.getAxis("left").enableAutoSIPrefix(False)
            hp.bars_ = hp.plot(
                [],
                [],
                stepMode="center",
                fillLevel=0,
                pen=pg.mkPen(colors.PALETTE[5], width=1),
                brush=pg.mkBrush(colors.color(5, 110)),
                name="kept draws",
            )
            hp.true_ = hp.plot(
                [], [], pen=pg.mkPen(colors.PALETTE[1], width=2.5), name="true (grid)"
            )
            self.hist_plots.append(hp)
        outside_legend(self.hist_plots[0], "bottom", colCount=2)
        self.hist_plots[0].legend.addItem(self.hist_plots[0].bars_, "kept draws")
        self.hist_plots[0].legend.addItem(self.hist_plots[0].true_, "true (grid)")
        ap = self.acf_plot = lay.addPlot(row=2, col=1, title="Autocorrelation")
        ap.setLabel("bottom", "lag")
        integer_ticks(ap.getAxis("bottom"))
        ap.setLabel("left", "ρ (mean of chains)")
        outside_legend(ap, "bottom", colCount=2)
        self.acf_curves = [
            ap.plot(
                [],
                [],
                pen=pg.mkPen(colors.PALETTE[k * 4], width=2),
                symbol="o",
                symbolSize=4,
                symbolBrush=colors.PALETTE[k * 4],
                name=name,
            )
            for k, name in enumerate(("x", "y"))
        ]
        ap.addItem(pg.InfiniteLine(0, angle=0, pen=pg.mkPen(128, 128, 128, 160)))
        rp = self.rate_plot = lay.addPlot(row=2, col=2, title="Acceptance rate")
        rp.setLabel("bottom", "step")
        integer_ticks(rp.getAxis("bottom"))
        rp.setLabel("left", "running mean of accepted")
        rp.setYRange(0, 1.02)
        self.rate_curves = [
            rp.plot([], [], pen=pg.mkPen(colors.color(c, 220), width=1), antialias=False)
            for c in range(MAX_CHAINS)
        ]
        lay.layout.setColumnStretchFactor(0, 5)
        lay.layout.setColumnStretchFactor(1, 3)
        lay.layout.setColumnStretchFactor(2, 3)

    def _build_rejection_view(self) -> None:
        lay = self.rej_layout = self.figure.ci.addLayout(row=0, col=1)
        p = self.rej_map = lay.addPlot(row=0, col=0, title="Rejection sampling: proposals z ~ q")
        p.setLabel("bottom", "x")
        p.setLabel("left", "y")
        self.rej_image, self.rej_isos = self._density_image(p)
        self.rej_env = [
            p.plot([], [], pen=pg.mkPen(colors.PALETTE[0], width=1.5, style=Qt.PenStyle.DashLine))
            for _ in LEVELS
        ]
        self.rej_dots = pg.ScatterPlotItem(size=5, pen=None)
        p.addItem(self.rej_dots)
        legend = outside_legend(p, "bottom", colCount=2)
        legend.addItem(self.rej_env[0], "M·q contours")
        for name, c in (("accepted", colors.ACCEPT), ("rejected", colors.REJECT)):
            legend.addItem(pg.ScatterPlotItem(brush=c, pen=None, size=8), name)
        s = self.rej_section = lay.addPlot(row=0, col=1, title="Section through the mode")
        s.setLabel("bottom", "x")
        s.setLabel("left", "height u·M·q(z)")
        outside_legend(s, "bottom", colCount=2)
        self.rej_env_curve = s.plot(
            [], [], pen=pg.mkPen(colors.PALETTE[0], width=2.5), name="envelope M·q"
        )
        self.rej_p_curve = s.plot(
            [], [], pen=pg.mkPen(colors.PALETTE[1], width=2.5), name="p̃ (target)"
        )
        self.rej_section_dots = pg.ScatterPlotItem(size=6, pen=None)
        s.addItem(self.rej_section_dots)
        lay.setVisible(False)

    def _build_importance_view(self) -> None:
        lay = self.imp_layout = self.figure.ci.addLayout(row=0, col=2)
        p = self.imp_map = lay.addPlot(
            row=0, col=0, title="Importance sampling: z ~ q, size ∝ weight"
        )
        p.setLabel("bottom", "x")
        p.setLabel("left", "y")
        self.imp_image, self.imp_isos = self._density_image(p)
        self.imp_q = [
            p.plot([], [], pen=pg.mkPen(colors.PALETTE[0], width=1.5, style=Qt.PenStyle.DashLine))
            for _ in range(2)
        ]
        self.imp_dots = pg.ScatterPlotItem(
            pen=pg.mkPen(colors.PALETTE[3], width=1), brush=pg.mkBrush(colors.color(3, 90))
        )
        p.addItem(self.imp_dots)
        self.imp_mean = pg.ScatterPlotItem(
            size=24, symbol="+", pen=pg.mkPen(colors.PALETTE[4], width=3), brush=colors.PALETTE[4]
        )
        self.imp_mean.setZValue(10)
        p.addItem(self.imp_mean)
        legend = outside_legend(p, "bottom", colCount=2)
        legend.addItem(self.imp_q[0], "q at 1 and 2 sd")
        legend.addItem(self.imp_mean, "weighted mean")
        w = self.imp_weights = lay.addPlot(row=0, col=1, title="Normalised weights, largest first")
        w.setLabel("bottom", "rank")
        integer_ticks(w.getAxis("bottom"))
        w.setLabel("left", "w̃ (log scale)")
        w.setLogMode(False, True)
        w.getAxis("left").enableAutoSIPrefix(False)
        self.imp_curve = w.plot([], [], pen=pg.mkPen(colors.PALETTE[3], width=2))
        lay.setVisible(False)

    def _show_view(self, index: int) -> None:
        for i, lay in enumerate((self.chain_layout, self.rej_layout, self.imp_layout)):
            lay.setVisible(i == index)
        self.figure.ci.layout.invalidate()
        texts = (self.explanation, _REJECTION_TEXT, _IMPORTANCE_TEXT)
        self.explanation_label.setText(texts[index])
        if index and self.view is not None:
            self.run_monte_carlo()

    # -- the target ---------------------------------------------------------------------
    def _preset_chosen(self, index: int) -> None:
        name = self.preset_box.itemText(index)
        if name == CUSTOM:
            self.expr_edit.setFocus()
            return
        self.expr_edit.setText(PRESETS[name])
        self.load_target(name)

    def use_expression(self) -> None:
        """Check the typed expression on the GUI thread; compile it in the worker."""
        text = self.expr_edit.text()
        try:
            parse(text)
        except ValueError as exc:
            self._expression_error(str(exc))
            return
        self.load_target(CUSTOM, text)

    def _expression_error(self, message: str) -> None:
        kept = f" (keeping {self.view.label})" if self.view is not None else ""
        self.expr_error.setText(message + kept)
        self.expr_error.setStyleSheet(f"color: {ERROR_TEXT[current_theme()]};")
        self.expr_error.show()
        width = max(self.expr_error.width(), 260)
        self.expr_error.setMinimumHeight(self.expr_error.heightForWidth(width))
        self.messages.error(message + kept)

    def _box_changed(self) -> None:
        if self.view is not None and self.view.target.name == "Expression":
            self.load_target(CUSTOM, self.view.label)

    def load_target(self, preset: str, text: str = "", then: object = None) -> None:
        """Build the target in the worker; on success draw it and restart the chains."""
        self.playback.pause()
        self._run(
            "target",
            prepare_target,
            preset,
            text,
            float(self.box_spin.value()),
            on_done=lambda view: self._target_ready(view, then),
            on_error=self._expression_error if preset == CUSTOM else self.messages.error,
            label="Compiling the target",
        )

    def _target_ready(self, view: TargetView, then: object = None) -> None:
        self.view = view
        self.expr_error.hide()
        self.messages.clear()
        self.preset_box.setCurrentText(CUSTOM if view.target.name == "Expression" else view.label)
        if view.edge > EDGE_WARNING:
            self.messages.warning(
                f"The density is still {view.edge:.0%} of its peak at the edge of the box: "
                "enlarge the box (or check that the density is proper)."
            )
        x0, x1, y0, y1 = view.target.bounds
        rect = QRectF(x0, y0, x1 - x0, y1 - y0)
        for image, isos in (
            (self.image, self.isos),
            (self.rej_image, self.rej_isos),
            (self.imp_image, self.imp_isos),
        ):
            image.setImage(view.density.T, levels=(0.0, 1.0))
            image.setRect(rect)
            for iso, line in zip(isos, view.contours):
                iso.setData(line[:, 0], line[:, 1])
        for plot in (self.chain_plot, self.rej_map, self.imp_map):
            plot.setRange(rect, padding=0.02)
        self.hist_plots[0].true_.setData(view.xs, view.px)
        self.hist_plots[1].true_.setData(view.ys, view.py)
        self.x0 = None
        self.reset_chains()
        if callable(then):
            then()
        elif self.view_box.currentIndex():
            self.run_monte_carlo()

    # -- chains -------------------------------------------------------------------------
    def method(self) -> str:
        return METHODS[self.method_box.currentText()]

    def method_params(self) -> dict:
        m = self.method()
        if m == "mh":
            return {"proposal_scale": self.scale_slider.value()}
        if m == "gibbs":
            return {"slice_width": self.width_slider.value()}
        return {"step_size": self.eps_slider.value(), "n_leapfrog": self.leap_spin.value()}

    def _method_changed(self) -> None:
        self._enable_params()
        self.reset_chains()

    def _enable_params(self) -> None:
        m = self.method()
        for key, widgets in self._param_rows.items():
            for w in widgets:
                w.setEnabled(key == m)

    def _params_changed(self) -> None:
        """A new step size etc. continues the same chains with the new setting."""
        if self.sampler is None:
            return
        try:
            self.sampler = self.sampler.with_params(**self.method_params())
        except ValueError as exc:
            self.messages.error(str(exc))

    def _reset_clicked(self) -> None:
        self.x0 = None
        self.reset_chains()

    def reset_chains(self) -> None:
        """New chains from the start point (or over-dispersed starts); the history is cleared."""
        if self.view is None:
            return
        self.job.cancel()
        n = self.chains_spin.value()
        try:
            self.sampler = mcmc.Sampler(
                self.view.target, self.method(), n, self.seed(), self.x0, **self.method_params()
            )
        except ValueError as exc:
            self.sampler = None
            self.messages.error(str(exc))
            return
        self._buf = np.empty((n, 1024, 2))
        self._acc = np.zeros((n, 1024), dtype=bool)
        self._buf[:, 0] = self.sampler.start
        self._acc[:, 0] = True
        self.n_steps = 1  # the start is the first draw
        self.last = None
        self._recent = []
        self.summary, self._summary_key = None, None
        self.start_mark.setData(pos=self.sampler.start)
        self.redraw(force=True)

    @property
    def chains(self) -> np.ndarray:
        """Every draw so far, (n_chains, n_steps, 2) (a view; the start is step 0)."""
        return self._buf[:, : self.n_steps]

    @property
    def accepted(self) -> np.ndarray:
        return self._acc[:, : self.n_steps]

    def _append(self, result: mcmc.SampleResult) -> None:
        n_new = result.chains.shape[1]
        need = self.n_steps + n_new
        if need > self._buf.shape[1]:
            cap = max(need, 2 * self._buf.shape[1])
            buf, acc = (
                np.empty((self._buf.shape[0], cap, 2)),
                np.zeros((self._buf.shape[0], cap), dtype=bool),
            )
            buf[:, : self.n_steps], acc[:, : self.n_steps] = self.chains, self.accepted
            self._buf, self._acc = buf, acc
        self._buf[:, self.n_steps : need] = result.chains
        self._acc[:, self.n_steps : need] = result.accepted
        self.n_steps = need

    def _room(self, n: int) -> bool:
        if self.n_steps + n > MAX_HISTORY:
            self.playback.pause()
            self.messages.warning(
                f"The chains hold {self.n_steps:,} steps (at most {MAX_HISTORY:,}); press Reset."
            )
            return False
        return True

    def step(self) -> None:
        """Advance every chain by the steps per tick, in the worker."""
        if self.sampler is None:
            return
        if self.job.running:
            if self._job_kind != "diagnose":
                return
            self.job.cancel()  # a step matters more than a pending table
        n = int(self.per_tick.currentText())
        if self._room(n):
            self._run(
                "step", advance, self.sampler, n,
                on_done=self._advanced, on_error=self._sampling_failed, label="MCMC step",
            )  # fmt: skip

    def _sampling_failed(self, message: str) -> None:
        """The chains stay where they were (the worker's copy is dropped); stop playing."""
        self.playback.pause()
        self.messages.error(message)

    def _run(self, kind: str, fn, *args, **kwargs) -> None:
        self._job_kind = kind
        self.job.run(fn, *args, **kwargs)

    def _advanced(self, adv: Advance) -> None:
        params = self.method_params()
        # Settings changed while the worker ran apply from now on.
        self.sampler = (
            adv.sampler if adv.sampler.params == params else adv.sampler.with_params(**params)
        )
        self._append(adv.result)
        if adv.result.proposals is not None:
            self.last = adv.result
            self._recent.append(
                (adv.result.proposals[:, -1].copy(), adv.result.accepted[:, -1].copy())
            )
            self._recent = self._recent[-RECENT:]
        if adv.summary is not None:
            self._summary_key = self._kept_key()
            self.summary = adv.summary
        self.redraw(force=adv.summary is not None)

    def run_long(self, n_steps: int = LONG_RUN) -> None:
        """``n_steps`` more steps in the worker with progress; diagnostics computed there."""
        if self.sampler is None or not self._room(n_steps):
            return
        self.playback.pause()
        self._run(
            "long",
            long_run,
            self.sampler,
            n_steps,
            self.chains.copy(),
            self.burn_spin.value(),
            self.thin_spin.value(),
            on_step=self._long_step,
            on_done=self._advanced,
            on_error=self._sampling_failed,
            label=f"Sampling {n_steps:,} steps",
        )

    def _long_step(self, adv: Advance) -> None:
        """Partial draws of a long run: traces and paths only (diagnostics come at the end)."""
        self._draw_paths(adv.result.chains)
        if time.perf_counter() - self._stats_drawn > max(LONG_RUN_TRACE_PERIOD, self._stats_period):
            self._stats_drawn = time.perf_counter()
            self._partial = np.concatenate([self.chains, adv.result.chains], axis=1)
            self.draw_in_turns(*self._trace_parts)

    def _clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or not self.chain_layout.isVisible():
            return
        vb = self.chain_plot.getViewBox()
        if not vb.sceneBoundingRect().contains(event.scenePos()) or self.view is None:
            return
        p = vb.mapSceneToView(event.scenePos())
        point = np.array([p.x(), p.y()])
        if not np.isfinite(self.view.target.log_density(point[None]))[0]:
            self.messages.warning(
                f"p = 0 at ({point[0]:.3g}, {point[1]:.3g}): start inside the support"
            )
            return
        self.x0 = point
        self.reset_chains()

    # -- drawing ------------------------------------------------------------------------
    def redraw(self, force: bool = False) -> None:
        """The target plot now; the statistics plots at most every ``_stats_period`` (Play
        stays fluid with long histories), or now when ``force``."""
        if self.sampler is None:
            return
        self._draw_paths(self.chains)
        self._draw_proposals()
        wait = self._stats_period - (time.perf_counter() - self._stats_drawn)
        if force or wait <= 0:
            self._draw_stats()
        elif not self._stats_timer.isActive():
            self._stats_timer.start(int(wait * 1000) + 1)

    def _draw_stats(self) -> None:
        self._stats_timer.stop()
        if self.sampler is None:
            return
        self._partial = None  # the whole chains are drawn now
        self._stats_started = time.perf_counter()
        self.draw_in_turns(
            *self._trace_parts, self._draw_rates, self.refresh_diagnostics, self._stats_done
        )

    def _stats_done(self) -> None:
        self._stats_drawn = time.perf_counter()
        # The parts and their paints took this long: keep them under ~20% of the time.
        self._stats_period = max(STATS_PERIOD, 5 * (self._stats_drawn - self._stats_started))

    def _draw_paths(self, chains: np.ndarray) -> None:
        n = chains.shape[0]
        for c, curve in enumerate(self.paths):
            if c < n:
                tail = chains[c, -TRAIL:]
                curve.setData(tail[:, 0], tail[:, 1])
            else:
                curve.setData([], [])
        self.heads.setData(pos=chains[:, -1], brush=self._chain_brushes[:n])

    def _draw_proposals(self) -> None:
        past = self._recent[:-1]
        pts = np.concatenate([p for p, _ in past] or [np.empty((0, 2))])
        acc = np.concatenate([a for _, a in past] or [np.empty(0, bool)])
        self.trail_ok.setData(pos=pts[acc])
        self.trail_bad.setData(pos=pts[~acc])
        r = self.last
        if r is None:
            for item in (self.props_ok, self.props_bad, self.moves):
                item.setData([], [])
            return
        acc = r.accepted[:, -1]
        prop = r.proposals[:, -1]
        before = self.chains[:, -2] if self.n_steps > 1 else self.chains[:, -1]
        self.props_ok.setData(pos=prop[acc])
        self.props_bad.setData(pos=prop[~acc])
        gap = np.full((len(acc), 1, 2), np.nan)
        if r.trajectories is not None:
            lines = np.concatenate([r.trajectories[:, -1], gap], axis=1)
        elif r.method == "gibbs":  # the staircase: x first, then y
            lines = np.concatenate(
                [before[:, None], prop[:, None], r.chains[:, -1][:, None], gap], axis=1
            )
        else:
            lines = np.concatenate([before[:, None], prop[:, None], gap], axis=1)
        lines = lines.reshape(-1, 2)
        self.moves.setData(lines[:, 0], lines[:, 1])

    def _draw_trace(self, k: int) -> None:
        """The trace of coordinate ``k`` (0: x, 1: y): of a long run's draws so far while it
        runs, else of the chains."""
        if self.sampler is None:
            return
        chains = self.chains if self._partial is None else self._partial
        steps, values = _envelope(chains[:, :, k : k + 1])
        tp = self.trace_plots[k]
        for c, curve in enumerate(tp.curves_):
            if c < chains.shape[0]:
                curve.setData(steps, values[c, :, 0])
            else:
                curve.setData([], [])
        tp.burn_.setRegion((0, min(self.burn_spin.value(), self.n_steps)))
        settle_ranges(tp)

    def _draw_rates(self) -> None:
        acc = self.accepted[:, 1:]
        n = acc.shape[1]
        # A running mean is smooth: its value at the end of every block of steps draws it.
        stride = max(1, n // DRAWN_POINTS)
        m = n - n % stride
        blocks = acc[:, :m].reshape(acc.shape[0], -1, stride).sum(axis=2)
        steps = np.arange(1, m // stride + 1) * stride
        rates = np.cumsum(blocks, axis=1) / steps
        for c, curve in enumerate(self.rate_curves):
            if c < acc.shape[0] and n:
                curve.setData(steps, rates[c])
            else:
                curve.setData([], [])
        settle_ranges(self.rate_plot)

    def _kept_key(self) -> tuple:
        return (id(self.sampler), self.n_steps, self.burn_spin.value(), self.thin_spin.value())

    def _kept_changed(self) -> None:
        for tp in self.trace_plots:
            tp.burn_.setRegion((0, min(self.burn_spin.value(), self.n_steps)))
        self.refresh_diagnostics()

    def refresh_diagnostics(self) -> None:
        """ESS, R-hat, histograms and autocorrelation of the kept draws. Large histories are
        diagnosed in the worker once the chains have rested for ``DIAGNOSE_DELAY_MS`` (a
        worker cannot be stopped mid-way, so every step must not start one)."""
        if self.sampler is None:
            return
        chains = self.chains
        burn, thin = (
            min(self.burn_spin.value(), max(chains.shape[1] - 8, 0)),
            self.thin_spin.value(),
        )
        kept = chains[:, burn::thin]
        self._draw_histograms(kept)
        key = self._kept_key()
        if key != self._summary_key:
            if kept.size // 2 <= GUI_DIAGNOSTICS:
                self.summary, self._summary_key = diagnose(chains, burn, thin), key
            else:
                self._diagnose_timer.start(DIAGNOSE_DELAY_MS)
        self._fill_table(pending=key != self._summary_key)

    def _diagnose_in_worker(self) -> None:
        key = self._kept_key()
        if self.sampler is None or key == self._summary_key:
            return
        if self.busy():  # try again when the chains rest
            self._diagnose_timer.start(DIAGNOSE_DELAY_MS)
            return
        burn = min(self.burn_spin.value(), max(self.n_steps - 8, 0))
        self._run(
            "diagnose", diagnose, self.chains.copy(), burn, self.thin_spin.value(),
            on_done=lambda s: self._diagnosed(s, key), label="Diagnostics",
        )  # fmt: skip

    def _diagnosed(self, summary: dict | None, key: tuple) -> None:
        self.summary, self._summary_key = summary, key
        self._fill_table(pending=False)

    def _draw_histograms(self, kept: np.ndarray) -> None:
        if self.view is None:
            return
        x0, x1, y0, y1 = self.view.target.bounds
        for k, (hp, lo, hi) in enumerate(
            ((self.hist_plots[0], x0, x1), (self.hist_plots[1], y0, y1))
        ):
            values = kept[:, :, k].ravel()
            if values.size < 2:
                hp.bars_.setData([], [])
                continue
            bins = int(np.clip(np.sqrt(values.size), 10, 60))
            lo, hi = min(lo, values.min()), max(hi, values.max())
            # np.histogram's general path is slow on a million draws; uniform bins are direct.
            idx = np.minimum(((values - lo) * (bins / (hi - lo))).astype(np.int64), bins - 1)
            width = (hi - lo) / bins
            h = np.bincount(idx, minlength=bins) / (values.size * width)
            hp.bars_.setData(lo + width * np.arange(bins + 1), h)
        settle_ranges(*self.hist_plots)

    def _fill_table(self, pending: bool) -> None:
        s = self.summary
        rate = self.accepted[:, 1:].mean(axis=1) if self.n_steps > 1 else np.zeros(0)
        parts = [f"{self.n_steps - 1:,} steps × {self.chains.shape[0]} chains"]
        if rate.size:
            more = " …" if rate.size > 4 else ""
            parts.append("acceptance " + " ".join(f"{r:.2f}" for r in rate[:4]) + more)
        if pending:
            parts.append("diagnostics pending (pause to update)")
        elif s is not None and s["flagged"].any():
            bad = [name for name, f in zip("xy", s["rhat"] > mcmc.RHAT_THRESHOLD) if f]
            why = f"R̂ > 1.01 for {', '.join(bad)}" if bad else "ESS < 10 per chain"
            parts.append(f"⚠ not converged: {why}")
        self.diag_label.setText("\n".join(parts))
        if self._table_key != (id(s), self._summary_key):
            self._table_key = (id(s), self._summary_key)
            self._fill_cells(s)

    def _fill_cells(self, s: dict | None) -> None:
        """The ESS/R-hat table and the autocorrelation plot, from a new summary."""
        for k in range(2):
            cells = ["–"] * 4
            flag = False
            if s is not None:
                r = s["rhat"][k]
                flag = bool(np.isfinite(r) and r > mcmc.RHAT_THRESHOLD)
                cells = [
                    f"{s['mean'][k]:.3f}",
                    f"{s['sd'][k]:.3f}",
                    f"{s['ess'][k]:.0f}",
                    f"{r:.3f}" if np.isfinite(r) else "–",
                ]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if j == 3 and flag:
                    item.setForeground(QColor(ERROR_TEXT[current_theme()]))
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                    item.setToolTip(
                        "R̂ > 1.01: the chains disagree; run longer or check for a stuck chain"
                    )
                self.table.setItem(k, j, item)
        self.table.resizeRowsToContents()
        self._fit_table_height()
        acfs = s["acf"] if s is not None and "acf" in s else [np.empty(0)] * 2
        for curve, acf in zip(self.acf_curves, acfs):
            curve.setData(np.arange(len(acf)), acf)
        settle_ranges(self.acf_plot)

    # -- Monte Carlo views --------------------------------------------------------------
    def run_monte_carlo(self) -> None:
        """Rejection or importance sampling of the target with q = N(box centre, diag(sd²))."""
        if self.view is None or self.view_box.currentIndex() == 0:
            return
        x0, x1, y0, y1 = self.view.target.bounds
        sd = self.mc_sd.value() * np.array([x1 - x0, y1 - y0]) / 2
        mean, cov = ((x0 + x1) / 2, (y0 + y1) / 2), np.diag(sd**2)
        n, seed = int(self.mc_n.value()), self.seed()
        if self.view_box.currentIndex() == 1:
            args = (rejection_view, self.view, n, mean, cov, seed)
        else:
            args = (mcmc.importance_sample, self.view.target, n, mean, cov, seed)
        self._run("monte carlo", *args, on_done=self._draw_monte_carlo, label="Monte Carlo")

    def _draw_monte_carlo(self, result) -> None:
        self._mc_result = result
        if isinstance(result, RejectionView):
            self._draw_rejection(result)
        else:
            self._draw_importance(result)

    def _draw_rejection(self, rv: RejectionView) -> None:
        view, r = self.view, rv.result
        brush_ok, brush_no = pg.mkBrush(colors.color(2, 200)), pg.mkBrush(colors.color(3, 140))
        self.rej_dots.setData(
            pos=r.proposals, brush=[brush_ok if a else brush_no for a in r.accepted]
        )
        for curve, line in zip(self.rej_env, rv.envelope):
            curve.setData(line[:, 0], line[:, 1])
        # The section through the mode: p~ and M q along x; proposals within a band of it.
        band = 0.05 * (view.ys[-1] - view.ys[0])
        self.rej_section.setTitle(f"Section at y = {rv.y_mode:.2f}")
        self.rej_p_curve.setData(view.xs, rv.section_p)
        self.rej_env_curve.setData(view.xs, rv.section_env)
        near = np.abs(r.proposals[:, 1] - rv.y_mode) < band / 2
        heights = r.u[near] * np.exp(r.log_envelope[near] - rv.peak)
        self.rej_section.setLabel(
            "left", f"u·M·q(z), dots with |y − {rv.y_mode:.2f}| < {band / 2:.2f}"
        )
        self.rej_section_dots.setData(
            r.proposals[near, 0],
            heights,
            brush=[brush_ok if a else brush_no for a in r.accepted[near]],
        )
        self.rej_map.setTitle(
            f"Rejection: {r.accepted.sum()} of {len(r.accepted)} accepted "
            f"({100 * r.accept_rate:.1f} %), M = {np.exp(r.log_M):.3g}"
        )
        if r.n_violations:
            self.messages.warning(f"M·q < p̃ at {r.n_violations} proposals: widen q")

    def _draw_importance(self, r: mcmc.ImportanceResult) -> None:
        n = len(r.weights)
        sizes = np.clip(3 + 6 * np.sqrt(r.weights * n), 3, 22)
        show = np.argsort(r.weights)[-3000:]
        self.imp_dots.setData(pos=r.samples[show], size=sizes[show])
        self.imp_mean.setData(pos=r.mean[None])
        for k, curve in enumerate(self.imp_q):
            curve.setData(*ellipse_xy(r.proposal.mean, r.proposal.cov, n_std=k + 1.0))
        w = np.sort(r.weights)[::-1]
        w = w[w > 1e-10 * w[0]]  # the rest would only stretch the log axis
        self.imp_curve.setData(np.arange(1, len(w) + 1), w)
        truth = ""
        if self.view.target.mean is not None:
            m = self.view.target.mean
            truth = f" (true {m[0]:.2f}, {m[1]:.2f})"
        self.imp_weights.setTitle(f"Weights: ESS = 1/Σw̃² = {r.ess:.0f} of {n}")
        self.imp_map.setTitle(
            f"Importance: weighted mean ({r.mean[0]:.2f}, {r.mean[1]:.2f}){truth}"
        )

    # -- BasePanel hooks ----------------------------------------------------------------
    def load_demo(self) -> None:
        """The banana with random-walk MH from four dispersed starts, 2,000 steps."""
        self.preset_box.setCurrentText("Banana")
        self.expr_edit.setText(PRESETS["Banana"])
        self.method_box.setCurrentIndex(0)
        self.chains_spin.blockSignals(True)
        self.chains_spin.setValue(4)
        self.chains_spin.blockSignals(False)
        self.burn_spin.setValue(200)
        self.load_target("Banana", then=lambda: self.run_long(2000))

    def heavy_job(self) -> None:
        """The banana, 8 chains of HMC, 100k steps each."""
        self.chains_spin.blockSignals(True)
        self.chains_spin.setValue(MAX_CHAINS)
        self.chains_spin.blockSignals(False)
        self.method_box.blockSignals(True)
        self.method_box.setCurrentText("HMC (leapfrog)")
        self.method_box.blockSignals(False)
        self._enable_params()
        self.load_target("Banana", then=lambda: self.run_long(LONG_RUN))

    def results_frame(self) -> pd.DataFrame | None:
        """The chains (chain, step, x, y, accepted, kept by burn-in/thinning); in the rejection
        or importance view, that view's proposals with their u / weights instead."""
        mc = self._mc_result
        if self.view_box.currentIndex() == 1 and isinstance(mc, RejectionView):
            r = mc.result
            return pd.DataFrame(
                {
                    "x": r.proposals[:, 0],
                    "y": r.proposals[:, 1],
                    "u": r.u,
                    "log_p": r.log_p,
                    "log_M_q": r.log_envelope,
                    "accepted": r.accepted,
                }
            )
        if self.view_box.currentIndex() == 2 and isinstance(mc, mcmc.ImportanceResult):
            return pd.DataFrame(
                {
                    "x": mc.samples[:, 0],
                    "y": mc.samples[:, 1],
                    "log_weight": mc.log_weights,
                    "weight": mc.weights,
                }
            )
        if self.sampler is None or self.n_steps == 0:
            return None
        chains, acc = self.chains, self.accepted
        n_chains, n = acc.shape
        steps = np.tile(np.arange(n), n_chains)
        burn, thin = self.burn_spin.value(), self.thin_spin.value()
        return pd.DataFrame(
            {
                "chain": np.repeat(np.arange(n_chains), n),
                "step": steps,
                "x": chains[:, :, 0].ravel(),
                "y": chains[:, :, 1].ravel(),
                "accepted": acc.ravel(),
                "kept": (steps >= burn) & ((steps - burn) % thin == 0),
                "method": self.method(),
                "target": self.view.label,
            }
        )


def _envelope(chains: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Traces cut to at most ``2 * DRAWN_POINTS`` points per chain: the min and max of each
    bin of steps, interleaved, so every excursion still shows (chains (c, n, d))."""
    n = chains.shape[1]
    b = n // DRAWN_POINTS
    if b < 2:
        return np.arange(n), chains
    m = b * DRAWN_POINTS
    values = np.empty((chains.shape[0], 2 * DRAWN_POINTS + n - m, chains.shape[2]))
    for k in range(chains.shape[2]):
        # A contiguous copy per coordinate makes the reductions run along the last axis.
        bins = np.ascontiguousarray(chains[:, :m, k]).reshape(chains.shape[0], DRAWN_POINTS, b)
        values[:, 0 : 2 * DRAWN_POINTS : 2, k] = bins.min(axis=2)
        values[:, 1 : 2 * DRAWN_POINTS : 2, k] = bins.max(axis=2)
        values[:, 2 * DRAWN_POINTS :, k] = chains[:, m:, k]
    steps = np.repeat(np.arange(DRAWN_POINTS) * b, 2) + np.tile([0, b - 1], DRAWN_POINTS)
    return np.concatenate([steps, np.arange(m, n)]), values


_REJECTION_TEXT = (
    "<b>Rejection sampling</b> (PRML §11.1.2): choose q and M with M·q(z) ≥ p̃(z) "
    "everywhere; draw z ~ q and u ~ U(0, 1), accept z when u ≤ α = p̃(z) / (M·q(z)). The "
    "accepted z are exact draws from p; the acceptance rate is Z/M, so a loose envelope wastes "
    "proposals. Here q = N(box centre, sd²·I) and M = 1.1·max p̃/q on a grid."
)
_IMPORTANCE_TEXT = (
    "<b>Importance sampling</b> (PRML §11.1.4): E<sub>p</sub>[f] = ∫ f(z) "
    "p(z)/q(z) q(z) dz ≈ (1/N) Σ f(z<sub>i</sub>) p(z<sub>i</sub>)/q(z<sub>i</sub>), z<sub>i</sub> ~ q. "
    "With an unnormalised p̃ the weights w<sub>i</sub> = p̃(z<sub>i</sub>)/q(z<sub>i</sub>) are "
    "normalised; their effective sample size 1/Σ w̃<sub>i</sub>² shows how many draws really count."
)
