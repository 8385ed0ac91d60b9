"""The MCMC chains view: the target with the chains, their traces, marginals,
autocorrelation and acceptance rates, one small class per plot (each draws a lab result)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor

from prmlab.gui.theme import ink
from prmlab.gui.widgets import colors
from prmlab.gui.widgets.figure import integer_ticks, settle_ranges
from prmlab.gui.widgets.legend import outside_legend
from prmlab.lab import mcmc

TRAIL = 120  # path points drawn per chain on the target
# Chains in colours apart from the accepted/rejected green and vermillion: the palette less
# those two, then Paul Tol's indigo and wine for chains 7 and 8.
CHAIN_COLORS = (
    *(c for c in colors.PALETTE if c not in (colors.ACCEPT, colors.REJECT)),
    "#332288",
    "#882255",
)


def chain_color(c: int, alpha: int = 255) -> QColor:
    """Chain ``c``'s colour (never the accepted or rejected colour)."""
    color = QColor(CHAIN_COLORS[c % len(CHAIN_COLORS)])
    color.setAlpha(alpha)
    return color


def contours(field: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, ...]:
    """Contours of ``field`` (len(ys), len(xs)) at ``mcmc.LEVELS``, as NaN-separated
    polylines in data coordinates (marching squares is slow in Python: run it in a worker)."""
    dx = (xs[-1] - xs[0]) / (len(xs) - 1)
    dy = (ys[-1] - ys[0]) / (len(ys) - 1)
    out = []
    for level in mcmc.LEVELS:
        parts = []
        for line in pg.functions.isocurve(field.T, level, connected=True):
            a = np.asarray(line, dtype=float)
            parts.append(np.column_stack([xs[0] + a[:, 0] * dx, ys[0] + a[:, 1] * dy]))
            parts.append(np.full((1, 2), np.nan))
        out.append(np.concatenate(parts) if parts else np.empty((0, 2)))
    return tuple(out)


