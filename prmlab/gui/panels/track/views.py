"""The tracking panel's plots, one class each: the track, ESS over time, consistency, RMSE.

Each view draws what ``prmlab.lab.track`` computed (a ``Run``, or a ``Result`` at time t);
none computes anything but where to put it.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from scipy.stats import chi2

from prmlab.gui.theme import plot_text
from prmlab.gui.widgets import colors
from prmlab.gui.widgets.dots import DotCloud
from prmlab.gui.widgets.ellipse import R95, ellipse_xy
from prmlab.gui.widgets.figure import integer_ticks
from prmlab.gui.widgets.legend import outside_legend
from prmlab.gui.widgets.text import TextItem
from prmlab.lab import track as lab

CLOUD_LEVELS = ((2, 50), (4, 100), (6, 160), (9, 220))  # (size px, alpha) by weight class
C_TRUTH, C_MEAS, C_KF, C_RTS, C_PF, C_CLOUD = 7, 1, 0, 2, 3, 4
NEES_TOP = 14.0  # NEES and NIS are drawn clipped here (χ²(2)'s 97.5% is 7.4)
ELLIPSES_DRAWN = 40  # at most this many past 95 % ellipses


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


class TrackView:
    """Truth, measurements, the particle cloud, 95 % ellipses and the three estimates."""

    NEAR_PX = 12.0  # how close (pixels) a click must come to a measurement

    def step_near(self, run, scene_pos) -> int | None:
        """The time step of the measurement within ``NEAR_PX`` of the scene point
        ``scene_pos`` (the nearest; None: none, or outside the plot)."""
        if run is None or not self.view.sceneBoundingRect().contains(scene_pos):
            return None
        p = self.view.mapSceneToView(scene_pos)
        pixel = np.array(self.view.viewPixelSize())
        distance = np.hypot(*((run.raw - (p.x(), p.y())) / pixel).T)
        if not np.isfinite(distance).any():
            return None
        t = int(np.nanargmin(distance))
        return t if distance[t] <= self.NEAR_PX else None

    def __init__(self, figure: pg.GraphicsLayoutWidget) -> None:
        self.view = DrawViewBox()
        p = self.plot = pg.PlotItem(
            viewBox=self.view, title="Track: truth, measurements, estimates"
        )
        p.setLabel("bottom", "x")
        p.setLabel("left", "y")
        self.view.setAspectLocked(True)
        p.showGrid(x=True, y=True, alpha=0.2)
        figure.addItem(p, row=0, col=0, rowspan=3)
        self.legend = legend = outside_legend(p, "bottom", colCount=3)
        self.truth_item = p.plot(pen=pg.mkPen(colors.color(C_TRUTH), width=2,
                                              style=Qt.PenStyle.DashLine), name="truth")  # fmt: skip
        self.meas_item = p.plot(pen=None, symbol="o", symbolSize=4, symbolPen=None,
                                symbolBrush=colors.color(C_MEAS, 200), name="measured")  # fmt: skip
        # particles by weight class: dot size and opacity grow with the weight
        self.cloud_items = []
        for size, alpha in CLOUD_LEVELS:
            item = DotCloud(size, colors.color(C_CLOUD, alpha))
            p.addItem(item)
            self.cloud_items.append(item)
        sample = pg.ScatterPlotItem(pen=None, brush=colors.color(C_CLOUD, 200), size=7)
        legend.addItem(sample, "particles")
        self.ellipse_item = p.plot(pen=pg.mkPen(colors.color(C_KF, 110), width=1))
        # a ring for a sample: the past ellipses' faint 1 px line was all but invisible in the
        # legend (the dark theme above all), and a line of the current one's looks like Kalman's
        ring = pg.ScatterPlotItem(pen=pg.mkPen(colors.color(C_KF), width=1.5), brush=None, size=12)
        legend.addItem(ring, "95 % ellipse")
        self.rts_item = p.plot(pen=pg.mkPen(colors.color(C_RTS), width=2.5), name="RTS smoothed")
        self.kf_item = p.plot(pen=pg.mkPen(colors.color(C_KF), width=2.5), name="Kalman")
        self.pf_item = p.plot(pen=pg.mkPen(colors.color(C_PF), width=2), name="particle mean")
        self.now_ellipse = p.plot(pen=pg.mkPen(colors.color(C_KF), width=2.5))
        self.now_truth = p.plot(pen=None, symbol="+", symbolSize=16,
                                symbolPen=pg.mkPen(colors.color(C_TRUTH), width=2))  # fmt: skip
        self.beacon_item = p.plot(pen=None, symbol="t1", symbolSize=14,
                                  symbolBrush=colors.color(5), name="beacons")  # fmt: skip
        self.stroke_item = p.plot(pen=pg.mkPen(colors.color(C_TRUTH), width=3))

    def draw_stroke(self, points: np.ndarray | None) -> None:
        """The stroke being drawn (None: none)."""
        self.stroke_item.setData(*(points.T if points is not None else ([], [])))

    def draw_frame(self, run: lab.Run) -> None:
        """Truth, beacons and the view's range: what does not move with t."""
        truth = run.truth
        self.truth_item.setData(*(truth.T if truth is not None else ([], [])))
        rb = run.measurement == "range_bearing"
        self.beacon_item.setData(*(lab.BEACONS.T if rb else ([], [])))
        pts = np.concatenate([a for a in (truth, run.raw) if a is not None])
        pts = pts[np.isfinite(pts).all(axis=1)]
        if rb:
            pts = np.concatenate([pts, lab.BEACONS])
        if len(pts):
            lo, hi = pts.min(axis=0), pts.max(axis=0)
            pad = 0.08 * max(hi - lo) + 1.0
            self.view.setRange(xRange=(lo[0] - pad, hi[0] + pad), yRange=(lo[1] - pad, hi[1] + pad),
                               padding=0)  # fmt: skip

    def draw_time(self, result: lab.Result, state: lab.State) -> None:
        """Everything up to time ``result.t``, with what ``state``'s show_* switches on."""
        r, t = result.run, result.t
        self.meas_item.setData(r.raw[: t + 1, 0], r.raw[: t + 1, 1], connect="finite")
        m = r.kf.means
        self.kf_item.setData(m[: t + 1, 0], m[: t + 1, 1])
        pf = r.pf.means[: t + 1].T[:2] if r.pf is not None else ([], [])
        self.pf_item.setData(*pf)
        self.rts_item.setData(*(r.rts_means[:, :2].T if state.show_rts else ([], [])))
        self._draw_ellipses(r, t, state.show_ellipses)
        self._draw_cloud(r, t, state.show_particles)
        self.now_truth.setData(*(r.truth[t : t + 1].T if r.truth is not None else ([], [])))

    def _draw_ellipses(self, r: lab.Run, t: int, shown: bool) -> None:
        if not shown:
            self.ellipse_item.setData([], [])
            self.now_ellipse.setData([], [])
            return
        m, covs = r.kf.means, r.kf.covs
        xs, ys = [], []
        for k in range(0, t + 1, max(1, r.n_steps // ELLIPSES_DRAWN)):
            x, y = ellipse_xy(m[k, :2], covs[k, :2, :2], n_std=R95, n=48)
            xs += [x, [np.nan]]
            ys += [y, [np.nan]]
        self.ellipse_item.setData(np.concatenate(xs), np.concatenate(ys), connect="finite")
        self.now_ellipse.setData(*ellipse_xy(m[t, :2], covs[t, :2, :2], n_std=R95))

    def _draw_cloud(self, r: lab.Run, t: int, shown: bool) -> None:
        if not shown or r.cloud is None:
            for item in self.cloud_items:
                item.setData([], [])
            return
        level = lab.weight_classes(r.cloud_w[t])
        for i, item in enumerate(self.cloud_items):
            pick = level == i
            item.setData(r.cloud[t, pick, 0], r.cloud[t, pick, 1])


class EssView:
    """ESS / N over time with the resampling marks and the time cursor."""

    def __init__(self, figure: pg.GraphicsLayoutWidget) -> None:
        p = self.plot = figure.addPlot(row=0, col=1, title="ESS / N (resampling ▼, dropouts)")
        p.setLabel("bottom", "time step t")
        integer_ticks(p.getAxis("bottom"))
        p.setYRange(0, 1.12, padding=0)
        p.setMouseEnabled(y=False)
        self.ess_item = p.plot(pen=pg.mkPen(colors.color(C_CLOUD), width=2))
        self.resample_item = p.plot(pen=None, symbol="t", symbolSize=7,
                                    symbolBrush=colors.color(C_PF), symbolPen=None)  # fmt: skip
        self.cursor = pg.InfiniteLine(0, movable=True, pen=pg.mkPen(colors.color(C_TRUTH), width=2))
        p.addItem(self.cursor)

    def draw(self, run: lab.Run) -> None:
        T = run.n_steps
        if run.pf is not None:
            self.ess_item.setData(np.arange(T), run.pf.ess / run.n_particles)
            ev = np.flatnonzero(run.pf.resampled)
            self.resample_item.setData(ev, np.full(len(ev), 1.06))
        else:
            self.ess_item.setData([], [])
            self.resample_item.setData([], [])
        self.plot.setXRange(0, T - 1, padding=0.02)
        self.cursor.setBounds((0, T - 1))

    def show_time(self, t: int) -> None:
        """Move the cursor to ``t`` without emitting its signal."""
        self.cursor.blockSignals(True)
        self.cursor.setValue(t)
        self.cursor.blockSignals(False)


class ConsistencyView:
    """NEES and NIS over time against χ²(2)'s central 95% band."""

    def __init__(self, figure: pg.GraphicsLayoutWidget, x_link: pg.PlotItem) -> None:
        p = self.plot = figure.addPlot(row=1, col=1, title="Consistency: NEES, NIS vs χ²(2) 95%")
        p.setLabel("bottom", "time step t")
        integer_ticks(p.getAxis("bottom"))
        p.setXLink(x_link)
        lo, hi = chi2.ppf([0.025, 0.975], 2)
        band = pg.LinearRegionItem((lo, hi), orientation="horizontal", movable=False,
                                   brush=pg.mkBrush(colors.color(C_RTS, 45)), pen=pg.mkPen(None))  # fmt: skip
        p.addItem(band)
        outside_legend(p, "bottom", colCount=2)
        self.nees_item = p.plot(pen=pg.mkPen(colors.color(C_KF), width=1.5), name="NEES")
        self.nis_item = p.plot(pen=pg.mkPen(colors.color(C_MEAS), width=1.5), name="NIS")
        p.setYRange(0, NEES_TOP, padding=0)
        p.setMouseEnabled(y=False)

    def draw(self, run: lab.Run) -> None:
        ts = np.arange(run.n_steps)
        nees = run.nees if run.nees is not None else np.full(run.n_steps, np.nan)
        self.nees_item.setData(ts, np.minimum(nees, NEES_TOP), connect="finite")
        self.nis_item.setData(ts, np.minimum(run.kf.nis, NEES_TOP), connect="finite")


class RmseView:
    """Bars of the position RMSE of raw measurements, Kalman, RTS and particle mean."""

    def __init__(self, figure: pg.GraphicsLayoutWidget) -> None:
        # the title of a run from the start: a longer title set later re-laid the figure out
        # after the first paint, so a demo and its reopened session differed by ~10 px
        p = self.plot = figure.addPlot(row=2, col=1, title=_rmse_title(None))
        p.setMouseEnabled(x=False, y=False)
        p.getAxis("bottom").setTicks([list(enumerate(["raw", "Kalman", "RTS", "particle"]))])
        # a label below the names also gives their descenders room: pyqtgraph reserves 0.8
        # of a tick label's height, and the "p" of "particle" was cut off at fonts +4
        p.setLabel("bottom", "estimate")
        self.bars = pg.BarGraphItem(x=np.arange(4), height=np.zeros(4), width=0.6,
                                    brushes=[colors.color(c) for c in (C_MEAS, C_KF, C_RTS, C_PF)])  # fmt: skip
        p.addItem(self.bars)
        # until the first result: auto-ranging bars of height 0 made an axis of "-5e-305"
        p.setRange(xRange=(-0.6, 3.6), yRange=(0, 1), padding=0)
        self.texts = [plot_text(TextItem(anchor=(0.5, 1.0))) for _ in range(4)]
        for item in self.texts:
            p.addItem(item)
        self.heights = np.zeros(4)
        p.getViewBox().sigResized.connect(self._fit_values)

    def draw(self, run: lab.Run) -> None:
        values = lab.rmse_row(run).values
        self.heights = heights = np.nan_to_num(values, nan=0.0)
        self.bars.setOpts(height=heights)
        for item, v in zip(self.texts, values):
            item.setText("n/a" if np.isnan(v) else f"{v:.2f}")
        self._fit_values()
        self.plot.setXRange(-0.6, 3.6, padding=0)
        self.plot.setTitle(_rmse_title(run))

    def _fit_values(self, *_) -> None:
        """Each value just above its bar, the range tall enough for the tallest bar's: a
        share of the range cut the label off in a short plot (1024x768, fonts +4)."""
        top = self.heights.max()
        if not top > 0:  # no result yet, or every value n/a: an axis of 0 to 1
            top = 1.0 / 1.05
        label = max(t.textItem.boundingRect().height() for t in self.texts)
        view = self.plot.getViewBox()
        room = view.mapRectToDevice(view.boundingRect())  # the labels are not drawn scaled
        # the label's share of the plot's height, at most 0.6 (a plot a label tall)
        share = min(label / max(room.height() if room is not None else 0.0, 1.0), 0.6)
        span = 1.05 * top / (1.0 - share)
        for i, item in enumerate(self.texts):
            item.setPos(i, self.heights[i] + 0.03 * top)
        self.plot.setYRange(0, span, padding=0)


def _rmse_title(run: lab.Run | None) -> str:
    needs = (
        "needs a ground truth"
        if run is not None and run.truth is None
        else "steps with a measurement"
    )
    return f"Position RMSE ({needs})"
