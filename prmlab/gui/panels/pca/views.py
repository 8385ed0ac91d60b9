"""The PCA panel's side plots, one small class each: the scree chart, p-PCA's EM curves
against the closed form, and the histograms of a 1-D projection by class."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from prmlab.gui.widgets import colors
from prmlab.gui.widgets.figure import integer_ticks
from prmlab.gui.widgets.legend import outside_legend
from prmlab.gui.widgets.numbers import shown
from prmlab.lab import pca

HISTOGRAM_TITLES = dict(zip(pca.HISTOGRAM_AXES, ("PCA axis 1", "Fisher's direction", "your line")))


def criterion_text(j: float) -> str:
    """Fisher's J as a class reads it: "∞", not NumPy's "inf", where wᵀS_w w = 0."""
    return shown(j, ".3g") if np.isfinite(j) else "∞"


class ScreeView:
    """Each component's share of the total variance (bars) and the cumulative share."""

    def __init__(self, figure) -> None:
        self.plot = plot = figure.addPlot(row=0, col=1, title="Explained variance (scree)")
        plot.setLabel("bottom", "component")
        plot.setLabel("left", "% of variance")
        plot.setYRange(0, 105, padding=0)
        plot.setMouseEnabled(x=False, y=False)
        outside_legend(plot, "bottom", colCount=2)
        self.bars = pg.BarGraphItem(
            x=[], height=[], width=0.6, brush=colors.color(2, 170), name="component"
        )
        plot.addItem(self.bars)
        self.cumulative = plot.plot(
            pen=pg.mkPen(colors.PALETTE[0], width=2),
            symbol="o",
            symbolSize=7,
            symbolBrush=colors.PALETTE[0],
            name="cumulative",
        )

    def clear(self) -> None:
        self.bars.setOpts(x=[], height=[])
        self.cumulative.setData([], [])

    def draw(self, a: pca.Analysis) -> None:
        ratio = a.pca.explained_variance_ratio_ * 100.0
        x = np.arange(1, len(ratio) + 1)
        self.bars.setOpts(x=x, height=ratio, width=0.6)
        self.cumulative.setData(x, np.cumsum(ratio))
        self.plot.setXRange(0.4, len(ratio) + 0.6, padding=0)
        step = max(1, len(ratio) // 12)
        self.plot.getAxis("bottom").setTicks([[(int(i), str(int(i))) for i in x[::step]]])


class EmView:
    """p-PCA's log-likelihood per point and σ² over EM iterations up to the frame shown, with
    the closed form's values dashed."""

    def __init__(self, figure) -> None:
        self.plot = plot = figure.addPlot(row=1, col=1, title="p-PCA: EM (dashed: closed form)")
        plot.setLabel("bottom", "EM iteration")
        integer_ticks(plot.getAxis("bottom"))
        plot.setLabel("left", "log-lik / point")
        plot.setLabel("right", "σ²")
        legend = outside_legend(plot, "bottom", colCount=2)
        self.ll_curve = plot.plot(pen=pg.mkPen(colors.PALETTE[0], width=2))
        # closed-form levels as dashed segments (an InfiniteLine in the second view crashes Qt)
        self.ll_closed = plot.plot(
            pen=pg.mkPen(colors.PALETTE[0], width=1.2, style=Qt.PenStyle.DashLine)
        )
        self.sigma_view = sigma = pg.ViewBox()
        plot.scene().addItem(sigma)
        plot.getAxis("right").linkToView(sigma)
        # the same x range both ways, not setXLink: that lines the views up by their screen
        # geometry, rounded to pixels, whenever a range changes, so the σ² curves' x scale
        # depended on the figure's size and scale at that moment (a reopened session differed)
        plot.vb.sigXRangeChanged.connect(lambda _, r: sigma.setXRange(*r, padding=0))
        sigma.sigXRangeChanged.connect(lambda _, r: plot.vb.setXRange(*r, padding=0))
        plot.vb.sigResized.connect(
            lambda: sigma.setGeometry(plot.vb.mapRectToScene(plot.vb.rect()))
        )
        self.s2_curve = pg.PlotDataItem(pen=pg.mkPen(colors.PALETTE[1], width=2))
        self.s2_closed = pg.PlotDataItem(
            pen=pg.mkPen(colors.PALETTE[1], width=1.2, style=Qt.PenStyle.DashLine)
        )
        self.sigma_view.addItem(self.s2_curve)
        self.sigma_view.addItem(self.s2_closed)
        legend.addItem(self.ll_curve, "log-lik")
        legend.addItem(self.s2_curve, "σ²")  # the title says what is dashed: one row

    def clear(self) -> None:
        for item in (self.ll_curve, self.s2_curve, self.ll_closed, self.s2_closed):
            item.setData([], [])

    def draw(self, result: pca.Result) -> None:
        a = result.analysis
        frames = a.frames
        if not frames:
            return self.clear()
        n = len(a.X)
        done = frames[: result.iteration + 1]
        its = np.array([f.iteration for f in done], float)
        self.ll_curve.setData(its, np.array([f.loglik for f in done]) / n)
        self.s2_curve.setData(its, np.array([f.sigma2 for f in done]))
        end = float(max(frames[-1].iteration, 1))
        self.plot.setXRange(0, end, padding=0.02)
        ll_all = np.array([f.loglik for f in frames]) / n
        ll_ml = a.closed.loglik_history_[-1] / n
        lo = min(ll_all[min(len(ll_all) - 1, 1)], ll_ml)  # the random start is far below
        self.plot.setYRange(
            lo - 0.05 * abs(ll_ml - lo) - 1e-3, ll_ml + 0.08 * abs(ll_ml - lo) + 1e-3
        )
        s2_all = np.array([f.sigma2 for f in frames])
        self.sigma_view.setYRange(0, max(np.percentile(s2_all, 95), a.closed.sigma2_) * 1.1)
        self.ll_closed.setData([0.0, end], [ll_ml, ll_ml])
        self.s2_closed.setData([0.0, end], [a.closed.sigma2_] * 2)


class HistogramView:
    """One filled step curve per class of the projections on a direction."""

    TITLE = "1-D projection by class"

    def __init__(self, figure) -> None:
        self.plot = plot = figure.addPlot(row=2, col=1, title=self.TITLE)
        plot.setLabel("bottom", "wᵀ(x − m)")
        plot.setLabel("left", "points")
        integer_ticks(plot.getAxis("left"))
        self.legend = outside_legend(plot, "bottom", colCount=3)
        self.items: dict[int, pg.PlotDataItem] = {}
        self._key = None

    def clear(self, title: str = TITLE) -> None:
        for item in self.items.values():
            self.plot.removeItem(item)
        self.items = {}
        self._key = None
        self.legend.clear()
        self.plot.setTitle(title)

    def _items(self, classes: list[int], names: dict[int, str]) -> dict[int, pg.PlotDataItem]:
        """Rebuilt only when the classes change (dragging a point keeps them, so each refit
        only moves data)."""
        key = (tuple(classes), tuple(names.get(k, "") for k in classes))
        if key != self._key:
            self.clear()
            self._key = key
            for k in classes:
                item = pg.PlotDataItem(
                    stepMode="center",
                    fillLevel=0,
                    brush=colors.color(k, 90),
                    pen=pg.mkPen(colors.color(k), width=1.8),
                )
                self.plot.addItem(item)
                self.legend.addItem(item, names.get(k, f"class {k}"))
                self.items[k] = item
        return self.items

    def draw(self, h: pca.Histogram, names: dict[int, str]) -> None:
        if h.direction is None:
            return self.clear(f"{h.which}: not available here")
        peak = 1
        for k, item in self._items(sorted(h.counts), names).items():
            counts = h.counts[k]
            peak = max(peak, int(counts.max()))
            item.setData(h.edges, counts)
        self.plot.setYRange(0, 1.5 * peak, padding=0)  # headroom for the legend
        title = f"Projection on {HISTOGRAM_TITLES[h.which]}"
        if h.criterion is not None:
            title += f": J = {criterion_text(h.criterion)}"
        self.plot.setTitle(title)