class DensityMap:
    """A plot's target density image with its 1, 2, 3 σ contours (aspect locked: isotropic
    proposals and momenta look isotropic)."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.plot = plot
        plot.setLabel("bottom", "x")
        plot.setLabel("left", "y")
        plot.setAspectLocked(True)
        self.image = pg.ImageItem()
        self.image.setColorMap(colors.density_colormap())
        self.image.setZValue(-20)
        plot.addItem(self.image)
        pen = pg.mkPen(90, 90, 110, 200, width=1)
        self.isos = [plot.plot([], [], pen=pen, connect="finite") for _ in mcmc.LEVELS]

    def draw_target(self, view: mcmc.TargetView, lines: tuple[np.ndarray, ...]) -> None:
        x0, x1, y0, y1 = view.target.bounds
        rect = QRectF(x0, y0, x1 - x0, y1 - y0)
        self.image.setImage(view.density.T, levels=(0.0, 1.0))
        self.image.setRect(rect)
        for iso, line in zip(self.isos, lines):
            iso.setData(line[:, 0], line[:, 1])
        self.plot.setRange(rect, padding=0.02)


class ChainMap(DensityMap):
    """The target with each chain's recent path, its head, the last step's proposals and
    move, the proposals of the steps before (faint) and the start mark."""

    NEAR_PX = 12.0  # how close (pixels) the cursor must come to a chain's point or proposal

    def chain_near(self, result: mcmc.Result | None, scene_pos) -> int | None:
        """The chain whose current point or last proposal is within ``NEAR_PX`` of the scene
        point ``scene_pos`` (the nearest one), else None."""
        vb = self.plot.getViewBox()
        if result is None or result.steps == 0 or not vb.sceneBoundingRect().contains(scene_pos):
            return None
        p = vb.mapSceneToView(scene_pos)
        pixel = np.array(vb.viewPixelSize())
        points = np.concatenate([result.chains[:, -1], result.proposals[:, -1]])
        distance = np.hypot(*((points - (p.x(), p.y())) / pixel).T)
        nearest = int(np.argmin(distance))
        return nearest % len(result.chains) if distance[nearest] <= self.NEAR_PX else None

    def __init__(self, plot: pg.PlotItem) -> None:
        super().__init__(plot)
        self.paths = [
            # Redrawn every frame: thin, not antialiased (a stroked wide path costs ~10x).
            plot.plot([], [], pen=pg.mkPen(chain_color(c, 150), width=1), antialias=False)
            for c in range(mcmc.MAX_CHAINS)
        ]
        # Accepted and rejected proposals in separate items: one brush each draws fast.
        self.trail_ok, self.trail_bad = (
            pg.ScatterPlotItem(size=4, pen=None, brush=pg.mkBrush(c))
            for c in (colors.ACCEPT, colors.REJECT)
        )
        plot.addItem(self.trail_ok)
        plot.addItem(self.trail_bad)
        self.moves = plot.plot(
            [], [], pen=pg.mkPen(60, 60, 60, 220, width=1, style=Qt.PenStyle.DashLine),
            connect="finite",
        )  # fmt: skip
        self.props_ok, self.props_bad = (
            pg.ScatterPlotItem(size=11, pen=pg.mkPen("w", width=1), brush=pg.mkBrush(c))
            for c in (colors.ACCEPT, colors.REJECT)
        )
        for item in (self.props_ok, self.props_bad):
            item.setZValue(8)
            plot.addItem(item)
        self._brushes = [pg.mkBrush(chain_color(c)) for c in range(mcmc.MAX_CHAINS)]
        self.heads = ink(pg.ScatterPlotItem(size=12, symbol="o", pen=pg.mkPen("k", width=1.5)))
        self.heads.setZValue(10)
        plot.addItem(self.heads)
        self.start_mark = ink(
            pg.ScatterPlotItem(size=14, symbol="x", pen=pg.mkPen("k", width=2), brush="k"),
            fill=True,
        )
        plot.addItem(self.start_mark)
        legend = outside_legend(plot, "bottom", colCount=2)
        for name, c in (("accepted z*", colors.ACCEPT), ("rejected z*", colors.REJECT)):
            legend.addItem(pg.ScatterPlotItem(symbol="o", brush=c, pen=None, size=9), name)

    def draw_paths(self, chains: np.ndarray) -> None:
        """The last ``TRAIL`` points of every chain and its head."""
        n = chains.shape[0]
        for c, curve in enumerate(self.paths):
            if c < n:
                tail = chains[c, -TRAIL:]
                curve.setData(tail[:, 0], tail[:, 1])
            else:
                curve.setData([], [])
        self.heads.setData(pos=chains[:, -1], brush=self._brushes[:n])

    def draw(self, result: mcmc.Result) -> None:
        """Paths, start mark, the last step's proposals and move, earlier proposals faint."""
        self.draw_paths(result.chains)
        self.start_mark.setData(pos=result.starts)
        recent = max(result.proposals.shape[1] - 1, 0)
        past = result.proposals[:, :recent].reshape(-1, 2)
        acc = result.accepted[:, result.steps + 1 - result.proposals.shape[1] : -1]
        acc = acc.reshape(-1) if recent else np.zeros(0, bool)
        self.trail_ok.setData(pos=past[acc])
        self.trail_bad.setData(pos=past[~acc])
        if result.steps == 0:
            for item in (self.props_ok, self.props_bad, self.moves):
                item.setData([], [])
            return
        acc, prop = result.accepted[:, -1], result.proposals[:, -1]
        self.props_ok.setData(pos=prop[acc])
        self.props_bad.setData(pos=prop[~acc])
        lines = result.moves()
        self.moves.setData(lines[:, 0], lines[:, 1])

    def clear(self) -> None:
        for item in (*self.paths, self.moves):
            item.setData([], [])
        for item in (self.trail_ok, self.trail_bad, self.props_ok, self.props_bad):
            item.setData([], [])
        self.heads.setData([], [])
        self.start_mark.setData([], [])


class TracePlot:
    """The trace of one coordinate for every chain, the burn-in shaded."""

    def __init__(self, plot: pg.PlotItem, k: int) -> None:
        self.plot, self.k = plot, k
        name = "xy"[k]
        plot.setLabel("bottom", "step")
        integer_ticks(plot.getAxis("bottom"))
        plot.setLabel("left", name)
        self.curves = [
            plot.plot([], [], pen=pg.mkPen(chain_color(c, 210), width=1), antialias=False)
            for c in range(mcmc.MAX_CHAINS)
        ]
        self.burn = pg.LinearRegionItem(
            (0, 0), movable=False, brush=pg.mkBrush(128, 128, 128, 50), pen=pg.mkPen(None)
        )
        plot.addItem(self.burn, ignoreBounds=True)

    def draw(self, chains: np.ndarray, burn_in: int) -> None:
        steps, values = mcmc.trace_envelope(chains, self.k)
        for c, curve in enumerate(self.curves):
            if c < chains.shape[0]:
                curve.setData(steps, values[c])
            else:
                curve.setData([], [])
        self.draw_burn(burn_in, chains.shape[1])
        settle_ranges(self.plot)

    def draw_burn(self, burn_in: int, n_draws: int) -> None:
        self.burn.setRegion((0, min(burn_in, n_draws)))


