"""The EM/GMM panel's plots, one small class each: the data with the mixture, the likelihood
(or inertia) per iteration, the restarts' histogram and the model-choice chart."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt

from prmlab.gui.panels.gmm.density import (
    DensityView,
    blend_brushes,
    bounds,
    density_image,
)
from prmlab.gui.panels.gmm.work import component_outlines
from prmlab.gui.widgets import colors
from prmlab.gui.widgets.figure import integer_ticks
from prmlab.gui.widgets.legend import outside_legend, set_legend_rows
from prmlab.gui.widgets.numbers import plural
from prmlab.gui.widgets.point_editor import PointEditor, editable_plot
from prmlab.gui.widgets.text import TextItem
from prmlab.lab import gmm


def set_title(plot: pg.PlotItem, title: str) -> None:
    """``plot``'s title, unless it already is: a new title lays the figure out again, and
    that repaints every plot in one frame (~50 ms), not only the one that changed."""
    if plot.titleLabel.text != title:
        plot.setTitle(title)


def set_label(plot: pg.PlotItem, side: str, text: str) -> None:
    """An axis title, unless it already is (as ``set_title``)."""
    if plot.getAxis(side).labelText != text:
        plot.setLabel(side, text)


class DataView:
    """Points coloured by responsibility (or a density image), 1σ/2σ ellipses, draggable means
    (``on_mean_dropped(i, (x, y))``), k-means' Voronoi regions and the legend."""

    def __init__(self, figure, undo_stack, on_mean_dropped: Callable[[int, tuple], None]) -> None:
        self.plot = editable_plot("Responsibilities")
        figure.addItem(self.plot, row=0, col=0, rowspan=3)
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.editor = PointEditor(self.plot, undo_stack, left_label=0, right_label=0, symbol_size=7)
        self.editor.set_visible(False)  # drawn by self.points, coloured by resp
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
        self._on_mean_dropped = on_mean_dropped

    def set_axis_names(self, names: tuple[str, str]) -> None:
        set_label(self.plot, "bottom", names[0])
        set_label(self.plot, "left", names[1])

    def draw(
        self,
        shown: np.ndarray,
        result: gmm.Result | None,
        projection: gmm.Projection | None,
        layout: DensityView | None,
        image: np.ndarray | None,
        outlines: np.ndarray | None,
        n_points: int,
    ) -> None:
        """Everything of ``result`` (None: grey points, no mixture) over ``shown`` points;
        ``image`` and ``outlines`` as the worker made them (None: made here)."""
        if layout is None:
            self.density.setVisible(False)
            pen = pg.mkPen(255, 255, 255, 110, width=0.5)
            brush = pg.mkBrush(colors.PALETTE[7]) if result is None else blend_brushes(result.resp)
            self.points.setData(pos=shown, size=7, pen=pen, brush=brush)
        else:
            self.points.setData(pos=np.empty((0, 2)))
            if image is None:  # no result, or one made for another layout: colour here
                image = density_image(None if result is None else result.resp, layout)
            self.density.setImage(image, autoLevels=False)
            lo, span = layout.lo, layout.span
            self.density.setRect(QRectF(lo[0], lo[1], span[0], span[1]))
            self.density.setVisible(True)
        self._draw_components(result, projection, outlines, n_points)
        kmeans = result is not None and result.method == "kmeans"
        self._draw_voronoi(result if kmeans else None, projection, shown)

    def _add_component(self, i: int) -> None:
        h = pg.TargetItem(
            size=22,
            symbol="+",
            movable=True,
            pen=pg.mkPen(colors.color(i), width=3),
            hoverPen=pg.mkPen(colors.REJECT, width=4),
        )
        h.setZValue(20)
        h.sigPositionChangeFinished.connect(
            lambda item, i=i: self._on_mean_dropped(i, (item.pos().x(), item.pos().y()))
        )
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

    def _draw_components(
        self,
        r: gmm.Result | None,
        p: gmm.Projection | None,
        outlines: np.ndarray | None,
        n: int,
    ) -> None:
        k = 0 if r is None else len(r.means)
        while len(self.handles) < k:
            self._add_component(len(self.handles))
        kmeans = r is not None and r.method == "kmeans"
        shown_means = None if r is None else p.project(r.means)
        if r is not None and outlines is None:  # a view the worker did not draw them for
            outlines = component_outlines(r, p)
        for i, h in enumerate(self.handles):
            visible = i < k
            h.setVisible(visible)
            for j in (0, 1):
                self.curves[2 * i + j].setVisible(visible and not kmeans)
            if not visible:
                continue
            m2 = shown_means[i]
            h.blockSignals(True)
            h.setPos(QPointF(float(m2[0]), float(m2[1])))
            h.blockSignals(False)
            if not kmeans:
                for j, (x, y) in enumerate(outlines[i]):
                    self.curves[2 * i + j].setData(x, y)
        if r is None:  # hidden, not emptied: the next fit's rows are mostly the same ones
            self.legend.setVisible(False)
            return
        if kmeans:
            texts = [f"cluster {i + 1}: n = {round(w * n)}" for i, w in enumerate(r.weights)]
        else:
            texts = [f"component {i + 1}: π = {w:.3f}" for i, w in enumerate(r.weights)]
        set_legend_rows(self.legend, list(zip(self.samples[:k], texts)))
        self.legend.setVisible(True)

    def _draw_voronoi(
        self, r: gmm.Result | None, p: gmm.Projection | None, shown: np.ndarray
    ) -> None:
        if r is None:
            self.voronoi.setVisible(False)
            return
        centres = p.project(r.means)
        lo, hi = bounds(np.vstack([shown, centres]))
        pad = 0.15 * np.maximum(hi - lo, 1e-9)
        lo, hi = lo - pad, hi + pad
        region = gmm.voronoi_regions(centres, lo, hi)
        rgba = np.array([colors.rgba(i, 60) for i in range(len(centres))], dtype=np.ubyte)
        self.voronoi.setImage(rgba[region], autoLevels=False)
        self.voronoi.setRect(QRectF(lo[0], lo[1], hi[0] - lo[0], hi[1] - lo[1]))
        self.voronoi.setVisible(True)


