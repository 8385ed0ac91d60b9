"""A graph drawn in a plot: nodes as labelled discs, edges as lines (some highlighted or
dashed), arrowheads and value labels; every mode's picture of a graph uses it. Places items
only: what they show comes from the lab."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from prmlab.gui.theme import ink, plot_text
from prmlab.gui.widgets import colors
from prmlab.gui.widgets.text import TextItem

GREY = colors.PALETTE[7]
HIGHLIGHT = colors.PALETTE[3]  # vermillion
NODE_SIZE = 34
NODE_TEXT = "#1A1A1A"
MARGIN = 0.7  # data units around the nodes


def line_pen(colour: str, width: float = 2.0, dashed: bool = False) -> pg.QtGui.QPen:
    """A cosmetic pen (dashed: a dash line)."""
    style = Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine
    return pg.mkPen(colour, width=width, style=style)


def arrow_angle(direction: np.ndarray) -> float:
    """pyqtgraph's ArrowItem angle for a tip pointing along ``direction`` (data x right,
    y up): 0 points left and angles turn clockwise on screen."""
    return 180.0 - math.degrees(math.atan2(direction[1], direction[0]))


def still_plot(
    title: str, *, picture: bool = False, view_box: pg.ViewBox | None = None
) -> pg.PlotItem:
    """A plot the mouse does not pan or zoom (its ranges are set from the data, so a session
    redraws the same pixels); a ``picture`` has no axes and square units."""
    plot = pg.PlotItem(title=title, viewBox=view_box)
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(False, False)
    plot.hideButtons()
    if picture:
        plot.hideAxis("left")
        plot.hideAxis("bottom")
        plot.setAspectLocked(True)
    return plot


def marked_curve(plot: pg.PlotItem, colour: str, size: int = 5) -> pg.PlotDataItem:
    """An empty curve in ``plot`` with a dot at each value."""
    return plot.plot(
        [], [], pen=line_pen(colour, 2.5), symbol="o", symbolSize=size, symbolBrush=colour,
        symbolPen=None,
    )  # fmt: skip


class _Pool:
    """Plot items made on demand and kept: ``take(k)`` shows the first k, hides the rest."""

    def __init__(self, plot: pg.PlotItem, make) -> None:
        self.plot, self.make, self.items = plot, make, []

    def take(self, k: int) -> list:
        while len(self.items) < k:
            item = self.make()
            self.plot.addItem(item)
            self.items.append(item)
        for i, item in enumerate(self.items):
            item.setVisible(i < k)
        return self.items[:k]


class _Discs(pg.ScatterPlotItem):
    """The nodes' discs: a click on one goes on to the plot (a canvas may draw with it)."""

    def mouseClickEvent(self, ev) -> None:
        ev.ignore()


class NetworkPlot:
    """One plot of a graph; ``draw_*`` calls each replace what they drew before;
    ``view_box``: the plot's (e.g. a canvas's, which takes its clicks and drags)."""

    def __init__(self, title: str, view_box: pg.ViewBox | None = None) -> None:
        self.plot = plot = still_plot(title, picture=True, view_box=view_box)
        self.edges = plot.plot([], [], pen=line_pen(GREY, 2.0), connect="pairs")
        self.dashed = plot.plot([], [], pen=line_pen(GREY, 2.0, dashed=True), connect="pairs")
        self.active = plot.plot([], [], pen=line_pen(HIGHLIGHT, 5.0), connect="pairs")
        self.nodes = ink(_Discs(size=NODE_SIZE, pen=pg.mkPen(GREY, width=2)))
        self.nodes.setZValue(5)
        plot.addItem(self.nodes)
        self._arrows = _Pool(
            plot, lambda: pg.ArrowItem(headLen=13, headWidth=8, tailLen=0, pen=None)
        )
        # dark on the light discs in both themes (not the theme's plot-text colour)
        self._labels = _Pool(plot, lambda: TextItem(anchor=(0.5, 0.5), color=NODE_TEXT))
        self._values = _Pool(plot, lambda: plot_text(TextItem(anchor=(0.5, 0.5))))

    def draw_edges(
        self,
        xy: np.ndarray,
        edges: np.ndarray,
        active: np.ndarray | None = None,
        dashed: np.ndarray | None = None,
    ) -> None:
        """Lines for ``edges`` between the nodes at ``xy``: ``active`` ones thick and
        coloured, ``dashed`` ones dashed (both (m,) bool or None)."""
        m = len(edges)
        active = np.zeros(m, bool) if active is None else active
        dashed = np.zeros(m, bool) if dashed is None else dashed
        for item, mask in (
            (self.edges, ~dashed),
            (self.dashed, dashed),
            (self.active, active),
        ):
            pts = xy[edges[mask].ravel()] if m else np.empty((0, 2))
            item.setData(pts[:, 0], pts[:, 1])

    def draw_nodes(
        self, xy: np.ndarray, brushes: Sequence, labels: Sequence[str], below: bool = False
    ) -> None:
        """Discs at ``xy`` filled with ``brushes``; ``labels`` inside them (or below)."""
        self.nodes.setData(pos=xy, brush=list(brushes))
        for item, (x, y), text in zip(self._labels.take(len(labels)), xy, labels, strict=True):
            item.setText(text)
            item.setAnchor((0.5, -0.55) if below else (0.5, 0.5))
            item.setPos(x, y)
            item.setZValue(6)

    def draw_arrows(self, tips: np.ndarray, directions: np.ndarray, brushes: Sequence) -> None:
        """Arrowheads with their tips at ``tips (k, 2)`` pointing along ``directions``."""
        for item, tip, d, brush in zip(
            self._arrows.take(len(tips)), tips, directions, brushes, strict=True
        ):
            item.setStyle(angle=arrow_angle(d), brush=brush)
            item.setPos(*tip)
            item.setZValue(4)

    def draw_values(
        self, xy: np.ndarray, texts: Sequence[str], colours: Sequence[str] | None = None
    ) -> None:
        """Short value labels centred at ``xy`` (``colours`` None: the theme's text colour)."""
        items = self._values.take(len(texts))
        for k, (item, (x, y), text) in enumerate(zip(items, xy, texts, strict=True)):
            item.setText(text)
            item.setColor(pg.getConfigOption("foreground") if colours is None else colours[k])
            item.setPos(x, y)

    def frame(self, xy: np.ndarray, below: bool = False) -> None:
        """Show every node with a margin (more room below for labels under the nodes)."""
        lo, hi = xy.min(axis=0) - MARGIN, xy.max(axis=0) + MARGIN
        if below:
            lo[1] -= 0.4
        self.plot.setRange(xRange=(lo[0], hi[0]), yRange=(lo[1], hi[1]), padding=0)


def message_places(xy: np.ndarray, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where message 2e (u → v) and 2e + 1 (v → u) are drawn: arrow tips at 62 % of the way
    beside the edge (each on its own side), their directions, and their value labels'
    places further out."""
    start = np.repeat(xy[edges[:, 0]], 2, axis=0)
    end = np.repeat(xy[edges[:, 1]], 2, axis=0)
    start[1::2], end[1::2] = end[1::2].copy(), start[1::2].copy()
    d = end - start
    unit = d / np.maximum(np.linalg.norm(d, axis=1, keepdims=True), 1e-9)
    side = np.column_stack([unit[:, 1], -unit[:, 0]])  # right of the direction of travel
    tips = start + 0.62 * d + 0.1 * side
    # beside their arrowheads: the two inner labels of edges meeting at a node sit at
    # different ends, so they do not collide
    labels = start + 0.66 * d + 0.3 * side
    return tips, unit, labels
