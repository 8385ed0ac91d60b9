"""The SVM panel's plots: the decision map with its points' roles, and the dual objective's
climb. Each draws a ``prmlab.lab.svm.Result``; no maths here beyond placing items."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont

from prmlab.gui.widgets import colors
from prmlab.gui.widgets.figure import Figure, integer_ticks, steady_end
from prmlab.gui.widgets.legend import OutsideLegend
from prmlab.gui.widgets.numbers import plural, shown
from prmlab.gui.widgets.point_editor import editable_plot
from prmlab.gui.widgets.text import TextItem, elide
from prmlab.lab import svm as lab

LEVEL = 2.5  # the colour scale of f(x) runs over [-LEVEL, LEVEL]
DARK = "#1A1A1A"
MAP_TILE = pg.mkColor(colors.DIVERGING_MIDDLE)  # f(x) = 0 on the map, where marks are drawn
PURPLE, GREEN, VERMILLION = colors.PALETTE[4], colors.ACCEPT, colors.REJECT
# short: the legend names the boundary and margins (a long title set the figure's least width)
FIT_TITLE = "Decision function f(x)"
# The title names the three curves in their colours: a legend below or beside the plot
# set the figure's least height ~120 px taller (SVM was drawn at 0.78 of +4 fonts on 1024x768)
DUAL_NAMES = ("dual W(α)", "primal P(w, b)", "gap P − W")


def _dual_title() -> str:
    shown = zip(DUAL_NAMES, (colors.PALETTE[0], colors.PALETTE[1], PURPLE), strict=True)
    return ", ".join(f'<span style="color:{colour}">{name}</span>' for name, colour in shown)


class _MapSample(pg.ItemSample):
    """A legend sample on a tile of the decision map's light middle: the map's black rings
    and contours stay visible in a legend that follows the dark theme."""

    def paint(self, p, *args) -> None:
        p.fillRect(self.boundingRect(), MAP_TILE)
        super().paint(p, *args)


class MapView:
    """f(x) shaded, its 0 and ±1 levels, support vectors ringed (squares where α = C),
    points inside the margin crossed, SMO's pair and KKT violators, the linear margin's
    width as a double arrow, live numbers in the corner and the legend beside it."""

    def __init__(self, figure: Figure) -> None:
        self.plot = plot = editable_plot(FIT_TITLE)
        figure.addItem(plot, row=0, col=0)
        plot.setAspectLocked(True)
        plot.disableAutoRange()
        plot.showGrid(x=False, y=False)
        # what the axes and the legend name now: set again only when it changes (rebuilt,
        # the legend's ten rows held the GUI thread ~30 ms, at every tick of compare mode)
        self._axis_names: tuple[str, str] | None = None
        self._legend_names: tuple[str, str] | None = None
        self._view_asked: tuple | None = None  # (view, the plot's size) last set
        plot.getViewBox().sigRangeChangedManually.connect(self.forget_view)
        self.set_axes(lab.PRESET_AXES)
        self.image = pg.ImageItem(axisOrder="row-major")
        # Pastel (mixed 40 % with white) so points and contours stand out, in either theme.
        lut = colors.diverging_colormap().getLookupTable(nPts=256, alpha=False).astype(float)
        self.image.setLookupTable(np.rint(0.6 * lut + 0.4 * 255).astype(np.uint8))
        self.image.setLevels((-LEVEL, LEVEL))
        self.image.setZValue(-10)
        plot.addItem(self.image)
        # the two margins told apart: each in its class's colour, +1 dashed and −1 dotted
        self.margins = pg.PlotDataItem(
            connect="pairs",
            pen=pg.mkPen(colors.color(lab.POS), width=2.2, style=Qt.PenStyle.DashLine),
        )
        self.minus_margin = pg.PlotDataItem(
            connect="pairs",
            pen=pg.mkPen(colors.color(lab.NEG), width=2.2, style=Qt.PenStyle.DotLine),
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
            (self.minus_margin, 1),
            (self.boundary, 2),
            (self.pair_line, 3),
            (self.violator_items, 13),
            (self.sv_free, 12),
            (self.sv_bound, 12),
            (self.inside, 13),
            (self.pair_items, 14),
        ):
            item.setZValue(z)
            plot.addItem(item)
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
            plot.addItem(item, ignoreBounds=True)
        # Live numbers in the plot's corner (pixel coordinates of the view box).
        self.info = TextItem(
            anchor=(0, 0), color=DARK, fill=pg.mkBrush(255, 255, 255, 215), border=pg.mkPen(DARK)
        )
        font = QFont()
        font.setPointSize(12)
        font.setBold(True)
        self.info.setFont(font)
        self.info.setParentItem(plot.getViewBox())
        self.info.setPos(8, 8)
        self.info.setZValue(30)
        self.info.hide()
        self.hover_text = TextItem(
            anchor=(0, 1), color=DARK, fill=pg.mkBrush(255, 255, 255, 225), border=pg.mkPen(DARK)
        )
        self.hover_text.setZValue(20)
        plot.addItem(self.hover_text, ignoreBounds=True)

        # beside the map, in the theme's colours (style_plots); samples on tiles of the map
        self.legend = OutsideLegend(offset=None, verSpacing=-2, sampleType=_MapSample)
        figure.addItem(self.legend, row=0, col=1)
        self._legend_points = [
            pg.ScatterPlotItem(symbol="o", size=10, brush=colors.color(label), pen=pg.mkPen("w"))
            for label in (lab.POS, lab.NEG)
        ]
        self.fill_legend(lab.PRESET_CLASSES)

    def view_range(self) -> tuple[float, float, float, float]:
        """The plot's range (x0, x1, y0, y1)."""
        (x0, x1), (y0, y1) = self.plot.getViewBox().viewRange()
        return (x0, x1, y0, y1)

    def show_view(self, view: tuple[float, float, float, float]) -> None:
        """The plot's range set to ``view``, unless it was set to it last time at this size
        and no gesture or new data has moved it since: set again, it lays the plot out and
        repaints it (and compare mode holds one range of its own while playing)."""
        asked = (tuple(view), self.plot.getViewBox().size().toTuple())
        if asked != self._view_asked:
            x0, x1, y0, y1 = view
            self.plot.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
            self._view_asked = asked

    def forget_view(self, *_) -> None:
        """The range was moved (a pan, a zoom, new points): the next ``show_view`` sets it."""
        self._view_asked = None

    def set_axes(self, names: tuple[str, str]) -> None:
        if tuple(names) == self._axis_names:
            return
        self._axis_names = tuple(names)
        self.plot.setLabel("bottom", elide(names[0]))
        self.plot.setLabel("left", elide(names[1]))

    def fill_legend(self, class_names: tuple[str, str]) -> None:
        """The legend's rows; a table's class names beside y = ±1."""
        if tuple(class_names) == self._legend_names:
            return
        self._legend_names = tuple(class_names)
        self.legend.clear()
        neg, pos = class_names
        own = class_names != lab.PRESET_CLASSES
        self.legend.addItem(self._legend_points[0], f"y = +1: {pos}" if own else "y = +1")
        self.legend.addItem(self._legend_points[1], f"y = −1: {neg}" if own else "y = −1")
        for item, text in (
            (self.boundary, "f(x) = 0 boundary"),
            (self.margins, "f(x) = +1 margin"),
            (self.minus_margin, "f(x) = −1 margin"),
            (self.sv_free, "SV, 0 &lt; α &lt; C"),
            (self.sv_bound, "SV, α = C"),
            (self.inside, "inside margin"),
            (self.pair_items, "SMO pair (i, j)"),
            (self.violator_items, "KKT violator"),
        ):
            self.legend.addItem(item, text)

    def clear(self) -> None:
        self.image.clear()
        for item in (self.boundary, self.margins, self.minus_margin, self.pair_line):
            item.setData([], [])
        for item in (self.sv_free, self.sv_bound, self.inside, self.violator_items):
            item.setData([])
        self.pair_items.setData([])
        self.info.hide()
        self._draw_width(None)

    def draw(self, result: lab.Result, kernel_text: str) -> None:
        x0, x1, y0, y1 = result.extent
        dx, dy = (x1 - x0) / (lab.GRID - 1), (y1 - y0) / (lab.GRID - 1)
        self.image.setImage(result.grid, autoLevels=False)
        self.image.setRect(QRectF(x0 - dx / 2, y0 - dy / 2, x1 - x0 + dx, y1 - y0 + dy))
        zero, minus, plus = (result.contours[k] for k in (0.0, -1.0, 1.0))
        self.boundary.setData(zero[:, 0], zero[:, 1])
        self.margins.setData(plus[:, 0], plus[:, 1])
        self.minus_margin.setData(minus[:, 0], minus[:, 1])
        X = result.X
        self.sv_free.setData(pos=X[result.free])
        self.sv_bound.setData(pos=X[result.at_c])
        self.inside.setData(pos=X[result.inside])
        if result.pair is not None:
            pts = X[list(result.pair)]
            self.pair_items.setData(pos=pts)
            self.pair_line.setData(pts[:, 0], pts[:, 1])
        else:
            self.pair_items.setData([])
            self.pair_line.setData([], [])
        violators = result.violators if result.violators is not None else np.empty(0, int)
        self.violator_items.setData(pos=X[violators])
        self._draw_width(lab.margin_arrow(result))
        self._draw_info(result, kernel_text, len(violators))

    def _draw_width(self, arrow: lab.MarginArrow | None) -> None:
        """A double arrow from f = -1 to f = +1 through the support vectors' centre."""
        items = (self.width_line, *self.width_arrows, self.width_text)
        if arrow is None:
            for item in items:
                item.hide()
            return
        lo, hi, w = arrow.lo, arrow.hi, arrow.w
        self.width_line.setData([lo[0], hi[0]], [lo[1], hi[1]])
        for end, d, item in ((hi, w, self.width_arrows[0]), (lo, -w, self.width_arrows[1])):
            # ArrowItem: 0 deg points left, angles clockwise
            item.setStyle(angle=math.degrees(math.atan2(d[1], -d[0])))
            item.setPos(*end)
        self.width_text.setText(f"2/‖w‖ = {arrow.width:.3g}")
        self.width_text.setPos(*(hi + 0.15 * (hi - lo)))
        for item in items:
            item.show()

    def _set_title(self, text: str) -> None:
        if self.plot.titleLabel.text != text:
            self.plot.setTitle(text)

    def _draw_info(self, result: lab.Result, kernel_text: str, n_violators: int) -> None:
        # Numbers go to an overlay: a new title would re-layout the whole figure every frame.
        if result.stepping:
            self._set_title("SMO from α = 0: f(x) now")
            pair = "" if result.pair is None else f" · pair (i, j) = {result.pair}"
            self.info.setText(
                f"SMO update {result.n_iter}{pair}\nW(α) = {shown(result.dual_objective, '.5g')}"
                + (" · converged" if result.converged else f" · KKT violators: {n_violators}")
            )
        else:
            self._set_title(FIT_TITLE)
            c_text = "∞" if math.isinf(result.C) else f"{result.C:.3g}"
            self.info.setText(
                f"{kernel_text} kernel, C = {c_text}\ntraining accuracy "
                f"{result.accuracy:.1f} % · {plural(result.n_sv, 'SV')}"
            )
        self.info.show()

    def show_hover(self, result: lab.Result | None, index: int) -> None:
        """Point ``index``'s α and y·f beside it (-1: hide)."""
        if index < 0 or result is None or index >= len(result.alpha):
            self.hover_text.hide()
            return
        a = result.alpha[index]
        kind = "α = C" if result.at_c[index] else ("support vector" if a > 0 else "not a SV")
        self.hover_text.setText(
            f"#{index}: α = {a:.4g} ({kind})\ny·f(x) = {shown(result.yf[index], '.3f')}"
        )
        self.hover_text.setPos(*result.X[index])
        self.hover_text.show()