class CurveView:
    """Mean log-likelihood (k-means: inertia) per iteration, with its monotonicity check."""

    def __init__(self, figure) -> None:
        self.plot = figure.addPlot(row=0, col=1, title="Log-likelihood per iteration")
        self.plot.setLabel("bottom", "iteration")
        integer_ticks(self.plot.getAxis("bottom"))
        self.plot.setLabel("left", "mean log p(x)")
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        pen = pg.mkPen(colors.PALETTE[0], width=2)
        self.curve = self.plot.plot(
            [], [], pen=pen, symbol="o", symbolSize=5, symbolBrush=colors.PALETTE[0]
        )
        self.bad = self.plot.plot(
            [],
            [],
            pen=None,
            symbol="x",
            symbolSize=12,
            symbolBrush=colors.REJECT,
            symbolPen=colors.REJECT,
        )
        self.mono_text = TextItem(anchor=(1, 1))
        self.plot.addItem(self.mono_text, ignoreBounds=True)
        self.plot.getViewBox().sigRangeChanged.connect(self._place_mono_text)
        self.plot.getViewBox().sigResized.connect(self._place_mono_text)

    def set_method(self, kmeans: bool) -> None:
        set_title(self.plot, "Inertia per iteration" if kmeans else "Log-likelihood per iteration")
        set_label(self.plot, "left", "Σ ‖x − μ‖²" if kmeans else "mean log p(x)")

    def draw(self, r: gmm.Result | None) -> None:
        h = np.empty(0) if r is None else r.history
        x = np.arange(1, len(h) + 1)
        self.curve.setData(x, h)
        spacing = max(1, int(np.ceil(len(h) / 8)))  # whole iterations on the axis
        self.plot.getAxis("bottom").setTickSpacing(spacing, spacing)
        if len(h) < 2:
            self.bad.setData([], [])
            self.mono_text.setText("")
            return
        bad = gmm.monotonicity_breaks(r)
        self.bad.setData(x[1:][bad], h[1:][bad])
        gmm_fit = r.method == "gmm"
        if bad.any():
            at = int(x[1:][bad][0])
            # EM's monotone bound holds for the exact M step; Σ + reg·I is not that maximiser
            why = " (Σ + reg·I is not the M step's maximiser)" if gmm_fit else ""
            what = "decreased" if gmm_fit else "increased"
            self.mono_text.setText(f"✗ {what} at iteration {at}{why}")
            self.mono_text.setColor(colors.REJECT)
        else:
            never = "never decreased" if gmm_fit else "never increased"
            self.mono_text.setText(f"✓ {never} ({len(h)} iterations)")
            self.mono_text.setColor(colors.ACCEPT)
        self._place_mono_text()

    def _place_mono_text(self, *_) -> None:
        """In the bottom right corner, wrapped to the plot's width (at 1024x768 with fonts
        +4 one line ran over the axis)."""
        view = self.plot.getViewBox()
        room = view.mapRectToDevice(view.boundingRect())  # the text is not drawn scaled
        self.mono_text.setTextWidth(-1)
        if room is not None and self.mono_text.textItem.boundingRect().width() > room.width() > 0:
            self.mono_text.setTextWidth(room.width())
        (x0, x1), (y0, y1) = view.viewRange()
        self.mono_text.setPos(x1, y0)


