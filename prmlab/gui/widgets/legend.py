"""Legends beside or below their plot (never over its data), with rows that follow results
without rebuilding the legend each frame."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSizePolicy
from shiboken6 import isValid

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

    Its rows wrap: it asks for the width of its widest row at least, and lays its rows out
    in as many of its ``colCount`` columns as the width it gets holds. A row of two or three
    entries under a plot had set the plot's least width (at fonts +4, MCMC's "accepted z*
    rejected z*" took 316 px under a plot whose axes and title needed 250), and with it the
    least width of the whole figure, which was then drawn scaled down.

    In a figure drawn scaled down its rows go back to more columns only in a view of another
    size or a new font (or new rows): fewer columns make it taller, a taller figure is drawn
    smaller in the same view, which gives the plots more scene width, which held more columns
    again, and so on without end (PCA at 1024x768, fonts +2, under the whiteboard: each pass
    left the legend as tall as the previous pass's rows, stretched past them). At full size
    its columns follow the width it gets now, not the widths it had.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.setFlag(self.GraphicsItemFlag.ItemIgnoresTransformations, False)
        self.most_columns = self.columnCount
        # the view's pixel size when the rows last went to fewer columns (None: not since
        # the rows or the font changed)
        self._narrowed_in: tuple[int, int] | None = None
        # as wide as its rows at most, centred in its cell: stretched to a tall plot's
        # height or a wide plot's width, the rows drifted apart (a sample far from its text)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def addItem(self, item, name: str) -> None:
        """A row for ``item``; a long ``name`` (from the user's data) is elided."""
        super().addItem(item, elide(name))

    def entry_width(self) -> float:
        """The width of the widest entry (sample and text)."""
        spacing = self.layout.horizontalSpacing()
        widths = [
            sample.effectiveSizeHint(Qt.SizeHint.PreferredSize).width()
            + label.effectiveSizeHint(Qt.SizeHint.PreferredSize).width()
            + spacing
            for sample, label in self.items
        ]
        return max(widths, default=0.0)

    def width_for(self, columns: int) -> float:
        """The width the entries need laid out in ``columns`` columns."""
        left, _, right, _ = self.layout.getContentsMargins()
        spacing = self.layout.horizontalSpacing()
        return columns * self.entry_width() + (columns - 1) * spacing + left + right

    def setGeometry(self, rect) -> None:
        super().setGeometry(rect)
        # at every layout pass, not only at a resize: a legend held at its widest (two
        # columns' rows in three columns' width) is not resized when its view grows
        self._wrap(rect.width())

    def _wrap(self, width: float) -> None:
        """Take as many columns (up to ``most_columns``) as ``width`` holds."""
        if not self.items:
            return
        columns = self.most_columns
        while columns > 1 and self.width_for(columns) > width + 0.5:
            columns -= 1
        if columns == self.columnCount:
            return
        view = self._view_size()
        if columns > self.columnCount and view == self._narrowed_in and self._drawn_smaller():
            return  # only the figure's scaling widened it (see the class docstring)
        narrower = columns < self.columnCount
        self.setColumnCount(columns)  # (updateSize forgets _narrowed_in)
        if narrower:
            self._narrowed_in = view

    def _drawn_smaller(self) -> bool:
        """Whether the view draws this legend's figure scaled down. Only then can fewer
        columns give it more width; at full size its width is the layout's alone, and it takes
        as many columns as that holds, whatever widths it had before (a demo and its reopened
        session had wrapped Inference's legend differently)."""
        scene = self.scene()
        if scene is None or not isValid(scene) or not scene.views():
            return False
        view = scene.views()[0]
        scale_at = getattr(view, "scale_at", None)  # a Figure (widgets.figure)
        return scale_at is not None and scale_at(view.width(), view.height()) < 1.0

    def _view_size(self) -> tuple[int, int] | None:
        """The pixel size of the view showing this legend (None: not shown)."""
        scene = self.scene()
        # a scene being deleted lays its items out once more, its wrapper already invalid
        if scene is None or not isValid(scene):
            return None
        views = scene.views()
        return (views[0].width(), views[0].height()) if views else None

    def updateSize(self) -> None:
        # pyqtgraph sets the geometry to its rows' size at (0, 0); the plot's layout asks
        # this legend's own layout instead, for its height, and these widths. New rows or a
        # new font: any number of columns may fit
        self._narrowed_in = None
        if self.items:
            widest = self.width_for(min(self.most_columns, len(self.items)))
            self.setMinimumWidth(self.width_for(1))
            self.setPreferredWidth(widest)
            self.setMaximumWidth(widest)
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
