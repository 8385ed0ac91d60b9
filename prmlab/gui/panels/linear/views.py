"""The linear-models panel's main plot: the points (edited by a PointEditor) with, per mode,
the fits and residuals, the perceptron's boundary before and after an update, the sigmoid
surface p(y = 1 | x), or the four classifiers' boundaries and the class Gaussians. Draws lab
results; no maths here beyond placing items."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF

from prmlab.gui.panels.linear.drawing import (
    DARK,
    GREEN,
    GREY,
    MODEL_COLOURS,
    VERMILLION,
    pen,
    set_xy,
    show_only,
)
from prmlab.gui.theme import ink
from prmlab.gui.widgets import colors
from prmlab.gui.widgets.ellipse import ellipse_xy
from prmlab.gui.widgets.figure import Figure
from prmlab.gui.widgets.legend import outside_legend, set_legend_rows
from prmlab.gui.widgets.point_editor import editable_plot
from prmlab.gui.widgets.text import TextItem
from prmlab.lab import linear as lab

TITLES = {
    "regression": "Polynomial fit: least squares (MLE) and MAP",
    "perceptron": "Perceptron: one update at a time",
    "logistic": "Logistic regression: p(y = 1 | x) = σ(wᵀx + b)",
    "generative": "Generative (GDA, naive Bayes) vs discriminative",
}


class DataView:
    """The plane of points and what the mode draws over them, with a legend below."""

    def __init__(self, figure: Figure) -> None:
        self.plot = plot = editable_plot(TITLES["regression"])
        figure.addItem(plot, row=0, col=0, rowspan=2)
        plot.disableAutoRange()
        for side in ("left", "bottom"):  # a table's raw units, not "(x0.001)"
            plot.getAxis(side).enableAutoSIPrefix(False)
        self.legend = outside_legend(plot, "bottom", colCount=3)
        self.image = pg.ImageItem(axisOrder="row-major")
        lut = colors.diverging_colormap().getLookupTable(nPts=256, alpha=False).astype(float)
        self.image.setLookupTable(np.rint(0.55 * lut + 0.45 * 255).astype(np.uint8))
        self.image.setLevels((0.0, 1.0))
        self.image.setZValue(-10)
        plot.addItem(self.image)
        self.residuals = pg.PlotDataItem(connect="pairs", pen=pen(GREY, 1.4))
        self.mle = pg.PlotDataItem(pen=pen(GREEN, 2.2, dashed=True))
        self.fit = pg.PlotDataItem(pen=pen(VERMILLION, 3.0))
        self.before = pg.PlotDataItem(pen=pen(GREY, 2.0, dashed=True))
        self.boundary = pg.PlotDataItem(pen=pen(VERMILLION, 3.0))
        self.corrected = ink(
            pg.ScatterPlotItem(symbol="o", size=26, brush=None, pen=pen(GREEN, 3.0))
        )
        self.boundaries = [
            pg.PlotDataItem(pen=pen(c, 2.5), connect="finite") for c in MODEL_COLOURS
        ]
        self.ellipses = [
            pg.PlotDataItem(pen=pen(c, 1.6)) for c in (colors.PALETTE[0], colors.PALETTE[1])
        ]
        self.pooled = [pg.PlotDataItem(pen=pen(GREY, 1.4, dashed=True)) for _ in range(2)]
        self.training = ink(pg.ScatterPlotItem(symbol="o", size=17, brush=None, pen=pen(GREY, 1.5)))
        self.items = [
            self.residuals,
            self.mle,
            self.fit,
            self.before,
            self.boundary,
            self.corrected,
            *self.boundaries,
            *self.ellipses,
            *self.pooled,
            self.training,
        ]
        for z, item in enumerate(self.items, start=1):
            item.setZValue(z if item is not self.corrected else 20)
            plot.addItem(item)
        self.hover_text = TextItem(color=DARK, fill=pg.mkBrush(255, 255, 255, 220), anchor=(0, 1))
        self.hover_text.setZValue(30)
        plot.addItem(self.hover_text)
        self.mode = ""

    # -- the mode ----------------------------------------------------------------------------
    def set_mode(self, mode: str, axis_names: tuple[str, str]) -> None:
        """Title, axes, aspect and legend of ``mode``; nothing drawn until a result comes."""
        self.mode = mode
        self.plot.setTitle(TITLES[mode])
        self.plot.setLabel("bottom", axis_names[0])
        self.plot.setLabel("left", axis_names[1])
        self.plot.setAspectLocked(mode != "regression")
        self.clear()
        rows = {
            "regression": [
                (self.mle, "least squares (MLE)"),
                (self.fit, "MAP fit"),
                (self.residuals, "residuals"),
            ],
            "perceptron": [
                (self.before, "w before"),
                (self.boundary, "w after"),
                (self.corrected, "misclassified point"),
            ],
            "logistic": [(self.boundary, "p = ½ boundary")],
            "generative": [
                *zip(self.boundaries, lab.MODELS),
                (self.pooled[0], "shared Σ (1σ: 39 %)"),
                (self.training, "training point"),
            ],
        }[mode]
        set_legend_rows(self.legend, rows)

    def clear(self) -> None:
        show_only(self.items, [])
        self.image.hide()
        self.hover_text.hide()

    def set_range(self, extent: tuple[float, float, float, float]) -> None:
        x0, x1, y0, y1 = extent
        self.plot.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)

    # -- results -----------------------------------------------------------------------------
    def draw(self, state: lab.State, result: lab.Result, lines: list[np.ndarray]) -> None:
        """Draw ``result`` of ``state``; ``lines`` are the generative boundaries (p = ½)."""
        if isinstance(result, lab.RegressionResult):
            self._regression(state, result)
        elif isinstance(result, lab.PerceptronResult):
            self._perceptron(state, result)
        elif isinstance(result, lab.LogisticResult):
            self._logistic(state, result)
        else:
            self._generative(state, result, lines)

    def _regression(self, state: lab.State, r: lab.RegressionResult) -> None:
        x, y = state.X[:, 0], state.X[:, 1]
        self.mle.setData(r.x_grid, r.mle_curve)
        self.fit.setData(r.x_grid, r.map_curve)
        segments = np.empty((2 * len(x), 2))
        segments[0::2, 0] = segments[1::2, 0] = x
        segments[0::2, 1], segments[1::2, 1] = y, r.fitted
        set_xy(self.residuals, segments)
        show_only(self.items, [self.mle, self.fit, self.residuals])
        self.image.hide()

    def _perceptron(self, state: lab.State, r: lab.PerceptronResult) -> None:
        extent = self._view_extent()
        set_xy(self.before, lab.line_segment(r.coef_before, r.intercept_before, extent))
        set_xy(self.boundary, lab.line_segment(r.coef, r.intercept, extent))
        shown = [self.before, self.boundary]
        if r.index >= 0:
            self.corrected.setData(pos=state.X[r.index : r.index + 1])
            shown.append(self.corrected)
        show_only(self.items, shown)
        self.image.hide()

    def _logistic(self, state: lab.State, r: lab.LogisticResult) -> None:
        x0, x1, y0, y1 = r.run.extent
        self.image.setImage(r.probability, levels=(0.0, 1.0), autoLevels=False)
        self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        self.image.show()
        set_xy(self.boundary, lab.line_segment(r.coef, r.intercept, r.run.extent))
        show_only(self.items, [self.boundary])

    def _generative(
        self, state: lab.State, r: lab.GenerativeResult, lines: list[np.ndarray]
    ) -> None:
        for item, line in zip(self.boundaries, lines):
            set_xy(item, line)
        for k in range(2):
            self.ellipses[k].setData(*ellipse_xy(r.means[k], r.covariances[k]))
            self.pooled[k].setData(*ellipse_xy(r.means[k], r.shared))
        self.training.setData(pos=state.X[: r.n_train])
        show_only(self.items, [*self.boundaries, *self.ellipses, *self.pooled, self.training])
        self.image.hide()

    def _view_extent(self) -> tuple[float, float, float, float]:
        (x0, x1), (y0, y1) = self.plot.getViewBox().viewRange()
        return (x0, x1, y0, y1)

    def show_hover(self, x: float, y: float, text: str) -> None:
        """A tooltip ``text`` at (x, y) (p(y | x) under the mouse)."""
        self.hover_text.setText(text)
        self.hover_text.setPos(x, y)
        self.hover_text.show()
