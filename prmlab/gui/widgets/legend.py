"""Legends beside or below their plot (never over its data), with rows that follow results
without rebuilding the legend each frame."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSizePolicy

from prmlab.gui.widgets.text import elide


def set_legend_rows(legend: pg.LegendItem, rows: list[tuple[object, str]]) -> None:
    """Make ``legend`` show ``rows`` of ``(item, text)``, in order.

    With the same items the texts are changed in place; only other items rebuild the rows.
    A rebuild makes a label and a sample per row and lays the legend out again, which
    held the GUI thread for 10-40 ms when done for every drawn result. Texts (class names
    from the user's data) are elided (``widgets.text.elide``).
    """
    rows = [(item, elide(text)) for item, text in rows]
    if [sample.item for sample, _ in legend.items] != [item for item, _ in rows]:
        legend.clear()
        for item, text in rows:
            legend.addItem(item, text)
        return
    for (_, label), (_, text) in zip(legend.items, rows):
        if label.text != text:
            label.setText(text)


# cells of a PlotItem's grid: the view box is at (2, 1), its axes around it
_OUTSIDE_CELL = {"right": (2, 3), "bottom": (4, 1)}


class OutsideLegend(pg.LegendItem):
    """A legend placed by a layout (its plot's grid or the figure's), not over the data.

    pyqtgraph's legend floats over the view box, where at projector sizes it covered the
    data it explains, and ignores the view's scaling, so in a figure drawn scaled down
    (``widgets.figure.Figure``) its text was larger than the plots' and overflowed its cell.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.setFlag(self.GraphicsItemFlag.ItemIgnoresTransformations, False)
        # its rows' size, centred in its cell: stretched to a tall plot's height, the rows
        # drifted apart (a sample far below its text)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def addItem(self, item, name: str) -> None:
        """A row for ``item``; a long ``name`` (from the user's data) is elided."""
        super().addItem(item, elide(name))

    def updateSize(self) -> None:
        # pyqtgraph sets the geometry to its rows' size at (0, 0); the plot's layout asks
        # this legend's own layout instead
        self.updateGeometry()


def outside_legend(plot: pg.PlotItem, side: str = "right", **kwargs) -> OutsideLegend:
    """Give ``plot`` a legend on its ``side`` ("right" or "bottom") and return it.

    Like ``plot.addLegend``: items added to the plot with a ``name`` get a row. ``kwargs``
    go to ``pg.LegendItem`` (e.g. ``colCount=3`` for a row below the plot).
    """
    if side not in _OUTSIDE_CELL:
        raise ValueError(f"side must be 'right' or 'bottom', got {side!r}")
    legend = OutsideLegend(offset=None, **kwargs)
    row, col = _OUTSIDE_CELL[side]
    plot.layout.addItem(legend, row, col, alignment=Qt.AlignmentFlag.AlignCenter)
    plot.legend = legend
    return legend
