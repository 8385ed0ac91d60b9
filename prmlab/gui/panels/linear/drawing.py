"""Pieces every linear-models view uses: contour lines of a lab grid (computed in the job,
marching squares is slow in Python), pens in the palette, and one place to hide a set of
plot items."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from prmlab.gui.widgets import colors

DARK = "#1A1A1A"
GREY = colors.PALETTE[7]
BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY = (colors.PALETTE[i] for i in range(6))
MODEL_COLOURS = (BLUE, VERMILLION, GREEN, PURPLE)  # lab.MODELS' boundaries


def pen(colour: str, width: float = 2.0, dashed: bool = False) -> pg.QtGui.QPen:
    """A cosmetic pen of ``colour`` (dashed: a dash line)."""
    style = Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine
    return pg.mkPen(colour, width=width, style=style)


def contour_lines(
    grid: np.ndarray, levels: Sequence[float], extent: tuple[float, float, float, float]
) -> list[np.ndarray]:
    """The contours of ``grid`` (rows: y, columns: x, over ``extent``) at ``levels``, each as
    a NaN-separated (m, 2) polyline in data coordinates."""
    x0, x1, y0, y1 = extent
    rows, cols = grid.shape
    dx, dy = (x1 - x0) / (cols - 1), (y1 - y0) / (rows - 1)
    out = []
    for level in levels:
        parts = []
        for line in pg.functions.isocurve(np.asarray(grid, float).T, level, connected=True):
            a = np.asarray(line, dtype=float)
            parts.append(np.column_stack([x0 + a[:, 0] * dx, y0 + a[:, 1] * dy]))
            parts.append(np.full((1, 2), np.nan))
        out.append(np.concatenate(parts) if parts else np.empty((0, 2)))
    return out


def joined(lines: Iterable[np.ndarray]) -> np.ndarray:
    """Polylines as one NaN-separated (m, 2) array (one item draws them all)."""
    parts = [p for line in lines for p in (line, np.full((1, 2), np.nan)) if len(line)]
    return np.concatenate(parts) if parts else np.empty((0, 2))


def set_xy(item: pg.PlotDataItem, xy: np.ndarray | None) -> None:
    """Show the (m, 2) points ``xy`` on ``item`` (None or empty: nothing)."""
    if xy is None or not len(xy):
        item.setData([], [])
        return
    item.setData(xy[:, 0], xy[:, 1])


def show_only(items: Iterable[pg.GraphicsObject], visible: Iterable[pg.GraphicsObject]) -> None:
    """Show the ``visible`` ones of ``items``, hide the others."""
    keep = set(map(id, visible))
    for item in items:
        item.setVisible(id(item) in keep)
