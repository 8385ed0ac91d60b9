"""The inference panel's plots, one class per mode: the graph with its messages, the beliefs
beside the exact ones and BP's error per sweep; the Bayesian network and its moral graph;
the denoised images and their error and energy per sweep; the Gaussian p with mean field's
q and the moment-matched fit, and the ELBO. Each draws a lab Result; no maths here beyond
placing items."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal

from prmlab.gui.panels.inference.canvas import CanvasViewBox, GraphCanvas
from prmlab.gui.panels.inference.network import (
    GREY,
    HIGHLIGHT,
    NetworkPlot,
    line_pen,
    marked_curve,
    message_places,
    still_plot,
)
from prmlab.gui.widgets import colors
from prmlab.gui.widgets.ellipse import ellipse_xy
from prmlab.gui.widgets.legend import outside_legend, set_legend_rows
from prmlab.lab import inference as lab

BLUE, ORANGE, GREEN = colors.PALETTE[0], colors.PALETTE[1], colors.PALETTE[2]
PURPLE, SKY = colors.PALETTE[4], colors.PALETTE[5]
METHOD_COLOURS = (BLUE, ORANGE, GREEN)  # lab.METHODS
BELIEF_MAP = colors.diverging_colormap()


def _chart(title: str, x_label: str, y_label: str) -> pg.PlotItem:
    plot = still_plot(title)
    plot.showGrid(x=True, y=True, alpha=0.25)
    plot.setLabel("bottom", x_label)
    plot.setLabel("left", y_label)
    plot.getAxis("left").enableAutoSIPrefix(False)
    return plot


def _span(values: np.ndarray, pad: float = 0.08) -> tuple[float, float]:
    finite = values[np.isfinite(values)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    width = max(hi - lo, 1e-9)
    return lo - pad * width, hi + pad * width


class GraphModeView:
    """The graph with its messages, the beliefs as bars and the error per sweep."""

    def __init__(self) -> None:
        self.network = NetworkPlot("Messages", CanvasViewBox())
        self.canvas = GraphCanvas(self.network.plot, directed=False)
        self.bars = _chart("Beliefs: BP beside exact", "node", "p(x = 1)")
        self.bars.setYRange(0.0, 1.0, padding=0.02)
        self.bp_bars = pg.BarGraphItem(x=[], height=[], width=0.38, brush=BLUE, name="BP")
        self.exact_bars = pg.BarGraphItem(
            x=[], height=[], width=0.38, brush=ORANGE, name="exact (enumeration)"
        )
        self.bars.addItem(self.bp_bars)
        self.bars.addItem(self.exact_bars)
        self.bar_legend = outside_legend(self.bars, "bottom", colCount=2)
        self.error = _chart("BP error per sweep", "sweep", "max |BP − exact|")
        self.error_curve = marked_curve(self.error, HIGHLIGHT, 6)
        self.error_now = pg.InfiniteLine(angle=90, pen=line_pen(GREY, 1.5, dashed=True))
        self.error.addItem(self.error_now)
        self.plots = (self.network.plot, self.bars, self.error)

    def place(self, layout: pg.GraphicsLayout) -> None:
        layout.addItem(self.network.plot, row=0, col=0, rowspan=2)
        layout.addItem(self.bars, row=0, col=1)
        layout.addItem(self.error, row=1, col=1)
        layout.layout.setColumnStretchFactor(0, 3)
        layout.layout.setColumnStretchFactor(1, 2)

    def draw(self, state: lab.State, result: lab.GraphResult) -> None:
        self.draw_network(state, result)
        self.draw_charts(state, result)

    def parts(self, state: lab.State, result: lab.GraphResult) -> tuple:
        """The graph and the charts as two drawing parts (each painted on its own: a graph
        of 16 nodes and 60 messages takes ~20 ms to draw and as long to paint)."""
        return (
            lambda: self.draw_network(state, result),
            lambda: self.draw_charts(state, result),
        )

    def draw_network(self, state: lab.State, result: lab.GraphResult) -> None:
        run = result.run
        xy, edges = state.node_xy, state.edges
        n = len(xy)
        shown = result.beliefs[:, 1] / result.beliefs.sum(axis=1)  # max-marginals to [0, 1]
        self.network.draw_edges(xy, edges)
        self.network.draw_nodes(
            xy, [BELIEF_MAP.map(v, mode="qcolor") for v in shown], [str(i) for i in range(n)]
        )
        tips, unit, places = message_places(xy, edges)
        colours = [HIGHLIGHT if k == result.updated else GREY for k in range(len(tips))]
        self.network.draw_arrows(tips, unit, [pg.mkBrush(c) for c in colours])
        values = result.message_values[:, 1]
        self.network.draw_values(places, [f"{v:.2f}" for v in values], colours)
        self.network.frame(xy)
        kind = "Max-product" if run.kind == "max" else "Sum-product"
        per_sweep = max(1, state.n_messages)
        done, sent = divmod(result.position, per_sweep)
        if result.updated >= 0:
            e, back = divmod(result.updated, 2)
            u, v = (edges[e, 1], edges[e, 0]) if back else (edges[e, 0], edges[e, 1])
            where = f"sweep {done + 1}: {u} → {v} ({sent}/{per_sweep})"
        else:
            where = f"after sweep {done} of {run.sweeps}"
        self.network.plot.setTitle(f"{kind}, {where}")

    def draw_charts(self, state: lab.State, result: lab.GraphResult) -> None:
        run = result.run
        n = len(state.node_xy)
        p1 = result.beliefs[:, 1]
        per_sweep = max(1, state.n_messages)
        done, sent = divmod(result.position, per_sweep)
        x = np.arange(n)
        label = "p(x = 1)" if run.kind == "sum" else "max-marginal"
        self.bars.setLabel("left", label)
        self.bp_bars.setOpts(x=x - 0.2, height=p1)
        self.exact_bars.setOpts(x=x + 0.2, height=run.exact_beliefs[:, 1])
        set_legend_rows(
            self.bar_legend,
            [(self.bp_bars, "BP"), (self.exact_bars, "exact (enumeration)")],
        )
        self.bars.setXRange(-0.6, n - 0.4, padding=0)
        error = run.error
        sweeps = np.arange(len(error))
        last = done + (1 if sent else 0)
        self.error_curve.setData(sweeps[: done + 1], error[: done + 1])
        self.error_now.setValue(result.position / per_sweep)
        tree = "a tree: exact" if run.is_tree else "loopy: approximate"
        self.error.setTitle(f"BP error per sweep ({tree})")
        self.error.setYRange(0.0, 1.08 * max(float(error.max()), 1e-3), padding=0)
        self.error.setXRange(0, max(run.sweeps, last), padding=0.03)


class BayesView:
    """The DAG with the query and active trails, and its moral graph."""

    def __init__(self) -> None:
        self.dag = NetworkPlot("Bayesian network", CanvasViewBox())
        self.canvas = GraphCanvas(self.dag.plot, directed=True)
        self.moral = NetworkPlot("Moral graph (an MRF)")
        self.plots = (self.dag.plot, self.moral.plot)

    def place(self, layout: pg.GraphicsLayout) -> None:
        layout.addItem(self.dag.plot, row=0, col=0)
        layout.addItem(self.moral.plot, row=0, col=1)
        layout.layout.setColumnStretchFactor(0, 3)
        layout.layout.setColumnStretchFactor(1, 2)

    def draw(self, state: lab.State, result: lab.BayesResult) -> None:
        xy, edges, names = state.dag_xy, state.dag_edges, state.dag_names
        brushes = []
        for i in range(len(xy)):
            if i == state.x:
                brushes.append(pg.mkBrush(BLUE))
            elif i == state.y:
                brushes.append(pg.mkBrush(ORANGE))
            elif i in state.evidence:
                brushes.append(pg.mkBrush(GREY))
            else:
                brushes.append(pg.mkBrush("#FFFFFF"))
        tags = [
            "X" if i == state.x else "Y" if i == state.y else "Z" if i in state.evidence else ""
            for i in range(len(xy))
        ]
        self.dag.draw_edges(xy, edges, active=result.active_edges)
        self.dag.draw_nodes(xy, brushes, tags)
        d = xy[edges[:, 1]] - xy[edges[:, 0]]
        unit = d / np.maximum(np.linalg.norm(d, axis=1, keepdims=True), 1e-9)
        tips = xy[edges[:, 1]] - 0.2 * unit
        arrow_colours = [HIGHLIGHT if a else GREY for a in result.active_edges]
        self.dag.draw_arrows(tips, unit, [pg.mkBrush(c) for c in arrow_colours])
        self.dag.draw_values(xy + np.array([0.0, -0.33]), list(names), ["#444444"] * len(names))
        self.dag.frame(xy, below=True)
        answer = "independent" if result.separated else "dependent (an active trail)"
        self.dag.plot.setTitle(f"{result.statement}: {answer}")
        self.moral.draw_edges(xy, result.moral_edges, dashed=result.married)
        self.moral.draw_nodes(xy, brushes, tags)
        self.moral.draw_values(xy + np.array([0.0, -0.33]), list(names))
        self.moral.frame(xy, below=True)
        married = int(result.married.sum())
        self.moral.plot.setTitle(f"Moral graph: {married} parent pair(s) married (dashed)")


class PaintImage(pg.ImageItem):
    """The clean image, painted with the mouse: the left button paints 1, the right button
    or Shift paints 0, a 3 × 3 brush; ``sigPainted(image)`` at a click or a stroke's end
    (one undoable change)."""

    sigPainted = Signal(object)

    def __init__(self) -> None:
        super().__init__(axisOrder="row-major")
        self._stroke: np.ndarray | None = None

    def _paint(self, ev, start: bool) -> None:
        if start or self._stroke is None:
            self._stroke = np.array(self.image, dtype=np.int64)
        erase = ev.button() == Qt.MouseButton.RightButton or bool(
            ev.modifiers() & Qt.KeyboardModifier.ShiftModifier
        )
        h, w = self._stroke.shape
        row, col = int(ev.pos().y()), int(ev.pos().x())
        self._stroke[max(0, row - 1) : min(h, row + 2), max(0, col - 1) : min(w, col + 2)] = (
            0 if erase else 1
        )
        self.setImage(self._stroke.astype(float), autoLevels=False)

    def mouseClickEvent(self, ev) -> None:
        ev.accept()
        self._paint(ev, start=True)
        self.sigPainted.emit(self._stroke)

    def mouseDragEvent(self, ev) -> None:
        ev.accept()
        self._paint(ev, start=ev.isStart())
        if ev.isFinish():
            self.sigPainted.emit(self._stroke)


class DenoiseView:
    """The clean and noisy images, the three methods' p(x = 1), and error and energy per
    sweep."""

    TITLES = ("Clean x (paint)", "Noisy y", "Loopy BP", "Mean field", "Gibbs p̂(x=1)")

    def __init__(self) -> None:
        self.image_plots: list[pg.PlotItem] = []
        self.images: list[pg.ImageItem] = []
        lut = colors.sequential_colormap().getLookupTable(nPts=256, alpha=False)
        for title in self.TITLES:
            plot = still_plot(title, picture=True)
            plot.invertY(True)
            plot.setPreferredWidth(60)  # equal columns: the titles' widths do not count
            image = PaintImage() if not self.images else pg.ImageItem(axisOrder="row-major")
            image.setLookupTable(lut)
            image.setLevels((0.0, 1.0))
            plot.addItem(image)
            self.image_plots.append(plot)
            self.images.append(image)
        self.error = _chart("Pixel error per sweep", "sweep", "wrong pixels (%)")
        # (a title changing per step would lay the figure out again: the ELBO is in the text)
        self.energy = _chart("Energy −log p̃(x̂) per sweep", "sweep", "energy")
        self.error_curves = [
            self.error.plot([], [], pen=line_pen(c, 2.5), name=name)
            for c, name in zip(METHOD_COLOURS, lab.METHODS, strict=True)
        ]
        self.energy_curves = [
            self.energy.plot([], [], pen=line_pen(c, 2.5)) for c in METHOD_COLOURS
        ]
        self.now = [pg.InfiniteLine(angle=90, pen=line_pen(GREY, 1.5, dashed=True)) for _ in "ab"]
        self.error.addItem(self.now[0])
        self.energy.addItem(self.now[1])
        self.legend = outside_legend(self.error, "bottom", colCount=3)
        # the charts in a row of their own: their axes do not widen the images' columns
        self.charts = pg.GraphicsLayout()
        self.charts.addItem(self.error, row=0, col=0)
        self.charts.addItem(self.energy, row=0, col=1)
        self.charts.layout.setColumnStretchFactor(0, 3)
        self.charts.layout.setColumnStretchFactor(1, 2)
        self.plots = (*self.image_plots, self.error, self.energy)
        self.clean = self.images[0]

    def place(self, layout: pg.GraphicsLayout) -> None:
        for k, plot in enumerate(self.image_plots):
            layout.addItem(plot, row=0, col=k)
        layout.addItem(self.charts, row=1, col=0, colspan=5)
        for k in range(5):
            layout.layout.setColumnStretchFactor(k, 1)
        layout.layout.setRowStretchFactor(0, 2)
        layout.layout.setRowStretchFactor(1, 3)

    def draw(self, state: lab.State, result: lab.DenoiseResult) -> None:
        self.draw_images(state, result)
        self.draw_charts(result)

    def parts(self, state: lab.State, result: lab.DenoiseResult) -> tuple:
        """The images and the charts as two drawing parts (each painted on its own)."""
        return (lambda: self.draw_images(state, result), lambda: self.draw_charts(result))

    def draw_images(self, state: lab.State, result: lab.DenoiseResult) -> None:
        run = result.run
        h, w = state.image.shape
        pictures = (state.image.astype(float), run.noisy.astype(float), *result.p1)
        for plot, image, picture in zip(self.image_plots, self.images, pictures, strict=True):
            image.setImage(picture, autoLevels=False)
            plot.setRange(xRange=(0, w), yRange=(0, h), padding=0)

    def draw_charts(self, result: lab.DenoiseResult) -> None:
        run, k = result.run, result.position
        sweeps = np.arange(k + 1)
        for m, (curve, energy) in enumerate(
            zip(self.error_curves, self.energy_curves, strict=True)
        ):
            curve.setData(sweeps, 100 * run.error[m, : k + 1])
            energy.setData(sweeps, run.energy[m, : k + 1])
        set_legend_rows(
            self.legend, [(c, n) for c, n in zip(self.error_curves, lab.METHODS, strict=True)]
        )
        for line in self.now:
            line.setValue(k)
        for plot in (self.error, self.energy):
            plot.setXRange(0, run.sweeps, padding=0.03)
        self.error.setYRange(*_span(100 * run.error), padding=0)
        self.energy.setYRange(*_span(run.energy), padding=0)


class VariationalView:
    """p's contours with mean field's q (KL(q‖p)) and the moment-matched fit (KL(p‖q)), and
    the ELBO per coordinate update."""

    def __init__(self) -> None:
        self.plane = _chart("p(z) and the factorised q(z)", "z₁", "z₂")
        self.plane.setAspectLocked(True)
        self.p_lines = [
            self.plane.plot([], [], pen=line_pen(GREY, 2.0 if s == 1 else 1.2)) for s in (1, 2)
        ]
        self.q_line = self.plane.plot([], [], pen=line_pen(BLUE, 3.0))
        self.moment_line = self.plane.plot([], [], pen=line_pen(ORANGE, 2.5, dashed=True))
        self.path = marked_curve(self.plane, BLUE)
        self.path.setPen(line_pen(BLUE, 1.2))
        self.legend = outside_legend(self.plane, "bottom", colCount=2)
        self.elbo = _chart("ELBO = E_q[log p] + H(q)", "coordinate update", "ELBO")
        self.elbo_curve = marked_curve(self.elbo, BLUE)
        self.limit = pg.InfiniteLine(angle=0, pen=line_pen(GREY, 1.5, dashed=True))
        self.elbo.addItem(self.limit)
        self.plots = (self.plane, self.elbo)

    def place(self, layout: pg.GraphicsLayout) -> None:
        layout.addItem(self.plane, row=0, col=0)
        layout.addItem(self.elbo, row=0, col=1)
        layout.layout.setColumnStretchFactor(0, 3)
        layout.layout.setColumnStretchFactor(1, 2)

    def draw(self, state: lab.State, result: lab.VariationalResult) -> None:
        for line, s in zip(self.p_lines, (1, 2), strict=True):
            line.setData(*ellipse_xy(result.mu, result.cov, s))
        self.q_line.setData(*ellipse_xy(result.mean, np.diag(result.q_var), 2))
        self.moment_line.setData(*ellipse_xy(result.mu, np.diag(result.moment_var), 2))
        k = result.position
        self.path.setData(result.means[: k + 1, 0], result.means[: k + 1, 1])
        set_legend_rows(
            self.legend,
            [
                (self.p_lines[0], "p: 1σ, 2σ (39, 86 %)"),
                (self.q_line, "mean field q, 2σ: 86 % (KL(q‖p))"),
                (self.moment_line, "moment match, 2σ: 86 % (KL(p‖q))"),
                (self.path, "q's means per update"),
            ],
        )
        reach = 2.2 * max(1.0, state.sd2) + 0.4
        self.plane.setRange(xRange=(-reach, reach), yRange=(-reach, reach), padding=0)
        steps = np.arange(k + 1)
        self.elbo_curve.setData(steps, result.elbo[: k + 1])
        self.limit.setValue(0.0)
        lo, _hi = _span(result.elbo)
        self.elbo.setYRange(lo, 0.05 * (0.0 - lo), padding=0)
        self.elbo.setXRange(0, lab.N_UPDATES, padding=0.03)
        self.elbo.setTitle(f"ELBO {result.elbo[k]:.3f} ≤ log Z = 0")