class MarginalPlot:
    """A histogram of one coordinate's kept draws over its true marginal (grid)."""

    def __init__(self, plot: pg.PlotItem, k: int) -> None:
        self.plot = plot
        plot.setLabel("bottom", "xy"[k])
        plot.setLabel("left", "density")
        plot.getAxis("left").enableAutoSIPrefix(False)
        self.bars = plot.plot(
            [], [], stepMode="center", fillLevel=0, pen=pg.mkPen(colors.PALETTE[5], width=1),
            brush=pg.mkBrush(colors.color(5, 110)), name="draws",
        )  # fmt: skip
        self.truth = plot.plot([], [], pen=pg.mkPen(colors.PALETTE[1], width=2.5), name="true")

    def add_legend(self) -> None:
        legend = outside_legend(self.plot, "bottom", colCount=2)
        # short names, side by side: on two rows they set the figure's least height
        legend.addItem(self.bars, "draws")
        legend.addItem(self.truth, "true")

    def draw_truth(self, grid: np.ndarray, density: np.ndarray) -> None:
        self.truth.setData(grid, density)

    def draw(self, hist: tuple[np.ndarray, np.ndarray] | None) -> None:
        self.bars.setData(*(hist if hist is not None else ([], [])))


class AcfPlot:
    """The autocorrelation of the kept draws (mean over chains) of x and y by lag."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.plot = plot
        plot.setLabel("bottom", "lag")
        integer_ticks(plot.getAxis("bottom"))
        plot.setLabel("left", "mean ρ")  # vertical labels longer than the plot were cut
        outside_legend(plot, "bottom", colCount=2)
        self.curves = [
            plot.plot(
                [],
                [],
                pen=pg.mkPen(colors.PALETTE[k * 4], width=2),
                symbol="o",
                symbolSize=4,
                symbolBrush=colors.PALETTE[k * 4],
                name=name,
            )  # fmt: skip
            for k, name in enumerate(("x", "y"))
        ]
        plot.addItem(pg.InfiniteLine(0, angle=0, pen=pg.mkPen(128, 128, 128, 160)))

    def draw(self, diagnostics: mcmc.Diagnostics | None) -> None:
        acfs = diagnostics.acf if diagnostics is not None else [np.empty(0)] * 2
        for curve, acf in zip(self.curves, acfs):
            curve.setData(np.arange(len(acf)), acf)
        settle_ranges(self.plot)


class RatePlot:
    """Every chain's running acceptance rate."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.plot = plot
        plot.setLabel("bottom", "step")
        integer_ticks(plot.getAxis("bottom"))
        plot.setLabel("left", "running mean")
        plot.setYRange(0, 1.02)
        self.curves = [
            plot.plot([], [], pen=pg.mkPen(chain_color(c, 220), width=1), antialias=False)
            for c in range(mcmc.MAX_CHAINS)
        ]

    def draw(self, accepted: np.ndarray) -> None:
        steps, rates = mcmc.acceptance_curves(accepted)
        for c, curve in enumerate(self.curves):
            if c < rates.shape[0] and len(steps):
                curve.setData(steps, rates[c])
            else:
                curve.setData([], [])
        settle_ranges(self.plot)


class ChainsView:
    """The chains' layout: target (left, 3 rows), traces and marginals, ACF and rates."""

    def __init__(self, layout: pg.GraphicsLayout) -> None:
        self.layout = layout
        self.map = ChainMap(layout.addPlot(row=0, col=0, rowspan=3, title="Target and chains"))
        self.traces = [
            TracePlot(layout.addPlot(row=k, col=1, title=f"Trace of {n}"), k)
            for k, n in enumerate("xy")
        ]
        self.marginals = [
            MarginalPlot(layout.addPlot(row=k, col=2, title=f"Marginal of {n}"), k)
            for k, n in enumerate("xy")
        ]
        self.marginals[0].add_legend()
        self.acf = AcfPlot(layout.addPlot(row=2, col=1, title="Autocorrelation"))
        self.rates = RatePlot(layout.addPlot(row=2, col=2, title="Acceptance rate"))
        for col, stretch in enumerate((5, 3, 3)):
            layout.layout.setColumnStretchFactor(col, stretch)

    def draw_target(self, view: mcmc.TargetView, lines: tuple[np.ndarray, ...]) -> None:
        self.map.draw_target(view, lines)
        self.marginals[0].draw_truth(view.xs, view.px)
        self.marginals[1].draw_truth(view.ys, view.py)

    def draw_histograms(self, kept: np.ndarray, bounds: tuple) -> None:
        for plot, hist in zip(self.marginals, mcmc.histograms(kept, bounds)):
            plot.draw(hist)
        settle_ranges(*(m.plot for m in self.marginals))
