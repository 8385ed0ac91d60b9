"""The linear-models panel's two side plots. Top: the coefficient paths against λ or α, the
perceptron's weights after each update, the log-likelihood contours over (w₁, w₂) with
Newton's path, or the test accuracy against N. Bottom: the loss contours meeting the prior's
ball in coefficient space (or the projection picture for three points), the training errors,
the log-likelihood per step, or each model's accuracy."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from prmlab.gui.panels.linear.drawing import (
    DARK,
    GREEN,
    GREY,
    MODEL_COLOURS,
    VERMILLION,
    joined,
    pen,
    set_xy,
    show_only,
)
from prmlab.gui.theme import ink
from prmlab.gui.widgets import colors
from prmlab.gui.widgets.figure import Figure
from prmlab.gui.widgets.text import TextItem
from prmlab.lab import linear as lab

RANGE_PADDING = 0.08  # of the data's span, each side
OBLIQUE = np.array([[1.0, 0.45, 0.0], [0.0, 0.35, 1.0]])  # the projection picture's view of 3-D
TOP_TITLES = {
    "regression": "Coefficient paths",
    "perceptron": "Weights (w₁, w₂) after each update",
    "logistic": "Log-likelihood over (w₁, w₂) and Newton's steps",
    "generative": "Test accuracy against N training points",
}
BOTTOM_TITLES = {
    "perceptron": "Training errors after each update",
    "logistic": "Log-likelihood ℓ(w) per Newton step",
    "generative": "Accuracy with N training points",
}


def _fit_range(plot: pg.PlotItem, items: list) -> None:
    """Range ``plot`` over ``items``' data with a fixed padding. Not pyqtgraph's autoRange:
    that pads by the items' pixel extents at the plot's size when it runs (and counts text in
    pixels), so a result drawn before the layout settled (a demo) and the same one drawn in a
    reopened session got slightly different ranges."""
    spans: list[list[tuple[float, float]]] = [[], []]
    for item in items:
        if isinstance(item, pg.InfiniteLine):  # vertical: only its x
            spans[0].append((item.value(), item.value()))
        elif isinstance(item, pg.TextItem):  # its anchor point; the padding gives it room
            spans[0].append((item.pos().x(), item.pos().x()))
            spans[1].append((item.pos().y(), item.pos().y()))
        else:
            for axis in (0, 1):
                lo, hi = item.dataBounds(axis)
                if lo is not None and np.isfinite(lo) and np.isfinite(hi):
                    spans[axis].append((lo, hi))
    ranges = {
        key: (min(lo for lo, _ in s), max(hi for _, hi in s))
        for key, s in zip(("xRange", "yRange"), spans)
        if s
    }
    plot.setRange(**ranges, padding=RANGE_PADDING)


def _marks(colour: str, size: float = 9) -> pg.ScatterPlotItem:
    return ink(pg.ScatterPlotItem(size=size, brush=pg.mkBrush(colour), pen=pg.mkPen(DARK)))


class SideView:
    """Both side plots and every mode's items in them; ``draw`` shows a result's."""

    def __init__(self, figure: Figure) -> None:
        self.top = figure.addPlot(row=0, col=1)
        self.bottom = figure.addPlot(row=1, col=1)
        for plot in (self.top, self.bottom):
            for side in ("left", "bottom"):
                plot.getAxis(side).enableAutoSIPrefix(False)
            plot.showGrid(x=True, y=True, alpha=0.25)
            plot.setMenuEnabled(False)
            # ranged from each result (draw); before the first, empty items would auto-range
            # to a zero-height span whose ticks read like "-9e-12"
            plot.disableAutoRange()
            plot.setRange(xRange=(0.0, 1.0), yRange=(0.0, 1.0), padding=0.0)
        path_pens = [pen(colors.PALETTE[k % 8], 2.0) for k in range(lab.MAX_DEGREE)]
        self.paths = [self.top.plot([], [], pen=p) for p in path_pens]
        self.marker = pg.InfiniteLine(angle=90, pen=pen(GREY, 1.8, dashed=True))
        self.top.addItem(self.marker)
        self.w_path = self.top.plot([], [], pen=pen(GREY, 1.5), connect="finite")
        self.w_marks = _marks(GREY, 6)
        self.w_step = self.top.plot([], [], pen=pen(GREEN, 3.0))
        self.w_now = _marks(VERMILLION, 11)
        self.contours = self.top.plot([], [], pen=pen(colors.PALETTE[0], 1.2), connect="finite")
        self.curves = [
            self.top.plot(
                [], [], pen=pen(c, 2.5), symbol="o", symbolSize=5, symbolBrush=c, symbolPen=None
            )
            for c in MODEL_COLOURS
        ]
        for item in (self.w_marks, self.w_now):
            self.top.addItem(item)
        self.top_items = [
            *self.paths,
            self.marker,
            self.w_path,
            self.w_marks,
            self.w_step,
            self.w_now,
            self.contours,
            *self.curves,
        ]
        self.loss = self.bottom.plot([], [], pen=pen(colors.PALETTE[0], 1.2), connect="finite")
        self.touch = self.bottom.plot([], [], pen=pen(colors.PALETTE[0], 2.5), connect="finite")
        self.ball = self.bottom.plot([], [], pen=pen(VERMILLION, 2.5))
        self.points = _marks(DARK, 10)
        self.bottom.addItem(self.points)
        self.series = self.bottom.plot([], [], pen=pen(colors.PALETTE[0], 2.0))
        self.step_line = pg.InfiniteLine(angle=90, pen=pen(GREY, 1.8, dashed=True))
        self.bottom.addItem(self.step_line)
        self.bars = pg.BarGraphItem(
            x=np.arange(4),
            height=np.zeros(4),
            width=0.6,
            brushes=[pg.mkBrush(c) for c in MODEL_COLOURS],
        )
        self.bottom.addItem(self.bars)
        self.plane = self.bottom.plot([], [], pen=pen(GREY, 1.2), fillLevel=None)
        self.arrows = self.bottom.plot([], [], pen=pen(GREY, 2.0), connect="pairs")
        self.y_arrows = self.bottom.plot([], [], pen=pen(colors.PALETTE[0], 2.5), connect="pairs")
        self.residual = self.bottom.plot([], [], pen=pen(VERMILLION, 2.0, dashed=True))
        self.labels = [TextItem(color=GREY, anchor=(0.5, 1.0)) for _ in range(6)]
        for label in self.labels:
            self.bottom.addItem(label)
        self.bottom_items = [
            self.loss,
            self.touch,
            self.ball,
            self.points,
            self.series,
            self.step_line,
            self.bars,
            self.plane,
            self.arrows,
            self.y_arrows,
            self.residual,
            *self.labels,
        ]
        self.mode = ""

    def set_mode(self, mode: str) -> None:
        """Titles, axes and scales of ``mode``; nothing drawn until a result comes."""
        self.mode = mode
        self.top.setTitle(TOP_TITLES[mode])
        self.top.setLogMode(x=mode == "regression", y=False)
        self.top.setAspectLocked(False)
        top_axes = {
            "regression": ("λ or α (log scale)", "coefficient"),
            "perceptron": ("w₁", "w₂"),
            "logistic": ("w₁", "w₂"),
            "generative": ("N (training points)", "test accuracy (%)"),
        }[mode]
        self.top.setLabel("bottom", top_axes[0])
        self.top.setLabel("left", top_axes[1])
        bottom_axes = {
            "regression": ("w₁", "w₂"),
            "perceptron": ("update", "errors"),
            "logistic": ("Newton step", "ℓ(w)"),
            "generative": ("model", "accuracy (%)"),
        }[mode]
        self.bottom.setLabel("bottom", bottom_axes[0])
        self.bottom.setLabel("left", bottom_axes[1])
        ticks = [list(enumerate(("shared Σ", "separate Σ", "naive B.", "logistic")))]
        self.bottom.getAxis("bottom").setTicks(ticks if mode == "generative" else None)
        self.clear()

    def clear(self) -> None:
        show_only(self.top_items + self.bottom_items, [])

    def draw(self, result: lab.Result, lines: dict[str, list[np.ndarray]]) -> None:
        """Draw ``result``; ``lines`` holds contours computed in the job."""
        if isinstance(result, lab.RegressionResult):
            top, bottom = self._regression(result)
        elif isinstance(result, lab.PerceptronResult):
            top, bottom = self._perceptron(result)
        elif isinstance(result, lab.LogisticResult):
            top, bottom = self._logistic(result, lines)
        else:
            top, bottom = self._generative(result)
        show_only(self.top_items, top)
        show_only(self.bottom_items, bottom)
        # the coefficient plane and the projection are pictures of geometry: one scale on both
        # axes, or the L2 circle is drawn as an ellipse and right angles are not
        geometric = isinstance(result, lab.RegressionResult) and (
            result.plane is not None or result.projection is not None
        )
        self.bottom.setAspectLocked(geometric)
        _fit_range(self.top, top)
        _fit_range(self.bottom, bottom)

    # -- regression ----------------------------------------------------------------------------
    def _regression(self, r: lab.RegressionResult) -> tuple[list, list]:
        name = "ridge λ (Gaussian prior)" if r.penalty == "ridge" else "lasso α (Laplace prior)"
        self.top.setTitle(f"Coefficient paths against {name}")
        shown = []
        for k, item in enumerate(self.paths):
            if k < r.path_coefs.shape[1]:
                item.setData(r.path_values, r.path_coefs[:, k])
                shown.append(item)
        self.marker.setValue(np.log10(r.strength))
        top = [*shown, self.marker]
        if r.plane is not None:
            return top, self._plane(r.plane)
        if r.projection is not None:
            return top, self._projection(r.projection)
        self.bottom.setTitle("Coefficient plane: degree ≥ 2 (or 3 points: the projection)")
        return top, []

    def _plane(self, plane: lab.CoefficientPlane) -> list:
        ball = "L2 circle (ridge)" if plane.penalty == "ridge" else "L1 diamond (lasso)"
        self.bottom.setTitle(f"Loss contours meet the {ball}")
        self.bottom.setLabel("bottom", "w₁")
        self.bottom.setLabel("left", "w₂")
        set_xy(self.touch, plane.contours[0])
        set_xy(self.loss, joined(plane.contours[1:]))
        t = np.linspace(0.0, 2.0 * np.pi, 181)
        if plane.penalty == "ridge":
            outline = np.column_stack([np.cos(t), np.sin(t)])
        else:
            outline = np.array([[1, 0], [0, 1], [-1, 0], [0, -1], [1, 0]], float)
        set_xy(self.ball, plane.radius * outline)
        self.points.setData(
            pos=np.vstack([plane.mle, plane.map]),
            brush=[pg.mkBrush(GREEN), pg.mkBrush(VERMILLION)],
        )
        # side by side, each away from the other: the two often nearly coincide
        left, right = (1.0, 0.5), (0.0, 0.5)
        mle_left = plane.mle[0] <= plane.map[0]
        # in their points' colours: over the contours a grey label was hard to read
        mle_at, map_at = (left, right) if mle_left else (right, left)
        self._label(0, plane.mle, "MLE  " if mle_left else "  MLE", mle_at, GREEN)
        self._label(1, plane.map, "  MAP" if mle_left else "MAP  ", map_at, VERMILLION)
        return [self.loss, self.touch, self.ball, self.points, *self.labels[:2]]

    def _projection(self, p: lab.Projection) -> list:
        self.bottom.setTitle("ŷ = X(XᵀX)⁻¹Xᵀy: y projected onto col(X)")
        self.bottom.setLabel("bottom", "")
        self.bottom.setLabel("left", "")
        ones, xs, y, y_hat = (OBLIQUE @ v for v in (p.ones, p.xs, p.y, p.y_hat))
        reach = 1.25 * max(np.linalg.norm(p.ones), np.linalg.norm(p.xs), np.linalg.norm(p.y_hat))
        corners = np.array([[1, 1, 0], [1, -1, 0], [-1, -1, 0], [-1, 1, 0], [1, 1, 0]]) * reach
        set_xy(self.plane, (OBLIQUE @ corners.T).T)
        origin = np.zeros(2)
        set_xy(self.arrows, np.array([origin, ones, origin, xs]))
        set_xy(self.y_arrows, np.array([origin, y, origin, y_hat]))
        set_xy(self.residual, np.array([y_hat, y]))
        for k, (where, text) in enumerate(
            ((ones, "1"), (xs, "x"), (y, "y"), (y_hat, "ŷ"), ((OBLIQUE @ corners[0]), "col(X)"))
        ):
            self._label(k, where, text)
        return [self.plane, self.arrows, self.y_arrows, self.residual, *self.labels[:5]]

    def _label(
        self,
        k: int,
        where: np.ndarray,
        text: str,
        anchor: tuple[float, float] = (0.5, 1.0),
        colour: str = GREY,
    ) -> None:
        self.labels[k].setText(text, color=colour)
        self.labels[k].setAnchor(anchor)
        self.labels[k].setPos(float(where[0]), float(where[1]))

    # -- classification ------------------------------------------------------------------------
    def _perceptron(self, r: lab.PerceptronResult) -> tuple[list, list]:
        run, k = r.run, r.position
        set_xy(self.w_path, run.coefs[: k + 1])
        self.w_marks.setData(pos=run.coefs[: k + 1])
        set_xy(self.w_step, np.vstack([r.coef_before, r.coef]))
        self.w_now.setData(pos=r.coef[None, :])
        steps = np.arange(run.n_updates + 1)
        self.series.setData(steps, run.errors)
        self.step_line.setValue(k)
        title = "Training errors after each update"
        if not run.converged:
            title += ": it cycles, never 0 (not separable)"
        self.bottom.setTitle(title)
        return [self.w_path, self.w_marks, self.w_step, self.w_now], [self.series, self.step_line]

    def _logistic(self, r: lab.LogisticResult, lines) -> tuple[list, list]:
        run, k = r.run, r.position
        set_xy(self.contours, joined(lines["loglik"]))
        set_xy(self.w_path, run.coefs[: k + 1])
        self.w_marks.setData(pos=run.coefs[: k + 1])
        self.w_now.setData(pos=r.coef[None, :])
        self.series.setData(np.arange(run.n_steps + 1), run.loglik)
        self.step_line.setValue(k)
        self.bottom.setTitle(BOTTOM_TITLES["logistic"])
        top = [self.contours, self.w_path, self.w_marks, self.w_now]
        return top, [self.series, self.step_line]

    def _generative(self, r: lab.GenerativeResult) -> tuple[list, list]:
        for k, item in enumerate(self.curves):
            item.setData(r.curve_n, 100 * r.curve_accuracy[:, k] if len(r.curve_n) else [])
        self.marker.setValue(r.n_train)
        self.bars.setOpts(height=100 * r.accuracy)
        what = "test" if r.tested else "training"
        self.bottom.setTitle(f"{what.capitalize()} accuracy with N = {r.n_train}")
        return [*self.curves, self.marker], [self.bars]
