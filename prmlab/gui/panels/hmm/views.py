"""The plots below the trellis: the posteriors γ with the path strips, the Baum-Welch
log-likelihood curves, and λ's A and B as heat maps (B as densities when Gaussian)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFontMetricsF

from prmlab.gui.widgets import colors
from prmlab.gui.widgets.figure import integer_ticks
from prmlab.gui.widgets.legend import outside_legend
from prmlab.gui.widgets.pool import grown
from prmlab.gui.widgets.text import TextItem
from prmlab.lab import hmm as lab

STRIP_COLUMNS = 8000  # the path strips of the overview show every k-th step beyond this
TEXT_CELLS = 32  # heat maps with up to this many cells (4 a row) print their values
# Longer posterior curves are drawn without antialiasing: a dense antialiased zig-zag took
# ~200 ms a repaint per state at T = 100,000, and at that density it looks the same.
SMOOTH_POINTS = 2000
# Ranges set from the data with a fixed padding: pyqtgraph's autoRange pads by the plot's
# size and its items' pixel extents when it runs, so a reopened session was drawn a little
# differently from the one saved
RANGE_PADDING = 0.05
STRIPS = (("viterbi", -0.2, "Viterbi"), ("posterior", -0.42, "argmax γ"), ("true", -0.64, "true"))


def one_based_ticks(axis: pg.AxisItem) -> None:
    """Label a time axis 1, …, T as the formulas count, while the arrays and the plot's
    x coordinates stay 0-based: ticks at round 1-based times, each labelled x + 1."""
    values, strings = axis.tickValues, axis.tickStrings

    def shifted_values(lo: float, hi: float, size: float) -> list:
        return [(step, [v - 1 for v in vs]) for step, vs in values(lo + 1, hi + 1, size)]

    def shifted_strings(vals: list[float], scale: float, spacing: float) -> list[str]:
        return strings([v + 1 for v in vals], scale, spacing)

    axis.tickValues = shifted_values
    axis.tickStrings = shifted_strings


class PosteriorView:
    """γ_t(i) over the whole sequence, the three paths as colour strips below it, and a
    region marking the trellis' window (drag it to move the trellis)."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.plot = plot
        # the strips are named under them: as tick labels 0.22 of the axis apart they were
        # drawn over each other at every size, and a legend row cost the figure its height
        paths = ", ".join(s for _, _, s in STRIPS)
        plot.setLabel("bottom", f"time t  ·  bars, top to bottom: {paths}")
        one_based_ticks(plot.getAxis("bottom"))
        plot.setMouseEnabled(x=True, y=False)
        outside_legend(plot, "right")  # below, its row cost a short figure the height
        self.curves: list[pg.PlotDataItem] = []
        self.strips: dict[str, tuple[pg.ImageItem, float]] = {}
        for name, y, _ in STRIPS:
            img = pg.ImageItem(axisOrder="col-major")
            img.setZValue(-5)
            plot.addItem(img)
            self.strips[name] = (img, y)
        self.region = pg.LinearRegionItem(
            brush=pg.mkBrush(230, 159, 0, 40), pen=pg.mkPen(colors.PALETTE[1], width=1.5)
        )
        self.region.setZValue(10)
        plot.addItem(self.region, ignoreBounds=True)
        plot.getAxis("left").setTicks([[(1.0, "1"), (0.5, "0.5"), (0.0, "0")]])

    def draw(self, state: lab.State, result: lab.Result | None) -> None:
        a = result.analysis if result is not None else None
        if a is not None and a.T != state.T:
            a = None
        model = result.model if result is not None else state.model
        title = "Posterior γ<sub>t</sub>(i) and decoded paths"
        if a is not None:
            title = (
                f"Posterior γ<sub>t</sub>(i) · log p(O|λ) = {a.log_likelihood:.5g} · "
                f"Viterbi log p(O, I*|λ) = {a.viterbi_log_prob:.5g}"
            )
        self.plot.setTitle(title)
        self._match_curves(model.states)
        if a is None:
            for curve in self.curves:
                curve.setData([], [])
        else:  # long sequences: the mean of γ over blocks of steps (an overview)
            t, gamma = lab.gamma_overview(a, STRIP_COLUMNS)
            for k, curve in enumerate(self.curves):
                curve.setData(t, gamma[:, k], antialias=len(t) <= SMOOTH_POINTS)
        palette = colors.palette_rgb(8).astype(np.uint8)
        T = state.T
        for name, (img, y) in self.strips.items():
            path = None
            if a is not None:
                path = {"viterbi": a.viterbi, "posterior": a.posterior, "true": state.true_path}
                path = path[name]
            if path is None or len(path) != T:
                img.clear()
                continue
            step = max(1, -(-T // STRIP_COLUMNS))  # every step-th state: an overview
            rgb = palette[np.asarray(path)[::step] % 8][:, None, :]
            img.setImage(rgb, levels=(0, 255))
            img.setRect(QRectF(-0.5, y - 0.16, len(rgb) * step, 0.16))
        self.plot.setYRange(-0.86, 1.3, padding=0)

    def _match_curves(self, states: tuple[str, ...]) -> None:
        """One curve per state, named after it."""
        while len(self.curves) > len(states) or (
            self.curves and self.curves[0].name() != states[0]
        ):
            curve = self.curves.pop()
            self.plot.legend.removeItem(curve)
            self.plot.removeItem(curve)
        while len(self.curves) < len(states):
            k = len(self.curves)
            curve = self.plot.plot(
                [], [], name=states[k], pen=pg.mkPen(colors.PALETTE[k % 8], width=1.8)
            )
            curve.setClipToView(True)
            curve.setDownsampling(auto=True, method="peak")
            self.curves.append(curve)


class LikelihoodView:
    """log p(O | λ) per Baum-Welch iteration: the kept run bold, other restarts grey."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.plot = plot
        plot.setLabel("bottom", "iteration")
        integer_ticks(plot.getAxis("bottom"))
        plot.showGrid(x=True, y=True, alpha=0.2)
        self.curves: list[pg.PlotDataItem] = []

    @property
    def drawn(self) -> list[pg.PlotDataItem]:
        """The curves on show."""
        return [c for c in self.curves if c.isVisible()]

    def draw(self, curves: tuple[np.ndarray, ...], best: int) -> None:
        # curves made once and reused: a new one per restart at every step took ~15 ms each
        shown = grown(self.curves, len(curves), lambda: self.plot.plot([], []))
        for r, (curve, h) in enumerate(zip(shown, curves)):
            kept = r == best
            pen = pg.mkPen(colors.PALETTE[3] if kept else (150, 150, 150), width=2.5 if kept else 1)
            curve.setData(np.arange(1, len(h) + 1), h, pen=pen)
            curve.setZValue(2 if kept else 1)
            curve.setVisible(True)
        for curve in self.curves[len(curves) :]:
            curve.setData([], [])
            curve.setVisible(False)
        if curves:
            values = np.concatenate(curves)
            values = values[np.isfinite(values)]
            self.plot.setXRange(1, max(len(h) for h in curves), padding=RANGE_PADDING)
            if values.size:
                self.plot.setYRange(values.min(), values.max(), padding=RANGE_PADDING)


class HeatMap:
    """A matrix of probabilities as an image with row and column names (and the values,
    when few)."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.plot = plot
        plot.invertY(True)
        plot.setMouseEnabled(x=False, y=False)
        plot.hideButtons()
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setColorMap(colors.sequential_colormap())
        self.image.setLevels((0.0, 1.0))
        plot.addItem(self.image)
        self.texts: list[TextItem] = []
        self._written: tuple[np.ndarray, np.ndarray | None] = (np.zeros((0, 0)), None)
        # a cell's two lines (the fitted value over the true one) become one when the cell
        # is not two lines tall: at 1440x900 they ran over the cells below
        plot.getViewBox().sigResized.connect(lambda *_: self._show_values(*self._written))

    def draw(
        self,
        values: np.ndarray,
        rows: tuple[str, ...],
        cols: tuple[str, ...],
        true: np.ndarray | None = None,
    ) -> None:
        """``values`` shaded and, when few, written on their cells; ``true`` (same shape)
        written under each value: the model that sampled O beside the fitted one."""
        plot = self.plot
        with_text = 0 < values.size <= TEXT_CELLS and values.shape[1] <= 4
        self._show_values(values if with_text else np.zeros((0, 0)), true)
        if values.size == 0:
            return
        self.image.setImage(values, levels=(0.0, 1.0))
        self.image.setRect(QRectF(-0.5, -0.5, values.shape[1], values.shape[0]))
        plot.getAxis("left").setTicks([[(i, s[:6]) for i, s in enumerate(rows)]])
        plot.getAxis("bottom").setTicks([[(j, s[:6]) for j, s in enumerate(cols)]])
        plot.setXRange(-0.5, values.shape[1] - 0.5, padding=0)
        plot.setYRange(-0.5, values.shape[0] - 0.5, padding=0)

    def _show_values(self, values: np.ndarray, true: np.ndarray | None) -> None:
        """The values written on their cells. The texts are kept and changed in place: made
        anew for every Baum-Welch step, they took ~10 ms of the GUI thread a frame."""
        self._written = (values, true)
        while len(self.texts) > values.size:
            self.plot.removeItem(self.texts.pop())
        while len(self.texts) < values.size:
            self.texts.append(TextItem(anchor=(0.5, 0.5)))
            self.plot.addItem(self.texts[-1])
        if not self.texts:
            return
        line = QFontMetricsF(self.texts[0].textItem.font()).height()
        cell = self.plot.getViewBox().height() / max(values.shape[0], 1)
        between = "\n" if cell >= 2.0 * line else " "
        for (i, j), text in zip(np.ndindex(*values.shape), self.texts):
            v = values[i, j]
            label = "0" if v == 0 else f"{v:.2f}"  # an exact zero: a structural zero
            if true is not None:
                label += f"{between}({true[i, j]:.2f})"
            shown = (label, "k" if v > 0.6 else "w")
            if getattr(text, "shown", None) != shown:
                text.shown = shown
                text.setText(*shown)
            text.setPos(j, i)


class ModelView:
    """A as a heat map; B as a heat map over symbols, or each state's Gaussian density."""

    def __init__(self, a_plot: pg.PlotItem, b_plot: pg.PlotItem) -> None:
        self.a = HeatMap(a_plot)
        self.b = HeatMap(b_plot)
        self.b_curves: list[pg.PlotDataItem] = []

    def draw(self, m: lab.Model, true: lab.Model | None = None) -> None:
        """λ's A and B; with ``true`` (the model that sampled O, same shapes) each cell shows
        the fitted value over the true one in brackets, side by side in one picture."""
        if true is not None and (true.kind != m.kind or true.B.shape != m.B.shape):
            true = None
        self.a.draw(m.transmat, m.states, m.states, None if true is None else true.transmat)
        self.a.plot.setTitle(
            "A: a<sub>ij</sub>" if true is None else "A: fitted a<sub>ij</sub> (true)"
        )
        self.a.plot.setLabel("left", "from state i")
        self.a.plot.setLabel("bottom", "to state j")
        plot = self.b.plot
        for c in self.b_curves:
            plot.removeItem(c)
        self.b_curves = []
        if m.kind == "symbols":
            plot.invertY(True)
            self.b.image.setVisible(True)
            self.b.draw(m.B, m.states, m.symbols, None if true is None else true.B)
            plot.setLabel("left", "state j")
            plot.setLabel("bottom", "symbol k")
            plot.setTitle(
                "B: b<sub>j</sub>(k)" if true is None else "B: fitted b<sub>j</sub>(k) (true)"
            )
            return
        self.b.image.setVisible(False)
        self.b.draw(np.zeros((0, 0)), (), ())
        plot.invertY(False)
        x, density = lab.gaussian_densities(m)
        for k in range(m.n_states):
            pen = pg.mkPen(colors.PALETTE[k % 8], width=2)
            self.b_curves.append(plot.plot(x, density[:, k], pen=pen))
        if true is not None:  # the true emissions dashed, over the same x
            _, true_density = lab.gaussian_densities(true, x)
            for k in range(true.n_states):
                pen = pg.mkPen(colors.PALETTE[k % 8], width=1.5, style=Qt.PenStyle.DashLine)
                self.b_curves.append(plot.plot(x, true_density[:, k], pen=pen))
        plot.getAxis("left").setTicks(None)
        plot.getAxis("bottom").setTicks(None)
        plot.setLabel("left", "density b<sub>j</sub>(x)")
        plot.getAxis("left").enableAutoSIPrefix(False)
        plot.setLabel("bottom", "observation x")
        plot.setTitle(
            "B: Gaussian b<sub>j</sub>(x)"
            if true is None
            else "B: fitted b<sub>j</sub>(x), true dashed"
        )
        plot.setXRange(x[0], x[-1], padding=RANGE_PADDING)
        plot.setYRange(0.0, float(density.max()), padding=RANGE_PADDING)
