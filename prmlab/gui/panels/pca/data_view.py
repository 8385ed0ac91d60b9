"""The PCA panel's main plot for 2-D points: editable points, principal axes ±√λ with their
1σ/2σ ellipses, your line with its handle, projections and residuals, Fisher's direction and
p-PCA's W at the EM frame shown."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt

from prmlab.gui.widgets import colors
from prmlab.gui.widgets.ellipse import ellipse_xy
from prmlab.gui.widgets.legend import outside_legend, set_legend_rows
from prmlab.gui.widgets.point_editor import PointEditor, editable_plot
from prmlab.gui.widgets.text import TextItem, elide
from prmlab.lab import pca

MARKED_MAX = 400  # projected points get a marker up to this many points
RESIDUALS_MAX = 1_000  # above this the segments hide each other (and cost frames while dragging)
EMPTY_RANGE = (-5.0, 5.0)  # the data plot's range before any point
LINE_REACH = 10.0  # lines run this many spreads of the points either way: past any framing
POINTS_TITLE = "Data, principal axes and your line"

AXIS_COLOR = colors.PALETTE[2]  # green: the principal axes
LINE_COLOR = colors.PALETTE[3]  # vermillion: your direction
FISHER_COLOR = colors.PALETTE[4]  # purple: Fisher's direction
EM_COLOR = colors.PALETTE[5]  # sky: p-PCA's W by EM
CLOSED_COLOR = colors.PALETTE[7]  # grey: the closed form


def _line_through(a: pca.Analysis, point: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, ...]:
    """The ends of a line through ``point`` along ``u``, far beyond the points. Their reach
    comes from the points' spread, not the view's range: with the aspect locked that depends
    on the plot's size when drawn, and ends elsewhere round a line's antialiased pixels
    differently (a demo and its reopened session differed)."""
    reach = LINE_REACH * max(float(np.ptp(a.X, axis=0).max()), 1e-6)
    ends = np.array([point - reach * u, point + reach * u])
    return ends[:, 0], ends[:, 1]


class DataView:
    """The data plot (``plot``) with its point editor; ``on_angle(degrees)`` is called while
    the user turns your line by its handle."""

    def __init__(self, figure, undo_stack, on_angle: Callable[[float], None]) -> None:
        self.plot = plot = editable_plot(POINTS_TITLE)
        figure.addItem(plot, row=0, col=0, rowspan=3)
        plot.setAspectLocked(True)
        # Framed by fit_view when new data arrive, never by pyqtgraph's auto-range: that
        # re-zoomed onto the new points at every step of a spray or drag.
        plot.disableAutoRange()
        plot.setRange(xRange=EMPTY_RANGE, yRange=EMPTY_RANGE, padding=0)
        plot.showGrid(x=True, y=True, alpha=0.15)
        self.legend = outside_legend(plot, "bottom", colCount=2)
        self.legend.setZValue(30)
        self.editor = PointEditor(plot, undo_stack, left_label=0, right_label=1)
        self._on_angle = on_angle
        self._angle = 90.0
        self._mean = np.zeros(2)
        self._radius = 1.0
        self._placing = False  # the handle is being put back on its circle

        self.ellipses = [self._line(CLOSED_COLOR, 1.2, Qt.PenStyle.DashLine) for _ in range(2)]
        self.residuals = self._line(colors.color(7, 150), 1.0, connect="pairs", z=0)
        self.projected = pg.ScatterPlotItem(
            size=6, pen=pg.mkPen(LINE_COLOR, width=1.2), brush=pg.mkBrush(None), symbol="o"
        )
        plot.addItem(self.projected, ignoreBounds=True)
        self.your_line = self._line(LINE_COLOR, 2.5, Qt.PenStyle.DashLine, name="your line")
        self.fisher_line = self._line(FISHER_COLOR, 2.5, Qt.PenStyle.DotLine)
        self.axis_lines = self._line(AXIS_COLOR, 3.5, connect="pairs")
        self.em_line = self._line(EM_COLOR, 3.0, connect="pairs")
        self.em_ellipse = self._line(EM_COLOR, 1.5)
        self.arrows = [
            pg.ArrowItem(pen=None, brush=pg.mkBrush(AXIS_COLOR), headLen=16, tailLen=0)
            for _ in range(4)
        ]
        for arrow in self.arrows:
            arrow.setZValue(16)
            plot.addItem(arrow, ignoreBounds=True)
        self.handle = pg.TargetItem(
            size=16, symbol="o", pen=pg.mkPen(LINE_COLOR, width=2), brush=pg.mkBrush("w")
        )
        self.handle.setZValue(25)
        self.handle.setToolTip("Drag to turn your line")
        plot.addItem(self.handle, ignoreBounds=True)
        self.handle.sigPositionChanged.connect(self._handle_moved)
        self.handle.sigPositionChangeFinished.connect(lambda *_: self.place_handle())
        self.variance_text = TextItem(anchor=(0, 1))
        self.variance_text.setZValue(26)
        plot.addItem(self.variance_text, ignoreBounds=True)

    def _line(self, color, width=2.0, style=Qt.PenStyle.SolidLine, z=15, **kw):
        # z above the points (10): thin clouds would hide axes and ellipses otherwise
        item = pg.PlotDataItem(pen=pg.mkPen(color, width=width, style=style), **kw)
        item.setZValue(z)
        self.plot.addItem(item, ignoreBounds=True)
        return item

    # -- modes and frames --------------------------------------------------------------------
    def show_points_legend(self) -> None:
        """The legend of the 2-D points mode: both classes and every line."""
        self.legend.clear()
        for i, name in enumerate(("class A (left click)", "class B (right click)")):
            sample = pg.ScatterPlotItem(size=10, brush=colors.color(i), pen=pg.mkPen("w"))
            self.legend.addItem(sample, name)
        for item, name in (
            (self.axis_lines, "principal axes ±√λ"),
            (self.your_line, "your line"),
            (self.fisher_line, "Fisher axis (not a boundary)"),
            (self.em_line, "p-PCA W (EM frame)"),
        ):
            self.legend.addItem(item, name)

    def set_mode(self, table: bool, feature_names: tuple[str, ...]) -> None:
        """Titles and legend of a table's projection, or of 2-D points (whose axes are
        their two columns: a table's "PC 1 (36.2 %)" names no axis of theirs)."""
        self.editor.enabled = not table  # a table's rows are not points to edit
        self.editor.set_visible(not table)
        if not table:
            self.set_axis_titles(feature_names[:2])
            self.show_points_legend()
        self.plot.setTitle("2-D projection by class" if table else POINTS_TITLE)

    def set_axis_titles(self, titles: tuple[str, ...]) -> None:
        self.plot.setLabel("bottom", elide(titles[0]))
        self.plot.setLabel("left", elide(titles[1]))

    def show_table_legend(self, scatters: list, names: list[str]) -> None:
        set_legend_rows(self.legend, [(self.em_line, "p-PCA W (EM frame)"), *zip(scatters, names)])

    def fit_view(self, P: np.ndarray) -> None:
        """Frame the points ``P`` (n, 2), or the empty range without points."""
        if not len(P):
            self.plot.setRange(xRange=EMPTY_RANGE, yRange=EMPTY_RANGE, padding=0)
            return
        lo, hi = P.min(axis=0), P.max(axis=0)
        pad = 0.12 * max(float(np.max(hi - lo)), 1e-6)
        self.plot.setRange(
            xRange=(lo[0] - pad, hi[0] + pad), yRange=(lo[1] - pad, hi[1] + pad), padding=0
        )

    def clear(self) -> None:
        for item in (
            *self.ellipses, self.residuals, self.your_line, self.fisher_line, self.axis_lines,
            self.em_line, self.em_ellipse,
        ):  # fmt: skip
            item.setData([], [])
        self.projected.setData([], [])
        for arrow in self.arrows:
            arrow.setVisible(False)
        self.handle.setVisible(False)
        self.variance_text.setText("")

    # -- drawing -------------------------------------------------------------------------------
    def draw_axes(self, a: pca.Analysis | None, show: bool) -> None:
        """Principal axes ±√λⱼuⱼ from the mean with arrow heads, and the 1σ, 2σ ellipses."""
        segments, k = [], 0
        for arrow in self.arrows:
            arrow.setVisible(False)
        if a is not None and show:
            mean, lam = a.pca.mean_, a.pca.explained_variance_
            for j, r in enumerate(pca.principal_half_axes(a)):
                segments += [mean - r, mean + r]
                for sign in (1.0, -1.0):
                    angle = np.rad2deg(np.arctan2(-sign * r[1], -sign * r[0]))
                    self.arrows[k].setStyle(angle=angle, headLen=16 if j == 0 else 11)
                    self.arrows[k].setPos(*(mean + sign * r))
                    self.arrows[k].setVisible(bool(lam[j] > 0))
                    k += 1
            for n_std, item in zip((1.0, 2.0), self.ellipses):
                item.setData(*ellipse_xy(mean, a.covariance, n_std=n_std))
        else:
            for item in self.ellipses:
                item.setData([], [])
        pts = np.array(segments) if segments else np.empty((0, 2))
        self.axis_lines.setData(pts[:, 0], pts[:, 1])

    def draw_fisher(self, a: pca.Analysis | None, show: bool) -> None:
        if a is not None and a.fisher is not None and show:
            self.fisher_line.setData(*_line_through(a, a.pca.mean_, a.fisher.direction_))
        else:
            self.fisher_line.setData([], [])

    def draw_direction(
        self, a: pca.Analysis | None, angle: float, projections: bool
    ) -> pca.LineProjection | None:
        """Your line, its handle, the projections and residuals; returns the projection
        (None in table mode or without data)."""
        self._angle = angle
        self.handle.setVisible(a is not None)
        if a is None:
            for item in (self.your_line, self.residuals):
                item.setData([], [])
            self.projected.setData([], [])
            self.variance_text.setText("")
            return None
        line = pca.line_projection(a, angle)
        self._mean = a.pca.mean_
        self._radius = 1.3 * np.sqrt(max(a.pca.explained_variance_[0], 1e-12)) + 1e-9
        self.your_line.setData(*_line_through(a, self._mean, line.u))
        if not self.handle.mouseHovering and not self.handle_dragging:
            self.place_handle()
        if projections and len(line.feet) <= RESIDUALS_MAX:
            pairs = np.empty((2 * len(line.feet), 2))
            pairs[0::2], pairs[1::2] = a.X, line.feet
            self.residuals.setData(pairs[:, 0], pairs[:, 1])
            # the segments already end on the line; foot markers only where they stay legible
            feet = line.feet if len(line.feet) <= MARKED_MAX else np.empty((0, 2))
            self.projected.setData(pos=feet)
        else:
            self.residuals.setData([], [])
            self.projected.setData([], [])
        lam1 = a.pca.explained_variance_[0]
        self.variance_text.setHtml(
            f'<span style="color:{LINE_COLOR}; font-size:12pt; font-weight:600">'
            f"uᵀSu = {line.variance:.3g} &nbsp;(max λ₁ = {lam1:.3g})</span>"
        )
        spot = self._mean + self._radius * line.u
        (x0, x1), _ = self.plot.viewRange()
        self.variance_text.setAnchor((1.0 if spot[0] > (x0 + x1) / 2 else 0.0, 1.0))
        self.variance_text.setPos(*spot)
        return line

    def draw_em(self, result: pca.Result | None, plane: tuple[int, int] | None) -> None:
        """W at the frame shown: in 2-D a segment ±w from the mean and the model's 1σ ellipse;
        for a table W's columns seen in ``plane``, ±w from the origin."""
        if result is None or result.frame is None:
            self.em_line.setData([], [])
            self.em_ellipse.setData([], [])
            return
        a, f = result.analysis, result.frame
        w = pca.em_directions(a, f, plane)
        origin = a.pca.mean_ if plane is None else np.zeros(2)
        ends = np.empty((2 * len(w), 2))
        ends[0::2], ends[1::2] = origin - w, origin + w
        self.em_line.setData(ends[:, 0], ends[:, 1])
        if plane is None:
            self.em_ellipse.setData(*ellipse_xy(origin, pca.model_covariance(f), n_std=1.0))
        else:
            self.em_ellipse.setData([], [])

    # -- the handle ------------------------------------------------------------------------------
    @property
    def handle_dragging(self) -> bool:
        """The user is turning your line by its handle."""
        return bool(getattr(self.handle, "moving", False))

    def _handle_moved(self, *_) -> None:
        if self._placing or not self.handle.isVisible():
            return
        v = np.array([self.handle.pos().x(), self.handle.pos().y()]) - self._mean
        if np.hypot(*v) > 0:
            self._on_angle(float(np.rad2deg(np.arctan2(v[1], v[0]))))

    def place_handle(self) -> None:
        """Put the handle back on its circle around the mean, at your line's angle."""
        pos = self._mean + self._radius * pca.direction(self._angle)
        self._placing = True
        self.handle.setPos(QPointF(*pos))
        self._placing = False