def _positive(x: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The points a log axis can show: finite and above 0 (W(0) = 0; P = ∞ while a hard
    margin is not met; a gap of exactly 0)."""
    keep = np.isfinite(v) & (v > 0)
    return x[keep], v[keep]


class DualView:
    """The dual objective W(α), the primal objective P(w, b) = ½‖w‖² + C Σ ξ_i and their gap
    P − W against SMO's pair updates, on a log axis (P starts at C·N, the gap falls towards
    0); a dot at the iterate shown. A replay has P at every pair update, drawn as lines; a
    fit only at its end, drawn as marks (Step SMO shows how the gap closes)."""

    def __init__(self, figure: Figure) -> None:
        self.plot = figure.addPlot(row=1, col=0, colspan=2, title=_dual_title())
        self.plot.setLabel("bottom", "SMO pair updates")
        self.plot.setLabel("left", "log scale")
        self.plot.setLogMode(y=True)
        integer_ticks(self.plot.getAxis("bottom"))
        self.plot.showGrid(x=True, y=True, alpha=0.3)
        self.curve = self.plot.plot(pen=pg.mkPen(colors.PALETTE[0], width=2.5), name=DUAL_NAMES[0])
        self.primal = self.plot.plot(
            symbol="o", symbolSize=6, symbolBrush=colors.PALETTE[1], symbolPen=None,
            name=DUAL_NAMES[1],
        )  # fmt: skip
        self.gap = self.plot.plot(
            symbol="t", symbolSize=7, symbolBrush=PURPLE, symbolPen=None, name=DUAL_NAMES[2],
        )  # fmt: skip
        self._pens = {
            self.primal: pg.mkPen(colors.PALETTE[1], width=2.5, style=Qt.PenStyle.DashLine),
            self.gap: pg.mkPen(PURPLE, width=2, style=Qt.PenStyle.DotLine),
        }
        self._lines: bool | None = None  # whether P and the gap are drawn as lines now
        self.dot = self.plot.plot(
            symbol="o", symbolSize=9, symbolBrush=GREEN, symbolPen=None, pen=None
        )

    def clear(self) -> None:
        for item in (self.curve, self.primal, self.gap, self.dot):
            item.setData([], [])

    def draw(self, result: lab.Result) -> None:
        shown_rows = (
            _positive(result.history[:, 0], result.history[:, 1]),
            _positive(result.duality[:, 0], result.duality[:, 1]),
            _positive(result.duality[:, 0], result.duality[:, 2]),
        )
        if self._lines != result.stepping:  # only when it changes: a pen lays out the legend
            self._lines = result.stepping
            for item, pen in self._pens.items():
                item.setPen(pen if result.stepping else None)
        for item, (x, v) in zip((self.curve, self.primal, self.gap), shown_rows, strict=True):
            item.setData(x, v)
        self.dot.setData(*_positive(np.array([result.n_iter]), np.array([result.dual_objective])))
        # Ranges set, not auto: pyqtgraph keeps the previous span for a single point (α = 0),
        # so a replay's first step looked different after a session was reopened. Both ends
        # move in steps (half decades on the log axis, steady_end's on the other): a range
        # changed at every pair update laid both axes out again at every step
        values = np.concatenate([v for _, v in shown_rows])
        lo, hi = (math.log10(values.min()), math.log10(values.max())) if len(values) else (0, 1)
        lo, hi = math.floor(2 * lo - 0.1) / 2, math.ceil(2 * hi + 0.1) / 2
        right = steady_end(1.04 * max(float(result.history[:, 0].max()), 1.0))
        self.plot.setRange(xRange=(-0.04 * right, right), yRange=(lo, hi), padding=0)