class RestartsView:
    """Histogram of the restarts' final scores; a click picks the nearest run
    (``on_pick(index)``)."""

    def __init__(self, figure, on_pick: Callable[[int], None]) -> None:
        self.plot = figure.addPlot(row=1, col=1, title="Restarts: final log-likelihood")
        self.plot.setLabel("bottom", "final mean log p(x)")
        self.plot.setLabel("left", "runs")
        integer_ticks(self.plot.getAxis("left"))
        self.bars = pg.BarGraphItem(x=[], height=[], width=1, brush=colors.PALETTE[5])
        self.plot.addItem(self.bars)
        self.mark = pg.InfiniteLine(angle=90, pen=pg.mkPen(colors.REJECT, width=2))
        self.mark.setVisible(False)
        self.plot.addItem(self.mark)
        self.plot.scene().sigMouseClicked.connect(self._clicked)
        self.restarts: gmm.Restarts | None = None
        self._on_pick = on_pick

    def clear(self, kmeans: bool) -> None:
        """No runs (their title said "Restarts: 20 runs" over an empty chart)."""
        set_title(
            self.plot, "Restarts: final −inertia" if kmeans else "Restarts: final log-likelihood"
        )
        set_label(self.plot, "bottom", "−inertia" if kmeans else "final mean log p(x)")
        self.restarts = None
        self.bars.setOpts(x=[], height=[])
        self.mark.setVisible(False)

    def draw(self, runs: gmm.Restarts, method: str) -> gmm.Histogram:
        self.restarts = runs
        hist = gmm.score_histogram(runs.scores, method)
        self.bars.setOpts(x=hist.centres, height=hist.counts, width=hist.width * 0.9)
        self.plot.enableAutoRange()
        optima = plural(hist.n_optima, "optimum", "optima")
        self.plot.setTitle(f"Restarts: {plural(len(runs.scores), 'run')}, {optima}")
        return hist

    def mark_score(self, score: float | None) -> None:
        self.mark.setVisible(score is not None)
        if score is not None:
            self.mark.setPos(float(score))

    def _clicked(self, ev) -> None:
        if self.restarts is None or not self.plot.sceneBoundingRect().contains(ev.scenePos()):
            return
        x = self.plot.getViewBox().mapSceneToView(ev.scenePos()).x()
        self._on_pick(int(np.argmin(np.abs(self.restarts.scores - x))))


class CriteriaView:
    """BIC and AIC vs K (k-means: the inertia's elbow)."""

    def __init__(self, figure) -> None:
        self.plot = figure.addPlot(row=2, col=1, title="Model choice: BIC / AIC vs K")
        self.plot.setLabel("bottom", "K")
        integer_ticks(self.plot.getAxis("bottom"))
        self.plot.setLabel("left", "lower = better")  # a longer label was cut at +4 fonts
        self.legend = outside_legend(self.plot)
        self._kmeans: bool | None = None  # the method the legend shows
        self.bic = self.plot.plot(
            [],
            [],
            name="BIC",
            pen=pg.mkPen(colors.PALETTE[0], width=2),
            symbol="o",
            symbolBrush=colors.PALETTE[0],
        )
        self.aic = self.plot.plot(
            [],
            [],
            name="AIC",
            pen=pg.mkPen(colors.PALETTE[1], width=2, style=Qt.PenStyle.DashLine),
            symbol="s",
            symbolBrush=colors.PALETTE[1],
        )

    def set_method(self, kmeans: bool) -> None:
        if kmeans == self._kmeans:
            return  # the same rows: rebuilt, they laid the figure out again
        self._kmeans = kmeans
        self.plot.setTitle("Elbow: inertia vs K" if kmeans else "Model choice: BIC / AIC vs K")
        self.legend.clear()
        self.legend.addItem(self.bic, "inertia" if kmeans else "BIC")
        if not kmeans:
            self.legend.addItem(self.aic, "AIC")

    def clear(self) -> None:
        self.bic.setData([], [])
        self.aic.setData([], [])

    def draw(self, c: gmm.Criteria) -> None:
        self.bic.setData(c.ks, c.bic)
        self.aic.setData(c.ks[: len(c.aic)], c.aic)
